"""The estimator contract, for all four estimators: labels of any type,
probabilities, multi-output regression, dtypes, feature names, sparse input,
sample weights.

Training-loop behaviour (warm start, partial_fit, early stopping, divergence,
reproducibility, failed refits) is in ``test_training_loop.py``; pickling and
cloning in ``test_persistence.py``.
"""

import numpy as np
import pytest
from sklearn.base import is_classifier
from sklearn.datasets import make_blobs, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning

from .conftest import CLASSIFIERS, ESTIMATORS, REGRESSORS, fast


@pytest.mark.parametrize("cls", CLASSIFIERS)
@pytest.mark.parametrize(
    "labels",
    [np.array(["cat", "dog", "emu"]), np.array([3, -1, 7]), np.array([False, True])],
    ids=["strings", "ints", "bools"],
)
def test_labels_of_any_type(cls, labels):
    X, codes = make_blobs(
        n_samples=90, centers=len(labels), n_features=3, random_state=1
    )
    y = labels[codes]
    clf = fast(cls).fit(X, y)
    assert list(clf.classes_) == sorted(labels.tolist())
    pred = clf.predict(X)
    assert pred.dtype == y.dtype
    assert set(pred) <= set(labels)
    assert np.mean(pred == y) > 0.9


@pytest.mark.parametrize("cls", CLASSIFIERS)
@pytest.mark.parametrize("loss", ["log_loss", "squared_error"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_probabilities(cls, loss, n_classes):
    X, y = make_blobs(n_samples=90, centers=n_classes, n_features=3, random_state=2)
    # Far away points saturate the output units: probabilities must stay in (0, 1).
    X_far = np.vstack([X, 1e4 * X[:3]])
    clf = fast(cls, loss=loss).fit(X, y)
    proba = clf.predict_proba(X_far)
    assert proba.shape == (len(X_far), n_classes)
    assert np.all(proba > 0)
    assert np.all(proba < 1)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X_far)), proba, rtol=1e-6)
    np.testing.assert_array_equal(
        clf.classes_[proba.argmax(axis=1)], clf.predict(X_far)
    )


@pytest.mark.parametrize("cls", REGRESSORS)
def test_multi_output_regression(cls):
    X, Y = make_regression(
        n_samples=150, n_features=5, n_targets=3, noise=1, random_state=0
    )
    reg = fast(cls).fit(X, Y)
    assert reg.predict(X).shape == (150, 3)
    assert reg.n_outputs_ == 3
    assert reg.score(X, Y) > 0.9
    reg1 = fast(cls).fit(X, Y[:, 0])
    assert reg1.predict(X).shape == (150,)


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_preserved(cls, dtype):
    X, y = make_classification(n_samples=60, n_features=5, random_state=0)
    X = X.astype(dtype)
    est = fast(cls, max_iter=5)
    with pytest.warns(ConvergenceWarning):
        est.fit(X, y)
    if hasattr(est, "coefs_"):
        assert all(w.dtype == dtype for w in est.coefs_ + est.intercepts_)
    out = est.predict_proba(X) if hasattr(est, "predict_proba") else est.predict(X)
    assert out.dtype == dtype


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_pandas_feature_names(cls):
    pd = pytest.importorskip("pandas")
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    est = fast(cls, max_iter=20).fit(frame, y)
    assert list(est.feature_names_in_) == ["a", "b", "c", "d"]
    with pytest.raises(ValueError, match="feature names"):
        est.predict(frame[["b", "a", "c", "d"]])


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
@pytest.mark.parametrize("cls", ESTIMATORS)
def test_sparse_input_trains_the_same_network_as_dense(cls, fmt):
    sp = pytest.importorskip("scipy.sparse")
    X, y = make_classification(n_samples=60, n_features=6, random_state=0)
    X[np.abs(X) < 0.8] = 0.0  # mostly zeros, as sparse data is
    if not is_classifier(cls()):
        y = X @ np.arange(1.0, 7.0)
    sparse = sp.coo_matrix(X).asformat(fmt)
    kept = sparse.copy()
    dense = fast(cls, max_iter=20, batch_size=16).fit(X, y)
    ours = fast(cls, max_iter=20, batch_size=16).fit(sparse, y)
    method = "predict_proba" if is_classifier(cls()) else "predict"
    np.testing.assert_allclose(
        getattr(ours, method)(sparse), getattr(dense, method)(X), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(ours.loss_curve_, dense.loss_curve_, rtol=1e-5)
    assert (sparse != kept).nnz == 0  # the caller's matrix is untouched


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_sample_weight_equals_repeated_rows(cls):
    X, y = make_classification(
        n_samples=40, n_features=3, n_redundant=0, random_state=0
    )
    weights = np.arange(40) % 3  # 0, 1, 2: drop, keep, repeat
    X_rep, y_rep = np.repeat(X, weights, axis=0), np.repeat(y, weights)
    params = dict(batch_size=None, max_iter=25, tol=0, dtype="float64")
    if not cls.__name__.startswith("Torch"):
        params.pop("dtype")
    with pytest.warns(ConvergenceWarning):
        weighted = fast(cls, **params).fit(X, y, sample_weight=weights)
    with pytest.warns(ConvergenceWarning):
        repeated = fast(cls, **params).fit(X_rep, y_rep)
    np.testing.assert_allclose(weighted.loss_curve_, repeated.loss_curve_, rtol=1e-9)
    np.testing.assert_allclose(weighted.predict(X), repeated.predict(X), rtol=1e-9)
