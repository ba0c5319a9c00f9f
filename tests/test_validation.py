"""Validation (issue 7): every call ends in a correct result or a clear error.

Never a crash deep inside NumPy or torch, never a silent NaN, never a fitted
estimator left half-changed. Sections:

1. bad inputs: the cases of ``bad_input_cases.py`` as a matrix of estimator
   x case, with the exact error type and a message that says what to fix,
   checked on a new and on a fitted estimator (which must be left exactly as
   it was);
2. legal inputs, extreme or degenerate (one feature, constant targets,
   extreme weight and target scales, extreme parameter values, huge
   inputs): a correct, finite result, or a divergence error that says so.
"""

import re

import numpy as np
import pytest

from rumelhart.exceptions import DivergenceError

from .bad_input_cases import ALL_CASES, _frame
from .conftest import (
    ESTIMATORS,
    HAS_TORCH,
    N_FEATURES,
    REGRESSORS,
    check_finite_result,
    dataset,
    fitted,
    is_classifier,
    is_torch,
    lr_name,
    make,
    outcome,
    outputs_of,
    state_of,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


# -- 1. the bad-input matrix ------------------------------------------------------
def _matrix(cases):
    return [
        pytest.param(cls, case, id=f"{cls.__name__}-{case.id}")
        for case in cases
        for cls in ESTIMATORS
        if case.applies(cls)
    ]


BAD_INPUT_MATRIX = _matrix(ALL_CASES)


@pytest.mark.parametrize(("cls", "case"), BAD_INPUT_MATRIX)
def test_bad_input_is_refused_clearly_and_changes_nothing(cls, case):
    X, y = dataset(cls)
    if case.when in ("both", "new"):
        est = make(cls).set_params(**case.params)
        before = vars(est).copy()
        with pytest.raises(case.error, match=case.match):
            case.call(est, X, y)
        assert vars(est) == before  # still unfitted: its parameters only
    if case.when in ("both", "fitted"):
        est = fitted(cls)
        prediction = outputs_of(est, X)
        before = state_of(est)
        est.set_params(**case.params)
        with pytest.raises(case.error, match=case.match):
            case.call(est, X, y)
        after = state_of(est)
        for name in case.params:  # set by the user, not by the failed call
            before.pop(name), after.pop(name)
        np.testing.assert_equal(after, before)
        np.testing.assert_array_equal(outputs_of(est, X), prediction)


def _autoencoders():
    from rumelhart import RumelhartAutoencoder

    if not HAS_TORCH:
        return [RumelhartAutoencoder]
    from rumelhart import TorchAutoencoder

    return [RumelhartAutoencoder, TorchAutoencoder]


#: The cases of fit's validation rows that concern an autoencoder too
#: (it needs no y_val: its targets are its inputs).
_ROWS_CASES = [case for case in ALL_CASES if "_val" in case.id]


@pytest.mark.parametrize(
    ("cls", "case"),
    [
        pytest.param(cls, case, id=f"{cls.__name__}-{case.id}")
        for cls in _autoencoders()
        for case in _ROWS_CASES
        if case.applies(cls)
    ],
)
def test_autoencoders_refuse_bad_validation_rows_and_change_nothing(cls, case):
    X, _ = dataset(cls)
    est = make(cls).set_params(**case.params)
    before = vars(est).copy()
    with pytest.raises(case.error, match=case.match):
        case.call(est, X, None)
    assert vars(est) == before
    est = make(cls).fit(X)
    before = state_of(est)
    est.set_params(**case.params)
    with pytest.raises(case.error, match=case.match):
        case.call(est, X, None)
    after = state_of(est)
    for name in case.params:
        before.pop(name), after.pop(name)
    np.testing.assert_equal(after, before)


def test_autoencoders_need_no_y_val():
    X, _ = dataset(_autoencoders()[0])
    est = make(_autoencoders()[0], early_stopping=True).fit(X, X_val=X[:10] + 0.1)
    assert len(est.validation_scores_) == est.n_iter_


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_unseen_feature_names_are_refused_and_change_nothing(cls):
    X, y = dataset(cls)
    frame = _frame(X, ["a", "b", "c"])
    est = make(cls).fit(frame, y)
    prediction, before = outputs_of(est, frame), state_of(est)
    with pytest.raises(ValueError, match="Feature names unseen at fit time:\n- d"):
        est.predict(_frame(X, ["a", "b", "d"]))
    with pytest.raises(ValueError, match="Feature names unseen at fit time:\n- d"):
        est.partial_fit(_frame(X, ["a", "b", "d"]), y)
    np.testing.assert_equal(state_of(est), before)
    np.testing.assert_array_equal(outputs_of(est, frame), prediction)


# -- 2. legal inputs, extreme or degenerate: a correct result --------------------
@pytest.mark.parametrize("cls", ESTIMATORS)
def test_one_feature_gives_a_correct_model(cls):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(80, 1))
    y = (X[:, 0] > 0).astype(int) if is_classifier(cls) else 3 * X[:, 0] - 1
    params = dict(lr=0.05, max_iter=300) if is_torch(cls) else dict(max_iter=500)
    est = make(cls, hidden_layer_sizes=(8,), **params).fit(X, y)
    assert est.n_features_in_ == 1
    assert est.score(X, y) > 0.95
    check_finite_result(est, X)


