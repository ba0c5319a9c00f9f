"""
A deep autoencoder's codes beside PCA, kernel PCA and Isomap
============================================================

An autoencoder learns a code of its inputs with no labels. With one hidden
layer of *k* units and linear outputs the best it can do is PCA's subspace,
where :class:`~rumelhart.TorchAutoencoder` and
:class:`~rumelhart.RumelhartAutoencoder` now start (``init="auto"``); a
deeper network, ``(64, k, 64)``, bends its code around the data.

On the 8×8 digits (pixels standardised), we draw the 2-D codes of four
unsupervised extractors fitted on the same images, and score each as a
feature extractor: a :class:`~sklearn.linear_model.LogisticRegression` on
the codes, by stratified 3-fold cross-validation (the extractor is fitted
on the training folds only, inside the pipeline).
"""

import os
import warnings
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA, KernelPCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.manifold import Isomap
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from rumelhart import TorchAutoencoder

matplotlib.use("Agg")
warnings.simplefilter("ignore", ConvergenceWarning)
FIGURES = Path(os.environ.get("RUMELHART_FIGURES", "."))
FIGURES.mkdir(parents=True, exist_ok=True)
# RUMELHART_EXAMPLES_QUICK=1 (the test suite): 600 images, 60 epochs, no CV.
QUICK = os.environ.get("RUMELHART_EXAMPLES_QUICK", "") not in ("", "0")

X, y = load_digits(return_X_y=True)
if QUICK:
    X, y = X[:600], y[:600]
K = 2  # the code size: a code we can draw


def extractors():
    """The four unsupervised extractors of K components."""
    return {
        "PCA": PCA(K),
        "kernel PCA (RBF)": KernelPCA(K, kernel="rbf"),
        "Isomap": Isomap(n_components=K),
        "autoencoder (64, 2, 64)": TorchAutoencoder(
            (64, K, 64), max_iter=60 if QUICK else 500, device="cpu", random_state=0
        ),
    }


# %%
# The codes
# ---------
fig, axes = plt.subplots(1, 4, figsize=(16, 4))
for ax, (name, extractor) in zip(axes, extractors().items(), strict=True):
    codes = make_pipeline(StandardScaler(), extractor).fit_transform(X)
    scatter = ax.scatter(codes[:, 0], codes[:, 1], c=y, cmap="tab10", s=6)
    ax.set_title(name)
    ax.set_xticks([])
    ax.set_yticks([])
fig.colorbar(scatter, ax=axes, label="digit")
fig.savefig(FIGURES / "autoencoder_codes.png", dpi=80, bbox_inches="tight")

# %%
# The codes as features
# ---------------------
if not QUICK:
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    scores = {}
    for name, extractor in extractors().items():
        model = make_pipeline(
            StandardScaler(), extractor, StandardScaler(), LogisticRegression()
        )
        scores[name] = cross_val_score(model, X, y, cv=folds).mean()
        print(f"{name:>26}: accuracy {scores[name]:.3f}")
    print(
        "AUTOENCODER_CODES "
        + " ".join(f"{n.split()[0].lower()}={s:.3f}" for n, s in scores.items())
    )
