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


#: ``kernel(raw, T, w, output_activation, dead_zone, param) -> LossParts``;
#: ``param``: the loss's parameter per output column, or None.
Kernel = Callable[[Tensor, Tensor, Tensor | None, str, float, Tensor | None], LossParts]


class _Batch(NamedTuple):
    """A kernel's arguments (see :data:`Kernel`)."""

    raw: Tensor
    T: Tensor
    w: Tensor | None
    output: str
    dead_zone: float
    param: Tensor | None


def _kernel(parts: Callable[[_Batch], LossParts]) -> Kernel:
    """The :data:`Kernel` that computes ``parts`` of its arguments."""

    def kernel(
        raw: Tensor,
        T: Tensor,
        w: Tensor | None,
        output: str,
        dead_zone: float,
        param: Tensor | None = None,
    ) -> LossParts:
        return parts(_Batch(raw, T, w, output, dead_zone, param))

    return kernel


def _squared_error(b: _Batch) -> LossParts:
    A = torch.sigmoid(b.raw) if b.output == "logistic" else b.raw
    diff = apply_dead_zone(A - b.T, b.dead_zone)
    if b.w is None:
        flat = diff.reshape(-1)
        total = 0.5 * torch.dot(flat, flat)
    else:
        total = 0.5 * ((diff * diff).sum(dim=1) @ b.w)
    return LossParts(total, A, diff)


def _log_loss(b: _Batch) -> LossParts:
    raw, T, w = b.raw, b.T, b.w
    if b.output == "softmax":
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


def _summed(per_entry: Tensor, w: Tensor | None) -> Tensor:
    """``sum_i w_i sum_j per_entry_ij``."""
    return per_entry.sum() if w is None else per_entry.sum(dim=1) @ w


def _absolute_error(b: _Batch) -> LossParts:
    diff = b.raw - b.T
    return LossParts(_summed(diff.abs(), b.w), b.raw, torch.sign(diff))


def _huber(b: _Batch) -> LossParts:
    delta = b.param
    assert delta is not None, "the Huber loss needs its delta"
    diff = b.raw - b.T
    r = diff.abs()
    per_entry = torch.where(r <= delta, 0.5 * r * r, delta * (r - 0.5 * delta))
    clipped = torch.maximum(torch.minimum(diff, delta), -delta)
    return LossParts(_summed(per_entry, b.w), b.raw, clipped)


def _pinball(b: _Batch) -> LossParts:
    assert b.param is not None, "the pinball loss needs its quantile levels"
    diff = b.raw - b.T
    errors = (diff > 0).to(b.raw.dtype) - b.param
    return LossParts(_summed(diff * errors, b.w), b.raw, errors)


def _poisson(b: _Batch) -> LossParts:
    A = torch.exp(b.raw)
    per_entry = torch.xlogy(b.T, b.T) - b.T * b.raw - b.T + A
    return LossParts(_summed(per_entry, b.w), A, A - b.T)


def _gamma(b: _Batch) -> LossParts:
    ratio = b.T * torch.exp(-b.raw)
    per_entry = b.raw - torch.log(b.T) + ratio - 1
    return LossParts(_summed(per_entry, b.w), torch.exp(b.raw), 1 - ratio)


#: loss name -> its kernel; one for every entry of the NumPy table.
KERNELS: dict[str, Kernel] = {
    name: _kernel(parts)
    for name, parts in {
        "squared_error": _squared_error,
        "log_loss": _log_loss,
        "absolute_error": _absolute_error,
        "huber": _huber,
        "quantile": _pinball,
        "poisson": _poisson,
        "gamma": _gamma,
    }.items()
}


def output_delta(
    loss: str,
    output_activation: str,
    raw: Tensor,
    T: Tensor,
    w: Tensor | None = None,
    dead_zone: float = 0.0,
    param: Tensor | None = None,
) -> tuple[Tensor, Tensor]:
    """:func:`rumelhart._math.losses.error_signal` on tensors: from the raw
    outputs ``raw`` (the output units' net input) and targets ``T``, the
    ``delta`` per sample (unweighted) and ``sum_i w_i E_i`` (weights ``w``;
    ``param`` the loss's parameter per output column)."""
    parts = KERNELS[loss](raw, T, w, output_activation, dead_zone, param)
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
