"""Grouped inputs: groups of input columns that feed their own first-layer units.

The paper's family-trees network gives the 24 "person" inputs 6 units of
their own and the 12 "relation" inputs another 6 (no connection crosses); in
today's terms, an entity embedding of each one-hot categorical feature. A
group names its columns by index, by a slice, by feature names, or by a
name prefix (what ``OneHotEncoder`` in a ``ColumnTransformer`` produces:
``"cat__city_"`` takes every ``cat__city_*`` column).

Names reach the estimator in a DataFrame. :class:`NamedColumns` makes one of
a transformer's sparse output too, which scikit-learn's
``set_output(transform="pandas")`` refuses: groups by name then survive a
sparse one-hot step, and cross-validation folds that lack some categories.
"""

import copy
from numbers import Integral

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.utils import get_tags
from sklearn.utils.validation import check_is_fitted

from ._docstrings import with_parameters


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
    if not columns:
        return np.array([], dtype=int)  # refused by the caller, naming the group
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
            "names (a NumPy array or a sparse matrix, such as the one-hot output "
            "of a ColumnTransformer, carries none): wrap the step before the "
            "estimator in rumelhart.NamedColumns, pass a DataFrame, or name the "
            "columns by index."
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
        whole = isinstance(n_units, Integral) and not isinstance(n_units, bool)
        if not (whole and n_units >= 1):
            raise ValueError(
                f"input_groups: n_units must be an integer >= 1 (the number of "
                f"first-layer units of the group); got {n_units!r} in group {k}, "
                f"{tuple(group)!r}."
            )
        indices = _column_indices(columns, n_features, feature_names)
        if not len(indices):
            raise ValueError(
                f"input_groups: group {k}, {tuple(group)!r}, names no column: its "
                f"{n_units} units would have no inputs. Give it columns or drop it."
            )
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
    if not len(free) and total < n_first_units:
        raise ValueError(
            f"input_groups put all {n_features} input columns in groups, which use "
            f"{total} units: the other {n_first_units - total} of the {n_first_units} "
            "units of the first hidden layer (hidden_layer_sizes[0]) would have no "
            f"inputs and output a constant. Set hidden_layer_sizes[0] to {total}, or "
            "leave some columns out of the groups to feed those units."
        )
    if len(free) and start == n_first_units:
        raise ValueError(
            f"input columns {free[:10].tolist()} are in no group and no unit of the "
            f"first hidden layer is left for them: make hidden_layer_sizes[0] "
            f"larger than the groups' {total} units, or put them in a group."
        )
    mask[np.ix_(free, range(start, n_first_units))] = 1
    return mask


# auto_wrap_output_keys: scikit-learn's __init_subclass__ keyword, unknown to its stubs.
#: ``X`` of :class:`NamedColumns`' methods.
_TRANSFORMER_X = """\
X : array-like or DataFrame of shape (n_samples, n_features)
    Input of ``transformer``.
"""

#: ``y`` and ``**fit_params`` of its ``fit`` and ``fit_transform``.
_TRANSFORMER_FIT_ARGUMENTS = """\
y : array-like of shape (n_samples,), default=None
    Passed to ``transformer``.
**fit_params : dict
    Passed to ``transformer``'s ``fit_transform``.
"""


class NamedColumns(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):  # type: ignore[call-arg]
    """A transformer whose output carries its feature names, sparse or dense.

    scikit-learn passes feature names from step to step in DataFrames
    (``set_output(transform="pandas")``), which it refuses for sparse output
    such as the one-hot encoding of a wide categorical column. Wrapped in
    ``NamedColumns``, a transformer's output becomes a pandas DataFrame with
    columns named by its ``get_feature_names_out()``; sparse output becomes
    a DataFrame of sparse columns, which an estimator after it reads as the
    same sparse matrix, with the names. An estimator's ``input_groups`` can
    then name the one-hot columns of a categorical column by their prefix
    (``"cat__city_"``): the names are resolved at every fit, from that fit's
    columns, so the groups stay right in cross-validation folds that lack
    some categories (where column indices would shift).

    Parameters
    ----------
    transformer : transformer
        A transformer with ``get_feature_names_out``, typically a
        ``ColumnTransformer``; ``fit`` fits a clone of it.

    Attributes
    ----------
    transformer_ : transformer
        The fitted clone of ``transformer``.
    n_features_in_ : int
        Number of input features, as ``transformer_`` saw them.
    feature_names_in_ : ndarray of str
        Input feature names, when ``transformer_`` saw a DataFrame.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.preprocessing import OneHotEncoder
    >>> from rumelhart import NamedColumns
    >>> frame = pd.DataFrame({"city": ["Oslo", "Rome", "Oslo"]})
    >>> named = NamedColumns(OneHotEncoder()).fit_transform(frame)
    >>> list(named.columns), float(named.sparse.density)
    (['city_Oslo', 'city_Rome'], 0.5)
    """

    def __init__(self, transformer):
        self.transformer = transformer

    @with_parameters(_TRANSFORMER_X, _TRANSFORMER_FIT_ARGUMENTS)
    def fit(self, X, y=None, **fit_params):
        """Fit a clone of ``transformer`` on ``X``.

        Returns
        -------
        self : NamedColumns
        """
        self.fit_transform(X, y, **fit_params)
        return self

    @with_parameters(_TRANSFORMER_X, _TRANSFORMER_FIT_ARGUMENTS)
    def fit_transform(self, X, y=None, **fit_params):
        """Fit a clone of ``transformer`` and return its named output.

        Returns
        -------
        Xt : pandas.DataFrame of shape (n_samples, n_features_out)
            The output, its columns named; sparse columns for sparse output.
        """
        pandas = _pandas()
        self.transformer_ = clone(self.transformer)
        return self._named(self.transformer_.fit_transform(X, y, **fit_params), pandas)

    @with_parameters(_TRANSFORMER_X)
    def transform(self, X):
        """The fitted transformer's output, its columns named.

        Returns
        -------
        Xt : pandas.DataFrame of shape (n_samples, n_features_out)
            The output, its columns named; sparse columns for sparse output.
        """
        check_is_fitted(self)
        return self._named(self.transformer_.transform(X), _pandas())

    def get_feature_names_out(self, input_features=None):
        """The names of the output columns, those of ``transformer_``.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Passed to ``transformer_.get_feature_names_out``.

        Returns
        -------
        names : ndarray of str
        """
        check_is_fitted(self)
        return self.transformer_.get_feature_names_out(input_features)

    @property
    def n_features_in_(self):
        """Number of input features seen by ``transformer_``."""
        return self.transformer_.n_features_in_

    @property
    def feature_names_in_(self):
        """Input feature names seen by ``transformer_``."""
        return self.transformer_.feature_names_in_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags = copy.deepcopy(get_tags(self.transformer).input_tags)
        # The output is a DataFrame: a dtype per column, no array dtype.
        tags.transformer_tags.preserves_dtype = []
        return tags

    def _named(self, Xt, pandas):
        if isinstance(Xt, pandas.DataFrame):
            return Xt  # the transformer already names its output
        names = self.transformer_.get_feature_names_out()
        if sparse.issparse(Xt):
            return pandas.DataFrame.sparse.from_spmatrix(Xt, columns=names)
        return pandas.DataFrame(np.asarray(Xt), columns=names)


def _pandas():
    try:
        import pandas
    except ImportError as exc:
        raise ImportError(
            "NamedColumns returns a pandas DataFrame and needs pandas: "
            "pip install pandas."
        ) from exc
    return pandas
