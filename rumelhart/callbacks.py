"""Callbacks: hooks around epochs and batches, recorders, early stopping, schedules.

Pass a list to any estimator's ``callbacks`` parameter. ``fit`` works on
copies of them (parameters are never changed by fitting), available after
fit as ``callbacks_``; what the recorders record is in ``history_``, keyed by
each callback's ``key``, as plain lists of dicts::

    import pandas as pd
    clf = RumelhartClassifier(callbacks=[GradientRecorder(every_n=5)]).fit(X, y)
    pd.DataFrame(clf.history_["gradients"])

Every hook takes one argument, the :class:`TrainingContext` (estimator,
:class:`EngineView`, epoch, step, losses, logs...); information added in
later versions arrives as new attributes of the context, so a callback keeps
working. Recorders cost nothing when not used: without a batch-level
callback the engines run their batch loop with no hook at all. The
diagnostics recorders measure a fixed probe batch (the first ``n_probe``
training samples) every ``every_n`` steps; on torch they keep their numbers
on the device and copy them to the host once per epoch.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.base import is_classifier

from ._context import EngineView, TrainingContext
from ._engines.protocol import ACTIVATION_STATS, TENSOR_STATS
from .exceptions import StopTraining

__all__ = [
    "ActivationRecorder",
    "Callback",
    "EarlyStopping",
    "EngineView",
    "GradientRecorder",
    "LossRecorder",
    "ParamScheduler",
    "ProgressBar",
    "StopTraining",
    "TrainingContext",
    "WeightRecorder",
]


class Callback:
    """Base class: override the hooks you need; each does nothing by default.

    Every hook receives the :class:`TrainingContext` of the fit (call it
    ``context``). Hooks written for rumelhart 0.1, which took
    ``(estimator, engine, ...)``, still work until 0.3, with a
    ``FutureWarning``.

    Attributes
    ----------
    key : str
        Name of this callback's records in the estimator's ``history_``.
    order : int
        Callbacks with a lower order are called first at every hook
        (:class:`EarlyStopping` runs first, so that the others see the
        restored weights at ``on_fit_end``; schedulers run last, so that
        recorders see the rate a batch was trained with).
    """

    key = "callback"
    order = 0

    def on_fit_begin(self, context: TrainingContext) -> None:
        """Called before the first epoch."""

    def on_epoch_begin(self, context: TrainingContext) -> None:
        """Called before each epoch (``context.epoch`` is the coming one)."""

    def on_batch_end(self, context: TrainingContext) -> None:
        """Called after each change of the weights (``context.step``,
        ``context.batch_loss``, ``context.batch_weight``)."""

    def on_epoch_end(self, context: TrainingContext) -> bool | None:
        """Called after each epoch with ``context.logs``; return True (or
        set ``context.stop_training``) to stop training after it."""

    def on_fit_end(self, context: TrainingContext) -> None:
        """Called once training ends (``context.stop_reason`` says why)."""

    def records(self) -> list[dict[str, Any]] | None:
        """What the callback recorded, as a list of dicts (None if nothing)."""
        return None

    def __repr__(self) -> str:
        shown = []
        parameters = inspect.signature(type(self).__init__).parameters.values()
        for p in parameters:
            if p.name == "self" or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                continue
            value = getattr(self, p.name, p.default)
            if p.default is p.empty or not _same(value, p.default):
                shown.append(f"{p.name}={_short_repr(value)}")
        return f"{type(self).__name__}({', '.join(shown)})"


def _same(a: object, b: object) -> bool:
    try:
        return bool(a is b or a == b)
    except Exception:  # arrays and other ambiguous comparisons
        return False


def _short_repr(value: object) -> str:
    name = getattr(value, "__name__", None)
    if callable(value) and name is not None and not inspect.isclass(value):
        return name  # a function: its name, not its address
    return repr(value)


class _EveryN(Callback):
    """Shared bookkeeping of the step-sampled recorders."""

    # Each recorder turns what it kept for a step into rows of records_.
    _convert: Callable[[int, int, Any], list[dict[str, Any]]]

    def __init__(self, every_n: int = 1) -> None:
        self.every_n = every_n

    def on_fit_begin(self, context: TrainingContext) -> None:
        if not (isinstance(self.every_n, int) and self.every_n >= 1):
            raise ValueError(
                f"{type(self).__name__}: every_n must be a positive int, "
                f"got {self.every_n!r}."
            )
        if not hasattr(self, "records_"):
            self.records_: list[dict[str, Any]] = []
        # (step, epoch, payload) awaiting the epoch's sync
        self._pending: list[tuple[int, int, Any]] = []
        self._engine: EngineView | None = context.engine

    def _due(self, step: int) -> bool:
        return step % self.every_n == 0

    def on_epoch_end(self, context: TrainingContext) -> None:
        self._flush()

    def on_fit_end(self, context: TrainingContext) -> None:
        self._flush()
        self._engine = None  # keep no reference to the network

    def _flush(self) -> None:
        for step, epoch, payload in self._pending:
            self.records_.extend(self._convert(step, epoch, payload))
        self._pending = []

    def records(self) -> list[dict[str, Any]]:
        return list(getattr(self, "records_", []))


class LossRecorder(_EveryN):
    """Record the training loss of every ``every_n``-th batch.

    Parameters
    ----------
    every_n : int, default=1
        Record one batch in ``every_n``.

    Attributes
    ----------
    records_ : list of dict
        ``{"step", "epoch", "loss", "lr"}`` per recorded batch (mean loss
        of the batch).
    """

    key = "loss"

    def on_batch_end(self, context: TrainingContext) -> None:
        if self._due(context.step):
            payload = (context.batch_loss, context.batch_weight, context.engine.lr)
            self._pending.append((context.step, context.epoch, payload))

    def _convert(self, step: int, epoch: int, payload: Any) -> list[dict[str, Any]]:
        batch_loss, batch_weight, lr = payload
        loss = float(batch_loss) / max(float(batch_weight), np.finfo(float).tiny)
        return [{"step": step, "epoch": epoch, "loss": loss, "lr": float(lr)}]


class _ProbeRecorder(_EveryN):
    """Recorders that measure a fixed probe batch every ``every_n`` steps."""

    stat_names = TENSOR_STATS
    # Each recorder measures the engine its own way.
    _read: Callable[[EngineView], Any]
    #: ``(X, Y, sample_weight)`` of the probe batch during a fit, else None.
    _probe: Any

    def __init__(self, every_n: int = 10, n_probe: int = 256) -> None:
        super().__init__(every_n)
        self.n_probe = n_probe

    def on_fit_begin(self, context: TrainingContext) -> None:
        super().on_fit_begin(context)
        self._probe = context.probe(self.n_probe)
        if not self.records_:
            self._measure(context, step=0)  # the state before training

    def on_batch_end(self, context: TrainingContext) -> None:
        if self._due(context.step):
            self._measure(context, context.step)

    def _measure(self, context: TrainingContext, step: int) -> None:
        self._pending.append((step, context.epoch, self._read(context.engine)))

    def _convert(self, step: int, epoch: int, payload: Any) -> list[dict[str, Any]]:
        rows = []
        for layer, stats in payload:
            assert self._engine is not None  # held from on_fit_begin to on_fit_end
            values = self._engine.to_numpy(stats)
            row = {"step": step, "epoch": epoch, "layer": layer}
            row.update(zip(self.stat_names, map(float, values)))
            rows.append(row)
        return rows

    def on_fit_end(self, context: TrainingContext) -> None:
        super().on_fit_end(context)
        self._probe = None  # do not keep training data in the fitted estimator


#: The parameters of the recorders that measure a probe batch.
_PROBE_PARAMETERS = """
    Parameters
    ----------
    every_n : int, default=10
        Measure after every ``every_n``-th batch (and once before training).
    n_probe : int, default=256
        Size of the probe batch: the first training samples.
