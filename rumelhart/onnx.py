"""Export fitted estimators, alone or in pipelines, to ONNX.

:func:`register_onnx_converters` teaches skl2onnx the four estimators, so
that ``skl2onnx.to_onnx`` converts them, and pipelines holding them, like
any scikit-learn model; :func:`to_onnx` registers them and converts in one
call. The graph is read off the fitted weights (``coefs_``,
``intercepts_``) and ends as the estimator's methods end: a classifier
gives its labels and the probabilities of ``predict_proba``, a regressor the
predictions of ``predict``, and an estimator whose outputs feed another step
(an intermediate step of a ``Pipeline``, a part of a ``FeatureUnion`` or
``ColumnTransformer``) the hidden features of ``transform``.

A torch estimator fitted with a custom ``module`` has no ``coefs_``: its
network goes through ``torch.onnx.export`` (:func:`module_to_onnx`, which
:func:`to_onnx` calls for such an estimator given alone).

This module needs ``skl2onnx`` and ``onnx`` (``pip install
'rumelhart[onnx]'``, which also installs ``onnxruntime`` to run the models);
``import rumelhart`` never imports them.
"""

import copy
import io
import itertools
import warnings

import numpy as np
from sklearn.base import ClassifierMixin, is_classifier
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.utils.validation import check_is_fitted

from ._base import BaseMLP
from .rumelhart_mlp import RumelhartClassifier, RumelhartRegressor

try:
    import onnx
    import skl2onnx
    from onnx import TensorProto, helper, numpy_helper
    from skl2onnx._parse import (
        _parse_sklearn_classifier,
        sklearn_parsers_map,
        update_registered_parser,
    )
    from skl2onnx.common.data_types import (
        DoubleTensorType,
        FloatTensorType,
        Int64TensorType,
        StringTensorType,
        guess_tensor_type,
    )
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "rumelhart.onnx needs skl2onnx and onnx (and onnxruntime to run the "
        "models). Install them with `pip install 'rumelhart[onnx]'`."
    ) from exc

__all__ = ["module_to_onnx", "register_onnx_converters", "to_onnx"]

_CLASSIFIER_OPTIONS = {
    "zipmap": [True, False, "columns"],
    "nocl": [False],
    "transform": [False, True],
}
_REGRESSOR_OPTIONS = {"transform": [False, True]}

#: Default opset of :func:`module_to_onnx` (the TorchScript exporter's
#: newest is 20; 17 runs on every onnxruntime of the last years).
MODULE_OPSET = 17


# -- registration -------------------------------------------------------------
def register_onnx_converters():
    """Register the estimators' parsers, shape calculators and converters
    with skl2onnx.

    After this call ``skl2onnx.to_onnx`` converts
    :class:`~rumelhart.RumelhartClassifier` and
    :class:`~rumelhart.RumelhartRegressor` (and
    :class:`~rumelhart.TorchMLPClassifier` and
    :class:`~rumelhart.TorchMLPRegressor` when torch is installed;
    registering them imports torch) alone or inside pipelines. Calling it
    again does no harm.

    The classifiers take skl2onnx's option ``zipmap`` (True, False or
    ``"columns"``); every estimator takes the option ``transform``: True
    exports the hidden features of ``transform`` instead of the predictions
    (e.g. ``options={"mlp__transform": True}`` for the step named
    ``"mlp"``). An estimator whose outputs feed another step needs it: this
    function wraps skl2onnx's parsers of ``Pipeline``, ``FeatureUnion`` and
    ``ColumnTransformer`` so that they set it for such an estimator (one
    that is not the last step of its pipeline, or a part of a union or
    column transformer), unless it was set explicitly.

    Returns
    -------
    classes : list of type
        The estimator classes registered.
    """
    classes = _estimator_classes()
    for cls in classes:
        classifier = issubclass(cls, ClassifierMixin)
        skl2onnx.update_registered_converter(
            cls,
            _alias(cls),
            _calculate_shapes,
            _convert,
            parser=_parse,
            options=_CLASSIFIER_OPTIONS if classifier else _REGRESSOR_OPTIONS,
        )
    for cls in (Pipeline, FeatureUnion, ColumnTransformer):
        parser = sklearn_parsers_map[cls]
        if not getattr(parser, "marks_rumelhart_transforms", False):
            update_registered_parser(cls, _marking_transforms(parser))
    return classes


