"""The graph of ``inverse_transform``: codes back to inputs.

An autoencoder's ``inverse_transform`` takes codes, not inputs, so it gets
a graph of its own whose input is the code; inside a ``Pipeline`` the
steps' inverses follow in reverse order, as ``Pipeline.inverse_transform``
applies them. skl2onnx converts no ``inverse_transform``; the scalers'
inverses are written here.
"""

import numpy as np
import onnx
import skl2onnx
from onnx import helper
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    MaxAbsScaler,
    MinMaxScaler,
    RobustScaler,
    StandardScaler,
)
from sklearn.utils.validation import check_is_fitted

from ._autoencoder import code_width, decoder
from ._estimators import is_autoencoder
from ._frames import check_dtype
from ._graph import ProtoGraph
from ._operator import check_exportable

#: The scalers' inverses: ``(operator, fitted attribute, parameter)`` in
#: order of application; a step is skipped where its parameter is False
#: (``StandardScaler(with_mean=False)`` still fits ``mean_``).
_SCALER_INVERSES = {
    StandardScaler: [("Mul", "scale_", "with_std"), ("Add", "mean_", "with_mean")],
    MinMaxScaler: [("Sub", "min_", None), ("Div", "scale_", None)],
    MaxAbsScaler: [("Mul", "scale_", None)],
    RobustScaler: [
        ("Mul", "scale_", "with_scaling"),
        ("Add", "center_", "with_centering"),
    ],
}


def inverse_to_onnx(model, *, dtype=np.float32, target_opset=None):
    """Convert ``inverse_transform`` of a fitted autoencoder, or of a
    pipeline ending in one, to ONNX.

    The graph's input ``X`` takes codes (outputs of ``transform``, shape
    (n_samples, n_code_units)); its output ``variable`` is
    ``model.inverse_transform(X)``. In a ``Pipeline`` the steps' inverses
    run in reverse order, as in ``Pipeline.inverse_transform``: the
    autoencoders', and those of ``StandardScaler``, ``MinMaxScaler``,
    ``MaxAbsScaler`` and ``RobustScaler``.

    Parameters
    ----------
    model : RumelhartAutoencoder, TorchAutoencoder or Pipeline
        Fitted; a pipeline of the steps above (``"passthrough"`` allowed)
        holding at least one autoencoder.
    dtype : numpy dtype, default=np.float32
        Type of the graph's input, output and arithmetic: float32 or
        float64.
    target_opset : int, default=None
        ONNX opset of the graph; None is skl2onnx's newest tested opset.

    Returns
    -------
    onx : onnx.ModelProto
        The model, checked by ``onnx.checker``.
    """
    dtype = check_dtype(dtype) or np.dtype(np.float32)
    steps = _inverse_steps(model)
    opset = target_opset or skl2onnx.get_latest_tested_opset_version()
    graph = ProtoGraph(helper.make_graph([], "inverse_transform", [], []))
    x = "X"
    for step in steps:
        x = _invert(graph, x, step, dtype)
    graph.node("Identity", x, out="variable")
    elem = helper.np_dtype_to_tensor_dtype(dtype)
    width = _input_width(steps[0])
    graph.graph.input.append(helper.make_tensor_value_info("X", elem, ["N", width]))
    graph.graph.output.append(
        helper.make_tensor_value_info("variable", elem, ["N", _output_width(steps)])
    )
    opsets = [helper.make_opsetid("", opset)]
    onx = helper.make_model(
        graph.graph,
        opset_imports=opsets,
        ir_version=helper.find_min_ir_version_for(opsets),
        producer_name="rumelhart",
    )
    onnx.checker.check_model(onx)
    return onx


def _inverse_steps(model):
    """The steps whose inverses the graph applies, in that order."""
    check_is_fitted(model)
    steps = list(_flattened(model, "model"))
    if not steps:
        raise ValueError("inverse_to_onnx needs a pipeline with at least one step.")
    for name, step in steps:
        if is_autoencoder(step):
            check_exportable(step)
        elif _scaler_inverse(step) is None:
            raise NotImplementedError(
                "inverse_to_onnx inverts autoencoders and the scalers "
                f"{', '.join(cls.__name__ for cls in _SCALER_INVERSES)}; the "
                f"step {name!r} is a {type(step).__name__}."
            )
    return [step for _, step in reversed(steps)]


def _flattened(model, name):
    """``(name, step)`` of the steps of ``model``, nested pipelines opened."""
    if isinstance(model, Pipeline):
        for step_name, step in model.steps:
            if step not in (None, "passthrough"):
                yield from _flattened(step, step_name)
    else:
        yield name, model


def _scaler_inverse(step):
    for cls, inverse in _SCALER_INVERSES.items():
        if isinstance(step, cls):
            return inverse
    return None


def _invert(graph, x, step, dtype):
    """``step.inverse_transform`` of ``x``."""
    if is_autoencoder(step):
        return decoder(graph, x, step, dtype)
    for op_type, attribute, parameter in _scaler_inverse(step):
        if parameter is None or getattr(step, parameter):
            values = np.asarray(getattr(step, attribute), dtype)
            x = graph.node(op_type, x, graph.const(attribute, values))
    return x


def _input_width(step):
    """Columns of the input of ``step.inverse_transform``."""
    return code_width(step) if is_autoencoder(step) else step.n_features_in_


def _output_width(steps):
    return steps[-1].n_features_in_
