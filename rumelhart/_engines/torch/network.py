"""The torch network: the built-in MLP, its activations, and reading it layer
by layer.

:data:`KERNELS` holds torch's kernels of the activations of
:data:`rumelhart._math.activations.ACTIVATIONS` (``tests/test_math.py``
checks them against that table): the module the built-in network is made
of, the function and in-place function of the layer-by-layer pass, and the
fused backward kernel of the hand-written backward pass.
"""

import itertools
import math
import threading
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, TypeVar

import numpy as np
import torch
from torch import nn

from ..protocol import FloatArray

Tensor = torch.Tensor
T = TypeVar("T")


class TorchActivation(NamedTuple):
    """torch's kernels of one activation of the table.

    ``function`` and ``inplace`` are None where the layer-by-layer pass does
    not run it (the network then goes through ``nn.Module`` calls and
    autograd); ``derivative(delta, a)`` is ``delta`` times the derivative at
    the output ``a`` (torch's own fused backward kernel), None where the
    output does not determine it (GELU, SiLU: trained by autograd).
    """

    name: str
    module: type[nn.Module]
    function: Callable[[Tensor], Tensor] | None
    inplace: Callable[[Tensor], Tensor] | None
    derivative: Callable[[Tensor, Tensor], Tensor] | None


class Exp(nn.Module):
    """``exp`` as a module: the output unit of the log link."""

    def forward(self, x: Tensor) -> Tensor:
        return torch.exp(x)


def _identity(x: Tensor) -> Tensor:
    return x


def _relu_derivative(delta: Tensor, a: Tensor) -> Tensor:
    result: Tensor = torch.ops.aten.threshold_backward(delta, a, 0)
    return result


_F = nn.functional


def _leaky_relu_derivative(delta: Tensor, a: Tensor) -> Tensor:
    # The output has the input's sign, so the kernel may read it instead.
    result: Tensor = torch.ops.aten.leaky_relu_backward(delta, a, 0.01, True)
    return result


def _elu_derivative(delta: Tensor, a: Tensor) -> Tensor:
    result: Tensor = torch.ops.aten.elu_backward(delta, 1.0, 1, 1, True, a)
    return result


def _softplus_derivative(delta: Tensor, a: Tensor) -> Tensor:
    return delta * -torch.expm1(-a)  # sigmoid(z) = 1 - exp(-softplus(z))


def _softplus_(x: Tensor) -> Tensor:
    return x.copy_(_F.softplus(x))


def _gelu_(x: Tensor) -> Tensor:
    return x.copy_(_F.gelu(x))


def _silu_(x: Tensor) -> Tensor:
    return _F.silu(x, inplace=True)


#: name of the activation table -> torch's kernels.
KERNELS: dict[str, TorchActivation] = {
    "identity": TorchActivation("identity", nn.Identity, _identity, _identity, None),
    "logistic": TorchActivation(
        "logistic",
        nn.Sigmoid,
        torch.sigmoid,
        torch.sigmoid_,
        torch.ops.aten.sigmoid_backward,
    ),
    "tanh": TorchActivation(
        "tanh", nn.Tanh, torch.tanh, torch.tanh_, torch.ops.aten.tanh_backward
    ),
    "relu": TorchActivation("relu", nn.ReLU, torch.relu, torch.relu_, _relu_derivative),
    "leaky_relu": TorchActivation(
        "leaky_relu",
        nn.LeakyReLU,
        _F.leaky_relu,
        _F.leaky_relu_,
        _leaky_relu_derivative,
    ),
    "elu": TorchActivation("elu", nn.ELU, _F.elu, _F.elu_, _elu_derivative),
    "softplus": TorchActivation(
        "softplus", nn.Softplus, _F.softplus, _softplus_, _softplus_derivative
    ),
    # No derivative from the output: the hand-written backward pass refuses
    # these, and autograd trains them (see ``fast_path._manual_layers``).
    "gelu": TorchActivation("gelu", nn.GELU, _F.gelu, _gelu_, None),
    "silu": TorchActivation("silu", nn.SiLU, _F.silu, _silu_, None),
    # The log link's output unit (``output_units`` applies it).
    "exponential": TorchActivation(
        "exponential", Exp, torch.exp, torch.exp_, torch.mul
    ),
}

#: The hidden activations of the built-in network, by the names the torch
#: estimators accept ("sigmoid" is the logistic unit).
ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "sigmoid": nn.Sigmoid,
    "logistic": nn.Sigmoid,
    "tanh": nn.Tanh,
    "identity": nn.Identity,
    "gelu": nn.GELU,
    "silu": nn.SiLU,
    "leaky_relu": nn.LeakyReLU,
    "elu": nn.ELU,
    "softplus": nn.Softplus,
}

#: Activation modules the layer-by-layer pass runs, by their type.
_BY_MODULE = {k.module: k for k in KERNELS.values() if k.function is not None}


