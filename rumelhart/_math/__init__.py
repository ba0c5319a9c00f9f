"""The math of the networks, one definition each, on NumPy arrays.

:mod:`~rumelhart._math.activations` holds the table of activation functions
(value and derivative), :mod:`~rumelhart._math.losses` the table of losses
and the output units each one trains (value, error signal, dead zone,
accepted targets). Both engines read these tables; the torch engine's own
kernels are checked against them by ``tests/test_math.py``. Nothing here
imports torch, scikit-learn or the estimators.
"""
