"""Exceptions and warnings raised by rumelhart's estimators."""

__all__ = ["DivergenceError", "TrainingInterruptedWarning"]


class DivergenceError(FloatingPointError):
    """Training produced a non-finite loss, usually from a too large learning rate.

    Raised the epoch it happens; the estimator keeps the state it had before
    the call to ``fit`` or ``partial_fit``.
    """


class TrainingInterruptedWarning(UserWarning):
    """``fit`` was interrupted (Ctrl-C) and kept the weights reached so far."""
