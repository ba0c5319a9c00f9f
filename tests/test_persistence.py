"""Persistence: pickle, joblib, a GPU pickle loaded without CUDA, skops; clone.

A restored estimator predicts exactly as the original, and training goes on
identically from either.
"""

import copy
import os
import pickle
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_blobs
from sklearn.exceptions import (
    ConvergenceWarning,
    InconsistentVersionWarning,
    NotFittedError,
)

import rumelhart

from .conftest import (
    ESTIMATORS,
    HAS_TORCH,
    fast,
    is_classifier,
    is_torch,
    make,
    outputs_of,
    state_of,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


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


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_pickle_round_trip_and_clone(cls, blobs):
    X, y = blobs
    est = fast(cls, max_iter=30).fit(X, y)
    restored = pickle.loads(pickle.dumps(est))
    method = "predict_proba" if hasattr(est, "predict_proba") else "predict"
    np.testing.assert_array_equal(getattr(est, method)(X), getattr(restored, method)(X))
    fresh = clone(est)
    assert fresh.get_params() == est.get_params() or cls.__name__.startswith("Torch")
    with pytest.raises(NotFittedError):
        fresh.predict(X)


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


#: What fitting adds to every estimator's pickled state (the parameters and
#: ``_rumelhart_version`` aside); the task and the backend add the rest.
_FITTED_STATE = {
    "_callbacks_source",
    "_engine",
    "_state",
    "_target",
    "best_loss_",
    "best_validation_score_",
    "callbacks_",
    "coefs_",
    "history_",
    "intercepts_",
    "loss_",
    "loss_curve_",
    "n_features_in_",
    "n_iter_",
    "n_layers_",
    "n_outputs_",
    "n_steps_",
    "out_activation_",
    "stop_reason_",
    "t_",
    "validation_loss_",
    "validation_scores_",
}


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_pickled_state_is_the_fitted_attributes_only(cls):
    """The backend is an object of the class, and a fit's working record is
    dropped: a pickle holds parameters and fitted attributes, nothing else,
    so pickles of this version and older ones hold the same names."""
    est, _, _ = _fit_for_persistence(cls)
    state = est.__getstate__()
    expected = _FITTED_STATE | set(est.get_params(deep=False)) | {"_rumelhart_version"}
    expected |= {"classes_"} if is_classifier(cls) else set()
    expected |= set() if is_classifier(cls) else {f"_y_{k}" for k in _Y_SCALING}
    expected |= set() if is_classifier(cls) else {"quantile_shifts_"}
    expected |= {"device_"} if is_torch(cls) else set()
    assert set(state) == expected
    restored = pickle.loads(pickle.dumps(est))
    assert "_backend" not in vars(restored)
    assert restored._backend is type(est)._backend


_Y_SCALING = ("constant", "level", "mean", "ndim", "scale")


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_version_stamp_and_the_warning_docs_persistence_describe(cls):
    """docs/persistence.md, "The version stamp": a pickle names the version
    that wrote it; the same version loads silently, an older one warns with
    scikit-learn's InconsistentVersionWarning naming both versions."""
    est = _fit_for_persistence(cls)[0]
    assert est.__getstate__()["_rumelhart_version"] == rumelhart.__version__
    with warnings.catch_warnings():
        warnings.simplefilter("error", InconsistentVersionWarning)
        pickle.loads(pickle.dumps(est))
    path = Path(__file__).parent / "data" / f"{cls.__name__}-0.1.0.pkl"
    with pytest.warns(InconsistentVersionWarning) as caught:
        pickle.loads(path.read_bytes())
    versioned = [w for w in caught if w.category is InconsistentVersionWarning]
    warning = versioned[0].message
    assert str(warning).startswith(
        f"Trying to unpickle estimator {cls.__name__} from version rumelhart 0.1 "
        f"or earlier when using version rumelhart {rumelhart.__version__}."
    )
    assert warning.original_sklearn_version == "rumelhart 0.1 or earlier"
    assert warning.current_sklearn_version == f"rumelhart {rumelhart.__version__}"


#: Fitted estimators pickled by rumelhart 0.2.0 before the engines became the
#: ``rumelhart._engines`` package (made by ``make_pickles.py`` beside them).
PICKLES_0_2 = os.path.join(os.path.dirname(__file__), "data", "pickles_0_2")


@pytest.mark.parametrize(
    "name",
    [
        "RumelhartClassifier",
        "RumelhartRegressor",
        "RumelhartAutoencoder",
        pytest.param(
            "TorchMLPClassifier",
            marks=pytest.mark.skipif(not HAS_TORCH, reason="needs torch"),
        ),
        pytest.param(
            "TorchMLPRegressor",
            marks=pytest.mark.skipif(not HAS_TORCH, reason="needs torch"),
        ),
        pytest.param(
            "TorchAutoencoder",
            marks=pytest.mark.skipif(not HAS_TORCH, reason="needs torch"),
        ),
    ],
)
def test_pickles_of_0_2_load_and_predict_as_saved(name):
    """Pickles naming the engines' old module paths still load, predict as
    when they were saved, and go on training."""
    path = os.path.join(PICKLES_0_2, f"{name}.pkl")
    with open(path, "rb") as f, warnings.catch_warnings():
        # The same version string: the version warning need not fire.
        warnings.simplefilter("ignore", InconsistentVersionWarning)
        saved = pickle.load(f)
    est, X, y = saved["estimator"], saved["X"], saved["y"]
    assert type(est).__name__ == name
    for method, expected in saved["outputs"].items():
        arg = saved["outputs"]["transform"] if method == "inverse_transform" else X
        got = getattr(est, method)(arg)
        # Equal up to rounding: BLAS may sum in another order elsewhere.
        tol = 1e-12 if got.dtype == np.float64 else 1e-6
        if got.dtype.kind == "f":
            np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)
        else:
            np.testing.assert_array_equal(got, expected)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if y is None:
            est.partial_fit(X)
        elif hasattr(est, "classes_"):
            est.partial_fit(X, y, classes=est.classes_)
        else:
            est.partial_fit(X, y)
    assert est.n_iter_ == len(est.loss_curve_) and np.isfinite(est.loss_curve_).all()
