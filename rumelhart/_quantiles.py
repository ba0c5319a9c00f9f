"""Several quantiles from one regressor: the levels, the target columns and
the order of the predictions.

``quantile=[0.05, 0.5, 0.95]`` on a 1-D ``y`` trains one output unit per
level, each on the same target with its own pinball loss. The fitted
quantiles are then put in the order of their levels on every row (sorted):
the rearrangement of Chernozhukov, Fernandez-Val & Galichon (2010,
*Quantile and probability curves without crossing*, Econometrica 78)
never moves an estimate of a conditional quantile curve further from the
true curve, and it guarantees bands whose edges never cross. It costs
nothing in training and keeps the loss one entry of the table.
"""

from numbers import Real

import numpy as np


def quantile_levels(quantile):
    """``(levels, several)``: the levels as an array, and whether the user
    asked for a list (one output column each) rather than one number.

    Raises
    ------
    ValueError
        When a level is not strictly between 0 and 1, or the list is empty.
    """
    several = not isinstance(quantile, Real)
    levels = np.atleast_1d(np.asarray(quantile, dtype=np.float64))
    if levels.ndim != 1 or len(levels) == 0:
        raise ValueError(
            f"quantile must be a number or a flat list of numbers, got {quantile!r}."
        )
    if not np.all((levels > 0) & (levels < 1)):
        raise ValueError(
            f"quantile levels must lie strictly between 0 and 1, got {quantile!r}."
        )
    return levels, several


def quantile_targets(Y, levels, several):
    """The target columns and each column's level.

    One level applies to every column of ``Y``; a list of levels needs a
    single target column, repeated once per level.
    """
    if not several:
        return Y, np.full(Y.shape[1], levels[0])
    if Y.shape[1] != 1:
        raise ValueError(
            f"A list of quantiles ({len(levels)} levels) needs 1-D y; y has "
            f"{Y.shape[1]} columns. Pass one level to fit it for every column, "
            "or fit one regressor per column."
        )
    return np.repeat(Y, len(levels), axis=1), levels


def ordered(predictions, levels):
    """``predictions`` (n_samples, n_levels) sorted on each row so that the
    column of a higher level never holds a lower value."""
    order = np.argsort(levels, kind="stable")
    result = np.empty_like(predictions)
    result[:, order] = np.sort(predictions[:, order], axis=1)
    return result
