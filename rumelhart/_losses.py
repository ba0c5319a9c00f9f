"""Loss functions: per-sample values and the error signal at the output units.

``squared_error`` is the paper's E = 1/2 sum_j (y_j - d_j)^2 (eq. 3).
``log_loss`` is the cross-entropy with its canonical output unit (logistic
for one or several independent outputs, softmax for one-of-K), for which the
output delta simplifies to ``y - d``.
"""

import numpy as np

from ._activations import DERIVATIVES


def _squared_error(A, Y, output_activation):
    diff = A - Y
    return 0.5 * np.einsum("ij,ij->i", diff, diff)


def _log_loss(A, Y, output_activation):
    tiny = np.finfo(A.dtype).eps
    A = np.clip(A, tiny, 1 - tiny)
    if output_activation == "softmax":
        return -np.einsum("ij,ij->i", Y, np.log(A))
    return -(Y * np.log(A) + (1 - Y) * np.log1p(-A)).sum(axis=1)


def summed_loss(loss, output_activation, A, Y, diff, sample_weight=None, scratch=None):
    """``sum_i w_i E_i`` of a batch, the same value as ``LOSSES`` gives, cheaply.

    The engine calls this on every batch, so it avoids the per-sample vector
    (one dot product when unweighted) and allocates nothing for the squared
    error and the softmax cross-entropy.

    Parameters
    ----------
    loss, output_activation : str
        As in :func:`output_delta`.
    A, Y : ndarray of shape (n_samples, n_outputs)
        Outputs of the network and desired outputs.
    diff : ndarray of shape (n_samples, n_outputs)
        ``A - Y``, already computed for the output delta.
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
        # Softmax outputs are <= 1: the upper clip of LOSSES changes the
        # log by at most eps; it is left out.
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


#: name -> function ``(A, Y, output_activation)`` giving each sample's loss.
LOSSES = {"squared_error": _squared_error, "log_loss": _log_loss}

#: The output unit that makes ``log_loss``'s output delta ``A - Y``.
CANONICAL_OUTPUTS = {
    "log_loss": ("logistic", "softmax"),
    "squared_error": ("identity",),
}


def output_delta(loss, output_activation, A, Y, out):
    """Write dE/dz at the output units (z: net input) into ``out``.

    Parameters
    ----------
    loss : {"squared_error", "log_loss"}
        The loss.
    output_activation : str
        Activation of the output units.
    A, Y : ndarray of shape (n_samples, n_outputs)
        Outputs of the network and desired outputs.
    out : ndarray of shape (n_samples, n_outputs)
        Buffer that receives the result.

    Returns
    -------
    out : ndarray
        The buffer, holding ``dE/dz`` for each sample.
    """
    np.subtract(A, Y, out=out)
    if output_activation in CANONICAL_OUTPUTS[loss]:
        return out
    if loss != "squared_error":
        raise ValueError(
            f"loss={loss!r} needs a {' or '.join(CANONICAL_OUTPUTS[loss])} output, "
            f"got {output_activation!r}."
        )
    return DERIVATIVES[output_activation](A, out)
