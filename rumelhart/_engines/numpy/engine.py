"""A multilayer perceptron on plain NumPy arrays: the engine that assembles
the network's passes (:mod:`.network`), the error signal of the loss table
(:mod:`rumelhart._math.losses`) and the eq. 9 update (:mod:`.optimizer`).

The training path is written to make few NumPy calls and allocate nothing:

* work arrays (the gathered batch, activations, deltas, gradients) are
  allocated once per batch size and reused; a sweep shuffles an index
  vector and gathers each batch into its buffer (``np.take(..., out=)``),
  never copying the data;
* the weights live in one contiguous buffer and the gradients in another,
  so eq. 9 is three vectorised operations, and the learning rate is folded
  into the output deltas;
* large batches (the paper's full sweeps) are processed in chunks of rows
  whose work arrays stay in cache, their gradients summed before the one
  change: no array proportional to the data is ever allocated.
"""

import copy
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import DTypeLike
from scipy import sparse

from ..._math.activations import VALUES
from ..._math.losses import check_dead_zone, check_loss_param, check_output
from ..base import (
    Batch,
    EngineBase,
    Sweep,
    error_factors,
    map_row_chunks,
    rows_per_chunk,
)
from ..protocol import Engine, FloatArray, NetworkSpec, Prepared
from . import network
from .gradients import WorkArrays, batch_gradients, chunked_gradients
from .network import Work, forward_into, keeps_inputs, work_arrays
from .ops import NumpyOps
from .optimizer import FlatArrays, Momentum

#: Elements of the widest layer's activations per chunk of a large batch.
_CHUNK_ELEMENTS = 2**18


def chunk_rows(layer_sizes: Sequence[int]) -> int:
    """Rows per chunk of a large batch: its work arrays stay in cache."""
    return rows_per_chunk(max(layer_sizes), _CHUNK_ELEMENTS, 64)


