"""The training loop: what happens while fit runs.

1. divergence: detected the epoch it happens; early stopping keeps the best
   finite weights;
2. determinism: bit-identical fits across processes, global random states
   untouched;
3. interruption: Ctrl-C keeps the weights reached so far, consistently;
4. going on and stopping: warm start and partial_fit continue training,
   early stopping restores the best weights, a failed refit changes nothing;
5. what the loop is given: data and plain functions, never the estimator's
   methods.
"""

import functools
import inspect
import itertools
import os
import random
import re
import subprocess
import sys
import warnings
from dataclasses import replace

import numpy as np
import pytest
from sklearn.base import BaseEstimator, clone
from sklearn.datasets import make_blobs, make_classification, make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score

from rumelhart import RumelhartClassifier, RumelhartRegressor
from rumelhart.callbacks import Callback, LossRecorder, ParamScheduler
from rumelhart.exceptions import DivergenceError, TrainingInterruptedWarning
from rumelhart.schedules import ExponentialDecay

from .conftest import (
    CLASSIFIERS,
    ESTIMATORS,
    HAS_TORCH,
    REGRESSORS,
    TORCH_CLASSIFIERS,
    TORCH_REGRESSORS,
    check_finite_result,
    dataset,
    engine_weights,
    fast,
    fitted,
    fitted_state,
    is_classifier,
    is_torch,
    lr_name,
    make,
    outcome,
    outputs_of,
    overdispersed_counts,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


# -- 1. divergence ---------------------------------------------------------------
class EpochWatch(Callback):
    """Records what every callback-visible epoch looked like (class-level log:
    fit trains with copies of its callbacks)."""

    log = []

    def on_epoch_end(self, context):
        finite = all(np.isfinite(w).all() for w in engine_weights(context.engine))
        type(self).log.append((context.epoch, context.logs["loss"], finite))


def blow_up_at(cls, epoch):
    """A schedule that raises the learning rate to 1e300 from ``epoch`` on."""
    base = 0.01 if is_torch(cls) else (0.5 if is_classifier(cls) else 0.05)
    return ParamScheduler(lr=lambda t: base if t < epoch else 1e300)


def diverging(cls, epoch, batch_size, **params):
    torch_params = dict(optimizer="sgd") if is_torch(cls) else {}
    return make(
        cls,
        hidden_layer_sizes=(8,),
        batch_size=batch_size,
        max_iter=40,
        tol=0,
        n_iter_no_change=1000,
        callbacks=[blow_up_at(cls, epoch), EpochWatch()],
        **torch_params,
        **params,
    )


def divergence_data(cls):
    X, labels = make_blobs(n_samples=60, centers=3, n_features=4, random_state=0)
    y = labels if is_classifier(cls) else X @ np.array([1.0, -2.0, 0.5, 3.0])
    return X, y


def diverged_epoch(exc):
    return int(re.search(r"Training diverged at epoch (\d+)", str(exc))[1])


def assert_detected_at(epoch):
    """Every epoch callbacks saw (and loss_curve_ would hold) was finite, and
    the divergence is the very next one: detected the epoch it happened."""
    assert [e for e, _, _ in EpochWatch.log] == list(range(1, epoch))
    assert all(np.isfinite(loss) and ok for _, loss, ok in EpochWatch.log)


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("batch_size", [None, 16])
def test_divergence_is_detected_the_epoch_it_happens(cls, batch_size):
    X, y = divergence_data(cls)
    est = fitted(cls)
    X_old = dataset(cls)[0]
    before, prediction = fitted_state(est), outputs_of(est, X_old)
    EpochWatch.log = []
    est.set_params(**diverging(cls, 5, batch_size).get_params())
    with pytest.raises(DivergenceError, match=rf"{lr_name(cls)}=") as info:
        est.fit(X, y)
    epoch = diverged_epoch(info.value)
    assert_detected_at(epoch)
    assert epoch >= 5  # not before the rate blew up
    # The fitted estimator was left as it was.
    np.testing.assert_equal(fitted_state(est), before)
    np.testing.assert_array_equal(outputs_of(est, X_old), prediction)


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("batch_size", [None, 16])
def test_divergence_with_early_stopping_keeps_best_finite_weights(cls, batch_size):
    X, y = divergence_data(cls)
    EpochWatch.log = []
    est = diverging(cls, 5, batch_size, early_stopping=True)
    with pytest.warns(ConvergenceWarning, match="Training diverged at epoch") as info:
        est.fit(X, y)
    message = next(str(w.message) for w in info if "diverged" in str(w.message))
    epoch = int(re.search(r"epoch (\d+)", message)[1])
    assert "keeping the best weights" in message
    assert lr_name(cls) in message
    assert est.n_iter_ == epoch - 1 == len(est.loss_curve_)
    assert len(est.validation_scores_) == est.n_iter_
    assert [e for e, _, _ in EpochWatch.log] == list(range(1, epoch))
    assert est.best_validation_score_ == max(est.validation_scores_)
    assert not [w.message for w in info if issubclass(w.category, RuntimeWarning)]
    assert all(np.isfinite(est.loss_curve_))
    check_finite_result(est, X)
    if hasattr(est, "coefs_"):
        assert all(np.isfinite(w).all() for w in est.coefs_ + est.intercepts_)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_divergence_in_the_last_epoch_fails_the_fit(cls):
    """The last epoch's change is measured by no loss: fit still checks that
    the weights it leaves predict finite outputs."""
    X, y = divergence_data(cls)
    est = diverging(cls, 5, None).set_params(max_iter=5)
    _, error = outcome(lambda: est.fit(X, y), DivergenceError)
    if error is None:
        assert np.isfinite(outputs_of(est, X)).all()
    else:
        assert diverged_epoch(error) == 5
        assert not hasattr(est, "n_iter_")


class InfiniteBiasAtEpoch(Callback):
    """An overflow in the last epoch's step that no loss measures: a hidden
    unit's bias becomes +inf, yet its saturated tanh / logistic output (1.0)
    and so the network's outputs stay finite."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_end(self, context):
        if context.epoch != self.epoch:
            return
        engine = context.engine._engine  # the engine behind the view
        if hasattr(engine, "module"):
            import torch

            with torch.no_grad():
                engine.module[0].bias[0] = float("inf")
        else:
            engine.intercepts[0][0] = np.inf


@pytest.mark.parametrize("cls", [c for c in ESTIMATORS if not is_classifier(c)])
def test_non_finite_final_weights_are_a_divergence(cls):
    """Finite outputs do not hide an infinite weight: the fit fails and keeps
    nothing (the check reads the weights, on both backends)."""
    X, y = divergence_data(cls)
    est = make(
        cls, hidden_layer_sizes=(4,), max_iter=4, callbacks=[InfiniteBiasAtEpoch(4)]
    )
    if is_torch(cls):
        est.set_params(activation="tanh")  # saturates, as the logistic does
    with pytest.raises(DivergenceError, match="non-finite"):
        est.fit(X, y)
    assert not hasattr(est, "_engine")


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_natural_divergence_without_a_schedule(cls):
    """A too large rate alone: same contract."""
    X, y = divergence_data(cls)
    rate = 1e20
    params = {lr_name(cls): rate}
    if is_torch(cls):
        params["optimizer"] = "sgd"
    if not is_classifier(cls):  # a linear model: slower, geometric growth
        params["hidden_layer_sizes"] = ()
    if is_classifier(cls) and not is_torch(cls):
        # Saturated sigmoids bound the gradient: only a rate times inputs
        # beyond the float range overflows the weights.
        rate = 1e300
        params.update(eps=rate, hidden_layer_sizes=())
        X = X * 1e10
    EpochWatch.log = []
    est = make(
        cls, max_iter=100, tol=0, n_iter_no_change=1000, callbacks=[EpochWatch()]
    ).set_params(**params)
    with pytest.raises(
        DivergenceError, match=re.escape(f"{lr_name(cls)}={rate!r}")
    ) as info:
        est.fit(X, y)
    assert_detected_at(diverged_epoch(info.value))
    assert not hasattr(est, "n_iter_")


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_divergence_is_reported_and_names_the_learning_rate(cls, blobs):
    X, y = blobs
    name = "lr" if cls.__name__.startswith("Torch") else "eps"
    params = {name: 1e300}
    if name == "lr":
        params["optimizer"] = "sgd"
    # Without hidden layer the first step scales the (huge) inputs by the
    # huge rate: the weights overflow, whatever the output units saturate to.
    est = fast(cls, **params).set_params(hidden_layer_sizes=())
    with pytest.raises(DivergenceError, match=name):
        est.fit(X * 1e10, y)
    assert not hasattr(est, "n_iter_")


# -- 2. determinism --------------------------------------------------------------
_FIT_AND_HASH = """
import hashlib, sys, warnings
import numpy as np
from sklearn.datasets import make_classification
import rumelhart

warnings.simplefilter("ignore")
X, y = make_classification(n_samples=90, n_features=6, random_state=0)
for name in sys.argv[1:]:
    cls = getattr(rumelhart, name)
    for config in ({"batch_size": 16}, {"early_stopping": True, "batch_size": 32}):
        params = dict(hidden_layer_sizes=(7, 5), max_iter=12, random_state=42)
        if name.startswith("Torch"):
            params.update(device="cpu", lr=0.01)
        est = cls(**params, **config)
        target = y if hasattr(cls, "predict_proba") else X[:, 0] * 3 + y
        for dtype in (np.float64, np.float32):
            est.fit(X.astype(dtype), target)
            digest = hashlib.sha256()
            for w in est.coefs_ + est.intercepts_:
                digest.update(np.ascontiguousarray(w).tobytes())
            proba = getattr(est, "predict_proba", None)
            out = est.predict(X) if proba is None else proba(X)
            digest.update(np.ascontiguousarray(out).tobytes())
            digest.update(np.asarray(est.loss_curve_).tobytes())
            print(name, config, dtype.__name__, digest.hexdigest())
"""


def _hashes_in_subprocess(names, hash_seed):
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed)}
    result = subprocess.run(
        [sys.executable, "-c", _FIT_AND_HASH, *names],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=300,
    )
    return result.stdout.splitlines()


def test_same_random_state_is_bit_identical_across_processes():
    names = [cls.__name__ for cls in ESTIMATORS]
    first = _hashes_in_subprocess(names, 1)
    second = _hashes_in_subprocess(names, 2)
    assert len(first) == 4 * len(names)
    assert first == second


class _Record(Callback):
    def on_batch_end(self, context):
        pass  # a batch listener: the engines run their hooked loop


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize(
    "config",
    [
        {"random_state": None},
        {"random_state": 3, "batch_size": 8},
        {"random_state": "RandomState"},
        {"random_state": 3, "early_stopping": True},
        {"random_state": 3, "warm_start": True},
        {"random_state": 3, "callbacks": "recorder"},
        {"random_state": 3, "partial_fit": True},
    ],
    ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()),
)
def test_fit_leaves_global_random_states_untouched(cls, config):
    torch = pytest.importorskip("torch")
    config = dict(config)
    if config.get("random_state") == "RandomState":
        config["random_state"] = np.random.RandomState(0)
    if config.get("callbacks") == "recorder":
        config["callbacks"] = [_Record()]
    partial = config.pop("partial_fit", False)
    X, y = dataset(cls)
    np_state = np.random.get_state()
    torch_state = torch.get_rng_state().clone()
    py_state = random.getstate()
    est = make(cls, **config)
    if partial:
        kwargs = {"classes": np.unique(y)} if is_classifier(cls) else {}
        est.partial_fit(X, y, **kwargs).partial_fit(X, y)
    else:
        est.fit(X, y).fit(X, y)
    est.predict(X)
    after = np.random.get_state()
    assert after[0] == np_state[0]
    np.testing.assert_array_equal(after[1], np_state[1])
    assert after[2:] == np_state[2:]
    assert torch.equal(torch.get_rng_state(), torch_state)
    assert random.getstate() == py_state


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_random_state_reproducible_and_global_state_untouched(cls, blobs):
    X, y = blobs
    np_state = np.random.get_state()[1].copy()
    torch = pytest.importorskip("torch")
    torch_state = torch.get_rng_state().clone()
    a = fast(cls, random_state=3, max_iter=20, batch_size=16).fit(X, y)
    b = fast(cls, random_state=3, max_iter=20, batch_size=16).fit(X, y)
    c = fast(cls, random_state=4, max_iter=20, batch_size=16).fit(X, y)
    assert a.loss_curve_ == b.loss_curve_
    assert a.loss_curve_ != c.loss_curve_
    np.testing.assert_array_equal(np.random.get_state()[1], np_state)
    assert torch.equal(torch.get_rng_state(), torch_state)


# -- 3. interruption --------------------------------------------------------------
def fit_keeping_interrupt(est, X, y):
    """``est.fit``, where a KeyboardInterrupt that escapes fails the test
    instead of stopping the whole pytest session."""
    try:
        return est.fit(X, y)
    except KeyboardInterrupt:
        pytest.fail("KeyboardInterrupt escaped fit instead of ending training")


class InterruptWithGradientsOff(Callback):
    """Ctrl-C landing inside ``torch.no_grad().__enter__``: gradients are off
    and the block that would turn them back on never starts."""

    def on_epoch_begin(self, context):
        if context.epoch == 2:
            import torch

            torch.set_grad_enabled(False)
            raise KeyboardInterrupt


@pytest.mark.parametrize("cls", TORCH_CLASSIFIERS + TORCH_REGRESSORS)
def test_interrupt_leaves_torch_grad_mode_as_it_was(cls):
    torch = pytest.importorskip("torch")
    X, y = dataset(cls, n_samples=40)
    est = make(cls, max_iter=5, callbacks=[InterruptWithGradientsOff()])
    with pytest.warns(TrainingInterruptedWarning):
        fit_keeping_interrupt(est, X, y)
    assert torch.is_grad_enabled()
    est.set_params(callbacks=None).fit(X, y)  # the next fit still backpropagates
    assert est.n_iter_ == 5


def _tanh_module(n_in, n_out):
    import torch

    return torch.nn.Sequential(
        torch.nn.Linear(n_in, 5), torch.nn.Tanh(), torch.nn.Linear(5, n_out)
    )


@pytest.mark.parametrize("module", [None, _tanh_module], ids=["built-in", "custom"])
@pytest.mark.parametrize("cls", TORCH_CLASSIFIERS + TORCH_REGRESSORS)
def test_fit_inside_no_grad_block_trains(cls, module):
    torch = pytest.importorskip("torch")
    X, y = dataset(cls, n_samples=40)
    with torch.no_grad():
        est = make(cls, max_iter=3, module=module).fit(X, y)
        assert not torch.is_grad_enabled()
    assert est.n_iter_ == 3 and np.all(np.isfinite(est.loss_curve_))
    assert est.loss_curve_[-1] < est.loss_curve_[0]


class InterruptAt(Callback):
    """Raise KeyboardInterrupt in epoch ``epoch``: at its beginning, or after
    its batch number ``batch``; the weights at that moment go to ``seen``."""

    seen = None
    armed = True  # once only: continued training reuses copies of callbacks

    def __init__(self, epoch, batch=None):
        self.epoch = epoch
        self.batch = batch

    def _interrupt(self, engine):
        if type(self).armed:
            type(self).armed = False
            type(self).seen = engine_weights(engine)
            raise KeyboardInterrupt

    def on_epoch_begin(self, context):
        self._epoch, self._batch = context.epoch, 0
        if context.epoch == self.epoch and self.batch is None:
            self._interrupt(context.engine)

    def on_batch_end(self, context):
        self._batch += 1
        if self._epoch == self.epoch and self._batch == self.batch:
            self._interrupt(context.engine)


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize(
    ("epoch", "batch"), [(3, None), (3, 2), (1, None), (1, 1)], ids=str
)
def test_keyboard_interrupt_keeps_consistent_progress(cls, epoch, batch):
    X, y = dataset(cls, n_samples=40)
    batches_per_epoch = 4
    InterruptAt.armed = True
    est = make(cls, batch_size=10, max_iter=20, callbacks=[InterruptAt(epoch, batch)])
    with pytest.warns(
        TrainingInterruptedWarning, match=rf"interrupted during epoch {epoch};"
    ):
        fit_keeping_interrupt(est, X, y)
    done = epoch - 1
    assert est.n_iter_ == done == len(est.loss_curve_) == len(est.history_["epochs"])
    assert [row["epoch"] for row in est.history_["epochs"]] == list(range(1, epoch))
    assert est.n_steps_ == done * batches_per_epoch + (batch or 0)
    assert all(np.isfinite(est.loss_curve_))
    # The weights reached at the interrupt are the fitted ones.
    for kept, seen in zip(engine_weights(est._engine), InterruptAt.seen, strict=True):
        np.testing.assert_array_equal(kept, seen)
    for attr, kept in zip(est.coefs_ + est.intercepts_, InterruptAt.seen, strict=True):
        np.testing.assert_array_equal(attr, kept)
    check_finite_result(est, X)
    # Still usable: training goes on, and a new fit starts over.
    kwargs = {"classes": est.classes_} if is_classifier(cls) else {}
    est.partial_fit(X, y, **kwargs)
    assert est.n_iter_ == done + 1 == len(est.loss_curve_)
    est.set_params(callbacks=None, max_iter=5).fit(X, y)
    assert est.n_iter_ == 5
    check_finite_result(est, X)


# -- 4. going on and stopping: warm start, partial_fit, early stopping, refit ---
@pytest.mark.parametrize("cls", ESTIMATORS)
def test_warm_start_continues_and_partial_fit_adds_one_epoch(cls, blobs):
    X, y = blobs
    est = fast(cls, max_iter=5, warm_start=True, tol=0)
    with pytest.warns(ConvergenceWarning):
        est.fit(X, y)
    first = [w.copy() for w in est.coefs_]
    with pytest.warns(ConvergenceWarning):
        est.fit(X, y)
    # As scikit-learn's MLP: n_iter_ counts this fit's epochs, the loss
    # curve (and the epochs of history_) all of them.
    assert est.n_iter_ == 5
    assert len(est.loss_curve_) == 10
    assert [row["epoch"] for row in est.history_["epochs"]] == list(range(1, 11))
    assert est.loss_curve_[-1] < est.loss_curve_[0]
    assert not np.allclose(first[0], est.coefs_[0])
    kwargs = {"classes": np.unique(y)} if hasattr(est, "classes_") else {}
    inc = fast(cls)
    for _ in range(3):
        inc.partial_fit(X, y, **kwargs)
    assert inc.n_iter_ == 3


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_partial_fit_needs_classes_first(cls, blobs):
    X, y = blobs
    with pytest.raises(ValueError, match="classes"):
        fast(cls).partial_fit(X, y)
    clf = fast(cls).partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])
    assert list(clf.classes_) == [0, 1, 2]
    with pytest.raises(ValueError, match="not seen"):
        clf.partial_fit(X, y + 5)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_early_stopping_restores_best_weights(cls):
    X, y = make_classification(n_samples=300, n_features=10, flip_y=0.2, random_state=0)
    est = fast(cls, early_stopping=True, n_iter_no_change=5, max_iter=200, tol=0)
    est.fit(X, y)
    scores = est.validation_scores_
    assert len(scores) == est.n_iter_
    assert est.best_validation_score_ == max(scores)
    # Training went past the best epoch (tests/test_training_features.py
    # re-scores the restored weights on the same split).
    assert np.argmax(scores) < len(scores) - 1 or len(scores) == 200


@pytest.mark.parametrize(("n_samples", "refit"), [(1999, True), (2000, False)])
def test_auto_early_stopping_holds_out_for_numpy_regressors_from_2000_rows(
    n_samples, refit
):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n_samples, 3))
    y = X.sum(axis=1)
    est = RumelhartRegressor(max_iter=20, random_state=0).fit(X, y)
    # Both choose the epochs on a validation split; only "refit" trains
    # a second time, on all the rows (20 epochs: past the 100 updates a
    # refit needs).
    assert len(est.validation_scores_) >= est.n_iter_
    assert (est.stop_reason_ == "refit") is refit


def test_refit_trains_the_best_epoch_of_the_median_smoothed_scores():
    from rumelhart._estimator import policy

    # A lone best epoch at the front of a plateau is noise: the median over
    # 5 epochs ignores it and takes the plateau's (worked by hand: the
    # medians are 0, 0, 0, 0, 1, 1, ...; the first 1 is epoch 5).
    scores = [0.0, 0.0, 5.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0]
    assert policy.refit_epochs(scores) == 5
    raw = replace(policy.NUMPY_AUTO, refit_median_epochs=1)
    assert policy.refit_epochs(scores, raw) == 3
    assert policy.refit_epochs([0.0, 1.0, 2.0, 3.0]) == 4  # too short to smooth
    # The fit trains that many epochs on all the rows.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = X[:, 0] * X[:, 1] + rng.normal(scale=0.5, size=300)
    est = RumelhartRegressor((16,), random_state=0).fit(X, y)
    assert est.stop_reason_ == "refit"
    assert est.n_iter_ == policy.refit_epochs(est.validation_scores_)
    assert est.n_iter_ != np.argmax(est.validation_scores_) + 1  # (780, 696)


def test_refit_too_short_to_settle_keeps_the_validated_epoch(monkeypatch):
    from rumelhart._estimator import policy
    from rumelhart._estimator.backends.numpy import NumpyBackend

    # 100 rows in batches of 200: one update an epoch.
    assert policy.refit_is_settled(100, 100, 200)
    assert not policy.refit_is_settled(99, 100, 200)
    assert policy.refit_is_settled(34, 500, 200)  # 3 updates an epoch
    X, y = dataset(RumelhartRegressor, n_samples=300)
    fit = functools.partial(RumelhartRegressor((8,), random_state=0).fit, X, y)
    refitted = fit()
    assert refitted.stop_reason_ == "refit"
    never = replace(NumpyBackend.rules, min_refit_updates=10**9)
    monkeypatch.setattr(NumpyBackend, "rules", never)
    kept = fit()  # the first run, its best epoch restored
    assert kept.stop_reason_ != "refit"
    assert kept.best_validation_score_ == max(kept.validation_scores_)
    assert kept.n_iter_ == len(kept.validation_scores_)


def _epoch_rates(est):
    """The learning rate of each epoch of the (last) training, from its
    first batch's record."""
    firsts = {}
    for row in est.history_["loss"]:
        firsts.setdefault(row["epoch"], row["lr"])
    return [firsts[epoch] for epoch in sorted(firsts)]


def test_refit_ends_on_a_straight_descent_of_the_rate():
    # "refit"'s second run has a budget chosen by the first: it keeps the
    # rate for 3/4 of it, then steps down by the same amount each epoch to
    # rate / (steps + 1) at the last (a constant rate ends wherever its
    # noise leaves the weights).
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = X[:, 0] * X[:, 1] + 0.3 * rng.normal(size=300)
    est = RumelhartRegressor(
        hidden_layer_sizes=(16,), random_state=0, callbacks=[LossRecorder()]
    ).fit(X, y)
    assert est.stop_reason_ == "refit"
    rates, epochs = _epoch_rates(est), est.n_iter_
    assert len(rates) == epochs >= 20
    steps = epochs // 4
    assert rates[: epochs - steps] == [est.eps] * (epochs - steps)
    descent = np.diff(rates[epochs - steps - 1 :])
    np.testing.assert_allclose(descent, -est.eps / (steps + 1))
    assert rates[-1] == pytest.approx(est.eps / (steps + 1))


def test_refit_leaves_the_rate_to_a_schedule_of_the_callers():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = X.sum(axis=1)
    scheduler = ParamScheduler(lr=ExponentialDecay(0.05, 0.99))
    est = RumelhartRegressor(
        hidden_layer_sizes=(16,), random_state=0, callbacks=[scheduler, LossRecorder()]
    ).fit(X, y)
    assert est.stop_reason_ == "refit"
    expected = [0.05 * 0.99**t for t in range(est.n_iter_)]
    np.testing.assert_allclose(_epoch_rates(est), expected)


def test_auto_weight_decay_falls_with_samples_and_with_few_inputs():
    from rumelhart._estimator import policy

    def decay(n_samples, n_features):
        return policy.weight_decay("auto", n_samples, policy.NUMPY_AUTO, n_features)

    # 5 / n per change, at most 0.6 %, times d / 16 on fewer than 16 inputs.
    assert decay(100_000, 64) == pytest.approx(5e-5)
    assert decay(100_000, 16) == pytest.approx(5e-5)
    assert decay(100_000, 4) == pytest.approx(5e-5 / 4)
    assert decay(500, 64) == pytest.approx(6e-3)  # the cap
    assert decay(1000, 64) == pytest.approx(5e-3)
    assert decay(4000, 2) == pytest.approx(5 / 4000 / 8)
    assert policy.weight_decay(0.01, 4000, policy.NUMPY_AUTO, 2) == 0.01


@pytest.mark.parametrize("decay_intercepts", [False, True])
def test_weight_decay_spares_the_biases_unless_asked(decay_intercepts):
    """Four full-batch changes at a step too small to move a weight: only
    the decay acts, shrinking what it decays by 0.9 ** 4 (the biases too
    only with the paper's ``decay_intercepts=True``)."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3))
    y = (X[:, 0] > 0).astype(int)
    kw = dict(hidden_layer_sizes=(5,), eps=1e-12, batch_size=None, max_iter=4)
    kw.update(tol=0.0, early_stopping=False, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        plain = RumelhartClassifier(weight_decay=0.0, **kw).fit(X, y)
        decayed = RumelhartClassifier(
            weight_decay=0.1, decay_intercepts=decay_intercepts, **kw
        ).fit(X, y)
    for got, start in zip(decayed.coefs_, plain.coefs_):
        np.testing.assert_allclose(got, start * 0.9**4, rtol=1e-9)
    kept = 0.9**4 if decay_intercepts else 1.0
    for got, start in zip(decayed.intercepts_, plain.intercepts_):
        np.testing.assert_allclose(got, start * kept, rtol=1e-9)


def test_torch_auto_weight_decay_is_a_few_samples_worth_of_prior():
    from rumelhart._estimator import policy

    assert policy.weight_decay("auto", 400, policy.TORCH_AUTO, 2) == 1 / 400
    assert policy.weight_decay("auto", 4.0, policy.TORCH_AUTO, 2) == 0.1  # cap
    assert policy.weight_decay(0.0, 400, policy.TORCH_AUTO, 2) == 0.0
    # A classifier's: two samples' worth, times d / 16 below 16 inputs.
    for task in ("binary", "multiclass", "multilabel"):
        assert policy.weight_decay(
            "auto", 400, policy.TORCH_AUTO, 4, task=task
        ) == pytest.approx(2 / 400 / 4)
        assert policy.weight_decay(
            "auto", 400, policy.TORCH_AUTO, 64, task=task
        ) == pytest.approx(2 / 400)
    # A loss's own rule comes first (the log link: 5 samples' worth).
    assert policy.weight_decay(
        "auto", 400, policy.TORCH_AUTO, 64, "poisson", task="regression"
    ) == pytest.approx(5 / 400)
    # None for networks of logistic units, the classifier's or the regressor's.
    rules = policy.TORCH_AUTO
    assert policy.weight_decay(
        "auto", 400, rules, 4, task="binary", activation="logistic"
    ) == pytest.approx(0.0)
    assert policy.weight_decay(
        "auto", 400, rules, 4, task="binary", activation="tanh"
    ) == pytest.approx(2 / 400 / 4)
    assert policy.weight_decay(
        "auto", 400, rules, 2, task="regression", activation="logistic"
    ) == pytest.approx(0.0)
    assert policy.weight_decay(
        "auto", 400, rules, 2, task="regression", activation="tanh"
    ) == pytest.approx(1 / 400)


@pytest.mark.skipif(not HAS_TORCH, reason="torch")
def test_torch_estimators_decay_by_default_as_a_prior_worth_a_few_rows():
    from rumelhart import TorchMLPClassifier, TorchMLPRegressor

    X, y = dataset(RumelhartRegressor, n_samples=120)
    common = dict(device="cpu", random_state=0, max_iter=30, early_stopping=False)
    auto = TorchMLPRegressor((8,), **common).fit(X, y)
    given = TorchMLPRegressor((8,), weight_decay=1 / len(X), **common).fit(X, y)
    none = TorchMLPRegressor((8,), weight_decay=0.0, **common).fit(X, y)
    np.testing.assert_array_equal(auto.coefs_[0], given.coefs_[0])
    assert not np.array_equal(auto.coefs_[0], none.coefs_[0])
    auto = TorchMLPRegressor((8,), activation="logistic", **common).fit(X, y)
    none = TorchMLPRegressor((8,), activation="logistic", weight_decay=0.0, **common)
    np.testing.assert_array_equal(auto.coefs_[0], none.fit(X, y).coefs_[0])
    # The log link, trained on all rows to convergence: 5 samples' prior.
    y = np.exp(y / np.abs(y).max())
    auto = TorchMLPRegressor((8,), loss="gamma", **common).fit(X, y)
    given = TorchMLPRegressor((8,), loss="gamma", weight_decay=5 / len(X), **common)
    np.testing.assert_array_equal(auto.coefs_[0], given.fit(X, y).coefs_[0])
    # The classifier's: 2 samples' worth, times d / 16 on fewer inputs.
    X, y = dataset(RumelhartClassifier, n_samples=120)
    auto = TorchMLPClassifier((8,), **common).fit(X, y)
    prior = 2 / len(X) * X.shape[1] / 16
    given = TorchMLPClassifier((8,), weight_decay=prior, **common).fit(X, y)
    none = TorchMLPClassifier((8,), weight_decay=0.0, **common).fit(X, y)
    np.testing.assert_array_equal(auto.coefs_[0], given.coefs_[0])
    assert not np.array_equal(auto.coefs_[0], none.coefs_[0])
    # ... but none on logistic units (named by their alias too).
    auto = TorchMLPClassifier((8,), activation="sigmoid", **common).fit(X, y)
    none = TorchMLPClassifier((8,), activation="logistic", weight_decay=0.0, **common)
    np.testing.assert_array_equal(auto.coefs_[0], none.fit(X, y).coefs_[0])


@pytest.mark.parametrize(
    ("loss", "eps", "decays"),
    [
        ("poisson", 0.05, True),
        ("gamma", 0.2, True),
        ("squared_error", 0.05, False),
        ("quantile", 0.05, False),
    ],
)
def test_numpy_regressor_decays_by_default_only_on_the_log_link(loss, eps, decays):
    """RumelhartRegressor's "auto": the classifiers' prior, worth 5 samples
    whatever eps (a shrink of d per change is an L2 penalty of d / (2 eps)),
    where the training loss decides (the log link below 10,000 rows); none
    where a held-out split chooses the epochs."""
    X, y = dataset(RumelhartRegressor, n_samples=400)
    y = np.exp(y / np.abs(y).max())  # positive targets, fit for every loss
    common = dict(loss=loss, eps=eps, random_state=0, max_iter=20)
    common.update(early_stopping=False)
    auto = RumelhartRegressor((8,), **common).fit(X, y)
    prior = 2 * eps * 5 / len(X) * min(1.0, X.shape[1] / 16)
    given = RumelhartRegressor((8,), weight_decay=prior, **common).fit(X, y)
    none = RumelhartRegressor((8,), weight_decay=0.0, **common).fit(X, y)
    same_as = given if decays else none
    np.testing.assert_array_equal(auto.coefs_[0], same_as.coefs_[0])
    assert not np.array_equal(given.coefs_[0], none.coefs_[0])


@pytest.mark.parametrize("cls", REGRESSORS, ids=lambda c: c.__name__)
def test_overdispersed_counts_strengthen_the_automatic_prior(cls):
    """With ``loss="poisson"`` the automatic decay is the rows' prior times
    the Pearson dispersion of the counts as trained, divided by their mean
    (here about 12 / 3): the same weights as that decay given by hand, and
    not those of the plain prior nor of the raw counts' dispersion."""
    from rumelhart._estimator import policy
    from rumelhart._estimator.dispersion import poisson_dispersion

    X, y = overdispersed_counts(600, 12.0)
    dispersion = poisson_dispersion(X, y / y.mean())
    assert 2 < dispersion < poisson_dispersion(X, y) / 2
    common = dict(loss="poisson", random_state=0, max_iter=15, early_stopping=False)
    if is_torch(cls):
        common.update(device="cpu")
    backend = cls()._backend
    prior = policy.weight_decay("auto", len(X), backend.rules, X.shape[1], "poisson")
    if not is_torch(cls):
        prior *= 2 * cls().eps
    auto = cls((8,), **common).fit(X, y)
    given = cls((8,), weight_decay=prior * dispersion, **common).fit(X, y)
    plain = cls((8,), weight_decay=prior, **common).fit(X, y)
    np.testing.assert_allclose(auto.coefs_[0], given.coefs_[0], rtol=1e-6)
    assert not np.allclose(auto.coefs_[0], plain.coefs_[0], rtol=1e-6)


def test_auto_tol_is_coarser_on_the_classifiers_training_loss():
    from rumelhart._estimator import policy

    def tol(task, held_out, rules=policy.NUMPY_AUTO, param="auto"):
        return policy.convergence_tol(param, task, held_out=held_out, rules=rules)

    for task, rules in itertools.product(
        ["binary", "multiclass", "multilabel"], [policy.NUMPY_AUTO, policy.TORCH_AUTO]
    ):
        assert tol(task, held_out=False, rules=rules) == 1e-3
        assert tol(task, held_out=True, rules=rules) == 1e-4
    for rules in [policy.NUMPY_AUTO, policy.TORCH_AUTO]:
        assert tol("regression", held_out=False, rules=rules) == 1e-4
    assert tol("binary", held_out=False, param=0.0) == 0.0  # yours, as given


def test_auto_tol_stops_the_numpy_classifier_as_1e_3_does():
    X, y = make_classification(n_samples=400, n_features=8, flip_y=0.1, random_state=0)
    auto = RumelhartClassifier(random_state=0, max_iter=3000).fit(X, y)
    coarse = RumelhartClassifier(random_state=0, max_iter=3000, tol=1e-3).fit(X, y)
    fine = RumelhartClassifier(random_state=0, max_iter=3000, tol=1e-4).fit(X, y)
    assert auto.stop_reason_ == "converged"
    assert auto.n_iter_ == coarse.n_iter_ < fine.n_iter_
    np.testing.assert_array_equal(auto.coefs_[0], coarse.coefs_[0])


@pytest.mark.parametrize("cls", TORCH_CLASSIFIERS + TORCH_REGRESSORS)
def test_torch_auto_stops_on_a_held_out_split_of_small_data(cls):
    # early_stopping="auto" below holdout_from_samples (from 500 rows on for
    # the classifier): one training, on a held-out split whose score is
    # recorded every epoch (not the training loss, not "refit"'s second
    # training), and the best epoch restored.
    X, y = make_classification(n_samples=600, n_features=10, flip_y=0.2, random_state=0)
    est = fast(cls, max_iter=1000).fit(X, y)
    assert est.validation_scores_ is not None
    assert len(est.validation_scores_) == est.n_iter_ == len(est.loss_curve_)
    assert est.stop_reason_ == "converged"
    assert est.best_validation_score_ == max(est.validation_scores_)


def test_auto_validation_mode_by_backend():
    from rumelhart._estimator import policy

    rules = {"numpy": policy.NUMPY_AUTO, "torch": policy.TORCH_AUTO}

    def mode(task, family, n_samples=1000, **kwargs):
        return policy.validation_mode(
            "auto",
            n_samples,
            task,
            incremental=False,
            continuing=False,
            rules=rules[family],
            **kwargs,
        )

    for task in ["binary", "multiclass", "multilabel", "regression"]:
        assert mode(task, "torch") == "holdout"
        assert mode(task, "numpy") == policy.AUTO.small_data_validation[task]
        assert mode(task, "torch", n_samples=50) == "off"  # 10 held out: too few
        assert mode(task, "torch", n_samples=10**5) == "holdout"
    # The torch classifier's tenth below 500 rows (12 to 50 rows) cannot
    # tell epochs apart: its decayed training loss decides there.
    for task in ["binary", "multiclass", "multilabel"]:
        assert mode(task, "torch", n_samples=499) == "off"
        assert mode(task, "torch", n_samples=500) == "holdout"
        assert mode(task, "torch", n_samples=499, given=True) == "holdout"
    assert mode("regression", "torch", n_samples=499) == "holdout"
    assert mode("reconstruction", "torch") == "refit"  # the autoencoder's as before
    # ... from 10 held-out rows on: a paired test guards its start.
    for family in rules:
        assert mode("reconstruction", family, n_samples=60) == "refit"
        assert mode("reconstruction", family, n_samples=40) == "off"
        assert mode("regression", family, n_samples=60) == "off"
    # The regressors' log-link losses: the training loss decides below
    # 10,000 rows (a split, or X_val, still decides when asked for).
    for loss, family in itertools.product(["poisson", "gamma"], rules):
        for n_samples in [1000, 3000]:
            assert mode("regression", family, n_samples, loss=loss) == "off"
        assert mode("regression", family, 10**4, loss=loss) == "holdout"
        assert mode("regression", family, given=True, loss=loss) == "holdout"
    assert mode("regression", "torch", 3000, loss="squared_error") == "holdout"
    assert mode("regression", "numpy", 3000, loss="quantile") == "holdout"


@pytest.mark.skipif(not HAS_TORCH, reason="torch")
def test_torch_classifier_holds_out_a_split_from_500_rows_at_the_defaults():
    from rumelhart import TorchMLPClassifier

    X, y = make_classification(n_samples=600, random_state=0)
    clf = TorchMLPClassifier((8,), max_iter=20, device="cpu", random_state=0)
    small = clone(clf).fit(X[:499], y[:499])
    assert small.validation_scores_ is None  # all rows trained
    large = clone(clf).fit(X, y)
    assert len(large.validation_scores_) == large.n_iter_


@pytest.mark.skipif(not HAS_TORCH, reason="torch")
def test_torch_classifier_converges_on_small_noisy_data_at_the_defaults():
    # Below 500 rows it follows its training loss, whose noise on the
    # plateau beats a tol of 1e-4 (500 epochs, max_iter); "auto" is 1e-3.
    from rumelhart import TorchMLPClassifier

    X, y = make_moons(480, noise=0.3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = TorchMLPClassifier(device="cpu", random_state=0).fit(X, y)
    assert clf.stop_reason_ == "converged"
    assert clf.n_iter_ < 250


@pytest.mark.parametrize("loss", ["poisson", "gamma"])
@pytest.mark.parametrize("cls", REGRESSORS)
def test_log_link_trains_on_all_rows_at_the_defaults(cls, loss):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2500, 3))
    y = rng.poisson(np.exp(0.5 * X[:, 0])) + (loss == "gamma")
    reg = fast(cls, loss=loss, max_iter=3).fit(X, y)
    assert reg.validation_scores_ is None and reg.t_ == 3 * 2500


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_failed_refit_leaves_estimator_unchanged(cls, blobs):
    X, y = blobs
    est = fast(cls, max_iter=20).fit(X, y)
    before = {k: v for k, v in vars(est).items()}
    prediction = est.predict(X)
    with pytest.raises(ValueError, match="NaN"):
        est.fit(np.full((5, 7), np.nan), np.arange(5))
    assert est.n_features_in_ == X.shape[1]
    assert vars(est).keys() == before.keys()
    np.testing.assert_array_equal(est.predict(X), prediction)


