"""The losses of :data:`rumelhart._math.losses.LOSSES` on torch tensors.

One kernel per loss computes, from the network's raw outputs, the batch's
``sum_i w_i E_i``, the output units' values and the error at the outputs
(the dead zone applied by the table's own :func:`apply_dead_zone`). The
error signal is then derived from the table as on NumPy: the error itself
for a canonical pair, times the output unit's derivative otherwise.

The kernels avoid in-place operations, so that autograd can differentiate
them: ``tests/test_math.py`` compares the error signal with autograd of the
kernel's value, and both with the NumPy table. The engine runs them without
a graph (the delta is then propagated by hand or by autograd through the
network alone).
"""

from collections.abc import Callable
from typing import NamedTuple

import torch
from torch.nn import functional as F

from ..._math.losses import LOSSES, apply_dead_zone
from .network import KERNELS as ACTIVATION_KERNELS

Tensor = torch.Tensor


class LossParts(NamedTuple):
    """What a loss kernel computes for a batch."""

    #: ``sum_i w_i E_i`` (unweighted when no weights are given).
    total: Tensor
    #: The output units' values.
    outputs: Tensor
    #: The error at the output units (see :attr:`rumelhart._math.losses.Loss.error`).
    errors: Tensor


#: ``kernel(raw, T, w, output_activation, dead_zone) -> LossParts``.
Kernel = Callable[[Tensor, Tensor, Tensor | None, str, float], LossParts]


def _squared_error(
    raw: Tensor, T: Tensor, w: Tensor | None, output: str, dead_zone: float
) -> LossParts:
    A = torch.sigmoid(raw) if output == "logistic" else raw
    diff = apply_dead_zone(A - T, dead_zone)
    if w is None:
        flat = diff.reshape(-1)
        total = 0.5 * torch.dot(flat, flat)
    else:
        total = 0.5 * ((diff * diff).sum(dim=1) @ w)
    return LossParts(total, A, diff)


def _log_loss(
    raw: Tensor, T: Tensor, w: Tensor | None, output: str, dead_zone: float
) -> LossParts:
    if output == "softmax":
        logp = torch.log_softmax(raw, dim=1)
        if w is None:
            total = -torch.dot(T.reshape(-1), logp.reshape(-1))
        else:
            total = -((T * logp).sum(dim=1) @ w)
        A = logp.exp()
    else:
        if w is None:
            total = F.binary_cross_entropy_with_logits(raw, T, reduction="sum")
        else:
            per_sample = F.binary_cross_entropy_with_logits(raw, T, reduction="none")
            total = per_sample.sum(dim=1) @ w
        A = torch.sigmoid(raw)
    return LossParts(total, A, A - T)


#: loss name -> its kernel; one for every entry of the NumPy table.
KERNELS: dict[str, Kernel] = {
    "squared_error": _squared_error,
    "log_loss": _log_loss,
}


def output_delta(
    loss: str,
    output_activation: str,
    raw: Tensor,
    T: Tensor,
    w: Tensor | None = None,
    dead_zone: float = 0.0,
) -> tuple[Tensor, Tensor]:
    """:func:`rumelhart._math.losses.error_signal` on tensors: from the raw
    outputs ``raw`` (the output units' net input) and targets ``T``, the
    ``delta`` per sample (unweighted) and ``sum_i w_i E_i`` (weights ``w``)."""
    parts = KERNELS[loss](raw, T, w, output_activation, dead_zone)
    delta = parts.errors
    if not LOSSES[loss].outputs[output_activation].canonical:
        derivative = ACTIVATION_KERNELS[output_activation].derivative
        if derivative is None:
            raise ValueError(f"torch has no derivative of {output_activation!r}.")
        delta = derivative(delta, parts.outputs)
    return delta, parts.total


def missing_kernels() -> list[str]:
    """Losses of the table that have no torch kernel (none, normally)."""
    return sorted(set(LOSSES) - set(KERNELS))
