"""The converter of the regressors: the predictions of ``predict``."""

from ._estimators import regression_output
from ._features import feature_shapes, parse_features, predictor_converter
from ._network import regressor_output
from ._operator import tensor_type, transforms

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


def _write_predictions(scope, operator, graph, out, dtype):
    """The nodes of ``predict``, from the raw outputs."""
    model = operator.raw_operator
    regressor_output(graph, out, model, dtype, operator.outputs[0].full_name)


#: The converter of the regressors (skl2onnx's signature).
convert_regressor = predictor_converter(_write_predictions)
