"""The one training loop, shared by every estimator and both engines.

``train`` runs epochs of an :class:`~rumelhart._engine.Engine` and keeps the
bookkeeping in a :class:`TrainingState`. Everything else is a callback: the
convergence test and early stopping (with best-weight restoring) are
:class:`~rumelhart.callbacks.EarlyStopping`, printing is :class:`Printer`,
recorders and schedules are the user's. The loop itself only

* measures each epoch (loss, time, the validation split's score and loss),
* stops training that diverges (non-finite or exploding loss),
* turns Ctrl-C anywhere in it into a normal end that keeps the best state,
* calls the hooks, old-style ones through an adapter (with a FutureWarning).

It receives data, never the estimator's methods: a :class:`TrainingJob`
holds the engine, its prepared data, the :class:`TrainingPlan` and the
callbacks; a :class:`Validation` holds the held-out arrays and two plain
functions that measure outputs against them.
"""

import inspect
import math
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray

from ._context import TrainingContext
from ._engines.protocol import BatchHook, Engine
from ._warnings import warn
from .callbacks import Callback, _score_label
from .exceptions import DivergenceError, StopTraining, TrainingInterruptedWarning

#: ``measure(outputs, Y, sample_weight) -> float``: network outputs measured
#: against encoded targets (a score, higher is better, or a loss).
OutputMeasure = Callable[[NDArray[Any], NDArray[Any], NDArray[Any] | None], float]

#: One hook of one callback, called with the training context.
HookCall = Callable[[TrainingContext], Any]

#: A loss this many times its first epoch's value means training blew up.
BLOW_UP_FACTOR = 1e4
#: ... the first value taken as at least this: a network that starts at an
#: exact fit (an autoencoder's PCA start on data of rank at most its code)
#: has a first loss at rounding level, which rounding alone then "grows".
BLOW_UP_FLOOR = float(np.finfo(np.float32).eps)

#: Rows of the training data whose outputs are checked once training ends.
_PROBE_ROWS = 256


