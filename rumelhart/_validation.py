"""Checks of the estimators' inputs and parameters, with messages that say
what was wrong and what was expected."""

from numbers import Integral

import numpy as np
from scipy import sparse
from sklearn.utils.multiclass import type_of_target


def seed_from(random_state):
    """An integer seed from ``random_state``, leaving global generators alone."""
    if random_state is None:
        return int(np.random.SeedSequence().generate_state(1)[0])
    if isinstance(random_state, Integral):
        return int(random_state)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(np.iinfo(np.int32).max))
    raise ValueError(
        "random_state must be None, an int or a numpy RandomState, "
        f"got {random_state!r}."
    )


def check_hidden_layer_sizes(hidden_layer_sizes):
    """``hidden_layer_sizes`` as a tuple of positive ints."""
    sizes = (
        (hidden_layer_sizes,)
        if isinstance(hidden_layer_sizes, Integral)
        else tuple(hidden_layer_sizes)
    )
    for size in sizes:
        if not isinstance(size, Integral) or isinstance(size, bool) or size < 1:
            raise ValueError(
                "hidden_layer_sizes must hold positive integers (units per hidden "
                f"layer), got {hidden_layer_sizes!r}."
            )
    return tuple(int(s) for s in sizes)


def _numeric(array):
    """Whether ``array`` holds numbers: False when it converts to an array
    of strings or objects that are not numbers."""
    if sparse.issparse(array) or array is None:
        return True
    try:
        values = np.asarray(array)
    except (ValueError, TypeError):
        return True  # not a conversion problem: a shape problem, reported as is
    if values.dtype.kind in "biufc":
        return True
    try:
        values.astype(np.float64)
    except (ValueError, TypeError):
        return False
    return True


def non_numeric_error(exc, **arrays):
    """``exc`` again, saying which of ``arrays`` holds values that are not
    numbers, or None when every one holds numbers."""
    for name, array in arrays.items():
        if _numeric(array):
            continue
        hint = (
            ""
            if name == "sample_weight"
            else " Encode strings and categories first, e.g. with "
            "sklearn.preprocessing.OneHotEncoder or OrdinalEncoder."
        )
        return type(exc)(
            f"{name} must hold numbers (int, float or bool), but it holds values "
            f"that are not: {exc}.{hint}"
        )
    return None


def mean_and_scale(Y, sample_weight):
    """Weighted mean and standard deviation of each column of ``Y``.

    Deviations beyond 1e154 overflow when squared, and below 1e-154 underflow:
    then both are computed on ``Y`` divided by its largest magnitude.
    Columns that are constant (to rounding) get a scale of 1.

    Returns
    -------
    mean, scale : ndarray of shape (n_columns,)
    constant : ndarray of bool, shape (n_columns,)
        Which columns are constant.
    """
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        mean = np.average(Y, axis=0, weights=sample_weight)
        scale = np.sqrt(np.average((Y - mean) ** 2, axis=0, weights=sample_weight))
    finite = np.isfinite(mean).all() and np.isfinite(scale).all()
    if not finite or (scale < 1e-150).any():
        peak = np.max(np.abs(Y), axis=0)
        peak[peak == 0] = 1.0
        Z = Y / peak
        mean_z = np.average(Z, axis=0, weights=sample_weight)
        scale_z = np.sqrt(np.average((Z - mean_z) ** 2, axis=0, weights=sample_weight))
        mean, scale = mean_z * peak, scale_z * peak
    constant = scale < 10 * np.finfo(np.float64).eps * np.abs(mean)
    constant |= scale < np.finfo(np.float64).tiny
    scale[constant] = 1.0
    return mean, scale, constant


#: Features whose standard deviation exceeds this (or whose values exceed
#: 1e3 times it) saturate logistic units at any sensible initial weight.
_LARGE_SCALE = 1e4


