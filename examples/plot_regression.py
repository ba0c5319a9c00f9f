"""
Regression on noisy data
========================

The 1986 tutorial this library grew from opens with a regression problem
from ``sklearn.datasets.make_regression``: 100 points, one feature, noise of
standard deviation 20. Here both regressors fit it:
:class:`~rumelhart.RumelhartRegressor` (logistic hidden units, a linear output
unit, the paper's momentum update on full sweeps, in NumPy) and
:class:`~rumelhart.TorchMLPRegressor` (ReLU hidden units and Adam, on the
CPU). Both standardise the target internally (``scale_target=True``), so the
default learning rates suit any scale of ``y``.
"""

import os
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_regression
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split

from rumelhart import RumelhartRegressor, TorchMLPRegressor

matplotlib.use("Agg")
FIGURES = Path(os.environ.get("RUMELHART_FIGURES", "."))
FIGURES.mkdir(parents=True, exist_ok=True)
SEED = 42

X, y = make_regression(n_samples=100, n_features=1, noise=20, random_state=SEED)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.2, random_state=SEED, shuffle=True
)

# %%
# Fitting
# -------
# The data are linear plus noise, so a small network should do about as well
# as least squares, and no better; ordinary least squares is the yardstick.

models = {
    "RumelhartRegressor": RumelhartRegressor(hidden_layer_sizes=(10,), random_state=0),
    "TorchMLPRegressor": TorchMLPRegressor(
        hidden_layer_sizes=(10,), lr=0.01, device="cpu", random_state=0
    ),
    "LinearRegression": LinearRegression(),
}
for name, model in models.items():
    model.fit(X_train, y_train)
    score = r2_score(y_test, model.predict(X_test))
    epochs = f" after {model.n_iter_} epochs" if hasattr(model, "n_iter_") else ""
    print(f"{name}: test R² {score:.3f}{epochs}")

# %%
# The fitted curves
# -----------------

grid = np.linspace(X.min() - 0.5, X.max() + 0.5, 200).reshape(-1, 1)
fig, (ax, ax_loss) = plt.subplots(1, 2, figsize=(11, 4))
ax.scatter(X_train[:, 0], y_train, s=15, alpha=0.6, label="training points")
ax.scatter(X_test[:, 0], y_test, s=25, marker="x", c="k", label="test points")
for name, model in models.items():
    ax.plot(grid[:, 0], model.predict(grid), lw=2, label=name)
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.legend()
ax.set_title("make_regression(n_features=1, noise=20)")

for name in ("RumelhartRegressor", "TorchMLPRegressor"):
    ax_loss.plot(models[name].loss_curve_, label=name)
ax_loss.set_xlabel("epoch")
ax_loss.set_ylabel("training loss (standardised y)")
ax_loss.set_yscale("log")
ax_loss.legend()
fig.tight_layout()
fig.savefig(FIGURES / "regression_fit.png", dpi=100)