# -- 5. what the loop is given ------------------------------------------------------
def _captured(function):
    """Objects a function carries: a bound ``self``, a partial's arguments,
    the cells of its closure."""
    carried = [getattr(function, "__self__", None)]
    if isinstance(function, functools.partial):
        carried += [function.func, *function.args, *function.keywords.values()]
    closure = getattr(function, "__closure__", None) or ()
    carried += [cell.cell_contents for cell in closure]
    return carried


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_validation_gets_arrays_and_plain_functions(cls, monkeypatch):
    """The held-out split reaches the loop as arrays and two plain functions
    of (outputs, Y, sample_weight): no estimator method, no estimator inside."""
    from rumelhart import _training

    seen, measure = [], _training.Validation.measure

    def spy(self, engine):
        seen.append(self)
        return measure(self, engine)

    monkeypatch.setattr(_training.Validation, "measure", spy)
    X, y = dataset(cls)
    est = fast(cls, early_stopping=True, max_iter=3, scoring=None).fit(X, y)
    assert len(seen) == est.n_iter_
    for function in (seen[0].score, seen[0].loss):
        assert not inspect.ismethod(function)
        assert not any(isinstance(c, BaseEstimator) for c in _captured(function))
    assert isinstance(seen[0].X, np.ndarray) and isinstance(seen[0].Y, np.ndarray)
    # The score is the task's metric (an independent oracle) at the weights
    # kept, the best epoch's.
    validation = seen[-1]
    outputs = est._engine.predict(validation.X)
    if is_classifier(cls):
        expected = accuracy_score(validation.Y[:, 0] > 0.5, outputs[:, 0] > 0.5)
    else:
        expected = r2_score(validation.Y, outputs)
    score = validation.score(outputs, validation.Y, validation.sample_weight)
    assert score == pytest.approx(expected)
    assert est.best_validation_score_ == pytest.approx(expected)