def _marking_transforms(parser):
    """``parser`` of a composite, which first sets the option ``transform``
    of the estimators whose outputs feed another step (unless set)."""

    def parse(scope, model, inputs, custom_parsers=None):
        for estimator in _feeding_estimators(model):
            if "transform" not in scope.get_options(estimator, {}):
                scope.add_options(id(estimator), {"transform": True})
        return parser(scope, model, inputs, custom_parsers=custom_parsers)

    parse.marks_rumelhart_transforms = True
    return parse


def _estimator_classes():
    classes = [RumelhartClassifier, RumelhartRegressor]
    try:
        from .torch_mlp import TorchMLPClassifier, TorchMLPRegressor
    except ImportError:
        return classes
    return [*classes, TorchMLPClassifier, TorchMLPRegressor]


def _alias(cls):
    return f"Rumelhart{cls.__name__}"


# -- conversion entry points --------------------------------------------------
def to_onnx(model, X_sample=None, *, dtype=np.float32, **kwargs):
    """Convert a fitted estimator, or a pipeline holding some, to ONNX.

    Registers the converters (:func:`register_onnx_converters`), casts
    ``X_sample`` to ``dtype`` and calls ``skl2onnx.to_onnx``. A torch
    estimator with a custom ``module``, given alone, goes to
    :func:`module_to_onnx` instead.

    Parameters
    ----------
    model : estimator
        A fitted estimator of this package, or a fitted pipeline (or other
        scikit-learn composite that skl2onnx converts) holding some.
    X_sample : array-like of shape (n_samples, n_features), default=None
        Inputs that show the type and width of the model's input (a few
        rows suffice); None when ``initial_types`` is given.
    dtype : numpy dtype or None, default=np.float32
        Type ``X_sample`` (an array, or a DataFrame of numeric columns) is
        cast to before conversion, which makes the graph's type: float32 or
        float64. None keeps ``X_sample`` as it is.
    **kwargs
        Passed on to ``skl2onnx.to_onnx``: ``options`` (e.g.
        ``{"zipmap": False}``), ``target_opset``, ``initial_types``...; to
        :func:`module_to_onnx` only ``options`` and ``target_opset``.

    Returns
    -------
    onx : onnx.ModelProto
        The model; save it with ``onx.SerializeToString()`` and run it with
        ``onnxruntime.InferenceSession``.
    """
    if _has_custom_module(model):
        return module_to_onnx(model, X_sample, dtype=dtype, **kwargs)
    register_onnx_converters()
    return skl2onnx.to_onnx(model, _as_sample(X_sample, dtype), **kwargs)


def _as_sample(X, dtype):
    if X is None or dtype is None:
        return X
    if hasattr(X, "dtypes"):  # a DataFrame
        numeric = all(np.dtype(kind).kind in "fiub" for kind in X.dtypes)
        return X.astype(dtype) if numeric else X
    X = np.asarray(X)
    return X.astype(dtype) if X.dtype.kind in "fiub" else X


def _feeding_estimators(model, feeds=False):
    """Estimators of this package in ``model`` whose outputs feed a next step."""
    if isinstance(model, Pipeline):
        steps = [step for _, step in model.steps if step not in (None, "passthrough")]
        for i, step in enumerate(steps):
            yield from _feeding_estimators(step, feeds or i < len(steps) - 1)
    elif isinstance(model, FeatureUnion):
        for _, part in model.transformer_list:
            yield from _feeding_estimators(part, True)
    elif isinstance(model, ColumnTransformer):
        for _, part, _ in getattr(model, "transformers_", model.transformers):
            yield from _feeding_estimators(part, True)
    elif hasattr(model, "best_estimator_"):
        yield from _feeding_estimators(model.best_estimator_, feeds)
    elif feeds and isinstance(model, BaseMLP):
        yield model


def _has_custom_module(model):
    """Whether ``model`` is a fitted torch estimator with its own module."""
    if not isinstance(model, BaseMLP):
        return False
    check_is_fitted(model)
    return not hasattr(model, "coefs_")


