"""A fit owns nothing of the caller's: arrays, random streams, threads, memory.

* the caller's arrays are never written, also by a custom torch module that
  writes to its input in place, and read-only memory maps train safely;
* every random draw comes from generators the fit owns: fits in threads give
  the same models as fits run one after another, and torch's global
  generator is left as it was;
* a request that cannot fit in memory fails before allocating, with the
  estimated size;
* the bookkeeping of a long fit grows by a few bytes per epoch.
"""

import threading
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from rumelhart import RumelhartClassifier, RumelhartRegressor
from rumelhart._training import EpochLog

from .conftest import ESTIMATORS, HAS_TORCH

torch = pytest.importorskip("torch") if HAS_TORCH else None


def _data(n=120, seed=0):
    X, y = make_classification(n_samples=n, n_features=6, random_state=seed)
    return X, y


# -- the caller's arrays ------------------------------------------------------
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize("cls", ESTIMATORS)
def test_fit_never_writes_the_callers_arrays(cls, method):
    """X, y and sample_weight already float64 and C-contiguous (nothing forces
    a copy) come back bit-identical after shuffled mini-batch training."""
    X, labels = _data(64)
    is_clf = hasattr(cls, "predict_proba")
    y = labels if is_clf else X @ np.arange(1.0, 7.0)
    sample_weight = np.random.default_rng(0).uniform(0.5, 2.0, len(X))
    copies = [a.copy() for a in (X, y, sample_weight)]
    params = dict(hidden_layer_sizes=(5,), batch_size=8, max_iter=3, random_state=0)
    if cls.__name__.startswith("Torch"):
        params["device"] = "cpu"
    kwargs = {"classes": [0, 1]} if is_clf and method == "partial_fit" else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # 3 epochs
        getattr(cls(**params), method)(X, y, sample_weight=sample_weight, **kwargs)
    for array, copy in zip((X, y, sample_weight), copies, strict=True):
        np.testing.assert_array_equal(array, copy)


def _inplace_modules():
    from torch import nn

    class Clamp(nn.Module):
        """Writes to its input: clamps it in place."""

        def __init__(self, n_features, n_outputs):
            super().__init__()
            self.linear = nn.Linear(n_features, n_outputs)

        def forward(self, x):
            return self.linear(x.clamp_(-0.1, 0.1))

    def dropout_first(n_features, n_outputs):
        return nn.Sequential(
            nn.Dropout(0.5, inplace=True), nn.Linear(n_features, n_outputs)
        )

    return {"clamp_": Clamp, "Dropout(inplace=True)": dropout_first}


@pytest.mark.skipif(not HAS_TORCH, reason="needs torch")
@pytest.mark.parametrize("kind", ["clamp_", "Dropout(inplace=True)"])
@pytest.mark.parametrize("batch_size", [None, 16])
@pytest.mark.parametrize("shuffle", [True, False])
def test_custom_module_never_writes_the_callers_array(kind, batch_size, shuffle):
    from rumelhart import TorchMLPClassifier

    X, y = _data()
    X_before = X.copy()
    est = TorchMLPClassifier(
        module=_inplace_modules()[kind],
        batch_size=batch_size,
        shuffle=shuffle,
        max_iter=3,
        tol=0,
        device="cpu",
        random_state=0,
    )
    est.fit(X, y)
    np.testing.assert_array_equal(X, X_before)
    est.predict_proba(X)
    np.testing.assert_array_equal(X, X_before)


@pytest.mark.skipif(not HAS_TORCH, reason="needs torch")
def test_custom_module_trains_on_the_data_every_epoch():
    """The module's in-place writes reach its private copy of a batch only:
    each epoch sees the caller's data afresh (the loss of a clamping module
    equals the loss of training on clamped data)."""
    from rumelhart import TorchMLPClassifier

    X, y = _data()
    module = _inplace_modules()["clamp_"]
    settings = dict(batch_size=None, max_iter=5, tol=0, device="cpu", random_state=0)
    writing = TorchMLPClassifier(module=module, **settings).fit(X, y)
    clamped = TorchMLPClassifier(module=module, **settings).fit(
        np.clip(X, -0.1, 0.1), y
    )
    np.testing.assert_allclose(writing.loss_curve_, clamped.loss_curve_, rtol=1e-6)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_read_only_memmap_trains_and_predicts(cls, tmp_path, recwarn):
    X, y = _data()
    path = tmp_path / "X.npy"
    np.save(path, X)
    X_map = np.load(path, mmap_mode="r")
    assert not X_map.flags.writeable
    extra = {"device": "cpu"} if cls.__name__.startswith("Torch") else {}
    if cls in (RumelhartRegressor,) or cls.__name__ == "TorchMLPRegressor":
        y = X[:, 0] - X[:, 1]
    est = cls(max_iter=3, tol=0, random_state=0, **extra).fit(X_map, y)
    est.predict(X_map)
    assert not [w for w in recwarn if "not writable" in str(w.message)]


@pytest.mark.skipif(not HAS_TORCH, reason="needs torch")
def test_read_only_memmap_with_a_writing_module_does_not_crash(tmp_path):
    from rumelhart import TorchMLPClassifier

    X, y = _data()
    path = tmp_path / "X.npy"
    np.save(path, X)
    X_map = np.load(path, mmap_mode="r")
    est = TorchMLPClassifier(
        module=_inplace_modules()["clamp_"],
        batch_size=None,
        max_iter=2,
        tol=0,
        device="cpu",
    ).fit(X_map, y)
    est.predict(X_map)
    np.testing.assert_array_equal(np.load(path), X)


