"""The training recipe of Rumelhart, Hinton & Williams (1986) as one setting.

The estimators' defaults are chosen to train well on today's data (mini-
batches, a convergence test, a validation split); the paper's experiments
used another recipe. :func:`paper_recipe` sets every parameter that recipe
depends on, so that a reproduction reads the same whatever the defaults of
the version it runs on.
"""

from typing import Any

from sklearn.base import BaseEstimator, is_classifier

from .rumelhart_mlp import (
    RumelhartAutoencoder,
    RumelhartClassifier,
    RumelhartRegressor,
)

__all__ = ["PAPER_SETTINGS", "paper_recipe"]

#: What every experiment of the paper shares, as estimator parameters.
PAPER_SETTINGS: dict[str, Any] = {
    "reduction": "sum",  # E of eq. 2: the error summed over the cases
    "batch_size": None,  # one change of the weights per sweep (eq. 8-9)
    "shuffle": False,  # a full sweep: the order changes nothing
    "init_range": 0.3,  # "small random weights", uniform in ±0.3
    "weight_decay": 0.0,  # only the family-trees experiment used decay
    "early_stopping": False,  # every case is trained on
    "tol": 0.0,  # no convergence test: the sweeps are counted
}


def paper_recipe(
    estimator: BaseEstimator, *, eps: float, alpha: float, sweeps: int
) -> BaseEstimator:
    """Set ``estimator`` to train exactly as the paper's experiments did.

    Summed squared error (of logistic output units, for a classifier), one
    change of the weights per sweep through all the cases (eq. 9 with the
    learning rate ``eps`` and the momentum ``alpha``), initial weights
    uniform in ±0.3, and exactly ``sweeps`` sweeps: no validation split and
    no convergence test. Parameters outside the recipe (the network's
    shape, ``random_state``, ``input_groups``, ``dead_zone``, callbacks...)
    are left as they are.

    Parameters
    ----------
    estimator : RumelhartClassifier, RumelhartRegressor or RumelhartAutoencoder
        The estimator to set; changed in place, like ``set_params``.
    eps : float
        The learning rate ε, as printed for the experiment (0.5 for XOR,
        0.1 for symmetry...).
    alpha : float
        The momentum α, as printed (0.9 in most experiments).
    sweeps : int
        Number of sweeps (epochs) to train; ``fit`` runs all of them.

    Returns
    -------
    estimator : object
        The same estimator.

    Examples
    --------
    >>> from rumelhart import RumelhartClassifier
    >>> from rumelhart.datasets import make_xor
    >>> from rumelhart.paper import paper_recipe
    >>> X, y = make_xor()
    >>> clf = paper_recipe(
    ...     RumelhartClassifier(hidden_layer_sizes=(2,), random_state=0),
    ...     eps=0.5, alpha=0.9, sweeps=2000,
    ... ).fit(X, y)
    >>> clf.n_iter_
    2000
    """
    numpy_estimators = (RumelhartClassifier, RumelhartRegressor, RumelhartAutoencoder)
    if not isinstance(estimator, numpy_estimators):  # subclasses too
        raise TypeError(
            "paper_recipe sets the parameters of the NumPy estimators "
            "(RumelhartClassifier, RumelhartRegressor, RumelhartAutoencoder); "
            f"got {type(estimator).__name__}."
        )
    settings = dict(PAPER_SETTINGS, eps=eps, alpha=alpha, max_iter=sweeps)
    settings["n_iter_no_change"] = sweeps  # never stop for lack of progress
    if is_classifier(estimator):
        settings["loss"] = "squared_error"
    # The isinstance test narrows to the backend mixin, which mypy does not
    # see combined with BaseEstimator's set_params.
    return estimator.set_params(**settings)  # type: ignore[attr-defined]