# -- skl2onnx parser, shape calculator and converter --------------------------
def _parse(scope, model, inputs, custom_parsers=None):
    """Declare the outputs: features, labels and probabilities, or predictions."""
    _check_exportable(model)
    transform = _transforms(scope, model)
    if is_classifier(model) and not transform:
        _label_values(model.classes_)  # refuse labels ONNX cannot hold, early
        return _parse_sklearn_classifier(
            scope, model, inputs, custom_parsers=custom_parsers
        )
    operator = scope.declare_local_operator(_alias(type(model)), model)
    operator.inputs = inputs
    output = scope.declare_local_variable("variable", guess_tensor_type(inputs[0].type))
    operator.outputs.append(output)
    return operator.outputs


def _check_exportable(model):
    check_is_fitted(model)
    if not hasattr(model, "coefs_"):
        raise NotImplementedError(
            f"This {type(model).__name__} was fitted with a custom torch module, "
            "which skl2onnx cannot convert inside a pipeline or another "
            "estimator. Export the estimator alone with "
            "rumelhart.onnx.to_onnx(estimator, X) (or module_to_onnx), and the "
            "steps around it separately."
        )


def _transforms(scope, model):
    """Whether the ``transform`` option asks for the hidden features."""
    return bool(scope.get_options(model, {"transform": False})["transform"])


def _calculate_shapes(operator):
    """Types and shapes of the outputs that ``_parse`` declared."""
    model = operator.raw_operator
    n = operator.inputs[0].get_first_dimension()
    tensor_type = _tensor_type(operator.inputs[0].type)
    if _transforms(operator.scope_inst, model):
        width = sum(model.coefs_[i].shape[1] for i in model._transform_layers())
        operator.outputs[0].set_type(tensor_type([n, width]))
    elif is_classifier(model):
        multilabel = model._target.task == "multilabel"
        labels, _ = _label_values(model.classes_)
        label_type = StringTensorType if labels.dtype.kind == "U" else Int64TensorType
        k = len(model.classes_)
        operator.outputs[0].set_type(label_type([n, k] if multilabel else [n]))
        zipped = _zipmaps(operator.scope_inst, model)
        operator.outputs[1].set_type(
            (FloatTensorType if zipped else tensor_type)([n, k])
        )
    else:
        shape = [n] if model._y_ndim == 1 else [n, model.n_outputs_]
        operator.outputs[0].set_type(tensor_type(shape))


def _zipmaps(scope, model):
    """Whether a ZipMap, which takes float32 only, follows the probabilities."""
    return scope.get_options(model, {"zipmap": True})["zipmap"] is True


def _tensor_type(input_type):
    return (
        DoubleTensorType
        if isinstance(input_type, DoubleTensorType)
        else FloatTensorType
    )


def _convert(scope, operator, container):
    """The nodes from the operator's inputs to its outputs."""
    model = operator.raw_operator
    graph = _ContainerGraph(scope, container)
    double = isinstance(operator.inputs[0].type, DoubleTensorType)
    dtype = np.float64 if double else np.float32
    x = _joined_input(graph, operator.inputs, dtype)
    outputs = [variable.full_name for variable in operator.outputs]
    if _transforms(scope, model):
        _emit_transform(graph, x, model, dtype, outputs[0])
        return
    out = _dense_layers(graph, x, model, dtype)[-1]
    if not is_classifier(model):
        _emit_regressor(graph, out, model, dtype, outputs[0])
        return
    label, proba = outputs
    if double and _zipmaps(scope, model):  # float32 probabilities for ZipMap
        proba = graph.name("probabilities")
    _emit_classifier(graph, out, model, dtype, label, proba)
    if proba != outputs[1]:
        graph.node("Cast", proba, out=outputs[1], to=TensorProto.FLOAT)


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


# -- graphs under construction ------------------------------------------------
class _Graph:
    """Adds nodes and constants to an ONNX graph, under unique names."""

    def name(self, seed):
        """A new unique name starting with ``seed``."""
        raise NotImplementedError

    def _add_node(self, op_type, inputs, outputs, domain, attributes):
        raise NotImplementedError

    def _add_tensor(self, name, values):
        raise NotImplementedError

    def const(self, seed, values):
        """The name of a new initializer holding ``values``."""
        name = self.name(seed)
        self._add_tensor(name, np.asarray(values))
        return name

    def node(self, op_type, *inputs, out=None, domain="", **attributes):
        """Add one node; returns the name of its output (``out`` if given)."""
        out = out or self.name(op_type.lower())
        self._add_node(op_type, list(inputs), [out], domain, attributes)
        return out


