"""Accuracy at default settings against scikit-learn's own MLP, and model search."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_wine,
    make_classification,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_validate, train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from rumelhart import RumelhartClassifier, RumelhartRegressor

from .conftest import HAS_TORCH


def _held_out_score(estimator, X, y, seed):
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=seed
    )
    model = make_pipeline(StandardScaler(), estimator)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    return model.score(X_test, y_test)


@pytest.mark.parametrize("load", [load_digits, load_breast_cancer, load_wine])
def test_classifier_within_two_points_of_sklearn_mlp(load):
    X, y = load(return_X_y=True)
    ours, theirs = [], []
    for seed in range(3):
        ours.append(_held_out_score(RumelhartClassifier(random_state=seed), X, y, seed))
        theirs.append(_held_out_score(MLPClassifier(random_state=seed), X, y, seed))
    name = load.__name__
    print(f"{name}: ours {np.mean(ours):.4f}, MLPClassifier {np.mean(theirs):.4f}")
    assert np.mean(ours) >= np.mean(theirs) - 0.02


def test_regressor_r2_within_005_of_sklearn_mlp():
    X, y = load_diabetes(return_X_y=True)
    ours = [
        _held_out_score(RumelhartRegressor(random_state=s), X, y, s) for s in range(3)
    ]
    theirs = [_held_out_score(MLPRegressor(random_state=s), X, y, s) for s in range(3)]
    print(f"diabetes R2: ours {np.mean(ours):.4f}, MLPRegressor {np.mean(theirs):.4f}")
    assert np.mean(ours) >= np.mean(theirs) - 0.05


def test_no_hidden_layer_is_logistic_regression():
    X, y = make_classification(
        n_samples=200,
        n_features=4,
        n_informative=4,
        n_redundant=0,
        flip_y=0.3,
        random_state=0,
    )  # no collinear features and noisy labels: one finite optimum
    ours = RumelhartClassifier(
        hidden_layer_sizes=(),
        eps=1.0,
        max_iter=20000,
        tol=1e-12,
        n_iter_no_change=100,
        weight_decay=0.0,  # the unpenalised optimum, as C=inf below
        random_state=0,
    ).fit(X, y)
    oracle = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10000).fit(X, y)
    np.testing.assert_allclose(ours.coefs_[0][:, 0], oracle.coef_[0], rtol=1e-3)
    np.testing.assert_allclose(
        ours.predict_proba(X), oracle.predict_proba(X), atol=1e-4
    )


def test_no_hidden_layer_is_linear_regression():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3))
    y = X @ [1.5, -2.0, 0.5] + 3 + rng.normal(scale=0.1, size=100)
    ours = RumelhartRegressor(
        hidden_layer_sizes=(),
        max_iter=5000,
        tol=1e-14,
        n_iter_no_change=100,
        early_stopping=False,  # the least-squares optimum of all 100 rows
        random_state=0,
    ).fit(X, y)
    oracle = LinearRegression().fit(X, y)
    np.testing.assert_allclose(ours.predict(X), oracle.predict(X), rtol=1e-6)


def test_grid_search_in_pipeline_with_two_jobs():
    X, y = load_wine(return_X_y=True)
    pipe = make_pipeline(
        StandardScaler(), RumelhartClassifier(max_iter=200, random_state=0)
    )
    grid = GridSearchCV(
        pipe,
        {
            "rumelhartclassifier__eps": [0.1, 0.5],
            "rumelhartclassifier__alpha": [0.5, 0.9],
            "rumelhartclassifier__hidden_layer_sizes": [(5,), (20,)],
        },
        cv=3,
        n_jobs=2,
    )
    grid.fit(X, y)
    assert len(grid.cv_results_["params"]) == 8
    assert grid.best_score_ > 0.9
    results = cross_validate(grid.best_estimator_, X, y, cv=3)
    assert results["test_score"].mean() > 0.9


def _multilabel_estimators():
    """One classifier per backend, with the settings spelled out."""
    estimators = [
        RumelhartClassifier((16,), eps=0.5, alpha=0.9, max_iter=1000, random_state=0)
    ]
    if HAS_TORCH:
        from rumelhart import TorchMLPClassifier

        estimators.append(
            TorchMLPClassifier(
                (16,), lr=0.01, max_iter=200, device="cpu", random_state=0
            )
        )
    return estimators


@pytest.mark.parametrize(
    "estimator", _multilabel_estimators(), ids=lambda e: type(e).__name__
)
def test_multilabel_indicator_targets(estimator):
    """Three labels, each the sign of one feature, kept away from zero: a
    problem every label of which a logistic output can learn exactly."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1200, 6))
    X = X[(np.abs(X[:, :3]) > 0.3).all(axis=1)][:400]
    Y = (X[:, :3] > 0).astype(int)
    X_train, X_test, Y_train, Y_test = train_test_split(X, Y, random_state=0)
    model = make_pipeline(StandardScaler(), estimator)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, Y_train)
    predicted = model.predict(X_test)
    assert predicted.shape == Y_test.shape
    assert np.isin(predicted, [0, 1]).all()
    proba = model.predict_proba(X_test)
    assert proba.shape == Y_test.shape
    assert ((proba > 0) & (proba < 1)).all()
    subset_accuracy = model.score(X_test, Y_test)  # every label right
    print(f"{type(estimator).__name__}: subset accuracy {subset_accuracy:.3f}")
    assert subset_accuracy > 0.85


@pytest.mark.parametrize(
    "activation",
    ["logistic", "tanh", "relu", "leaky_relu", "elu", "softplus", "gelu", "silu"],
)
def test_numpy_estimators_learn_with_every_activation(activation):
    """Each hidden activation of the NumPy estimators trains a classifier
    and a regressor on a small problem (its gradients are right in
    tests/test_numpy_engine.py; here they also make progress)."""
    from rumelhart import RumelhartClassifier, RumelhartRegressor

    X, y = make_classification(n_samples=200, n_features=6, random_state=0)
    clf = RumelhartClassifier((16,), activation=activation, random_state=0)
    assert clf.fit(X, y).score(X, y) > 0.85
    assert clf._engine.hidden_activation == activation
    X, _ = make_classification(n_samples=200, n_features=6, random_state=1)
    target = np.sin(X[:, 0]) + X[:, 1] * X[:, 2]
    reg = RumelhartRegressor((16,), activation=activation, random_state=0)
    assert reg.fit(X, target).score(X, target) > 0.8
