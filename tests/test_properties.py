"""Property-based tests (hypothesis) of fit and predict on random problems.

Over random shapes (1 to 60 samples, 1 to 8 features), input dtypes
(float32, float64, int), label sets (ints, strings, bools; 2 to 5 classes),
regression targets (1-D and 2-D), sample weights and parameter values, every
estimator either raises one of its documented errors, with its documented
message, or predicts: the right shape and dtype, labels from ``classes_``,
probabilities strictly inside (0, 1) summing to 1, never a NaN.

Profiles: ``RUMELHART_HYPOTHESIS_PROFILE=ci`` (default: few examples,
derandomized, no example database) or ``dev`` (more, random examples).
"""

import os
import re
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from rumelhart.exceptions import DivergenceError

from .conftest import CLASSIFIERS, REGRESSORS

settings.register_profile(
    "ci",
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile(
    "dev",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
# Applied per test, so that other test modules keep hypothesis' own defaults.
PROFILE = settings.get_profile(os.environ.get("RUMELHART_HYPOTHESIS_PROFILE", "ci"))

#: What fit may refuse for well-formed but degenerate problems, and why.
DOCUMENTED_ERRORS = re.compile(
    "|".join(
        [
            r"needs samples of at least 2 classes",  # one class in y
            r"early_stopping",  # too few samples to hold some out
            r"Training diverged at epoch \d+",  # DivergenceError
            r"Sample weights must contain at least one non-zero number",
            r"sample_weight .*must have a positive sum",
        ]
    )
)


def is_torch(cls):
    return cls.__name__.startswith("Torch")


# -- strategies ---------------------------------------------------------------------
@st.composite
def inputs(draw, max_samples=60):
    """An (n_samples, n_features) X of float32, float64 or int."""
    n_samples = draw(st.integers(1, max_samples))
    n_features = draw(st.integers(1, 8))
    dtype = draw(st.sampled_from([np.float64, np.float32, np.int64]))
    if dtype is np.int64:
        elements = st.integers(-50, 50)
    else:
        width = 32 if dtype is np.float32 else 64
        elements = st.floats(-50, 50, width=width, allow_subnormal=False)
    return draw(hnp.arrays(dtype, (n_samples, n_features), elements=elements))


@st.composite
def label_sets(draw):
    """2 to 5 distinct labels: ints, strings or bools."""
    kind = draw(st.sampled_from(["int", "str", "bool"]))
    if kind == "bool":
        return np.array([False, True])
    if kind == "int":
        values = st.integers(-1000, 1000)
    else:
        values = st.text(alphabet="abcxyz", min_size=1, max_size=4)
    return np.array(draw(st.lists(values, min_size=2, max_size=5, unique=True)))


@st.composite
def sample_weights(draw, n_samples):
    return draw(
        st.none()
        | hnp.arrays(
            np.float64,
            n_samples,
            elements=st.floats(0, 10, allow_subnormal=False),
        )
    )


@st.composite
def parameters(draw, cls):
    params = {
        "hidden_layer_sizes": draw(
            st.lists(st.integers(1, 8), min_size=0, max_size=2).map(tuple)
        ),
        "batch_size": draw(st.none() | st.integers(1, 64)),
        "max_iter": draw(st.integers(1, 4)),
        "early_stopping": draw(st.booleans()),
        "random_state": draw(st.integers(0, 2**31 - 1)),
    }
    if is_torch(cls):
        params["device"] = "cpu"
        params["lr"] = draw(st.floats(1e-4, 0.1))
        params["optimizer"] = draw(st.sampled_from(["adam", "sgd", "adamw"]))
    else:
        params["eps"] = draw(st.floats(0.01, 1.0))
        params["alpha"] = draw(st.floats(0.0, 0.95))
    return params


# -- checks ---------------------------------------------------------------------------
def fit_or_documented_error(est, X, y, sample_weight):
    """Fit; return False if it raised a documented error (and changed nothing)."""
    before = dict(vars(est))
    error = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning: max_iter is tiny
        try:
            est.fit(X, y, sample_weight=sample_weight)
        except (ValueError, TypeError, DivergenceError) as exc:
            error = exc
    if error is None:
        event("fitted")
        return True
    documented = DOCUMENTED_ERRORS.search(str(error))
    assert documented, f"undocumented: {error!r}"
    assert vars(est) == before, "a failed fit changed the estimator"
    event(f"refused: {documented[0]}")
    return False


def expected_output_dtype(X, est):
    if is_torch(type(est)) and est.dtype is not None:
        return np.dtype(est.dtype)
    return np.dtype(np.float32 if X.dtype == np.float32 else np.float64)


@st.composite
def classification_problems(draw):
    X = draw(inputs())
    labels = draw(label_sets())
    if draw(st.booleans()):  # every label in turn: all classes present if n allows
        codes = np.arange(len(X)) % len(labels)
    else:
        codes = draw(
            hnp.arrays(np.int64, len(X), elements=st.integers(0, len(labels) - 1))
        )
    return X, labels[codes], draw(sample_weights(len(X)))


@st.composite
def regression_problems(draw):
    X = draw(inputs())
    n_outputs = draw(st.sampled_from([None, 1, 2, 3]))  # None: a 1-D y
    shape = len(X) if n_outputs is None else (len(X), n_outputs)
    y = draw(
        hnp.arrays(
            np.float64, shape, elements=st.floats(-1e3, 1e3, allow_subnormal=False)
        )
    )
    return X, y, draw(sample_weights(len(X)))


@pytest.mark.parametrize("cls", CLASSIFIERS)
@PROFILE
@given(problem=classification_problems(), data=st.data())
def test_classifiers_predict_labels_and_probabilities(cls, problem, data):
    X, y, sample_weight = problem
    est = cls(**data.draw(parameters(cls)))
    if not fit_or_documented_error(est, X, y, sample_weight):
        return
    np.testing.assert_array_equal(est.classes_, np.unique(y))
    prediction = est.predict(X)
    assert prediction.shape == (len(X),)
    assert prediction.dtype == est.classes_.dtype
    assert np.isin(prediction, est.classes_).all()
    proba = est.predict_proba(X)
    assert proba.shape == (len(X), len(est.classes_))
    assert proba.dtype == expected_output_dtype(X, est)
    assert np.isfinite(proba).all()
    assert ((proba > 0) & (proba < 1)).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_array_equal(est.classes_[proba.argmax(axis=1)], prediction)
    assert np.isfinite(est.predict_log_proba(X)).all()
    assert np.isfinite(est.loss_curve_).all()
    assert len(est.loss_curve_) == est.n_iter_ <= est.max_iter


@pytest.mark.parametrize("cls", REGRESSORS)
@PROFILE
@given(problem=regression_problems(), data=st.data())
def test_regressors_predict_finite_targets_of_the_right_shape(cls, problem, data):
    X, y, sample_weight = problem
    est = cls(**data.draw(parameters(cls)))
    if not fit_or_documented_error(est, X, y, sample_weight):
        return
    prediction = est.predict(X)
    assert prediction.shape == y.shape
    assert prediction.dtype == expected_output_dtype(X, est)
    assert np.isfinite(prediction).all()
    assert np.isfinite(est.loss_curve_).all()
    assert len(est.loss_curve_) == est.n_iter_ <= est.max_iter


@pytest.mark.parametrize("cls", CLASSIFIERS + REGRESSORS)
@PROFILE
@given(X=inputs(max_samples=20), data=st.data())
def test_predict_on_other_data_is_finite_or_refused(cls, X, data):
    """Fitted on one problem, predicting any other X of the same width."""
    rng = np.random.default_rng(0)
    X_train = rng.normal(size=(20, X.shape[1]))
    y_train = np.arange(20) % 3 if cls in CLASSIFIERS else X_train.sum(axis=1)
    params = data.draw(parameters(cls))
    params["early_stopping"] = False
    est = cls(**params)
    if not fit_or_documented_error(est, X_train, y_train, None):
        return
    X_other = X * data.draw(st.sampled_from([1.0, 1e3, 1e30]))
    try:
        prediction = est.predict(X_other)
    except ValueError as exc:  # inputs that overflow the network
        error = str(exc)
    else:
        error = None
    if error is not None:
        assert "outputs overflowed" in error
        return
    assert prediction.shape[0] == len(X)
    if cls in REGRESSORS:
        assert np.isfinite(prediction).all()
    else:
        assert np.isin(prediction, est.classes_).all()
