"""The network's passes on NumPy arrays: forward (eqs. 1-2) and backward
(eqs. 4-7 of Rumelhart et al., 1986), into work arrays reused per batch size.

Per-batch overhead, not arithmetic, decides the speed of small batches, so
the passes make few NumPy calls and allocate nothing: every layer's outputs,
deltas and gradients go into the :class:`Work` arrays of the batch size, and
the gradients into one buffer laid out like the weights
(:class:`~rumelhart._engines.numpy.optimizer.FlatArrays`).
"""

import itertools
from collections.abc import Sequence
from typing import Any, NamedTuple, Protocol

import numpy as np
from scipy import sparse

from ..._math.activations import ACTIVATIONS, DERIVATIVES, OUTPUT_VALUES, VALUES
from ..protocol import FloatArray
from .optimizer import FlatArrays

#: ``init_range="auto"``: weights uniform in ``±AUTO_INIT_SCALE/sqrt(fan_in)``
#: (the net input of a unit then spreads about as much as one input, whatever
#: the fan-in) ...
AUTO_INIT_SCALE = 2.0
#: ... but the first layer's at least ``±AUTO_FIRST_LAYER_SCALE/n_features``:
#: on few standardised inputs, ``2/sqrt(d)`` makes every logistic transition
#: (a net input from -2 to 2) wider than the data's whole spread, so the
#: units start out near-linear and must first grow their weights fourfold or
#: more to resolve a sharp boundary (a 2-D checkerboard, a 1-D sine), which
#: weight decay and the stopping rule cut short. At d=16 and beyond the two
#: rules agree.
AUTO_FIRST_LAYER_SCALE = 8.0


class Layers(Protocol):
    """What the passes read of a network (the NumPy engine is one)."""

    coefs: list[FloatArray]
    intercepts: list[FloatArray]
    hidden_activation: str
    output_activation: str


class Work(NamedTuple):
    """Work arrays of one batch size: the gathered inputs, then per layer the
    outputs, the deltas and the gradients (coefficients then intercepts, one
    buffer), the gathered targets and weights, and scratch space;
    ``net_inputs``: the hidden layers' net inputs, for activations whose
    derivative needs them (GELU, SiLU), else empty."""

    X: FloatArray
    activations: list[FloatArray]
    deltas: list[FloatArray]
    grads: FlatArrays
    Y: FloatArray
    w: FloatArray
    scratch: list[FloatArray]
    row_max: FloatArray
    row_sum: FloatArray
    ones: FloatArray
    net_inputs: list[FloatArray]


def work_arrays(
    layer_sizes: Sequence[int],
    param_shapes: Sequence[tuple[int, ...]],
    n: int,
    dtype: Any,
    keep_inputs: bool = False,
) -> Work:
    """New :class:`Work` arrays for batches of ``n`` samples (``keep_inputs``:
    with buffers for the hidden layers' net inputs)."""
    units = layer_sizes[1:]

    def per_layer() -> list[FloatArray]:
        return [np.empty((n, k), dtype) for k in units]

    return Work(
        X=np.empty((n, layer_sizes[0]), dtype),
        activations=per_layer(),
        deltas=per_layer(),
        grads=FlatArrays.empty(param_shapes, dtype),
        Y=np.empty((n, units[-1]), dtype),
        w=np.empty(n, dtype),
        scratch=per_layer(),
        row_max=np.empty((n, 1), dtype),
        row_sum=np.empty((n, 1), dtype),
        ones=np.ones(n, dtype),
        net_inputs=[np.empty((n, k), dtype) for k in units[:-1]] if keep_inputs else [],
    )


def keeps_inputs(hidden_activation: str) -> bool:
    """Whether the backward pass needs the hidden layers' net inputs."""
    return ACTIVATIONS[hidden_activation].from_input


