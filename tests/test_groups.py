"""Grouped inputs (``input_groups``) and :class:`rumelhart.NamedColumns`.

Groups named by a one-hot prefix must reach the right columns after a
sparse one-hot step and in cross-validation folds that lack categories
(issue 22, item 6). The groups that would build units without inputs are
refused: those cases are in ``bad_input_cases.py``.
"""

import sys

import numpy as np
import pytest
from scipy import sparse
from sklearn.compose import ColumnTransformer
from sklearn.model_selection import KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from rumelhart import NamedColumns

from .conftest import CLASSIFIERS, make

pd = pytest.importorskip("pandas")
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _frame(n=60):
    """Two categorical columns and a numeric one; ``city`` level "Z" only in
    the last 5 rows, so that a fold without them lacks that category."""
    rng = np.random.default_rng(0)
    city = rng.choice(list("ABCDE"), n).astype(object)
    city[-5:] = "Z"
    frame = pd.DataFrame(
        {"city": city, "size": rng.choice(["s", "m", "l"], n), "x": rng.normal(size=n)}
    )
    y = ((frame.city.isin(["A", "B", "Z"])) ^ (frame.x > 0)).astype(int)
    return frame, y.to_numpy()


def _one_hot():
    """Sparse output whatever the density (a wide categorical's one-hot)."""
    return ColumnTransformer(
        [
            ("cat", OneHotEncoder(handle_unknown="ignore"), ["city", "size"]),
            ("num", StandardScaler(), ["x"]),
        ],
        sparse_threshold=1.0,
    )


GROUPS = [("cat__city_", 2), ("cat__size_", 1)]


def _connections(net):
    """Which inputs reach which first-layer units (nonzero weights)."""
    return net.coefs_[0] != 0


def _expected_mask(names, n_units):
    """The first layer ``GROUPS`` ask for, from the names of one fit."""
    city = np.char.startswith(names.astype(str), "cat__city_")
    size = np.char.startswith(names.astype(str), "cat__size_")
    mask = np.zeros((len(names), n_units), dtype=bool)
    mask[np.ix_(city, [0, 1])] = True
    mask[np.ix_(size, [2])] = True
    mask[np.ix_(~city & ~size, range(3, n_units))] = True
    return mask


def test_named_columns_name_a_sparse_output_and_keep_its_values():
    frame, _ = _frame()
    plain = _one_hot().fit(frame)
    named = NamedColumns(_one_hot()).fit(frame)
    out = named.transform(frame)
    assert sparse.issparse(plain.transform(frame))
    assert list(out.columns) == list(plain.get_feature_names_out())
    assert all(isinstance(dtype, pd.SparseDtype) for dtype in out.dtypes)
    np.testing.assert_array_equal(
        out.sparse.to_coo().toarray(), plain.transform(frame).toarray()
    )
    np.testing.assert_array_equal(
        named.get_feature_names_out(), plain.get_feature_names_out()
    )
    assert list(named.feature_names_in_) == ["city", "size", "x"]
    assert named.n_features_in_ == 3
    dense = NamedColumns(StandardScaler()).fit_transform(frame[["x"]])
    assert isinstance(dense, pd.DataFrame) and list(dense.columns) == ["x"]


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_groups_by_name_after_a_sparse_one_hot_step(cls):
    frame, y = _frame()
    with pytest.raises(ValueError, match=r"rumelhart\.NamedColumns"):
        make_pipeline(_one_hot(), make(cls, input_groups=GROUPS)).fit(frame, y)
    model = make_pipeline(NamedColumns(_one_hot()), make(cls, input_groups=GROUPS))
    model.fit(frame, y)
    net = model[-1]
    names = model[0].get_feature_names_out()
    np.testing.assert_array_equal(net.feature_names_in_, names)
    np.testing.assert_array_equal(_connections(net), _expected_mask(names, 5))
    assert model.predict(frame).shape == y.shape


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_groups_by_name_follow_the_categories_of_each_fold(cls):
    """The fold without the "Z" rows has one city column fewer: the groups
    are resolved from each fold's own names, so every column still feeds
    its own group (hand-written indices would shift by one)."""
    frame, y = _frame()
    model = make_pipeline(NamedColumns(_one_hot()), make(cls, input_groups=GROUPS))
    folds = KFold(3)  # the last fold holds the 5 "Z" rows
    result = cross_validate(model, frame, y, cv=folds, return_estimator=True)
    widths = []
    for fitted in result["estimator"]:
        names = fitted[0].get_feature_names_out()
        widths.append(len(names))
        np.testing.assert_array_equal(
            _connections(fitted[-1]), _expected_mask(names, 5)
        )
    assert widths == [10, 10, 9]  # 6, 6 and 5 cities, 3 sizes, x


def test_named_columns_without_pandas_says_so(monkeypatch):
    X = _frame()[0][["x"]].to_numpy()
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="NamedColumns returns a pandas DataFrame"):
        NamedColumns(StandardScaler()).fit(X)


@parametrize_with_checks(
    [
        NamedColumns(StandardScaler()),
        NamedColumns(OneHotEncoder(handle_unknown="ignore")),
    ]
)
def test_named_columns_is_a_scikit_learn_transformer(estimator, check):
    check(estimator)
