"""Activation functions and their derivatives, written in terms of the output.

Each entry works in place on a NumPy array so that the engine can reuse its
buffers. The derivative is expressed through the activation's *output* ``a``
(for the logistic unit ``a (1 - a)``, eq. 5 of Rumelhart et al., 1986), which
is all the backward pass keeps.
"""

import numpy as np
from scipy.special import expit


def _identity(z):
    return z


def _logistic(z):
    return expit(z, out=z)


def _tanh(z):
    return np.tanh(z, out=z)


def _relu(z):
    return np.maximum(z, 0, out=z)


def _softmax(z):
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def _identity_derivative(a, delta):
    return delta


def _logistic_derivative(a, delta):
    delta *= a
    delta *= 1 - a
    return delta


def _tanh_derivative(a, delta):
    delta *= 1 - a**2
    return delta


def _relu_derivative(a, delta):
    delta[a <= 0] = 0
    return delta


#: name -> function that overwrites its argument with the activation.
ACTIVATIONS = {
    "identity": _identity,
    "logistic": _logistic,
    "tanh": _tanh,
    "relu": _relu,
    "softmax": _softmax,
}

#: name -> function ``(a, delta)`` that multiplies ``delta`` in place by
#: the derivative of the activation, given the activation's output ``a``.
DERIVATIVES = {
    "identity": _identity_derivative,
    "logistic": _logistic_derivative,
    "tanh": _tanh_derivative,
    "relu": _relu_derivative,
}
