"""Split-conformal calibration of fitted quantiles.

A network trained on the pinball loss fits its quantiles to rows it has
seen: on new rows the residuals are larger, and a 0.05-0.95 band covers
less than 90 % of them. Rows the network never trained on (the validation
rows of early stopping) measure that: each quantile output is shifted by
the empirical quantile, at its own level, of its residuals ``y - q(x)`` on
those rows, so that on exchangeable new rows a share of about ``level``
lies at or below the shifted quantile (split-conformal prediction, one
quantile at a time: Romano, Patterson & Candès, 2019, *Conformalized
quantile regression*, Theorem 2 holds for each bound). The rank takes the
finite-sample correction of split-conformal prediction: the
``ceil((n + 1) * level)``-th smallest residual for a level of 0.5 or more,
the ``floor((n + 1) * level)``-th below, so that a band between a lower and
an upper level covers at least their difference on average.

Shifts of different sizes may reorder the quantiles of a row: the
regressor sorts them afterwards (:func:`rumelhart._quantiles.ordered`).
"""

import math

import numpy as np
from numpy.typing import NDArray


def conformal_shifts(
    predicted: NDArray[np.floating],
    Y: NDArray[np.floating],
    levels: NDArray[np.floating],
    sample_weight: NDArray[np.floating] | None = None,
) -> NDArray[np.float64]:
    """The shift of each quantile column measured on held-out rows.

    Parameters
    ----------
    predicted, Y : ndarray of shape (n_samples, n_columns)
        The fitted quantiles of rows the network did not train on, and
        their targets (column ``j`` a quantile of level ``levels[j]``).
    levels : ndarray of shape (n_columns,)
        Each column's level, in (0, 1).
    sample_weight : ndarray of shape (n_samples,) or None
        Weights of the rows: the weighted empirical quantile of the
        residuals is taken, its rank counted among the rows of positive
        weight.

    Returns
    -------
    shifts : ndarray of shape (n_columns,)
        What to add to each column; zeros when no row has a positive weight.
    """
    residuals = np.asarray(Y, np.float64) - np.asarray(predicted, np.float64)
    weights = np.ones(len(residuals)) if sample_weight is None else sample_weight
    weights = np.asarray(weights, np.float64)
    kept = weights > 0
    residuals, weights = residuals[kept], weights[kept]
    if len(residuals) == 0:
        return np.zeros(residuals.shape[1])
    shares = [_corrected(level, len(weights)) for level in levels]
    return np.array(
        [
            _weighted_quantile(residuals[:, j], weights, share)
            for j, share in enumerate(shares)
        ]
    )


def _corrected(level: float, n: int) -> float:
    """The share of ``n`` rows whose order statistic split-conformal takes."""
    rank = math.ceil((n + 1) * level) if level >= 0.5 else math.floor((n + 1) * level)
    return min(max(rank, 1), n) / n


def _weighted_quantile(
    values: NDArray[np.float64], weights: NDArray[np.float64], share: float
) -> float:
    """The smallest value whose weighted share of values at or below it
    reaches ``share`` (the inverse of the weighted empirical distribution)."""
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    # A relative tolerance: i / n sums of equal weights round off.
    index = np.searchsorted(cumulative, share * cumulative[-1] * (1 - 1e-12))
    return float(values[order][min(index, len(values) - 1)])
