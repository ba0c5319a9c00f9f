"""
Training diagnostics on two blobs
=================================

The 1986 notebook this library grew from trains a sigmoid network on two
blobs, looks at its error per sweep and its probability map, then retrains in
PyTorch with a learning-rate finder, a one-cycle schedule and recorders of the
loss, the activations, the gradients and the parameters, plotting each.

Here is the same study with the library: one ``callbacks=[...]`` list
instead of a hand-written training loop, the same calls on the NumPy and the
torch estimator. Figures are written as PNG files (into ``RUMELHART_FIGURES``,
default: the current directory).
"""

import os
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from sklearn.datasets import make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import classification_report
from sklearn.model_selection import train_test_split

from rumelhart import RumelhartClassifier, find_learning_rate
from rumelhart.callbacks import (
    ActivationRecorder,
    GradientRecorder,
    LossRecorder,
    WeightRecorder,
)
from rumelhart.plotting import (
    DiagnosticsDisplay,
    LossCurveDisplay,
    plot_decision_boundary,
)

FIGURES = Path(os.environ.get("RUMELHART_FIGURES", "."))
FIGURES.mkdir(parents=True, exist_ok=True)
warnings.simplefilter("ignore", ConvergenceWarning)


def save(fig, name):
    path = FIGURES / name
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    print(f"wrote {path}")


# %%
# Two blobs, as in the notebook
# -----------------------------
X, y = make_blobs(n_samples=1_000, n_features=2, centers=2, random_state=42)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=42)


def recorders():
    return [
        LossRecorder(),
        ActivationRecorder(every_n=5),
        GradientRecorder(every_n=5),
        WeightRecorder(every_n=5),
    ]


# %%
# The paper's network: sigmoid units, eps and alpha, mini-batches of 10
# ---------------------------------------------------------------------
numpy_model = RumelhartClassifier(
    hidden_layer_sizes=(10, 5),
    loss="squared_error",
    eps=0.5,
    alpha=0.5,
    batch_size=10,
    max_iter=10,
    random_state=42,
    callbacks=recorders(),
).fit(X_train, y_train)
print(classification_report(y_val, numpy_model.predict(X_val)))

fig, axes = plt.subplots(1, 2, figsize=(10, 4))
LossCurveDisplay.from_estimator(numpy_model, ax=axes[0])
plot_decision_boundary(
    numpy_model, X, y, ax=axes[1], response_method="predict_proba", cmap="coolwarm"
)
axes[1].set_title("P(class 1)")
save(fig, "diagnostics_numpy_probability_map.png")

# %%
# Find a learning rate, then train on torch with a one-cycle schedule
# -------------------------------------------------------------------
try:
    from rumelhart import TorchMLPClassifier
except ImportError:  # torch is an optional extra
    TorchMLPClassifier = None

if TorchMLPClassifier is not None:
    torch_model = TorchMLPClassifier(
        hidden_layer_sizes=(10, 5),
        activation="sigmoid",
        optimizer="sgd",
        momentum=0.9,
        batch_size=10,
        max_iter=4,
        device="cpu",
        random_state=42,
    )
    sweep = find_learning_rate(torch_model, X_train, y_train, start_lr=1e-4, end_lr=100)
    print(sweep)
    save(sweep.plot().figure_, "diagnostics_lr_finder.png")

    torch_model.set_params(
        lr=sweep.suggestion, lr_schedule="onecycle", callbacks=recorders()
    ).fit(X_train, y_train)
    print(f"torch validation accuracy: {torch_model.score(X_val, y_val):.3f}")
    models = {"numpy": numpy_model, "torch": torch_model}
else:
    models = {"numpy": numpy_model}

# %%
# Loss per batch, activations, gradients and weights, per layer
# -------------------------------------------------------------
panels = [
    ("activations", "mean"),
    ("activations", "saturated"),
    ("gradients", "norm"),
    ("weights", "std"),
]
for name, model in models.items():
    fig, axes = plt.subplots(1, len(panels) + 1, figsize=(20, 3.6))
    losses = model.history_["loss"]
    axes[0].plot([r["step"] for r in losses], [r["loss"] for r in losses])
    axes[0].set(title="loss per batch", xlabel="step", yscale="log")
    for ax, (kind, stat) in zip(axes[1:], panels):
        DiagnosticsDisplay.from_estimator(model, kind, stat, ax=ax)
    save(fig, f"diagnostics_{name}_recorders.png")
