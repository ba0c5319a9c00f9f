"""The entry point: a fitted model and a sample of its inputs to ONNX."""

import numpy as np
import skl2onnx

from ._estimators import has_custom_module
from ._frames import input_types, is_dataframe, make_feeds
from ._module import module_to_onnx
from ._registration import register_onnx_converters


def to_onnx(model, X_sample=None, *, dtype=np.float32, **kwargs):
    """Convert a fitted estimator, or a pipeline holding some, to ONNX.

    Registers the converters (:func:`register_onnx_converters`), types the
    graph's inputs from ``X_sample`` and calls ``skl2onnx.to_onnx``. A torch
    estimator with a custom ``module``, given alone, goes to
    :func:`module_to_onnx` instead.

    Parameters
    ----------
    model : estimator
        A fitted estimator of this package, or a fitted pipeline (or other
        scikit-learn composite that skl2onnx converts) holding some.
    X_sample : DataFrame or array-like of shape (n_samples, n_features), \
default=None
        Inputs that show the type and width of the model's input (a few
        rows suffice); None when ``initial_types`` is given. An array makes
        one input ``X``; a DataFrame one input per column, named as the
        column, as skl2onnx does: a string input for a text column (object,
        pandas ``string``, ``category`` of strings), else an input of
        ``dtype`` (see :func:`make_feeds`, which makes the inputs of the
        session from a DataFrame).
    dtype : numpy dtype or None, default=np.float32
        Type the numeric inputs are cast to, which makes the graph's type:
        float32 or float64. None keeps each input's own type.
    **kwargs
        Passed on to ``skl2onnx.to_onnx``: ``options`` (e.g.
        ``{"zipmap": False}``), ``target_opset``, ``initial_types``...; to
        :func:`module_to_onnx` only ``options`` and ``target_opset``.

    Returns
    -------
    onx : onnx.ModelProto
        The model; save it with ``onx.SerializeToString()`` and run it with
        ``onnxruntime.InferenceSession``. An autoencoder (alone or ending a
        pipeline) gives its code, the output of ``transform``;
        :func:`inverse_to_onnx` converts ``inverse_transform``.
    """
    if has_custom_module(model):
        return module_to_onnx(model, X_sample, dtype=dtype, **kwargs)
    register_onnx_converters()
    if kwargs.get("initial_types") is not None:
        X_sample = None  # skl2onnx reads the types from initial_types
    elif is_dataframe(X_sample):
        kwargs["initial_types"] = input_types(X_sample, dtype)
        X_sample = None
    elif X_sample is not None:
        X_sample = make_feeds(X_sample, dtype=dtype)["X"]
    return skl2onnx.to_onnx(model, X_sample, **kwargs)
