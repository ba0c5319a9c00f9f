"""Adversarial scenarios of the reliability suite, as data (not collected).

Each :class:`Scenario` runs against every estimator class it applies to and
returns an :class:`Outcome`: whether the call crashed (an exception other
than the one the scenario expects), whether the caller lost data (an array
written, an estimator left unfitted or half-changed), and what it saw.
``tests/test_adversarial.py`` runs the table and asserts that nothing
crashed and nothing was lost.
"""

import os
import pickle
import signal
import threading
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.datasets import make_classification

from rumelhart.callbacks import Callback, LossRecorder
from rumelhart.exceptions import PoorScalingWarning, TrainingInterruptedWarning

DATA_DIR = os.path.join(os.path.dirname(__file__), "data")


@dataclass
class Outcome:
    crashed: bool = False
    lost_data: bool = False
    notes: list = field(default_factory=list)


@dataclass
class Scenario:
    id: str
    run: Any  #: ``run(cls, tmp_path) -> Outcome``
    applies: Any = lambda cls: True


def is_torch(cls):
    return cls.__name__.startswith("Torch")


def is_classifier(cls):
    return cls.__name__.endswith("Classifier")


def make(cls, **params):
    extra = {"device": "cpu"} if is_torch(cls) else {}
    params = {"hidden_layer_sizes": (8,), "max_iter": 8, "tol": 0, **params}
    return cls(random_state=0, **extra, **params)


def data(cls, n=90):
    X, y = make_classification(n_samples=n, n_features=5, random_state=0)
    return X, (y if is_classifier(cls) else X[:, 0] - 2 * X[:, 1])


def fitted_and_finite(est, X):
    if not hasattr(est, "n_iter_"):
        return False
    return bool(np.isfinite(est.predict(X)).all())


# -- Ctrl-C at every point of a fit ---------------------------------------------
class CtrlCAt(Callback):
    """Raise KeyboardInterrupt in one hook, at epoch 3 (or the first call)."""

    def __init__(self, hook):
        self.hook = hook

    def _maybe(self, context, hook):
        due = hook == "on_fit_end" or context.epoch in (0, 3)
        if hook == self.hook and due and not self.__dict__.get("_done"):
            self._done = True
            raise KeyboardInterrupt

    def on_fit_begin(self, context):
        self._maybe(context, "on_fit_begin")

    def on_epoch_begin(self, context):
        self._maybe(context, "on_epoch_begin")

    def on_batch_end(self, context):
        self._maybe(context, "on_batch_end")

    def on_epoch_end(self, context):
        self._maybe(context, "on_epoch_end")

    def on_fit_end(self, context):
        self._maybe(context, "on_fit_end")


def ctrl_c_in(hook):
    def run(cls, tmp_path):
        X, y = data(cls)
        est = make(cls, early_stopping=True, batch_size=16, callbacks=[CtrlCAt(hook)])
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            est.fit(X, y)
        warned = any(w.category is TrainingInterruptedWarning for w in seen)
        return Outcome(
            lost_data=not (fitted_and_finite(est, X) and warned),
            notes=[f"n_iter_={est.n_iter_}", f"stop_reason_={est.stop_reason_}"],
        )

    return run


def ctrl_c_in_validation(cls, tmp_path):
    from rumelhart import _training

    X, y = data(cls)
    measure = _training.Validation.measure
    calls = []

    def interrupted(self, engine):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return measure(self, engine)

    _training.Validation.measure = interrupted
    try:
        est = make(cls, early_stopping=True)
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            est.fit(X, y)
    finally:
        _training.Validation.measure = measure
    return Outcome(lost_data=not fitted_and_finite(est, X) or est.n_iter_ != 2)


