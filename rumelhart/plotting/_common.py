"""What every display shares: ``plot`` on one Axes, pyplot on demand, the
axes, the fitted model."""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

from .._docstrings import AXES, with_parameters

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from sklearn.base import BaseEstimator


def _pyplot() -> ModuleType:
    """``matplotlib.pyplot``, or an ImportError naming the extra to install."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            "Plotting needs matplotlib: pip install 'rumelhart[plot]'."
        ) from exc
    return plt


def _axes(ax: Axes | None, **figure_kwargs: Any) -> Axes:
    """``ax``, or the axes of a new figure made with ``figure_kwargs``."""
    if ax is None:
        _, ax = _pyplot().subplots(**figure_kwargs)
    return ax


_Display = TypeVar("_Display", bound="_AxesDisplay")


class _AxesDisplay:
    """A display drawn on one matplotlib Axes (scikit-learn's convention).

    ``plot`` picks or makes the axes, lets the subclass draw, and records
    ``ax_`` and ``figure_``; subclasses supply ``_draw`` (and ``_check``).
    """

    @with_parameters(AXES)
    def plot(self: _Display, ax: Axes | None = None) -> _Display:
        """Draw the display.

        Returns
        -------
        display : object
            This display, drawn, with ``ax_`` and ``figure_`` set.
        """
        self._check()
        ax = _axes(ax)
        self._draw(ax)
        self.ax_, self.figure_ = ax, ax.figure
        return self

    def _check(self) -> None:
        """Refuse what cannot be drawn, before any figure is made."""

    def _draw(self, ax: Axes) -> None:
        raise NotImplementedError


def _final_estimator(estimator: BaseEstimator) -> Any:
    """The model inside Pipelines (last step) and searches (best_estimator_)."""
    from sklearn.pipeline import Pipeline

    while True:
        if isinstance(estimator, Pipeline):
            estimator = estimator[-1]
        elif hasattr(estimator, "best_estimator_"):
            estimator = estimator.best_estimator_
        else:
            return estimator


def _fitted_final(estimator: BaseEstimator, attribute: str, what: str) -> Any:
    """The final estimator, checked to have ``attribute``; else a clear error."""
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    final = _final_estimator(estimator)
    if hasattr(final, attribute):
        return final
    name = type(final).__name__
    try:
        check_is_fitted(final)
    except NotFittedError:
        raise NotFittedError(
            f"{what} needs a fitted estimator; this {name} is not fitted yet. "
            "Call fit first."
        ) from None
    except TypeError:  # not an estimator at all
        pass
    raise TypeError(
        f"{what} needs a fitted estimator with {attribute} (a rumelhart "
        f"estimator, or a Pipeline ending in one); got {name}, which has none."
    )
