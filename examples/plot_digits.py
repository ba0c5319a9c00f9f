"""
Handwritten digits with a 64-128-64-10 network
==============================================

A standard first exercise with a deep-learning library is a
784-128-64-10 network on MNIST: flatten the 28 x 28 images, two hidden
layers, ten outputs, the cross-entropy, SGD on batches of 64. MNIST has to
be downloaded, so here we use the 8 x 8 digits that ship with scikit-learn
(1,797 images, 64 pixels each) in its place, with the same shape of network:
64 inputs, hidden layers of 128 and 64 units, 10 outputs.

* :class:`~rumelhart.RumelhartClassifier`: logistic hidden units, the
  paper's momentum update on full sweeps, softmax outputs with the
  cross-entropy (``loss="log_loss"``, the default);
* :class:`~rumelhart.TorchMLPClassifier`: ReLU hidden units, SGD with
  momentum on batches of 64, as in the MNIST tutorial.

Both sit in a ``Pipeline`` behind a ``StandardScaler``.
"""

import os
import time
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.metrics import ConfusionMatrixDisplay, accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from rumelhart import RumelhartClassifier, TorchMLPClassifier

matplotlib.use("Agg")
# sphinx_gallery_thumbnail_number = 2
FIGURES = Path(os.environ.get("RUMELHART_FIGURES", "."))
FIGURES.mkdir(parents=True, exist_ok=True)

digits = load_digits()
X_train, X_test, y_train, y_test = train_test_split(
    digits.data, digits.target, test_size=0.25, stratify=digits.target, random_state=0
)
print(f"{len(X_train)} training and {len(X_test)} test images of 8 x 8 pixels")

fig, axes = plt.subplots(1, 10, figsize=(10, 1.4))
for ax, image, label in zip(axes, digits.images, digits.target):
    ax.imshow(image, cmap="gray_r")
    ax.set_title(str(label))
    ax.axis("off")
fig.savefig(FIGURES / "digits_samples.png", dpi=100)

# %%
# Training both estimators
# ------------------------

models = {
    "RumelhartClassifier": RumelhartClassifier(
        hidden_layer_sizes=(128, 64), eps=0.5, alpha=0.9, random_state=0
    ),
    "TorchMLPClassifier": TorchMLPClassifier(
        hidden_layer_sizes=(128, 64),
        activation="relu",
        optimizer="sgd",
        lr=0.05,
        momentum=0.9,
        batch_size=64,
        device="cpu",
        random_state=0,
    ),
}
predictions = {}
for name, model in models.items():
    pipeline = make_pipeline(StandardScaler(), model)
    started = time.perf_counter()
    pipeline.fit(X_train, y_train)
    seconds = time.perf_counter() - started
    predictions[name] = pipeline.predict(X_test)
    accuracy = accuracy_score(y_test, predictions[name])
    print(
        f"{name}: test accuracy {accuracy:.3f} after {model.n_iter_} epochs "
        f"({seconds:.1f} s)"
    )

# %%
# Confusion matrices
# ------------------
# Rows are the true digits, columns the predicted ones; the few errors are
# spread thinly (an 8 read as a 1, a 9 as a 3...).

fig, axes = plt.subplots(1, 2, figsize=(11, 4.8))
for ax, (name, y_pred) in zip(axes, predictions.items()):
    ConfusionMatrixDisplay.from_predictions(
        y_test, y_pred, ax=ax, colorbar=False, cmap="Blues"
    )
    ax.set_title(f"{name}: accuracy {accuracy_score(y_test, y_pred):.3f}")
fig.tight_layout()
fig.savefig(FIGURES / "digits_confusion.png", dpi=100)

# %%
# Loss curves
# -----------
# One change of the weights per epoch for the NumPy network (full sweeps, as
# in the paper), 22 per epoch for torch (batches of 64).

fig, ax = plt.subplots(figsize=(6, 3.5))
for name, model in models.items():
    ax.plot(model.loss_curve_, label=name)
ax.set_xlabel("epoch")
ax.set_ylabel("training log loss")
ax.set_yscale("log")
ax.legend()
fig.tight_layout()
fig.savefig(FIGURES / "digits_loss.png", dpi=100)
