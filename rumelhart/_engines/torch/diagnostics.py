"""What the statistics of the torch engine are computed from: every
activation module's outputs (read by forward hooks, so that any module
works), the gradients of the weights by autograd, the weight matrices.

The formulas themselves are shared with the NumPy engine
(:mod:`rumelhart._engines.stats`).
"""

from typing import Any

import torch
from torch import nn

from .fast_path import DeltaFn, output_errors
from .network import output_units, weight_matrices

Tensor = torch.Tensor

#: Activation modules the read-outs know, by class name -> the name of the
#: activation table whose output range they share (for "saturated").
ACTIVATION_KINDS = {
    "Sigmoid": "logistic",
    "Tanh": "tanh",
    "ReLU": "relu",
    "GELU": "gelu",
    "LeakyReLU": "relu",
    "ELU": "relu",
    "SiLU": "relu",
    "Softmax": "softmax",
}


def layer_outputs(
    module: nn.Module, X: Tensor, output_activation: str
) -> list[tuple[str, Tensor]]:
    """``[(activation name, outputs)]`` of every activation module of
    ``module`` on ``X``, then of the output units."""
    captured: list[tuple[str, Tensor]] = []

    def keep(kind: str) -> Any:
        def hook(mod: nn.Module, inputs: Any, output: Tensor) -> None:
            # A copy: an in-place module further on may overwrite it.
            captured.append((kind, output.detach().clone()))

        return hook

    hooks = [
        child.register_forward_hook(keep(kind))
        for child in module.modules()
        if (kind := ACTIVATION_KINDS.get(type(child).__name__))
    ]
    try:
        with torch.no_grad():
            out = output_units(module(X.clone()), output_activation)
    finally:
        for hook in hooks:
            hook.remove()
    captured.append((output_activation, out))
    return captured


def weight_gradients(
    module: nn.Module, X: Tensor, Y: Tensor, factors: Any, delta_fn: DeltaFn
) -> list[Tensor]:
    """dE/dW of every weight matrix of ``module`` on ``(X, Y)``, each
    sample's error scaled by ``factors`` (see
    :data:`~rumelhart._engines.torch.fast_path.GradientFn`); the ``.grad``
    of the parameters is untouched."""
    weights = weight_matrices(module)
    raw, delta, _ = output_errors(module, X.clone(), Y, factors, delta_fn)
    return list(torch.autograd.grad(raw, weights, grad_outputs=delta))
