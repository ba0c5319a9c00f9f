"""The loss curve of a fit, with its validation loss and score."""

from __future__ import annotations

from collections.abc import Iterable, Sized
from typing import TYPE_CHECKING

import numpy as np

from ..callbacks import _resolved_scoring
from ._common import _AxesDisplay, _fitted_final

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.lines import Line2D
    from sklearn.base import BaseEstimator


class LossCurveDisplay(_AxesDisplay):
    """Training loss per epoch, with the validation loss and score if any.

    The losses share the left axis; the validation score (e.g. accuracy or
    R²) has its own axis on the right. One legend names every curve.

    Parameters
    ----------
    loss_curve : sequence of float
        Training loss per epoch.
    validation_scores : sequence of float, default=None
        Validation score per epoch (drawn on a second axis).
    estimator_name : str, default=None
        Title of the plot.
    validation_loss : sequence of float, default=None
        Validation loss per epoch (drawn on the loss axis).
    score_name : str, default=None
        What the validation score is (the estimator's ``scoring``, e.g.
        ``"f1"``): the score is labelled ``"validation <score_name>"``, or
        ``"validation score"`` when None.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The training loss.
    validation_loss_line_ : matplotlib Line2D or None
        The validation loss, when there is one.
    validation_line_ : matplotlib Line2D or None
        The validation score, when there is one.
    score_ax_ : matplotlib Axes or None
        The right-hand axis of the validation score.
    ax_ : matplotlib Axes
        The loss axis.
    figure_ : matplotlib Figure
        The figure.
    """

    def __init__(
        self,
        loss_curve: Iterable[float],
        validation_scores: Iterable[float] | None = None,
        estimator_name: str | None = None,
        validation_loss: Iterable[float] | None = None,
        score_name: str | None = None,
    ) -> None:
        self.loss_curve = list(loss_curve)
        self.validation_scores = _optional_list(validation_scores)
        self.estimator_name = estimator_name
        self.validation_loss = _optional_list(validation_loss)
        self.score_name = score_name

    @classmethod
    def from_estimator(
        cls, estimator: BaseEstimator, ax: Axes | None = None
    ) -> LossCurveDisplay:
        """Plot a fitted estimator's loss curve and validation curves.

        Reads ``loss_curve_``, and ``validation_scores_`` and
        ``validation_loss_`` where the estimator has them; the score is
        labelled by the estimator's ``scoring`` when it names one, and left
        out for ``scoring="loss"`` (it is then the negated validation loss,
        already drawn; also ``"auto"`` on a regressor or an autoencoder).

        Parameters
        ----------
        estimator : fitted estimator with ``loss_curve_``
            A rumelhart estimator, a Pipeline ending in one, or a fitted
            search whose ``best_estimator_`` is one.
        ax : matplotlib Axes, default=None
            Where to draw.

        Returns
        -------
        display : LossCurveDisplay

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the (final) estimator is not fitted (a ValueError).
        TypeError
            If it is fitted but has no ``loss_curve_``.
        """
        model = _fitted_final(estimator, "loss_curve_", "LossCurveDisplay")
        scores = getattr(model, "validation_scores_", None)
        validation_loss = getattr(model, "validation_loss_", None)
        scoring = _resolved_scoring(model)
        if scoring == "loss" and validation_loss:
            scores = None  # -validation_loss_: the loss axis shows it already
        return cls(
            model.loss_curve_,
            scores,
            type(model).__name__,
            validation_loss,
            _score_name(scoring),
        ).plot(ax=ax)

    def _draw(self, ax: Axes) -> None:
        """Draw the curves."""
        (self.line_,) = ax.plot(
            _epochs(self.loss_curve), self.loss_curve, label="training loss"
        )
        lines = [self.line_]
        self.validation_loss_line_: Line2D | None = None
        self.validation_line_: Line2D | None = None
        self.score_ax_: Axes | None = None
        if self.validation_loss:
            (self.validation_loss_line_,) = ax.plot(
                _epochs(self.validation_loss),
                self.validation_loss,
                color="C2",
                linestyle="--",
                label="validation loss",
            )
            lines.append(self.validation_loss_line_)
        if self.validation_scores:
            self.score_ax_ = ax.twinx()
            label = f"validation {self.score_name or 'score'}"
            (self.validation_line_,) = self.score_ax_.plot(
                _epochs(self.validation_scores),
                self.validation_scores,
                color="C1",
                label=label,
            )
            self.score_ax_.set_ylabel(label)
            lines.append(self.validation_line_)
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss" if self.validation_loss else "training loss")
        if len(lines) > 1:
            ax.legend(handles=lines, loc="center right")
        if self.estimator_name:
            ax.set_title(self.estimator_name)


def _score_name(scoring: object) -> str | None:
    """The label of a ``scoring`` parameter: its name, "-loss" for the
    negated loss, None for the estimator's own score or a callable."""
    if scoring == "loss":
        return "-loss"
    if scoring == "calibrated_loss":
        return "-calibrated loss"
    return scoring if isinstance(scoring, str) else None


def _optional_list(values: Iterable[float] | None) -> list[float] | None:
    return None if values is None else list(values)


def _epochs(values: Sized) -> np.ndarray:
    """Epoch numbers 1 to ``len(values)``, the x axis of a curve."""
    return np.arange(1, len(values) + 1)
