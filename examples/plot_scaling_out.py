"""
Scaling out on Dask
===================

The same scikit-learn code, run on a Dask cluster:

* a ``GridSearchCV`` whose fits run on the cluster's workers through joblib's
  ``"dask"`` backend, timed on one worker and then on two;
* out-of-core training with ``dask_ml.wrappers.Incremental``, which calls
  ``partial_fit`` (one epoch) on each block of a chunked ``dask.array`` in
  turn, compared with ``fit`` on the same data in memory.

The cluster here is a ``LocalCluster`` of single-threaded worker processes on
this machine; pointing the code at a real cluster only changes the line that
makes the ``Client`` (see the "Scaling out" page of the documentation).
Needs ``pip install "rumelhart[dask]"``; the torch estimator is added when
PyTorch is installed.
"""

import time
import warnings

import dask.array as da
import joblib
import numpy as np
from dask_ml.wrappers import Incremental
from distributed import Client, LocalCluster
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split

from rumelhart import RumelhartClassifier

try:
    from rumelhart import TorchMLPClassifier
except ImportError:  # PyTorch is not installed
    TorchMLPClassifier = None

warnings.filterwarnings("ignore", category=ConvergenceWarning)

# %%
# Grid search through joblib's dask backend
# -----------------------------------------
# Inside ``joblib.parallel_config(backend="dask")`` the search sends its fits
# (24 here: 8 candidates, 3 folds) to the workers of the current ``Client``.
# Nothing else changes. Each worker is warmed up first (it imports rumelhart
# and scikit-learn once) so that the timings compare the fits alone.


def warm_up():
    import sklearn.model_selection  # noqa: F401

    import rumelhart  # noqa: F401


def grid_search(X, y):
    search = GridSearchCV(
        RumelhartClassifier(batch_size=64, max_iter=40, random_state=0),
        {
            "hidden_layer_sizes": [(32,), (64,)],
            "eps": [0.05, 0.2],
            "alpha": [0.5, 0.9],
        },
        cv=3,
        n_jobs=-1,
    )
    started = time.perf_counter()
    with joblib.parallel_config(backend="dask"):
        search.fit(X, y)
    return search, time.perf_counter() - started


# %%
# Out-of-core training with Incremental
# -------------------------------------
# ``Incremental.fit`` makes one pass over the blocks of the dask arrays (one
# ``partial_fit``, that is one epoch of mini-batches, per block);
# ``partial_fit`` makes further passes from where it stopped. Classifiers need
# every label on the first call: ``classes=`` goes through as a fit keyword.
# The blocks are scattered to the workers, a stand-in for data that the
# workers read themselves (``da.from_zarr``, ``dd.read_parquet``...); only
# the small model travels from one block's task to the next.


def to_dask(client, array, rows):
    """``array`` as a dask array of blocks of ``rows`` rows held by the workers."""
    blocks = [array[i : i + rows] for i in range(0, len(array), rows)]
    futures = client.scatter(blocks)
    return da.concatenate(
        [
            da.from_delayed(future, shape=block.shape, dtype=block.dtype)
            for future, block in zip(futures, blocks)
        ]
    )


def in_memory_vs_incremental(client, make_model, data, n_epochs, rows):
    X_train, X_test, y_train, y_test = data
    started = time.perf_counter()
    in_memory = make_model(max_iter=n_epochs).fit(X_train, y_train)
    seconds_in_memory = time.perf_counter() - started

    X_blocks, y_blocks = to_dask(client, X_train, rows), to_dask(client, y_train, rows)
    classes = np.unique(y_train)
    incremental = Incremental(make_model(), random_state=np.random.RandomState(0))
    started = time.perf_counter()
    incremental.fit(X_blocks, y_blocks, classes=classes)
    for _ in range(n_epochs - 1):
        incremental.partial_fit(X_blocks, y_blocks, classes=classes)
    seconds_incremental = time.perf_counter() - started

    name = type(in_memory).__name__
    print(
        f"{name:>20}: in memory {in_memory.score(X_test, y_test):.4f} "
        f"({seconds_in_memory:.1f} s), incremental "
        f"{incremental.estimator_.score(X_test, y_test):.4f} "
        f"({seconds_incremental:.1f} s over {X_blocks.numblocks[0]} blocks)"
    )


# %%
# Run both on a local cluster
# ---------------------------
# Worker processes are spawned, so the script's work sits under the
# ``__main__`` guard.


def main():
    X, y = make_classification(
        n_samples=10_000, n_features=20, n_informative=10, n_classes=3, random_state=0
    )
    with (
        LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(warm_up)
        search, seconds_one = grid_search(X, y)
        cluster.scale(2)
        client.wait_for_workers(2)
        client.run(warm_up)
        search, seconds_two = grid_search(X, y)
        print(
            f"GridSearchCV, {len(search.cv_results_['params']) * 3} fits: "
            f"{seconds_one:.1f} s on 1 worker, {seconds_two:.1f} s on 2 workers "
            f"(best {search.best_params_}, accuracy {search.best_score_:.3f})"
        )

        X, y = make_classification(
            n_samples=200_000,
            n_features=50,
            n_informative=25,
            n_classes=4,
            flip_y=0.02,
            random_state=0,
        )
        data = train_test_split(X.astype(np.float32), y, test_size=0.2, random_state=0)
        settings = dict(
            hidden_layer_sizes=(64,), batch_size=128, tol=0.0, random_state=0
        )
        models = [lambda **kw: RumelhartClassifier(eps=0.1, **settings, **kw)]
        if TorchMLPClassifier is not None:
            import torch

            # One thread for the in-memory fit too, as on each worker (the
            # nanny sets OMP_NUM_THREADS=1): a fair comparison, and torch's
            # threads stall one another on a busy machine.
            torch.set_num_threads(1)
            models.append(
                lambda **kw: TorchMLPClassifier(lr=1e-3, device="cpu", **settings, **kw)
            )
        for make_model in models:
            in_memory_vs_incremental(client, make_model, data, n_epochs=5, rows=20_000)


if __name__ == "__main__":
    main()
