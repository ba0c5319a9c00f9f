"""The per-unit statistics that the callbacks record, for both engines.

Written once against :class:`~rumelhart._engines.base.ArrayOps`, the few
array operations that differ between NumPy and torch: the torch engine
computes them on its device (read back only when a recorder converts them),
the NumPy engine on NumPy arrays.
"""

from typing import TYPE_CHECKING, Any

from .._math.activations import activation
from .protocol import SATURATION_MARGIN, Stats

if TYPE_CHECKING:
    from .base import ArrayOps


def tensor_stats(a: Any, ops: "ArrayOps") -> Stats:
    """:data:`~rumelhart._engines.protocol.TENSOR_STATS` of ``a``, in float64:
    mean, standard deviation, largest magnitude and Euclidean norm."""
    a = ops.float64(a)
    return ops.stack([a.mean(), ops.std(a), abs(a).max(), ops.norm(a)])


def activation_stats(a: Any, kind: str, ops: "ArrayOps") -> Stats:
    """:data:`~rumelhart._engines.protocol.ACTIVATION_STATS` of a layer's
    outputs ``a`` (n_samples, n_units) from units of activation ``kind``.

    ``saturated`` is the share of outputs within :data:`SATURATION_MARGIN`
    of a bound of a squashing unit (zero for unbounded ones), ``dead`` the
    share of units that are never positive on these samples.
    """
    a = ops.float64(a)
    bounds = activation(kind).bounds
    if bounds is None:
        saturated = ops.zero(a)
    else:
        low, high = bounds
        near = (a < low + SATURATION_MARGIN) | (a > high - SATURATION_MARGIN)
        saturated = ops.fraction(near)
    dead = ops.fraction(ops.all_rows(a <= 0))  # units silent on every sample
    return ops.stack([a.mean(), ops.std(a), saturated, dead])
