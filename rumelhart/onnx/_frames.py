"""Inputs of the graphs: one per column of a DataFrame, as skl2onnx names them.

:func:`make_feeds` turns a DataFrame into the dict that
``onnxruntime.InferenceSession.run`` takes, and :func:`to_onnx` types the
graph's inputs from the same dict made of its sample: the two cannot
disagree. Text columns (object, pandas ``string``, ``category`` of
strings) become string inputs, their missing values empty strings; the
other columns (numbers, bools, ``category`` of numbers) become inputs of
``dtype``, their missing values NaN.
"""

import sys

import numpy as np
from skl2onnx.common.data_types import (
    BooleanTensorType,
    DoubleTensorType,
    FloatTensorType,
    Int64TensorType,
    StringTensorType,
)

from ._missing import MISSING_TEXT

_TENSOR_TYPES = {
    "O": StringTensorType,
    "float32": FloatTensorType,
    "float64": DoubleTensorType,
    "int64": Int64TensorType,
    "bool": BooleanTensorType,
}


def make_feeds(X, *, dtype=np.float32):
    """The inputs of an ONNX model for ``X``, as :func:`to_onnx` typed them.

    A DataFrame gives one (n_samples, 1) array per column, named as the
    column: an object array of strings for a text column (object, pandas
    ``string`` or ``category`` of strings; missing values become empty
    strings), else an array of ``dtype`` (missing values NaN). An array
    gives ``{"X": X}``, cast to ``dtype`` when numeric.

    Parameters
    ----------
    X : pandas.DataFrame or array-like of shape (n_samples, n_features)
        Inputs, with the columns (names and dtypes) of the sample the model
        was converted from.
    dtype : numpy dtype or None, default=np.float32
        The ``dtype`` given to :func:`to_onnx`: the type of the numeric
        inputs. None keeps each column's own type (floats as they are,
        integers as int64, bools as bool).

    Returns
    -------
    feeds : dict of str to ndarray
        ``session.run(None, feeds)`` runs an ``onnxruntime.InferenceSession``
        of the model on ``X``.
    """
    dtype = check_dtype(dtype)
    if is_dataframe(X):
        return {
            str(name): _column(X.iloc[:, i], name, dtype).reshape(-1, 1)
            for i, name in enumerate(X.columns)
        }
    X = np.asarray(X)
    numeric = dtype is not None and X.dtype.kind in "fiub"
    return {"X": X.astype(dtype) if numeric else X}


def input_types(X, dtype):
    """skl2onnx's ``initial_types`` of the graph that :func:`make_feeds`
    feeds from the DataFrame ``X``: one input per column."""
    return [
        (name, _tensor_type(values))
        for name, values in make_feeds(X, dtype=dtype).items()
    ]


def _tensor_type(values):
    key = "O" if values.dtype == object else values.dtype.name
    return _TENSOR_TYPES[key]([None, 1])


def check_dtype(dtype):
    """``dtype`` as a NumPy type: float32, float64 or None."""
    if dtype is None:
        return None
    try:
        checked = np.dtype(dtype)
    except TypeError:
        checked = None
    if checked not in (np.float32, np.float64):
        raise ValueError(
            f"dtype must be np.float32, np.float64 or None; got {dtype!r}."
        )
    return checked


def is_dataframe(X):
    """Whether ``X`` is a pandas DataFrame (pandas is not imported for it)."""
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(X, pandas.DataFrame)


def _column(series, name, dtype):
    """One column as an input's values (1-D)."""
    import pandas as pd

    kind = series.dtype
    if isinstance(kind, pd.CategoricalDtype):
        kind = kind.categories.dtype
    if isinstance(kind, pd.StringDtype) or (
        isinstance(kind, np.dtype) and kind.kind == "O"
    ):
        return _text(series, name)
    if pd.api.types.is_numeric_dtype(kind) or pd.api.types.is_bool_dtype(kind):
        target = dtype or _natural_type(kind, series.hasnans)
        # na_value only where needed: pandas refuses NaN for an int target
        missing = {"na_value": np.nan} if series.hasnans else {}
        return series.to_numpy(dtype=target, **missing)
    raise TypeError(
        f"Column {name!r} has dtype {series.dtype}, which no ONNX input of a "
        "scikit-learn graph holds; ONNX inputs are numbers or strings. Convert "
        "it to numbers or to str before fitting and converting."
    )


def _text(series, name):
    missing = series.isna().to_numpy()
    values = np.where(missing, MISSING_TEXT, series.to_numpy(dtype=object))
    odd = [value for value in values if not isinstance(value, str)]
    if odd:
        raise TypeError(
            f"Column {name!r} is a text column (dtype {series.dtype}) but holds "
            f"{type(odd[0]).__name__} values such as {odd[0]!r}; ONNX string "
            "inputs hold strings only. Give the column one type: "
            "df[name].astype(str), or numbers."
        )
    return values.astype(object)


def _natural_type(kind, has_missing):
    """The input type of a numeric column when ``dtype`` is None."""
    kind = np.dtype(getattr(kind, "numpy_dtype", kind))
    if kind.kind == "f":
        return np.float64 if kind.itemsize > 4 else np.float32
    if has_missing:  # integers and bools with pd.NA
        return np.float64
    return np.bool_ if kind.kind == "b" else np.int64
