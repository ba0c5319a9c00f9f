"""What the converters read off rumelhart's estimators, in one place.

Every import of rumelhart's estimator and engine modules in this package is
in this file, and so is every read of their private attributes: when those
modules move or change, this file is the one to re-point.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._autoencoder import MLPAutoencoderBase
from .._estimator import BaseMLP
from ..rumelhart_mlp import (
    RumelhartAutoencoder,
    RumelhartClassifier,
    RumelhartRegressor,
)

__all__ = [
    "BaseMLP",
    "MLPAutoencoderBase",
    "code_layer",
    "estimator_classes",
    "has_custom_module",
    "hidden_activation",
    "is_autoencoder",
    "label_codes",
    "regression_output",
    "target_task",
    "transform_layers",
]


def estimator_classes():
    """The estimator classes to register: the torch ones only where torch is."""
    classes = [RumelhartClassifier, RumelhartRegressor, RumelhartAutoencoder]
    try:
        from ..torch_mlp import TorchAutoencoder, TorchMLPClassifier, TorchMLPRegressor
    except ImportError:
        return classes
    return [*classes, TorchMLPClassifier, TorchMLPRegressor, TorchAutoencoder]


def is_autoencoder(model):
    """Whether ``model`` is one of the autoencoders."""
    return isinstance(model, MLPAutoencoderBase)


def has_custom_module(model):
    """Whether ``model`` is a fitted torch estimator with its own module."""
    if not isinstance(model, BaseMLP):
        return False
    check_is_fitted(model)
    return not hasattr(model, "coefs_")


def hidden_activation(model):
    """The hidden layers' activation the network was trained with."""
    engine_activation = getattr(model._engine, "hidden_activation", None)
    return engine_activation or model._backend_spec().hidden_activation


def transform_layers(model):
    """The hidden layers (0-based) that ``model.transform`` returns."""
    return model._transform_layers()


def code_layer(model):
    """The one hidden layer ``inverse_transform`` decodes from, and its width.

    Raises the ``ValueError`` of ``inverse_transform`` where
    ``transform_layer="all"`` concatenates several.
    """
    layers = transform_layers(model)
    if len(layers) != 1:
        raise ValueError(
            "inverse_transform decodes one hidden layer; transform_layer='all' "
            "concatenates several."
        )
    return layers[0], model.coefs_[layers[0]].shape[1]


def target_task(model):
    """A classifier's task: ``"binary"``, ``"multiclass"`` or ``"multilabel"``."""
    return model._target.task


def label_codes(model):
    """A multi-label classifier's two codes, smaller first (0/1, -1/+1...)."""
    return model._multilabel_format()[0]


def regression_output(model):
    """``(scale, shift, one_d)`` of a regressor's ``predict``.

    ``predict`` is ``output * scale + shift``; target columns that were
    constant in training have scale 0 and their constant as shift. ``one_d``:
    fitted on a 1-D ``y``.
    """
    if model._target.quantile_columns:
        raise ValueError(
            "ONNX export of a regressor fitted with a list of quantiles is not "
            "supported: the graph would not sort them as predict does. Fit one "
            "regressor per level to export."
        )
    constant = np.asarray(model._y_constant, bool)
    scale = np.where(constant, 0.0, model._y_scale)
    calibrated = getattr(model, "quantile_shifts_", None)  # conformal shifts
    mean = model._y_mean if calibrated is None else model._y_mean + calibrated
    shift = np.where(constant, model._y_level, mean)
    return scale, shift, model._y_ndim == 1
