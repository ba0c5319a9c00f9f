"""rumelhart: scikit-learn multilayer perceptrons, from the 1986 paper to PyTorch.

``RumelhartClassifier`` and ``RumelhartRegressor`` are the paper's sigmoid
networks in NumPy; ``TorchMLPClassifier`` and ``TorchMLPRegressor`` the same
estimators on PyTorch, imported only when first used so that
``import rumelhart`` never imports torch.
"""

from . import callbacks, datasets, paper, schedules
from ._groups import NamedColumns
from ._version import __version__ as __version__
from .lr_finder import find_learning_rate
from .rumelhart_mlp import RumelhartAutoencoder, RumelhartClassifier, RumelhartRegressor

__all__ = [
    "NamedColumns",
    "RumelhartAutoencoder",
    "RumelhartClassifier",
    "RumelhartRegressor",
    "TorchAutoencoder",
    "TorchMLPClassifier",
    "TorchMLPRegressor",
    "callbacks",
    "datasets",
    "find_learning_rate",
    "paper",
    "schedules",
]

_TORCH_ESTIMATORS = {"TorchAutoencoder", "TorchMLPClassifier", "TorchMLPRegressor"}


def __getattr__(name):
    if name in _TORCH_ESTIMATORS:
        from . import torch_mlp

        return getattr(torch_mlp, name)
    raise AttributeError(f"module 'rumelhart' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _TORCH_ESTIMATORS)
