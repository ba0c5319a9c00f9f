"""Named schedules for :class:`~rumelhart.callbacks.ParamScheduler`.

A schedule is a callable ``schedule(t) -> float`` of the epoch or step ``t``
(from 1). These classes pickle (a ``lambda`` does not, so an estimator
holding one cannot be saved) and show their settings in the estimator's
repr::

    from rumelhart.callbacks import ParamScheduler
    from rumelhart.schedules import Piecewise

    # The paper's family trees: ε 0.005 and α 0.5 for 20 sweeps, then 0.01, 0.9.
    ParamScheduler(lr=Piecewise({1: 0.005, 21: 0.01}),
                   momentum=Piecewise({1: 0.5, 21: 0.9}))
"""

import math
from collections.abc import Mapping
from numbers import Real
from typing import Any

__all__ = [
    "CosineAnnealing",
    "ExponentialDecay",
    "InverseScaling",
    "LinearDecay",
    "Piecewise",
]


class _Schedule:
    """Base: a repr of the constructor's arguments, equality by them."""

    _fields: tuple[str, ...] = ()

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._fields)
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and all(
            getattr(self, k) == getattr(other, k) for k in self._fields
        )

    def __hash__(self) -> int:
        return hash((type(self), repr(self)))


def _check_positive(name: str, value: Any) -> None:
    # typeshed's numbers.Real does not declare its comparisons with int.
    positive = isinstance(value, Real) and value > 0  # type: ignore[operator]
    if not (positive and math.isfinite(value)):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}.")


class Piecewise(_Schedule):
    """A value that changes at given times: ``values[t0]`` from ``t0`` on.

    Parameters
    ----------
    values : dict of {int: float}
        Start time (from 1) -> value from then on. The earliest start must
        be 1.

    Examples
    --------
    >>> from rumelhart.schedules import Piecewise
    >>> lr = Piecewise({1: 0.005, 21: 0.01})
    >>> lr(20), lr(21)
    (0.005, 0.01)
    """

    _fields = ("values",)

    def __init__(self, values: Mapping[int, float]) -> None:
        starts = sorted(values)
        if not starts or starts[0] != 1:
            raise ValueError(
                f"Piecewise needs a value from t=1 on; got starts {starts!r}."
            )
        self.values = dict(sorted(values.items()))

    def __call__(self, t: int) -> float:
        current: Any = None  # stays None only before t=1, outside the schedule
        for start, value in self.values.items():
            if t < start:
                break
            current = value
        return current


class InverseScaling(_Schedule):
    """``initial / t ** power`` (scikit-learn's ``learning_rate="invscaling"``).

    Parameters
    ----------
    initial : float
        Value at ``t=1``.
    power : float, default=0.5
        Exponent of the decay.
    """

    _fields = ("initial", "power")

    def __init__(self, initial: float, power: float = 0.5) -> None:
        _check_positive("initial", initial)
        self.initial, self.power = initial, power

    def __call__(self, t: int) -> float:
        return self.initial / max(t, 1) ** self.power


class ExponentialDecay(_Schedule):
    """``initial * gamma ** (t - 1)``.

    Parameters
    ----------
    initial : float
        Value at ``t=1``.
    gamma : float
        Factor per unit of ``t``, in (0, 1] for a decay.
    """

    _fields = ("initial", "gamma")

    def __init__(self, initial: float, gamma: float) -> None:
        _check_positive("initial", initial)
        _check_positive("gamma", gamma)
        self.initial, self.gamma = initial, gamma

    def __call__(self, t: int) -> float:
        return self.initial * self.gamma ** (max(t, 1) - 1)


class CosineAnnealing(_Schedule):
    """Half a cosine from ``initial`` at ``t=1`` to ``final`` at ``t=period``,
    then ``final``.

    Parameters
    ----------
    initial : float
        Value at ``t=1``.
    period : int
        Time at which ``final`` is reached.
    final : float, default=0.0
        Value from ``period`` on.
    """

    _fields = ("initial", "period", "final")

    def __init__(self, initial: float, period: int, final: float = 0.0) -> None:
        _check_positive("initial", initial)
        _check_positive("period", period)
        self.initial, self.period, self.final = initial, period, final

    def __call__(self, t: int) -> float:
        progress = min(max(t - 1, 0) / max(self.period - 1, 1), 1.0)
        cosine = (1 + math.cos(math.pi * progress)) / 2
        return self.final + (self.initial - self.final) * cosine


class LinearDecay(_Schedule):
    """``initial`` for the first ``1 - share`` of ``total``, then a straight
    line down to ``initial / (n + 1)`` at ``t=total``, ``n`` the steps of
    the descent, and that value after it.

    The "decay" phase of warmup-stable-decay schedules: with a known budget
    of epochs, a constant rate ends wherever its noise leaves the weights,
    and a short linear descent ends them on a calm minimum instead. The
    estimators apply it (``share=0.25``) to the second run of
    ``early_stopping="auto"``'s "refit", whose budget the first run chose.

    Parameters
    ----------
    initial : float
        Value from ``t=1`` until the descent starts.
    total : int
        Time of the last, smallest value.
    share : float, default=0.25
        Share of ``total`` spent descending, in [0, 1] (0: constant).

    Examples
    --------
    >>> from rumelhart.schedules import LinearDecay
    >>> lr = LinearDecay(0.1, total=8, share=0.5)
    >>> [round(lr(t), 3) for t in range(1, 9)]
    [0.1, 0.1, 0.1, 0.1, 0.08, 0.06, 0.04, 0.02]
    """

    _fields = ("initial", "total", "share")

    def __init__(self, initial: float, total: int, share: float = 0.25) -> None:
        _check_positive("initial", initial)
        _check_positive("total", total)
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"LinearDecay: share must be in [0, 1], got {share!r}.")
        self.initial, self.total, self.share = initial, total, share

    def __call__(self, t: int) -> float:
        steps = math.floor(self.share * self.total)
        left = self.total - min(max(t, 1), self.total)  # steps after t
        if left >= steps:
            return self.initial
        return self.initial * (left + 1) / (steps + 1)
