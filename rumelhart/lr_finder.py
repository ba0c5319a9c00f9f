"""A learning-rate finder: an exponential sweep of the learning rate.

Train a copy of the estimator for a few hundred batches while the learning
rate grows geometrically from ``start_lr`` to ``end_lr``; record the smoothed
loss; suggest a tenth of the rate at its minimum. The estimator passed in is
never changed.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import _num_samples

from ._docstrings import AXES, with_parameters
from ._training import steps_per_epoch
from .callbacks import Callback, StopTraining
from .exceptions import DivergenceError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from numpy.typing import ArrayLike
    from sklearn.base import BaseEstimator

    from ._context import TrainingContext
    from .plotting import LRFinderDisplay

__all__ = ["LRFinderResult", "find_learning_rate"]


class _Sink(list[tuple[float, float, float]]):
    """A list that survives the deep copy ``fit`` makes of its callbacks."""

    def __deepcopy__(self, memo: dict[int, Any]) -> _Sink:
        return self


class _LRSweep(Callback):
    key = "lr_sweep"

    def __init__(
        self, lrs: np.ndarray, smoothing: float, diverge_factor: float, sink: _Sink
    ) -> None:
        self.lrs = lrs
        self.smoothing = smoothing
        self.diverge_factor = diverge_factor
        self.sink = sink

    def on_fit_begin(self, context: TrainingContext) -> None:
        context.engine.lr = self.lrs[0]
        self._average = 0.0
        self._best = math.inf

    def on_batch_end(self, context: TrainingContext) -> None:
        step = context.step
        weight = max(float(context.batch_weight), np.finfo(float).tiny)
        loss = float(context.batch_loss) / weight
        k = step - 1
        beta = 1 - self.smoothing
        self._average = beta * self._average + (1 - beta) * loss
        smoothed = self._average / (1 - beta**step)  # bias-corrected
        self.sink.append((self.lrs[k], loss, smoothed))
        if not math.isfinite(smoothed):
            raise StopTraining
        self._best = min(self._best, smoothed)
        if smoothed > self.diverge_factor * self._best or step >= len(self.lrs):
            raise StopTraining
        context.engine.lr = self.lrs[step]


class LRFinderResult:
    """The outcome of :func:`find_learning_rate`.

    Attributes
    ----------
    lrs : ndarray
        Learning rates tried, one per batch.
    losses : ndarray
        Training loss of each batch, measured before its change.
    smoothed_losses : ndarray
        Exponentially smoothed, bias-corrected losses.
    suggestion : float
        A tenth of ``lr_at_minimum``: the rule of Smith (2017) and fastai,
        robust to the noise of mini-batch losses.
    lr_at_minimum : float
        Rate at the smallest smoothed loss.
    steepest : float
        Rate at which the smoothed loss falls fastest against log learning
        rate, before its minimum (ignoring the first tenth of the sweep);
        sharper on clean curves, misled by noisy ones.
    param_name : str
        The estimator's learning-rate parameter (``"eps"`` or ``"lr"``).
    minimum_at_end : bool
        Whether the smoothed loss is lowest in the last 5% of the sweep
        (at least the last step) without having turned up after it (its
        last value finite and under twice the minimum): the sweep ended
        before the loss turned up, so the suggestion follows ``end_lr``
        rather than the loss. A ``UserWarning`` then says so, with the
        rates, and advises raising ``end_lr``.
    """

    def __init__(
        self,
        lrs: ArrayLike,
        losses: ArrayLike,
        smoothed_losses: ArrayLike,
        param_name: str,
    ) -> None:
        self.lrs = np.asarray(lrs, dtype=float)
        self.losses = np.asarray(losses, dtype=float)
        self.smoothed_losses = np.asarray(smoothed_losses, dtype=float)
        self.param_name = param_name
        finite = np.isfinite(self.smoothed_losses)
        lowest = int(np.argmin(np.where(finite, self.smoothed_losses, np.inf)))
        self.lr_at_minimum = float(self.lrs[lowest])
        self.suggestion = self.lr_at_minimum / 10
        skip = len(self.lrs) // 10
        if lowest - skip >= 2:
            window = slice(skip, lowest + 1)
            slopes = np.gradient(self.smoothed_losses[window], np.log(self.lrs[window]))
            self.steepest = float(self.lrs[skip + int(np.argmin(slopes))])
        else:
            self.steepest = self.lr_at_minimum
        self.minimum_at_end = self._lowest_at_end(lowest)
        if self.minimum_at_end:
            warnings.warn(
                f"The smoothed loss is lowest at {param_name}="
                f"{self.lr_at_minimum:.3g}, within the last 5% of the sweep "
                f"(which ended at {self.lrs[-1]:.3g}), and had not turned up by "
                f"its end: the suggestion ({self.suggestion:.3g}) follows end_lr "
                "rather than the loss. Raise end_lr and sweep again.",
                UserWarning,
                stacklevel=3,
            )

    def _lowest_at_end(self, lowest: int) -> bool:
        """Whether the minimum sits in the sweep's last 5%, the loss not turned up."""
        n = len(self.smoothed_losses)
        last, best = self.smoothed_losses[-1], self.smoothed_losses[lowest]
        turned_up = not np.isfinite(last) or last > 2 * best
        return lowest >= n - max(1, math.ceil(0.05 * n)) and not turned_up

    @with_parameters(AXES)
    def plot(self, ax: Axes | None = None) -> LRFinderDisplay:
        """Plot the smoothed loss against the learning rate (log scale).

        Returns
        -------
        display : rumelhart.plotting.LRFinderDisplay
            With ``ax_`` and ``figure_``.
        """
        from .plotting import LRFinderDisplay

        return LRFinderDisplay(self).plot(ax=ax)

    def __repr__(self) -> str:
        return (
            f"LRFinderResult(suggestion={self.suggestion:.3g}, "
            f"lr_at_minimum={self.lr_at_minimum:.3g}, n_steps={len(self.lrs)})"
        )


