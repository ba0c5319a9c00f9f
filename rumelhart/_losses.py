"""Loss functions: which output units each one takes, and the batch error.

``squared_error`` is the paper's E = 1/2 sum_j (y_j - d_j)^2 (eq. 3), on any
output unit. ``log_loss`` is the cross-entropy with its canonical output unit
(logistic for one or several independent outputs, softmax for one-of-K), for
which the error signal at the output's net input is ``y - d``.
"""

import numpy as np

#: The output units each loss can train.
OUTPUTS = {
    "log_loss": ("logistic", "softmax"),
    "squared_error": ("identity", "logistic"),
}

#: The output unit whose derivative cancels in the loss's error signal.
CANONICAL_OUTPUTS = {
    "log_loss": ("logistic", "softmax"),
    "squared_error": ("identity",),
}


def check_output(loss, output_activation):
    """Refuse a loss with output units it cannot train (the one place that checks).

    Raises
    ------
    ValueError
        When ``loss`` is unknown or ``output_activation`` is not among
        ``OUTPUTS[loss]``.
    """
    if loss not in OUTPUTS:
        raise ValueError(f"Unknown loss {loss!r}; expected one of {sorted(OUTPUTS)}.")
    if output_activation not in OUTPUTS[loss]:
        raise ValueError(
            f"loss={loss!r} needs {' or '.join(OUTPUTS[loss])} output units, "
            f"got {output_activation!r}."
        )


def summed_loss(loss, output_activation, A, Y, diff, sample_weight=None, scratch=None):
    """``sum_i w_i E_i`` of a batch, cheaply.

    The engine calls this on every batch, so it avoids the per-sample vector
    (one dot product when unweighted) and allocates nothing for the squared
    error and the softmax cross-entropy.

    Parameters
    ----------
    loss, output_activation : str
        The loss and the output units (see :func:`check_output`).
    A, Y : ndarray of shape (n_samples, n_outputs)
        Outputs of the network and desired outputs.
    diff : ndarray of shape (n_samples, n_outputs)
        ``A - Y`` (for the squared error, with the dead zone's errors zeroed).
    sample_weight : ndarray of shape (n_samples,) or None
        Weight of each sample.
    scratch : ndarray of shape (n_samples, n_outputs), optional
        Work space (overwritten).

    Returns
    -------
    total : float
    """
    if loss == "squared_error":
        if sample_weight is None:
            return 0.5 * float(np.vdot(diff, diff))
        return 0.5 * float(np.einsum("ij,ij->i", diff, diff) @ sample_weight)
    tiny = _eps(A.dtype)
    t = np.maximum(A, tiny, out=scratch)
    if output_activation == "softmax":
        # Softmax outputs are <= 1, so only the lower clip matters.
        np.log(t, out=t)
        if sample_weight is None:
            return -float(np.vdot(Y, t))
        return -float(np.einsum("ij,ij->i", Y, t) @ sample_weight)
    np.minimum(t, 1 - tiny, out=t)
    # Y log t + (1 - Y) log(1 - t) = log(1 - t) + Y (log t - log(1 - t))
    log_rest = np.log1p(-t)
    np.log(t, out=t)
    t -= log_rest
    if sample_weight is None:
        return -float(log_rest.sum() + np.vdot(Y, t))
    per_sample = log_rest.sum(axis=1) + np.einsum("ij,ij->i", Y, t)
    return -float(per_sample @ sample_weight)


_EPS = {}


def _eps(dtype):
    try:
        return _EPS[dtype]
    except KeyError:
        return _EPS.setdefault(dtype, np.finfo(dtype).eps)


def reduced_loss(
    loss, output_activation, A, Y, sample_weight=None, reduction="mean", dead_zone=0.0
):
    """The error of outputs ``A`` against ``Y``, reduced as in training.

    Parameters
    ----------
    loss, output_activation : str
        The loss and the output units (see :func:`check_output`).
    A, Y : ndarray of shape (n_samples, n_outputs)
        Outputs of the network and desired outputs.
    sample_weight : ndarray of shape (n_samples,) or None
        Weight of each sample.
    reduction : {"mean", "sum"}, default="mean"
        Weighted mean or sum over the samples.
    dead_zone : float, default=0.0
        Errors smaller than this count as zero.

    Returns
    -------
    loss : float
    """
    diff = A - Y
    if dead_zone:
        diff[np.abs(diff) < dead_zone] = 0.0
    total = summed_loss(loss, output_activation, A, Y, diff, sample_weight)
    if reduction == "sum":
        return total
    weight = A.shape[0] if sample_weight is None else float(sample_weight.sum())
    return total / weight if weight > 0 else 0.0
