"""Scale-out on Dask: joblib's dask backend and out-of-core training.

Every test runs on one ``LocalCluster`` of two single-threaded worker
processes on loopback, started and closed by this module. Without dask,
distributed or dask-ml installed (``pip install "rumelhart[dask]"``) the
module is skipped.
"""

import subprocess
import sys
import time

import numpy as np
import pytest
from scipy.stats import loguniform
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.model_selection import (
    GridSearchCV,
    RandomizedSearchCV,
    cross_validate,
    train_test_split,
)
from sklearn.utils.validation import check_is_fitted

pytest.importorskip("dask")
pytest.importorskip("distributed")
pytest.importorskip("dask_ml")

import dask.array as da
import joblib
from dask_ml.wrappers import Incremental
from distributed import Client, LocalCluster, get_task_stream

from .conftest import CLASSIFIERS, ESTIMATORS, HAS_TORCH

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _is_torch(cls):
    return cls.__name__.startswith("Torch")


def _is_classifier(cls):
    return cls in CLASSIFIERS


@pytest.fixture(scope="module")
def client():
    """A client of a two-process cluster on loopback, closed after the module."""
    started = time.perf_counter()
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        client.wait_for_workers(2, timeout=60)
        print(f"LocalCluster started in {time.perf_counter() - started:.1f} s")
        yield client


@pytest.fixture(scope="module", autouse=True)
def _one_torch_thread():
    """Train the in-memory references on one thread, like the workers.

    The nanny starts each worker with ``OMP_NUM_THREADS=1``. In this process
    torch would use every core, and on a busy 2-core machine its threads wait
    on each other: mini-batch training was then up to 50 times slower.
    """
    if not HAS_TORCH:
        yield
        return
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _worker_addresses(client):
    return set(client.scheduler_info()["workers"])


def _ran_on_cluster(client, task_stream):
    """The workers that ran tasks recorded by ``get_task_stream``."""
    workers = {task["worker"] for task in task_stream.data}
    assert workers, "no task ran on the cluster"
    assert workers <= _worker_addresses(client)
    return workers


# -- joblib's dask backend: searches and cross-validation --------------------


def _small(cls, **params):
    """A quick estimator for the search tests: mini-batches, a few epochs."""
    if _is_torch(cls):
        defaults = dict(lr=0.01, max_iter=15, device="cpu")
    else:
        defaults = dict(max_iter=30, eps=0.1 if _is_classifier(cls) else 0.02)
    defaults.update(hidden_layer_sizes=(8,), batch_size=32, random_state=0)
    defaults.update(params)
    return cls(**defaults)


def _small_data(cls):
    if _is_classifier(cls):
        return make_classification(
            n_samples=240, n_features=8, n_informative=5, random_state=0
        )
    return make_regression(n_samples=240, n_features=8, noise=5.0, random_state=0)


def _make_search(cls, kind):
    estimator = _small(cls)
    if kind == "grid":
        grid = {"hidden_layer_sizes": [(4,), (8,)], "batch_size": [32, 64]}
        return GridSearchCV(estimator, grid, cv=3, n_jobs=-1)
    lr_name, lr_range = ("lr", (1e-3, 3e-2)) if _is_torch(cls) else ("eps", (0.01, 0.1))
    distributions = {
        "hidden_layer_sizes": [(4,), (8,), (16,)],
        lr_name: loguniform(*lr_range),
    }
    return RandomizedSearchCV(
        estimator, distributions, n_iter=4, cv=3, n_jobs=-1, random_state=0
    )


@pytest.mark.parametrize("kind", ["grid", "randomized"])
@pytest.mark.parametrize("cls", ESTIMATORS)
def test_search_on_dask_matches_local_search(client, cls, kind):
    X, y = _small_data(cls)
    search = _make_search(cls, kind)
    with get_task_stream(client) as tasks, joblib.parallel_config(backend="dask"):
        search.fit(X, y)
    _ran_on_cluster(client, tasks)

    local = clone(search).set_params(n_jobs=None).fit(X, y)
    assert search.cv_results_["params"] == local.cv_results_["params"]
    np.testing.assert_allclose(
        search.cv_results_["mean_test_score"],
        local.cv_results_["mean_test_score"],
        rtol=0,
        atol=1e-6,
    )
    assert search.best_params_ == local.best_params_
    check_is_fitted(search.best_estimator_)
    np.testing.assert_allclose(
        search.predict(X[:20]), local.predict(X[:20]), rtol=0, atol=1e-6
    )


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_cross_validate_on_dask_returns_fitted_estimators(client, cls):
    X, y = _small_data(cls)
    estimator = _small(cls)
    # The older spelling, joblib.parallel_backend, works the same.
    with get_task_stream(client) as tasks, joblib.parallel_backend("dask"):
        result = cross_validate(estimator, X, y, cv=3, return_estimator=True)
    _ran_on_cluster(client, tasks)

    local = cross_validate(estimator, X, y, cv=3, return_estimator=True)
    np.testing.assert_allclose(
        result["test_score"], local["test_score"], rtol=0, atol=1e-6
    )
    # The fitted estimators came back from the worker processes, pickled.
    for remote, here in zip(result["estimator"], local["estimator"]):
        check_is_fitted(remote)
        assert remote.n_iter_ == here.n_iter_
        np.testing.assert_allclose(
            remote.predict(X[:20]), here.predict(X[:20]), rtol=0, atol=1e-6
        )
        if _is_torch(cls):
            assert remote.device_ == "cpu"
            assert all(p.device.type == "cpu" for p in remote.module_.parameters())


