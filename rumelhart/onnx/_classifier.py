"""The converter of the classifiers: labels and ``predict_proba``."""

import numpy as np
from onnx import TensorProto
from skl2onnx._parse import _parse_sklearn_classifier
from skl2onnx.common.data_types import (
    FloatTensorType,
    Int64TensorType,
    StringTensorType,
)

from ._estimators import target_task
from ._features import feature_shapes, parse_features, predictor_converter
from ._network import classifier_outputs, label_values
from ._operator import check_exportable, tensor_type, transforms

#: The options a classifier takes in skl2onnx.
CLASSIFIER_OPTIONS = {
    "zipmap": [True, False, "columns"],
    "nocl": [False],
    "transform": [False, True],
}


def parse_classifier(scope, model, inputs, custom_parsers=None):
    """Declare the outputs: labels and probabilities (skl2onnx adds its
    ZipMap), or the features."""
    if transforms(scope, model):
        return parse_features(scope, model, inputs, custom_parsers)
    check_exportable(model)
    label_values(model.classes_)  # refuse labels ONNX cannot hold, early
    return _parse_sklearn_classifier(
        scope, model, inputs, custom_parsers=custom_parsers
    )


def classifier_shapes(operator):
    """Labels (n_samples,), or (n_samples, n_labels) for a multi-label
    classifier; probabilities (n_samples, n_classes)."""
    model = operator.raw_operator
    if transforms(operator.scope_inst, model):
        feature_shapes(operator)
        return
    n = operator.inputs[0].get_first_dimension()
    labels, _ = label_values(model.classes_)
    label_type = StringTensorType if labels.dtype.kind == "U" else Int64TensorType
    k = len(model.classes_)
    multilabel = target_task(model) == "multilabel"
    operator.outputs[0].set_type(label_type([n, k] if multilabel else [n]))
    zipped = _zipmaps(operator.scope_inst, model)
    proba_type = FloatTensorType if zipped else tensor_type(operator.inputs)
    operator.outputs[1].set_type(proba_type([n, k]))


def _zipmaps(scope, model):
    """Whether a ZipMap, which takes float32 only, follows the probabilities."""
    return scope.get_options(model, {"zipmap": True})["zipmap"] is True


def _write_classes(scope, operator, graph, out, dtype):
    """The nodes of ``predict`` and ``predict_proba``, from the raw outputs."""
    model = operator.raw_operator
    label, proba = (variable.full_name for variable in operator.outputs)
    cast = dtype == np.float64 and _zipmaps(scope, model)
    computed = graph.name("probabilities") if cast else proba
    classifier_outputs(graph, out, model, dtype, label, computed)
    if cast:  # float32 probabilities for ZipMap
        graph.node("Cast", computed, out=proba, to=TensorProto.FLOAT)


#: The converter of the classifiers (skl2onnx's signature).
convert_classifier = predictor_converter(_write_classes)