class _ContainerGraph(_Graph):
    """A skl2onnx converter's scope and container."""

    def __init__(self, scope, container):
        self.scope, self.container = scope, container

    def name(self, seed):
        return self.scope.get_unique_variable_name(seed)

    def _add_node(self, op_type, inputs, outputs, domain, attributes):
        name = self.scope.get_unique_operator_name(op_type)
        self.container.add_node(
            op_type, inputs, outputs, op_domain=domain, name=name, **attributes
        )

    def _add_tensor(self, name, values):
        if values.dtype.kind == "U":  # a TensorProto would lose the strings
            encoded = [label.encode("utf-8") for label in values.ravel()]
            self.container.add_initializer(
                name, TensorProto.STRING, list(values.shape), encoded
            )
            return
        tensor = numpy_helper.from_array(values, name)
        self.container.add_initializer(name, tensor.data_type, values.shape, tensor)


class _ProtoGraph(_Graph):
    """A ``onnx.GraphProto``, extended in place."""

    def __init__(self, graph):
        self.graph = graph
        self._count = itertools.count()

    def name(self, seed):
        return f"rumelhart_{seed}_{next(self._count)}"

    def _add_node(self, op_type, inputs, outputs, domain, attributes):
        node = helper.make_node(
            op_type, inputs, outputs, name=self.name(op_type), domain=domain
        )
        node.attribute.extend(
            helper.make_attribute(key, value) for key, value in attributes.items()
        )
        self.graph.node.append(node)

    def _add_tensor(self, name, values):
        if values.dtype.kind == "U":
            encoded = [label.encode("utf-8") for label in values.ravel()]
            tensor = helper.make_tensor(name, TensorProto.STRING, values.shape, encoded)
        else:
            tensor = numpy_helper.from_array(values, name)
        self.graph.initializer.append(tensor)


# -- what the graphs compute --------------------------------------------------
_ACTIVATIONS = {
    "identity": None,
    "logistic": "Sigmoid",
    "sigmoid": "Sigmoid",
    "tanh": "Tanh",
    "relu": "Relu",
}


def _activate(graph, x, activation, dtype):
    """``x`` through the activation named ``activation``."""
    if activation == "gelu":
        return _gelu(graph, x, dtype)
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


def _hidden_activation(model):
    """The hidden layers' activation the network was trained with."""
    engine_activation = getattr(model._engine, "hidden_activation", None)
    return engine_activation or model._backend_spec().hidden_activation


def _dense_layers(graph, x, model, dtype, stop=None):
    """Activated outputs of the layers of the built-in network, up to ``stop``."""
    n_layers = len(model.coefs_)
    hidden = _hidden_activation(model)
    outputs = []
    for i, (coef, intercept) in enumerate(
        zip(model.coefs_[:stop], model.intercepts_[:stop])
    ):
        weights = graph.const("coef", np.asarray(coef, dtype))
        bias = graph.const("intercept", np.asarray(intercept, dtype))
        z = graph.node("Gemm", x, weights, bias)
        last = i == n_layers - 1
        x = _activate(graph, z, model.out_activation_ if last else hidden, dtype)
        outputs.append(x)
    return outputs


def _emit_transform(graph, x, model, dtype, output):
    """The hidden features of ``model.transform``."""
    layers = model._transform_layers()
    hidden = _dense_layers(graph, x, model, dtype, stop=max(layers) + 1)
    chosen = [hidden[i] for i in layers]
    if len(chosen) == 1:
        graph.node("Identity", chosen[0], out=output)
    else:
        graph.node("Concat", *chosen, out=output, axis=1)