class NumpyMLP(EngineBase):
    """Fully connected network trained by backpropagation with momentum.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, input and output layers included.
    output_activation : str
        Activation of the output layer (an entry of
        :data:`rumelhart._math.activations.ACTIVATIONS`).
    loss : str
        The error to minimise (an entry of :data:`rumelhart._math.losses.LOSSES`).
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
    decay_intercepts : bool, default=True
        Whether the biases shrink too (the paper's: they are weights from a
        unit that is always on); False: the connection weights only.
    reduction : {"mean", "sum"}, default="mean"
        Whether a batch's error is the weighted mean or the sum of its
        samples' errors (the paper sums over a sweep).
    init_range : float or "auto", default=0.3
        Initial weights and biases are uniform in ``[-init_range,
        init_range]``; ``"auto"``: in ``±AUTO_INIT_SCALE / sqrt(fan_in)``
        for each layer, at least ``±AUTO_FIRST_LAYER_SCALE / n_features``
        for the first (see :func:`.network.initial_params`).
    dtype : numpy dtype, default=np.float64
        Floating point type of weights and computations.
    dead_zone, input_mask, loss_param : optional
        As in :class:`~rumelhart._engines.protocol.NetworkSpec` (defaults:
        no dead zone, every connection, no parameter).
    """

    ops = NumpyOps()

    def __init__(
        self,
        layer_sizes: Sequence[int],
        *,
        output_activation: str,
        loss: str,
        lr: float,
        momentum: float,
        seed: int,
        hidden_activation: str = "logistic",
        weight_decay: float = 0.0,
        decay_intercepts: bool = True,
        reduction: str = "mean",
        init_range: float | str = 0.3,
        dtype: DTypeLike = np.float64,
        dead_zone: float = 0.0,
        input_mask: Any = None,
        loss_param: Sequence[float] | None = None,
    ) -> None:
        check_output(loss, output_activation)
        if hidden_activation not in VALUES:
            raise ValueError(
                f"The NumPy engine has no {hidden_activation!r} activation; "
                f"expected one of {sorted(VALUES)}."
            )
        self.layer_sizes = tuple(int(n) for n in layer_sizes)
        self.output_activation = output_activation
        self.hidden_activation = hidden_activation
        self.loss = loss
        self.reduction = reduction
        self.dtype = np.dtype(dtype)
        self.dead_zone = check_dead_zone(loss, dead_zone)
        self.loss_param = check_loss_param(loss, loss_param, self.layer_sizes[-1])
        if self.loss_param is not None:
            self.loss_param = self.loss_param.astype(self.dtype)
        self.seed(seed)
        params = network.initial_params(
            self.layer_sizes, init_range, self.rng, self.dtype
        )
        n_layers = len(self.layer_sizes) - 1
        self.coefs = list(params[:n_layers])
        self.intercepts = list(params[n_layers:])
        self.input_mask = None
        if input_mask is not None:
            self.input_mask = np.asarray(input_mask, dtype=self.dtype)
            self.coefs[0] *= self.input_mask
        decayed = None if decay_intercepts else n_layers
        self.optimizer = Momentum(params, lr, momentum, weight_decay, decayed)
        self._initial = {"lr": lr, "momentum": momentum}
        self._buffers = self._new_buffers()

    @classmethod
    def from_spec(
        cls,
        spec: NetworkSpec,
        *,
        lr: float,
        momentum: float,
        weight_decay: float = 0.0,
        decay_intercepts: bool = True,
        init_range: float | str = 0.3,
    ) -> "NumpyMLP":
        """The engine of a :class:`~rumelhart._engines.protocol.NetworkSpec`,
        with eq. 9's ε (``lr``) and α (``momentum``), weight decay (of the
        biases too unless ``decay_intercepts=False``) and initial range."""
        return cls(
            spec.layer_sizes,
            output_activation=spec.output_activation,
            loss=spec.loss,
            lr=lr,
            momentum=momentum,
            seed=spec.seed,
            hidden_activation=spec.hidden_activation,
            weight_decay=weight_decay,
            decay_intercepts=decay_intercepts,
            reduction=spec.reduction,
            init_range=init_range,
            dtype=spec.dtype,
            dead_zone=spec.dead_zone,
            input_mask=spec.input_mask,
            loss_param=spec.loss_param,
        )

    # -- the fit -------------------------------------------------------------
    def seed(self, seed: int) -> None:
        """Reseed the generator used for shuffling."""
        self.rng = np.random.default_rng(seed)

    def copy(self) -> "NumpyMLP":
        """An independent copy, to train without touching this engine."""
        return copy.deepcopy(self)

    def start_fit(self, n_samples: int, batch_size: int, max_epochs: int) -> None:
        """Start at the estimator's rate and momentum: what a schedule or the
        convergence test set belongs to the fit that set it."""
        self.optimizer.lr = self._initial["lr"]
        self.optimizer.momentum = self._initial["momentum"]

    def end_fit(self) -> None:
        """Nothing to tear down."""

    def reset_optimizer(self) -> None:
        """Forget the previous change of eq. 9."""
        self.optimizer.reset()

    @property
    def n_layers(self) -> int:
        """Number of weight layers."""
        return len(self.coefs)

    def prepare(self, X: Any, Y: Any, sample_weight: Any = None) -> Prepared:
        """``(X, Y, sample_weight)`` in the engine's dtype, C-contiguous
        (without a copy when they already are); sparse ``X`` in CSR form,
        whose batches are gathered without densifying it."""

        def as_engine_array(a: Any) -> Any:
            if sparse.issparse(a):
                return sparse.csr_matrix(a, dtype=self.dtype)
            return None if a is None else np.ascontiguousarray(a, dtype=self.dtype)

        return as_engine_array(X), as_engine_array(Y), as_engine_array(sample_weight)

    def _sweep(self, data: Prepared) -> Sweep:
        return _NumpySweep(self, data)

    def _permutation(self, n: int) -> Any:
        return self.rng.permutation(n)

    # -- one change of the weights -------------------------------------------
    def _chunk_rows(self) -> int:
        """Rows per chunk of a large batch: its work arrays stay in cache."""
        return chunk_rows(self.layer_sizes)

    def _factors(self, n: int, sample_weight: Any, scale: float) -> Any:
        """What each sample's error signal is multiplied by (see
        :func:`~rumelhart._engines.base.error_factors`): the mean divides
        by ``n`` or by the total weight, the sum by nothing."""
        if self.reduction != "mean":
            total = 1.0
        else:
            total = float(n) if sample_weight is None else float(sample_weight.sum())
        return error_factors(sample_weight, total, scale, self.ops)

    def train_batch(
        self, X: Any, Y: FloatArray, sample_weight: Any = None, work: Work | None = None
    ) -> float:
        """One forward pass, backward pass and change of the weights.

        Returns the batch's summed weighted error, measured before the change.
        """
        factors = self._factors(X.shape[0], sample_weight, -self.optimizer.lr)
        total, grads = chunked_gradients(
            self, self._buffers, self._chunk_rows, X, Y, sample_weight, work, factors
        )
        self._mask_gradients(grads)
        self.optimizer.step(grads, scaled=True)
        return total

    def _mask_gradients(self, grads: Sequence[FloatArray]) -> None:
        """Zero the gradients of the first layer's missing connections."""
        if self.input_mask is not None:
            np.multiply(grads[0], self.input_mask, out=grads[0])

    def loss_and_gradients(
        self, X: Any, Y: FloatArray, sample_weight: Any = None
    ) -> tuple[float, list[FloatArray]]:
        """Reduced error of ``(X, Y)`` and fresh arrays of its gradients
        (coefficients then intercepts); the weights and optimizer untouched."""
        n = X.shape[0]
        shapes = [p.shape for p in self.optimizer.params]
        keep = keeps_inputs(self.hidden_activation)
        work = work_arrays(self.layer_sizes, shapes, n, self.dtype, keep)
        factors = self._factors(n, sample_weight, 1.0)
        total = batch_gradients(self, X, Y, sample_weight, work, factors)
        grads = [np.array(g) for g in work.grads]
        self._mask_gradients(grads)
        if self.reduction == "mean":
            total /= n if sample_weight is None else sample_weight.sum()
        return total, grads

    def params_finite(self) -> bool:
        """Whether every weight is finite (a diverged step can overflow them)."""
        params = self.optimizer.params
        if isinstance(params, FlatArrays):
            return bool(np.isfinite(params.flat).all())
        return all(np.isfinite(p).all() for p in params)

    def snapshot(self) -> list[FloatArray]:
        """Copies of the weights and of the velocities of eq. 9."""
        optimizer = self.optimizer
        return [p.copy() for p in optimizer.params + optimizer.velocities]

    def restore(self, snapshot: list[FloatArray]) -> None:
        """Return to the weights and velocities :meth:`snapshot` saved."""
        optimizer = self.optimizer
        for target, source in zip(optimizer.params + optimizer.velocities, snapshot):
            target[...] = source

    # -- inference -------------------------------------------------------------
    def forward(
        self, X: Any, activations: list[FloatArray] | None = None
    ) -> list[FloatArray]:
        """The output of every layer for ``X`` (the network's output last),
        into ``activations`` when given."""
        if activations is None:
            n = X.shape[0]
            activations = [np.empty((n, k), self.dtype) for k in self.layer_sizes[1:]]
        return forward_into(self, X, activations)

    def _forward_in_chunks(self, X: Any, keep: list[int]) -> list[FloatArray]:
        """Outputs of the layers ``keep`` for ``X``, computed in chunks of rows
        so that memory beyond those outputs stays small."""
        rows = self._chunk_rows()
        widths = self.layer_sizes[1 : max(keep) + 2]
        n = X.shape[0]
        buffers = [np.empty((min(n, rows), k), self.dtype) for k in widths]

        def compute(start: int, stop: int) -> list[FloatArray]:
            chunk = [b[: stop - start] for b in buffers]
            forward_into(self, X[start:stop], chunk)
            return [chunk[i] for i in keep]

        return map_row_chunks(n, rows, compute)

    def predict(self, X: Any) -> FloatArray:
        """Output of the network for ``X``, shape (n_samples, n_outputs)."""
        return self._forward_in_chunks(X, [self.n_layers - 1])[0]

    def hidden(self, X: Any, layers: Sequence[int]) -> list[FloatArray]:
        """Outputs of the hidden layers ``layers`` (0-based) for ``X``."""
        return self._forward_in_chunks(X, list(layers))

    def decode(self, H: Any, layer: int) -> FloatArray:
        """Outputs of the network given hidden layer ``layer``'s outputs ``H``."""
        return network.decode(self, H, layer, self.dtype)

    def weights(self) -> tuple[list[FloatArray], list[FloatArray]]:
        """The weight matrices and the biases (the engine's own arrays)."""
        return self.coefs, self.intercepts

    # -- what the callbacks read and set ---------------------------------------
    def _read_setting(self, name: str) -> float:
        # "lr" is ε of eq. 9, "momentum" α.
        value: float = getattr(self.optimizer, name)
        return value

    def _write_setting(self, name: str, value: float) -> None:
        setattr(self.optimizer, name, value)

    def _layer_outputs(self, X: Any) -> list[tuple[str, Any]]:
        kinds = [self.hidden_activation] * (self.n_layers - 1)
        kinds.append(self.output_activation)
        return list(zip(kinds, self.forward(X), strict=True))

    def _weight_gradients(self, X: Any, Y: Any, sample_weight: Any) -> list[Any]:
        _, grads = self.loss_and_gradients(X, Y, sample_weight)
        return grads[: self.n_layers]

    def _weight_matrices(self) -> list[Any]:
        return list(self.coefs)

    # -- pickling --------------------------------------------------------------
    def _new_buffers(self) -> WorkArrays:
        shapes = [p.shape for p in self.optimizer.params]
        keep = keeps_inputs(self.hidden_activation)
        return WorkArrays(self.layer_sizes, shapes, self.dtype, keep)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_buffers"]  # scratch space is not worth pickling
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        # What engines pickled by older versions lack, or have too much of.
        self.__dict__.update({"dead_zone": 0.0, "input_mask": None, "loss_param": None})
        self.__dict__.update(state)
        self.__dict__.pop("_grad_sum", None)
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
        self._buffers = self._new_buffers()


