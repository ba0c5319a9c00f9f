"""The gradient of a batch: by hand for the built-in network, by autograd
for anything else.

On CPU a small batch costs tens of microseconds of framework overhead per
operation, so the built-in network (an ``nn.Sequential`` of ``Linear``
layers and known activations, without hooks) is differentiated by hand, the
same arithmetic as autograd's without its graph: one ``addmm`` per layer
forward, torch's fused backward kernel of each activation, two matrix
products per layer backward. Any other module runs forward under autograd,
which then propagates the same output delta back through it. Either way the
loss is never part of a graph: its error signal comes from
:func:`~rumelhart._engines.torch.losses.output_delta`.
"""

import functools
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import torch

from .network import Layer, TorchActivation, run_layers

Tensor = torch.Tensor

#: ``delta_fn(raw, T, w) -> (delta, sum_i w_i E_i)``: the engine's loss.
DeltaFn = Callable[[Tensor, Tensor, Tensor | None], tuple[Tensor, Tensor]]

#: ``gradients(X, T, factors, accumulate) -> sum_i w_i E_i``: ``.grad`` of
#: every weight receives (with ``accumulate``, adds) the gradient of the
#: errors scaled by ``factors``: ``1/n`` (the errors unweighted), or each
#: sample's share ``w_i / sum(w)`` of the weight (the sum then of shares).
GradientFn = Callable[[Any, Tensor, Any, bool], Tensor]


class _Manual(NamedTuple):
    """A layer of the built-in network as the hand-written pass needs it."""

    weight: Tensor
    bias: Tensor
    activation: TorchActivation | None


def _manual_layers(layers: Sequence[Layer] | None) -> list[_Manual] | None:
    """``layers`` for :func:`manual_gradients`, or None where it cannot
    train them (a raw output needs a ``Linear`` layer last; every weight and
    bias must be trained; every activation needs a derivative from its
    output, which GELU and SiLU lack)."""
    if layers is None or layers[-1].activation is not None:
        return None
    if any(
        layer.activation is not None and layer.activation.derivative is None
        for layer in layers
    ):
        return None
    manual = [
        _Manual(layer.weight, layer.bias, layer.activation)
        for layer in layers
        if layer.bias is not None
        and layer.weight.requires_grad
        and layer.bias.requires_grad
    ]
    return manual if len(manual) == len(layers) else None


def manual_ok(layers: Sequence[Layer] | None) -> bool:
    """Whether :func:`manual_gradients` can train these layers."""
    return _manual_layers(layers) is not None


def _set_grad(param: Tensor, grad: Tensor, accumulate: bool) -> None:
    if accumulate and param.grad is not None:
        param.grad.add_(grad)
    else:
        param.grad = grad


def _scale_errors(delta: Tensor, factors: Any) -> Tensor:
    """``delta`` times each sample's factor, in place."""
    if isinstance(factors, Tensor):
        return delta.mul_(factors.unsqueeze(1))
    return delta.mul_(factors)


def _loss_weights(factors: Any) -> Tensor | None:
    """The weights the loss sums with: the shares, or None (unweighted)."""
    return factors if isinstance(factors, Tensor) else None


def manual_gradients(
    layers: Sequence[_Manual],
    X: Tensor,
    T: Tensor,
    factors: Any,
    accumulate: bool,
    delta_fn: DeltaFn,
) -> Tensor:
    """Forward and backward passes of the built-in network by hand (see
    :data:`GradientFn`); run without a graph."""
    outputs = []
    a = X
    for layer in layers:
        a = torch.addmm(layer.bias, a, layer.weight.t())
        if layer.activation is not None and layer.activation.inplace is not None:
            a = layer.activation.inplace(a)
        outputs.append(a)
    delta, total = delta_fn(outputs[-1], T, _loss_weights(factors))
    delta = _scale_errors(delta, factors)
    for i in range(len(layers) - 1, -1, -1):
        weight, bias = layers[i].weight, layers[i].bias
        a_prev = X if i == 0 else outputs[i - 1]
        _set_grad(weight, torch.mm(delta.t(), a_prev), accumulate)
        _set_grad(bias, delta.sum(dim=0), accumulate)
        if i > 0:
            delta = delta.mm(weight)
            below = layers[i - 1].activation
            if below is not None and below.derivative is not None:
                delta = below.derivative(delta, a_prev)
    return total


def output_errors(
    forward: Callable[[Any], Tensor],
    X: Any,
    T: Tensor,
    factors: Any,
    delta_fn: DeltaFn,
) -> tuple[Tensor, Tensor, Tensor]:
    """``(raw, delta, total)``: the network's raw outputs under autograd, the
    scaled delta to propagate back from them (see :data:`GradientFn`), and
    the loss, computed outside the graph."""
    raw = forward(X)
    with torch.no_grad():
        delta, total = delta_fn(raw.detach(), T, _loss_weights(factors))
        delta = _scale_errors(delta, factors)
    return raw, delta, total


def autograd_gradients(
    forward: Callable[[Any], Tensor],
    X: Any,
    T: Tensor,
    factors: Any,
    delta_fn: DeltaFn,
) -> Tensor:
    """The network's forward pass under autograd, which propagates the
    output delta back (see :data:`GradientFn`; ``.grad`` accumulates)."""
    raw, delta, total = output_errors(forward, X, T, factors, delta_fn)
    torch.autograd.backward(raw, delta)
    return total


def _last_output(layers: Sequence[Layer], x: Any) -> Tensor:
    return run_layers(layers, x)[-1]


def gradient_function(
    module: torch.nn.Module, layers: Sequence[Layer] | None, delta_fn: DeltaFn
) -> GradientFn:
    """How this epoch computes a batch's gradients (see :data:`GradientFn`):
    by hand when ``layers`` (the built-in network's) allow it, else by
    autograd, layer by layer without module calls where possible."""
    built_in = _manual_layers(layers)
    if built_in is not None:

        def manual(X: Any, T: Tensor, factors: Any, accumulate: bool) -> Tensor:
            with torch.no_grad():
                return manual_gradients(built_in, X, T, factors, accumulate, delta_fn)

        return manual
    forward: Callable[[Any], Tensor] = (
        module if layers is None else functools.partial(_last_output, layers)
    )

    def autograd(X: Any, T: Tensor, factors: Any, accumulate: bool) -> Tensor:
        return autograd_gradients(forward, X, T, factors, delta_fn)

    return autograd
