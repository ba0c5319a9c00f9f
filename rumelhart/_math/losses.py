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
from typing import Any, TypeVar

import numpy as np

from .activations import DERIVATIVES, FloatArray

#: ``error(A, Y, out) -> out``: the error at the output units, written into
#: ``out`` (for a canonical pair, ``delta`` at their net input).
Error = Callable[[FloatArray, FloatArray, FloatArray], FloatArray]

#: ``summed(output, A, Y, errors, sample_weight, scratch) -> sum_i w_i E_i``;
#: ``errors`` is what :attr:`Loss.error` wrote, dead zone applied.
Summed = Callable[
    [str, FloatArray, FloatArray, FloatArray, FloatArray | None, FloatArray | None],
    float,
]

ArrayT = TypeVar("ArrayT")


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

    def accepts(self, Y: FloatArray) -> bool:
        """Whether every row of ``Y`` (n_samples, n_outputs) is a target."""
        Y = np.asarray(Y)
        inside = bool(np.all((self.low <= Y) & (self.high >= Y)))
        if self.rows_sum_to_one:
            inside = inside and bool(np.allclose(Y.sum(axis=1), 1.0))
        return inside


REAL = Targets("any real numbers", -math.inf, math.inf)
UNIT_INTERVAL = Targets("numbers in [0, 1]", 0.0, 1.0)
DISTRIBUTIONS = Targets(
    "rows of numbers in [0, 1] that sum to 1 (one-hot rows)", 0.0, 1.0, True
)


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
    """

    name: str
    outputs: Mapping[str, OutputUnit]
    dead_zone: bool
    error: Error
    summed: Summed


def _difference(A: FloatArray, Y: FloatArray, out: FloatArray) -> FloatArray:
    """``A - Y``: dE/dy of the squared error, and ``delta`` of the
    cross-entropy at the net input of its canonical output units."""
    return np.subtract(A, Y, out=out)


def _squared_error(
    output: str,
    A: FloatArray,
    Y: FloatArray,
    errors: FloatArray,
    sample_weight: FloatArray | None,
    scratch: FloatArray | None,
) -> float:
    """``1/2 sum_i w_i |errors_i|^2``: one dot product, nothing allocated."""
    if sample_weight is None:
        return 0.5 * float(np.vdot(errors, errors))
    return 0.5 * float(np.einsum("ij,ij->i", errors, errors) @ sample_weight)


def _log_loss(
    output: str,
    A: FloatArray,
    Y: FloatArray,
    errors: FloatArray,
    sample_weight: FloatArray | None,
    scratch: FloatArray | None,
) -> float:
    """The cross-entropy ``-sum_i w_i sum_j d_ij log y_ij`` (softmax) or of
    independent logistic units, from outputs clipped away from 0 and 1."""
    tiny = _eps(A.dtype)
    t = np.maximum(A, tiny, out=scratch)
    if output == "softmax":
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


_EPS: dict[np.dtype[Any], float] = {}


def _eps(dtype: np.dtype[Any]) -> float:
    try:
        return _EPS[dtype]
    except KeyError:
        return _EPS.setdefault(dtype, float(np.finfo(dtype).eps))


#: name -> :class:`Loss`: every loss both engines know.
#:
#: Adding a loss is one entry here plus its tests. For instance a Huber
#: loss on identity output units (errors beyond ``delta=1`` count linearly)
#: would be::
#:
#:     def _huber_error(A, Y, out):          # dE/dy, clipped to [-1, 1]
#:         return np.clip(np.subtract(A, Y, out=out), -1.0, 1.0, out=out)
#:
#:     def _huber(output, A, Y, errors, sample_weight, scratch):
#:         r = np.abs(A - Y)
#:         per_sample = np.where(r <= 1, 0.5 * r * r, r - 0.5).sum(axis=1)
#:         w = 1.0 if sample_weight is None else sample_weight
#:         return float(np.sum(per_sample * w))
#:
#:     "huber": Loss(
#:         name="huber",
#:         outputs={"identity": OutputUnit(canonical=True, targets=REAL)},
#:         dead_zone=False,
#:         error=_huber_error,
#:         summed=_huber,
#:     ),
#:
#: with its torch kernel (the same value on tensors, a few lines) in
#: ``KERNELS`` of ``rumelhart/_engines/torch/losses.py``. The tests that
#: follow the table then cover it without a change: ``tests/test_math.py``
#: draws targets from ``Targets``, compares the error signal with torch
#: autograd of the kernel and the value with the kernel's, and fails for an
#: entry without a kernel; the engines' gradient tests take the new pair
#: once it is added to their ``LOSS_OUTPUTS``.
LOSSES: dict[str, Loss] = {
    "squared_error": Loss(
        name="squared_error",
        outputs={
            "identity": OutputUnit(canonical=True, targets=REAL),
            "logistic": OutputUnit(canonical=False, targets=UNIT_INTERVAL),
        },
        dead_zone=True,
        error=_difference,
        summed=_squared_error,
    ),
    "log_loss": Loss(
        name="log_loss",
        outputs={
            "logistic": OutputUnit(canonical=True, targets=UNIT_INTERVAL),
            "softmax": OutputUnit(canonical=True, targets=DISTRIBUTIONS),
        },
        dead_zone=False,
        error=_difference,
        summed=_log_loss,
    ),
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


def error_signal(
    loss: str,
    output_activation: str,
    A: FloatArray,
    Y: FloatArray,
    delta: FloatArray,
    sample_weight: FloatArray | None = None,
    dead_zone: float = 0.0,
    scratch: FloatArray | None = None,
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

    Returns
    -------
    total : float
        ``sum_i w_i E_i``.
    """
    entry = LOSSES[loss]
    entry.error(A, Y, delta)
    apply_dead_zone(delta, dead_zone)
    total = entry.summed(output_activation, A, Y, delta, sample_weight, scratch)
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
) -> float:
    """The error of outputs ``A`` against ``Y``, reduced as in training:
    the weighted mean (``reduction="mean"``) or the sum of the samples'
    errors, the dead zone applied (the arguments as :func:`error_signal`'s)."""
    entry = LOSSES[loss]
    errors = apply_dead_zone(entry.error(A, Y, np.empty_like(A)), dead_zone)
    total = entry.summed(output_activation, A, Y, errors, sample_weight, None)
    if reduction == "sum":
        return total
    weight = A.shape[0] if sample_weight is None else float(sample_weight.sum())
    return total / weight if weight > 0 else 0.0
