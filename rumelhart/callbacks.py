"""Callbacks: hooks around epochs and batches, recorders, early stopping, schedules.

Pass a list to any estimator's ``callbacks`` parameter. ``fit`` works on
copies of them (parameters are never changed by fitting), available after
fit as ``callbacks_``; what the recorders record is in ``history_``, keyed by
each callback's ``key``, as plain lists of dicts::

    import pandas as pd
    clf = RumelhartClassifier(callbacks=[GradientRecorder(every_n=5)]).fit(X, y)
    pd.DataFrame(clf.history_["gradients"])

Recorders cost nothing when not used: without a batch-level callback the
engines run their batch loop with no hook at all. The diagnostics recorders
measure a fixed probe batch (the first ``n_probe`` training samples) every
``every_n`` steps; on torch they keep their numbers on the device and copy
them to the host once per epoch.
"""

import math

import numpy as np

from . import _inspect

__all__ = [
    "ActivationRecorder",
    "Callback",
    "EarlyStopping",
    "GradientRecorder",
    "LossRecorder",
    "ParamScheduler",
    "ProgressBar",
    "StopTraining",
    "WeightRecorder",
]


class StopTraining(Exception):
    """Raise from a callback hook to end training now, keeping the weights."""


class Callback:
    """Base class: override the hooks you need; each does nothing by default.

    The hooks receive the estimator being fitted and its training ``engine``
    (the backend object that owns the weights; see ``rumelhart._inspect`` for
    read-outs that work on both backends).

    Attributes
    ----------
    key : str
        Name of this callback's records in the estimator's ``history_``.
    order : int
        Callbacks with a lower order see each batch first (schedulers run
        last, so that recorders see the rate the batch was trained with).
    """

    key = "callback"
    order = 0

    def on_fit_begin(self, estimator, engine, data):
        """Called before the first epoch; ``data`` is ``(X, Y, sample_weight)``."""

    def on_epoch_begin(self, estimator, engine, epoch):
        """Called before each epoch (``epoch`` counts from 1 over the fits)."""

    def on_batch_end(self, estimator, engine, step, batch_loss, batch_weight):
        """Called after each change of the weights.

        ``batch_loss`` is the batch's summed (weighted) loss and
        ``batch_weight`` its number of samples (or sum of weights); on torch
        both are device tensors, read them without forcing a sync.
        """

    def on_epoch_end(self, estimator, engine, epoch, logs):
        """Called after each epoch with ``logs`` (epoch, loss, time, ...).

        Return True to stop training after this epoch.
        """

    def on_fit_end(self, estimator, engine):
        """Called once training ends, also when it was stopped early."""

    def records(self):
        """What the callback recorded, as a list of dicts (None if nothing)."""
        return None


class _EveryN(Callback):
    """Shared bookkeeping of the step-sampled recorders."""

    def __init__(self, every_n=1):
        self.every_n = every_n

    def on_fit_begin(self, estimator, engine, data):
        if not (isinstance(self.every_n, int) and self.every_n >= 1):
            raise ValueError(
                f"{type(self).__name__}: every_n must be a positive int, "
                f"got {self.every_n!r}."
            )
        if not hasattr(self, "records_"):
            self.records_ = []
        self._pending = []  # (step, epoch, payload) awaiting the epoch's sync
        self._epoch = 0

    def on_epoch_begin(self, estimator, engine, epoch):
        self._epoch = epoch

    def _due(self, step):
        return step % self.every_n == 0

    def on_epoch_end(self, estimator, engine, epoch, logs):
        self._flush()

    def on_fit_end(self, estimator, engine):
        self._flush()

    def _flush(self):
        for step, epoch, payload in self._pending:
            self.records_.extend(self._convert(step, epoch, payload))
        self._pending = []

    def records(self):
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

    def on_batch_end(self, estimator, engine, step, batch_loss, batch_weight):
        if self._due(step):
            lr = _inspect.get_hyperparameter(engine, "lr")
            self._pending.append((step, self._epoch, (batch_loss, batch_weight, lr)))

    def _convert(self, step, epoch, payload):
        batch_loss, batch_weight, lr = payload
        loss = float(batch_loss) / max(float(batch_weight), np.finfo(float).tiny)
        return [{"step": step, "epoch": epoch, "loss": loss, "lr": float(lr)}]