def poorly_scaled_columns(X):
    """Indices of the columns of ``X`` on a scale no network trains well on,
    and the largest magnitude found (for the warning's message)."""
    if sparse.issparse(X):
        peak = np.asarray(abs(X).max(axis=0).todense()).ravel()
    else:
        peak = np.max(np.abs(X), axis=0) if X.shape[0] else np.zeros(X.shape[1])
    with np.errstate(over="ignore", invalid="ignore"):
        bad = np.flatnonzero(~(peak <= _LARGE_SCALE))
    return bad, (float(peak.max()) if peak.size else 0.0)


#: What a multi-label target is, for the messages that refuse one.
_MULTILABEL_RULE = (
    "A 2-D y must be a multi-label target: the same two integer or boolean codes "
    "in every column, such as 0/1, -1/+1 or False/True (scikit-learn's "
    "'multilabel-indicator'; the larger code means the label is on)"
)


def multilabel_codes(y, known=None):
    """The two codes of a multi-label target: ``(off, on)``, sorted.

    ``y`` is a dense 2-D array. It is a multi-label target when scikit-learn's
    ``type_of_target`` says ``"multilabel-indicator"``: at most two distinct
    values in all, integers or booleans, so every column uses the same two
    codes. A ``y`` of one value throughout is 0/1 when that value is 0 or 1,
    and refused otherwise (its other code is unknown). ``known``: the codes
    of the fit that ``y`` continues (``partial_fit``, ``warm_start``).
    """
    kind = type_of_target(y)
    if kind != "multilabel-indicator":
        raise ValueError(f"{_MULTILABEL_RULE}; {_why_not_multilabel(y)}.")
    values = np.unique(y)
    if known is not None:
        unseen = np.setdiff1d(values, known)
        if len(unseen):
            raise ValueError(
                f"y holds the codes {unseen.tolist()!r}, but the classifier was "
                f"fitted on a multi-label target in the codes {known.tolist()!r}; "
                "they are fixed from the first fit on (call fit to start over)."
            )
        return known
    if len(values) == 2:
        return values
    if values[0] in (0, 1):
        return np.array([0, 1], dtype=y.dtype)
    raise ValueError(
        f"Every entry of the 2-D y is {values.tolist()[0]!r}, so the other code "
        f"of this multi-label target is unknown. {_MULTILABEL_RULE}: pass a y in which "
        "both codes occur, or encode it as 0/1."
    )


def _why_not_multilabel(y):
    """Which column breaks the multi-label rule, and how."""
    if y.dtype.kind in "OUS":
        strings = [v for v in dict.fromkeys(y[:, 0].tolist()) if isinstance(v, str)]
        if strings:
            return (
                f"y holds strings (such as {strings[:2]!r}): encode them first, "
                "e.g. as y == 'yes'"
            )
    try:
        columns = [np.unique(y[:, j]) for j in range(y.shape[1])]
    except TypeError:
        return "y holds values of mixed kinds that cannot be compared"
    for j, values in enumerate(columns):
        if values.dtype.kind in "fc" and not np.all(values == np.round(values)):
            fractional = values[values != np.round(values)]
            return f"column {j} holds values that are not integers ({_few(fractional)})"
    for j, values in enumerate(columns):
        if len(values) > 2:
            return f"column {j} holds {len(values)} distinct values ({_few(values)})"
    # At most two integer codes per column, more than two in all: find the
    # first column whose codes differ from those of a column with two.
    first = next((j for j, values in enumerate(columns) if len(values) == 2), 0)
    for j, values in enumerate(columns):
        if not np.isin(values, columns[first]).all():
            return (
                f"column {j} holds {values.tolist()!r} where column {first} holds "
                f"{columns[first].tolist()!r}"
            )
    both = np.unique(np.concatenate(columns))
    return f"y holds {len(both)} distinct values ({_few(both)})"


def _few(values, n=5):
    """The first ``n`` of ``values``, as a short string."""
    shown = ", ".join(repr(v) for v in np.asarray(values)[:n].tolist())
    return shown + (", ..." if len(values) > n else "")
