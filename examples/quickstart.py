"""
Quick start: the 1986 network on handwritten digits
===================================================

Trains a :class:`~rumelhart.RumelhartClassifier` (sigmoid units, backpropagation
with the paper's momentum update) inside a scikit-learn ``Pipeline`` on the
8x8 digits shipped with scikit-learn, and prints its held-out accuracy next to
scikit-learn's own ``MLPClassifier``.
"""

import time

from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from rumelhart import RumelhartClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)

for model in (
    RumelhartClassifier(hidden_layer_sizes=(100,), eps=0.5, alpha=0.9, random_state=0),
    MLPClassifier(max_iter=500, random_state=0),
):
    pipeline = make_pipeline(StandardScaler(), model)
    started = time.perf_counter()
    pipeline.fit(X_train, y_train)
    seconds = time.perf_counter() - started
    print(
        f"{type(model).__name__:>20}: test accuracy "
        f"{pipeline.score(X_test, y_test):.3f}  ({seconds:.2f} s to fit)"
    )
