"""Losses and the output units they train: one table, on NumPy arrays.

``squared_error`` is the paper's E = 1/2 sum_j (y_j - d_j)^2 (eq. 3), on any
output unit it lists. ``log_loss`` is the cross-entropy with its canonical
output units (logistic for one or several independent outputs, softmax for
one-of-K). For each pair of a loss and an output unit, :data:`LOSSES` says

* the value, ``sum_i w_i E_i`` of a batch (:attr:`Loss.summed`);
* the error signal: ``delta`` at the output units' net input (eq. 4 for the
  output layer) is the loss's :attr:`Loss.error`, times the derivative of the
  output unit unless the pair is *canonical* (the derivative cancels, as it
  does for the cross-entropy with its own output units: ``delta = y - d``);
* whether a dead zone applies (:func:`apply_dead_zone`);
* which desired outputs (targets) it accepts (:class:`Targets`).

The NumPy engine computes the error signal with :func:`error_signal`, the
estimators' validation loss with :func:`reduced_loss`, and both check a
loss against its output units with :func:`check_output`. The torch engine
has one kernel per loss (``rumelhart._engines.torch.losses``), derived from
this table for the error signal and the dead zone; ``tests/test_math.py``
checks both against torch autograd for every entry here.
"""

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

import numpy as np
from numpy.typing import NDArray
from scipy.special import xlogy

from .activations import DERIVATIVES, FloatArray

#: ``error(A, Y, out, param) -> out``: the error at the output units,
#: written into ``out`` (for a canonical pair, ``delta`` at their net input);
#: ``param`` is the loss's parameter per output column (None for a loss
#: without one; see :attr:`Loss.parameter`).
Error = Callable[[FloatArray, FloatArray, FloatArray, Any], FloatArray]


class Batch(NamedTuple):
    """What a loss's value is computed from, for one batch."""

    #: The output units (a key of :attr:`Loss.outputs`).
    output: str
    #: Outputs of the network and desired outputs (n_samples, n_outputs).
    A: FloatArray
    Y: FloatArray
    #: What :attr:`Loss.error` wrote, dead zone applied.
    errors: FloatArray
    #: Weight of each sample, or None for weights of 1.
    sample_weight: FloatArray | None
    #: Work space of the shape of ``A`` (overwritten), or None.
    scratch: FloatArray | None
    #: The loss's parameter per output column, or None.
    param: Any


#: ``summed(batch) -> sum_i w_i E_i``.
Summed = Callable[[Batch], float]

#: ``per_entry(batch) -> E_ij``: the loss of each output of each sample,
#: for a loss whose batch value is their weighted sum.
PerEntry = Callable[[Batch], FloatArray]

ArrayT = TypeVar("ArrayT")


#: ``curvature(A, Y) -> (at_outputs, at_targets)``: a loss's second
#: derivative in the output units' net input (see :class:`Loss`).
Curvature = Callable[[Any, Any], tuple[Any, Any]]


@dataclass(frozen=True)
class Targets:
    """The desired outputs a loss accepts with some output unit.

    Attributes
    ----------
    description : str
        In words, for messages.
    low, high : float
        Every target lies in ``[low, high]``.
    rows_sum_to_one : bool
        Each sample's targets sum to 1 (a one-hot row, or probabilities).
    """

    description: str
    low: float
    high: float
    rows_sum_to_one: bool = False
    #: ``low`` itself is not a target (gamma: strictly positive).
    low_excluded: bool = False

    def refused(self, Y: FloatArray) -> NDArray[np.bool_]:
        """Which entries of ``Y`` are not targets (a boolean array)."""
        Y = np.asarray(Y)
        above = self.low < Y if self.low_excluded else self.low <= Y
        inside: NDArray[np.bool_] = above & (self.high >= Y)
        return ~inside

    def accepts(self, Y: FloatArray) -> bool:
        """Whether every row of ``Y`` (n_samples, n_outputs) is a target."""
        Y = np.asarray(Y)
        inside = not bool(np.any(self.refused(Y)))
        if self.rows_sum_to_one:
            inside = inside and bool(np.allclose(Y.sum(axis=1), 1.0))
        return inside


REAL = Targets("any real numbers", -math.inf, math.inf)
UNIT_INTERVAL = Targets("numbers in [0, 1]", 0.0, 1.0)
DISTRIBUTIONS = Targets(
    "rows of numbers in [0, 1] that sum to 1 (one-hot rows)", 0.0, 1.0, True
)
NON_NEGATIVE = Targets("numbers >= 0 (counts, rates)", 0.0, math.inf)
POSITIVE = Targets("numbers > 0", 0.0, math.inf, low_excluded=True)


