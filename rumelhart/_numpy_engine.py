"""A multilayer perceptron on plain NumPy arrays.

The engine knows nothing of scikit-learn: it is built from plain numbers,
trains on arrays that are already validated and encoded, and exposes the
forward pass, the backward pass (eqs. 4-7 of Rumelhart et al., 1986) and the
eq. 9 update. Work arrays are allocated once per batch size and reused, so a
sweep allocates nothing proportional to the data beyond the per-sample loss.
"""

import copy

import numpy as np

from ._activations import ACTIVATIONS, DERIVATIVES
from ._losses import LOSSES, output_delta
from ._optim import Momentum


class NumpyMLP:
    """Fully connected network trained by backpropagation with momentum.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, input and output layers included.
    output_activation : str
        Activation of the output layer (see ``_activations.ACTIVATIONS``).
    loss : {"squared_error", "log_loss"}
        The error to minimise.
    lr : float
        Learning rate ε.
    momentum : float
        Momentum α.
    seed : int
        Seed of the generator of the initial weights and of the shuffling.
    hidden_activation : str, default="logistic"
        Activation of the hidden layers.
    weight_decay : float, default=0.0
        Fraction by which every weight shrinks after each change.
    reduction : {"mean", "sum"}, default="mean"
        Whether a batch's error is the weighted mean or the sum of its
        samples' errors (the paper sums over a sweep).
    init_range : float, default=0.3
        Initial weights and biases are uniform in ``[-init_range, init_range]``.
    dtype : numpy dtype, default=np.float64
        Floating point type of weights and computations.
    """

    def __init__(
        self,
        layer_sizes,
        *,
        output_activation,
        loss,
        lr,
        momentum,
        seed,
        hidden_activation="logistic",
        weight_decay=0.0,
        reduction="mean",
        init_range=0.3,
        dtype=np.float64,
    ):
        self.layer_sizes = tuple(int(n) for n in layer_sizes)
        self.output_activation = output_activation
        self.hidden_activation = hidden_activation
        self.loss = loss
        self.reduction = reduction
        self.dtype = np.dtype(dtype)
        self.seed(seed)
        rng = self.rng
        shapes = list(zip(self.layer_sizes[:-1], self.layer_sizes[1:]))
        self.coefs = [
            rng.uniform(-init_range, init_range, size=shape).astype(self.dtype)
            for shape in shapes
        ]
        self.intercepts = [
            rng.uniform(-init_range, init_range, size=n_out).astype(self.dtype)
            for _, n_out in shapes
        ]
        self.optimizer = Momentum(
            self.coefs + self.intercepts, lr, momentum, weight_decay
        )
        self._buffers = {}

    def seed(self, seed):
        """Reseed the generator used for shuffling."""
        self.rng = np.random.default_rng(seed)

    def copy(self):
        """An independent copy, to train without touching this engine."""
        return copy.deepcopy(self)

    def start_fit(self, n_samples, batch_size, max_epochs):
        """Nothing to set up: the NumPy engine has no schedule of its own."""

    def end_fit(self):
        """Nothing to tear down."""

    def reset_optimizer(self):
        """Forget the previous change of eq. 9."""
        self.optimizer.reset()

    @property
    def n_layers(self):
        """Number of weight layers."""
        return len(self.coefs)

    def _work_arrays(self, n_samples):
        """Activations, deltas and gradients for batches of ``n_samples``."""
        if n_samples not in self._buffers:
            if len(self._buffers) > 2:  # keep the usual batch and the last one
                self._buffers.clear()
            units = self.layer_sizes[1:]
            self._buffers[n_samples] = (
                np.empty((n_samples, self.layer_sizes[0]), self.dtype),
                [np.empty((n_samples, n), self.dtype) for n in units],
                [np.empty((n_samples, n), self.dtype) for n in units],
                [np.empty_like(p) for p in self.optimizer.params],
            )
        return self._buffers[n_samples]

    def forward(self, X, activations=None):
        """Propagate ``X`` through the network.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
            Input, of the engine's dtype.
        activations : list of ndarray, optional
            Buffers for each layer's output; new arrays when omitted.

        Returns
        -------
        activations : list of ndarray
            The output of every layer, the network's output last.
        """
        if activations is None:
            activations = [
                np.empty((X.shape[0], n), self.dtype) for n in self.layer_sizes[1:]
            ]
        a = X
        last = self.n_layers - 1
        for i, (W, b, out) in enumerate(zip(self.coefs, self.intercepts, activations)):
            np.matmul(a, W, out=out)
            out += b
            name = self.output_activation if i == last else self.hidden_activation
            a = ACTIVATIONS[name](out)
        return activations

    def predict(self, X):
        """Output of the network for ``X``, shape (n_samples, n_outputs)."""
        return self.forward(X)[-1]

    def backward(self, X, Y, sample_weight, activations, deltas, grads):
        """Gradients of the batch error, given the forward pass.

        Returns the batch's summed weighted error ``sum_i w_i E_i``;
        ``grads`` receives ``dE/dW`` for the coefficients then the intercepts,
        with ``E`` reduced by ``self.reduction``.
        """
        n = X.shape[0]
        out = activations[-1]
        losses = LOSSES[self.loss](out, Y, self.output_activation)
        delta = output_delta(self.loss, self.output_activation, out, Y, deltas[-1])
        if sample_weight is None:
            batch_loss = float(losses.sum())
            if self.reduction == "mean":
                delta *= 1.0 / n
        else:
            batch_loss = float(losses @ sample_weight)
            scale = sample_weight
            if self.reduction == "mean":
                total = sample_weight.sum()
                scale = sample_weight / total if total > 0 else sample_weight * 0
            delta *= scale[:, None]
        grad_coefs, grad_intercepts = grads[: self.n_layers], grads[self.n_layers :]
        for i in range(self.n_layers - 1, -1, -1):
            a_prev = X if i == 0 else activations[i - 1]
            np.matmul(a_prev.T, delta, out=grad_coefs[i])
            np.sum(delta, axis=0, out=grad_intercepts[i])
            if i > 0:
                np.matmul(delta, self.coefs[i].T, out=deltas[i - 1])
                delta = DERIVATIVES[self.hidden_activation](a_prev, deltas[i - 1])
        return batch_loss

    def loss_and_gradients(self, X, Y, sample_weight=None):
        """Reduced error of ``(X, Y)`` and fresh arrays of its gradients.

        Returns
        -------
        loss : float
            The error, reduced as in training.
        grads : list of ndarray
            Gradients for ``coefs`` then ``intercepts``.
        """
        activations = self.forward(X)
        deltas = [np.empty_like(a) for a in activations]
        grads = [np.empty_like(p) for p in self.optimizer.params]
        total = self.backward(X, Y, sample_weight, activations, deltas, grads)
        if self.reduction == "mean":
            total /= X.shape[0] if sample_weight is None else sample_weight.sum()
        return total, grads

    def train_batch(self, X, Y, sample_weight=None, work=None):
        """One forward pass, backward pass and change of the weights.

        Returns the batch's summed weighted error, measured before the change.
        """
        if work is None:
            work = self._work_arrays(X.shape[0])
        _, activations, deltas, grads = work
        self.forward(X, activations)
        batch_loss = self.backward(X, Y, sample_weight, activations, deltas, grads)
        self.optimizer.step(grads)
        return batch_loss

    def prepare(self, X, Y, sample_weight=None):
        """Training data in the form :meth:`run_epoch` takes.

        Parameters
        ----------
        X, Y : ndarray
            Inputs and encoded targets.
        sample_weight : ndarray of shape (n_samples,) or None
            Weight of each sample.

        Returns
        -------
        data : tuple
            ``(X, Y, sample_weight)`` in the engine's dtype, C-contiguous.
        """

        def as_engine_array(a):
            return None if a is None else np.ascontiguousarray(a, dtype=self.dtype)

        return tuple(as_engine_array(a) for a in (X, Y, sample_weight))

    def run_epoch(self, data, batch_size, shuffle=True, on_batch=None):
        """Train for one sweep through the data.

        Parameters
        ----------
        data : tuple
            What :meth:`prepare` returned.
        batch_size : int
            Samples per change of the weights; ``>= n_samples`` is one
            change per sweep, as in the paper.
        shuffle : bool, default=True
            Whether to visit the samples in a new random order each sweep.
        on_batch : callable, optional
            Called as ``on_batch(batch_loss, batch_weight)`` after each change.

        Returns
        -------
        loss : float
            The sweep's error: the weighted mean (``reduction="mean"``) or
            the sum of its samples' errors, each measured before its batch's
            change.
        """
        X, Y, sample_weight = data
        n = X.shape[0]
        total_weight = n if sample_weight is None else float(sample_weight.sum())
        if batch_size >= n:
            total = self.train_batch(X, Y, sample_weight)
            if on_batch is not None:
                on_batch(total, total_weight)
        else:
            order = self.rng.permutation(n) if shuffle else np.arange(n)
            total = 0.0
            for start in range(0, n, batch_size):
                idx = order[start : start + batch_size]
                work = self._work_arrays(len(idx))
                Xb = np.take(X, idx, axis=0, out=work[0])
                Yb = Y[idx]
                wb = None if sample_weight is None else sample_weight[idx]
                batch_loss = self.train_batch(Xb, Yb, wb, work)
                total += batch_loss
                if on_batch is not None:
                    on_batch(batch_loss, len(idx) if wb is None else float(wb.sum()))
        if self.reduction == "mean":
            return total / total_weight if total_weight > 0 else 0.0
        return total

    def params_finite(self):
        """Whether every weight is finite (a diverged step can overflow them)."""
        return all(np.isfinite(p).all() for p in self.optimizer.params)

    def get_params(self):
        """Copies of the weights, the velocities of eq. 9 included."""
        return [p.copy() for p in self.optimizer.params + self.optimizer.velocities]

    def set_params(self, params):
        """Restore weights and velocities saved by :meth:`get_params`."""
        for target, source in zip(
            self.optimizer.params + self.optimizer.velocities, params
        ):
            target[...] = source

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_buffers"] = {}  # scratch space is not worth pickling
        return state
