"""The graph builder: the built-in network and its output units as ONNX nodes.

Every converter draws the network from here: the dense layers and their
activations read off the fitted ``coefs_`` and ``intercepts_``, the hidden
features of ``transform``, the decoder of ``inverse_transform``, and the
output units that turn the network's outputs into what ``predict`` and
``predict_proba`` return. The functions write into a :class:`._graph.Graph`
and return the names of the values they computed.
"""

import numpy as np
from onnx import TensorProto

from .._math.activations import LEAKY_SLOPE
from ._estimators import hidden_activation, label_codes, regression_output, target_task

_ACTIVATIONS = {
    "identity": None,
    "logistic": "Sigmoid",
    "sigmoid": "Sigmoid",
    "tanh": "Tanh",
    "relu": "Relu",
    "elu": "Elu",  # alpha 1 by default, as torch's nn.ELU()
    "softplus": "Softplus",
    "exponential": "Exp",  # the log link of poisson and gamma
}


# -- the network -----------------------------------------------------------
def activate(graph, x, activation, dtype):
    """``x`` through the activation named ``activation``."""
    if activation == "gelu":
        return _gelu(graph, x, dtype)
    if activation == "silu":
        return graph.node("Mul", x, graph.node("Sigmoid", x))
    if activation == "leaky_relu":
        return graph.node("LeakyRelu", x, alpha=LEAKY_SLOPE)
    if activation == "softmax":
        return graph.node("Softmax", x, axis=1)
    op_type = _ACTIVATIONS[activation]
    return x if op_type is None else graph.node(op_type, x)


def _gelu(graph, x, dtype):
    """Exact GELU, ``x (1 + erf(x / sqrt(2))) / 2`` (torch's ``nn.GELU()``)."""
    scaled = graph.node("Mul", x, graph.const("sqrt_half", np.array(0.5**0.5, dtype)))
    one = graph.const("one", np.array(1, dtype))
    gate = graph.node("Add", graph.node("Erf", scaled), one)
    half = graph.const("half", np.array(0.5, dtype))
    return graph.node("Mul", graph.node("Mul", x, gate), half)


def dense_layers(graph, x, model, dtype, start=0, stop=None):
    """Activated outputs of the layers ``start`` to ``stop - 1`` (0-based)
    of the built-in network, ``x`` being the input of layer ``start``."""
    n_layers = len(model.coefs_)
    stop = n_layers if stop is None else stop
    hidden = hidden_activation(model)
    outputs = []
    for i in range(start, stop):
        weights = graph.const("coef", np.asarray(model.coefs_[i], dtype))
        bias = graph.const("intercept", np.asarray(model.intercepts_[i], dtype))
        z = graph.node("Gemm", x, weights, bias)
        last = i == n_layers - 1
        x = activate(graph, z, model.out_activation_ if last else hidden, dtype)
        outputs.append(x)
    return outputs


def features(graph, x, model, layers, dtype, output):
    """The hidden features of ``model.transform``: layers ``layers``, joined."""
    hidden = dense_layers(graph, x, model, dtype, stop=max(layers) + 1)
    chosen = [hidden[i] for i in layers]
    if len(chosen) == 1:
        return graph.node("Identity", chosen[0], out=output)
    return graph.node("Concat", *chosen, out=output, axis=1)


def decoded(graph, code, model, layer, dtype, output):
    """``model.inverse_transform``: the network's outputs from the outputs
    ``code`` of hidden layer ``layer``."""
    out = dense_layers(graph, code, model, dtype, start=layer + 1)[-1]
    return graph.node("Identity", out, out=output)


# -- the output units --------------------------------------------------------
def classifier_outputs(graph, out, model, dtype, label, proba):
    """``predict`` and ``predict_proba`` of a classifier from the network's
    outputs ``out``, into the values named ``label`` and ``proba``."""
    eps = np.finfo(dtype).eps
    task = target_task(model)
    if task == "multilabel":  # each label's larger code where p > 0.5
        _clip(graph, out, eps, 1 - eps, dtype, out=proba)
        codes, _ = label_values(label_codes(model))
        on = _above_half(graph, out, dtype)
        graph.node("Gather", graph.const("codes", codes), on, out=label, axis=0)
        return
    if task == "binary":  # one logistic unit: P(second class)
        p = _clip(graph, out, eps, 1 - eps, dtype)
        q = graph.node("Sub", graph.const("one", np.array(1, dtype)), p)
        graph.node("Concat", q, p, out=proba, axis=1)
        shape = graph.const("shape", np.array([-1], np.int64))
        index = graph.node("Reshape", _above_half(graph, out, dtype), shape)
    else:  # softmax, or logistic units normalised to sum to one
        clipped = _clip(graph, out, eps, None, dtype)
        ones = graph.const("ones", np.ones((len(model.classes_), 1), dtype))
        graph.node("Div", clipped, graph.node("MatMul", clipped, ones), out=proba)
        index = graph.node("ArgMax", out, axis=1, keepdims=0)
    labels, _ = label_values(model.classes_)
    graph.node("Gather", graph.const("classes", labels), index, out=label, axis=0)


def _above_half(graph, x, dtype, out=None):
    """``(x > 0.5)`` as int64 0s and 1s."""
    above = graph.node("Greater", x, graph.const("half", np.array(0.5, dtype)))
    return graph.node("Cast", above, out=out, to=TensorProto.INT64)


def _clip(graph, x, low, high, dtype, out=None):
    """``x`` clipped to ``[low, high]`` (Max and Min: the same in every opset)."""
    if high is None:
        return graph.node("Max", x, graph.const("low", np.array(low, dtype)), out=out)
    x = graph.node("Max", x, graph.const("low", np.array(low, dtype)))
    return graph.node("Min", x, graph.const("high", np.array(high, dtype)), out=out)


def regressor_output(graph, out, model, dtype, output):
    """``predict`` of a regressor: scaled back, constant targets exact."""
    scale, shift, one_d = regression_output(model)
    scaled = graph.node("Mul", out, graph.const("y_scale", scale.astype(dtype)))
    y = graph.node(
        "Add",
        scaled,
        graph.const("y_mean", shift.astype(dtype)),
        out=None if one_d else output,
    )
    if one_d:
        shape = graph.const("shape", np.array([-1], np.int64))
        graph.node("Reshape", y, shape, out=output)


def label_values(classes):
    """``classes`` as ONNX holds them: int64 numbers or strings, and the
    matching ``TensorProto`` type."""
    classes = np.asarray(classes)
    if classes.dtype.kind in "iub":
        return classes.astype(np.int64), TensorProto.INT64
    if classes.dtype.kind == "f" and np.array_equal(classes, np.round(classes)):
        return classes.astype(np.int64), TensorProto.INT64
    if all(isinstance(label, str) for label in classes.tolist()):
        return classes.astype(str), TensorProto.STRING
    raise TypeError(
        "ONNX labels are integers or strings; classes_="
        f"{classes.tolist()!r} holds other values. Fit the classifier on "
        "integer or string labels to export it."
    )