def build_mlp(
    layer_sizes: Sequence[int],
    activation: str,
    generator: torch.Generator | None = None,
) -> nn.Sequential:
    """``Linear`` layers with ``activation`` between them (the output is raw).

    The weights are drawn as ``nn.Linear`` draws them (uniform in
    ``±1/sqrt(fan_in)``), but from ``generator``: building a network never
    touches torch's global generator, so fits in threads are reproducible.
    """
    layers: list[nn.Module] = []
    pairs = list(itertools.pairwise(layer_sizes))
    for i, (n_in, n_out) in enumerate(pairs):
        linear = torch.nn.utils.skip_init(nn.Linear, n_in, n_out)  # type: ignore[no-untyped-call]
        bound = 1 / math.sqrt(n_in) if n_in > 0 else 0.0
        with torch.no_grad():
            for param in (linear.weight, linear.bias):
                nn.init.uniform_(param, -bound, bound, generator=generator)
        layers.append(linear)
        if i < len(pairs) - 1:
            layers.append(ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


#: torch's global generator is shared by every thread; a custom module is
#: built under this lock, from a forked and seeded generator.
_GLOBAL_RNG_LOCK = threading.Lock()


def build_seeded(factory: Callable[[], T], seed: int) -> T:
    """``factory()`` run under torch's global generator seeded with ``seed``,
    which is left as it was (one thread at a time)."""
    with _GLOBAL_RNG_LOCK, torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return factory()


def output_units(raw: Tensor, activation: str) -> Tensor:
    """The output units' activation of the network's raw outputs."""
    if activation == "logistic":
        return torch.sigmoid(raw)
    if activation == "softmax":
        return torch.softmax(raw, dim=1)
    if activation == "exponential":
        return torch.exp(raw)
    return raw


def linear_layers(module: nn.Module) -> list[nn.Linear]:
    """The ``nn.Linear`` layers of ``module``, in order."""
    return [m for m in module.modules() if isinstance(m, nn.Linear)]


def numpy_weights(
    module: nn.Module,
) -> tuple[list[FloatArray], list[FloatArray | None]]:
    """NumPy copies of the ``Linear`` layers' weights, shape (in, out), and
    biases (None where a layer has none)."""
    layers = linear_layers(module)
    coefs = [layer.weight.detach().cpu().numpy().T.copy() for layer in layers]
    intercepts = [
        None if layer.bias is None else layer.bias.detach().cpu().numpy().copy()
        for layer in layers
    ]
    return coefs, intercepts


@torch.no_grad()
def all_finite(module: nn.Module) -> bool:
    """Whether every parameter of ``module`` is finite (one host sync)."""
    params = [p.reshape(-1) for p in module.parameters()]
    if not params:
        return True
    try:
        flat = params[0] if len(params) == 1 else torch.cat(params)
    except RuntimeError:  # parameters on several devices
        return all(bool(torch.isfinite(p).all()) for p in params)
    return bool(torch.isfinite(flat).all())


def weight_matrices(module: nn.Module) -> list[nn.Parameter]:
    """The ``weight`` parameters of the modules of ``module``, in order."""
    return [
        weight
        for m in module.modules()
        if isinstance(weight := getattr(m, "weight", None), nn.Parameter)
    ]


def mask_first_layer(
    module: nn.Module, input_mask: Any, device: torch.device
) -> Tensor:
    """Zero the first ``Linear`` layer's missing connections; the mask as a
    tensor of its weight's shape (1: the connection exists)."""
    first = linear_layers(module)[0]
    mask = torch.as_tensor(np.asarray(input_mask).T.copy(), device=device)
    mask = mask.to(first.weight.dtype)
    with torch.no_grad():
        first.weight.mul_(mask)
    return mask


class Layer(NamedTuple):
    """One ``Linear`` layer of the built-in network and its activation
    (None: none, the identity)."""

    weight: Tensor
    bias: Tensor | None
    activation: TorchActivation | None


def _global_hooks() -> bool:
    hooks = nn.modules.module
    return any(
        getattr(hooks, name, None)
        for name in (
            "_global_forward_hooks",
            "_global_forward_pre_hooks",
            "_global_backward_hooks",
            "_global_backward_pre_hooks",
        )
    )


def _has_hooks(module: nn.Module) -> bool:
    return bool(
        module._forward_hooks
        or module._forward_pre_hooks
        or module._backward_hooks
        or getattr(module, "_backward_pre_hooks", None)
    )


def builtin_layers(module: nn.Module) -> list[Layer] | None:
    """The layers of the built-in network, to run without ``nn.Module``
    calls: None when ``module`` is anything else (not an ``nn.Sequential``
    of ``Linear`` layers, each followed by at most one activation of
    :data:`KERNELS` that the pass runs) or carries hooks."""
    if type(module) is not nn.Sequential or _has_hooks(module) or _global_hooks():
        return None
    layers: list[tuple[nn.Linear, TorchActivation | None]] = []
    for child in module:
        if _has_hooks(child):
            return None
        if type(child) is nn.Linear:
            layers.append((child, None))
        elif type(child) in _BY_MODULE and layers and layers[-1][1] is None:
            layers[-1] = (layers[-1][0], _BY_MODULE[type(child)])
        else:
            return None
    identity = KERNELS["identity"]
    return [
        Layer(linear.weight, linear.bias, None if kind is identity else kind)
        for linear, kind in layers
    ] or None


def require_builtin(module: nn.Module, what: str) -> list[Layer]:
    """The layers of the built-in network (see :func:`builtin_layers`).

    Raises
    ------
    NotImplementedError
        When ``module`` is another module, whose hidden layers are its own.
    """
    layers = builtin_layers(module)
    if layers is None:
        raise NotImplementedError(
            f"{what} needs the built-in network (an nn.Sequential of Linear "
            "layers and activations); a custom module's hidden layers are "
            "its own."
        )
    return layers


def run_layers(layers: Sequence[Layer], x: Tensor) -> list[Tensor]:
    """The outputs of each of ``layers`` in turn, from input ``x``."""
    outputs = []
    for layer in layers:
        x = torch.nn.functional.linear(x, layer.weight, layer.bias)
        if layer.activation is not None and layer.activation.function is not None:
            x = layer.activation.function(x)
        outputs.append(x)
    return outputs
