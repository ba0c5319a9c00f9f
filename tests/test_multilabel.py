"""Multi-label targets in any two codes, dense or sparse (issue 22, items 3-4).

A 2-D ``y`` is a multi-label target when scikit-learn's ``type_of_target``
says ``"multilabel-indicator"``: two integer or boolean codes, the same in
every column. The classifiers learn the codes at fit, train each label's
unit on "is it the larger code", and predict in the codes and the dtype of
``y``; a ``scipy.sparse`` ``y`` trains as its dense copy and predicts a CSR
matrix, as scikit-learn's ``MLPClassifier`` does. The bad 2-D targets are in
``bad_input_cases.py``.
"""

import pickle

import numpy as np
import pytest
from scipy import sparse
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.utils.multiclass import type_of_target

from .conftest import CLASSIFIERS, fast

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

#: (off, on) codes of the shifted copies, and their dtype.
CODES = {
    "-1/+1": (np.array([-1, 1]), np.int64),
    "0/2": (np.array([0, 2]), np.int64),
    "-1/0": (np.array([-1, 0]), np.int64),
    "False/True": (np.array([False, True]), bool),
    "0.0/1.0": (np.array([0.0, 1.0]), np.float64),
}


def _labels_problem():
    """Three labels, each the sign of one feature kept away from zero, split
    into training and test rows: every label is learnable exactly."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(900, 6))
    X = X[(np.abs(X[:, :3]) > 0.3).all(axis=1)][:300]
    Y = (X[:, :3] > 0).astype(np.int64)
    return train_test_split(X, Y, random_state=0)


def _fit(cls, X, Y):
    return fast(cls).fit(X, Y)


@pytest.mark.parametrize("cls", CLASSIFIERS)
@pytest.mark.parametrize("name", list(CODES))
def test_codes_shifted_copy_learns_what_the_0_1_original_learns(cls, name):
    """Same seed, same data, codes shifted: the same network, predicting in
    the new codes; the subset accuracy is that of the 0/1 original."""
    codes, dtype = CODES[name]
    X_train, X_test, Y_train, Y_test = _labels_problem()
    shifted_train, shifted_test = codes[Y_train], codes[Y_test]
    assert type_of_target(shifted_train) == "multilabel-indicator"  # sklearn agrees
    original = _fit(cls, X_train, Y_train)
    shifted = _fit(cls, X_train, shifted_train)
    predicted = shifted.predict(X_test)
    assert predicted.dtype == dtype
    np.testing.assert_array_equal(predicted, codes[original.predict(X_test)])
    # predict_proba: each label's probability of its larger code.
    np.testing.assert_array_equal(
        shifted.predict_proba(X_test), original.predict_proba(X_test)
    )
    accuracy = original.score(X_test, Y_test)
    assert shifted.score(X_test, shifted_test) == accuracy
    assert accuracy_score(shifted_test, predicted) == accuracy
    assert accuracy > 0.85
    np.testing.assert_array_equal(shifted.classes_, [0, 1, 2])


def test_scikit_learns_mlp_does_not_learn_the_shifted_codes():
    """The oracle the issue compares against: on the same split, scikit-learn's
    MLPClassifier scores far below its own 0/1 result on -1/+1 targets, and
    ours does not (the previous test)."""
    X_train, X_test, Y_train, Y_test = _labels_problem()
    scores = {}
    for name, Y in [("0/1", Y_train), ("-1/+1", 2 * Y_train - 1)]:
        mlp = MLPClassifier((8,), max_iter=300, random_state=0).fit(X_train, Y)
        codes = np.unique(Y)
        scores[name] = mlp.score(X_test, codes[Y_test])
    print(f"\nscikit-learn MLPClassifier subset accuracy: {scores}")
    assert scores["-1/+1"] < scores["0/1"] - 0.3


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_constant_column_takes_the_codes_of_the_others(cls):
    """A label that never occurs in a fold (a constant column) is legal: the
    codes are those of the whole matrix, as in scikit-learn."""
    X_train, X_test, Y_train, _ = _labels_problem()
    Y = 2 * Y_train - 1
    Y[:, 2] = -1
    clf = _fit(cls, X_train, Y)
    assert set(np.unique(clf.predict(X_test))) <= {-1, 1}
    assert (clf.predict(X_test)[:, 2] == -1).all()


@pytest.mark.parametrize("cls", CLASSIFIERS)
@pytest.mark.parametrize("value", [0, 1])
def test_matrix_of_one_0_or_1_value_is_a_0_1_target(cls, value):
    X_train, X_test, Y_train, _ = _labels_problem()
    clf = _fit(cls, X_train, np.full_like(Y_train, value))
    assert set(np.unique(clf.predict(X_test))) <= {0, 1}


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_partial_fit_keeps_the_codes_of_its_first_call(cls):
    X_train, X_test, Y_train, _ = _labels_problem()
    clf = fast(cls)
    clf.partial_fit(X_train, 2 * Y_train - 1)
    clf.partial_fit(X_train[:10], -np.ones_like(Y_train[:10]))  # one code: fine
    assert set(np.unique(clf.predict(X_test))) <= {-1, 1}
    before = clf.predict_proba(X_test)
    with pytest.raises(ValueError, match=r"y holds the codes \[0\], but .* \[-1, 1\]"):
        clf.partial_fit(X_train, Y_train)
    with pytest.raises(ValueError, match=r"in the codes \[-1, 1\]"):
        clf.partial_fit(X_train, Y_train[:, 0])
    np.testing.assert_array_equal(clf.predict_proba(X_test), before)


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_codes_survive_pickling_and_old_pickles_predict_0_1(cls):
    X_train, X_test, Y_train, _ = _labels_problem()
    clf = _fit(cls, X_train, 2 * Y_train - 1)
    loaded = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(loaded.predict(X_test), clf.predict(X_test))
    # A multi-label classifier pickled before the codes were recorded was
    # fitted on 0/1: it still predicts 0/1.
    del loaded._label_codes, loaded._sparse_labels
    np.testing.assert_array_equal(
        loaded.predict(X_test), (clf.predict(X_test) + 1) // 2
    )


# -- sparse targets (item 4) ---------------------------------------------------
def _label_sets(Y):
    return [set(np.flatnonzero(row)) for row in Y]


@pytest.mark.parametrize("cls", CLASSIFIERS)
@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
def test_sparse_target_trains_as_its_dense_copy(cls, fmt):
    X_train, X_test, Y_train, Y_test = _labels_problem()
    binarizer = MultiLabelBinarizer(classes=[0, 1, 2], sparse_output=True)
    Y_sparse = binarizer.fit_transform(_label_sets(Y_train)).asformat(fmt)
    assert sparse.issparse(Y_sparse)
    dense = _fit(cls, X_train, Y_train)
    from_sparse = _fit(cls, X_train, Y_sparse)
    np.testing.assert_array_equal(
        from_sparse.predict_proba(X_test), dense.predict_proba(X_test)
    )
    predicted = from_sparse.predict(X_test)
    # As scikit-learn's MLPClassifier: a CSR matrix for a sparse y.
    reference = MLPClassifier((4,), max_iter=5).fit(X_train, Y_sparse)
    assert type(predicted) is type(reference.predict(X_test))
    assert predicted.format == "csr"
    np.testing.assert_array_equal(predicted.toarray(), dense.predict(X_test))
    Y_test_sparse = sparse.csr_matrix(Y_test)
    assert from_sparse.score(X_test, Y_test_sparse) == dense.score(X_test, Y_test)
    assert from_sparse.score(X_test, Y_test_sparse) > 0.85


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_partial_fit_on_sparse_targets(cls):
    X_train, X_test, Y_train, _ = _labels_problem()
    Y = sparse.csr_matrix(Y_train)
    incremental = fast(cls)
    dense = fast(cls)
    for _ in range(3):
        incremental.partial_fit(X_train, Y)
        dense.partial_fit(X_train, Y_train)
    assert sparse.issparse(incremental.predict(X_test))
    np.testing.assert_array_equal(
        incremental.predict_proba(X_test), dense.predict_proba(X_test)
    )
