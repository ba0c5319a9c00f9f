"""A multilayer perceptron on plain NumPy arrays.

The engine knows nothing of scikit-learn: it is built from plain numbers,
trains on arrays that are already validated and encoded, and exposes the
forward pass, the backward pass (eqs. 4-7 of Rumelhart et al., 1986) and the
eq. 9 update.

Per-batch overhead, not arithmetic, decides the speed of small batches, so
the training path is written to make few NumPy calls and allocate nothing:

* work arrays (the gathered batch, activations, deltas, gradients) are
  allocated once per batch size and reused; a sweep shuffles an index
  vector and gathers each batch into its buffer (``np.take(..., out=)``),
  never copying the data;
* the weights live in one contiguous buffer and the gradients in another
  (:class:`~rumelhart._optim.FlatArrays`), so eq. 9 is three vectorised
  operations, and the learning rate is folded into the output deltas;
* the batch's error is one dot product (:func:`~rumelhart._losses.summed_loss`);
* large batches (the paper's full sweeps) are processed in chunks of rows
  whose work arrays stay in cache, their gradients summed before the one
  change: no array proportional to the data is ever allocated.
"""

import copy
from collections import namedtuple

import numpy as np
from scipy import sparse

from . import _engine
from ._activations import ACTIVATIONS, DERIVATIVES, OUTPUT_ACTIVATIONS
from ._losses import CANONICAL_OUTPUTS, check_output, summed_loss
from ._optim import FlatArrays, Momentum

#: ``init_range="auto"``: weights uniform in ``±AUTO_INIT_SCALE/sqrt(fan_in)``.
AUTO_INIT_SCALE = 2.0

#: Elements of the widest layer's activations per chunk of a large batch.
_CHUNK_ELEMENTS = 2**18

#: Work arrays of one batch size. The first four fields are the gathered
#: inputs, then per layer the activations, the deltas, and the gradients
#: (coefficients then intercepts, one buffer).
_Work = namedtuple(
    "_Work",
    "X activations deltas grads Y w w_column scratch row_max row_sum ones",
)


