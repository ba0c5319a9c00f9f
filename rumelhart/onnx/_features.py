"""The converter of ``transform``: the hidden features an estimator learned.

An autoencoder always exports them (its code); a classifier or regressor
does under the option ``transform``, which the composites' parsers set for an
estimator whose outputs feed another step (see :mod:`._registration`).
:func:`predictor_converter` makes the converters of both, which fall back
to the features under that option.
"""

from ._estimators import transform_layers
from ._network import dense_layers, features
from ._operator import (
    begin,
    check_exportable,
    declare_output,
    tensor_type,
    transforms,
)


def parse_features(scope, model, inputs, custom_parsers=None):
    """Declare the one output, the features."""
    check_exportable(model)
    return declare_output(scope, model, inputs)


def feature_shapes(operator):
    """The features' type and shape: (n_samples, width of the chosen layers)."""
    model = operator.raw_operator
    n = operator.inputs[0].get_first_dimension()
    width = sum(model.coefs_[i].shape[1] for i in transform_layers(model))
    operator.outputs[0].set_type(tensor_type(operator.inputs)([n, width]))


def convert_features(scope, operator, container):
    """The nodes of ``transform``, from the operator's inputs to its output."""
    model = operator.raw_operator
    graph, x, dtype = begin(scope, operator, container)
    layers = transform_layers(model)
    features(graph, x, model, layers, dtype, operator.outputs[0].full_name)


def predictor_converter(write_predictions):
    """The converter of a classifier or regressor: the hidden features under
    the option ``transform``; else the output layer, from whose raw values
    ``write_predictions(scope, operator, graph, out, dtype)`` writes the
    operator's outputs."""

    def convert(scope, operator, container):
        """The nodes from the operator's inputs to its outputs."""
        model = operator.raw_operator
        if transforms(scope, model):
            convert_features(scope, operator, container)
            return
        graph, x, dtype = begin(scope, operator, container)
        out = dense_layers(graph, x, model, dtype)[-1]
        write_predictions(scope, operator, graph, out, dtype)

    return convert
