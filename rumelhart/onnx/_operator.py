"""What every converter shares: its operator's declaration, type and inputs."""

import numpy as np
from onnx import helper
from skl2onnx.common.data_types import (
    DoubleTensorType,
    FloatTensorType,
    guess_tensor_type,
)
from sklearn.utils.validation import check_is_fitted

from ._graph import ContainerGraph


def transforms(scope, model):
    """Whether the option ``transform`` asks for the hidden features."""
    return bool(scope.get_options(model, {"transform": False})["transform"])


def is_double(inputs):
    """Whether the graph computes in float64: when an input is float64."""
    return any(isinstance(variable.type, DoubleTensorType) for variable in inputs)


def tensor_type(inputs):
    """The skl2onnx tensor type of the values the network computes."""
    return DoubleTensorType if is_double(inputs) else FloatTensorType


def begin(scope, operator, container):
    """``(graph, x, dtype)``: the graph to write the operator's nodes into, its
    input as one matrix, and the arithmetic's NumPy type."""
    graph = ContainerGraph(scope, container)
    dtype = np.float64 if is_double(operator.inputs) else np.float32
    return graph, _joined_input(graph, operator.inputs, dtype), dtype


def _joined_input(graph, inputs, dtype):
    """The inputs (one per column of a DataFrame) as one matrix of ``dtype``."""
    wanted = DoubleTensorType if dtype == np.float64 else FloatTensorType
    onnx_type = helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
    names = [
        variable.full_name
        if isinstance(variable.type, wanted)
        else graph.node("Cast", variable.full_name, to=onnx_type)
        for variable in inputs
    ]
    return names[0] if len(names) == 1 else graph.node("Concat", *names, axis=1)


def alias(cls):
    """The name skl2onnx knows the estimator class ``cls`` by."""
    return f"Rumelhart{cls.__name__}"


def check_exportable(model):
    """Refuse an estimator whose network the converters cannot read."""
    check_is_fitted(model)
    if not hasattr(model, "coefs_"):
        raise NotImplementedError(
            f"This {type(model).__name__} was fitted with a custom torch module, "
            "which skl2onnx cannot convert inside a pipeline or another "
            "estimator. Export the estimator alone with "
            "rumelhart.onnx.to_onnx(estimator, X) (or module_to_onnx), and the "
            "steps around it separately."
        )


def declare_output(scope, model, inputs):
    """One operator for ``model`` with one output, typed by the shape
    calculator; returns its outputs."""
    operator = scope.declare_local_operator(alias(type(model)), model)
    operator.inputs = inputs
    output = scope.declare_local_variable("variable", guess_tensor_type(inputs[0].type))
    operator.outputs.append(output)
    return operator.outputs
