"""Activation functions and their derivatives, written in terms of the output.

Each entry works in place on a NumPy array so that the engine can reuse its
buffers. The derivative is expressed through the activation's *output* ``a``
(for the logistic unit ``a (1 - a)``, eq. 5 of Rumelhart et al., 1986), which
is all the backward pass keeps.

Speed matters here: these run on every batch. The logistic function is
computed as ``(1 + tanh(z / 2)) / 2``, NumPy's vectorised ``tanh`` being
several times faster than ``scipy.special.expit``, for the hidden units
(its absolute error is that of ``expit``); output units, whose small
probabilities feed logarithms, keep ``expit``'s relative accuracy. Every
function works in place, and the derivatives take an optional scratch
array of ``a``'s shape so that they allocate nothing.
"""

import numpy as np
from scipy.special import expit


def _identity(z):
    return z


def _logistic(z):
    np.multiply(z, 0.5, out=z)
    np.tanh(z, out=z)
    np.multiply(z, 0.5, out=z)
    np.add(z, 0.5, out=z)
    return z


def _logistic_accurate(z):
    return expit(z, out=z)


def _tanh(z):
    return np.tanh(z, out=z)


def _relu(z):
    return np.maximum(z, 0, out=z)


def _softmax(z, row_max=None, row_sum=None):
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


_ONES = {}


def _ones_column(k, dtype):
    """A cached (k, 1) array of ones (row sums as a matrix product)."""
    key = (k, np.dtype(dtype))
    ones = _ONES.get(key)
    if ones is None:
        ones = _ONES[key] = np.ones((k, 1), dtype)
        ones.flags.writeable = False
    return ones


def _scratch(a, scratch):
    return np.empty_like(a) if scratch is None else scratch


def _identity_derivative(a, delta, scratch=None):
    return delta


def _logistic_derivative(a, delta, scratch=None):
    tmp = np.subtract(1, a, out=_scratch(a, scratch))
    np.multiply(delta, a, out=delta)
    np.multiply(delta, tmp, out=delta)
    return delta


def _tanh_derivative(a, delta, scratch=None):
    tmp = np.multiply(a, a, out=_scratch(a, scratch))
    np.subtract(1, tmp, out=tmp)
    np.multiply(delta, tmp, out=delta)
    return delta


def _relu_derivative(a, delta, scratch=None):
    mask = np.greater(a, 0, out=_scratch(a, scratch))
    np.multiply(delta, mask, out=delta)
    return delta


#: name -> function that overwrites its argument with the activation.
ACTIVATIONS = {
    "identity": _identity,
    "logistic": _logistic,
    "tanh": _tanh,
    "relu": _relu,
    "softmax": _softmax,
}

#: The same for output units: small probabilities to full relative precision.
OUTPUT_ACTIVATIONS = {**ACTIVATIONS, "logistic": _logistic_accurate}

#: name -> function ``(a, delta, scratch=None)`` that multiplies ``delta`` in
#: place by the derivative of the activation, given the activation's output
#: ``a`` (``scratch``: optional work array of ``a``'s shape and dtype).
DERIVATIVES = {
    "identity": _identity_derivative,
    "logistic": _logistic_derivative,
    "tanh": _tanh_derivative,
    "relu": _relu_derivative,
}
