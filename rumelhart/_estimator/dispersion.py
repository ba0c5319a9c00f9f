"""How much more the trained targets vary than the Poisson loss assumes.

The Poisson deviance of a target t takes its variance to be its mean. The
network trains on counts divided by their mean m (``scale_target``), and
real counts (visits, admissions, trips) vary phi times their mean, phi > 1:
a trained target t = y / m then varies phi / m times its mean, and carries
m / phi of the information the deviance credits it with. A prior worth a
few rows' error has to be that many times as strong to stay worth those
rows. The factor is estimated as McCullagh & Nelder (1989, sec. 6.2) do for
quasi-Poisson models, on the targets as trained: Pearson's statistic of a
Poisson GLM over its residual degrees of freedom.

Of 17 real count sets, on which the raw counts' phi (not divided by m)
had been tried first: over scikit-learn's MLP, mean deviance 0.98 on the 9
it was found on, but 2.34 on the other 8 (patent counts of mean 285 and
phi over 1,000: 11.9 times the MLP's); divided by m, 1.00 and 0.94.
"""

import warnings
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import PoissonRegressor
from sklearn.preprocessing import MaxAbsScaler, StandardScaler

__all__ = ["MAX_DISPERSION", "poisson_dispersion"]

#: Bounds of the estimate: below 1 (large counts of little overdispersion,
#: or underdispersion) the plain prior stands; above 30 it would hold every
#: weight near zero whatever the data.
MAX_DISPERSION = 30.0
#: Rows of the GLM fit: the estimate needs a few thousand, not all.
MAX_ROWS = 10_000


def poisson_dispersion(
    X: Any, y: Any, sample_weight: NDArray[Any] | None = None
) -> float:
    """Pearson's dispersion of non-negative targets ``y`` (one or more
    columns: their mean) about a Poisson GLM on ``X``, in ``[1,
    MAX_DISPERSION]``; 1 where there are too few rows per input to
    estimate it."""
    Y = np.asarray(y, np.float64).reshape(X.shape[0], -1)
    rows = _subsample(X.shape[0])
    X, Y = X[rows], Y[rows]
    weights = None if sample_weight is None else np.asarray(sample_weight)[rows]
    n, p = X.shape
    if n <= 2 * (p + 1):
        return 1.0
    X = (MaxAbsScaler() if sp.issparse(X) else StandardScaler()).fit_transform(X)
    phis = [_pearson(X, column, weights, n - p - 1) for column in Y.T]
    return float(np.clip(np.mean(phis), 1.0, MAX_DISPERSION))


def _subsample(n: int) -> NDArray[Any]:
    """At most MAX_ROWS row indices, the same for the same n (a private
    generator: the global random state is never touched)."""
    if n <= MAX_ROWS:
        return np.arange(n)
    return np.sort(np.random.default_rng(0).choice(n, MAX_ROWS, replace=False))


def _pearson(
    X: Any, y: NDArray[Any], weights: NDArray[Any] | None, residual_dof: int
) -> float:
    """Pearson's statistic of one column's Poisson GLM over its residual
    degrees of freedom (an all-zero column: 1, nothing to estimate)."""
    if not np.any(y > 0):
        return 1.0
    glm = PoissonRegressor(alpha=1e-6, max_iter=300)
    with warnings.catch_warnings():  # a rough fit is enough for the estimate
        warnings.simplefilter("ignore", ConvergenceWarning)
        mean = glm.fit(X, y, sample_weight=weights).predict(X)
    squared = (y - mean) ** 2 / np.maximum(mean, 1e-12)
    return float(np.average(squared, weights=weights)) * len(y) / residual_dof
