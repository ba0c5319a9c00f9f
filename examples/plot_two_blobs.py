"""
Two blobs: a probability map
============================

The tutorial this library grew from trains a sigmoid network "in the spirit
of" Rumelhart et al. (1986) on two Gaussian blobs, then draws the predicted
probability of one class over the whole plane. Here the same data, the same
network shape (two hidden layers of 10 and 5 logistic units) and the same
steps, with :class:`~rumelhart.RumelhartClassifier` in NumPy and with
:class:`~rumelhart.TorchMLPClassifier` trained by SGD with a one-cycle
learning-rate schedule.
"""

import os
import warnings
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import classification_report
from sklearn.model_selection import train_test_split

from rumelhart import RumelhartClassifier, TorchMLPClassifier

matplotlib.use("Agg")
FIGURES = Path(os.environ.get("RUMELHART_FIGURES", "."))
FIGURES.mkdir(parents=True, exist_ok=True)
SEED = 42

X, y = make_blobs(n_samples=1_000, n_features=2, centers=2, random_state=SEED)
X_train, X_val, y_train, y_val = train_test_split(
    X, y, test_size=0.2, random_state=SEED, shuffle=True
)

# %%
# The 1986 network in NumPy
# -------------------------
# Logistic hidden units, the learning rate ε (``eps``) and the momentum α
# (``alpha``) of eq. 9; ``loss_curve_`` is the tutorial's ``errors_``.

model = RumelhartClassifier(
    hidden_layer_sizes=(10, 5), eps=0.5, alpha=0.9, random_state=SEED
)
model.fit(X_train, y_train)
print(f"RumelhartClassifier: {model.n_iter_} epochs")
print(classification_report(y_val, model.predict(X_val)))

# %%
# The same with PyTorch
# ---------------------
# Sigmoid hidden units, plain SGD with momentum, batches of 10 and a
# one-cycle schedule, on the CPU. The schedule spans ``max_iter`` epochs, so
# training always runs all of them (we silence the warning that says so).

torch_model = TorchMLPClassifier(
    hidden_layer_sizes=(10, 5),
    activation="sigmoid",
    optimizer="sgd",
    lr=1.0,
    momentum=0.9,
    lr_schedule="onecycle",
    batch_size=10,
    max_iter=5,
    device="cpu",
    random_state=SEED,
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    torch_model.fit(X_train, y_train)
print(f"TorchMLPClassifier: {torch_model.n_iter_} epochs")
print(classification_report(y_val, torch_model.predict(X_val)))

# %%
# Probability maps
# ----------------
# ``predict_proba`` on a 100 x 100 grid covering the data; the colour is the
# probability of class 1.

x0 = np.linspace(X[:, 0].min() - 1, X[:, 0].max() + 1, 100)
x1 = np.linspace(X[:, 1].min() - 1, X[:, 1].max() + 1, 100)
X0, X1 = np.meshgrid(x0, x1)
X_plot = np.column_stack([X0.ravel(), X1.ravel()])

fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), sharey=True, layout="constrained")
for ax, (name, clf) in zip(
    axes, [("RumelhartClassifier", model), ("TorchMLPClassifier", torch_model)]
):
    proba = clf.predict_proba(X_plot)[:, 1].reshape(X0.shape)
    mesh = ax.pcolormesh(X0, X1, proba, cmap="RdBu_r", vmin=0, vmax=1, alpha=0.5)
    for label, color in [(0, "tab:blue"), (1, "tab:red")]:
        ax.scatter(*X[y == label].T, s=8, c=color, alpha=0.4, label=f"class {label}")
    ax.set_title(f"{name}: P(class 1)")
    ax.set_xlabel("feature 0")
axes[0].set_ylabel("feature 1")
axes[0].legend(loc="lower right")
fig.colorbar(mesh, ax=axes, shrink=0.9)
fig.savefig(FIGURES / "two_blobs_probability.png", dpi=100)

# %%
# Training loss
# -------------
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(model.loss_curve_, label="RumelhartClassifier (full sweeps)")
ax.plot(torch_model.loss_curve_, "o-", label="TorchMLPClassifier (batches of 10)")
ax.set_xlabel("epoch")
ax.set_ylabel("log loss")
ax.set_yscale("log")
ax.legend()
fig.tight_layout()
fig.savefig(FIGURES / "two_blobs_loss.png", dpi=100)
