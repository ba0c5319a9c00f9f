"""The engine protocol on PyTorch: a module, its optimizer and its batches on
one device, assembled from the files beside this one.

Data are moved to the device once per ``fit`` (:mod:`.device`) and batched by
``index_select`` of a permuted index tensor; the epoch's loss is accumulated
on the device and read back once per epoch, so training never waits on the
host between batches. The gradient of a batch is computed by hand for the
built-in network and by autograd otherwise (:mod:`.fast_path`), from the
error signal of the loss table (:mod:`.losses`); gradients are dropped
without the optimizer's ``zero_grad`` machinery, and the optimizers are
torch's fused (or foreach) implementations (:mod:`.optimizer`). Full
batches of the built-in network are processed in chunks of rows whose
gradients accumulate before the one step, so that memory stays small.
"""

import contextlib
import copy
import copyreg
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from numpy.typing import DTypeLike
from scipy import sparse
from torch import nn

from ..._math.losses import (
    LOSSES,
    check_dead_zone,
    check_loss_param,
    check_output,
    damp_overshoot,
)
from ..base import EngineBase, Sweep, error_factors
from ..protocol import Engine, FloatArray, NetworkSpec, Prepared
from . import diagnostics, optimizer, state
from .device import (
    TORCH_DTYPES,
    SparseRows,
    available_or_cpu,
    inference_rows,
    map_on_device,
    to_tensor,
)
from .fast_path import gradient_function
from .losses import output_delta
from .network import (
    Layer,
    all_finite,
    builtin_layers,
    linear_layers,
    mask_first_layer,
    numpy_weights,
    output_units,
    require_builtin,
    run_layers,
    weight_matrices,
)
from .ops import TorchOps
from .sweep import TorchSweep