# -- random streams and threads -------------------------------------------------
def _torch_classifier(seed):
    from rumelhart import TorchMLPClassifier

    return TorchMLPClassifier(
        (60, 60), max_iter=3, tol=0, device="cpu", random_state=seed
    )


def _in_threads(function, seeds):
    results = {}

    def run(seed):
        results[seed] = function(seed)

    threads = [threading.Thread(target=run, args=(s,)) for s in seeds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.skipif(not HAS_TORCH, reason="needs torch")
@pytest.mark.parametrize("module", ["built-in", "custom class"])
def test_torch_fits_in_threads_equal_fits_in_sequence(module):
    """torch's global generator is shared by threads: initial weights come
    from the fit's own generator (built-in) or are drawn under a lock from a
    forked, seeded one (a custom module class)."""
    from torch import nn

    X, y = _data(200)

    def custom(n_features, n_outputs):
        return nn.Sequential(
            nn.Linear(n_features, 40), nn.Tanh(), nn.Linear(40, n_outputs)
        )

    def fit(seed):
        est = _torch_classifier(seed)
        if module == "custom class":
            est.set_params(module=custom)
        return est.fit(X, y).predict_proba(X)

    seeds = list(range(8))
    sequential = {seed: fit(seed) for seed in seeds}
    torch_state = torch.get_rng_state().clone()
    threaded = _in_threads(fit, seeds)
    assert torch.equal(torch.get_rng_state(), torch_state)
    for seed in seeds:
        np.testing.assert_array_equal(threaded[seed], sequential[seed])


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_grid_search_on_threads_equals_sequential(cls):
    from joblib import parallel_backend

    X, y = _data(150)
    if not cls.__name__.endswith("Classifier"):
        y = X[:, 0] * 2 - X[:, 1]
    extra = {"device": "cpu"} if cls.__name__.startswith("Torch") else {}
    est = cls(max_iter=5, tol=0, random_state=0, **extra)
    grid = {"hidden_layer_sizes": [(20,), (40,)], "batch_size": [16, 32]}
    sequential = GridSearchCV(est, grid, cv=3).fit(X, y)
    with parallel_backend("threading", n_jobs=4):
        threaded = GridSearchCV(est, grid, cv=3, n_jobs=4).fit(X, y)
    np.testing.assert_array_equal(
        threaded.cv_results_["mean_test_score"],
        sequential.cv_results_["mean_test_score"],
    )


# -- resources ------------------------------------------------------------------
@pytest.mark.parametrize("cls", ESTIMATORS)
def test_network_too_large_for_memory_fails_before_allocating(cls):
    X, y = _data(30)
    extra = {"device": "cpu"} if cls.__name__.startswith("Torch") else {}
    est = cls(hidden_layer_sizes=(10**5, 10**5), **extra)
    with pytest.raises(
        MemoryError, match=r"needs about 447 GiB \(10,000,[\d,]+ weights"
    ):
        est.fit(X, y if cls.__name__.endswith("Classifier") else X[:, 0])
    assert not hasattr(est, "n_iter_")


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_memory_check_uses_the_memory_available(cls, monkeypatch):
    """A network that fits in a large machine fails on a small one."""
    from rumelhart import _resources

    monkeypatch.setattr(_resources, "available_host_memory", lambda: 10 * 2**20)
    if cls.__name__.startswith("Torch"):
        from rumelhart._engines.torch import device as torch_device

        monkeypatch.setattr(torch_device, "available_host_memory", lambda: 10 * 2**20)
        extra = {"device": "cpu"}
    else:
        extra = {}  # the NumPy backend asks _resources at each fit
    X, y = _data(30)
    y = y if cls.__name__.endswith("Classifier") else X[:, 0]
    with pytest.raises(MemoryError, match=r"only 0\.00977 GiB of memory"):
        cls(hidden_layer_sizes=(2000, 2000), **extra).fit(X, y)
    cls(hidden_layer_sizes=(20,), max_iter=2, **extra).fit(X, y)  # small: fine


def test_memory_estimate_counts_weights_optimizer_and_batches():
    from rumelhart._resources import estimate_fit_bytes

    n_weights, n_bytes = estimate_fit_bytes((10, 20, 3), batch_rows=50, itemsize=8)
    assert n_weights == 11 * 20 + 21 * 3
    assert n_bytes == 8 * (6 * n_weights + 3 * 50 * 23 + 50 * 10)


def test_epoch_bookkeeping_is_compact():
    """Per epoch: 8 bytes per recorded number, in arrays that double."""
    log = EpochLog()
    for epoch in range(1, 100_001):
        log.append({"epoch": epoch, "loss": 1.0 / epoch, "time": 1e-3})
    stored = sum(column.nbytes for column in log._columns.values())
    assert stored <= 2 * 3 * 8 * len(log)  # capacity at most twice the size
    assert log[-1] == {"epoch": 100_000, "loss": 1e-5, "time": 1e-3}
    assert len(log) == 100_000


def test_long_fit_history_stays_small():
    X, y = _data(6)
    est = RumelhartClassifier((3,), max_iter=5000, tol=0, n_iter_no_change=10**6)
    with pytest.warns(ConvergenceWarning, match="max_iter=5000"):
        est.fit(X, y)
    columns = est.history_["epochs"]._columns
    assert sum(c.nbytes for c in columns.values()) <= 2 * 8 * len(columns) * 5000