@dataclass(frozen=True)
class OutputUnit:
    """A loss paired with one kind of output unit.

    Attributes
    ----------
    canonical : bool
        Whether the unit's derivative cancels in the error signal (then
        ``delta`` is the loss's error itself).
    targets : Targets
        The desired outputs this pair accepts.
    """

    canonical: bool
    targets: Targets


@dataclass(frozen=True)
class Loss:
    """One loss.

    Attributes
    ----------
    name : str
        Its name in the table.
    outputs : mapping of str to OutputUnit
        The output units it can train, and how.
    dead_zone : bool
        Whether errors within a dead zone may count as zero (see
        :func:`apply_dead_zone`).
    error : callable
        The error at the output units (see :data:`Error`).
    summed : callable
        The batch's ``sum_i w_i E_i`` (see :data:`Summed`).
    parameter : str or None
        What the loss's parameter per output column is (``"delta"`` of the
        Huber loss); None for a loss without one.
    curvature : callable or None
        ``curvature(A, Y) -> (at_outputs, at_targets)``: the loss's second
        derivative in the output units' net input, per entry, at the
        outputs ``A`` and where they equal the targets; for the losses whose
        curvature grows without bound (the log link), which
        :func:`damp_overshoot` steadies. None for the others.
    """

    name: str
    outputs: Mapping[str, OutputUnit]
    dead_zone: bool
    error: Error
    summed: Summed
    parameter: str | None = None
    curvature: Curvature | None = None


def _difference(
    A: FloatArray, Y: FloatArray, out: FloatArray, param: Any = None
) -> FloatArray:
    """``A - Y``: dE/dy of the squared error, and ``delta`` of the
    cross-entropy at the net input of its canonical output units."""
    return np.subtract(A, Y, out=out)


def _squared_error(b: Batch) -> float:
    """``1/2 sum_i w_i |errors_i|^2``: one dot product, nothing allocated."""
    if b.sample_weight is None:
        return 0.5 * float(np.vdot(b.errors, b.errors))
    return 0.5 * float(np.einsum("ij,ij->i", b.errors, b.errors) @ b.sample_weight)


def _log_loss(b: Batch) -> float:
    """The cross-entropy ``-sum_i w_i sum_j d_ij log y_ij`` (softmax) or of
    independent logistic units, from outputs clipped away from 0 and 1."""
    Y, sample_weight = b.Y, b.sample_weight
    tiny = _eps(b.A.dtype)
    t = np.maximum(b.A, tiny, out=b.scratch)
    if b.output == "softmax":
        # Softmax outputs are <= 1, so only the lower clip matters.
        np.log(t, out=t)
        if sample_weight is None:
            return -float(np.vdot(Y, t))
        return -float(np.einsum("ij,ij->i", Y, t) @ sample_weight)
    np.minimum(t, 1 - tiny, out=t)
    # Y log t + (1 - Y) log(1 - t) = log(1 - t) + Y (log t - log(1 - t))
    log_rest = np.log1p(-t)
    np.log(t, out=t)
    t -= log_rest
    if sample_weight is None:
        return -float(log_rest.sum() + np.vdot(Y, t))
    per_sample = log_rest.sum(axis=1) + np.einsum("ij,ij->i", Y, t)
    return -float(per_sample @ sample_weight)


def _weighted(per_entry: PerEntry) -> Summed:
    """The :data:`Summed` of a loss given per entry: ``sum_i w_i sum_j E_ij``."""

    def summed(b: Batch) -> float:
        values = per_entry(b)
        if b.sample_weight is None:
            return float(values.sum())
        return float(values.sum(axis=1) @ b.sample_weight)

    return summed


def _sign(
    A: FloatArray, Y: FloatArray, out: FloatArray, param: Any = None
) -> FloatArray:
    """``sign(A - Y)``: dE/dy of the absolute error (0 where they are equal)."""
    return np.sign(np.subtract(A, Y, out=out), out=out)


def _absolute_error(b: Batch) -> FloatArray:
    """``|y_ij - d_ij|``."""
    return np.abs(np.subtract(b.A, b.Y, out=b.scratch), out=b.scratch)


def _clipped(A: FloatArray, Y: FloatArray, out: FloatArray, param: Any) -> FloatArray:
    """``A - Y`` clipped to ``[-delta, delta]``: dE/dy of the Huber loss."""
    np.subtract(A, Y, out=out)
    return np.clip(out, -param, param, out=out)


