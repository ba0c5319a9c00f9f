"""Out of core at defaults: dask-ml's ``Incremental`` around our torch
classifier and around scikit-learn's MLP, on the same blocks. One command::

    python benchmarks/incremental.py                  # 8 blocks x 10 passes
    python benchmarks/incremental.py --n-samples 50000 --passes 20

``Incremental.fit`` calls ``partial_fit`` (one epoch) on each block of a
chunked ``dask.array`` in a random order; each further pass is a call of
``Incremental.partial_fit``. Both estimators are at their defaults (but
``random_state``, and ``device="cpu"``); the data are the speed benchmark's
four-class problem (``contenders.make_data``), standardised, with a held-out
fifth to score on. Beside each Incremental figure: ``fit`` in memory for
the same number of epochs, which tells a lag of ``partial_fit`` (per-call
state) from a lag of the epochs themselves (learning rate, initial weights).

Dask runs with its synchronous scheduler and every thread pool is pinned to
one thread (``threadpoolctl`` for BLAS and OpenMP, ``torch.set_num_threads``),
so the times compare the training alone; each contender is warmed up by a
tiny fit first (torch's first optimizer imports ``torch._dynamo``).
"""

import argparse
import time
import warnings

import dask
import dask.array as da
import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from contenders import make_data

SEED = 0


def blocks(X, y, n_blocks):
    """``X`` and ``y`` as dask arrays of ``n_blocks`` row blocks."""
    rows = -(-len(y) // n_blocks)
    return (
        da.from_array(X, chunks=(rows, X.shape[1])),
        da.from_array(y, chunks=rows),
    )


def incremental(model, X, y, passes, classes):
    """``Incremental(model)`` trained ``passes`` times over the blocks: the
    fitted estimator and the seconds it took."""
    from dask_ml.wrappers import Incremental

    wrapper = Incremental(model, random_state=np.random.RandomState(SEED))
    started = time.perf_counter()
    wrapper.fit(X, y, classes=classes)
    for _ in range(passes - 1):
        wrapper.partial_fit(X, y, classes=classes)
    return wrapper.estimator_, time.perf_counter() - started


def contenders():
    """{name: a function of keyword arguments that makes the estimator}."""
    from rumelhart import TorchMLPClassifier

    return {
        "MLPClassifier": lambda **kw: MLPClassifier(random_state=SEED, **kw),
        "TorchMLPClassifier": lambda **kw: TorchMLPClassifier(
            random_state=SEED, device="cpu", **kw
        ),
    }


def run(n_samples, n_blocks, passes):
    X, y = make_data("classifier", n_samples, dtype="float32", seed=SEED)
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=SEED
    )
    scaler = StandardScaler().fit(X_tr)
    X_tr, X_te = scaler.transform(X_tr), scaler.transform(X_te)
    X_blocks, y_blocks = blocks(X_tr, y_tr, n_blocks)
    classes = np.unique(y_tr)
    print(
        f"{len(y_tr)} training rows in {n_blocks} blocks, {passes} passes; "
        f"{len(y_te)} test rows; threads pinned to 1"
    )
    for name, make in contenders().items():
        # One tiny fit first: torch's first optimizer imports torch._dynamo
        # (seconds, once per process), which is no part of either training.
        make(max_iter=1).fit(X_tr[:50], y_tr[:50])
        model, seconds = incremental(make(), X_blocks, y_blocks, passes, classes)
        started = time.perf_counter()
        in_memory = make(max_iter=passes).fit(X_tr, y_tr)
        memory_seconds = time.perf_counter() - started
        print(
            f"{name:>20}: Incremental {model.score(X_te, y_te):.4f} "
            f"({seconds:.1f} s); fit, {passes} epochs in memory "
            f"{in_memory.score(X_te, y_te):.4f} ({memory_seconds:.1f} s)"
        )


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n-samples", type=int, default=20_000)
    p.add_argument("--blocks", type=int, default=8)
    p.add_argument("--passes", type=int, default=10)
    args = p.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    warnings.simplefilter("ignore")  # unconverged fits are the point
    with dask.config.set(scheduler="synchronous"), threadpool_limits(1):
        run(args.n_samples, args.blocks, args.passes)


if __name__ == "__main__":
    main()
