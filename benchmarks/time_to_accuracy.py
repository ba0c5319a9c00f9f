"""Time to accuracy: how long until our classifiers reach scikit-learn's.

On one stratified train/validation split of a data set:

1. fit scikit-learn's ``MLPClassifier`` (defaults, ``max_iter`` raised,
   ``StandardScaler`` first) and read its validation accuracy ``A``; its
   time to ``A`` is its whole fit time (an upper bound: the accuracy of its
   last epoch is ``A`` by definition, and it is what a user waits for);
2. fit each of our classifiers (defaults) with a callback that, after every
   epoch, scores the scaled validation split, and stops training at the
   first epoch whose accuracy reaches ``A``. The time to ``A`` is the wall
   time from the call of ``fit`` (scaler included) to that epoch's end,
   less the time spent scoring: scoring is not charged to training.

A classifier that ends its fit below ``A`` is "not reached", with the best
accuracy it reached.
"""

import math
import time
from dataclasses import asdict, dataclass

import numpy as np
from rumelhart.callbacks import Callback, StopTraining
from sklearn.base import clone
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from contenders import SKLEARN, quiet
from quality_contenders import SEED, pipelines
from quality_sets import HOLDOUT, load


class AccuracyClock:
    """Validation accuracy after each epoch, timed against a start.

    ``fit`` deep-copies its callbacks; the clock is shared by every copy on
    purpose (``__deepcopy__`` returns it), so that the caller reads what it
    recorded after the fit.
    """

    def __init__(self, X_val, y_val, target):
        self.X_val, self.y_val, self.target = X_val, y_val, target
        self.started = None
        self.scoring = 0.0  # seconds spent scoring so far
        self.epochs = []  # (epoch, training seconds, accuracy)

    def __deepcopy__(self, memo):
        return self

    def start(self):
        self.started = time.perf_counter()

    def __call__(self, predict, epoch):
        """Score after ``epoch``; stop training once ``target`` is reached."""
        now = time.perf_counter()
        accuracy = float(np.mean(predict(self.X_val) == self.y_val))
        self.epochs.append((epoch, now - self.started - self.scoring, accuracy))
        self.scoring += time.perf_counter() - now
        if accuracy >= self.target:
            raise StopTraining

    def reached(self):
        """(epoch, seconds) of the first epoch at the target, or None."""
        for epoch, seconds, accuracy in self.epochs:
            if accuracy >= self.target:
                return epoch, seconds
        return None

    def best(self):
        """(accuracy, epoch) of the best epoch, or (nan, 0) if none ran."""
        if not self.epochs:
            return math.nan, 0
        epoch, _, accuracy = max(self.epochs, key=lambda e: e[2])
        return accuracy, epoch


class EpochEndHook(Callback):
    """The one place that knows the callback signature: hands each epoch's
    end to ``clock(predict, epoch)``, ``predict`` being the estimator's
    predictions with the weights of that moment (``context.predict``)."""

    key = "time_to_accuracy"

    def __init__(self, clock):
        self.clock = clock

    def on_epoch_end(self, context):
        return self.clock(context.predict, context.epoch)


@dataclass
class Reached:
    """One contender's result."""

    name: str
    seconds: float  # time to the target (inf if not reached)
    epoch: int  # the epoch that reached it (0 if not reached)
    best_accuracy: float
    best_epoch: int
    fit_seconds: float  # the whole fit (stopped at the target for ours)

    @property
    def ok(self):
        return math.isfinite(self.seconds)


def _fit_reference(model, X_tr, y_tr, X_va, y_va):
    with quiet():
        started = time.perf_counter()
        model.fit(X_tr, y_tr)
        seconds = time.perf_counter() - started
    accuracy = float(np.mean(model.predict(X_va) == y_va))
    return accuracy, seconds


def _fit_ours(name, model, clock, X_tr, y_tr):
    model[-1].set_params(callbacks=[EpochEndHook(clock)])
    with quiet():
        clock.start()
        model.fit(X_tr, y_tr)
        fit_seconds = time.perf_counter() - clock.started
    epoch, seconds = clock.reached() or (0, math.inf)
    best, best_epoch = clock.best()
    return Reached(name, seconds, epoch, best, best_epoch, fit_seconds)


def time_to_accuracy(dataset, names, with_torch=True, log=print, wait=None):
    """Run the protocol on ``dataset`` for our classifiers ``names``.

    Returns a dict: the target accuracy, the reference's fit, every
    contender's :class:`Reached` (as dicts).
    """
    X, y = load(dataset)
    X_tr, X_va, y_tr, y_va = train_test_split(
        X, y, test_size=HOLDOUT, stratify=y, random_state=SEED
    )
    n_classes = len(np.unique(y))
    models = pipelines("classifier", X.shape[1], n_classes, with_torch, False)
    ref_name = SKLEARN["classifier"]
    target, ref_seconds = _fit_reference(models[ref_name], X_tr, y_tr, X_va, y_va)
    log(f"  {ref_name}: validation accuracy {target:.4f} in {ref_seconds:.1f} s")
    X_va_scaled = StandardScaler().fit(X_tr).transform(X_va)
    out = [Reached(ref_name, ref_seconds, -1, target, -1, ref_seconds)]
    for name in names:
        if wait:
            wait(name)
        clock = AccuracyClock(X_va_scaled, y_va, target)
        reached = _fit_ours(name, clone(models[name]), clock, X_tr, y_tr)
        log("  " + describe(reached, ref_seconds))
        out.append(reached)
    return {
        "dataset": dataset.name,
        "n_train": len(y_tr),
        "n_validation": len(y_va),
        "target_accuracy": target,
        "reference": ref_name,
        "reference_seconds": ref_seconds,
        "results": [asdict(r) for r in out],
    }


def outcome(reached, ref_seconds):
    """Time to the target and its ratio, or the best accuracy reached."""
    if reached.epoch < 0:
        return f"{reached.seconds:.1f} s (its whole fit)"
    if not reached.ok:
        return (
            f"not reached (best {reached.best_accuracy:.4f} at epoch "
            f"{reached.best_epoch}, fit {reached.fit_seconds:.1f} s)"
        )
    return (
        f"{reached.seconds:.1f} s at epoch {reached.epoch} "
        f"({reached.seconds / ref_seconds:.2f}x)"
    )


def describe(reached, ref_seconds):
    """One line: the contender and its :func:`outcome`."""
    return f"{reached.name}: {outcome(reached, ref_seconds)}"
