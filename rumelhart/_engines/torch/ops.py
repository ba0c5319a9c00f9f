"""The array operations of the shared formulas on torch (see
:class:`~rumelhart._engines.base.ArrayOps`): everything stays on the device
until :meth:`TorchOps.to_numpy`."""

from collections.abc import Sequence
from typing import Any

import torch

from ..protocol import FloatArray


class TorchOps:
    """:class:`~rumelhart._engines.base.ArrayOps` on tensors: sums and
    statistics are device tensors, read back once (an epoch's loss) or when
    a recorder converts them."""

    def sum(self, a: Any) -> Any:
        return a.sum()

    def add_up(self, totals: Sequence[Any]) -> Any:
        return torch.stack(list(totals)).sum()

    def ratio(self, total: Any, weight: Any) -> float:
        return float(total / weight)  # the epoch's only host sync

    def divide_or_zero(self, a: Any, total: Any) -> Any:
        return torch.where(total > 0, a / total, 0.0)

    def float64(self, a: Any) -> Any:
        return a.detach().double()

    def stack(self, values: list[Any]) -> Any:
        return torch.stack(values)

    def fraction(self, mask: Any) -> Any:
        return mask.double().mean()

    def all_rows(self, mask: Any) -> Any:
        return mask.all(dim=0)

    def std(self, a: Any) -> Any:
        return a.std(unbiased=False)

    def norm(self, a: Any) -> Any:
        return a.norm()

    def zero(self, like: Any) -> Any:
        return torch.zeros((), dtype=like.dtype, device=like.device)

    def to_numpy(self, a: Any) -> FloatArray:
        result: FloatArray = a.detach().cpu().numpy()
        return result
