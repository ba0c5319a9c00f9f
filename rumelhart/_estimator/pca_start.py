"""An autoencoder's initial weights on the PCA path (``init="pca"``).

A linear autoencoder with one hidden layer of ``k`` units is at its global
optimum when its encoder and decoder span the first ``k`` principal
components (Baldi & Hornik, 1989); gradient training from random weights
stops short of it (the issue 23 measurements: 1.3-1.7x PCA's error). Here
every hidden layer starts by *carrying* the leading principal coordinates
``p_j = (x - mean) v_j`` through units kept in the near-linear range of
their activation ``f``: unit ``j``'s net input is ``a0 + c p_j / s_j``
(``s_j`` the coordinate's spread), so its output is about
``f(a0) + f'(a0) c p_j / s_j``; the next layer reads it back with the
inverse scale, and the output layer rebuilds ``mean + sum_j p_j v_j``. The
network starts at (almost exactly) PCA's reconstruction with the narrowest
layer's width as the number of components, and training moves on from
there. Units that carry no coordinate (wider layers) keep their random
weights into them, and their weights out start at zero; past the first
layer they read the carried coordinates at the data's scale, ``p_j / s_j``
(their weights from carrying unit ``j`` divided by its ``f'(a0) c``):
through the carriers' small gain they would see the coordinates shrunk
30-60 fold and start as near-constant, near-linear features of the code,
whose weights out have no gradient to leave the PCA path with (it is a
saddle of the error). At the data's scale they start as nonlinear features
of the code, and the error's gradient moves their weights out at once:
the torch ``(64, k, 64)`` went below PCA in 13 of the autoencoder
benchmark's 24 cells (it was 8), and nowhere above.
"""

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._math.activations import ACTIVATIONS, ALIASES

#: Squashing units: net input ``c p_j / s_j`` around their steepest point
#: 0, with ``c`` small and smaller where the data have far tails: no training
#: row's net input beyond the second number (0.0625: the logistic is then
#: within 0.04 % of its tangent). The start's excess over PCA's error is
#: the units' cubic term, which grows as the square of the gain and adds up
#: over the layers: at (0.25, 0.5) a (64, k, 64) network started 1.0004-1.11x
#: PCA's test error and ended at up to 1.037x (issue 23, the autoencoder
#: benchmark); at (0.03125, 0.0625), within 1e-4 of it on every set. The
#: weights out are large (``s_j / (f'(0) c)``): a stiff start, hence the
#: NumPy backend's step cap (``policy.AutoRules.stable_step_share``), which
#: at this gain keeps the network at PCA.
#: (tanh(u) = 2 logistic(2u) - 1: the same units at half the gain.)
SQUASHING = {"logistic": (0.03125, 0.0625), "tanh": (0.015625, 0.03125)}
#: Rectifiers (and linear units): net input ``p_j + offset`` with weights of
#: one in and out, the offset ``RECTIFIER_OFFSET[0] + max(RECTIFIER_OFFSET[1] *
#: s_j, the training rows' lowest p_j)``: linear (exactly, for the ReLU) on
#: every training row and wherever a new one lies less than 8 spreads below
#: the mean, and as well conditioned as the linear autoencoder itself.
RECTIFIER_OFFSET = (4.0, 8.0)

Arrays = list[NDArray[Any]]


def supports(activation: str) -> bool:
    """Whether ``activation`` has a NumPy value to linearise."""
    entry = ACTIVATIONS.get(ALIASES.get(activation, activation))
    return entry is not None and entry.value is not None


def unbounded(activation: str) -> bool:
    """Whether units of ``activation`` (with a NumPy value) have no bound
    on their outputs: not the squashing ones."""
    return supports(activation) and ALIASES.get(activation, activation) not in SQUASHING


