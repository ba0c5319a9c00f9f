"""Shared fixtures and factories.

The estimators under test (torch ones only when installed), and the small
helpers several test files use: ``fast`` and ``make`` build quick
estimators, ``dataset`` and the ``blobs`` fixture small problems, and
``state_of`` / ``engine_weights`` / ``outputs_of`` snapshot what a call could
change. Import the plain functions with ``from .conftest import ...``.
"""

import copy
import importlib.util
import os

# Let scikit-learn's array-API estimator check run (with NumPy) instead of
# skipping; SciPy reads this once, at its first import.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import numpy as np
import pytest
from sklearn.datasets import make_blobs

from rumelhart import RumelhartClassifier, RumelhartRegressor

HAS_TORCH = importlib.util.find_spec("torch") is not None

NUMPY_CLASSIFIERS = [RumelhartClassifier]
NUMPY_REGRESSORS = [RumelhartRegressor]


def torch_classes():
    """The torch estimator classes, or an empty list without torch."""
    if not HAS_TORCH:
        return [], []
    from rumelhart import TorchMLPClassifier, TorchMLPRegressor

    return [TorchMLPClassifier], [TorchMLPRegressor]


TORCH_CLASSIFIERS, TORCH_REGRESSORS = torch_classes()
CLASSIFIERS = NUMPY_CLASSIFIERS + TORCH_CLASSIFIERS
REGRESSORS = NUMPY_REGRESSORS + TORCH_REGRESSORS
ESTIMATORS = CLASSIFIERS + REGRESSORS


def pytest_collection_modifyitems(config, items):
    try:
        import torch

        has_cuda = torch.cuda.is_available()
    except ImportError:
        has_cuda = False
    if has_cuda:
        return
    skip = pytest.mark.skip(reason="needs a CUDA device")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


# -- estimators and data ---------------------------------------------------------
def fast(cls, **params):
    """An estimator set up to train quickly on small problems."""
    if cls.__name__.startswith("Torch"):
        defaults = dict(lr=0.01, max_iter=100, device="cpu", random_state=0)
    else:
        defaults = dict(max_iter=300, random_state=0)
    defaults.update(params)
    return cls(hidden_layer_sizes=(16,), **defaults)


@pytest.fixture
def blobs():
    X, y = make_blobs(n_samples=120, centers=3, n_features=4, random_state=0)
    return X, y


N_SAMPLES, N_FEATURES = 30, 3


def is_torch(cls):
    return cls.__name__.startswith("Torch")


def is_classifier(cls):
    return cls in CLASSIFIERS


def lr_name(cls):
    return "lr" if is_torch(cls) else "eps"


def make(cls, **params):
    """A small, fast estimator (torch on the CPU)."""
    defaults = dict(hidden_layer_sizes=(5,), max_iter=8, random_state=0)
    if is_torch(cls):
        defaults.update(device="cpu", lr=0.01)
    defaults.update(params)
    return cls(**defaults)


def dataset(cls, n_samples=N_SAMPLES):
    X, labels = make_blobs(
        n_samples=n_samples, centers=2, n_features=N_FEATURES, random_state=0
    )
    y = labels if is_classifier(cls) else X @ np.array([1.0, -2.0, 0.5])
    return X, y


def overdispersed_counts(n, dispersion, seed=0):
    """Counts of log-linear mean on 3 inputs that vary ``dispersion`` times
    their mean (``dispersion`` times a Poisson count of mean / dispersion:
    a quasi-Poisson model with that dispersion exactly)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    mean = np.exp(1.0 + 0.5 * X[:, 0] - 0.3 * X[:, 1])
    return X, dispersion * rng.poisson(mean / dispersion).astype(float)


def band_data(n, seed):
    """Heteroscedastic rows and their true 0.05 and 0.95 quantiles."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, size=(n, 2))
    mean, spread = np.sin(1.5 * X[:, 0]), 0.2 + 0.5 * np.abs(X[:, 1])
    y = mean + spread * rng.normal(size=n)
    z = 1.6448536269514722  # the standard normal's 0.95 quantile
    return X, y, np.c_[mean - z * spread, mean + z * spread]


def outcome(call, *errors):
    """``(result, None)``, or ``(None, exception)`` for one of ``errors``."""
    try:
        return call(), None
    except errors as exc:
        return None, exc


_FITTED = {}


def fitted(cls):
    """A fitted estimator of ``cls`` (a fresh copy of one fitted once)."""
    if cls not in _FITTED:
        _FITTED[cls] = make(cls).fit(*dataset(cls))
    return copy.deepcopy(_FITTED[cls])


# -- state snapshots ------------------------------------------------------------
def _freeze(value):
    """``value`` as plain data to compare; other objects by identity."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {key: _freeze(v) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return [_freeze(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str | np.generic):
        return value
    return ("object", id(value))


def engine_weights(engine):
    """The weights of an engine (or of a callback's engine view), as arrays."""
    coefs, intercepts = engine.weights()
    return [np.array(p, copy=True) for p in coefs + intercepts]


def state_of(est):
    """Everything a call could change: attributes, and the engine's weights."""
    state = {key: _freeze(value) for key, value in vars(est).items()}
    if hasattr(est, "_engine"):
        state["engine weights"] = engine_weights(est._engine)
    return state


def fitted_state(est):
    """``state_of`` without the parameters: what fitting sets."""
    params = est.get_params()
    return {k: v for k, v in state_of(est).items() if k not in params}


def outputs_of(est, X):
    return est.predict_proba(X) if hasattr(est, "predict_proba") else est.predict(X)


def check_finite_result(est, X):
    """Predictions of the right shape, finite, labels from classes_."""
    prediction = est.predict(X)
    assert prediction.shape[0] == len(X)
    if is_classifier(type(est)):
        assert set(np.unique(prediction)) <= set(est.classes_)
        proba = est.predict_proba(X)
        assert np.isfinite(proba).all()
        np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    else:
        assert np.isfinite(prediction).all()
    assert all(np.isfinite(est.loss_curve_))
