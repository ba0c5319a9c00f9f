"""The cross-validated shifts of fitted quantiles (``conformalize_quantiles``
True, the default): what they are, the band they give on new rows, when
they apply, and what a fit leaves untouched."""

import math

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import KFold

from .conftest import REGRESSORS, band_data, fast, fitted_state

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

BAND = [0.05, 0.5, 0.95]


def _band_regressor(cls, **params):
    return fast(cls, loss="quantile", quantile=BAND, **params)


def _order_statistic(residuals, level):
    """Split-conformal's order statistic, written out: the ceil((n + 1) a)-th
    smallest residual for a level a of 0.5 or more, the floor((n + 1) a)-th
    below."""
    n = len(residuals)
    rank = math.ceil((n + 1) * level) if level >= 0.5 else math.floor((n + 1) * level)
    return np.sort(residuals)[min(max(rank, 1), n) - 1]


@pytest.mark.parametrize("weighted", [False, True])
def test_shift_is_the_given_rows_quantile_plus_the_folds_optimism(weighted):
    """shift = Q(y - q(x) over the rows given to fit, of the returned
    network) + (K - 1) / K * mean over 5 folds of [Q(out-of-fold residuals)
    - Q(the fold's own rows' residuals)] of a network fitted on the other
    folds, Q the order statistic of the level; rows of weight zero count in
    no quantile (weights 0/1: the order statistic of the others)."""
    from rumelhart import RumelhartRegressor

    X, y, _ = band_data(400, 4)
    w = (np.arange(400) % 4 != 0).astype(float) if weighted else np.ones(400)
    reg = RumelhartRegressor(
        (4,), loss="quantile", quantile=0.9, early_stopping=True, max_iter=30
    )
    reg.set_params(random_state=3).fit(X, y, sample_weight=w if weighted else None)
    kept = w > 0

    def raw(est, rows):  # one level, 1-D y: predict does not sort
        return est.predict(X[rows]) - est.quantile_shifts_[0]

    given = _order_statistic((y - raw(reg, slice(None)))[kept], 0.9)
    optimism = []
    for train, test in KFold(5, shuffle=True, random_state=3).split(X):
        fold = clone(reg).set_params(conformalize_quantiles=False)
        fold.fit(X[train], y[train], sample_weight=w[train] if weighted else None)
        out = _order_statistic((y[test] - raw(fold, test))[kept[test]], 0.9)
        own = _order_statistic((y[train] - raw(fold, train))[kept[train]], 0.9)
        optimism.append(out - own)
    expected = given + 0.8 * np.mean(optimism)
    assert reg.quantile_shifts_.shape == (1,)
    np.testing.assert_allclose(reg.quantile_shifts_, [expected], rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("cls", REGRESSORS)
def test_band_of_one_fit_covers_new_rows_as_the_true_quantiles_do(cls):
    """On fresh heteroscedastic rows the 0.05-0.95 band of one default fit
    (64 hidden units, 1,000 rows: a network that fits its own rows too
    well) covers what the true conditional quantiles cover, within 0.01,
    and its quantiles never cross. Here the network's own rows alone gave
    0.023 (NumPy) and 0.016 (torch) too little, the split's 100 rows 0.041
    too little on torch."""
    X, y, true = band_data(1000 + 20_000, 1)
    train, new = slice(0, 1000), slice(1000, None)
    reg = _band_regressor(cls).set_params(hidden_layer_sizes=(64,))
    band = reg.fit(X[train], y[train]).predict(X[new])

    def coverage(band):
        return np.mean((band[:, 0] <= y[new]) & (y[new] <= band[:, -1]))

    truth = coverage(true[new])
    assert abs(truth - 0.9) < 0.005  # the oracle, on these rows
    assert abs(coverage(band) - truth) < 0.01
    assert np.all(np.diff(band, axis=1) >= 0)


@pytest.mark.parametrize("cls", REGRESSORS)
def test_shifts_are_reproducible_and_leave_inputs_and_global_rng_alone(cls):
    X, y, _ = band_data(300, 5)
    weights = np.linspace(0.5, 1.5, 300)
    copies = X.copy(), y.copy(), weights.copy()
    before = np.random.get_state()[1].copy()
    reg = _band_regressor(cls, early_stopping=True, random_state=7)
    first = reg.fit(X, y, sample_weight=weights).quantile_shifts_.copy()
    again = clone(reg).fit(X, y, sample_weight=weights).quantile_shifts_
    np.testing.assert_array_equal(first, again)
    for given, copy in zip((X, y, weights), copies, strict=True):
        np.testing.assert_array_equal(given, copy)
    np.testing.assert_array_equal(np.random.get_state()[1], before)
    split = clone(reg).set_params(conformalize_quantiles="split")
    assert not np.allclose(split.fit(X, y).quantile_shifts_, first)


def _split_and_default(**params):
    from rumelhart import RumelhartRegressor

    reg = RumelhartRegressor(
        (4,), loss="quantile", quantile=[0.1, 0.9], max_iter=20, random_state=0
    )
    reg.set_params(**params)
    return clone(reg).set_params(conformalize_quantiles="split"), reg


def test_given_validation_rows_keep_the_split_conformal_shifts():
    """``X_val``: the user's calibration rows, measured alone, whatever the
    mode ("cross" too)."""
    X, y, _ = band_data(600, 6)
    for mode in (True, "cross"):
        split, default = _split_and_default(conformalize_quantiles=mode)
        fits = [
            est.fit(X[:300], y[:300], X_val=X[300:], y_val=y[300:])
            for est in (split, default)
        ]
        np.testing.assert_array_equal(*(f.quantile_shifts_ for f in fits))


def test_a_warm_started_fit_is_shifted_on_its_own_validation_split():
    """A continued network is not what fits on folds would train: a warm
    start takes the split-conformal shifts of its validation split."""
    X, y, _ = band_data(400, 7)
    split, default = _split_and_default(early_stopping=True, warm_start=True)
    for est in (split, default):
        est.fit(X, y)
    assert not np.allclose(split.quantile_shifts_, default.quantile_shifts_)
    for est in (split, default):
        est.fit(X, y)
    np.testing.assert_array_equal(split.quantile_shifts_, default.quantile_shifts_)


def test_too_few_rows_for_the_folds_take_the_split_conformal_shifts():
    """Below 5 x 20 rows a fold would hold out too few rows to measure."""
    X, y, _ = band_data(99, 8)
    split, default = _split_and_default(early_stopping=True)
    np.testing.assert_array_equal(
        split.fit(X, y).quantile_shifts_, default.fit(X, y).quantile_shifts_
    )


def test_a_failed_fold_fit_leaves_the_fitted_regressor_as_it_was(monkeypatch):
    import rumelhart._cross_conformal as cross

    X, y, _ = band_data(300, 9)
    _, reg = _split_and_default(early_stopping=True)
    reg.fit(X, y)
    state = fitted_state(reg)
    calls = []

    def failing(estimator, run, train):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the third fold fit fails")
        return original(estimator, run, train)

    original = cross._fold_fit
    monkeypatch.setattr(cross, "_fold_fit", failing)
    with pytest.raises(RuntimeError, match="third fold"):
        reg.fit(X[::-1], y[::-1])
    np.testing.assert_equal(fitted_state(reg), state)


def test_an_unknown_mode_is_refused_by_name():
    from rumelhart import RumelhartRegressor

    X, y, _ = band_data(50, 10)
    reg = RumelhartRegressor(loss="quantile", conformalize_quantiles="jackknife")
    with pytest.raises(ValueError, match=r"conformalize_quantiles.*'cross'"):
        reg.fit(X, y)


def test_ctrl_c_in_a_fold_fit_falls_back_to_the_split_shifts(monkeypatch):
    """A fold fit that Ctrl-C ended measured nothing: no more fold fits, and
    the shifts of the split (the fit itself is kept)."""
    import rumelhart._cross_conformal as cross

    X, y, _ = band_data(300, 11)
    split, default = _split_and_default(early_stopping=True)
    calls = []

    def interrupted(estimator, run, train):
        fold = original(estimator, run, train)
        calls.append(1)
        if len(calls) == 2:
            fold.stop_reason_ = "interrupted"
        return fold

    original = cross._fold_fit
    monkeypatch.setattr(cross, "_fold_fit", interrupted)
    default.fit(X, y)
    assert len(calls) == 2
    np.testing.assert_array_equal(
        default.quantile_shifts_, split.fit(X, y).quantile_shifts_
    )


def test_fold_fits_keep_input_groups_named_by_feature():
    """Groups named by columns of a DataFrame reach the fold fits as
    indices (their rows come without names)."""
    pd = pytest.importorskip("pandas")
    from rumelhart import RumelhartRegressor

    X, y, _ = band_data(300, 12)
    frame = pd.DataFrame(X, columns=["a", "b"])
    groups = [(["a"], 2), ("b", 2)]
    reg = RumelhartRegressor(
        (4,), loss="quantile", quantile=0.9, max_iter=20, random_state=0
    )
    reg.set_params(early_stopping=True, input_groups=groups).fit(frame, y)
    by_index = clone(reg).set_params(input_groups=[([0], 2), ([1], 2)]).fit(X, y)
    np.testing.assert_allclose(reg.quantile_shifts_, by_index.quantile_shifts_)
