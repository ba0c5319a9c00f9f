"""The array operations of the shared formulas on NumPy (see
:class:`~rumelhart._engines.base.ArrayOps`)."""

import functools
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..protocol import FloatArray


class NumpyOps:
    """:class:`~rumelhart._engines.base.ArrayOps` on NumPy arrays: sums are
    host floats, statistics NumPy arrays."""

    def sum(self, a: Any) -> float:
        return float(a.sum())

    def add_up(self, totals: Sequence[Any]) -> float:
        # One after the other (builtin sum() compensates on Python >= 3.12).
        return float(functools.reduce(operator.add, totals, 0.0))

    def ratio(self, total: Any, weight: Any) -> float:
        return float(total / weight) if weight > 0 else 0.0

    def divide_or_zero(self, a: Any, total: Any) -> Any:
        return a / total if total > 0 else np.zeros_like(a)

    def float64(self, a: Any) -> FloatArray:
        return np.asarray(a, dtype=np.float64)

    def stack(self, values: list[Any]) -> FloatArray:
        return np.array(values)

    def fraction(self, mask: Any) -> Any:
        return np.mean(mask)

    def all_rows(self, mask: Any) -> Any:
        return np.all(mask, axis=0)

    def std(self, a: Any) -> Any:
        return a.std()

    def norm(self, a: Any) -> Any:
        return np.sqrt((a * a).sum())

    def zero(self, like: Any) -> float:
        return 0.0

    def to_numpy(self, a: Any) -> FloatArray:
        return np.asarray(a)