def _emit_classifier(graph, out, model, dtype, label, proba):
    """``predict`` and ``predict_proba`` of a classifier (see ``_classifier``)."""
    task = model._target.task
    eps = np.finfo(dtype).eps
    if task == "multilabel":
        _clip(graph, out, eps, 1 - eps, dtype, out=proba)
        _above_half(graph, out, dtype, out=label)
        return
    if task == "binary":
        p = _clip(graph, out, eps, 1 - eps, dtype)
        q = graph.node("Sub", graph.const("one", np.array(1, dtype)), p)
        graph.node("Concat", q, p, out=proba, axis=1)
        shape = graph.const("shape", np.array([-1], np.int64))
        index = graph.node("Reshape", _above_half(graph, out, dtype), shape)
    else:
        clipped = _clip(graph, out, eps, None, dtype)
        ones = graph.const("ones", np.ones((len(model.classes_), 1), dtype))
        graph.node("Div", clipped, graph.node("MatMul", clipped, ones), out=proba)
        index = graph.node("ArgMax", out, axis=1, keepdims=0)
    labels, _ = _label_values(model.classes_)
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


def _emit_regressor(graph, out, model, dtype, output):
    """``predict`` of a regressor: scaled back, constant targets exact."""
    constant = np.asarray(model._y_constant, bool)
    scale = np.where(constant, 0.0, model._y_scale).astype(dtype)
    shift = np.where(constant, model._y_level, model._y_mean).astype(dtype)
    one_d = model._y_ndim == 1
    scaled = graph.node("Mul", out, graph.const("y_scale", scale))
    y = graph.node(
        "Add", scaled, graph.const("y_mean", shift), out=None if one_d else output
    )
    if one_d:
        graph.node(
            "Reshape", y, graph.const("shape", np.array([-1], np.int64)), out=output
        )


def _label_values(classes):
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


# -- custom torch modules -----------------------------------------------------
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
    if not _has_custom_module(estimator):
        raise ValueError(
            "module_to_onnx converts a torch estimator fitted with a custom "
            "module; use rumelhart.onnx.to_onnx for this one."
        )
    zipmap = _zipmap_option(estimator, options)
    dtype = np.dtype(dtype)
    X = np.asarray(X_sample, dtype=dtype)
    model = _export_module(estimator.module_, X, target_opset or MODULE_OPSET)
    graph = _ProtoGraph(model.graph)
    out = _activate(graph, "raw", estimator.out_activation_, dtype)
    del model.graph.output[:]
    if is_classifier(estimator):
        _finish_classifier(model, graph, out, estimator, dtype, zipmap)
    else:
        _emit_regressor(graph, out, estimator, dtype, "variable")
        shape = ["N"] if estimator._y_ndim == 1 else ["N", estimator.n_outputs_]
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
    _, label_type = _label_values(estimator.classes_)
    multilabel = estimator._target.task == "multilabel"
    k = len(estimator.classes_)
    label_shape = ["N", k] if multilabel else ["N"]
    float_type = helper.np_dtype_to_tensor_dtype(dtype)
    if not zipmap:
        _emit_classifier(graph, out, estimator, dtype, "label", "probabilities")
        _add_output(model, "label", label_type, label_shape)
        _add_output(model, "probabilities", float_type, ["N", k])
        return
    proba = graph.name("probabilities")
    _emit_classifier(graph, out, estimator, dtype, "output_label", proba)
    _zipmap(graph, proba, estimator, dtype, "output_probability")
    _add_output(model, "output_label", label_type, label_shape)
    value_type = helper.make_tensor_type_proto(TensorProto.FLOAT, [])
    map_type = helper.make_map_type_proto(label_type, value_type)
    sequence = helper.make_sequence_type_proto(map_type)
    model.graph.output.append(helper.make_value_info("output_probability", sequence))
    model.opset_import.append(helper.make_opsetid("ai.onnx.ml", 1))


def _zipmap(graph, proba, estimator, dtype, output):
    """The probabilities as a list of ``{label: probability}`` (float32)."""
    labels, label_type = _label_values(estimator.classes_)
    if dtype != np.float32:
        proba = graph.node("Cast", proba, to=TensorProto.FLOAT)
    if label_type == TensorProto.STRING:
        key = {"classlabels_strings": [label.encode("utf-8") for label in labels]}
    else:
        key = {"classlabels_int64s": labels.tolist()}
    graph.node("ZipMap", proba, out=output, domain="ai.onnx.ml", **key)


def _add_output(model, name, elem_type, shape):
    model.graph.output.append(helper.make_tensor_value_info(name, elem_type, shape))
