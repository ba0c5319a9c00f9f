"""One sweep of the torch engine: batches by ``index_select`` of a permuted
index tensor, and one optimizer step per batch (the gradient function
chosen once per sweep).

Gradients are dropped by setting them to None (no ``zero_grad``
machinery); full batches of the built-in network are processed in chunks of
rows whose gradients accumulate before the one step.
"""

import functools
import operator
from typing import TYPE_CHECKING, Any

import torch

from ..base import Batch, error_factors, row_chunks, rows_per_chunk
from ..protocol import Prepared
from .device import SparseRows
from .fast_path import GradientFn
from .network import Layer

if TYPE_CHECKING:
    from .engine import TorchMLP

#: Elements of the widest layer per chunk of a full batch of the built-in MLP.
_CHUNK_ELEMENTS = 2**19


def chunk_rows(widest: int) -> int:
    """Rows per chunk of a full batch of the built-in network."""
    return rows_per_chunk(widest, _CHUNK_ELEMENTS, 1024)


class TorchSweep:
    """How :class:`~rumelhart._engines.torch.engine.TorchMLP` trains during
    one sweep (see :class:`~rumelhart._engines.base.Sweep`)."""

    def __init__(
        self,
        engine: "TorchMLP",
        data: Prepared,
        layers: list[Layer] | None,
        gradients: GradientFn,
    ) -> None:
        self.engine = engine
        self.X, self.Y, self.sample_weight = data
        self.gradients = gradients
        groups = engine.optimizer.param_groups
        self.params: list[torch.Tensor] = [p for g in groups for p in g["params"]]
        # A module of the user's may write to its input: it gets a copy.
        self.private = layers is None
        self.chunk = None
        if layers is not None or isinstance(self.X, SparseRows):
            self.chunk = chunk_rows(max(p.shape[0] for p in self.params))

    def gather(self, order: Any, start: int, stop: int) -> Batch:
        X, Y, w = self.X, self.Y, self.sample_weight
        if order is None:
            Xb = X[start:stop]
            wb = None if w is None else w[start:stop]
            return Batch(Xb.clone() if self.private else Xb, Y[start:stop], wb)
        idx = order[start:stop]
        wb = None if w is None else w.index_select(0, idx)
        return Batch(X.index_select(0, idx), Y.index_select(0, idx), wb)

    def step(self, batch: Batch, full: bool) -> Any:
        Xb = batch.X
        if full and self.private:
            Xb = Xb.clone()
        chunk = self.chunk if full else None
        batch_sum = self._backward(Xb, batch.Y, batch.sample_weight, chunk)
        engine = self.engine
        if engine.input_mask is not None:
            grad = engine.linear_layers()[0].weight.grad
            if grad is not None:
                grad.mul_(engine.input_mask)
        engine.optimizer.step()
        if engine.scheduler is not None:
            engine.scheduler.step()
        return batch_sum

    def _backward(
        self, Xb: Any, Tb: torch.Tensor, wb: torch.Tensor | None, chunk: int | None
    ) -> torch.Tensor:
        """Set ``.grad`` of every parameter for one batch, in chunks of
        ``chunk`` rows if given; the batch's ``sum_i w_i E_i``."""
        for p in self.params:
            p.grad = None
        n = Xb.shape[0]
        if isinstance(Xb, SparseRows) and (chunk is None or n <= chunk):
            Xb = Xb[:]  # small enough to densify at once
        weight_sum = None if wb is None else wb.sum()
        total = n if weight_sum is None else weight_sum
        factors = error_factors(wb, total, 1.0, self.engine.ops)
        if chunk is None or n <= chunk:
            batch_sum = self.gradients(Xb, Tb, factors, False)
        else:
            parts = [
                self.gradients(
                    Xb[start:stop],
                    Tb[start:stop],
                    factors if wb is None else factors[start:stop],
                    start > 0,
                )
                for start, stop in row_chunks(n, chunk)
            ]
            batch_sum = functools.reduce(operator.add, parts)
        if weight_sum is not None:
            batch_sum = batch_sum * weight_sum  # sum_i w_i E_i again
        return batch_sum
