"""
Comparing the estimators with GridSearchCV
==========================================

The estimators are ordinary scikit-learn estimators, so the usual model
selection tools apply unchanged. Here a ``Pipeline`` (``StandardScaler``, then
the network) is tuned by ``GridSearchCV`` for each of three multilayer
perceptrons on scikit-learn's breast-cancer data (569 tumours, 30 features,
malignant or benign):

* :class:`~rumelhart.RumelhartClassifier` (NumPy, the 1986 update);
* :class:`~rumelhart.TorchMLPClassifier` (PyTorch, on the CPU);
* scikit-learn's own :class:`~sklearn.neural_network.MLPClassifier`.

Each grid tries two widths of the hidden layer and two learning rates, with
3-fold cross-validation on the training set; the best pipeline of each is
then scored on a held-out test set.
"""

import os
import warnings
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from rumelhart import RumelhartClassifier, TorchMLPClassifier

matplotlib.use("Agg")
FIGURES = Path(os.environ.get("RUMELHART_FIGURES", "."))
FIGURES.mkdir(parents=True, exist_ok=True)

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)

# %%
# The three searches
# ------------------
# The learning rate is called ``eps`` (ε) in the NumPy estimator, as in the
# paper, ``lr`` in the torch one and ``learning_rate_init`` in scikit-learn's.

searches = {
    "RumelhartClassifier": (
        RumelhartClassifier(random_state=0),
        {"eps": [0.1, 0.5]},
    ),
    "TorchMLPClassifier": (
        TorchMLPClassifier(device="cpu", random_state=0),
        {"lr": [1e-3, 1e-2]},
    ),
    "MLPClassifier": (
        MLPClassifier(max_iter=500, random_state=0),
        {"learning_rate_init": [1e-3, 1e-2]},
    ),
}

results = {}
for name, (estimator, grid) in searches.items():
    pipeline = Pipeline([("scale", StandardScaler()), ("mlp", estimator)])
    param_grid = {"mlp__hidden_layer_sizes": [(16,), (64,)]}
    param_grid.update({f"mlp__{key}": values for key, values in grid.items()})
    search = GridSearchCV(pipeline, param_grid, cv=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X_train, y_train)
    best = search.best_index_
    results[name] = {
        "best parameters": {
            key.removeprefix("mlp__"): value
            for key, value in search.best_params_.items()
        },
        "cv accuracy": search.best_score_,
        "test accuracy": search.score(X_test, y_test),
        "fit time (s)": search.cv_results_["mean_fit_time"][best],
    }

# %%
# Results
# -------

header = (
    f"{'estimator':<22}{'cv acc.':>9}{'test acc.':>11}{'fit (s)':>9}  best parameters"
)
print(header)
print("-" * len(header))
for name, row in results.items():
    print(
        f"{name:<22}{row['cv accuracy']:>9.3f}{row['test accuracy']:>11.3f}"
        f"{row['fit time (s)']:>9.2f}  {row['best parameters']}"
    )

# %%
# All three reach about the same accuracy on this small, nearly linearly
# separable problem; they differ in how long one fit takes (mean over the
# cross-validation folds, for the best parameters).

names = list(results)
fig, (ax_acc, ax_time) = plt.subplots(1, 2, figsize=(10, 3.8))
positions = np.arange(len(names))
width = 0.38
ax_acc.bar(
    positions - width / 2,
    [results[n]["cv accuracy"] for n in names],
    width,
    label="cross-validation",
)
ax_acc.bar(
    positions + width / 2,
    [results[n]["test accuracy"] for n in names],
    width,
    label="test set",
)
ax_acc.set_ylim(0.9, 1.0)
ax_acc.set_ylabel("accuracy")
ax_acc.legend(loc="lower right")
ax_time.bar(positions, [results[n]["fit time (s)"] for n in names], color="tab:gray")
ax_time.set_ylabel("mean fit time (s)")
for ax in (ax_acc, ax_time):
    ax.set_xticks(positions, names, fontsize=8)
fig.suptitle("Breast cancer, StandardScaler + MLP, tuned by GridSearchCV")
fig.tight_layout()
fig.savefig(FIGURES / "model_comparison.png", dpi=100)
