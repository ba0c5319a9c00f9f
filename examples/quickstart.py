"""
Quick start: the 1986 network next to scikit-learn's MLP
========================================================

Cross-validates a :class:`~rumelhart.RumelhartClassifier` (sigmoid units,
backpropagation with the paper's momentum update) at its defaults, in a
scikit-learn ``Pipeline``, on the 8x8 digits shipped with scikit-learn, next
to scikit-learn's own ``MLPClassifier`` at its defaults (``max_iter`` raised
so that it converges). Every model is fitted with five seeds on the same
five folds; the table prints the mean accuracy and the mean time of one fit.
With torch installed, :class:`~rumelhart.TorchMLPClassifier` joins in.
"""

import importlib.util
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from rumelhart import RumelhartClassifier

SEEDS = range(5)


def contenders():
    """name: a function of the seed giving a fresh, unfitted model."""
    models = {
        "RumelhartClassifier": lambda seed: RumelhartClassifier(random_state=seed),
        "MLPClassifier": lambda seed: MLPClassifier(max_iter=1000, random_state=seed),
    }
    if importlib.util.find_spec("torch") is not None:
        from rumelhart import TorchMLPClassifier

        models["TorchMLPClassifier"] = lambda seed: TorchMLPClassifier(
            device="cpu", random_state=seed
        )
    return models


def cross_validated(make, X, y, folds):
    """Mean accuracy and mean seconds per fit over every seed and fold."""
    scores, seconds = [], []
    for seed in SEEDS:
        pipeline = make_pipeline(StandardScaler(), make(seed))
        result = cross_validate(pipeline, X, y, cv=folds)
        scores.extend(result["test_score"])
        seconds.extend(result["fit_time"])
    return np.mean(scores), np.std(scores), np.mean(seconds)


X, y = load_digits(return_X_y=True)
folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
print(f"digits ({X.shape[0]} x {X.shape[1]}), 5 folds x {len(SEEDS)} seeds")
print(f"{'model':>20}  {'accuracy':>15}  {'s per fit':>9}")
started = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # e.g. torch's notices on first use
    for name, make in contenders().items():
        mean, std, seconds = cross_validated(make, X, y, folds)
        print(f"{name:>20}  {mean:.3f} +- {std:.3f}  {seconds:9.2f}")
print(f"({time.perf_counter() - started:.0f} s in all)")