class _NumpySweep:
    """One sweep of :class:`NumpyMLP`: batches gathered into work arrays."""

    def __init__(self, engine: NumpyMLP, data: Prepared) -> None:
        self.engine = engine
        self.X, self.Y, self.sample_weight = data
        self.train_batch = engine.train_batch
        self.sparse = sparse.issparse(self.X)
        self.rows = engine._chunk_rows()

    def gather(self, order: Any, start: int, stop: int) -> Batch:
        X, Y, w = self.X, self.Y, self.sample_weight
        if order is None:
            return Batch(
                X[start:stop], Y[start:stop], None if w is None else w[start:stop]
            )
        idx = order[start:stop]
        if self.sparse or stop - start > self.rows:
            Xb = X[idx] if self.sparse else X.take(idx, axis=0)
            wb = None if w is None else w.take(idx)
            return Batch(Xb, Y.take(idx, axis=0), wb)
        # mode="clip" (the indices are valid) lets take write straight into
        # the buffers of this batch size.
        work = self.engine._buffers(stop - start)
        Xb = np.take(X, idx, axis=0, out=work.X, mode="clip")
        Yb = np.take(Y, idx, axis=0, out=work.Y, mode="clip")
        wb = None if w is None else np.take(w, idx, out=work.w, mode="clip")
        return Batch(Xb, Yb, wb, work)

    def step(self, batch: Batch, full: bool) -> float:
        return self.train_batch(*batch)


if TYPE_CHECKING:  # mypy checks here that the class implements the protocol
    _ENGINE: type[Engine] = NumpyMLP