# -- validation rows of one's own (fit's X_val) and scoring ----------------------
class ValidationSnapshots(Callback):
    """Predictions on given rows at every epoch, with the weights of that epoch."""

    key = "snapshots"

    def __init__(self, X):
        self.X = X
        self.predictions = []

    def on_epoch_end(self, context):
        self.predictions.append(np.asarray(context.predict(self.X)))

    def records(self):
        return self.predictions


class HandScore(Callback):
    """``context.score`` of given rows at every epoch: validation by hand."""

    key = "hand_score"

    def __init__(self, X, y):
        self.X, self.y, self.scores = X, y, []

    def on_epoch_end(self, context):
        self.scores.append(context.score(self.X, self.y))

    def records(self):
        return self.scores


def _shifted_regression():
    """Training rows on [-1, 1]; validation rows from [1, 2], where the
    fit of the training range extrapolates."""
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, (300, 2))
    y = np.sin(3 * X[:, 0]) + 0.3 * rng.randn(300)
    X_val = rng.uniform(1, 2, (100, 2))
    return X, y, X_val, np.sin(3 * X_val[:, 0])


def _long_patience(cls, **params):
    """Early stopping that runs every epoch (to compare whole curves)."""
    est = fast(cls, max_iter=40, n_iter_no_change=40, early_stopping=True)
    return est.set_params(**{"scoring": None, **params})


