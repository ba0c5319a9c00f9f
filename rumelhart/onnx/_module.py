"""Export of a torch estimator fitted with a custom ``module``.

Such an estimator has no ``coefs_``: its ``module_`` goes through torch's
exporter, and the graph builder appends the estimator's output units.
"""

import copy
import io
import warnings

import numpy as np
import onnx
from onnx import TensorProto, helper
from sklearn.base import is_classifier

from ._estimators import has_custom_module, regression_output, target_task
from ._graph import ProtoGraph
from ._network import activate, classifier_outputs, label_values, regressor_output

#: Default opset of :func:`module_to_onnx` (the TorchScript exporter's
#: newest is 20; 17 runs on every onnxruntime of the last years).
MODULE_OPSET = 17


def module_to_onnx(
    estimator, X_sample, *, dtype=np.float32, options=None, target_opset=None
):
    """Convert a torch estimator fitted with a custom ``module`` to ONNX.

    The trained ``module_`` goes through torch's TorchScript exporter
    (``torch.onnx.export(..., dynamo=False)``), and the estimator's output
    activation, probabilities and labels (or scaled-back predictions) are
    appended to its graph: one model with the outputs of :func:`to_onnx`
    (``label`` and ``probabilities``, or ``output_label`` and
    ``output_probability`` with the default ``zipmap``; ``variable`` for a
    regressor). The estimator must be converted alone: skl2onnx cannot
    place the module inside a pipeline.

    Parameters
    ----------
    estimator : TorchMLPClassifier or TorchMLPRegressor
        Fitted with a custom ``module``.
    X_sample : array-like of shape (n_samples, n_features)
        Example inputs, traced through the module.
    dtype : numpy dtype, default=np.float32
        Type of the graph's input and arithmetic: float32 or float64.
    options : dict, default=None
        ``{"zipmap": False}`` to output the probabilities as a tensor rather
        than a list of dicts (classifiers; ``zipmap`` is True by default).
    target_opset : int, default=None
        ONNX opset of the graph (at most 20); None is 17.

    Returns
    -------
    onx : onnx.ModelProto
        The model, checked by ``onnx.checker``.
    """
    if not has_custom_module(estimator):
        raise ValueError(
            "module_to_onnx converts a torch estimator fitted with a custom "
            "module; use rumelhart.onnx.to_onnx for this one."
        )
    zipmap = _zipmap_option(estimator, options)
    dtype = np.dtype(dtype)
    X = np.asarray(X_sample, dtype=dtype)
    model = _export_module(estimator.module_, X, target_opset or MODULE_OPSET)
    graph = ProtoGraph(model.graph)
    out = activate(graph, "raw", estimator.out_activation_, dtype)
    del model.graph.output[:]
    if is_classifier(estimator):
        _finish_classifier(model, graph, out, estimator, dtype, zipmap)
    else:
        regressor_output(graph, out, estimator, dtype, "variable")
        _, _, one_d = regression_output(estimator)
        shape = ["N"] if one_d else ["N", estimator.n_outputs_]
        _add_output(model, "variable", helper.np_dtype_to_tensor_dtype(dtype), shape)
    onnx.checker.check_model(model)
    return model


def _zipmap_option(estimator, options):
    options = dict(options or {})
    zipmap = options.pop("zipmap", True)
    if options or zipmap not in (True, False):
        raise ValueError(
            "module_to_onnx takes one option, zipmap (True or False) for a "
            f"classifier; got {dict(options, zipmap=zipmap)!r}."
        )
    return zipmap and is_classifier(estimator)


def _export_module(module, X, opset):
    """``module`` (a copy, on the CPU in ``X``'s type) as an ONNX model from
    input ``X`` to output ``raw``."""
    import torch

    torch_dtype = torch.float64 if X.dtype == np.float64 else torch.float32
    module = copy.deepcopy(module).to(device="cpu", dtype=torch_dtype).eval()
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # The TorchScript exporter warns that it is deprecated (the dynamo
        # exporter needs onnxscript); it is what works here without it.
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(
            module,
            (torch.from_numpy(np.ascontiguousarray(X)),),
            buffer,
            dynamo=False,
            input_names=["X"],
            output_names=["raw"],
            dynamic_axes={"X": {0: "N"}, "raw": {0: "N"}},
            opset_version=opset,
        )
    return onnx.load_from_string(buffer.getvalue())


def _finish_classifier(model, graph, out, estimator, dtype, zipmap):
    """Labels and probabilities as the model's outputs, zipped or not."""
    _, label_type = label_values(estimator.classes_)
    k = len(estimator.classes_)
    label_shape = ["N", k] if target_task(estimator) == "multilabel" else ["N"]
    float_type = helper.np_dtype_to_tensor_dtype(dtype)
    if not zipmap:
        classifier_outputs(graph, out, estimator, dtype, "label", "probabilities")
        _add_output(model, "label", label_type, label_shape)
        _add_output(model, "probabilities", float_type, ["N", k])
        return
    proba = graph.name("probabilities")
    classifier_outputs(graph, out, estimator, dtype, "output_label", proba)
    _zipmap(graph, proba, estimator, dtype, "output_probability")
    _add_output(model, "output_label", label_type, label_shape)
    value_type = helper.make_tensor_type_proto(TensorProto.FLOAT, [])
    map_type = helper.make_map_type_proto(label_type, value_type)
    sequence = helper.make_sequence_type_proto(map_type)
    model.graph.output.append(helper.make_value_info("output_probability", sequence))
    model.opset_import.append(helper.make_opsetid("ai.onnx.ml", 1))


def _zipmap(graph, proba, estimator, dtype, output):
    """The probabilities as a list of ``{label: probability}`` (float32)."""
    labels, label_type = label_values(estimator.classes_)
    if dtype != np.float32:
        proba = graph.node("Cast", proba, to=TensorProto.FLOAT)
    if label_type == TensorProto.STRING:
        key = {"classlabels_strings": [label.encode("utf-8") for label in labels]}
    else:
        key = {"classlabels_int64s": labels.tolist()}
    graph.node("ZipMap", proba, out=output, domain="ai.onnx.ml", **key)


def _add_output(model, name, elem_type, shape):
    model.graph.output.append(helper.make_tensor_value_info(name, elem_type, shape))