class EpochLog:
    """Per-epoch records in columns that grow geometrically.

    A sequence of dicts to read (``log[i]``, iteration, ``len``;
    ``pandas.DataFrame(log)``), stored as float arrays: 8 bytes per epoch
    and column, whatever the number of epochs.
    """

    _INITIAL_CAPACITY = 64

    def __init__(self) -> None:
        self._columns: dict[str, NDArray[np.float64]] = {}
        self._size = 0

    def append(self, row: dict[str, float]) -> None:
        """Add one epoch's ``{name: number}``."""
        for name, value in row.items():
            column = self._columns.get(name, np.empty(0))
            if len(column) <= self._size:  # double the capacity, NaN-filled
                room = max(self._INITIAL_CAPACITY, 2 * self._size + 1) - len(column)
                column = np.concatenate([column, np.full(room, np.nan)])
                self._columns[name] = column
            column[self._size] = value
        self._size += 1

    def column(self, name: str) -> NDArray[np.float64]:
        """One column as a NumPy array (a copy)."""
        column = self._columns[name][: self._size]
        # A column no row has filled since a copy trimmed it (a warm start
        # without the validation split of the first fit) is NaN from there.
        missing = np.full(self._size - len(column), np.nan)
        return np.concatenate([column, missing])

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._size))]
        if not -self._size <= index < self._size:
            raise IndexError("epoch log index out of range")
        index %= self._size
        row: dict[str, float] = {}
        for name, column in self._columns.items():
            value = column[index] if index < len(column) else np.nan
            if not np.isnan(value):
                row[name] = int(value) if name == "epoch" else float(value)
        return row

    def __iter__(self) -> Iterator[dict[str, float]]:
        return (self[i] for i in range(self._size))

    def __repr__(self) -> str:
        return f"EpochLog({self._size} epochs, columns={list(self._columns)})"

    def __getstate__(self) -> dict[str, Any]:
        return {
            "columns": {k: v[: self._size].copy() for k, v in self._columns.items()},
            "size": self._size,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._columns, self._size = state["columns"], state["size"]


@dataclass
class TrainingState:
    """What fitting has done so far; warm starts and ``partial_fit`` continue it."""

    epoch: int = 0
    n_iter: int = 0
    n_steps: int = 0
    n_samples_seen: int = 0
    loss_curve: list[float] = field(default_factory=list)
    best_loss: float = math.inf
    validation_scores: list[float] | None = None
    validation_losses: list[float] | None = None
    best_validation_score: float | None = None
    stop_reason: str | None = None
    divergence: Any = None  #: the DivergenceError a callback recovered from
    epochs: EpochLog = field(default_factory=EpochLog)

    def record(self, logs: dict[str, Any]) -> None:
        """Add an epoch's ``logs`` to the curves."""
        self.epoch = logs["epoch"]
        self.n_iter += 1
        self.loss_curve.append(logs["loss"])
        self.best_loss = min(self.best_loss, logs["loss"])
        if "validation_score" in logs:
            if self.validation_scores is None:
                self.validation_scores, self.validation_losses = [], []
                self.best_validation_score = -math.inf
            self.validation_scores.append(logs["validation_score"])
            cast(list[float], self.validation_losses).append(logs["validation_loss"])
            best = cast(float, self.best_validation_score)
            self.best_validation_score = max(best, logs["validation_score"])
        self.epochs.append(logs)


@dataclass
class Validation:
    """A held-out split and two plain functions that measure outputs on it.

    ``score`` and ``loss`` are built from the target part (e.g. the accuracy
    of a classifier, the training loss of the network's output units); the
    loop never calls back into the estimator.
    """

    X: Any  #: inputs of the split, as the engine predicts from them
    Y: NDArray[Any]  #: encoded targets
    sample_weight: NDArray[Any] | None
    score: OutputMeasure  #: higher is better
    loss: OutputMeasure
    #: A score of the engine itself (a scikit-learn scorer on the network of
    #: the moment), used instead of ``score`` when given.
    score_engine: Callable[[Engine], float] | None = None

    def measure(self, engine: Engine) -> dict[str, float]:
        """``{"validation_score", "validation_loss"}`` at the current weights."""
        with np.errstate(over="ignore", invalid="ignore"):
            outputs = engine.predict(self.X)
        if not np.isfinite(outputs).all():  # finite, huge weights
            raise _Diverged("the network's outputs overflowed")
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            loss = self.loss(outputs, self.Y, self.sample_weight)
            if self.score_engine is None:
                score = self.score(outputs, self.Y, self.sample_weight)
            else:
                score = self.score_engine(engine)
        return {"validation_score": float(score), "validation_loss": float(loss)}


@dataclass
class TrainingPlan:
    """How to train: batches, epochs, a validation split, a probe of the data."""

    batch_size: int
    shuffle: bool
    max_epochs: int
    probe_X: Any
    validation: Validation | None = None
    exhausted: str = "max_iter"  #: the stop reason when max_epochs run out


class _Diverged(Exception):
    """Raised inside the loop when the loss or the weights blew up."""


class InterruptGate:
    """Ctrl-C stops training at once, but waits while a fit is being set up
    or saved.

    Installed around a whole ``fit`` (in the main thread, where Python
    delivers SIGINT, and only over Python's own handler): while ``armed``,
    SIGINT raises ``KeyboardInterrupt`` as usual (validating the input, it
    aborts the call, which changes nothing); from the engine's creation to
    the first epoch it is recorded and raised as the loop starts, which
    then ends after 0 epochs; once training is over and the fitted state is
    being written, it is recorded (``pending``) so that a fit is never lost
    half-saved.
    """

    def __init__(self) -> None:
        self.armed = True
        self.pending = False

    def defer(self) -> None:
        """From now on, only record Ctrl-C."""
        self.armed = False

    def arm(self) -> None:
        """From now on, Ctrl-C raises; one recorded meanwhile raises now."""
        self.armed = True
        if self.pending:
            self.pending = False
            raise KeyboardInterrupt

    def _on_sigint(self, signum: int, frame: FrameType | None) -> None:
        if self.armed:
            raise KeyboardInterrupt
        self.pending = True

    @contextmanager
    def installed(self) -> Iterator["InterruptGate"]:
        """The gate as SIGINT's handler for the duration of the block."""
        if (
            threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
        ):
            yield self
            return
        previous = signal.signal(signal.SIGINT, self._on_sigint)
        try:
            yield self
        finally:
            signal.signal(signal.SIGINT, previous)


@dataclass
class TrainingJob:
    """One run of the loop: what to train, on what, how, and who listens.

    ``estimator`` and ``fitted`` only reach the callbacks' context: the
    estimator being fitted (its parameters) and the attributes that let
    ``context.predict`` decode outputs (classes, target scaling) before the
    fit sets them.
    """

    engine: Engine
    data: Any  #: the engine's prepared ``(X, Y, sample_weight)``
    plan: TrainingPlan
    callbacks: list[Callback] = field(default_factory=list)
    state: TrainingState = field(default_factory=TrainingState)
    gate: InterruptGate = field(default_factory=InterruptGate)
    estimator: Any = None
    fitted: dict[str, Any] = field(default_factory=dict)


def train(job: TrainingJob) -> str | None:
    """Run ``job``; ``job.state`` records what happens.

    Returns the stop reason (also in ``job.state.stop_reason``). Raises
    :class:`~rumelhart.exceptions.DivergenceError` when training diverged
    and no callback restored an earlier state; ``KeyboardInterrupt`` ends
    training with a :class:`~rumelhart.exceptions.TrainingInterruptedWarning`.
    ``job.gate`` is disarmed when the epochs end.
    """
    engine, plan, state, gate = job.engine, job.plan, job.state, job.gate
    context = TrainingContext(
        job.estimator, engine, job.data, state, plan.max_epochs, fitted=job.fitted
    )
    hooks = Hooks(job.callbacks)
    engine.start_fit(_n_rows(job.data), plan.batch_size, plan.max_epochs)
    diverged = None
    try:
        try:
            hooks.fit_begin(context)
            gate.arm()
            context.stop_reason = _run_epochs(job, hooks, context)
        except _Diverged as exc:
            context.stop_reason, diverged = "diverged", str(exc)
        except KeyboardInterrupt:
            context.stop_reason = "interrupted"
    finally:
        gate.defer()  # from here on, Ctrl-C waits for the fit to be saved
        engine.end_fit()
    interrupted = hooks.fit_end(context) or context.stop_reason == "interrupted"
    state.stop_reason = "interrupted" if interrupted else context.stop_reason
    _conclude(job, context, diverged, interrupted)
    return state.stop_reason


def _n_rows(data: Any) -> int:
    return int(data[0].shape[0])


def steps_per_epoch(n_rows: int, batch_size: int) -> int:
    """Weight updates in one epoch of ``n_rows`` rows in batches of
    ``batch_size`` (the last batch may be smaller)."""
    return -(-n_rows // batch_size)


def _run_epochs(job: TrainingJob, hooks: "Hooks", context: TrainingContext) -> str:
    """The epochs; returns why they stopped."""
    state, n_rows = job.state, _n_rows(job.data)
    on_batch = hooks.batch_hook(context)
    steps = steps_per_epoch(n_rows, job.plan.batch_size)
    try:
        for _ in range(job.plan.max_epochs):
            context.epoch = state.epoch + 1
            hooks.epoch_begin(context)
            logs = _train_epoch(job, on_batch, context)
            state.n_steps += steps
            state.n_samples_seen += n_rows
            context.step = state.n_steps
            state.record(logs)
            context.logs = logs
            if hooks.epoch_end(context) or context.stop_training:
                return context.stop_reason or "callback"
    except StopTraining:
        return context.stop_reason or "callback"
    finally:
        # Batch listeners count the steps of an epoch cut short.
        state.n_steps = max(state.n_steps, context.step)
    return job.plan.exhausted


def _train_epoch(
    job: TrainingJob, on_batch: BatchHook | None, context: TrainingContext
) -> dict[str, Any]:
    """One epoch and its measurements: ``logs``."""
    engine, plan = job.engine, job.plan
    started = time.perf_counter()
    # Overflow is detected below and reported as a divergence.
    with np.errstate(over="ignore", invalid="ignore"):
        loss = engine.run_epoch(job.data, plan.batch_size, plan.shuffle, on_batch)
    logs: dict[str, Any] = {"epoch": context.epoch, "loss": loss}
    first = context.state.loss_curve[0] if context.state.loss_curve else loss
    first = max(first, BLOW_UP_FLOOR)
    if not (np.isfinite(loss) and engine.params_finite()):
        what = f"the loss became {loss}" if not np.isfinite(loss) else None
        raise _Diverged(what or f"the weights became non-finite (loss={loss})")
    if loss > BLOW_UP_FACTOR * first:
        # Momentum or a huge rate can grow the loss geometrically while
        # every number stays representable.
        raise _Diverged(
            f"the loss grew to {loss:.3g}, over {BLOW_UP_FACTOR:.0e} times its "
            f"first value {first:.3g}"
        )
    if plan.validation is not None:
        logs.update(plan.validation.measure(engine))
    logs["time"] = time.perf_counter() - started
    return logs


def _conclude(
    job: TrainingJob, context: TrainingContext, diverged: str | None, interrupted: bool
) -> None:
    """Fail on a divergence nothing recovered from; warn of a recovery and
    of an interruption."""
    epoch = context.epoch
    if diverged is None and not interrupted:
        diverged = _final_weights_problem(job.engine, job.plan)
    if diverged is not None:
        error = DivergenceError(
            f"Training diverged at epoch {max(epoch, 1)}: {diverged}."
        )
        error.epoch, error.what = max(epoch, 1), diverged
        if not context.restored_best:
            raise error
        context.state.divergence = error  # recovered: the estimator warns
    if interrupted:
        kept = "the best weights" if context.restored_best else "the weights"
        when = f"during epoch {epoch}" if epoch else "before its first epoch"
        warn(
            f"Training interrupted {when}; keeping {kept} reached so far.",
            TrainingInterruptedWarning,
        )


def _final_weights_problem(engine: Engine, plan: TrainingPlan) -> str | None:
    """What is wrong with the weights training ended with, or None.

    The last epoch's change is never measured by a loss: check that the
    weights are finite and do not overflow on a probe of the data.
    """
    if not engine.params_finite():  # a callback stopped a diverging run
        return "the weights became non-finite"
    with np.errstate(over="ignore", invalid="ignore"):
        outputs = engine.predict(plan.probe_X)
    if not np.isfinite(outputs).all():
        return "the network's outputs on the training data overflowed"
    return None


# -- calling the hooks -------------------------------------------------------
_HOOKS = (
    "on_fit_begin",
    "on_epoch_begin",
    "on_batch_end",
    "on_epoch_end",
    "on_fit_end",
)

#: What an old-style hook (before 0.2) took after the estimator and engine.
_LEGACY_ARGUMENTS: dict[str, Callable[[TrainingContext], tuple[Any, ...]]] = {
    "on_fit_begin": lambda c: (c._data,),
    "on_epoch_begin": lambda c: (c.epoch,),
    "on_batch_end": lambda c: (c.step, c.batch_loss, c.batch_weight),
    "on_epoch_end": lambda c: (c.epoch, c.logs),
    "on_fit_end": lambda c: (),
}


def _call_style(method: Callable[..., Any]) -> str:
    """How to call a hook: ``"keyword"`` (``context=``), ``"positional"``
    (one argument of another name) or ``"legacy"`` (the 0.1 signature)."""
    try:
        parameters = inspect.signature(method).parameters.values()
    except (TypeError, ValueError):  # pragma: no cover - builtins
        return "positional"
    names = [p.name for p in parameters]
    kinds = {p.kind for p in parameters}
    if "context" in names or inspect.Parameter.VAR_KEYWORD in kinds:
        return "keyword"
    positional = [
        p
        for p in parameters
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        and p.default is p.empty
    ]
    return "positional" if len(positional) <= 1 else "legacy"


class Hooks:
    """The callbacks of one fit, called in ``order``, old signatures adapted."""

    def __init__(self, callbacks: Sequence[Callback]) -> None:
        self.callbacks = sorted(callbacks, key=lambda c: c.order)
        self._calls = {name: self._bind(name) for name in _HOOKS}
        self._begun: set[int] = set()  # ids of the callbacks whose on_fit_begin ran

    def _bind(self, name: str) -> list[tuple[Callback, HookCall]]:
        """``[(callback, call)]`` of the callbacks that override hook ``name``."""
        calls = []
        for callback in self.callbacks:
            method = getattr(callback, name)
            if getattr(type(callback), name) is getattr(Callback, name):
                continue  # not overridden: nothing to call
            calls.append((callback, self._caller(callback, name, method)))
        return calls

    @staticmethod
    def _caller(callback: Callback, name: str, method: Callable[..., Any]) -> HookCall:
        style = _call_style(method)
        if style == "keyword":
            return lambda context: method(context=context)
        if style == "positional":
            return method
        warn(
            f"{type(callback).__name__}.{name} has the signature of rumelhart "
            "0.1 (estimator, engine, ...); hooks now take one argument, the "
            f"training context: def {name}(self, context). The old signature "
            "will stop working in 0.3.",
            FutureWarning,
        )
        arguments = _LEGACY_ARGUMENTS[name]
        return lambda context: method(
            context.estimator, context.engine, *arguments(context)
        )

    def fit_begin(self, context: TrainingContext) -> None:
        begins = {id(callback): call for callback, call in self._calls["on_fit_begin"]}
        for callback in self.callbacks:
            call = begins.get(id(callback))
            if call is not None:
                call(context)
            self._begun.add(id(callback))

    def epoch_begin(self, context: TrainingContext) -> None:
        for _, call in self._calls["on_epoch_begin"]:
            call(context)

    def epoch_end(self, context: TrainingContext) -> bool:
        """Call every ``on_epoch_end``; whether one asked to stop."""
        requests = [call(context) for _, call in self._calls["on_epoch_end"]]
        return any(requests)

    def fit_end(self, context: TrainingContext) -> bool:
        """Call ``on_fit_end`` of every callback that began, even after Ctrl-C
        in one of them; whether there was one."""
        interrupted = False
        for callback, call in self._calls["on_fit_end"]:
            if id(callback) not in self._begun:
                continue
            try:
                call(context)
            except KeyboardInterrupt:
                interrupted = True
            except StopTraining:
                pass
        return interrupted

    def batch_hook(self, context: TrainingContext) -> BatchHook | None:
        """The engine's per-batch hook, or None when no callback listens."""
        calls = [call for _, call in self._calls["on_batch_end"]]
        if not calls:
            return None

        def on_batch(batch_loss: Any, batch_weight: Any) -> None:
            context.step += 1
            context.batch_loss, context.batch_weight = batch_loss, batch_weight
            for call in calls:
                call(context)

        return on_batch


class Printer(Callback):
    """One line per epoch and the reason training stopped (``verbose > 0``).

    The validation rows' measures are printed under short names:
    ``val_loss=``, and the score under the name of ``scoring``
    (``val_f1=``, ``val_score=`` for the estimator's own score or a
    callable); with ``scoring="loss"`` the score, ``-val_loss``, is left out.
    """

    key = "printer"
    order = 200

    def on_epoch_end(self, context: TrainingContext) -> None:
        names = {"validation_loss": "val_loss"}
        names["validation_score"] = _score_label(context.estimator)
        print(
            ", ".join(
                f"{k}={v:.6g}" if isinstance(v, float) else f"{k}={v}"
                for k, v in (
                    (names.get(key, key), value) for key, value in context.logs.items()
                )
                if k
            )
        )

    def on_fit_end(self, context: TrainingContext) -> None:
        print(f"Training stopped after epoch {context.epoch}: {context.stop_reason}.")