@pytest.mark.parametrize("cls", [RumelhartRegressor, *TORCH_REGRESSORS])
def test_given_validation_rows_and_only_they_drive_early_stopping(cls):
    X, y, X_val, y_val = _shifted_regression()
    hand = HandScore(X_val, y_val)
    est = _long_patience(cls, callbacks=[hand], max_iter=60, n_iter_no_change=60)
    est.fit(X, y, X_val=X_val, y_val=y_val)
    without = _long_patience(cls, max_iter=60, n_iter_no_change=60).fit(X, y)
    # The recorded scores are the R² of X_val computed by hand, epoch by epoch...
    np.testing.assert_allclose(est.validation_scores_, est.history_["hand_score"])
    # ... which choose another epoch than a split of X does,
    best = int(np.argmax(est.validation_scores_))
    assert best != int(np.argmax(without.validation_scores_))
    # and every row of X trains (no validation_fraction carved out).
    assert est.t_ == est.n_iter_ * len(X)
    assert without.t_ == without.n_iter_ * (len(X) - round(0.1 * len(X)))


def _imbalanced():
    X, y = make_classification(
        600, n_features=6, weights=[0.9], flip_y=0.05, class_sep=0.6, random_state=0
    )
    return X[:400], y[:400], X[400:], y[400:]


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_scoring_f1_chooses_and_restores_its_own_best_epoch(cls):
    from sklearn.metrics import f1_score

    X, y, X_val, y_val = _imbalanced()
    params = {"lr": 0.01, "optimizer": "adam"} if is_torch(cls) else {}
    f1 = _long_patience(
        cls, scoring="f1", callbacks=[ValidationSnapshots(X_val)], **params
    ).fit(X, y, X_val=X_val, y_val=y_val)
    by_loss = _long_patience(cls, scoring="loss", **params).fit(
        X, y, X_val=X_val, y_val=y_val
    )
    snapshots = f1.history_["snapshots"]
    # The recorded scores are the F1 of each epoch's predictions (greater is
    # better), on the same trajectory as the loss-driven fit.
    expected = [f1_score(y_val, p) for p in snapshots]
    np.testing.assert_allclose(f1.validation_scores_, expected)
    np.testing.assert_allclose(f1.validation_loss_, by_loss.validation_loss_)
    best_f1 = int(np.argmax(f1.validation_scores_))
    best_loss = int(np.argmin(by_loss.validation_loss_))
    assert best_f1 != best_loss
    # Each fit keeps the weights of its own best epoch.
    np.testing.assert_array_equal(f1.predict(X_val), snapshots[best_f1])
    np.testing.assert_array_equal(by_loss.predict(X_val), snapshots[best_loss])
    assert f1.best_validation_score_ == max(expected)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_scoring_loss_is_the_negated_validation_loss(cls):
    X, y = dataset(cls, n_samples=60)
    est = make(cls, scoring="loss", early_stopping=True).fit(X, y)
    np.testing.assert_allclose(est.validation_scores_, -np.array(est.validation_loss_))
    assert est.best_validation_score_ == -min(est.validation_loss_)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_scoring_defaults_to_the_negated_loss_but_for_classifiers(cls):
    X, y = dataset(cls, n_samples=60)
    default = make(cls, early_stopping=True).fit(X, y)
    scores, losses = default.validation_scores_, -np.array(default.validation_loss_)
    if not is_classifier(cls):
        np.testing.assert_allclose(scores, losses)
        return
    # Classifiers: the loss at its best temperature, never above the loss.
    assert np.all(np.array(scores) >= losses - 1e-12)
    assert not np.allclose(scores, losses)