# -- out of core: dask_ml.wrappers.Incremental over a chunked dask array -----

N_SAMPLES, N_FEATURES = 100_000, 40
CHUNK_ROWS = 10_000  # 8 training blocks, each far larger than a batch
BATCH_SIZE = 128
N_EPOCHS = 5


@pytest.fixture(scope="module")
def big_data():
    """80,000 training and 20,000 test rows of 40 float32 features per task."""
    X, y = make_classification(
        n_samples=N_SAMPLES,
        n_features=N_FEATURES,
        n_informative=20,
        n_classes=4,
        flip_y=0.02,
        random_state=0,
    )
    Xr, yr = make_regression(
        n_samples=N_SAMPLES,
        n_features=N_FEATURES,
        n_informative=20,
        noise=20.0,
        random_state=0,
    )
    split = dict(test_size=0.2, random_state=0)
    return {
        "classification": train_test_split(X.astype(np.float32), y, **split),
        "regression": train_test_split(Xr.astype(np.float32), yr, **split),
    }


def _scattered(client, array, rows):
    """``array`` as a dask array of blocks of ``rows`` rows held by the workers.

    Data that the workers load themselves (``da.from_zarr``, ...) look the
    same; ``da.from_array`` would put the whole array in every graph.
    """
    blocks = [array[i : i + rows] for i in range(0, len(array), rows)]
    futures = client.scatter(blocks)
    return da.concatenate(
        [
            da.from_delayed(future, shape=block.shape, dtype=block.dtype)
            for future, block in zip(futures, blocks)
        ]
    )


def _big(cls):
    """The same mini-batch estimator for the in-memory and incremental runs."""
    if _is_torch(cls):
        params = dict(lr=1e-3, device="cpu")
    else:
        params = dict(eps=0.1 if _is_classifier(cls) else 0.01)
    return cls(
        hidden_layer_sizes=(64,),
        batch_size=BATCH_SIZE,
        max_iter=N_EPOCHS,
        tol=0.0,
        n_iter_no_change=N_EPOCHS + 1,
        random_state=0,
        **params,
    )


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_incremental_on_dask_array_matches_in_memory_fit(client, big_data, cls):
    task = "classification" if _is_classifier(cls) else "regression"
    X_train, X_test, y_train, y_test = big_data[task]
    fit_kwargs = {"classes": np.unique(y_train)} if _is_classifier(cls) else {}

    started = time.perf_counter()
    in_memory = _big(cls).fit(X_train, y_train)
    seconds_in_memory = time.perf_counter() - started
    assert in_memory.n_iter_ == N_EPOCHS

    X_blocks = _scattered(client, X_train, CHUNK_ROWS)
    y_blocks = _scattered(client, y_train, CHUNK_ROWS)
    n_blocks = X_blocks.numblocks[0]
    assert min(X_blocks.chunks[0]) > BATCH_SIZE
    # A RandomState (not an int) visits the blocks in a new order every pass.
    incremental = Incremental(
        _big(cls), shuffle_blocks=True, random_state=np.random.RandomState(0)
    )
    started = time.perf_counter()
    with get_task_stream(client) as tasks:
        # fit makes one pass (one partial_fit per block); partial_fit continues.
        incremental.fit(X_blocks, y_blocks, **fit_kwargs)
        for _ in range(N_EPOCHS - 1):
            incremental.partial_fit(X_blocks, y_blocks, **fit_kwargs)
    seconds_incremental = time.perf_counter() - started
    _ran_on_cluster(client, tasks)
    model = incremental.estimator_
    assert model.n_iter_ == N_EPOCHS * n_blocks

    # Accuracy (classifiers) or R² (regressors) on the held-out rows.
    score_in_memory = in_memory.score(X_test, y_test)
    score_incremental = model.score(X_test, y_test)
    print(
        f"{cls.__name__}: in memory {score_in_memory:.4f} ({seconds_in_memory:.1f} s), "
        f"incremental {score_incremental:.4f} ({seconds_incremental:.1f} s)"
    )
    assert score_in_memory > (0.8 if _is_classifier(cls) else 0.95)
    assert abs(score_incremental - score_in_memory) <= 0.02

    # Prediction over a dask array runs block by block on the workers.
    X_test_blocks = _scattered(client, X_test, CHUNK_ROWS)
    predicted = incremental.predict(X_test_blocks)
    assert isinstance(predicted, da.Array)
    predicted = predicted.compute()
    if _is_classifier(cls):
        assert np.mean(predicted == model.predict(X_test)) > 0.999
    else:  # float32 sums over blocks of another size round differently
        np.testing.assert_allclose(
            predicted, model.predict(X_test), rtol=1e-4, atol=1e-3
        )


@pytest.mark.gpu
def test_cuda_workers_return_models_that_load_here(client):
    from rumelhart import TorchMLPClassifier

    X, y = _small_data(TorchMLPClassifier)
    estimator = _small(TorchMLPClassifier, device="cuda")
    with joblib.parallel_config(backend="dask"):
        result = cross_validate(estimator, X, y, cv=3, return_estimator=True)
    for model in result["estimator"]:
        # Pickled with CPU tensors on the worker, back on the GPU here.
        assert model.device_.startswith("cuda")
        assert next(model.module_.parameters()).device.type == "cuda"
        assert model.score(X, y) > 0.7


def test_core_never_imports_dask():
    code = (
        "import sys\n"
        "from rumelhart import RumelhartClassifier\n"
        "RumelhartClassifier((4,), max_iter=2).fit([[0.0], [1.0]], [0, 1])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'dask', 'distributed', 'dask_ml'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
