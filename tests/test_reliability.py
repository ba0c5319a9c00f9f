"""Reliability (issue 7): every call ends in a correct result or a clear error.

Never a crash deep inside NumPy or torch, never a silent NaN, never a fitted
estimator left half-changed. Sections:

1. bad inputs: a matrix of estimator x case, with the exact error type and a
   message that says what to fix, checked on a new and on a fitted estimator
   (which must be left exactly as it was);
2. divergence: detected the epoch it happens; early stopping keeps the best
   finite weights;
3. determinism: bit-identical fits across processes, global random states
   untouched;
4. interruption: Ctrl-C keeps the weights reached so far, consistently;
5. persistence: pickle, joblib, a GPU pickle loaded without CUDA, skops.
"""

import copy
import os
import pickle
import random
import re
import subprocess
import sys
from dataclasses import dataclass, field

import numpy as np
import pytest
from sklearn.datasets import make_blobs
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from rumelhart.callbacks import Callback, ParamScheduler
from rumelhart.exceptions import DivergenceError, TrainingInterruptedWarning

from .conftest import (
    ESTIMATORS,
    N_FEATURES,
    N_SAMPLES,
    REGRESSORS,
    TORCH_CLASSIFIERS,
    TORCH_REGRESSORS,
    check_finite_result,
    dataset,
    engine_weights,
    fitted,
    fitted_state,
    is_classifier,
    is_torch,
    lr_name,
    make,
    outcome,
    outputs_of,
    state_of,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


# -- 1. the bad-input matrix ------------------------------------------------------
@dataclass
class Case:
    """One bad call: ``call(est, X, y)`` must raise ``error`` matching ``match``.

    ``params`` are set on the estimator first. ``when`` says on which
    estimators the call is made: "both" (a new one and a fitted one),
    "new" or "fitted". ``applies(cls)`` selects the estimator classes.
    """

    id: str
    call: object
    error: type
    match: str
    params: dict = field(default_factory=dict)
    when: str = "both"
    applies: object = lambda cls: True


def fit_with(X=None, y=None, **kwargs):
    """A call that fits, replacing X and/or y (functions of the good ones)."""

    def call(est, X0, y0):
        est.fit(
            X0 if X is None else X(X0),
            y0 if y is None else y(y0),
            **{k: v(X0) if callable(v) else v for k, v in kwargs.items()},
        )

    return call


def with_value(a, index, value, dtype=float):
    a = np.array(a, dtype=dtype)
    a.flat[index] = value
    return a


def weights(values):
    """sample_weight from the good X: ``values(n_samples)``."""
    return lambda X: values(len(X))


CLF = is_classifier


def REG(cls):
    return not is_classifier(cls)


def NUMPY(cls):
    return not is_torch(cls)


TORCH = is_torch


def CUDA_ABSENT(cls):
    return is_torch(cls) and not _cuda_available()


def _cuda_available():
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


def _frame(X, columns):
    pd = pytest.importorskip("pandas")
    return pd.DataFrame(X, columns=columns)


DATA_CASES = [
    # X: missing, infinite, empty, of the wrong type or shape.
    Case(
        "X NaN",
        fit_with(X=lambda X: with_value(X, 4, np.nan)),
        ValueError,
        "Input X contains NaN",
    ),
    Case(
        "X inf",
        fit_with(X=lambda X: with_value(X, 4, np.inf)),
        ValueError,
        "Input X contains infinity",
    ),
    Case(
        "X -inf",
        fit_with(X=lambda X: with_value(X, 0, -np.inf)),
        ValueError,
        "Input X contains infinity",
    ),
    Case(
        "X empty",
        fit_with(X=lambda X: X[:0], y=lambda y: y[:0]),
        ValueError,
        r"Found array with 0 sample\(s\)",
    ),
    Case(
        "X no feature",
        fit_with(X=lambda X: X[:, :0]),
        ValueError,
        r"Found array with 0 feature\(s\)",
    ),
    Case(
        "X strings",
        fit_with(X=lambda X: X.astype(str).astype(object) + "x"),
        ValueError,
        "X must hold numbers",
    ),
    Case(
        "X object with a string",
        fit_with(X=lambda X: with_value(X, 5, "seven", dtype=object)),
        ValueError,
        "X must hold numbers",
    ),
    Case(
        "X dicts",
        fit_with(X=lambda X: [[{"a": 1}] * 3] * len(X)),
        TypeError,
        "X must hold numbers",
    ),
    Case(
        "X complex",
        fit_with(X=lambda X: X + 1j),
        ValueError,
        "Complex data not supported",
    ),
    Case(
        "X 3-D",
        fit_with(X=lambda X: X.reshape(len(X), N_FEATURES, 1)),
        ValueError,
        "Found array with dim 3",
    ),
    Case("X 1-D", fit_with(X=lambda X: X[:, 0]), ValueError, "Expected 2D array"),
    Case("X None", fit_with(X=lambda X: None), ValueError, "Expected 2D array"),
    Case(
        "X ragged",
        fit_with(X=lambda X: [[1.0, 2.0], [3.0]] * (len(X) // 2)),
        ValueError,
        "inhomogeneous shape",
    ),
    Case(
        "X and y lengths differ",
        fit_with(y=lambda y: y[:-1]),
        ValueError,
        "inconsistent numbers of samples",
    ),
    Case(
        "X pandas string column",
        fit_with(X=lambda X: _frame(X, list("abc")).assign(b="text")),
        ValueError,
        "X must hold numbers",
    ),
    Case(
        "X pandas mixed column names",
        fit_with(X=lambda X: _frame(X, ["a", 1, "c"])),
        TypeError,
        "Feature names are only supported if all input features have string",
    ),
    # y: missing, infinite, of the wrong kind for the task.
    Case(
        "y NaN",
        fit_with(y=lambda y: with_value(y, 3, np.nan)),
        ValueError,
        "Input y contains NaN",
    ),
    Case(
        "y inf",
        fit_with(y=lambda y: with_value(y, 3, np.inf)),
        ValueError,
        "Input y contains infinity",
    ),
    Case(
        "one sample",
        fit_with(X=lambda X: X[:1], y=lambda y: y[:1]),
        ValueError,
        "needs samples of at least 2 classes",
        applies=CLF,
    ),
    Case(
        "one class",
        fit_with(y=lambda y: np.zeros_like(y)),
        ValueError,
        "needs samples of at least 2 classes; got only one class",
        applies=CLF,
    ),
    Case(
        "continuous y to a classifier",
        fit_with(y=lambda y: y + 0.5),
        ValueError,
        "Unknown label type: continuous",
        applies=CLF,
    ),
    Case(
        "y 2-D of labels to a classifier",
        fit_with(y=lambda y: np.c_[y, y + 2]),
        ValueError,
        "must be a multi-label indicator matrix",
        applies=CLF,
    ),
    Case(
        "labels of mixed kinds",
        fit_with(y=lambda y: np.array([1 if v else "zero" for v in y], object)),
        ValueError,
        "Unknown label type: y must hold class labels of one kind",
        applies=CLF,
    ),
    Case(
        "y strings to a regressor",
        fit_with(y=lambda y: np.where(y > 0, "high", "low")),
        ValueError,
        "y must hold numbers",
        applies=REG,
    ),
    Case(
        "y 3-D",
        fit_with(y=lambda y: np.zeros((len(y), 2, 2))),
        ValueError,
        "Found array with dim 3",
        applies=REG,
    ),
    Case(
        "y too large to standardise",
        fit_with(y=lambda y: np.where(np.arange(len(y)) == 0, -1.7e308, 1.7e308)),
        ValueError,
        "y is too large to standardise",
        applies=REG,
    ),
    # sample_weight.
    Case(
        "sample_weight negative",
        fit_with(sample_weight=weights(lambda n: np.r_[-1.0, np.ones(n - 1)])),
        ValueError,
        "Negative values in data passed to `sample_weight`",
    ),
    Case(
        "sample_weight all zero",
        fit_with(sample_weight=weights(np.zeros)),
        ValueError,
        "Sample weights must contain at least one non-zero number",
    ),
    Case(
        "sample_weight wrong length",
        fit_with(sample_weight=weights(lambda n: np.ones(n - 1))),
        ValueError,
        rf"sample_weight.shape == \({N_SAMPLES - 1},\), expected "
        rf"\({N_SAMPLES},\)",
    ),
    Case(
        "sample_weight NaN",
        fit_with(sample_weight=weights(lambda n: with_value(np.ones(n), 2, np.nan))),
        ValueError,
        "Input sample_weight contains NaN",
    ),
    Case(
        "sample_weight inf",
        fit_with(sample_weight=weights(lambda n: with_value(np.ones(n), 2, np.inf))),
        ValueError,
        "Input sample_weight contains infinity",
    ),
    Case(
        "sample_weight 2-D",
        fit_with(sample_weight=weights(lambda n: np.ones((n, 1)))),
        ValueError,
        "Sample weights must be 1D array or scalar",
    ),
    Case(
        "sample_weight strings",
        fit_with(sample_weight=weights(lambda n: np.array(["heavy"] * n))),
        ValueError,
        "sample_weight must hold numbers",
    ),
    Case(
        "sample_weight overflowing with reduction='sum'",
        fit_with(sample_weight=weights(lambda n: np.full(n, 1e308))),
        ValueError,
        r"sample_weight sums to inf.*reduction='sum'",
        params={"reduction": "sum"},
        applies=NUMPY,
    ),
    Case(
        "early stopping on zero-weight samples",
        fit_with(sample_weight=weights(lambda n: np.eye(n)[0])),
        ValueError,
        "every sample of the (training|validation) split .* has sample_weight zero",
        params={"early_stopping": True, "validation_fraction": 0.2},
    ),
    # class_weight.
    Case(
        "class_weight negative",
        fit_with(),
        ValueError,
        "class_weight must map labels to finite, non-negative numbers; got -1",
        params={"class_weight": {0: -1, 1: 1}},
        applies=CLF,
    ),
    Case(
        "class_weight NaN",
        fit_with(),
        ValueError,
        "class_weight must map labels to finite, non-negative numbers; got nan",
        params={"class_weight": {0: np.nan, 1: 1}},
        applies=CLF,
    ),
    Case(
        "class_weight string value",
        fit_with(),
        ValueError,
        "class_weight must map labels to finite, non-negative numbers; got 'a'",
        params={"class_weight": {0: "a", 1: 1}},
        applies=CLF,
    ),
    Case(
        "class_weight all zero",
        fit_with(),
        ValueError,
        "sample_weight times class_weight must have a positive sum",
        params={"class_weight": {0: 0, 1: 0}},
        applies=CLF,
    ),
    Case(
        "class_weight unknown label",
        fit_with(),
        ValueError,
        r"class_weight names labels that are not in y: \[5\]",
        params={"class_weight": {0: 1, 5: 2}},
        applies=CLF,
    ),
    # Incremental learning and warm starts.
    Case(
        "partial_fit without classes",
        lambda est, X, y: est.partial_fit(X, y),
        ValueError,
        "classes must be passed on the first call to partial_fit",
        when="new",
        applies=CLF,
    ),
    Case(
        "partial_fit with a new label",
        lambda est, X, y: (
            est.partial_fit(X, y + 5, classes=[0, 1])
            if not hasattr(est, "classes_")
            else est.partial_fit(X, y + 5)
        ),
        ValueError,
        r"y contains labels not seen before: \[5, 6\]",
        applies=CLF,
    ),
    Case(
        "partial_fit with new classes",
        lambda est, X, y: est.partial_fit(X, y, classes=[0, 1, 2]),
        ValueError,
        r"classes=\[0, 1, 2\] differs from the classes of the first call",
        when="fitted",
        applies=CLF,
    ),
    Case(
        "partial_fit with unsortable classes",
        lambda est, X, y: est.partial_fit(X, y, classes=[0, None]),
        TypeError,
        "classes must be labels of one kind",
        applies=CLF,
    ),
    Case(
        "partial_fit with class_weight='balanced'",
        lambda est, X, y: est.partial_fit(X, y, classes=[0, 1]),
        ValueError,
        "class_weight='balanced' needs the whole training set",
        params={"class_weight": "balanced"},
        applies=CLF,
    ),
    Case(
        "partial_fit with more outputs",
        lambda est, X, y: est.partial_fit(X, np.c_[y, y]),
        ValueError,
        "y has 2 outputs but the regressor was fitted with 1",
        when="fitted",
        applies=REG,
    ),
    Case(
        "partial_fit with fewer features",
        lambda est, X, y: est.partial_fit(X[:, :2], y),
        ValueError,
        "X has 2 features, but .* is expecting 3 features",
        when="fitted",
    ),
    Case(
        "warm start with a new label",
        fit_with(y=lambda y: y + 5),
        ValueError,
        "y contains labels not seen before",
        params={"warm_start": True},
        when="fitted",
        applies=CLF,
    ),
    Case(
        "warm start with fewer features",
        fit_with(X=lambda X: X[:, :2]),
        ValueError,
        "X has 2 features, but .* is expecting 3 features",
        params={"warm_start": True},
        when="fitted",
    ),
]


def predicting(method, X):
    return lambda est, X0, y0: getattr(est, method)(X(X0))


PREDICT_CASES = [
    Case(
        "predict with fewer features",
        predicting("predict", lambda X: X[:, :2]),
        ValueError,
        "X has 2 features, but .* is expecting 3 features",
        when="fitted",
    ),
    Case(
        "predict with more features",
        predicting("predict", lambda X: np.c_[X, X]),
        ValueError,
        "X has 6 features, but .* is expecting 3 features",
        when="fitted",
    ),
    Case(
        "predict_proba with fewer features",
        predicting("predict_proba", lambda X: X[:, :2]),
        ValueError,
        "X has 2 features",
        when="fitted",
        applies=CLF,
    ),
    Case(
        "score with fewer features",
        lambda est, X, y: est.score(X[:, :2], y),
        ValueError,
        "X has 2 features",
        when="fitted",
    ),
    Case(
        "predict NaN",
        predicting("predict", lambda X: with_value(X, 1, np.nan)),
        ValueError,
        "Input X contains NaN",
        when="fitted",
    ),
    Case(
        "predict strings",
        predicting("predict", lambda X: np.full(X.shape, "a")),
        ValueError,
        "X must hold numbers",
        when="fitted",
    ),
    Case(
        "predict complex",
        predicting("predict", lambda X: X + 1j),
        ValueError,
        "Complex data not supported",
        when="fitted",
    ),
    Case(
        "predict 3-D",
        predicting("predict", lambda X: X[:, :, None]),
        ValueError,
        "Found array with dim 3",
        when="fitted",
    ),
    Case(
        "predict empty",
        predicting("predict", lambda X: X[:0]),
        ValueError,
        r"Found array with 0 sample\(s\)",
        when="fitted",
    ),
    Case(
        "predict before fit",
        predicting("predict", lambda X: X),
        NotFittedError,
        "is not fitted yet",
        when="new",
    ),
    Case(
        "predict_proba before fit",
        predicting("predict_proba", lambda X: X),
        NotFittedError,
        "is not fitted yet",
        when="new",
        applies=CLF,
    ),
    Case(
        "predict_log_proba before fit",
        predicting("predict_log_proba", lambda X: X),
        NotFittedError,
        "is not fitted yet",
        when="new",
        applies=CLF,
    ),
    Case(
        "score before fit",
        lambda est, X, y: est.score(X, y),
        NotFittedError,
        "is not fitted yet",
        when="new",
    ),
]


def invalid(name, value, cls_filter=lambda cls: True, match=None, error=None):
    """A parameter value that fit must refuse, naming the parameter."""
    return Case(
        f"{name}={value!r}",
        fit_with(),
        error or InvalidParameterError,
        match or rf"The '{name}' parameter of \w+ must be",
        params={name: value},
        applies=cls_filter,
    )


NAN, INF = float("nan"), float("inf")
HIDDEN = "hidden_layer_sizes must hold positive integers"
PARAM_CASES = [
    *[invalid("eps", v, NUMPY) for v in (-1.0, 0, NAN, INF, "0.1", None)],
    *[invalid("alpha", v, NUMPY) for v in (-0.1, 1, 1.5, NAN, INF, 1e300, "0.9")],
    *[invalid("weight_decay", v, NUMPY) for v in (-0.1, 1, NAN, INF, 1e300)],
    *[invalid("init_range", v, NUMPY) for v in (-1.0, NAN, INF, "0.3")],
    *[invalid("lr", v, TORCH) for v in (-1.0, 0, NAN, INF, "0.1", None)],
    *[invalid("momentum", v, TORCH) for v in (-0.1, 1, NAN, INF, 1e300)],
    *[invalid("weight_decay", v, TORCH) for v in (-1.0, NAN, INF, "0")],
    *[invalid("batch_size", v) for v in (-1, 0, NAN, INF, 1.5, 1e300, "10")],
    *[invalid("max_iter", v) for v in (-1, 0, NAN, INF, 1.5, 1e300, "10", None)],
    *[invalid("tol", v) for v in (-1.0, NAN, INF, "0", None)],
    *[invalid("n_iter_no_change", v) for v in (-1, 0, NAN, INF, 2.5, 1e300)],
    *[invalid("validation_fraction", v) for v in (-0.1, 0, 1, 1.5, NAN, INF)],
    *[invalid("hidden_layer_sizes", v) for v in (0, -1, 2.5, NAN, INF, "5", None)],
    *[
        invalid("hidden_layer_sizes", v, match=HIDDEN, error=ValueError)
        for v in ((0,), (-2,), (5, 0), (2.5,), (NAN,), ("5",), (True,), (5, None))
    ],
    # Unknown strings for every option.
    *[invalid("loss", v, CLF) for v in ("bogus", "", "log-loss", 3)],
    *[invalid("reduction", v, NUMPY) for v in ("bogus", "Mean")],
    *[invalid("activation", v, TORCH) for v in ("bogus", "ReLU", "softmax")],
    *[invalid("optimizer", v, TORCH) for v in ("bogus", "Adam", "lbfgs")],
    *[invalid("lr_schedule", v, TORCH) for v in ("bogus", "linear")],
    *[invalid("class_weight", v, CLF) for v in ("bogus", "Balanced", 3)],
    *[invalid("dtype", v, TORCH) for v in ("bogus", "float16", "int32", 3)],
    *[
        invalid("dtype", v, TORCH, "dtype must be float32 or float64", ValueError)
        for v in (np.float16, np.int64, np.dtype("complex128"))
    ],
    *[
        invalid("device", v, TORCH, r"names no torch device; use 'auto'", ValueError)
        for v in ("bogus", "", "CPU", "gpu", "cuda:x")
    ],
    invalid("device", 3, TORCH),
    *[
        invalid("device", v, CUDA_ABSENT, "CUDA is not available", RuntimeError)
        for v in ("cuda", "cuda:7")
    ],
    invalid("random_state", "bogus"),
    invalid("shuffle", "yes"),
    invalid("early_stopping", "yes"),
    invalid("callbacks", "bogus"),
    invalid(
        "callbacks", [object()], match="callbacks must be rumelhart", error=TypeError
    ),
    invalid("module", "bogus", TORCH),
]

ALL_CASES = DATA_CASES + PREDICT_CASES + PARAM_CASES


def _matrix(cases):
    return [
        pytest.param(cls, case, id=f"{cls.__name__}-{case.id}")
        for case in cases
        for cls in ESTIMATORS
        if case.applies(cls)
    ]


BAD_INPUT_MATRIX = _matrix(ALL_CASES)


@pytest.mark.parametrize(("cls", "case"), BAD_INPUT_MATRIX)
def test_bad_input_is_refused_clearly_and_changes_nothing(cls, case):
    X, y = dataset(cls)
    if case.when in ("both", "new"):
        est = make(cls).set_params(**case.params)
        before = vars(est).copy()
        with pytest.raises(case.error, match=case.match):
            case.call(est, X, y)
        assert vars(est) == before  # still unfitted: its parameters only
    if case.when in ("both", "fitted"):
        est = fitted(cls)
        prediction = outputs_of(est, X)
        before = state_of(est)
        est.set_params(**case.params)
        with pytest.raises(case.error, match=case.match):
            case.call(est, X, y)
        after = state_of(est)
        for name in case.params:  # set by the user, not by the failed call
            before.pop(name), after.pop(name)
        np.testing.assert_equal(after, before)
        np.testing.assert_array_equal(outputs_of(est, X), prediction)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_unseen_feature_names_are_refused_and_change_nothing(cls):
    X, y = dataset(cls)
    frame = _frame(X, ["a", "b", "c"])
    est = make(cls).fit(frame, y)
    prediction, before = outputs_of(est, frame), state_of(est)
    with pytest.raises(ValueError, match="Feature names unseen at fit time:\n- d"):
        est.predict(_frame(X, ["a", "b", "d"]))
    with pytest.raises(ValueError, match="Feature names unseen at fit time:\n- d"):
        est.partial_fit(_frame(X, ["a", "b", "d"]), y)
    np.testing.assert_equal(state_of(est), before)
    np.testing.assert_array_equal(outputs_of(est, frame), prediction)


# -- legal inputs, extreme or degenerate: a correct result -----------------------
@pytest.mark.parametrize("cls", ESTIMATORS)
def test_one_feature_gives_a_correct_model(cls):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(80, 1))
    y = (X[:, 0] > 0).astype(int) if is_classifier(cls) else 3 * X[:, 0] - 1
    params = dict(lr=0.05, max_iter=300) if is_torch(cls) else dict(max_iter=500)
    est = make(cls, hidden_layer_sizes=(8,), **params).fit(X, y)
    assert est.n_features_in_ == 1
    assert est.score(X, y) > 0.95
    check_finite_result(est, X)


@pytest.mark.parametrize("cls", REGRESSORS)
def test_degenerate_regression_targets(cls):
    X, y = dataset(cls)
    one = make(cls).fit(X[:1], y[:1])  # one sample: its target, whatever X
    np.testing.assert_allclose(one.predict(X[:1]), y[:1], rtol=0.05)
    constant = make(cls).fit(X, np.full(len(X), 7.0))
    np.testing.assert_allclose(constant.predict(X), 7.0, rtol=0.05)


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("scale", [1e307, 1e300, 1e-300, 1e-310])
def test_extreme_weight_scales_change_nothing(cls, scale):
    """With a mean loss only ratios of weights count, even when their sum
    overflows (1e307) or is too small to divide by (1e-310)."""
    X, y = dataset(cls)
    reference = make(cls).fit(X, y)
    weighted = make(cls).fit(X, y, sample_weight=np.full(len(X), scale))
    np.testing.assert_allclose(
        outputs_of(weighted, X), outputs_of(reference, X), rtol=1e-6
    )
    np.testing.assert_allclose(weighted.loss_curve_, reference.loss_curve_, rtol=1e-6)


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize(
    ("dtype", "tiny"), [(np.float32, 1e-42), (np.float64, 5e-324)], ids=["32", "64"]
)
def test_batch_of_subnormal_weights_trains_like_equal_weights(cls, dtype, tiny):
    """A mini-batch whose weights are all equal is averaged as if unweighted,
    even when they are subnormal and 1/total overflows the dtype. (The two
    halves hold the same rows, so that the regressors' weighted target
    scaling is the unweighted one.)"""
    X, y = dataset(cls, n_samples=16)
    X, y = np.concatenate([X, X]).astype(dtype), np.concatenate([y, y])
    weights = np.ones(32, dtype)
    weights[:16] = tiny
    assert weights[0] > 0
    params = dict(batch_size=16, shuffle=False)
    reference = make(cls, **params).fit(X, y)
    weighted = make(cls, **params).fit(X, y, sample_weight=weights)
    assert np.isfinite(weighted.loss_curve_).all()
    rtol = 1e-4 if dtype == np.float32 else 1e-9
    np.testing.assert_allclose(
        outputs_of(weighted, X), outputs_of(reference, X), rtol=rtol, atol=1e-6
    )


@pytest.mark.parametrize("cls", REGRESSORS)
@pytest.mark.parametrize("scale", [1e300, 1e-160, 1e-300])
def test_extreme_target_scales_change_nothing(cls, scale):
    """Standardised targets: squares that overflow or underflow do not matter."""
    X, y = dataset(cls)
    reference = make(cls).fit(X, y)
    scaled = make(cls).fit(X, scale * y)
    np.testing.assert_allclose(
        scaled.predict(X) / scale, reference.predict(X), rtol=1e-6
    )
    np.testing.assert_allclose(scaled.loss_curve_, reference.loss_curve_, rtol=1e-6)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_object_and_integer_inputs_equal_floats(cls):
    X, y = dataset(cls)
    X = np.round(X)
    reference = outputs_of(make(cls).fit(X, y), X)
    for variant in (X.astype(object), X.astype(int), X.tolist()):
        np.testing.assert_array_equal(
            outputs_of(make(cls).fit(variant, y), X), reference
        )


def _legal_extremes(cls):
    name = lr_name(cls)
    cases = [
        {name: 1e300},
        {name: 1e-300},
        {"batch_size": 1},
        {"batch_size": 10**9},
        {"max_iter": 1},
        {"tol": 0.0},
        {"tol": 1e300},
        {"n_iter_no_change": 10**9},
        {"tol": 1e300, "max_iter": 10**9},
        {"hidden_layer_sizes": ()},
        {"hidden_layer_sizes": (1, 1, 1)},
        {"early_stopping": True, "validation_fraction": 0.5},
    ]
    if is_torch(cls):
        cases += [
            {"lr": True, "weight_decay": True},  # bools are numbers (1)
            {"optimizer": "sgd", "lr": 1e300},
            {"optimizer": "sgd", "momentum": 0.0},
            {"optimizer": "sgd", "momentum": 0.999999},
            {"weight_decay": 1e300},
            {"optimizer": "sgd", "weight_decay": 1e300},
            {"lr_schedule": "onecycle", "lr": 1e300},
        ]
    else:
        cases += [
            {"eps": True, "alpha": False, "init_range": True},
            {"alpha": 0.0},
            {"alpha": 0.999999},
            {"weight_decay": 0.999999},
            {"init_range": 0.0},
            {"init_range": 1e300},
            {"reduction": "sum", "eps": 1e300},
        ]
    return cases


LEGAL_EXTREMES = [
    pytest.param(cls, params, id=f"{cls.__name__}-{params}")
    for cls in ESTIMATORS
    for params in _legal_extremes(cls)
]


@pytest.mark.parametrize(("cls", "params"), LEGAL_EXTREMES)
def test_legal_extreme_parameters_fit_or_report_divergence(cls, params):
    """A valid fit with finite predictions, or a DivergenceError naming the rate."""
    X, y = dataset(cls)
    est = make(cls, **params)
    _, error = outcome(lambda: est.fit(X, y), DivergenceError)
    if error is None:
        check_finite_result(est, X)
    else:
        pattern = rf"Training diverged at epoch \d+: .* {lr_name(cls)}="
        assert re.search(pattern, str(error))
        assert not hasattr(est, "n_iter_")


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("magnitude", [1e10, 1e300])
def test_huge_inputs_fit_or_explain(cls, magnitude):
    X, y = dataset(cls)
    est = make(cls)
    _, error = outcome(lambda: est.fit(X * magnitude, y), DivergenceError)
    if error is None:
        check_finite_result(est, X * magnitude)
    else:
        assert "The inputs are large" in str(error)
        assert "StandardScaler" in str(error)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_predictions_never_silently_overflow(cls):
    X, y = dataset(cls)
    # No hidden layer: inputs far outside the training range reach the
    # output units unsquashed.
    est = make(cls, hidden_layer_sizes=()).fit(X, y)
    for X_far in (X * 1e300, np.full((4, N_FEATURES), 1.7e308)):
        prediction, error = outcome(lambda X=X_far: outputs_of(est, X), ValueError)
        if error is None:
            assert np.isfinite(prediction).all()
        else:
            assert "outputs overflowed" in str(error)


def test_bad_input_matrix_size():
    """The number of bad-input cases (reported in the issue)."""
    n_fresh = sum(c.values[1].when in ("both", "new") for c in BAD_INPUT_MATRIX)
    n_fitted = sum(c.values[1].when in ("both", "fitted") for c in BAD_INPUT_MATRIX)
    print(
        f"\n{len(BAD_INPUT_MATRIX)} estimator x case items ({len(ALL_CASES)} cases): "
        f"{n_fresh} calls on new estimators, {n_fitted} on fitted ones; "
        f"{len(LEGAL_EXTREMES)} legal extremes"
    )
    assert len(BAD_INPUT_MATRIX) > 300


# -- 2. divergence ---------------------------------------------------------------
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


# -- 3. determinism --------------------------------------------------------------
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


# -- 4. interruption --------------------------------------------------------------
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
        est.fit(X, y)
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
        est.fit(X, y)
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


# -- 5. persistence ----------------------------------------------------------------
def _fit_for_persistence(cls):
    X, labels = make_blobs(n_samples=60, centers=3, n_features=4, random_state=1)
    y = labels if is_classifier(cls) else np.c_[X @ [1.0, 2, 3, 4], X[:, 0]]
    return (
        make(cls, hidden_layer_sizes=(6,), batch_size=16, max_iter=10).fit(X, y),
        X,
        y,
    )


def _assert_same_model(restored, est, X, y):
    np.testing.assert_array_equal(restored.predict(X), est.predict(X))
    if hasattr(est, "predict_proba"):
        np.testing.assert_array_equal(restored.predict_proba(X), est.predict_proba(X))
    assert restored.get_params().keys() == est.get_params().keys()
    assert restored.loss_curve_ == est.loss_curve_
    assert restored.n_iter_ == est.n_iter_
    # Training goes on identically from the copy and from the original.
    kwargs = {"classes": est.classes_} if is_classifier(type(est)) else {}
    restored.partial_fit(X, y, **kwargs)
    est.partial_fit(X, y, **kwargs)
    np.testing.assert_array_equal(outputs_of(restored, X), outputs_of(est, X))


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_pickle_round_trip(cls):
    est, X, y = _fit_for_persistence(cls)
    restored = pickle.loads(pickle.dumps(est))
    _assert_same_model(restored, est, X, y)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_joblib_round_trip(cls, tmp_path):
    joblib = pytest.importorskip("joblib")
    est, X, y = _fit_for_persistence(cls)
    path = tmp_path / "model.joblib"
    joblib.dump(est, path, compress=3)
    _assert_same_model(joblib.load(path), est, X, y)


@pytest.mark.parametrize("cls", [c for c in ESTIMATORS if is_torch(c)])
def test_estimator_pickled_on_gpu_loads_on_cpu_only_machine(cls, monkeypatch):
    """A pickle written after a CUDA fit, loaded where CUDA is unavailable."""
    torch = pytest.importorskip("torch")
    est, X, y = _fit_for_persistence(cls)
    expected = outputs_of(est, X)
    # What a CUDA fit leaves behind: the engine says "cuda:0" (its
    # __getstate__ already moves every tensor to the CPU).
    gpu_like = copy.deepcopy(est)
    gpu_like._engine.device = torch.device("cuda:0")
    gpu_like.device_ = "cuda:0"
    gpu_like.set_params(device="cuda")
    blob = pickle.dumps(gpu_like)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    restored = pickle.loads(blob)
    assert restored._engine.device.type == "cpu"
    assert all(p.device.type == "cpu" for p in restored.module_.parameters())
    for state in restored._engine.optimizer.state.values():
        assert all(v.device.type == "cpu" for v in state.values() if torch.is_tensor(v))
    assert restored.device_ == "cuda:0"  # where it was trained
    np.testing.assert_array_equal(outputs_of(restored, X), expected)
    # It keeps training on the CPU; a new fit on "cuda" says what is wrong
    # and leaves it as it was.
    kwargs = {"classes": restored.classes_} if is_classifier(cls) else {}
    restored.partial_fit(X, y, **kwargs)
    before = state_of(restored)
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        restored.fit(X, y)
    np.testing.assert_equal(state_of(restored), before)
    restored.set_params(device="cpu").fit(X, y)
    assert restored.device_ == "cpu"


def _skops():
    return pytest.importorskip("skops.io", reason="skops is not installed")


@pytest.mark.parametrize("cls", [c for c in ESTIMATORS if not is_torch(c)])
def test_skops_round_trip_of_numpy_estimators(cls, tmp_path):
    sio = _skops()
    est, X, y = _fit_for_persistence(cls)
    path = tmp_path / "model.skops"
    sio.dump(est, path)
    untrusted = sio.get_untrusted_types(file=path)
    # Only NumPy's dtype and rumelhart's own classes need trusting.
    assert all(
        name == "numpy.dtype" or name.startswith("rumelhart.") for name in untrusted
    ), untrusted
    assert f"rumelhart.rumelhart_mlp.{cls.__name__}" in untrusted
    from skops.io.exceptions import UntrustedTypesFoundException

    with pytest.raises(UntrustedTypesFoundException, match=r"[Uu]ntrusted"):
        sio.load(path)
    restored = sio.load(path, trusted=untrusted)
    _assert_same_model(restored, est, X, y)
