"""Shared fixtures: the estimators under test, torch ones only when installed."""

import importlib.util
import os

# Let scikit-learn's array-API estimator check run (with NumPy) instead of
# skipping; SciPy reads this once, at its first import.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import pytest

from rumelhart import RumelhartClassifier, RumelhartRegressor

HAS_TORCH = importlib.util.find_spec("torch") is not None

NUMPY_CLASSIFIERS = [RumelhartClassifier]
NUMPY_REGRESSORS = [RumelhartRegressor]


def torch_classes():
    """The torch estimator classes, or an empty list without torch."""
    if not HAS_TORCH:
        return [], []
    from rumelhart import TorchMLPClassifier, TorchMLPRegressor

    return [TorchMLPClassifier], [TorchMLPRegressor]


TORCH_CLASSIFIERS, TORCH_REGRESSORS = torch_classes()
CLASSIFIERS = NUMPY_CLASSIFIERS + TORCH_CLASSIFIERS
REGRESSORS = NUMPY_REGRESSORS + TORCH_REGRESSORS
ESTIMATORS = CLASSIFIERS + REGRESSORS


def pytest_collection_modifyitems(config, items):
    try:
        import torch

        has_cuda = torch.cuda.is_available()
    except ImportError:
        has_cuda = False
    if has_cuda:
        return
    skip = pytest.mark.skip(reason="needs a CUDA device")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)
