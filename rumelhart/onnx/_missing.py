"""Missing values of text columns, which ONNX string tensors cannot hold.

A DataFrame's missing text values (None, NaN, ``pd.NA``) reach the graph as
empty strings (:func:`~rumelhart.onnx.make_feeds`). skl2onnx converts a
``SimpleImputer`` of text only when its ``missing_values`` is a string, so
its converter is wrapped to treat the empty string as missing where
``missing_values`` is NaN or None (scikit-learn's default). An encoder that
learned missing values as a category converts to a graph that fails or
computes something else (skl2onnx 1.20), so it is refused with a message
that says how to impute them. A float64 imputer of NaN is written with
standard operators: onnxruntime runs ONNX-ML's ``Imputer`` in float32 only.
"""

import copy

import numpy as np
from skl2onnx.common._registration import get_converter, register_converter
from skl2onnx.common.data_types import DoubleTensorType, StringTensorType

from ._graph import ContainerGraph

#: What a text input holds in place of a missing value.
MISSING_TEXT = ""


def register_missing_text_converters():
    """Wrap skl2onnx's converters of the imputer and the encoders (once)."""
    _wrap("SklearnSimpleImputer", _imputer)
    _wrap("SklearnOneHotEncoder", _refusing_missing_categories)
    _wrap("SklearnOrdinalEncoder", _refusing_missing_categories)


def _wrap(alias, wrapper):
    registered = get_converter(alias)
    if getattr(registered, "rumelhart_wrapped", False):
        return
    convert = wrapper(registered)
    convert.rumelhart_wrapped = True
    register_converter(
        alias, convert, overwrite=True, options=registered.get_allowed_options()
    )


def is_missing(value):
    """Whether ``value`` is a missing-value marker: None, NaN or ``pd.NA``."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, and NaN-like scalars
    except TypeError:  # pd.NA refuses bool()
        return True


def _imputer(converter):
    def convert(scope, operator, container):
        imputer = operator.raw_operator
        if _imputes_in_float64(operator):
            _where_missing(scope, operator, container)
            return None
        text = isinstance(operator.inputs[0].type, StringTensorType)
        if not (text and is_missing(imputer.missing_values)):
            return converter(scope, operator, container)
        spelled = copy.copy(imputer)
        spelled.missing_values = MISSING_TEXT
        operator.raw_operator = spelled
        try:
            return converter(scope, operator, container)
        finally:
            operator.raw_operator = imputer

    return convert


def _imputes_in_float64(operator):
    """Whether a float64 imputer of NaN needs standard operators: skl2onnx
    writes ONNX-ML's ``Imputer``, which onnxruntime runs in float32 only."""
    imputer = operator.raw_operator
    if not all(isinstance(v.type, DoubleTensorType) for v in operator.inputs):
        return False
    statistics = np.asarray(imputer.statistics_, dtype=float)
    return (
        is_missing(imputer.missing_values)
        and not imputer.add_indicator
        and bool(np.isfinite(statistics).all())
    )


def _where_missing(scope, operator, container):
    """``X`` with each NaN replaced by its column's statistic."""
    graph = ContainerGraph(scope, container)
    names = [variable.full_name for variable in operator.inputs]
    x = names[0] if len(names) == 1 else graph.node("Concat", *names, axis=1)
    statistics = np.asarray(operator.raw_operator.statistics_)
    fill = graph.const("statistics", statistics.reshape(1, -1))
    output = operator.outputs[0].full_name
    graph.node("Where", graph.node("IsNaN", x), fill, x, out=output)


def _refusing_missing_categories(converter):
    def convert(scope, operator, container):
        encoder = operator.raw_operator
        for i, categories in enumerate(encoder.categories_):
            missing = [category for category in categories if is_missing(category)]
            if missing:
                raise NotImplementedError(
                    _missing_category_message(encoder, i, missing[0])
                )
        return converter(scope, operator, container)

    return convert


def _missing_category_message(encoder, column, value):
    names = getattr(encoder, "feature_names_in_", None)
    where = f"column {names[column]!r}" if names is not None else f"column {column}"
    name = type(encoder).__name__
    message = (
        f"{name} learned a missing value ({value!r}) as a category of its "
        f"{where}, which skl2onnx cannot convert. Impute missing values before "
        "the encoder, e.g. make_pipeline(SimpleImputer(strategy='constant', "
        f"fill_value='missing'), {name}(...)) for a text column."
    )
    if value is None:
        message += (
            " SimpleImputer's default missing_values=np.nan does not match None: "
            "pass missing_values=None for a column that holds None."
        )
    return message