def pca_start(
    X: NDArray[Any],
    sample_weight: NDArray[Any] | None,
    layer_sizes: Sequence[int],
    activation: str,
    weights: tuple[Arrays, Arrays],
) -> tuple[Arrays, Arrays]:
    """The PCA-path weights of a network of ``layer_sizes``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The training inputs (also the targets).
    sample_weight : ndarray of shape (n_samples,) or None
        Weights of the rows in the mean and the components.
    layer_sizes : sequence of int
        Units per layer, inputs and outputs included (``n_features`` both).
    activation : str
        The hidden units' activation.
    weights : (coefs, intercepts)
        The engine's random initial weights, shape (units in, units out):
        the uncarried units keep their incoming ones.

    Returns
    -------
    coefs, intercepts : lists of ndarray
        New arrays, float64; the inputs are not written.
    """
    mean, components, spreads = _principal_axes(X, sample_weight)
    name = ALIASES.get(activation, activation)
    hidden = list(layer_sizes[1:-1])
    carried = _carried(hidden, components.shape[1])
    r = carried[0]
    coordinates = (np.asarray(X, dtype=np.float64) - mean) @ components[:, :r]
    gain, a0 = _operating_point(name, spreads[:r], coordinates)
    f0, f1 = _value_and_slope(name, a0)
    coefs = [np.array(w, dtype=np.float64) for w in weights[0]]
    intercepts = [np.array(b, dtype=np.float64) for b in weights[1]]
    # First layer: net input a0_j + gain_j (x - mean) . v_j for carried unit j.
    coefs[0][:, :r] = components[:, :r] * gain
    intercepts[0][:r] = a0 - (mean @ components[:, :r]) * gain
    # Hidden to hidden: unit j reads unit j back (the scales cancel); the
    # uncarried units read p_j / s_j (see the module's docstring).
    slopes = f1 * gain * spreads[: len(f1)]
    for layer in range(1, len(hidden)):
        _read_at_data_scale(
            coefs[layer],
            intercepts[layer],
            carried[layer - 1],
            carried[layer],
            f0,
            slopes,
        )
        r = carried[layer]
        coefs[layer][:, :r] = 0.0  # nothing but unit j's own coordinate
        coefs[layer][np.arange(r), np.arange(r)] = 1.0 / f1[:r]
        intercepts[layer][:r] = a0[:r] - f0[:r] / f1[:r]
    # Output: mean + sum_j p_j v_j, p_j = (h_j - f0_j) / (f1_j gain_j).
    r = carried[-1]
    back = components[:, :r].T / (f1[:r] * gain[:r])[:, None]
    coefs[-1][:] = 0.0
    coefs[-1][:r] = back
    intercepts[-1][:] = mean - f0[:r] @ back
    return coefs, intercepts


def _read_at_data_scale(
    W: NDArray[Any],
    b: NDArray[Any],
    carriers_in: int,
    carriers_out: int,
    f0: NDArray[Any],
    slopes: NDArray[Any],
) -> None:
    """In place: the layer's uncarried units (columns ``carriers_out:``)
    read each carrying unit ``j`` of the layer below as ``(h_j - f0_j) /
    slopes_j = p_j / s_j``, their random weight per unit of that instead of
    per unit of ``h_j``; their net input at the mean is unchanged."""
    block = W[:carriers_in, carriers_out:]
    block /= slopes[:carriers_in, None]
    b[carriers_out:] -= f0[:carriers_in] @ block


def _operating_point(
    name: str, spreads: NDArray[Any], coordinates: NDArray[Any]
) -> tuple[NDArray[Any], NDArray[Any]]:
    """Each carrying unit's gain (net input per unit of coordinate) and
    offset (its net input at the mean), from the training rows' principal
    coordinates."""
    if name in SQUASHING:
        c, most = SQUASHING[name]
        peaks = np.maximum(np.abs(coordinates).max(axis=0), 1e-300)
        return np.minimum(c / spreads, most / peaks), np.zeros_like(spreads)
    if name == "identity":
        return np.ones_like(spreads), np.zeros_like(spreads)
    # Far tails (standardised digits reach 20 spreads): no training row clipped.
    low, per_spread = RECTIFIER_OFFSET
    offset = low + np.maximum(per_spread * spreads, -coordinates.min(axis=0))
    return np.ones_like(spreads), offset


def _principal_axes(
    X: NDArray[Any], sample_weight: NDArray[Any] | None
) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
    """Weighted mean, components (columns) and the coordinates' spreads."""
    X = np.asarray(X, dtype=np.float64)
    w = _row_weights(X, sample_weight)
    mean = w @ X
    _, s, vt = np.linalg.svd((X - mean) * np.sqrt(w)[:, None], full_matrices=False)
    # A direction without spread carries nothing: any scale will do.
    spreads = np.where(s > 1e-12 * max(s[0], 1e-300), s, 1.0)
    return mean, vt.T, spreads


def _row_weights(X: NDArray[Any], sample_weight: NDArray[Any] | None) -> NDArray[Any]:
    """The rows' weights, summing to one."""
    w = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight)
    return np.asarray(w / w.sum(), dtype=np.float64)