def initial_params(
    layer_sizes: Sequence[int],
    init_range: float | str,
    rng: np.random.Generator,
    dtype: Any,
) -> FlatArrays:
    """Initial coefficients then intercepts, in one buffer.

    Uniform in ``[-init_range, init_range]``; ``"auto"``: in
    ``±AUTO_INIT_SCALE / sqrt(fan_in)`` for each layer, so that every unit's
    net input has about the same spread whatever the number of inputs, and
    at least ``±AUTO_FIRST_LAYER_SCALE / n_features`` for the first layer,
    so that units on few inputs start out sharp enough.
    """
    shapes = list(itertools.pairwise(layer_sizes))
    params = FlatArrays.empty(shapes + [(n_out,) for _, n_out in shapes], dtype)
    bounds = [_bound(n_in, init_range, i == 0) for i, (n_in, _) in enumerate(shapes)]
    for W, shape, bound in zip(params, shapes, bounds):
        W[...] = rng.uniform(-bound, bound, size=shape)
    for b, (_, n_out), bound in zip(params[len(shapes) :], shapes, bounds):
        b[...] = rng.uniform(-bound, bound, size=n_out)
    return params


def _bound(n_in: int, init_range: float | str, first: bool = False) -> float:
    """Half the width of a layer's initial weights (see :func:`initial_params`);
    ``first``: the layer of the inputs."""
    if isinstance(init_range, str):  # "auto"
        fan_in = max(n_in, 1)
        bound = AUTO_INIT_SCALE / np.sqrt(fan_in)
        return float(max(bound, AUTO_FIRST_LAYER_SCALE / fan_in) if first else bound)
    return float(init_range)


def activate(
    net: Layers,
    i: int,
    z: FloatArray,
    row_max: FloatArray | None = None,
    row_sum: FloatArray | None = None,
) -> FloatArray:
    """Layer ``i``'s activation applied to its net input ``z``, in place."""
    if i < len(net.coefs) - 1:
        return VALUES[net.hidden_activation](z)
    if net.output_activation == "softmax":
        return VALUES["softmax"](z, row_max, row_sum)
    return OUTPUT_VALUES[net.output_activation](z)


def forward_into(
    net: Layers,
    X: Any,
    activations: list[FloatArray],
    row_max: FloatArray | None = None,
    row_sum: FloatArray | None = None,
    net_inputs: Sequence[FloatArray] = (),
) -> list[FloatArray]:
    """The forward pass, writing each layer's output into ``activations``
    (as many layers as it holds buffers for); ``X`` may be sparse. The
    hidden layers' net inputs are copied into ``net_inputs`` where given."""
    a = X
    for i, out in enumerate(activations):
        if i == 0 and sparse.issparse(a):
            out[...] = a @ net.coefs[0]
        else:
            np.matmul(a, net.coefs[i], out=out)
        np.add(out, net.intercepts[i], out=out)
        if i < len(net_inputs):
            np.copyto(net_inputs[i], out)
        a = activate(net, i, out, row_max, row_sum)
    return activations


def backward_into(
    net: Layers, X: Any, delta: FloatArray, activations: list[FloatArray], work: Work
) -> None:
    """Gradients of every weight into ``work.grads``, from ``delta`` at the
    output units' net input (already scaled per sample), by eqs. 4-7.
    An activation whose derivative needs the net inputs reads (and
    overwrites) ``work.net_inputs``, filled by the forward pass."""
    n_layers = len(net.coefs)
    grad_coefs, grad_intercepts = work.grads[:n_layers], work.grads[n_layers:]
    derivative = DERIVATIVES[net.hidden_activation]
    slopes_from = work.net_inputs if keeps_inputs(net.hidden_activation) else None
    for i in range(n_layers - 1, -1, -1):
        a_prev = X if i == 0 else activations[i - 1]
        if i == 0 and sparse.issparse(X):
            grad_coefs[0][...] = X.T @ delta
        else:
            np.matmul(a_prev.T, delta, out=grad_coefs[i])
        np.matmul(work.ones, delta, out=grad_intercepts[i])  # column sums
        if i > 0:
            np.matmul(delta, net.coefs[i].T, out=work.deltas[i - 1])
            x = a_prev if slopes_from is None else slopes_from[i - 1]
            delta = derivative(x, work.deltas[i - 1], work.scratch[i - 1])


def decode(net: Layers, H: Any, layer: int, dtype: Any) -> FloatArray:
    """The network's outputs given hidden layer ``layer``'s outputs ``H``."""
    a = np.array(H, dtype=dtype)
    for i in range(layer + 1, len(net.coefs)):
        a = activate(net, i, a @ net.coefs[i] + net.intercepts[i])
    return a
