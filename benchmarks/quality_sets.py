"""The quality benchmark's data sets: one table, nothing downloaded.

Every set ships with scikit-learn or is generated here with a fixed seed. A
row is a name, a loader returning ``(X, y)``, the task, the number of
cross-validation folds (1: a single stratified 80/20 hold-out split, for
the big sets) and whether ``--quick`` runs it. Add a set by adding a row.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
from sklearn import datasets as sk
from sklearn.model_selection import (
    KFold,
    ShuffleSplit,
    StratifiedKFold,
    StratifiedShuffleSplit,
)

SEED = 0
#: Share of the samples held out when a set has a single split.
HOLDOUT = 0.2


@dataclass(frozen=True)
class DataSet:
    """One row of the table."""

    name: str
    load: Callable[[], tuple]
    task: str  # "classifier" or "regressor"
    folds: int  # 1 = a single hold-out split of HOLDOUT
    quick: bool = False


def _xy(loader):
    return partial(loader, return_X_y=True)


def _many_classes(n_samples):
    """A 40-feature, 5-class problem of ``n_samples`` rows (2 clusters each)."""
    return partial(
        sk.make_classification,
        n_samples=n_samples,
        n_features=40,
        n_informative=15,
        n_redundant=5,
        n_classes=5,
        n_clusters_per_class=2,
        flip_y=0.01,
        random_state=SEED,
    )


CLF, REG = "classifier", "regressor"

DATASETS = [
    DataSet("digits", _xy(sk.load_digits), CLF, 5),
    DataSet("breast_cancer", _xy(sk.load_breast_cancer), CLF, 5, quick=True),
    DataSet("wine", _xy(sk.load_wine), CLF, 5, quick=True),
    DataSet("iris", _xy(sk.load_iris), CLF, 5, quick=True),
    DataSet(
        "moons",
        partial(sk.make_moons, n_samples=600, noise=0.25, random_state=SEED),
        CLF,
        5,
    ),
    DataSet(
        "circles",
        partial(
            sk.make_circles, n_samples=1000, noise=0.15, factor=0.6, random_state=SEED
        ),
        CLF,
        5,
    ),
    DataSet(
        "gaussian_quantiles",
        partial(
            sk.make_gaussian_quantiles,
            n_samples=2000,
            n_features=5,
            n_classes=3,
            random_state=SEED,
        ),
        CLF,
        5,
    ),
    DataSet(
        "hastie_10_2",
        partial(sk.make_hastie_10_2, n_samples=12000, random_state=SEED),
        CLF,
        3,
    ),
    DataSet("classification_20k", _many_classes(20_000), CLF, 3),
    DataSet("classification_200k", _many_classes(200_000), CLF, 1),
    DataSet("diabetes", _xy(sk.load_diabetes), REG, 5, quick=True),
    DataSet(
        "friedman1",
        partial(sk.make_friedman1, n_samples=2000, noise=1.0, random_state=SEED),
        REG,
        5,
    ),
    DataSet(
        "friedman2",
        partial(sk.make_friedman2, n_samples=2000, noise=100.0, random_state=SEED),
        REG,
        5,
    ),
    DataSet(
        "friedman3",
        partial(sk.make_friedman3, n_samples=2000, noise=0.1, random_state=SEED),
        REG,
        5,
    ),
    DataSet(
        "regression_noisy",
        partial(
            sk.make_regression,
            n_samples=2000,
            n_features=20,
            n_informative=10,
            noise=100.0,
            random_state=SEED,
        ),
        REG,
        5,
    ),
    DataSet(
        "friedman1_50k",
        partial(
            sk.make_friedman1,
            n_samples=50_000,
            n_features=20,
            noise=1.0,
            random_state=SEED,
        ),
        REG,
        3,
    ),
]


def load(dataset):
    """``(X, y)``: float64 X; classes coded 0..k-1 (what skorch needs)."""
    X, y = dataset.load()
    X = np.asarray(X, dtype=np.float64)
    if dataset.task == CLF:
        y = np.unique(y, return_inverse=True)[1].astype(np.int64)
    return X, np.asarray(y)


def splits(dataset, X, y, max_folds=None):
    """The (train, test) index pairs of ``dataset``, shuffled with SEED.

    ``max_folds`` caps the number of folds (``--quick``).
    """
    folds = dataset.folds if max_folds is None else min(dataset.folds, max_folds)
    stratified = dataset.task == CLF
    if folds == 1:
        kind = StratifiedShuffleSplit if stratified else ShuffleSplit
        cv = kind(n_splits=1, test_size=HOLDOUT, random_state=SEED)
    else:
        kind = StratifiedKFold if stratified else KFold
        cv = kind(n_splits=folds, shuffle=True, random_state=SEED)
    return list(cv.split(X, y))


def select(names=None, quick=False):
    """The rows to run: those named (in table order), or the quick ones."""
    if names:
        unknown = set(names) - {d.name for d in DATASETS}
        if unknown:
            known = ", ".join(d.name for d in DATASETS)
            raise SystemExit(f"unknown data set(s) {sorted(unknown)}; known: {known}")
        return [d for d in DATASETS if d.name in names]
    return [d for d in DATASETS if d.quick or not quick]


def find(name):
    """The row called ``name``, or None."""
    return next((d for d in DATASETS if d.name == name), None)