@contextmanager
def sigint_raises_keyboard_interrupt():
    """SIGINT raises ``KeyboardInterrupt`` in the block, whatever the process
    inherited, and the inherited handler is back after it.

    A job started with ``cmd &`` in a non-interactive shell, under ``nohup``
    or by some CI runners inherits SIGINT ignored (``SIG_IGN``); Python then
    installs no handler, and a SIGINT sent by the test would never arrive.
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class NoSigint(Exception):
    """The SIGINT a scenario sent did not arrive in time."""


class Deadline(Callback):
    """Ends a fit after ``seconds`` with :class:`NoSigint`: a fit waiting for
    a signal that never arrives fails in seconds, not after max_iter epochs."""

    def __init__(self, seconds):
        self.seconds = seconds

    def on_fit_begin(self, context):
        self._end = time.monotonic() + self.seconds

    def on_epoch_end(self, context):
        if time.monotonic() > self._end:
            raise NoSigint(f"no SIGINT arrived within {self.seconds} s")


#: Each fit of ``real_sigint`` gets a SIGINT within 0.3 s; it may take this long.
SIGINT_DEADLINE_S = 10


def _fit_under_sigint(est, X, y, delay):
    """Fit with a SIGINT sent ``delay`` s after the timer starts; whether the
    fit returned (False: its KeyboardInterrupt escaped)."""
    timer = threading.Timer(delay, os.kill, (os.getpid(), signal.SIGINT))
    try:
        timer.start()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X, y)
        return True
    except KeyboardInterrupt:
        return False
    finally:
        timer.join()


def real_sigint(cls, tmp_path):
    """SIGINT from a timer at random moments of ten fits with early stopping.

    Each fit must end fitted and finite. On a busy machine the signal can
    arrive before training begins (while the timer starts, or the input is
    validated): the call is then aborted, must leave the estimator as it
    was, and is tried again (at most 3 times).
    """
    X, y = data(cls, 600)
    rng = np.random.default_rng(0)
    unfitted, aborted = 0, 0
    for seed in range(10):
        for _ in range(3):
            est = make(
                cls,
                early_stopping=True,
                max_iter=100_000,
                n_iter_no_change=10**6,
                callbacks=[Deadline(SIGINT_DEADLINE_S)],
            ).set_params(random_state=seed, batch_size=8)
            untouched = dict(vars(est))
            try:
                with sigint_raises_keyboard_interrupt():
                    returned = _fit_under_sigint(est, X, y, rng.uniform(0.01, 0.3))
            except NoSigint as exc:
                return Outcome(crashed=True, notes=[f"fit {seed}: {exc}"])
            if returned:
                break
            if vars(est) != untouched:
                return Outcome(lost_data=True, notes=[f"fit {seed}: half-changed"])
            aborted += 1
        unfitted += not fitted_and_finite(est, X)
    notes = [f"{unfitted}/10 unfitted", f"{aborted} aborted before training"]
    return Outcome(lost_data=unfitted > 0, notes=notes)


# -- continued training with new callbacks ------------------------------------
class Raises(Callback):
    def on_epoch_end(self, context):
        raise RuntimeError("the new callback ran")


def new_callbacks_on_continuation(how):
    def run(cls, tmp_path):
        X, y = data(cls)
        est = make(cls, warm_start=True).fit(X, y)
        est.set_params(callbacks=[Raises()])
        kwargs = {"classes": np.unique(y)} if is_classifier(cls) else {}
        call = (
            (lambda: est.partial_fit(X, y, **kwargs))
            if how == "partial_fit"
            else (lambda: est.fit(X, y))
        )
        try:
            call()
        except RuntimeError as exc:
            ran = "the new callback ran" in str(exc)
        else:
            ran = False
        est.set_params(callbacks=[LossRecorder()])
        call()
        recorded = bool(est.history_.get("loss"))
        return Outcome(lost_data=not (ran and recorded))

    return run


# -- scaling, persistence, targets ----------------------------------------------
def badly_scaled_column(cls, tmp_path):
    X, y = data(cls)
    X = X.copy()
    X[:, 2] *= 1e20
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            make(cls).fit(X, y)
        except Exception as exc:  # a DivergenceError is a clear answer too
            return Outcome(notes=[type(exc).__name__])
    hinted = any(w.category is PoorScalingWarning for w in seen)
    return Outcome(lost_data=not hinted, notes=["PoorScalingWarning"])


def pickle_of_0_1(cls, tmp_path):
    path = os.path.join(DATA_DIR, f"{cls.__name__}-0.1.0.pkl")
    with open(path, "rb") as f, warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        saved = pickle.load(f)
    est, X, y = saved["estimator"], saved["X"], saved["y"]
    named = any("rumelhart 0.1" in str(w.message) for w in seen)
    before = est.predict_proba(X) if is_classifier(cls) else est.predict(X)
    # Equal to rounding: BLAS may sum in another order than when it was saved.
    same = np.allclose(before, saved["prediction"], rtol=1e-12, atol=1e-15)
    kwargs = {"classes": est.classes_} if is_classifier(cls) else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.partial_fit(X, y, **kwargs)
        est.set_params(warm_start=True).fit(X, y)
    return Outcome(lost_data=not (named and same and est.get_params()))


def state_missing_a_parameter(cls, tmp_path):
    X, y = data(cls)
    est = make(cls).fit(X, y)
    state = est.__getstate__()
    name = "scale_target" if not is_classifier(cls) else "class_weight"
    del state[name]
    state["_rumelhart_version"] = "0.1.5"
    new = cls.__new__(cls)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        new.__setstate__(state)
        kwargs = {"classes": new.classes_} if is_classifier(cls) else {}
        new.get_params()
        new.partial_fit(X, y, **kwargs)
        new.fit(X, y)
    return Outcome(lost_data=getattr(new, name) != cls().get_params()[name])


def state_from_an_unknown_version(cls, tmp_path):
    X, y = data(cls)
    state = make(cls).fit(X, y).__getstate__()
    state["_rumelhart_version"] = "7.0.0"
    state["_engine"] = object()  # a structure this version cannot read
    del state["_state"]
    new = cls.__new__(cls)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            new.__setstate__(state)
    except ValueError as exc:
        both = "7.0.0" in str(exc) and "0.2.0" in str(exc)
        return Outcome(lost_data=not both, notes=["fails at load, both versions named"])
    return Outcome(lost_data=True, notes=["loaded a state it cannot use"])


def constant_target(scale):
    def run(cls, tmp_path):
        X, _ = data(cls)
        y = np.full(len(X), 3.7 * scale)
        est = make(cls).fit(X, y)
        error = np.max(np.abs(est.predict(X) - y)) / abs(y[0])
        return Outcome(lost_data=error > 1e-12, notes=[f"relative error {error:.1e}"])

    return run


def skops_of_torch(cls, tmp_path):
    import skops.io

    X, y = data(cls)
    est = make(cls).fit(X, y)
    try:
        skops.io.dump(est, tmp_path / "model.skops")
    except TypeError as exc:
        clear = "pickle or joblib" in str(exc) and "state_dict" in str(exc)
        return Outcome(lost_data=not clear)
    return Outcome(lost_data=True, notes=["dumped?"])


def too_large_network(cls, tmp_path):
    X, y = data(cls, 30)
    est = make(cls, hidden_layer_sizes=(10**5, 10**5))
    try:
        est.fit(X, y)
    except MemoryError as exc:
        return Outcome(lost_data="GiB" not in str(exc))
    return Outcome(lost_data=True)


SCENARIOS = [
    *[
        Scenario(f"Ctrl-C in {hook}", ctrl_c_in(hook))
        for hook in (
            "on_fit_begin",
            "on_epoch_begin",
            "on_batch_end",
            "on_epoch_end",
            "on_fit_end",
        )
    ],
    Scenario("Ctrl-C in validation scoring", ctrl_c_in_validation),
    # The id names the function, so that ``-k real_sigint`` selects it.
    Scenario("real_sigint: SIGINT at random moments (10 fits)", real_sigint),
    Scenario("new callbacks on a warm start", new_callbacks_on_continuation("fit")),
    Scenario(
        "new callbacks on partial_fit", new_callbacks_on_continuation("partial_fit")
    ),
    Scenario("a column at 1e20", badly_scaled_column),
    Scenario("pickle of rumelhart 0.1.0", pickle_of_0_1),
    Scenario("pickled state missing a parameter", state_missing_a_parameter),
    Scenario("pickled state of an unknown version", state_from_an_unknown_version),
    *[
        Scenario(
            f"constant target x{scale:g}",
            constant_target(scale),
            applies=lambda cls: not is_classifier(cls),
        )
        for scale in (1e-6, 1.0, 1e6)
    ],
    Scenario("skops dump of a torch model", skops_of_torch, applies=is_torch),
    Scenario("hidden_layer_sizes=(10**5, 10**5)", too_large_network),
]
