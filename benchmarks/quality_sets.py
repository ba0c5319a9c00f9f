"""The quality benchmark's data sets: one table, nothing downloaded.

The table is the corpus: the 16 legacy sets (scikit-learn's own, or
generated here with a fixed seed; the benchmark before the corpus), the
generated families of ``corpus_generated.py`` and the real tabular tasks of
``corpus_real.py``. A row is a name, a loader returning ``(X, y)``, the
task, the number of cross-validation folds (1: a single stratified 80/20
hold-out split, for the big sets; None: by size, :func:`folds_for`),
whether ``--quick`` runs it, where it comes from, what it is and its half
of the split (``corpus_split.tsv``; None: in neither half).
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
from sklearn import datasets as sk
from sklearn.model_selection import (
    KFold,
    ShuffleSplit,
    StratifiedKFold,
    StratifiedShuffleSplit,
)

import corpus_split
from corpus_generated import generated_tasks
from corpus_real import REAL_TASKS, load_real

SEED = 0
#: Share of the samples held out when a set has a single split.
HOLDOUT = 0.2
#: Corpus tasks with fewer rows get 5 folds, the others 3.
FIVE_FOLDS_BELOW = 1500
#: Tasks of up to this many rows are cross-validated REPEATS times, each
#: with its own shuffle of the folds and its own seed of every contender:
#: on a few hundred rows one seed's gap to the MLP moves by a point or
#: more (the torch classifier on wine: -1.1, +0.5, -1.7 points over seeds
#: 0-2), so the worst of 40 tasks would be the worst of their noise.
#: Bigger tasks move less and cost more to repeat.
REPEAT_UP_TO = 2000
REPEATS = 3
#: Generated tasks of at most this many rows run under ``--quick``.
QUICK_ROWS = 2000
#: Legacy sets kept out of both halves: too big to fit many times.
OUT_OF_HALVES = ("classification_200k", "friedman1_50k")


@dataclass(frozen=True)
class DataSet:
    """One row of the table."""

    name: str
    load: Callable[[], tuple]
    task: str  # "classifier" or "regressor"
    folds: int | None  # 1 = a single hold-out split of HOLDOUT; None: by size
    quick: bool = False
    origin: str = "legacy"  # "legacy", "generated" or "real"
    description: str = ""
    half: str | None = None  # "tuning", "reporting" or None


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

LEGACY = [
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


LEGACY_TEXT = {
    "digits": "scikit-learn's 8×8 digits, 10 classes",
    "breast_cancer": "scikit-learn's breast cancer (Wisconsin)",
    "wine": "scikit-learn's wine, 3 classes, 178 rows",
    "iris": "scikit-learn's iris, 3 classes",
    "moons": "two moons, noise 0.25",
    "circles": "two circles, noise 0.15",
    "gaussian_quantiles": "Gaussian quantiles, 5-D, 3 classes",
    "hastie_10_2": "Hastie et al. 10.2, sum of squares, 12,000 rows",
    "classification_20k": "5 classes, 40 inputs, 20,000 rows",
    "classification_200k": "5 classes, 40 inputs, 200,000 rows (time to accuracy)",
    "diabetes": "scikit-learn's diabetes (real)",
    "friedman1": "Friedman #1, noise 1",
    "friedman2": "Friedman #2, noise 100",
    "friedman3": "Friedman #3, noise 0.1",
    "regression_noisy": "linear, 10 of 20 inputs informative, noise 100",
    "friedman1_50k": "Friedman #1, 20 inputs, 50,000 rows",
}


def _generated_rows():
    return [
        DataSet(
            name, d.make, d.task, None, d.n <= QUICK_ROWS, "generated", d.description
        )
        for name, d in generated_tasks().items()
    ]


def _real_rows():
    return [
        DataSet(
            name, partial(load_real, t), t.task, None, t.quick, "real", t.description
        )
        for name, t in REAL_TASKS.items()
    ]


def _legacy_rows():
    """The legacy rows, described."""
    return [replace(d, description=f"legacy: {LEGACY_TEXT[d.name]}") for d in LEGACY]


def corpus():
    """The rows that the split divides: legacy (but the biggest), generated, real."""
    legacy = [d for d in _legacy_rows() if d.name not in OUT_OF_HALVES]
    return legacy + _generated_rows() + _real_rows()


def _table():
    """Every row, each with its half from the committed split file."""
    halves = corpus_split.halves()
    rows = _legacy_rows() + _generated_rows() + _real_rows()
    return [replace(d, half=halves.get(d.name)) for d in rows]


def load(dataset):
    """``(X, y)``: float64 X, or a data frame for real tabular tasks; classes
    coded 0..k-1 (what skorch needs)."""
    X, y = dataset.load()
    if not hasattr(X, "columns"):
        X = np.asarray(X, dtype=np.float64)
    if dataset.task == CLF:
        y = np.unique(y, return_inverse=True)[1].astype(np.int64)
    return X, np.asarray(y)


def folds_for(dataset, n_samples):
    """The number of folds of ``dataset``: its own, else by its size."""
    if dataset.folds is not None:
        return dataset.folds
    return 5 if n_samples < FIVE_FOLDS_BELOW else 3


def repeats_for(n_samples):
    """How many times a task of ``n_samples`` rows is cross-validated."""
    return REPEATS if n_samples <= REPEAT_UP_TO else 1


def splits(dataset, X, y, max_folds=None, seed=SEED):
    """The (train, test) index pairs of ``dataset``, shuffled with ``seed``.

    ``max_folds`` caps the number of folds (``--quick``).
    """
    folds = folds_for(dataset, len(y))
    folds = folds if max_folds is None else min(folds, max_folds)
    stratified = dataset.task == CLF
    if folds == 1:
        kind = StratifiedShuffleSplit if stratified else ShuffleSplit
        cv = kind(n_splits=1, test_size=HOLDOUT, random_state=seed)
    else:
        kind = StratifiedKFold if stratified else KFold
        cv = kind(n_splits=folds, shuffle=True, random_state=seed)
    return list(cv.split(X, y))


def select(names=None, quick=False, half="all"):
    """The rows to run: those named (in table order, any half), else those
    of ``half`` ("tuning", "reporting" or "all": both), the quick ones only
    under ``quick``."""
    if names:
        unknown = set(names) - {d.name for d in DATASETS}
        if unknown:
            known = ", ".join(d.name for d in DATASETS)
            raise SystemExit(f"unknown data set(s) {sorted(unknown)}; known: {known}")
        return [d for d in DATASETS if d.name in names]
    wanted = corpus_split.HALVES if half == "all" else (half,)
    return [d for d in DATASETS if d.half in wanted and (d.quick or not quick)]


def find(name):
    """The row called ``name``, or None."""
    return next((d for d in DATASETS if d.name == name), None)


DATASETS = _table()