def exact_in(X: NDArray[Any], sample_weight: NDArray[Any] | None, k: int) -> bool:
    """Whether ``k`` principal components reconstruct ``X`` exactly (to
    rounding): then the start is already a perfect fit."""
    if k >= min(X.shape):
        return True
    w = _row_weights(X, sample_weight)
    centred = (np.asarray(X, dtype=np.float64) - w @ X) * np.sqrt(w)[:, None]
    s = np.linalg.svd(centred, compute_uv=False) ** 2
    return bool(s[k:].sum() <= 1e-10 * max(s.sum(), 1e-300))


def _carried(hidden: list[int], n_components: int) -> list[int]:
    """Coordinates each hidden layer carries: as many as every layer up to
    it can (and the data have); from the narrowest layer on, its width."""
    carried, narrowest = [], n_components
    for width in hidden:
        narrowest = min(narrowest, width)
        carried.append(narrowest)
    code = int(np.argmin(hidden))
    return [min(r, carried[code]) if i >= code else r for i, r in enumerate(carried)]


def _value_and_slope(name: str, a0: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any]]:
    """``f(a0)`` and ``f'(a0)`` (a central difference of the table's value)."""
    value = ACTIVATIONS[name].value
    assert value is not None  # supports() was asked first
    h = 1e-5
    f = value(np.concatenate([a0 - h, a0, a0 + h]).astype(np.float64))
    low, mid, high = np.split(f, 3)
    return mid, (high - low) / (2 * h)


def curvature_bound(
    X: NDArray[Any],
    sample_weight: NDArray[Any] | None,
    coefs: Arrays,
    intercepts: Arrays,
    activation: str,
) -> float:
    """An upper bound of the squared error's curvature at these weights.

    The Gauss-Newton matrix of the mean error per sample, block by layer:
    layer ``l``'s block is at most ``E|[a_{l-1}, 1]|^2 |J_l|^2``, its inputs'
    second moment times the squared norm of the outputs' Jacobian with
    respect to its net inputs (taken at the units' mean net input), and the
    largest eigenvalue of the whole is at most the sum over the blocks.
    Eq. 9 with momentum α is stable on a quadratic while the step size
    times the curvature stays under ``2 (1 + α)``.
    """
    name = ALIASES.get(activation, activation)
    value = ACTIVATIONS[name].value
    assert value is not None
    a: NDArray[Any] = np.asarray(X, dtype=np.float64)
    w = _row_weights(a, sample_weight)
    moments, slopes = [], []
    for W, b in zip(coefs[:-1], intercepts[:-1]):
        moments.append(float(w @ np.sum(a * a, axis=1)) + 1.0)
        z = a @ W + b
        slopes.append(_value_and_slope(name, w @ z)[1])
        a = value(z)
    moments.append(float(w @ np.sum(a * a, axis=1)) + 1.0)
    total, jacobian = moments[-1], np.eye(coefs[-1].shape[1])
    for layer in range(len(coefs) - 1, 0, -1):
        jacobian = slopes[layer - 1][:, None] * (coefs[layer] @ jacobian)
        total += moments[layer - 1] * float(np.linalg.norm(jacobian, 2)) ** 2
    return total


def row_errors(outputs: Any, Y: NDArray[Any]) -> NDArray[Any]:
    """Each row's squared reconstruction error (mean over the features)."""
    diff = np.asarray(outputs, dtype=np.float64) - np.asarray(Y, dtype=np.float64)
    return np.asarray(np.mean(diff * diff, axis=1))


def leaves_start(
    start: NDArray[Any],
    best: NDArray[Any],
    sample_weight: NDArray[Any] | None,
    z: float,
) -> bool:
    """Whether the trained network beats its start beyond the noise.

    ``start`` and ``best``: the held-out rows' errors (:func:`row_errors`)
    at the start and at the best epoch. True when their paired weighted mean
    difference is below zero by more than ``z`` standard errors: the best of
    many epochs on a small split improves on the start by chance alone
    (``policy.AutoRules.leave_start_z``).
    """
    diff = np.asarray(best, dtype=np.float64) - np.asarray(start, dtype=np.float64)
    w = _row_weights(diff[:, None], sample_weight)
    mean = float(w @ diff)
    if len(diff) < 2:
        return mean < 0
    # Kish's effective number of rows: weighted rows count as fewer.
    n_eff = 1.0 / float(w @ w)
    spread = float(np.sqrt(w @ (diff - mean) ** 2 * n_eff / max(n_eff - 1.0, 1.0)))
    return mean < -z * spread / np.sqrt(n_eff)