class OutputSnapshots(Callback):
    """The network's outputs (probabilities) on given rows at every epoch."""

    key = "outputs"

    def __init__(self, X):
        self.X, self.outputs = X, []

    def on_epoch_end(self, context):
        self.outputs.append(np.asarray(context.engine.predict(self.X), np.float64))

    def records(self):
        return self.outputs


def _log_loss_at_best_temperature(outputs, y):
    """Oracle: scikit-learn's log loss of the logits divided by temperatures
    from 1/100 to 100 (a grid of 401, then 201 around its best), the
    smallest."""
    from scipy.special import expit, softmax
    from sklearn.metrics import log_loss

    binary = outputs.shape[1] == 1
    logits = np.log(outputs) - np.log1p(-outputs) if binary else np.log(outputs)

    def loss(log_t):
        z = logits / np.exp(log_t)
        proba = expit(z[:, 0]) if binary else softmax(z, axis=1)
        return log_loss(y, proba, labels=np.unique(y))

    coarse = np.linspace(np.log(0.01), np.log(100.0), 401)
    best = coarse[np.argmin([loss(t) for t in coarse])]
    step = coarse[1] - coarse[0]
    return min(loss(t) for t in np.linspace(best - step, best + step, 201))


@pytest.mark.parametrize("centers", [2, 3])
@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_calibrated_loss_is_the_log_loss_at_the_best_temperature(cls, centers):
    X, y = make_blobs(150, centers=centers, n_features=3, random_state=1)
    X_fit, y_fit, X_val, y_val = X[:100], y[:100], X[100:], y[100:]
    est = make(
        cls, scoring="calibrated_loss", callbacks=[OutputSnapshots(X_val)]
    ).set_params(early_stopping=True, max_iter=4)
    est.fit(X_fit, y_fit, X_val=X_val, y_val=y_val)
    expected = [
        -_log_loss_at_best_temperature(o, y_val) for o in est.history_["outputs"]
    ]
    np.testing.assert_allclose(est.validation_scores_, expected, rtol=1e-4)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_scoring_none_is_the_estimators_own_score(cls):
    X, y = dataset(cls, n_samples=60)
    named = make(cls, early_stopping=True, scoring=None).fit(X, y)
    # A scorer name on a split of X scores the same rows with the same
    # weights as the built-in score ("accuracy" / "r2").
    name = "accuracy" if is_classifier(cls) else "r2"
    scored = make(cls, early_stopping=True, scoring=name).fit(X, y)
    np.testing.assert_allclose(scored.validation_scores_, named.validation_scores_)