class _ProbeRecorder(_EveryN):
    """Recorders that measure a fixed probe batch every ``every_n`` steps."""

    stat_names = _inspect.TENSOR_STATS

    def __init__(self, every_n=10, n_probe=256):
        super().__init__(every_n)
        self.n_probe = n_probe

    def on_fit_begin(self, estimator, engine, data):
        super().on_fit_begin(estimator, engine, data)
        self._probe = _inspect.probe_rows(data, self.n_probe)
        if not self.records_:
            self._measure(engine, step=0)  # the state before training

    def on_batch_end(self, estimator, engine, step, batch_loss, batch_weight):
        if self._due(step):
            self._measure(engine, step)

    def _measure(self, engine, step):
        self._pending.append((step, self._epoch, self._read(engine)))

    def _convert(self, step, epoch, payload):
        rows = []
        for layer, stats in payload:
            values = _inspect.to_numpy(stats)
            row = {"step": step, "epoch": epoch, "layer": layer}
            row.update(zip(self.stat_names, map(float, values)))
            rows.append(row)
        return rows

    def on_fit_end(self, estimator, engine):
        super().on_fit_end(estimator, engine)
        self._probe = None  # do not keep training data in the fitted estimator


class ActivationRecorder(_ProbeRecorder):
    """Record each layer's activation statistics on a probe batch.

    Parameters
    ----------
    every_n : int, default=10
        Measure after every ``every_n``-th batch (and once before training).
    n_probe : int, default=256
        Size of the probe batch: the first training samples.

    Attributes
    ----------
    records_ : list of dict
        ``{"step", "epoch", "layer", "mean", "std", "saturated", "dead"}``:
        ``saturated`` is the share of outputs within 0.02 of a bound of a
        logistic/tanh/softmax unit, ``dead`` the share of units that are
        <= 0 on every probe sample (dead ReLUs).
    """

    key = "activations"
    stat_names = _inspect.ACTIVATION_STATS

    def _read(self, engine):
        return _inspect.activation_stats(engine, self._probe[0])


class GradientRecorder(_ProbeRecorder):
    """Record statistics of each layer's weight gradient on a probe batch.

    The gradient is that of the training loss on the probe batch at the
    current weights; the optimizer's own state is not touched.

    Parameters
    ----------
    every_n : int, default=10
        Measure after every ``every_n``-th batch (and once before training).
    n_probe : int, default=256
        Size of the probe batch: the first training samples.

    Attributes
    ----------
    records_ : list of dict
        ``{"step", "epoch", "layer", "mean", "std", "abs_max", "norm"}``.
    """

    key = "gradients"

    def _read(self, engine):
        return _inspect.gradient_stats(engine, *self._probe)


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

    def __init__(self, every_n=10):
        super().__init__(every_n, n_probe=0)

    def _read(self, engine):
        return _inspect.weight_stats(engine)