def _huber(b: Batch) -> FloatArray:
    """Huber's loss: ``r^2 / 2`` for ``r = |y - d| <= delta``, else
    ``delta (r - delta / 2)``; both are ``|e| (r - |e| / 2)`` with the
    clipped error ``e``."""
    r = np.abs(np.subtract(b.A, b.Y, out=b.scratch), out=b.scratch)
    e = np.abs(b.errors)
    r -= 0.5 * e
    r *= e
    return r


def _step_minus_level(
    A: FloatArray, Y: FloatArray, out: FloatArray, param: Any
) -> FloatArray:
    """``[y > d] - alpha``: dE/dy of the pinball loss of level ``alpha``."""
    np.greater(A, Y, out=out)
    result: FloatArray = np.subtract(out, param, out=out)
    return result


def _pinball(b: Batch) -> FloatArray:
    """The pinball loss ``(y - d) ([y > d] - alpha)``: ``alpha |r|`` below the
    target, ``(1 - alpha) |r|`` above it; ``errors`` is ``[y > d] - alpha``."""
    r = np.subtract(b.A, b.Y, out=b.scratch)
    r *= b.errors
    return r


def _one_minus_ratio(
    A: FloatArray, Y: FloatArray, out: FloatArray, param: Any = None
) -> FloatArray:
    """``1 - d / y``: the gamma deviance's ``delta`` at the net input of
    exponential output units (``y = exp(z)``)."""
    np.divide(Y, A, out=out)
    return np.subtract(1, out, out=out)


def _poisson(b: Batch) -> FloatArray:
    """Half the Poisson deviance, ``d log(d / y) - d + y`` (0 at ``y = d``)."""
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        per_entry: FloatArray = xlogy(b.Y, b.Y) - xlogy(b.Y, b.A) - b.Y + b.A
    return per_entry


def _gamma(b: Batch) -> FloatArray:
    """Half the gamma deviance, ``log(y / d) + d / y - 1`` (0 at ``y = d``)."""
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        per_entry: FloatArray = np.log(b.A) - np.log(b.Y) + b.Y / b.A - 1
    return per_entry


def _poisson_curvature(A: Any, Y: Any) -> tuple[Any, Any]:
    """The Poisson deviance's curvature in ``z`` (``y = exp(z)``) is ``y``:
    the outputs, and the targets where they equal them."""
    return A, Y


def _gamma_curvature(A: Any, Y: Any) -> tuple[Any, Any]:
    """The gamma deviance's curvature in ``z`` is ``d / y``: 1 where the
    outputs equal the targets."""
    return Y / A, Y * 0 + 1


_EPS: dict[np.dtype[Any], float] = {}


def _eps(dtype: np.dtype[Any]) -> float:
    try:
        return _EPS[dtype]
    except KeyError:
        return _EPS.setdefault(dtype, float(np.finfo(dtype).eps))


#: name -> :class:`Loss`: every loss both engines know.
#:
#: Adding a loss is one entry here (its error and value; a loss on linear or
#: exponential output units gives its value per entry, as ``huber`` below)
#: plus its torch kernel (the same value on tensors, a few lines) in
#: ``KERNELS`` of ``rumelhart/_engines/torch/losses.py``. The tests that
#: follow the table then cover it without a change: ``tests/test_math.py``
#: draws targets from ``Targets``, compares the error signal with torch
#: autograd of the kernel and the value with the kernel's, and fails for an
#: entry without a kernel; the engines' gradient tests take the new pair
#: once it is added to their ``LOSS_OUTPUTS``.
def _on_linear_units(
    name: str, error: Error, per_entry: PerEntry, parameter: str | None = None
) -> Loss:
    """A regression loss on linear output units: any real targets, canonical
    (``delta`` is the error itself), no dead zone, summed per entry."""
    outputs = {"identity": OutputUnit(canonical=True, targets=REAL)}
    return Loss(name, outputs, False, error, _weighted(per_entry), parameter)


def _on_exponential_units(
    name: str,
    targets: Targets,
    error: Error,
    per_entry: PerEntry,
    curvature: Curvature,
) -> Loss:
    """A deviance with the log link: exponential output units, for which it is
    canonical (``delta`` at the net input is the error), no dead zone, and a
    curvature that :func:`damp_overshoot` steadies."""
    outputs = {"exponential": OutputUnit(canonical=True, targets=targets)}
    return Loss(name, outputs, False, error, _weighted(per_entry), curvature=curvature)


