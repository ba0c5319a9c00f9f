"""The gradient of one batch on NumPy: the forward pass, the loss table's
error signal, the backward pass, in chunks of rows for large batches.

Large batches (the paper's full sweeps) are processed in chunks of rows
whose work arrays stay in cache, their gradients summed before the one
change: no array proportional to the data is ever allocated. Work arrays are
kept per batch size (:class:`WorkArrays`), so a sweep of mini-batches
allocates nothing.
"""

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np

from ..._math.losses import damp_overshoot, error_signal
from ..base import row_chunks
from ..protocol import FloatArray
from .network import Layers, Work, backward_into, forward_into, work_arrays
from .optimizer import FlatArrays


class Trainable(Layers, Protocol):
    """What the gradient of a batch reads of a network and its loss."""

    loss: str
    dead_zone: float
    loss_param: FloatArray | None


class WorkArrays:
    """Work arrays of the batch sizes in use (the usual batch and the last
    one), and the buffer that sums the gradients of a large batch's chunks.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, input and output layers included.
    param_shapes : sequence of tuple of int
        Shapes of the coefficients then the intercepts.
    dtype : numpy dtype
        Floating point type of the arrays.
    keep_inputs : bool, default=False
        Whether to keep the hidden layers' net inputs (see
        :func:`~rumelhart._engines.numpy.network.keeps_inputs`).
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        param_shapes: Sequence[tuple[int, ...]],
        dtype: Any,
        keep_inputs: bool = False,
    ) -> None:
        self.layer_sizes = tuple(layer_sizes)
        self.param_shapes = [tuple(s) for s in param_shapes]
        self.dtype = np.dtype(dtype)
        self.keep_inputs = keep_inputs
        self.by_size: dict[int, Work] = {}
        self._sum: FlatArrays | None = None

    def __call__(self, n_samples: int) -> Work:
        """The work arrays of batches of ``n_samples``."""
        work = self.by_size.get(n_samples)
        if work is None:
            if len(self.by_size) > 2:  # keep the usual batch and the last one
                self.by_size.clear()
            work = work_arrays(
                self.layer_sizes,
                self.param_shapes,
                n_samples,
                self.dtype,
                self.keep_inputs,
            )
            self.by_size[n_samples] = work
        return work

    def gradient_sum(self) -> FlatArrays:
        """The buffer, laid out like the weights, that sums chunks' gradients."""
        if self._sum is None:
            self._sum = FlatArrays.empty(self.param_shapes, self.dtype)
        return self._sum


def scale_errors(delta: FloatArray, factors: Any) -> None:
    """``delta`` times each sample's factor (a float, or one per row), in place."""
    if isinstance(factors, float):
        np.multiply(delta, factors, out=delta)
    else:
        np.multiply(delta, factors.reshape(-1, 1), out=delta)


def batch_gradients(
    net: Trainable,
    X: Any,
    Y: FloatArray,
    sample_weight: FloatArray | None,
    work: Work,
    factors: Any,
    damp: bool = False,
) -> float:
    """Forward and backward passes over ``(X, Y)`` in ``work``: the gradients
    of the errors scaled by ``factors`` (see
    :func:`~rumelhart._engines.base.error_factors`) in ``work.grads``;
    ``damp``: for a change of the weights, the log link's error signal
    steadied by :func:`~rumelhart._math.losses.damp_overshoot`.
    Returns ``sum_i w_i E_i``."""
    activations = work.activations
    forward_into(net, X, activations, work.row_max, work.row_sum, work.net_inputs)
    delta = work.deltas[-1]
    total = error_signal(
        net.loss,
        net.output_activation,
        activations[-1],
        Y,
        delta,
        sample_weight,
        net.dead_zone,
        work.scratch[-1],
        net.loss_param,
    )
    if damp:
        damped = damp_overshoot(net.loss, activations[-1], Y, delta, sample_weight)
        if damped is not delta:  # the log link
            delta[...] = damped
    scale_errors(delta, factors)
    backward_into(net, X, delta, activations, work)
    return total


def chunked_gradients(
    net: Trainable,
    buffers: WorkArrays,
    chunk_rows: Callable[[], int],
    X: Any,
    Y: FloatArray,
    sample_weight: FloatArray | None,
    work: Work | None,
    factors: Any,
) -> tuple[float, FlatArrays]:
    """:func:`batch_gradients` over ``(X, Y)`` in chunks of ``chunk_rows()``
    rows, for a change of the weights (damped); the summed error and the
    gradients, summed over the chunks.
    ``work``: the batch's work arrays when it was gathered into them."""
    n = X.shape[0]
    if work is not None and work.X.shape[0] == n:
        total = batch_gradients(net, X, Y, sample_weight, work, factors, damp=True)
        return total, work.grads
    rows = chunk_rows()
    if n <= rows:
        work = buffers(n)
        total = batch_gradients(net, X, Y, sample_weight, work, factors, damp=True)
        return total, work.grads
    grad_sum = buffers.gradient_sum()
    total = 0.0
    for start, stop in row_chunks(n, rows):
        sw = None if sample_weight is None else sample_weight[start:stop]
        f = factors if isinstance(factors, float) else factors[start:stop]
        chunk = buffers(stop - start)
        rows_X, rows_Y = X[start:stop], Y[start:stop]
        total += batch_gradients(net, rows_X, rows_Y, sw, chunk, f, damp=True)
        if start == 0:
            np.copyto(grad_sum.flat, chunk.grads.flat)
        else:
            np.add(grad_sum.flat, chunk.grads.flat, out=grad_sum.flat)
    return total, grad_sum