class EarlyStopping(Callback):
    """Stop when a monitored quantity stops improving; restore the best weights.

    Parameters
    ----------
    monitor : {"loss", "validation_score"}, default="loss"
        ``"validation_score"`` needs ``early_stopping=True`` on the estimator
        (which also holds out the validation set); "loss" is minimised, the
        score maximised.
    patience : int, default=10
        Epochs without improvement before stopping.
    min_delta : float, default=0.0
        Smallest change that counts as an improvement.
    restore_best : bool, default=True
        Put back the weights of the best epoch when training ends.

    Attributes
    ----------
    best_ : float
        Best value seen.
    best_epoch_ : int
        Epoch at which it was seen.
    stopped_epoch_ : int or None
        Epoch at which this callback stopped training.
    """

    key = "early_stopping"

    def __init__(self, monitor="loss", patience=10, min_delta=0.0, restore_best=True):
        self.monitor = monitor
        self.patience = patience
        self.min_delta = min_delta
        self.restore_best = restore_best

    def on_fit_begin(self, estimator, engine, data):
        if self.monitor not in ("loss", "validation_score"):
            raise ValueError(
                f"EarlyStopping: monitor must be 'loss' or 'validation_score', "
                f"got {self.monitor!r}."
            )
        self.best_ = -math.inf if self.monitor == "validation_score" else math.inf
        self.best_epoch_ = None
        self.stopped_epoch_ = None
        self._best_params = None
        self._wait = 0

    def on_epoch_end(self, estimator, engine, epoch, logs):
        if self.monitor not in logs:
            raise ValueError(
                "EarlyStopping(monitor='validation_score') needs the estimator's "
                "early_stopping=True, which holds out the validation set."
            )
        value = logs[self.monitor]
        sign = 1 if self.monitor == "validation_score" else -1
        if sign * (value - self.best_) > self.min_delta:
            self.best_, self.best_epoch_, self._wait = value, epoch, 0
            if self.restore_best:
                self._best_params = engine.get_params()
            return False
        self._wait += 1
        if self._wait >= self.patience:
            self.stopped_epoch_ = epoch
            return True
        return False

    def on_fit_end(self, estimator, engine):
        if self._best_params is not None:
            engine.set_params(self._best_params)
        self._best_params = None

    def records(self):
        return [
            {
                "best": self.best_,
                "best_epoch": self.best_epoch_,
                "stopped_epoch": self.stopped_epoch_,
            }
        ]


class ParamScheduler(Callback):
    """Set the learning rate and/or momentum from a schedule.

    Parameters
    ----------
    lr : callable, optional
        ``lr(t) -> float``, with ``t`` the epoch (from 1) or the step (from
        1, over the fit), see ``on``.
    momentum : callable, optional
        ``momentum(t) -> float`` (for Adam, its first beta). The paper's
        family-trees run uses ``lambda epoch: 0.5 if epoch <= 20 else 0.9``.
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

    def __init__(self, lr=None, momentum=None, on="epoch"):
        self.lr = lr
        self.momentum = momentum
        self.on = on

    def on_fit_begin(self, estimator, engine, data):
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
        self.records_ = []
        if self.on == "batch":
            self._apply(engine, 1)

    def _apply(self, engine, t):
        row = {"t": t}
        for name in ("lr", "momentum"):
            schedule = getattr(self, name)
            if schedule is not None:
                value = float(schedule(t))
                _inspect.set_hyperparameter(engine, name, value)
                row[name] = value
        self.records_.append(row)

    def on_epoch_begin(self, estimator, engine, epoch):
        if self.on == "epoch":
            self._apply(engine, epoch)

    def on_batch_end(self, estimator, engine, step, batch_loss, batch_weight):
        if self.on == "batch":
            self._apply(engine, step + 1)

    def records(self):
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

    def __init__(self, leave=True, **tqdm_kwargs):
        self.leave = leave
        self.tqdm_kwargs = tqdm_kwargs

    def on_fit_begin(self, estimator, engine, data):
        try:
            from tqdm.auto import tqdm
        except ImportError as exc:
            raise ImportError(
                "ProgressBar needs tqdm: pip install 'rumelhart[progress]'."
            ) from exc
        total = estimator.max_iter
        self._bar = tqdm(
            total=total, unit="epoch", leave=self.leave, **self.tqdm_kwargs
        )

    def on_epoch_end(self, estimator, engine, epoch, logs):
        postfix = {"loss": f"{logs['loss']:.4g}"}
        if "validation_score" in logs:
            postfix["val"] = f"{logs['validation_score']:.4g}"
        self._bar.set_postfix(postfix, refresh=False)
        self._bar.update(1)

    def on_fit_end(self, estimator, engine):
        self._bar.close()
        self._bar = None
