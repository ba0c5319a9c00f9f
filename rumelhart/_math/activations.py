"""Activation functions: one table of value, derivative and output range.

Each function works in place on a NumPy array so that the NumPy engine can
reuse its buffers. The derivative is expressed through the activation's
*output* ``a`` where the output determines it (for the logistic unit
``a (1 - a)``, eq. 5 of Rumelhart et al., 1986), which is all the backward
pass keeps; GELU and SiLU, whose output does not determine their slope,
take the net input instead (``from_input``).

Speed matters here: these run on every batch. The logistic function is
computed as ``(1 + tanh(z / 2)) / 2``, NumPy's vectorised ``tanh`` being
several times faster than ``scipy.special.expit``, for the hidden units
(its absolute error is that of ``expit``); output units, whose small
probabilities feed logarithms, keep ``expit``'s relative accuracy. Every
function works in place, and the derivatives take an optional scratch
array of ``a``'s shape so that they allocate nothing.

The torch engine runs torch's own kernels of the same functions
(``rumelhart._engines.torch.network``); ``tests/test_math.py`` checks every
derivative of this table against torch autograd.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import erf, expit

#: A floating-point NumPy array.
FloatArray = NDArray[np.floating[Any]]

#: ``value(z) -> z``: the activation of net inputs ``z``, written into ``z``
#: (softmax also takes two (n, 1) work arrays, the row maxima and sums).
Value = Callable[..., FloatArray]

#: ``derivative(a, delta, scratch=None) -> delta``: ``delta`` multiplied in
#: place by the derivative at the unit's output ``a``.
Derivative = Callable[[FloatArray, FloatArray, FloatArray | None], FloatArray]


def _identity(z: FloatArray) -> FloatArray:
    return z


def _logistic(z: FloatArray) -> FloatArray:
    np.multiply(z, 0.5, out=z)
    np.tanh(z, out=z)
    np.multiply(z, 0.5, out=z)
    np.add(z, 0.5, out=z)
    return z


def _logistic_accurate(z: FloatArray) -> FloatArray:
    result: FloatArray = expit(z, out=z)
    return result


def _tanh(z: FloatArray) -> FloatArray:
    return np.tanh(z, out=z)


def _relu(z: FloatArray) -> FloatArray:
    return np.maximum(z, 0, out=z)


#: The negative slope of ``leaky_relu`` (torch's ``nn.LeakyReLU()`` default).
LEAKY_SLOPE = 0.01
_SQRT_HALF = 0.5**0.5
_INV_SQRT_2PI = (2 * np.pi) ** -0.5


def _leaky_relu(z: FloatArray) -> FloatArray:
    # max(z, slope z) is z for z >= 0 and slope z below: one call, no mask.
    return np.maximum(z, np.multiply(z, LEAKY_SLOPE), out=z)


def _elu(z: FloatArray) -> FloatArray:
    negative = np.expm1(np.minimum(z, 0))
    return np.maximum(z, negative, out=z)


def _softplus(z: FloatArray) -> FloatArray:
    return np.logaddexp(z, 0, out=z)


def _gelu(z: FloatArray) -> FloatArray:
    """Exact GELU, ``z Φ(z)`` (torch's ``nn.GELU()``, not the tanh form)."""
    gate = erf(np.multiply(z, _SQRT_HALF))
    np.add(gate, 1, out=gate)
    np.multiply(z, gate, out=z)
    np.multiply(z, 0.5, out=z)
    return z


def _silu(z: FloatArray) -> FloatArray:
    gate: FloatArray = expit(z)
    return np.multiply(z, gate, out=z)


def _exponential(z: FloatArray) -> FloatArray:
    """The log link's inverse: positive outputs (Poisson and gamma losses)."""
    return np.exp(z, out=z)


def _softmax(
    z: FloatArray,
    row_max: FloatArray | None = None,
    row_sum: FloatArray | None = None,
) -> FloatArray:
    """Row-wise softmax in place; ``row_max``/``row_sum``: (n, 1) buffers."""
    n, k = z.shape
    if row_max is None:
        row_max = np.empty((n, 1), z.dtype)
    if 1 < k <= 8:
        # Column by column: far faster than a reduction along short rows.
        m = row_max[:, 0]
        np.maximum(z[:, 0], z[:, 1], out=m)
        for j in range(2, k):
            np.maximum(m, z[:, j], out=m)
    else:
        np.maximum.reduce(z, axis=1, keepdims=True, out=row_max)
    np.subtract(z, row_max, out=z)
    np.exp(z, out=z)
    row_sum = np.matmul(z, _ones_column(k, z.dtype), out=row_sum)
    np.divide(z, row_sum, out=z)
    return z


_ONES: dict[tuple[int, np.dtype[Any]], FloatArray] = {}


def _ones_column(k: int, dtype: np.dtype[Any]) -> FloatArray:
    """A cached (k, 1) array of ones (row sums as a matrix product)."""
    key = (k, np.dtype(dtype))
    ones = _ONES.get(key)
    if ones is None:
        ones = _ONES[key] = np.ones((k, 1), dtype)
        ones.flags.writeable = False
    return ones


def _scratch(a: FloatArray, scratch: FloatArray | None) -> FloatArray:
    return np.empty_like(a) if scratch is None else scratch


def _identity_derivative(
    a: FloatArray, delta: FloatArray, scratch: FloatArray | None = None
) -> FloatArray:
    return delta


def _logistic_derivative(
    a: FloatArray, delta: FloatArray, scratch: FloatArray | None = None
) -> FloatArray:
    tmp = np.subtract(1, a, out=_scratch(a, scratch))
    np.multiply(delta, a, out=delta)
    np.multiply(delta, tmp, out=delta)
    return delta


#: ``slope(a, work) -> s``: the derivative at the unit's output ``a`` (or net
#: input, which it may overwrite), computed in the work array ``work``.
Slope = Callable[[FloatArray, FloatArray], FloatArray]


def _times(slope: Slope) -> Derivative:
    """The :data:`Derivative` that multiplies ``delta`` by ``slope``."""

    def derivative(
        a: FloatArray, delta: FloatArray, scratch: FloatArray | None = None
    ) -> FloatArray:
        return np.multiply(delta, slope(a, _scratch(a, scratch)), out=delta)

    return derivative


def _tanh_slope(a: FloatArray, work: FloatArray) -> FloatArray:
    tmp = np.multiply(a, a, out=work)
    return np.subtract(1, tmp, out=tmp)


def _relu_slope(a: FloatArray, work: FloatArray) -> FloatArray:
    return np.greater(a, 0, out=work)


def _leaky_relu_slope(a: FloatArray, work: FloatArray) -> FloatArray:
    # 1 where the output is positive, the slope elsewhere (at 0 too, as torch).
    slope = np.greater(a, 0, out=work)
    np.multiply(slope, 1 - LEAKY_SLOPE, out=slope)
    return np.add(slope, LEAKY_SLOPE, out=slope)


def _elu_slope(a: FloatArray, work: FloatArray) -> FloatArray:
    # exp(z) = a + 1 below 0, 1 above: min(a, 0) + 1 covers both.
    tmp = np.minimum(a, 0, out=work)
    return np.add(tmp, 1, out=tmp)


def _softplus_slope(a: FloatArray, work: FloatArray) -> FloatArray:
    # sigmoid(z) = 1 - exp(-a); -expm1 keeps small derivatives accurate.
    tmp = np.negative(a, out=work)
    np.expm1(tmp, out=tmp)
    return np.negative(tmp, out=tmp)


def _gelu_slope(z: FloatArray, work: FloatArray) -> FloatArray:
    """``Φ(z) + z φ(z)`` from the net input ``z`` (overwritten, returned)."""
    tmp = np.multiply(z, z, out=work)
    np.multiply(tmp, -0.5, out=tmp)
    np.exp(tmp, out=tmp)
    np.multiply(tmp, z, out=tmp)
    np.multiply(tmp, _INV_SQRT_2PI, out=tmp)  # z φ(z)
    np.multiply(z, _SQRT_HALF, out=z)
    erf(z, out=z)
    np.multiply(z, 0.5, out=z)
    np.add(z, 0.5, out=z)  # Φ(z)
    return np.add(z, tmp, out=z)


def _silu_derivative(
    z: FloatArray, delta: FloatArray, scratch: FloatArray | None = None
) -> FloatArray:
    """``delta σ(z) (1 + z (1 - σ(z)))`` from the net input ``z`` (overwritten)."""
    sig = expit(z, out=_scratch(z, scratch))
    np.multiply(delta, sig, out=delta)
    np.subtract(1, sig, out=sig)
    np.multiply(z, sig, out=z)
    np.add(z, 1, out=z)
    np.multiply(delta, z, out=delta)
    return delta


def _exponential_derivative(
    a: FloatArray, delta: FloatArray, scratch: FloatArray | None = None
) -> FloatArray:
    return np.multiply(delta, a, out=delta)


@dataclass(frozen=True)
class Activation:
    """One activation function.

    Attributes
    ----------
    name : str
        Its name in the table.
    value : callable or None
        The activation on NumPy arrays, in place (see :data:`Value`); None
        where only the torch engine has it.
    derivative : callable or None
        ``delta`` times the derivative, from the output (see
        :data:`Derivative`); None where no engine needs it (softmax trains
        only with its canonical loss, whose error signal needs none).
    output_value : callable or None
        The activation of output units where it differs from ``value``
        (full relative accuracy of small probabilities).
    bounds : tuple of float or None
        The range of the outputs of a squashing unit: outputs near a bound
        count as saturated in the callbacks' statistics. None: unbounded.
    from_input : bool
        Whether ``derivative`` takes the unit's net input ``z`` (which it
        may overwrite) instead of its output: GELU and SiLU are not
        one-to-one, so their output does not determine their slope.
    """

    name: str
    value: Value | None
    derivative: Derivative | None
    output_value: Value | None = None
    bounds: tuple[float, float] | None = None
    from_input: bool = False

    @property
    def output(self) -> Value | None:
        """The function that computes this activation at the output units."""
        return self.value if self.output_value is None else self.output_value


#: name -> :class:`Activation`. Adding one: an entry here (the NumPy value
#: and derivative), its torch kernels in ``rumelhart._engines.torch.network``,
#: and ``tests/test_math.py`` checks its derivative against torch autograd.
ACTIVATIONS: dict[str, Activation] = {
    "identity": Activation("identity", _identity, _identity_derivative),
    "logistic": Activation(
        "logistic",
        _logistic,
        _logistic_derivative,
        output_value=_logistic_accurate,
        bounds=(0.0, 1.0),
    ),
    "tanh": Activation("tanh", _tanh, _times(_tanh_slope), bounds=(-1.0, 1.0)),
    "relu": Activation("relu", _relu, _times(_relu_slope)),
    "softmax": Activation("softmax", _softmax, None, bounds=(0.0, 1.0)),
    "leaky_relu": Activation("leaky_relu", _leaky_relu, _times(_leaky_relu_slope)),
    "elu": Activation("elu", _elu, _times(_elu_slope)),
    "softplus": Activation("softplus", _softplus, _times(_softplus_slope)),
    "gelu": Activation("gelu", _gelu, _times(_gelu_slope), from_input=True),
    "silu": Activation("silu", _silu, _silu_derivative, from_input=True),
    "exponential": Activation("exponential", _exponential, _exponential_derivative),
}

#: Units that only ever make outputs: softmax, and the log link's
#: exponential (unbounded, it would overflow as a hidden unit).
OUTPUT_ONLY = ("softmax", "exponential")

#: The activations of hidden units.
HIDDEN_ACTIVATIONS: tuple[str, ...] = tuple(
    name for name in ACTIVATIONS if name not in OUTPUT_ONLY
)

#: Other names of the same functions.
ALIASES: dict[str, str] = {"sigmoid": "logistic"}


def activation(name: str) -> Activation:
    """The table's entry for ``name`` (an alias included).

    Raises
    ------
    ValueError
        When no activation has that name.
    """
    entry = ACTIVATIONS.get(ALIASES.get(name, name))
    if entry is None:
        known = sorted({*ACTIVATIONS, *ALIASES})
        raise ValueError(f"Unknown activation {name!r}; expected one of {known}.")
    return entry


def _derived(pick: Callable[[Activation], Any]) -> dict[str, Any]:
    """``{name or alias: pick(entry)}`` of the entries where it is not None."""
    names = {**{name: name for name in ACTIVATIONS}, **ALIASES}
    picked = {alias: pick(ACTIVATIONS[name]) for alias, name in names.items()}
    return {name: fn for name, fn in picked.items() if fn is not None}


# Read off the table once: the NumPy engine looks these up on every batch.
#: name -> the NumPy value of hidden units.
VALUES: dict[str, Value] = _derived(lambda entry: entry.value)
#: name -> the NumPy value of output units.
OUTPUT_VALUES: dict[str, Value] = _derived(lambda entry: entry.output)
#: name -> the NumPy derivative (see :data:`Derivative`).
DERIVATIVES: dict[str, Derivative] = _derived(lambda entry: entry.derivative)
