"""The converter of the autoencoders: the code of ``transform``, and the
decoder that :func:`~rumelhart.onnx.inverse_to_onnx` places in its graph."""

from ._estimators import code_layer
from ._features import convert_features, feature_shapes, parse_features
from ._network import decoded

#: The options an autoencoder takes in skl2onnx: its graph is always the
#: code, which the composites' parsers ask for as for the other estimators.
AUTOENCODER_OPTIONS = {"transform": [True]}


def parse_autoencoder(scope, model, inputs, custom_parsers=None):
    """Declare the one output, the code."""
    return parse_features(scope, model, inputs, custom_parsers)


def autoencoder_shapes(operator):
    """The code's type and shape: (n_samples, units of the code layer)."""
    feature_shapes(operator)


def convert_autoencoder(scope, operator, container):
    """The nodes of ``transform``: the encoder up to the code layer."""
    convert_features(scope, operator, container)


def decoder(graph, code, model, dtype, output=None):
    """``model.inverse_transform`` of the codes ``code``, into ``output``."""
    layer, _ = code_layer(model)
    return decoded(graph, code, model, layer, dtype, output)


def code_width(model):
    """Units of the layer ``inverse_transform`` decodes from."""
    return code_layer(model)[1]