def chunk_rows(layer_sizes):
    """Rows per chunk of a large batch: its work arrays stay in cache."""
    return max(64, _CHUNK_ELEMENTS // max(layer_sizes))


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
    init_range : float or "auto", default=0.3
        Initial weights and biases are uniform in ``[-init_range,
        init_range]``; ``"auto"``: in ``±AUTO_INIT_SCALE / sqrt(fan_in)``
        for each layer, so that every unit's net input has about the same
        spread whatever the number of inputs.
    dtype : numpy dtype, default=np.float64
        Floating point type of weights and computations.
    dead_zone : float, default=0.0
        Errors smaller than this at an output unit count as zero (the
        paper's margin: an "on" unit above 0.8 is right, with 0.2).
    input_mask : ndarray of shape (layer_sizes[0], layer_sizes[1]), optional
        Connections of the first layer: 1 where one exists, 0 where none
        does; missing ones start at zero and their gradient is zero.
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
        dead_zone=0.0,
        input_mask=None,
    ):
        check_output(loss, output_activation)
        self.layer_sizes = tuple(int(n) for n in layer_sizes)
        self.output_activation = output_activation
        self.hidden_activation = hidden_activation
        self.loss = loss
        self.reduction = reduction
        self.dtype = np.dtype(dtype)
        self.dead_zone = float(dead_zone)
        self.seed(seed)
        rng = self.rng
        shapes = list(zip(self.layer_sizes[:-1], self.layer_sizes[1:]))
        # One buffer for every weight: coefficients, then intercepts.
        params = FlatArrays.empty(
            shapes + [(n_out,) for _, n_out in shapes], self.dtype
        )
        bounds = [
            AUTO_INIT_SCALE / np.sqrt(max(n_in, 1))
            if init_range == "auto"
            else init_range
            for n_in, _ in shapes
        ]
        for W, shape, bound in zip(params, shapes, bounds):
            W[...] = rng.uniform(-bound, bound, size=shape)
        for b, (_, n_out), bound in zip(params[len(shapes) :], shapes, bounds):
            b[...] = rng.uniform(-bound, bound, size=n_out)
        self.coefs = list(params[: len(shapes)])
        self.intercepts = list(params[len(shapes) :])
        self.input_mask = None
        if input_mask is not None:
            self.input_mask = np.asarray(input_mask, dtype=self.dtype)
            self.coefs[0] *= self.input_mask
        self.optimizer = Momentum(params, lr, momentum, weight_decay)
        self._initial = {"lr": lr, "momentum": momentum}
        self._buffers = {}
        self._grad_sum = None

    @classmethod
    def from_spec(cls, spec, *, lr, momentum, weight_decay=0.0, init_range=0.3):
        """The engine of a :class:`~rumelhart._engine.NetworkSpec`, with eq. 9's
        ε (``lr``) and α (``momentum``), weight decay and initial range."""
        return cls(
            spec.layer_sizes,
            output_activation=spec.output_activation,
            loss=spec.loss,
            lr=lr,
            momentum=momentum,
            seed=spec.seed,
            hidden_activation=spec.hidden_activation,
            weight_decay=weight_decay,
            reduction=spec.reduction,
            init_range=init_range,
            dtype=spec.dtype,
            dead_zone=spec.dead_zone,
            input_mask=spec.input_mask,
        )

    def seed(self, seed):
        """Reseed the generator used for shuffling."""
        self.rng = np.random.default_rng(seed)

    def copy(self):
        """An independent copy, to train without touching this engine."""
        return copy.deepcopy(self)

    def start_fit(self, n_samples, batch_size, max_epochs):
        """Start at the estimator's rate and momentum: what a schedule or the
        convergence test set belongs to the fit that set it."""
        self.optimizer.lr = self._initial["lr"]
        self.optimizer.momentum = self._initial["momentum"]

    def end_fit(self):
        """Nothing to tear down."""

    def reset_optimizer(self):
        """Forget the previous change of eq. 9."""
        self.optimizer.reset()

    @property
    def n_layers(self):
        """Number of weight layers."""
        return len(self.coefs)

    # -- work arrays -------------------------------------------------------
    def _chunk_rows(self):
        """Rows per chunk of a large batch: its work arrays stay in cache."""
        return chunk_rows(self.layer_sizes)

    def _work_arrays(self, n_samples):
        """Activations, deltas and gradients for batches of ``n_samples``."""
        work = self._buffers.get(n_samples)
        if work is None:
            if len(self._buffers) > 2:  # keep the usual batch and the last one
                self._buffers.clear()
            dtype = self.dtype
            units = self.layer_sizes[1:]

            def per_layer():
                return [np.empty((n_samples, n), dtype) for n in units]

            work = _Work(
                X=np.empty((n_samples, self.layer_sizes[0]), dtype),
                activations=per_layer(),
                deltas=per_layer(),
                grads=FlatArrays.empty([p.shape for p in self.optimizer.params], dtype),
                Y=np.empty((n_samples, units[-1]), dtype),
                w=np.empty(n_samples, dtype),
                w_column=np.empty((n_samples, 1), dtype),
                scratch=per_layer(),
                row_max=np.empty((n_samples, 1), dtype),
                row_sum=np.empty((n_samples, 1), dtype),
                ones=np.ones(n_samples, dtype),
            )
            self._buffers[n_samples] = work
        return work

    # -- forward and backward ----------------------------------------------
    def _activate(self, i, z, row_max=None, row_sum=None):
        """Layer ``i``'s activation applied to its net input ``z``, in place."""
        if i < self.n_layers - 1:
            return ACTIVATIONS[self.hidden_activation](z)
        if self.output_activation == "softmax":
            return ACTIVATIONS["softmax"](z, row_max, row_sum)
        return OUTPUT_ACTIVATIONS[self.output_activation](z)

    def _forward_into(self, X, activations, row_max=None, row_sum=None):
        """The forward pass, writing each layer's output into ``activations``
        (as many layers as it holds buffers for)."""
        a = X
        for i, out in enumerate(activations):
            if i == 0 and sparse.issparse(a):
                out[...] = a @ self.coefs[0]
            else:
                np.matmul(a, self.coefs[i], out=out)
            np.add(out, self.intercepts[i], out=out)
            a = self._activate(i, out, row_max, row_sum)
        return activations

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
        return self._forward_into(X, activations)

    def _forward_in_chunks(self, X, keep):
        """Outputs of the layers ``keep`` for ``X``, computed in chunks of rows
        so that memory beyond those outputs stays small."""
        n, rows = X.shape[0], self._chunk_rows()
        widths = self.layer_sizes[1 : max(keep) + 2]
        if n <= rows:
            activations = self._forward_into(
                X, [np.empty((n, k), self.dtype) for k in widths]
            )
            return [activations[i] for i in keep]
        kept = [np.empty((n, widths[i]), self.dtype) for i in keep]
        buffers = [np.empty((rows, k), self.dtype) for k in widths]
        for start in range(0, n, rows):
            stop = min(start + rows, n)
            chunk = [b[: stop - start] for b in buffers]
            self._forward_into(X[start:stop], chunk)
            for out, i in zip(kept, keep):
                out[start:stop] = chunk[i]
        return kept

    def predict(self, X):
        """Output of the network for ``X``, shape (n_samples, n_outputs)."""
        return self._forward_in_chunks(X, [self.n_layers - 1])[0]

    def hidden(self, X, layers):
        """Outputs of the hidden layers ``layers`` (0-based) for ``X``."""
        return self._forward_in_chunks(X, list(layers))

    def decode(self, H, layer):
        """Outputs of the network given hidden layer ``layer``'s outputs ``H``."""
        a = np.array(H, dtype=self.dtype)
        for i in range(layer + 1, self.n_layers):
            a = self._activate(i, a @ self.coefs[i] + self.intercepts[i])
        return a

    def _backward_into(self, X, Y, sample_weight, activations, work, factor):
        """Backward pass; ``work.grads`` receives ``scale/divisor * dE_sum/dW``.

        ``factor`` is ``(scale, divisor)`` (see :meth:`_factor`): each
        sample's error signal is multiplied by its weight times
        ``scale/divisor``; ``divisor`` is ``n`` or the batch's total weight
        for the mean, and ``scale`` is ``-lr`` to fold the learning rate into
        the change. Returns ``sum_i w_i E_i``.
        """
        out = activations[-1]
        delta = work.deltas[-1]
        np.subtract(out, Y, out=delta)
        if self.dead_zone:
            delta[np.abs(delta) < self.dead_zone] = 0.0
        total = summed_loss(
            self.loss,
            self.output_activation,
            out,
            Y,
            delta,
            sample_weight,
            work.scratch[-1],
        )
        if self.output_activation not in CANONICAL_OUTPUTS[self.loss]:
            # The squared error's logistic output: times its derivative.
            DERIVATIVES[self.output_activation](out, delta, work.scratch[-1])
        scale, divisor = factor
        if sample_weight is None:
            np.multiply(delta, scale / divisor, out=delta)
        else:
            # Weight / total first (at most 1): for tiny weights the factor
            # scale / total alone overflows, float32 most readily.
            w = work.w_column
            np.divide(sample_weight.reshape(-1, 1), divisor, out=w)
            np.multiply(w, scale, out=w)
            np.multiply(delta, w, out=delta)
        n_layers = self.n_layers
        grad_coefs, grad_intercepts = work.grads[:n_layers], work.grads[n_layers:]
        derivative = DERIVATIVES[self.hidden_activation]
        for i in range(n_layers - 1, -1, -1):
            a_prev = X if i == 0 else activations[i - 1]
            if i == 0 and sparse.issparse(X):
                grad_coefs[0][...] = X.T @ delta
            else:
                np.matmul(a_prev.T, delta, out=grad_coefs[i])
            np.matmul(work.ones, delta, out=grad_intercepts[i])  # column sums
            if i > 0:
                np.matmul(delta, self.coefs[i].T, out=work.deltas[i - 1])
                delta = derivative(a_prev, work.deltas[i - 1], work.scratch[i - 1])
        return total

    def _factor(self, n, sample_weight, scale):
        """``(scale, divisor)`` of each sample's error signal (see
        ``_backward_into``): the mean divides by ``n`` or the total weight."""
        if self.reduction != "mean":
            return scale, 1.0
        if sample_weight is None:
            return scale, float(n)
        total = float(sample_weight.sum())
        return (scale, total) if total > 0 else (0.0, 1.0)

    def backward(self, X, Y, sample_weight, activations, deltas, grads):
        """Gradients of the batch error, given the forward pass.

        Returns the batch's summed weighted error ``sum_i w_i E_i``;
        ``grads`` receives ``dE/dW`` for the coefficients then the intercepts,
        with ``E`` reduced by ``self.reduction``.
        """
        n, k = Y.shape[0], self.layer_sizes[-1]
        work = _Work(
            X=None,
            activations=activations,
            deltas=deltas,
            grads=grads,
            Y=None,
            w=None,
            w_column=np.empty((n, 1), self.dtype),
            scratch=[np.empty_like(a) for a in activations[:-1]]
            + [np.empty((n, k), self.dtype)],
            row_max=None,
            row_sum=None,
            ones=np.ones(n, self.dtype),
        )
        factor = self._factor(n, sample_weight, 1.0)
        return self._backward_into(X, Y, sample_weight, activations, work, factor)

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
        self._mask_gradients(grads)
        if self.reduction == "mean":
            total /= X.shape[0] if sample_weight is None else sample_weight.sum()
        return total, grads

    def _gradient_step(self, X, Y, sample_weight, work, factor):
        """Forward and backward over ``(X, Y)`` in chunks of rows.

        Returns the summed error and the gradients (scaled by ``factor``), summed
        over the chunks.
        """
        n = X.shape[0]
        if work is not None and work.X.shape[0] == n:
            self._forward_into(X, work.activations, work.row_max, work.row_sum)
            total = self._backward_into(
                X, Y, sample_weight, work.activations, work, factor
            )
            return total, work.grads
        rows = self._chunk_rows()
        if n <= rows:
            return self._gradient_step(
                X, Y, sample_weight, self._work_arrays(n), factor
            )
        if self._grad_sum is None:
            self._grad_sum = FlatArrays.empty(
                [p.shape for p in self.optimizer.params], self.dtype
            )
        grad_sum = self._grad_sum.flat
        total = 0.0
        for start in range(0, n, rows):
            stop = min(start + rows, n)
            sw = None if sample_weight is None else sample_weight[start:stop]
            work = self._work_arrays(stop - start)
            chunk_total, grads = self._gradient_step(
                X[start:stop], Y[start:stop], sw, work, factor
            )
            total += chunk_total
            if start == 0:
                np.copyto(grad_sum, grads.flat)
            else:
                np.add(grad_sum, grads.flat, out=grad_sum)
        return total, self._grad_sum

    def train_batch(self, X, Y, sample_weight=None, work=None):
        """One forward pass, backward pass and change of the weights.

        Returns the batch's summed weighted error, measured before the change.
        """
        factor = self._factor(X.shape[0], sample_weight, -self.optimizer.lr)
        total, grads = self._gradient_step(X, Y, sample_weight, work, factor)
        self._mask_gradients(grads)
        self.optimizer.step(grads, scaled=True)
        return total

    def _mask_gradients(self, grads):
        """Zero the gradients of the first layer's missing connections."""
        if self.input_mask is not None:
            np.multiply(grads[0], self.input_mask, out=grads[0])

    def prepare(self, X, Y, sample_weight=None):
        """Training data in the form :meth:`run_epoch` takes.

        Parameters
        ----------
        X : ndarray or scipy sparse matrix
            Inputs.
        Y : ndarray
            Encoded targets.
        sample_weight : ndarray of shape (n_samples,) or None
            Weight of each sample.

        Returns
        -------
        data : tuple
            ``(X, Y, sample_weight)`` in the engine's dtype, C-contiguous
            (without a copy when they already are); sparse ``X`` in CSR
            form, whose batches are gathered without densifying it.
        """

        def as_engine_array(a):
            if sparse.issparse(a):
                return sparse.csr_matrix(a, dtype=self.dtype)
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
        train_batch = self.train_batch
        if batch_size >= n:
            total = train_batch(X, Y, sample_weight)
            if on_batch is not None:
                on_batch(total, total_weight)
        else:
            order = self.rng.permutation(n) if shuffle else None
            gather = batch_size <= self._chunk_rows() and not sparse.issparse(X)
            total = 0.0
            for start in range(0, n, batch_size):
                stop = min(start + batch_size, n)
                work = self._work_arrays(stop - start) if gather else None
                if order is None:
                    Xb, Yb = X[start:stop], Y[start:stop]
                    wb = None if sample_weight is None else sample_weight[start:stop]
                elif work is None:
                    idx = order[start:stop]
                    Xb = X[idx] if sparse.issparse(X) else X.take(idx, axis=0)
                    Yb = Y.take(idx, axis=0)
                    wb = None if sample_weight is None else sample_weight.take(idx)
                else:
                    # mode="clip" (the indices are valid) lets take write
                    # straight into the buffer.
                    idx = order[start:stop]
                    Xb = np.take(X, idx, axis=0, out=work.X, mode="clip")
                    Yb = np.take(Y, idx, axis=0, out=work.Y, mode="clip")
                    wb = None
                    if sample_weight is not None:
                        wb = np.take(sample_weight, idx, out=work.w, mode="clip")
                batch_loss = train_batch(Xb, Yb, wb, work)
                total += batch_loss
                if on_batch is not None:
                    on_batch(
                        batch_loss, stop - start if wb is None else float(wb.sum())
                    )
        if self.reduction == "mean":
            return total / total_weight if total_weight > 0 else 0.0
        return total

    def params_finite(self):
        """Whether every weight is finite (a diverged step can overflow them)."""
        params = self.optimizer.params
        if isinstance(params, FlatArrays):
            return bool(np.isfinite(params.flat).all())
        return all(np.isfinite(p).all() for p in params)

    def snapshot(self):
        """Copies of the weights and of the velocities of eq. 9."""
        optimizer = self.optimizer
        return [p.copy() for p in optimizer.params + optimizer.velocities]

    def restore(self, snapshot):
        """Return to the weights and velocities :meth:`snapshot` saved."""
        optimizer = self.optimizer
        for target, source in zip(optimizer.params + optimizer.velocities, snapshot):
            target[...] = source

    # -- inference ---------------------------------------------------------
    def weights(self):
        """The weight matrices and the biases (the engine's own arrays)."""
        return self.coefs, self.intercepts

    # -- what the callbacks read and set -------------------------------------
    @property
    def lr(self):
        """The learning rate ε, read at every step."""
        return self.optimizer.lr

    @lr.setter
    def lr(self, value):
        self.optimizer.lr = float(value)

    @property
    def momentum(self):
        """The momentum α, read at every step."""
        return self.optimizer.momentum

    @momentum.setter
    def momentum(self, value):
        self.optimizer.momentum = float(value)

    def layer_names(self):
        """``hidden_1``, ..., ``output``."""
        return _engine.layer_names(self.n_layers)

    @staticmethod
    def probe(data, n_rows):
        """The first ``n_rows`` samples of :meth:`prepare`'s data."""
        return tuple(None if a is None else a[:n_rows] for a in data)

    def activation_stats(self, X):
        """``[(layer name, ACTIVATION_STATS)]`` of each layer's outputs on ``X``."""
        kinds = [self.hidden_activation] * (self.n_layers - 1)
        kinds.append(self.output_activation)
        return [
            (name, _engine.activation_stats(a, kind))
            for name, a, kind in zip(self.layer_names(), self.forward(X), kinds)
        ]

    def gradient_stats(self, X, Y, sample_weight=None):
        """``[(layer name, TENSOR_STATS)]`` of dE/dW on ``(X, Y)``; the
        optimizer's state is untouched."""
        _, grads = self.loss_and_gradients(X, Y, sample_weight)
        return [
            (name, _engine.tensor_stats(g))
            for name, g in zip(self.layer_names(), grads)
        ]

    def weight_stats(self):
        """``[(layer name, TENSOR_STATS)]`` of each weight matrix."""
        return [
            (name, _engine.tensor_stats(W))
            for name, W in zip(self.layer_names(), self.coefs)
        ]

    @staticmethod
    def to_numpy(stats):
        """A statistics vector as a NumPy array."""
        return np.asarray(stats)

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_buffers"] = {}  # scratch space is not worth pickling
        state["_grad_sum"] = None
        return state

    def __setstate__(self, state):
        # What engines pickled by older versions lack.
        self.__dict__.update({"dead_zone": 0.0, "input_mask": None})
        self.__dict__.update(state)
        if "_initial" not in state:
            optimizer = self.optimizer
            self._initial = {"lr": optimizer.lr, "momentum": optimizer.momentum}
        # Copies (pickle, deepcopy) rebuild the optimizer's one buffer of
        # weights; point coefs and intercepts (the same list objects, which
        # an estimator may share) at its views again.
        params = self.optimizer.params
        if isinstance(params, FlatArrays):
            n_layers = len(self.coefs)
            self.coefs[:] = params[:n_layers]
            self.intercepts[:] = params[n_layers:]