@pytest.mark.parametrize("cls", REGRESSORS)
def test_degenerate_regression_targets(cls):
    X, y = dataset(cls)
    one = make(cls).fit(X[:1], y[:1])  # one sample: its target, whatever X
    np.testing.assert_allclose(one.predict(X[:1]), y[:1], rtol=0.05)
    constant = make(cls).fit(X, np.full(len(X), 7.0))
    np.testing.assert_allclose(constant.predict(X), 7.0, rtol=0.05)


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("scale", [1e307, 1e300, 1e-300, 1e-310])
def test_extreme_weight_scales_change_nothing(cls, scale):
    """With a mean loss only ratios of weights count, even when their sum
    overflows (1e307) or is too small to divide by (1e-310)."""
    X, y = dataset(cls)
    reference = make(cls).fit(X, y)
    weighted = make(cls).fit(X, y, sample_weight=np.full(len(X), scale))
    np.testing.assert_allclose(
        outputs_of(weighted, X), outputs_of(reference, X), rtol=1e-6
    )
    np.testing.assert_allclose(weighted.loss_curve_, reference.loss_curve_, rtol=1e-6)


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize(
    ("dtype", "tiny"), [(np.float32, 1e-42), (np.float64, 5e-324)], ids=["32", "64"]
)
def test_batch_of_subnormal_weights_trains_like_equal_weights(cls, dtype, tiny):
    """A mini-batch whose weights are all equal is averaged as if unweighted,
    even when they are subnormal and 1/total overflows the dtype. (The two
    halves hold the same rows, so that the regressors' weighted target
    scaling is the unweighted one.)"""
    X, y = dataset(cls, n_samples=16)
    X, y = np.concatenate([X, X]).astype(dtype), np.concatenate([y, y])
    weights = np.ones(32, dtype)
    weights[:16] = tiny
    assert weights[0] > 0
    # No decay: it counts the rows by their weights (16 here, 32 unweighted).
    params = dict(batch_size=16, shuffle=False, weight_decay=0.0)
    reference = make(cls, **params).fit(X, y)
    weighted = make(cls, **params).fit(X, y, sample_weight=weights)
    assert np.isfinite(weighted.loss_curve_).all()
    rtol = 1e-4 if dtype == np.float32 else 1e-9
    np.testing.assert_allclose(
        outputs_of(weighted, X), outputs_of(reference, X), rtol=rtol, atol=1e-6
    )


@pytest.mark.parametrize("cls", REGRESSORS)
@pytest.mark.parametrize("scale", [1e300, 1e-160, 1e-300])
def test_extreme_target_scales_change_nothing(cls, scale):
    """Standardised targets: squares that overflow or underflow do not matter."""
    X, y = dataset(cls)
    reference = make(cls).fit(X, y)
    scaled = make(cls).fit(X, scale * y)
    np.testing.assert_allclose(
        scaled.predict(X) / scale, reference.predict(X), rtol=1e-6
    )
    np.testing.assert_allclose(scaled.loss_curve_, reference.loss_curve_, rtol=1e-6)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_object_and_integer_inputs_equal_floats(cls):
    X, y = dataset(cls)
    X = np.round(X)
    reference = outputs_of(make(cls).fit(X, y), X)
    for variant in (X.astype(object), X.astype(int), X.tolist()):
        np.testing.assert_array_equal(
            outputs_of(make(cls).fit(variant, y), X), reference
        )