_SQUARED_ERROR_UNITS = {
    "identity": OutputUnit(canonical=True, targets=REAL),
    "logistic": OutputUnit(canonical=False, targets=UNIT_INTERVAL),
}
_LOG_LOSS_UNITS = {
    "logistic": OutputUnit(canonical=True, targets=UNIT_INTERVAL),
    "softmax": OutputUnit(canonical=True, targets=DISTRIBUTIONS),
}

#: name -> :class:`Loss`: every loss both engines know.
#:
#: Adding a loss is one entry here (its error and value; a loss on linear or
#: exponential output units gives its value per entry, as ``huber`` below)
#: plus its torch kernel (the same value on tensors, a few lines) in
#: ``KERNELS`` of ``rumelhart/_engines/torch/losses.py``. The tests that
#: follow the table then cover it without a change: ``tests/test_math.py``
#: draws targets from ``Targets``, compares the error signal with torch
#: autograd of the kernel and the value with the kernel's, and fails for an
#: entry without a kernel; the engines' gradient tests take the new pair
#: once it is added to their ``LOSS_OUTPUTS``.
LOSSES: dict[str, Loss] = {
    entry.name: entry
    for entry in (
        Loss("squared_error", _SQUARED_ERROR_UNITS, True, _difference, _squared_error),
        Loss("log_loss", _LOG_LOSS_UNITS, False, _difference, _log_loss),
        _on_linear_units("absolute_error", _sign, _absolute_error),
        _on_linear_units("huber", _clipped, _huber, parameter="delta"),
        _on_linear_units("quantile", _step_minus_level, _pinball, "quantile level"),
        _on_exponential_units(
            "poisson", NON_NEGATIVE, _difference, _poisson, _poisson_curvature
        ),
        _on_exponential_units(
            "gamma", POSITIVE, _one_minus_ratio, _gamma, _gamma_curvature
        ),
    )
}


def check_output(loss: str, output_activation: str) -> OutputUnit:
    """The pair of ``loss`` and its output units; refuses a pair the table
    lacks (the one place that pairs them).

    Raises
    ------
    ValueError
        When ``loss`` is unknown or cannot train ``output_activation`` units.
    """
    if loss not in LOSSES:
        raise ValueError(f"Unknown loss {loss!r}; expected one of {sorted(LOSSES)}.")
    outputs = LOSSES[loss].outputs
    if output_activation not in outputs:
        raise ValueError(
            f"loss={loss!r} needs {' or '.join(outputs)} output units, "
            f"got {output_activation!r}."
        )
    return outputs[output_activation]


def check_dead_zone(loss: str, dead_zone: float) -> float:
    """``dead_zone`` as a float, refused for a loss without one.

    Raises
    ------
    ValueError
        When ``dead_zone`` is negative, or positive for a loss whose entry
        has no dead zone.
    """
    dead_zone = float(dead_zone)
    if dead_zone < 0:
        raise ValueError(f"dead_zone must be >= 0, got {dead_zone!r}.")
    if dead_zone and not LOSSES[loss].dead_zone:
        with_one = sorted(name for name, entry in LOSSES.items() if entry.dead_zone)
        raise ValueError(
            f"loss={loss!r} has no dead zone (dead_zone={dead_zone!r}); "
            f"only {', '.join(with_one)} has one."
        )
    return dead_zone


def check_loss_param(loss: str, param: Any, n_outputs: int | None) -> FloatArray | None:
    """The loss's parameter as an array of one positive number per output
    (``n_outputs`` of them, any number when None); None for a loss without
    one.

    Raises
    ------
    ValueError
        When a loss with a parameter has none, a loss without one gets one,
        or the parameter is not positive and finite, one per output.
    """
    name = LOSSES[loss].parameter
    if name is None:
        if param is not None:
            raise ValueError(f"loss={loss!r} takes no parameter, got {param!r}.")
        return None
    if param is None:
        raise ValueError(f"loss={loss!r} needs its {name} (one per output).")
    values = np.asarray(param, dtype=np.float64).reshape(-1)
    count = len(values) if n_outputs is None else n_outputs
    if values.shape != (count,) or not np.all(np.isfinite(values) & (values > 0)):
        raise ValueError(
            f"loss={loss!r} needs {count} positive finite {name} values "
            f"(one per output), got {param!r}."
        )
    return values


def apply_dead_zone(errors: ArrayT, width: float) -> ArrayT:
    """Set the errors smaller than ``width`` to zero, in place; ``errors``.

    The paper's margin (family trees): an output within ``width`` of its
    target sends back no error and adds nothing to the loss. The one
    definition of the dead zone: it works on NumPy arrays and on torch
    tensors alike (on a tensor that autograd tracks too). Multiplying by the
    mask, rather than assigning into it, is one operation with no device
    sync on torch (an error of -0.0 is zero all the same).
    """
    if width:
        array: Any = errors
        array *= abs(array) >= width
    return errors


