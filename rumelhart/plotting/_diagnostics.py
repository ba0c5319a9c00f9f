"""What a recorder saw during fit: one statistic of every layer over the steps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ._common import _AxesDisplay, _fitted_final

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.lines import Line2D
    from sklearn.base import BaseEstimator


class DiagnosticsDisplay(_AxesDisplay):
    """One statistic of every layer over the training steps.

    Parameters
    ----------
    records : list of dict
        Rows from an activation, gradient or weight recorder (``step``,
        ``layer`` and the statistic).
    stat : str
        Which statistic to draw (e.g. ``"std"``, ``"saturated"``, ``"norm"``).
    title : str, default=None
        Title of the plot.

    Attributes
    ----------
    lines_ : dict of str to matplotlib Line2D
        One line per layer.
    ax_ : matplotlib Axes
        The axes.
    figure_ : matplotlib Figure
        The figure.
    """

    def __init__(
        self,
        records: Iterable[dict[str, Any]],
        stat: str,
        title: str | None = None,
    ) -> None:
        self.records = list(records)
        self.stat = stat
        self.title = title

    @classmethod
    def from_estimator(
        cls,
        estimator: BaseEstimator,
        kind: str,
        stat: str = "std",
        ax: Axes | None = None,
    ) -> DiagnosticsDisplay:
        """Plot what a recorder recorded during ``fit``.

        Parameters
        ----------
        estimator : fitted rumelhart estimator
            Fitted with the recorder among its ``callbacks``; a Pipeline
            ending in one, or a search whose ``best_estimator_`` is one.
        kind : {"activations", "gradients", "weights"}
            Which recorder's records (its ``key`` in ``history_``).
        stat : str, default="std"
            Statistic to draw.
        ax : matplotlib Axes, default=None
            Where to draw.

        Returns
        -------
        display : DiagnosticsDisplay

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the (final) estimator is not fitted (a ValueError).
        TypeError
            If it is fitted but has no ``history_``.
        ValueError
            If nothing was recorded under ``kind``.
        """
        model = _fitted_final(estimator, "history_", "DiagnosticsDisplay")
        history = model.history_
        if kind not in history:
            raise ValueError(
                f"The estimator recorded no {kind!r}; fit it with the matching "
                f"recorder in callbacks (recorded: {sorted(history)})."
            )
        return cls(history[kind], stat, f"{kind}: {stat}").plot(ax=ax)

    def _check(self) -> None:
        if self.records and self.stat not in self.records[0]:
            stats = [k for k in self.records[0] if k not in ("step", "epoch", "layer")]
            raise ValueError(f"Unknown stat {self.stat!r}; expected one of {stats}.")

    def _draw(self, ax: Axes) -> None:
        """Draw one line per layer."""
        layers = list(dict.fromkeys(row["layer"] for row in self.records))
        self.lines_: dict[str, Line2D] = {}
        for layer in layers:
            rows = [r for r in self.records if r["layer"] == layer]
            (self.lines_[layer],) = ax.plot(
                [r["step"] for r in rows], [r[self.stat] for r in rows], label=layer
            )
        ax.set_xlabel("step")
        ax.set_ylabel(self.stat)
        ax.legend()
        if self.title:
            ax.set_title(self.title)