def find_learning_rate(
    estimator: BaseEstimator,
    X: ArrayLike,
    y: ArrayLike,
    *,
    start_lr: float = 1e-6,
    end_lr: float = 10.0,
    num_steps: int = 100,
    smoothing: float = 0.05,
    diverge_factor: float = 4.0,
    sample_weight: ArrayLike | None = None,
) -> LRFinderResult:
    """Sweep the learning rate exponentially and suggest a good value.

    Parameters
    ----------
    estimator : rumelhart estimator or Pipeline ending in one
        The model to study; it is cloned and never changed. In a Pipeline
        the preceding steps are fitted on ``X`` first.
    X : array-like of shape (n_samples, n_features)
        Training inputs.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets.
    start_lr, end_lr : float, default=1e-6, 10.0
        Range of the sweep.
    num_steps : int, default=100
        Number of batches (one learning rate each). With full-batch
        training that is ``num_steps`` epochs.
    smoothing : float, default=0.05
        Weight of the newest loss in the exponential moving average.
    diverge_factor : float, default=4.0
        The sweep ends once the smoothed loss exceeds this multiple of its
        minimum.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sample.

    Returns
    -------
    result : LRFinderResult
        Learning rates, losses, ``suggestion`` and ``.plot()``.
    """
    if not 0 < start_lr < end_lr:
        raise ValueError(
            f"Need 0 < start_lr < end_lr, got start_lr={start_lr}, end_lr={end_lr}."
        )
    if not (isinstance(num_steps, int) and num_steps >= 3):
        raise ValueError(f"num_steps must be an int >= 3, got {num_steps!r}.")
    if not 0 < smoothing <= 1:
        raise ValueError(f"smoothing must be in (0, 1], got {smoothing!r}.")
    if isinstance(estimator, Pipeline):
        X = clone(estimator[:-1]).fit_transform(X, y)
        estimator = estimator[-1]
    param_name = getattr(estimator, "_learning_rate_param", None)
    if param_name is None:
        raise TypeError(
            "find_learning_rate needs a rumelhart estimator (or a Pipeline ending "
            f"in one), got {type(estimator).__name__}."
        )
    lrs = np.geomspace(start_lr, end_lr, num_steps)
    sink = _Sink()
    model = clone(estimator)
    n_samples = _num_samples(X)  # lists, arrays, DataFrames, sparse matrices
    per_epoch = steps_per_epoch(n_samples, model._batch_size(n_samples))
    if "lr_schedule" in model.get_params():
        model.set_params(lr_schedule="constant")  # the sweep is the schedule
    model.set_params(
        callbacks=[_LRSweep(lrs, smoothing, diverge_factor, sink)],
        max_iter=-(-num_steps // per_epoch),
        n_iter_no_change=num_steps + 1,
        early_stopping=False,
        warm_start=False,
        verbose=0,
        **{param_name: float(start_lr)},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # The sweep may run into the very divergence it looks for.
        with contextlib.suppress(DivergenceError):
            model.fit(X, y, sample_weight=sample_weight)
    if len(sink) < 3:
        raise ValueError(
            f"The sweep stopped after {len(sink)} steps; lower start_lr "
            f"(now {start_lr}) or raise diverge_factor."
        )
    lrs_done, losses, smoothed = zip(*sink)
    return LRFinderResult(lrs_done, losses, smoothed, param_name)