def damp_overshoot(
    loss: str, A: ArrayT, Y: ArrayT, delta: ArrayT, sample_weight: Any = None
) -> ArrayT:
    """``delta`` divided by how far the batch's curvature exceeds its value
    at the targets, when it does (a new array); ``delta`` itself for a loss
    without :attr:`Loss.curvature`.

    With the log link the curvature of the Poisson deviance in the output
    units' net input is the prediction itself: a step sized for the
    targets' scale overshoots once the predictions exceed the targets, the
    next prediction is exp of the overshoot, and the momentum rule diverges
    (it does at the default learning rate on inputs of values near 100).
    Dividing the batch's error signal by the ratio of its summed curvature
    to the curvature at the targets (one positive number, at least 1)
    bounds each step as a Newton step would, on the plain gradient's
    direction; near a fit the ratio is 1 (with a bias, the summed
    predictions equal the summed targets there), so the minimum and the
    steps that reach it are the gradient's. The floor of 1 per entry keeps a
    batch of zero counts from being silenced. Works on NumPy arrays and on
    torch tensors alike (no device sync).
    """
    curvature = LOSSES[loss].curvature
    if curvature is None:
        return delta
    at_outputs, at_targets = curvature(A, Y)
    if sample_weight is not None:
        at_outputs = at_outputs.sum(1) * sample_weight
        at_targets = at_targets.sum(1) * sample_weight
        floor: Any = sample_weight.sum() * A.shape[1]  # type: ignore[attr-defined]
    else:
        floor = A.shape[0] * A.shape[1]  # type: ignore[attr-defined]
    expected = (at_targets.sum() - floor).clip(min=0) + floor
    ratio = at_outputs.sum() / expected
    damped: ArrayT = delta / ratio.clip(min=1)
    return damped


def error_signal(
    loss: str,
    output_activation: str,
    A: FloatArray,
    Y: FloatArray,
    delta: FloatArray,
    sample_weight: FloatArray | None = None,
    dead_zone: float = 0.0,
    scratch: FloatArray | None = None,
    param: Any = None,
) -> float:
    """``delta`` at the output units' net input; the batch's ``sum_i w_i E_i``.

    Per sample and unweighted: the caller scales ``delta`` by each sample's
    weight. Allocates nothing when given ``scratch``.

    Parameters
    ----------
    loss, output_activation : str
        A pair of :data:`LOSSES`.
    A, Y : ndarray of shape (n_samples, n_outputs)
        Outputs of the network and desired outputs.
    delta : ndarray of shape (n_samples, n_outputs)
        Receives the error signal.
    sample_weight : ndarray of shape (n_samples,) or None
        Weight of each sample in the returned sum.
    dead_zone : float, default=0.0
        Errors smaller than this count as zero (see :func:`apply_dead_zone`).
    scratch : ndarray of shape (n_samples, n_outputs), optional
        Work space (overwritten).
    param : ndarray of shape (n_outputs,), optional
        The loss's parameter per output column (see :attr:`Loss.parameter`).

    Returns
    -------
    total : float
        ``sum_i w_i E_i``.
    """
    entry = LOSSES[loss]
    entry.error(A, Y, delta, param)
    apply_dead_zone(delta, dead_zone)
    batch = Batch(output_activation, A, Y, delta, sample_weight, scratch, param)
    total = entry.summed(batch)
    if not entry.outputs[output_activation].canonical:
        DERIVATIVES[output_activation](A, delta, scratch)
    return total


def reduced_loss(
    loss: str,
    output_activation: str,
    A: FloatArray,
    Y: FloatArray,
    sample_weight: FloatArray | None = None,
    reduction: str = "mean",
    dead_zone: float = 0.0,
    param: Any = None,
) -> float:
    """The error of outputs ``A`` against ``Y``, reduced as in training:
    the weighted mean (``reduction="mean"``) or the sum of the samples'
    errors, the dead zone applied (the arguments as :func:`error_signal`'s)."""
    entry = LOSSES[loss]
    param = None if param is None else np.asarray(param, A.dtype)
    errors = apply_dead_zone(entry.error(A, Y, np.empty_like(A), param), dead_zone)
    total = entry.summed(
        Batch(output_activation, A, Y, errors, sample_weight, None, param)
    )
    if reduction == "sum":
        return total
    weight = A.shape[0] if sample_weight is None else float(sample_weight.sum())
    return total / weight if weight > 0 else 0.0
