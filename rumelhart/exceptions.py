"""Exceptions and warnings raised by rumelhart's estimators."""

__all__ = [
    "DivergenceError",
    "MomentumWarning",
    "PoorScalingWarning",
    "StopTraining",
    "TrainingInterruptedWarning",
]


class DivergenceError(FloatingPointError):
    """Training produced a non-finite loss, usually from a too large learning rate.

    Raised the epoch it happens; the estimator keeps the state it had before
    the call to ``fit`` or ``partial_fit``. ``epoch`` and ``what`` (the
    epoch and what blew up) are set when training raises it.
    """

    epoch: int
    what: str


class StopTraining(Exception):
    """Raise from a callback hook to end training now, keeping the weights."""


class TrainingInterruptedWarning(UserWarning):
    """``fit`` was interrupted (Ctrl-C) and kept the best weights reached so far."""


class PoorScalingWarning(UserWarning):
    """Input features of very different or very large scales.

    Logistic units saturate on large inputs and learn nothing; standardise
    the features (``sklearn.preprocessing.StandardScaler``).
    """


class MomentumWarning(UserWarning):
    """``alpha`` was given a value that looks like scikit-learn's L2 penalty.

    In the Rumelhart estimators ``alpha`` is the momentum α of eq. 9; the L2
    penalty is ``weight_decay``. Silence it with
    ``warnings.filterwarnings("ignore", category=MomentumWarning)``.
    """
