"""Plots of training: loss curves, diagnostics, LR finder, decision boundaries.

Display objects follow scikit-learn's convention: build one from a fitted
estimator with ``Display.from_estimator(...)`` (which plots), or construct it
from data and call ``.plot(ax=None)``; the figure is in ``figure_`` and the
axes in ``ax_``. matplotlib is an optional extra: ``pip install
'rumelhart[plot]'``.
"""

import numpy as np

__all__ = [
    "DiagnosticsDisplay",
    "LRFinderDisplay",
    "LossCurveDisplay",
    "plot_decision_boundary",
]


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            "Plotting needs matplotlib: pip install 'rumelhart[plot]'."
        ) from exc
    return plt


def _axes(ax):
    if ax is None:
        _, ax = _pyplot().subplots()
    return ax


class LossCurveDisplay:
    """Training loss per epoch, and the validation score when there is one.

    Parameters
    ----------
    loss_curve : sequence of float
        Loss per epoch.
    validation_scores : sequence of float, default=None
        Validation score per epoch (drawn on a second axis).
    estimator_name : str, default=None
        Title of the plot.
    """

    def __init__(self, loss_curve, validation_scores=None, estimator_name=None):
        self.loss_curve = list(loss_curve)
        self.validation_scores = (
            None if validation_scores is None else list(validation_scores)
        )
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, ax=None):
        """Plot a fitted estimator's ``loss_curve_`` and ``validation_scores_``.

        Parameters
        ----------
        estimator : fitted rumelhart estimator
            The model.
        ax : matplotlib Axes, default=None
            Where to draw.

        Returns
        -------
        display : LossCurveDisplay
        """
        return cls(
            estimator.loss_curve_,
            getattr(estimator, "validation_scores_", None),
            type(estimator).__name__,
        ).plot(ax=ax)

    def plot(self, ax=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.

        Returns
        -------
        display : LossCurveDisplay
        """
        ax = _axes(ax)
        epochs = np.arange(1, len(self.loss_curve) + 1)
        (self.line_,) = ax.plot(epochs, self.loss_curve, label="training loss")
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        self.validation_line_ = None
        if self.validation_scores:
            twin = ax.twinx()
            (self.validation_line_,) = twin.plot(
                epochs, self.validation_scores, color="C1", label="validation score"
            )
            twin.set_ylabel("validation score")
            ax.legend(handles=[self.line_, self.validation_line_], loc="center right")
        if self.estimator_name:
            ax.set_title(self.estimator_name)
        self.ax_, self.figure_ = ax, ax.figure
        return self


class DiagnosticsDisplay:
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
    """

    def __init__(self, records, stat, title=None):
        self.records = list(records)
        self.stat = stat
        self.title = title

    @classmethod
    def from_estimator(cls, estimator, kind, stat="std", ax=None):
        """Plot what a recorder recorded during ``fit``.

        Parameters
        ----------
        estimator : fitted rumelhart estimator
            Fitted with the recorder among its ``callbacks``.
        kind : {"activations", "gradients", "weights"}
            Which recorder's records (its ``key`` in ``history_``).
        stat : str, default="std"
            Statistic to draw.
        ax : matplotlib Axes, default=None
            Where to draw.

        Returns
        -------
        display : DiagnosticsDisplay
        """
        history = getattr(estimator, "history_", {})
        if kind not in history:
            raise ValueError(
                f"The estimator recorded no {kind!r}; fit it with the matching "
                f"recorder in callbacks (recorded: {sorted(history)})."
            )
        return cls(history[kind], stat, f"{kind}: {stat}").plot(ax=ax)

    def plot(self, ax=None):
        """Draw one line per layer.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.

        Returns
        -------
        display : DiagnosticsDisplay
        """
        if self.records and self.stat not in self.records[0]:
            stats = [k for k in self.records[0] if k not in ("step", "epoch", "layer")]
            raise ValueError(f"Unknown stat {self.stat!r}; expected one of {stats}.")
        ax = _axes(ax)
        layers = list(dict.fromkeys(row["layer"] for row in self.records))
        self.lines_ = {}
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
        self.ax_, self.figure_ = ax, ax.figure
        return self


class LRFinderDisplay:
    """The loss of a learning-rate sweep, with the suggested rate marked.

    Parameters
    ----------
    result : rumelhart.lr_finder.LRFinderResult
        What :func:`rumelhart.find_learning_rate` returned.
    """

    def __init__(self, result):
        self.result = result

    def plot(self, ax=None):
        """Draw the smoothed loss against the learning rate.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.

        Returns
        -------
        display : LRFinderDisplay
        """
        ax = _axes(ax)
        r = self.result
        ax.plot(r.lrs, r.losses, alpha=0.3, label="loss")
        (self.line_,) = ax.plot(r.lrs, r.smoothed_losses, label="smoothed loss")
        self.marker_ = ax.axvline(
            r.suggestion,
            color="C3",
            linestyle="--",
            label=f"suggestion {r.param_name}={r.suggestion:.2g}",
        )
        ax.set_xscale("log")
        ax.set_xlabel(f"learning rate ({r.param_name})")
        ax.set_ylabel("loss")
        finite = r.smoothed_losses[np.isfinite(r.smoothed_losses)]
        if finite.size:
            top = min(finite.max(), 4 * finite.min() + 1e-12)
            ax.set_ylim(max(finite.min() * 0.9, 0), top * 1.1)
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self


def plot_decision_boundary(
    estimator,
    X,
    y=None,
    *,
    ax=None,
    response_method="auto",
    grid_resolution=200,
    **kwargs,
):
    """Decision regions (or class-1 probability) of a fitted classifier, with data.

    A thin layer over scikit-learn's ``DecisionBoundaryDisplay`` that also
    scatters the samples.

    Parameters
    ----------
    estimator : fitted classifier on 2 features
        The model.
    X : array-like of shape (n_samples, 2)
        Samples to draw; they also set the plot's range.
    y : array-like of shape (n_samples,), default=None
        Their labels (colours).
    ax : matplotlib Axes, default=None
        Where to draw.
    response_method : str, default="auto"
        Passed to ``DecisionBoundaryDisplay.from_estimator``;
        ``"predict_proba"`` gives a probability map for two classes.
    grid_resolution : int, default=200
        Points per axis of the grid.
    **kwargs
        Passed to ``DecisionBoundaryDisplay.from_estimator``.

    Returns
    -------
    display : sklearn.inspection.DecisionBoundaryDisplay
        With ``ax_`` and ``figure_``.
    """
    from sklearn.inspection import DecisionBoundaryDisplay

    ax = _axes(ax)
    kwargs.setdefault("alpha", 0.4)
    display = DecisionBoundaryDisplay.from_estimator(
        estimator,
        X,
        ax=ax,
        response_method=response_method,
        grid_resolution=grid_resolution,
        **kwargs,
    )
    X = np.asarray(X)
    ax.scatter(X[:, 0], X[:, 1], c=y, s=12, edgecolor="k", linewidth=0.3)
    return display
