"""Cross-validated shifts of fitted quantiles (``conformalize_quantiles=True``).

Split-conformal calibration (:mod:`._conformal`) measures the network's
residuals on the few hundred rows early stopping held out, and a 90 % band's
coverage then varies from fit to fit by about ``sqrt(0.09 / n_val)``: 0.017
on 300 rows, so one fit in four lands outside 88-92 %. The residuals of
the returned network on the rows it was given (all of them) are many, but
too small: it fitted them. What separates the two, the *optimism* of each
quantile, is a property of the training procedure on data of that size,
and cross-validation estimates it (Efron, 1983, *Estimating the error rate
of a prediction rule: improvement on cross-validation*, JASA 78; the
covariance-penalty view of Efron, 2004, JASA 99). So each quantile column
is shifted by

    Q(residuals of the returned network on the rows it was given)
    + (K - 1) / K * mean over K folds of [Q(residuals of the fold's
      network on its held-out fold) - Q(residuals of the fold's network
      on its own rows)]

with ``Q`` the split-conformal order statistic at the column's level; the
factor (K - 1) / K because an optimism falls as 1 / n and the fold fits
see (K - 1) / K of the rows (without it the band covered 0.904 on average
of 12 NumPy sets, with it 0.902, as the true quantiles). The K fold
networks are fitted with the estimator's own parameters (no callbacks, no
output, the same seed and validation mode). Their own shifts would not
do: the quantiles of the out-of-fold residuals of *other* networks,
applied to the returned one (the "CV" of Barber, Candès, Ramdas &
Tibshirani, 2021, *Predictive inference with the jackknife+*, Ann.
Statist. 49), carry each network's own miscoverage, which varies between
fits (12 NumPy sets of ``benchmarks/losses.py``: coverage SD 0.015, 3
outside 88-92 %, as the 300-row split's 0.018 and 3), while the optimism
does not (15 sets: SD 0.007 NumPy, 0.009 torch, none outside). The price:
K + 1 fits, and no finite-sample guarantee (the optimism is estimated).
A Ctrl-C that ends a fold fit ends them all: the split's shifts then.
"""

import functools
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.base import clone
from sklearn.model_selection import KFold

from ._conformal import conformal_shifts
from ._estimator import policy
from ._groups import _column_indices

#: Folds of the cross-validation (5: the fit costs 6 fits).
N_FOLDS = 5
#: Rows each held-out fold needs for the cross-validated shifts to be
#: tried; fewer rows in all: split-conformal shifts.
MIN_FOLD_ROWS = 20


def cross_applies(run: Any) -> bool:
    """Whether the fit ``run`` takes the cross-validated shifts: enough rows,
    and fold fits that hold out rows as the fit itself did (a different
    validation mode would train differently, with another optimism)."""
    n_fold = run.data.n - -(-run.data.n // N_FOLDS)  # the smallest fold fit
    if run.data.n < N_FOLDS * MIN_FOLD_ROWS:
        return False
    if run.mode == "refit":  # the fold fits must choose their epochs so too
        fold_mode = policy.validation_mode(
            "auto",
            n_fold,
            run.target.task,
            incremental=False,
            continuing=False,
            rules=run.backend.rules,
            loss=run.target.loss,
        )
        return fold_mode == "refit"
    return run.mode == "holdout"


def cross_shifts(estimator: Any, engine: Any, run: Any) -> NDArray[np.float64] | None:
    """The shift of each quantile column of ``engine``, in its scaled units.

    Parameters
    ----------
    estimator : regressor
        The regressor being fitted: its parameters make the fold fits (it
        is not changed).
    engine : engine
        The returned network, trained on the rows given to ``fit`` (or on
        a split of them).
    run : FitRun
        The fit: its rows (validated, encoded, weighted), the targets as
        given, the target scaling, the levels and the seed (which draws
        the folds and the fold networks' initial weights).

    Returns
    -------
    shifts : ndarray of shape (n_columns,) or None
        None when no fold has training rows of positive weight.
    """
    data, levels = run.data, np.asarray(run.target.loss_param)
    with np.errstate(over="ignore", invalid="ignore"):
        outputs = engine.predict(data.X)
    given = conformal_shifts(outputs, data.Y, levels, data.sample_weight)
    scaling = run.target_attrs["_y_mean"], run.target_attrs["_y_scale"]
    folds = KFold(N_FOLDS, shuffle=True, random_state=run.seed % 2**32)
    optimism, shares = [], []
    for train, test in folds.split(data.X):
        weights = data.sample_weight
        if weights is not None and not weights[train].sum() > 0:
            continue  # a fit would refuse these rows
        fold = _fold_fit(estimator, run, train)
        if fold.stop_reason_ == "interrupted":
            return None  # Ctrl-C: no more fits; the split's shifts
        with np.errstate(over="ignore", invalid="ignore"):
            raw = fold._engine.predict(data.X) * fold._y_scale + fold._y_mean
            fold_outputs = (raw - scaling[0]) / scaling[1]  # the units of Y
        quantile = functools.partial(_shifts, fold_outputs, data.Y, levels, weights)
        optimism.append(quantile(test) - quantile(train))
        shares.append(len(train) / data.n)
    if not optimism:
        return None
    # A fit's optimism falls as 1 / n (Efron 2004: covariance penalty over
    # n): the fold fits, on a share (K - 1) / K of the rows, have more.
    scaled = np.mean(shares) * np.mean(optimism, axis=0)
    shifts: NDArray[np.float64] = given + scaled
    return shifts


def _fold_fit(estimator: Any, run: Any, train: NDArray[np.intp]) -> Any:
    """A copy of ``estimator`` fitted on the rows ``train`` (same seed, no
    callbacks, no output, no shifts of its own, the same input groups)."""
    fold = clone(estimator).set_params(
        conformalize_quantiles=False,
        early_stopping=True if run.mode == "holdout" else "auto",
        warm_start=False,
        callbacks=None,
        verbose=0,
        random_state=run.seed,
    )
    if estimator.input_groups:  # by index: the fold's X has no names
        fold.set_params(input_groups=_indexed(estimator.input_groups, run))
    weights = run.data.sample_weight
    fold_weights = None if weights is None else weights[train]
    return fold.fit(run.data.X[train], run.y[train], sample_weight=fold_weights)


def _indexed(groups: Any, run: Any) -> list[tuple[list[int], int]]:
    """``input_groups`` with their columns as indices (the fit resolved
    names, prefixes and slices against its feature names)."""
    n_features = run.data.X.shape[1]
    return [
        (_column_indices(columns, n_features, run.feature_names).tolist(), n_units)
        for columns, n_units in groups
    ]


def _shifts(outputs, Y, levels, weights, rows):
    """Split-conformal shifts measured on ``rows``."""
    w = None if weights is None else weights[rows]
    return conformal_shifts(outputs[rows], Y[rows], levels, w)