"""


class ActivationRecorder(_ProbeRecorder):
    __doc__ = (
        """Record each layer's activation statistics on a probe batch.
"""
        + _PROBE_PARAMETERS
        + """
    Attributes
    ----------
    records_ : list of dict
        ``{"step", "epoch", "layer", "mean", "std", "saturated", "dead"}``:
        ``saturated`` is the share of outputs within 0.02 of a bound of a
        logistic/tanh/softmax unit, ``dead`` the share of units that are
        <= 0 on every probe sample (dead ReLUs).
    """
    )

    key = "activations"
    stat_names = ACTIVATION_STATS

    def _read(self, engine: EngineView) -> Any:
        return engine.activation_stats(self._probe[0])


class GradientRecorder(_ProbeRecorder):
    __doc__ = (
        """Record statistics of each layer's weight gradient on a probe batch.

    The gradient is that of the training loss on the probe batch at the
    current weights; the optimizer's own state is not touched.
"""
        + _PROBE_PARAMETERS
        + """
    Attributes
    ----------
    records_ : list of dict
        ``{"step", "epoch", "layer", "mean", "std", "abs_max", "norm"}``.
    """
    )

    key = "gradients"

    def _read(self, engine: EngineView) -> Any:
        return engine.gradient_stats(*self._probe)


class WeightRecorder(_ProbeRecorder):
    """Record statistics of each layer's weights.

    Parameters
    ----------
    every_n : int, default=10
        Measure after every ``every_n``-th batch (and once before training).

    Attributes
    ----------
    records_ : list of dict
        ``{"step", "epoch", "layer", "mean", "std", "abs_max", "norm"}``.
    """

    key = "weights"

    def __init__(self, every_n: int = 10) -> None:
        super().__init__(every_n, n_probe=0)

    def _read(self, engine: EngineView) -> Any:
        return engine.weight_stats()


_MONITORS = {"loss": -1, "validation_loss": -1, "validation_score": 1}


class EarlyStopping(Callback):
    """Stop when a monitored quantity stops improving; restore the best weights.

    The estimators' own convergence test (``tol``, ``n_iter_no_change``,
    ``early_stopping``) is this callback.

    Parameters
    ----------
    monitor : {"loss", "validation_score", "validation_loss"}, default="loss"
        The validation ones need ``early_stopping=True`` on the estimator
        (which holds out the validation set). Losses are minimised, the
        score maximised.
    patience : int, default=10
        Epochs without an improvement of more than ``min_delta`` before
        stopping.
    min_delta : float, default=0.0
        Smallest change that counts as an improvement.
    restore_best : bool, default=True
        When training ends (stopped, interrupted, diverged or at
        ``max_iter``), put back the weights *and the optimizer's state* of
        the best epoch: a warm start continues from there.
    min_updates : int, default=0
        Patience in weight updates before the first reduction of the
        learning rate (or the stop): also wait until this many updates have
        gone by without improvement, or ``10 * patience`` epochs. On small
        data an epoch is one or two updates, too few to cross a plateau of
        the loss.
    lr_reductions : int, default=0
        When patience runs out, first multiply the learning rate by
        ``lr_factor`` and wait again, this many times; then stop.
    lr_factor : float, default=0.2
        Factor of each reduction of the learning rate.
    patience_growth : float, default=0.0
        Patience that grows with the training: wait at least this fraction
        of the epochs run up to the last improvement of more than
        ``min_delta`` (``patience`` when larger). A long, steady descent
        then crosses its plateaus, while a quantity that has turned (a
        validation loss past its minimum) stops training within a fixed
        share of the epochs already spent.

    Attributes
    ----------
    best_ : float
        Best value seen.
    best_epoch_ : int
        Epoch at which it was seen.
    stopped_epoch_ : int or None
        Epoch at which this callback stopped training.
    reduced_epochs_ : list of int
        Epochs after which the learning rate was reduced.
    """

    key = "early_stopping"
    order = -10

    def __init__(
        self,
        monitor: str = "loss",
        patience: int = 10,
        min_delta: float = 0.0,
        restore_best: bool = True,
        min_updates: int = 0,
        lr_reductions: int = 0,
        lr_factor: float = 0.2,
        patience_growth: float = 0.0,
    ) -> None:
        self.monitor = monitor
        self.patience = patience
        self.min_delta = min_delta
        self.restore_best = restore_best
        self.min_updates = min_updates
        self.lr_reductions = lr_reductions
        self.lr_factor = lr_factor
        self.patience_growth = patience_growth

    def on_fit_begin(self, context: TrainingContext) -> None:
        if self.monitor not in _MONITORS:
            raise ValueError(
                f"EarlyStopping: monitor must be one of {sorted(_MONITORS)}, got "
                f"{self.monitor!r}."
            )
        if not 0 <= self.patience_growth < math.inf:
            raise ValueError(
                "EarlyStopping: patience_growth must be a finite number >= 0 (a "
                f"share of the epochs run), got {self.patience_growth!r}."
            )
        self._sign = _MONITORS[self.monitor]
        self.best_ = -self._sign * math.inf
        self.best_epoch_: int | None = None
        self.stopped_epoch_: int | None = None
        self._snapshot = None
        self._wait = 0
        self._waited_since = context.step  # the step of the last improvement
        self._improved_epoch = 0  # the epoch of the last improvement
        self.reduced_epochs_: list[int] = []

    def on_epoch_end(self, context: TrainingContext) -> bool:
        if self.monitor not in context.logs:
            raise ValueError(
                f"EarlyStopping(monitor={self.monitor!r}) needs the estimator's "
                "early_stopping=True, which holds out the validation set."
            )
        value = context.logs[self.monitor]
        gain = self._sign * (value - self.best_)
        if gain > 0:
            self.best_, self.best_epoch_ = value, context.epoch
            if self.restore_best:
                self._snapshot = context.engine.snapshot()
        if gain > self.min_delta:
            self._wait, self._waited_since = 0, context.step
            self._improved_epoch = context.epoch
        else:
            self._wait += 1
        # The wait in updates is for crossing plateaus before the first
        # reduction; after it, patience alone decides.
        waited = context.step - self._waited_since
        crossing = waited < self.min_updates and self._wait < 10 * self.patience
        if self._wait < self._patience() or (crossing and not self.reduced_epochs_):
            return False
        if len(self.reduced_epochs_) < self.lr_reductions:
            context.engine.lr = context.engine.lr * self.lr_factor
            self.reduced_epochs_.append(context.epoch)
            self._wait, self._waited_since = 0, context.step
            return False
        self.stopped_epoch_ = context.epoch
        context.stop_reason = "converged"
        return True

    def _patience(self) -> int:
        """Epochs to wait now: ``patience``, or more after a late improvement."""
        grown = math.ceil(self.patience_growth * self._improved_epoch)
        return max(self.patience, grown)

    def on_fit_end(self, context: TrainingContext) -> None:
        if self._snapshot is not None and self.best_epoch_ < context.epoch:
            context.engine.restore(self._snapshot)
            context.restored_best = True
        self._snapshot = None

    def records(self) -> list[dict[str, Any]]:
        return [
            {
                "best": self.best_,
                "best_epoch": self.best_epoch_,
                "stopped_epoch": self.stopped_epoch_,
                "reduced_epochs": list(self.reduced_epochs_),
            }
        ]


class ParamScheduler(Callback):
    """Set the learning rate and/or momentum from a schedule.

    The velocity of eq. 9 (and Adam's moments) carry over when the rate or
    the momentum changes.

    Parameters
    ----------
    lr : callable, optional
        ``lr(t) -> float``, with ``t`` the epoch (from 1) or the step (from
        1, over the fit), see ``on``. Use the schedules of
        :mod:`rumelhart.schedules` (they pickle; a lambda does not).
    momentum : callable, optional
        ``momentum(t) -> float`` (for Adam, its first beta). The paper's
        family-trees run uses ``Piecewise({1: 0.5, 21: 0.9})``.
    on : {"epoch", "batch"}, default="epoch"
        Whether ``t`` counts epochs (set before each epoch) or batches (set
        before each batch but the first of the fit, which uses ``t=1``).

    Attributes
    ----------
    records_ : list of dict
        ``{"t", "lr", "momentum"}`` for every change made.
    """

    key = "schedule"
    order = 100

    def __init__(
        self,
        lr: Callable[[int], float] | None = None,
        momentum: Callable[[int], float] | None = None,
        on: str = "epoch",
    ) -> None:
        self.lr = lr
        self.momentum = momentum
        self.on = on

    def on_fit_begin(self, context: TrainingContext) -> None:
        if self.on not in ("epoch", "batch"):
            raise ValueError(
                f"ParamScheduler: on must be 'epoch' or 'batch', got {self.on!r}."
            )
        for name in ("lr", "momentum"):
            value = getattr(self, name)
            if value is not None and not callable(value):
                raise TypeError(
                    f"ParamScheduler: {name} must be callable, got {value!r}."
                )
        self.records_: list[dict[str, Any]] = []
        if self.on == "batch":
            self._apply(context.engine, 1)

    def _apply(self, engine: EngineView, t: int) -> None:
        row: dict[str, Any] = {"t": t}
        for name in ("lr", "momentum"):
            schedule = getattr(self, name)
            if schedule is not None:
                value = float(schedule(t))
                setattr(engine, name, value)
                row[name] = value
        self.records_.append(row)

    def on_epoch_begin(self, context: TrainingContext) -> None:
        if self.on == "epoch":
            self._apply(context.engine, context.epoch)

    def on_batch_end(self, context: TrainingContext) -> None:
        if self.on == "batch":
            self._apply(context.engine, context.step + 1)

    def records(self) -> list[dict[str, Any]]:
        return list(self.records_)


class ProgressBar(Callback):
    """A progress bar over the epochs of ``fit`` (needs ``tqdm``).

    Parameters
    ----------
    leave : bool, default=True
        Keep the bar on screen after training.
    **tqdm_kwargs
        Passed to ``tqdm.auto.tqdm``.
    """

    key = "progress"

    def __init__(self, leave: bool = True, **tqdm_kwargs: Any) -> None:
        self.leave = leave
        self.tqdm_kwargs = tqdm_kwargs

    def on_fit_begin(self, context: TrainingContext) -> None:
        try:
            from tqdm.auto import tqdm
        except ImportError as exc:
            raise ImportError(
                "ProgressBar needs tqdm: pip install 'rumelhart[progress]'."
            ) from exc
        self._bar = tqdm(
            total=context.max_epochs, unit="epoch", leave=self.leave, **self.tqdm_kwargs
        )

    def on_epoch_end(self, context: TrainingContext) -> None:
        logs = context.logs
        postfix = {"loss": f"{logs['loss']:.4g}"}
        if "validation_score" in logs:
            name = _score_label(context.estimator)
            if name:  # not for "loss": the score is -val_loss
                postfix[name] = f"{logs['validation_score']:.4g}"
            postfix["val_loss"] = f"{logs['validation_loss']:.4g}"
        self._bar.set_postfix(postfix, refresh=False)
        self._bar.update(1)

    def on_fit_end(self, context: TrainingContext) -> None:
        # Training that stopped early ends the bar where it stopped.
        self._bar.total = self._bar.n
        self._bar.set_postfix_str(
            f"{self._bar.postfix or ''} {context.stop_reason}".strip(), refresh=False
        )
        self._bar.close()
        self._bar = None


def _resolved_scoring(estimator: Any) -> Any:
    """The ``scoring`` parameter of ``estimator`` with ``"auto"`` resolved:
    ``"calibrated_loss"`` for a classifier, ``"loss"`` otherwise."""
    scoring = getattr(estimator, "scoring", None)
    if isinstance(scoring, str) and scoring == "auto":
        return "calibrated_loss" if is_classifier(estimator) else "loss"
    return scoring


def _score_label(estimator: Any) -> str:
    """The displayed name of the validation score under ``estimator``'s
    ``scoring`` (``val_f1``; ``val_score`` for None or a callable): ``""``
    for ``"loss"``, whose score is minus the validation loss, shown already."""
    scoring = _resolved_scoring(estimator)
    if scoring == "loss":
        return ""
    if scoring == "calibrated_loss":
        return "val_neg_calibrated_loss"
    if isinstance(scoring, str):
        return f"val_{scoring}"
    return "val_score"