def _legal_extremes(cls):
    name = lr_name(cls)
    cases = [
        {name: 1e300},
        {name: 1e-300},
        {"batch_size": 1},
        {"batch_size": 10**9},
        {"max_iter": 1},
        {"tol": 0.0},
        {"tol": 1e300},
        {"n_iter_no_change": 10**9},
        {"tol": 1e300, "max_iter": 10**9},
        {"hidden_layer_sizes": ()},
        {"hidden_layer_sizes": (1, 1, 1)},
        {"early_stopping": True, "validation_fraction": 0.5},
    ]
    if is_torch(cls):
        cases += [
            {"lr": True, "weight_decay": True},  # bools are numbers (1)
            {"optimizer": "sgd", "lr": 1e300},
            {"optimizer": "sgd", "momentum": 0.0},
            {"optimizer": "sgd", "momentum": 0.999999},
            {"weight_decay": 1e300},
            {"optimizer": "sgd", "weight_decay": 1e300},
            {"lr_schedule": "onecycle", "lr": 1e300},
        ]
    else:
        cases += [
            {"eps": True, "alpha": False, "init_range": True},
            {"alpha": 0.0},
            {"alpha": 0.999999},
            {"weight_decay": 0.999999},
            {"init_range": 0.0},
            {"init_range": 1e300},
            {"reduction": "sum", "eps": 1e300},
        ]
    return cases


LEGAL_EXTREMES = [
    pytest.param(cls, params, id=f"{cls.__name__}-{params}")
    for cls in ESTIMATORS
    for params in _legal_extremes(cls)
]


@pytest.mark.parametrize(("cls", "params"), LEGAL_EXTREMES)
def test_legal_extreme_parameters_fit_or_report_divergence(cls, params):
    """A valid fit with finite predictions, or a DivergenceError naming the rate."""
    X, y = dataset(cls)
    est = make(cls, **params)
    _, error = outcome(lambda: est.fit(X, y), DivergenceError)
    if error is None:
        check_finite_result(est, X)
    else:
        pattern = rf"Training diverged at epoch \d+: .* {lr_name(cls)}="
        assert re.search(pattern, str(error))
        assert not hasattr(est, "n_iter_")


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("magnitude", [1e10, 1e300])
def test_huge_inputs_fit_or_explain(cls, magnitude):
    X, y = dataset(cls)
    est = make(cls)
    _, error = outcome(lambda: est.fit(X * magnitude, y), DivergenceError)
    if error is None:
        check_finite_result(est, X * magnitude)
    else:
        assert "The inputs are large" in str(error)
        assert "StandardScaler" in str(error)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_predictions_never_silently_overflow(cls):
    X, y = dataset(cls)
    # No hidden layer: inputs far outside the training range reach the
    # output units unsquashed.
    est = make(cls, hidden_layer_sizes=()).fit(X, y)
    for X_far in (X * 1e300, np.full((4, N_FEATURES), 1.7e308)):
        prediction, error = outcome(lambda X=X_far: outputs_of(est, X), ValueError)
        if error is None:
            assert np.isfinite(prediction).all()
        else:
            assert "outputs overflowed" in str(error)


def test_bad_input_matrix_size():
    """The number of bad-input cases (reported in the issue)."""
    n_fresh = sum(c.values[1].when in ("both", "new") for c in BAD_INPUT_MATRIX)
    n_fitted = sum(c.values[1].when in ("both", "fitted") for c in BAD_INPUT_MATRIX)
    print(
        f"\n{len(BAD_INPUT_MATRIX)} estimator x case items ({len(ALL_CASES)} cases): "
        f"{n_fresh} calls on new estimators, {n_fitted} on fitted ones; "
        f"{len(LEGAL_EXTREMES)} legal extremes"
    )
    assert len(BAD_INPUT_MATRIX) > 300
