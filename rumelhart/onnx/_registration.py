"""Registration of the converters with skl2onnx.

Each estimator class gets the parser, shape calculator and converter of its
kind; the parsers of ``Pipeline``, ``FeatureUnion`` and ``ColumnTransformer``
are wrapped so that an estimator whose outputs feed another step exports its
hidden features; the converters of a few scikit-learn steps are wrapped
where a DataFrame's text columns need it (see :mod:`._missing`).
"""

import skl2onnx
from skl2onnx._parse import sklearn_parsers_map, update_registered_parser
from sklearn.base import ClassifierMixin
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import FeatureUnion, Pipeline

from ._autoencoder import (
    AUTOENCODER_OPTIONS,
    autoencoder_shapes,
    convert_autoencoder,
    parse_autoencoder,
)
from ._classifier import (
    CLASSIFIER_OPTIONS,
    classifier_shapes,
    convert_classifier,
    parse_classifier,
)
from ._estimators import BaseMLP, MLPAutoencoderBase, estimator_classes
from ._missing import register_missing_text_converters
from ._operator import alias
from ._regressor import (
    REGRESSOR_OPTIONS,
    convert_regressor,
    parse_regressor,
    regressor_shapes,
)


def register_onnx_converters():
    """Register the estimators' parsers, shape calculators and converters
    with skl2onnx.

    After this call ``skl2onnx.to_onnx`` converts
    :class:`~rumelhart.RumelhartClassifier`,
    :class:`~rumelhart.RumelhartRegressor` and
    :class:`~rumelhart.RumelhartAutoencoder` (and
    :class:`~rumelhart.TorchMLPClassifier`,
    :class:`~rumelhart.TorchMLPRegressor` and
    :class:`~rumelhart.TorchAutoencoder` when torch is installed;
    registering them imports torch) alone or inside pipelines. Calling it
    again does no harm.

    The classifiers take skl2onnx's option ``zipmap`` (True, False or
    ``"columns"``); the classifiers and regressors take the option
    ``transform``: True exports the hidden features of ``transform``
    instead of the predictions (e.g. ``options={"mlp__transform": True}``
    for the step named ``"mlp"``). An autoencoder always exports its code,
    the output of ``transform``. An estimator whose outputs feed another step
    needs the features: this function wraps skl2onnx's parsers of
    ``Pipeline``, ``FeatureUnion`` and ``ColumnTransformer`` so that they
    set the option for such an estimator (one that is not the last step of
    its pipeline, or a part of a union or column transformer), unless it
    was set explicitly.

    It also wraps skl2onnx's converters of ``SimpleImputer``,
    ``OneHotEncoder`` and ``OrdinalEncoder`` for text inputs, where a
    missing value is the empty string (see :func:`make_feeds`): an imputer
    whose ``missing_values`` is NaN or None replaces empty strings, and an
    encoder that learned missing values as a category is refused with a
    ``NotImplementedError`` that says how to impute them, where skl2onnx
    would fail or give other outputs than the encoder's. A float64
    ``SimpleImputer`` of NaN is written with standard operators (``IsNaN``,
    ``Where``): onnxruntime runs skl2onnx's ``Imputer`` in float32 only.

    Returns
    -------
    classes : list of type
        The estimator classes registered.
    """
    classes = estimator_classes()
    for cls in classes:
        shapes, convert, parse, options = _kind(cls)
        skl2onnx.update_registered_converter(
            cls, alias(cls), shapes, convert, parser=parse, options=options
        )
    for cls in (Pipeline, FeatureUnion, ColumnTransformer):
        parser = sklearn_parsers_map[cls]
        if not getattr(parser, "marks_rumelhart_transforms", False):
            update_registered_parser(cls, _marking_transforms(parser))
    register_missing_text_converters()
    return classes


def _kind(cls):
    """``(shape_calculator, converter, parser, options)`` of ``cls``'s kind."""
    if issubclass(cls, MLPAutoencoderBase):
        return (
            autoencoder_shapes,
            convert_autoencoder,
            parse_autoencoder,
            AUTOENCODER_OPTIONS,
        )
    if issubclass(cls, ClassifierMixin):
        return (
            classifier_shapes,
            convert_classifier,
            parse_classifier,
            CLASSIFIER_OPTIONS,
        )
    return regressor_shapes, convert_regressor, parse_regressor, REGRESSOR_OPTIONS


def _marking_transforms(parser):
    """``parser`` of a composite, which first sets the option ``transform``
    of the estimators whose outputs feed another step (unless set)."""

    def parse(scope, model, inputs, custom_parsers=None):
        for estimator in _feeding_estimators(model):
            if "transform" not in scope.get_options(estimator, {}):
                scope.add_options(id(estimator), {"transform": True})
        return parser(scope, model, inputs, custom_parsers=custom_parsers)

    parse.marks_rumelhart_transforms = True
    return parse


def _feeding_estimators(model, feeds=False):
    """Estimators of this package in ``model`` whose outputs feed a next step."""
    if isinstance(model, Pipeline):
        steps = [step for _, step in model.steps if step not in (None, "passthrough")]
        for i, step in enumerate(steps):
            yield from _feeding_estimators(step, feeds or i < len(steps) - 1)
    elif isinstance(model, FeatureUnion):
        for _, part in model.transformer_list:
            yield from _feeding_estimators(part, True)
    elif isinstance(model, ColumnTransformer):
        for _, part, _ in getattr(model, "transformers_", model.transformers):
            yield from _feeding_estimators(part, True)
    elif hasattr(model, "best_estimator_"):
        yield from _feeding_estimators(model.best_estimator_, feeds)
    elif feeds and isinstance(model, BaseMLP):
        yield model
