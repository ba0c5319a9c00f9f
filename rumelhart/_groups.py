"""Grouped inputs: groups of input columns that feed their own first-layer units.

The paper's family-trees network gives the 24 "person" inputs 6 units of
their own and the 12 "relation" inputs another 6 (no connection crosses); in
today's terms, an entity embedding of each one-hot categorical feature. A
group names its columns by index, by a slice, by feature names, or by a
name prefix (what ``OneHotEncoder`` in a ``ColumnTransformer`` produces:
``"cat__city_"`` takes every ``cat__city_*`` column).
"""

from numbers import Integral

import numpy as np


def _column_indices(columns, n_features, feature_names):
    """The indices a group's ``columns`` name."""
    if isinstance(columns, slice):
        return np.arange(n_features)[columns]
    if isinstance(columns, str):
        names = _names(feature_names, columns)
        picked = np.flatnonzero([name.startswith(columns) for name in names])
        if not len(picked):
            raise ValueError(f"input_groups: no feature name starts with {columns!r}.")
        return picked
    columns = list(columns)
    if all(isinstance(c, str) for c in columns):
        names = list(_names(feature_names, columns[0] if columns else ""))
        missing = [c for c in columns if c not in names]
        if missing:
            raise ValueError(f"input_groups: unknown feature names {missing!r}.")
        return np.array([names.index(c) for c in columns], dtype=int)
    if not all(isinstance(c, Integral) and not isinstance(c, bool) for c in columns):
        raise ValueError(
            "input_groups: columns must be a slice, a name prefix, a list of "
            f"column indices or a list of feature names; got {columns!r}."
        )
    indices = np.array(columns, dtype=int)
    if len(indices) and not (
        -n_features <= indices.min() and indices.max() < n_features
    ):
        raise ValueError(
            f"input_groups: column indices {columns!r} are outside the "
            f"{n_features} input features."
        )
    return indices % n_features


def _names(feature_names, example):
    if feature_names is None:
        raise ValueError(
            f"input_groups names columns ({example!r}) but X has no feature "
            "names; pass a DataFrame or name the columns by index."
        )
    return feature_names


def input_mask(groups, n_features, n_first_units, feature_names=None):
    """The (n_features, n_first_units) 0/1 mask of the first layer.

    Group ``k`` with ``(columns, n_units)`` connects its columns to its own
    ``n_units`` consecutive units; columns in no group connect to the units
    left over after the groups.
    """
    mask = np.zeros((n_features, n_first_units))
    owner = np.full(n_features, -1)
    start = 0
    for k, group in enumerate(groups):
        if not (isinstance(group, tuple | list) and len(group) == 2):
            raise ValueError(
                "input_groups must be a list of (columns, n_units) pairs; got "
                f"{group!r}."
            )
        columns, n_units = group
        if not (isinstance(n_units, Integral) and n_units >= 1):
            raise ValueError(f"input_groups: n_units must be >= 1, got {n_units!r}.")
        indices = _column_indices(columns, n_features, feature_names)
        taken = indices[owner[indices] >= 0]
        if len(taken):
            raise ValueError(
                f"input_groups: columns {taken.tolist()} are in groups "
                f"{int(owner[taken[0]])} and {k}; a column feeds one group."
            )
        owner[indices] = k
        if start + n_units > n_first_units:
            break
        mask[np.ix_(indices, range(start, start + n_units))] = 1
        start += n_units
    total = sum(group[1] for group in groups)
    if total > n_first_units:
        raise ValueError(
            f"input_groups ask for {total} units of the first hidden layer, "
            f"which has {n_first_units} (hidden_layer_sizes[0])."
        )
    free = np.flatnonzero(owner < 0)
    if len(free) and start == n_first_units:
        raise ValueError(
            f"input columns {free[:10].tolist()} are in no group and no unit of the "
            f"first hidden layer is left for them: make hidden_layer_sizes[0] "
            f"larger than the groups' {total} units, or put them in a group."
        )
    mask[np.ix_(free, range(start, n_first_units))] = 1
    return mask