def _autoencoders():
    from rumelhart import RumelhartAutoencoder

    if not HAS_TORCH:
        return [RumelhartAutoencoder]
    from rumelhart import TorchAutoencoder

    return [RumelhartAutoencoder, TorchAutoencoder]


@pytest.mark.parametrize("cls", ESTIMATORS + _autoencoders())
def test_every_estimator_takes_validation_rows(cls):
    X, y = dataset(cls, n_samples=60)
    X_val, y_val = X[:20] + 0.5, y[:20]
    weights = np.linspace(0.5, 1.5, 20)
    hand = HandScore(X_val, None if cls in _autoencoders() else y_val)
    est = make(cls, callbacks=[hand], scoring="r2" if cls in REGRESSORS else None)
    est.fit(X, y, X_val=X_val, y_val=y_val, sample_weight_val=weights)
    assert len(est.validation_scores_) == est.n_iter_
    assert est.t_ == est.n_iter_ * len(X)
    if cls in _autoencoders():  # score = -MSE of reconstruction, unweighted here
        return
    weighted = make(cls, scoring="r2" if cls in REGRESSORS else None)
    weighted.fit(X, y, X_val=X_val, y_val=y_val)
    assert est.validation_loss_ != weighted.validation_loss_  # the weights count


def test_partial_fit_refuses_validation_rows():
    X, y = dataset(RumelhartClassifier)
    with pytest.raises(TypeError, match="unexpected keyword argument 'X_val'"):
        RumelhartClassifier().partial_fit(X, y, classes=[0, 1], X_val=X, y_val=y)