class TorchMLP(EngineBase):
    """A network, its optimizer and its training loop on one torch device.

    Parameters
    ----------
    module : torch.nn.Module
        Maps a batch of shape (n, n_features) to raw outputs of shape
        (n, n_outputs); the output activation is applied here.
    output_activation : {"identity", "logistic", "softmax", "exponential"}
        Activation of the output units.
    loss : str
        The error to minimise, averaged (weighted) over each batch.
    optimizer : {"sgd", "adam", "adamw"}
        Optimizer; "sgd" with momentum is eq. 9 of Rumelhart et al. (1986).
    lr, momentum, weight_decay : float
        Optimizer settings (``momentum`` only for "sgd").
    lr_schedule : {"constant", "onecycle", "cosine"}
        Learning-rate schedule over the batches of one ``fit``.
    device : torch.device
        Where the module and the data live.
    dtype : numpy dtype
        float32 or float64.
    seed : int
        Seed of the local generator used for shuffling.
    hidden_activation : str, default="relu"
        Activation of the built-in network's hidden layers (for read-outs).
    dead_zone, input_mask, loss_param : optional
        As in :class:`~rumelhart._engines.protocol.NetworkSpec` (defaults:
        no dead zone, every connection, no parameter).
    """

    ops = TorchOps()

    def __init__(
        self,
        module: nn.Module,
        *,
        output_activation: str,
        loss: str,
        optimizer: str,
        lr: float,
        momentum: float,
        weight_decay: float,
        lr_schedule: str,
        device: torch.device,
        dtype: DTypeLike,
        seed: int,
        hidden_activation: str = "relu",
        dead_zone: float = 0.0,
        input_mask: Any = None,
        loss_param: Any = None,
    ) -> None:
        check_output(loss, output_activation)
        self.dtype = np.dtype(dtype)
        self.device = device
        self.output_activation = output_activation
        self.hidden_activation = hidden_activation
        self.loss = loss
        self.dead_zone = check_dead_zone(loss, dead_zone)
        # A custom module's outputs are counted only once it runs.
        param = check_loss_param(loss, loss_param, None)
        self.loss_param = None if param is None else tuple(param.tolist())
        self.optimizer_name = optimizer
        self.lr_schedule = lr_schedule
        self.module = module.to(device=device, dtype=self.torch_dtype)
        self.input_mask: torch.Tensor | None = None
        if input_mask is not None:
            self.input_mask = mask_first_layer(self.module, input_mask, device)
        self._initial = {"lr": lr, "momentum": momentum, "weight_decay": weight_decay}
        self.optimizer = self._new_optimizer()
        self._start = (self.lr, self.momentum)  # momentum: Adam's first beta
        self.scheduler: torch.optim.lr_scheduler.LRScheduler | None = None
        self.seed(seed)

    @classmethod
    def from_spec(
        cls,
        spec: NetworkSpec,
        module: nn.Module,
        *,
        device: torch.device,
        **settings: Any,
    ) -> "TorchMLP":
        """The engine of a :class:`~rumelhart._engines.protocol.NetworkSpec`
        training ``module`` on ``device`` (``optimizer``, ``lr``,
        ``momentum``, ``weight_decay``, ``lr_schedule`` in ``settings``)."""
        return cls(
            module,
            output_activation=spec.output_activation,
            loss=spec.loss,
            device=device,
            dtype=spec.dtype,
            seed=spec.seed,
            hidden_activation=spec.hidden_activation,
            dead_zone=spec.dead_zone,
            input_mask=spec.input_mask,
            loss_param=spec.loss_param,
            **settings,
        )

    def _new_optimizer(self) -> torch.optim.Optimizer:
        return optimizer.make_optimizer(
            self.optimizer_name, self.module.parameters(), **self._initial
        )

    @property
    def torch_dtype(self) -> torch.dtype:
        """The torch dtype of weights and data."""
        return TORCH_DTYPES[self.dtype]

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """Units per layer of the built-in network (inputs first); of a custom
        module, only what its ``Linear`` layers tell."""
        layers = self.linear_layers()
        if not layers:
            return ()
        return (layers[0].in_features, *(layer.out_features for layer in layers))

    def linear_layers(self) -> list[nn.Linear]:
        """The ``nn.Linear`` layers of the module, in order."""
        return linear_layers(self.module)

    # -- the fit -------------------------------------------------------------
    def seed(self, seed: int) -> None:
        """Reseed the local generator used for shuffling."""
        self.generator = torch.Generator(device=self.device)
        self.generator.manual_seed(int(seed) % (2**63))

    def copy(self) -> "TorchMLP":
        """An independent copy on the same device."""
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.module = copy.deepcopy(self.module)
        new.optimizer = new._new_optimizer()
        new.optimizer.load_state_dict(copy.deepcopy(self.optimizer.state_dict()))
        new.scheduler = None
        new.generator = torch.Generator(device=self.device)
        new.generator.set_state(self.generator.get_state())
        return new

    def reset_optimizer(self) -> None:
        """Forget the optimizer's running state (momentum, Adam moments)."""
        self.optimizer.state.clear()

    def snapshot(self) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
        """Copies of the module's weights and of the optimizer's state."""
        weights = {k: v.detach().clone() for k, v in self.module.state_dict().items()}
        return weights, copy.deepcopy(self.optimizer.state_dict())

    def restore(self, snapshot: tuple[dict[str, torch.Tensor], dict[str, Any]]) -> None:
        """Return to the weights and optimizer state :meth:`snapshot` saved;
        the rate and momentum stay those of the moment (a schedule's)."""
        weights, state = snapshot
        lr, momentum = self.lr, self.momentum
        self.module.load_state_dict(weights)
        self.optimizer.load_state_dict(copy.deepcopy(state))
        self.lr, self.momentum = lr, momentum

    def _tensor(self, a: Any, private: bool = False) -> Any:
        return to_tensor(a, self.torch_dtype, self.device, private)

    def prepare(self, X: Any, Y: Any, sample_weight: Any = None) -> Prepared:
        """The tuple ``(X, Y, sample_weight)`` of tensors on the device (a
        sparse ``X`` stays sparse on the host, densified batch by batch)."""
        if sparse.issparse(X):
            X = SparseRows(sparse.csr_matrix(X), self._tensor)
        else:
            X = self._tensor(X)
        return X, self._tensor(Y), self._tensor(sample_weight)

    def start_fit(self, n_samples: int, batch_size: int, max_epochs: int) -> None:
        """Start at the estimator's rate and momentum; build the learning-rate
        schedule for a fit of ``max_epochs``."""
        self.lr, self.momentum = self._start
        steps = max_epochs * -(-n_samples // batch_size)
        self.scheduler = optimizer.make_schedule(
            self.lr_schedule, self.optimizer, self.lr, steps
        )

    def end_fit(self) -> None:
        """Drop the schedule, which only lives for one fit."""
        self.scheduler = None

    @contextlib.contextmanager
    def _epoch_context(self) -> Iterator[None]:
        # Gradients on even when fit is called inside a torch.no_grad() block.
        with torch.enable_grad():
            self.module.train()
            yield

    def _sweep(self, data: Prepared) -> Sweep:
        layers = self._layers()
        gradients = gradient_function(self.module, layers, self._training_delta)
        return TorchSweep(self, data, layers, gradients)

    def _permutation(self, n: int) -> torch.Tensor:
        return torch.randperm(n, generator=self.generator, device=self.device)

    # -- one change of the weights -------------------------------------------
    def _output_delta(
        self, raw: torch.Tensor, T: torch.Tensor, w: torch.Tensor | None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        param = None
        if self.loss_param is not None:  # a few numbers (Huber's delta)
            param = torch.as_tensor(self.loss_param, dtype=raw.dtype, device=raw.device)
        return output_delta(
            self.loss, self.output_activation, raw, T, w, self.dead_zone, param
        )

    def _training_delta(
        self, raw: torch.Tensor, T: torch.Tensor, w: torch.Tensor | None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The error signal a change of the weights follows: the gradient's,
        steadied for the log link (see ``damp_overshoot``)."""
        delta, total = self._output_delta(raw, T, w)
        if LOSSES[self.loss].curvature is not None:
            outputs = output_units(raw, self.output_activation)
            delta = damp_overshoot(self.loss, outputs, T, delta, w)
        return delta, total

    def _layers(self) -> list[Layer] | None:
        """The built-in network's layers (see :func:`.network.builtin_layers`)."""
        return builtin_layers(self.module)

    def params_finite(self) -> bool:
        """Whether every weight is finite (one host sync)."""
        return all_finite(self.module)

    # -- inference -------------------------------------------------------------
    def _in_chunks(
        self,
        X: Any,
        fn: Callable[[torch.Tensor], torch.Tensor],
        chunk_size: int | None = None,
    ) -> FloatArray:
        """``fn(tensor)`` (a NumPy array) over ``X`` in chunks of rows (see
        :func:`.device.inference_rows`), in evaluation mode without a graph."""
        rows = inference_rows(X, self.device) if chunk_size is None else chunk_size
        self.module.eval()
        private = self._layers() is None
        return map_on_device(X, fn, lambda a: self._tensor(a, private), rows)

    def predict(self, X: Any, chunk_size: int | None = None) -> FloatArray:
        """Network outputs for ``X`` (NumPy in, NumPy out), in chunks of rows."""
        return self._in_chunks(X, self._outputs, chunk_size)

    def _outputs(self, X: torch.Tensor) -> torch.Tensor:
        return output_units(self.module(X), self.output_activation)

    def hidden(self, X: Any, layers: Sequence[int]) -> list[FloatArray]:
        """Outputs of the built-in network's hidden layers ``layers`` (0-based)."""
        built_in = require_builtin(self.module, "The hidden layers' outputs")
        network = built_in[: max(layers) + 1]

        def forward(x: torch.Tensor) -> torch.Tensor:
            outputs = run_layers(network, x)
            return torch.cat([outputs[i] for i in layers], dim=1)

        joined = self._in_chunks(X, forward)
        widths = [self.layer_sizes[i + 1] for i in layers]
        return np.split(joined, np.cumsum(widths)[:-1], axis=1)

    def decode(self, H: Any, layer: int) -> FloatArray:
        """Outputs of the built-in network from hidden layer ``layer``'s outputs."""
        network = require_builtin(self.module, "Decoding")[layer + 1 :]

        def forward(h: torch.Tensor) -> torch.Tensor:
            raw = run_layers(network, h)[-1] if network else h
            return output_units(raw, self.output_activation)

        return self._in_chunks(np.asarray(H), forward)

    def weights(self) -> tuple[list[FloatArray], list[FloatArray | None]]:
        """NumPy copies of the ``Linear`` layers' weights, shape (in, out),
        and biases."""
        return numpy_weights(self.module)

    # -- what the callbacks read and set ---------------------------------------
    def _read_setting(self, name: str) -> float:
        return optimizer.read_setting(self.optimizer, name)

    def _write_setting(self, name: str, value: float) -> None:
        optimizer.write_setting(self.optimizer, name, value)

    def _layer_outputs(self, X: Any) -> list[tuple[str, Any]]:
        return diagnostics.layer_outputs(self.module, X, self.output_activation)

    def _weight_gradients(self, X: Any, Y: Any, sample_weight: Any) -> list[Any]:
        total = X.shape[0] if sample_weight is None else sample_weight.sum()
        factors = error_factors(sample_weight, total, 1.0, self.ops)
        return diagnostics.weight_gradients(
            self.module, X, Y, factors, self._output_delta
        )

    def _weight_matrices(self) -> list[Any]:
        return list(weight_matrices(self.module))

    # -- pickling: CPU tensors only, so a GPU model loads anywhere -----------
    def __reduce__(self) -> Any:
        # Pickle and copy call __reduce_ex__ (below); skops calls __reduce__
        # and would fail deep inside torch: say what to do instead.
        raise TypeError(state.NO_SKOPS)

    def __reduce_ex__(self, protocol: Any) -> Any:
        return copyreg.__newobj__, (type(self),), self.__getstate__()  # type: ignore[attr-defined]

    def __getstate__(self) -> dict[str, Any]:
        return state.portable(self.__dict__, self.optimizer)

    def __setstate__(self, saved: dict[str, Any]) -> None:
        optimizer_state = saved.pop("optimizer")
        self.__dict__.update(state.upgraded(saved))
        self.device = available_or_cpu(torch.device(saved["device"]))
        self.module = self.module.to(self.device)
        if self.input_mask is not None:
            self.input_mask = self.input_mask.to(self.device)
        self.optimizer = self._new_optimizer()
        self.optimizer.load_state_dict(optimizer_state)
        if "_start" not in saved:  # pickled by 0.1
            self._start = (self._initial["lr"], self.momentum)
        self.seed(0)


if TYPE_CHECKING:  # mypy checks here that the class implements the protocol
    _ENGINE: type[Engine] = TorchMLP
