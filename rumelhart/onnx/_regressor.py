"""The converter of the regressors: the predictions of ``predict``."""

from ._estimators import regression_output
from ._features import convert_features, feature_shapes, parse_features
from ._network import dense_layers, regressor_output
from ._operator import begin, tensor_type, transforms

#: The options a regressor takes in skl2onnx.
REGRESSOR_OPTIONS = {"transform": [False, True]}


def parse_regressor(scope, model, inputs, custom_parsers=None):
    """Declare the one output: the predictions, or the features."""
    return parse_features(scope, model, inputs, custom_parsers)


def regressor_shapes(operator):
    """(n_samples,) after a 1-D ``y``, else (n_samples, n_outputs)."""
    model = operator.raw_operator
    if transforms(operator.scope_inst, model):
        feature_shapes(operator)
        return
    n = operator.inputs[0].get_first_dimension()
    _, _, one_d = regression_output(model)
    shape = [n] if one_d else [n, model.n_outputs_]
    operator.outputs[0].set_type(tensor_type(operator.inputs)(shape))


def convert_regressor(scope, operator, container):
    """The nodes of ``predict``, from the operator's inputs to its output."""
    model = operator.raw_operator
    if transforms(scope, model):
        convert_features(scope, operator, container)
        return
    graph, x, dtype = begin(scope, operator, container)
    out = dense_layers(graph, x, model, dtype)[-1]
    regressor_output(graph, out, model, dtype, operator.outputs[0].full_name)
