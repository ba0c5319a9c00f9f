"""
Quick start: the 1986 network next to scikit-learn's MLP
========================================================

Cross-validates :class:`~rumelhart.RumelhartClassifier` and
:class:`~rumelhart.RumelhartRegressor` (sigmoid units, backpropagation with
the paper's momentum update) at their defaults, in a scikit-learn
``Pipeline``, next to scikit-learn's own MLP, on two data sets shipped with
scikit-learn:

- the 8x8 digits (classification, accuracy);
- the diabetes progression (regression, R²; the target is in raw units,
  25 to 346): scikit-learn's ``MLPRegressor`` at its defaults stops after
  200 iterations far from a fit, and needs ``max_iter=1000`` to get there,
  where ours scales the target inside the estimator and stops on a
  validation split.

Every model is fitted with five seeds on the same five folds; the tables
print the mean score (± its spread over folds and seeds) and the mean time
of one fit, then how much faster ours reaches the converged MLP's score.
BLAS and OpenMP run one thread each (``threadpoolctl``), so that a busy
machine slows every contender alike. With torch installed, the
:class:`~rumelhart.TorchMLPClassifier` and
:class:`~rumelhart.TorchMLPRegressor` join in.
"""

import importlib.util
import time
import warnings

import numpy as np
from sklearn.datasets import load_diabetes, load_digits
from sklearn.model_selection import KFold, StratifiedKFold, cross_validate
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from rumelhart import RumelhartClassifier, RumelhartRegressor

SEEDS = range(5)
HAS_TORCH = importlib.util.find_spec("torch") is not None


def classifiers():
    """name: a function of the seed giving a fresh, unfitted model."""
    models = {
        "RumelhartClassifier": lambda seed: RumelhartClassifier(random_state=seed),
        "MLPClassifier(max_iter=1000)": lambda seed: MLPClassifier(
            max_iter=1000, random_state=seed
        ),
    }
    if HAS_TORCH:
        from rumelhart import TorchMLPClassifier

        models["TorchMLPClassifier"] = lambda seed: TorchMLPClassifier(
            device="cpu", random_state=seed
        )
    return models


def regressors():
    """name: a function of the seed giving a fresh, unfitted model."""
    models = {
        "RumelhartRegressor": lambda seed: RumelhartRegressor(random_state=seed),
        "MLPRegressor()": lambda seed: MLPRegressor(random_state=seed),
        "MLPRegressor(max_iter=1000)": lambda seed: MLPRegressor(
            max_iter=1000, random_state=seed
        ),
    }
    if HAS_TORCH:
        from rumelhart import TorchMLPRegressor

        models["TorchMLPRegressor"] = lambda seed: TorchMLPRegressor(
            device="cpu", random_state=seed
        )
    return models


def cross_validated(make, X, y, folds):
    """Mean score, its spread and mean seconds per fit over seeds and folds."""
    scores, seconds = [], []
    for seed in SEEDS:
        pipeline = make_pipeline(StandardScaler(), make(seed))
        result = cross_validate(pipeline, X, y, cv=folds)
        scores.extend(result["test_score"])
        seconds.extend(result["fit_time"])
    return np.mean(scores), np.std(scores), np.mean(seconds)


def table(title, models, X, y, folds, metric):
    """Print one row per model; return {name: (score, spread, seconds)}."""
    print(f"\n{title} ({X.shape[0]} x {X.shape[1]}), 5 folds x {len(SEEDS)} seeds")
    print(f"{'model':>28}  {metric:>15}  {'s per fit':>9}")
    rows = {}
    for name, make in models.items():
        rows[name] = cross_validated(make, X, y, folds)
        mean, std, seconds = rows[name]
        print(f"{name:>28}  {mean:6.3f} +- {std:.3f}  {seconds:9.2f}")
    return rows


def verdict(rows, ours, peer, metric):
    """One line: score gap and time ratio of ``ours`` against ``peer``."""
    (score, spread, seconds), (peer_score, _, peer_seconds) = rows[ours], rows[peer]
    print(
        f"-> {ours}: {metric} {score - peer_score:+.3f} against {peer} "
        f"(spread {spread:.3f}), in {seconds / peer_seconds:.2f}x its time per fit"
    )


started = time.perf_counter()
with warnings.catch_warnings(), threadpool_limits(limits=1):
    warnings.simplefilter("ignore")  # the MLP's ConvergenceWarning at 200 iterations
    X, y = load_digits(return_X_y=True)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    rows = table("digits", classifiers(), X, y, folds, "accuracy")
    verdict(rows, "RumelhartClassifier", "MLPClassifier(max_iter=1000)", "accuracy")
    X, y = load_diabetes(return_X_y=True)
    folds = KFold(n_splits=5, shuffle=True, random_state=0)
    rows = table("diabetes", regressors(), X, y, folds, "R²")
    verdict(rows, "RumelhartRegressor", "MLPRegressor(max_iter=1000)", "R²")
    verdict(rows, "RumelhartRegressor", "MLPRegressor()", "R²")
print(f"\n({time.perf_counter() - started:.0f} s in all)")
