"""The torch backend: the built-in MLP or a custom module (:class:`TorchMLP`).

Importing this module imports torch; only :mod:`rumelhart.torch_mlp` does.
"""

import copy
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

# torch through the engine, whose import failure names the extra to install.
from ..._engines.torch import (
    ACTIVATIONS,
    TorchMLP,
    available_memory,
    build_mlp,
    build_seeded,
    chunk_rows,
    nn,
    resolve_device,
    torch,
)
from ..._math.activations import ALIASES
from ..._torch_data import dataset_to_arrays, is_torch_data
from .. import policy
from . import Backend, BackendSpec, Engine, NetworkSpec
from .custom_module import check_module_params, construct_module

__all__ = ["ACTIVATIONS", "TorchBackend", "TorchParams", "nn", "torch"]


@dataclass(frozen=True)
class TorchParams:
    """The torch estimators' backend parameters."""

    activation: str
    optimizer: str
    lr: float | str
    momentum: float
    weight_decay: float | str
    lr_schedule: str
    device: Any
    dtype: Any
    module: Any
    module_params: dict[str, Any] | None


class TorchBackend(Backend[TorchParams]):
    """Builds :class:`~rumelhart._engines.torch.TorchMLP` engines."""

    params_type = TorchParams
    learning_rate_name = "lr"
    rules = policy.TORCH_AUTO

    def spec(self, params: TorchParams) -> BackendSpec:
        # The canonical name, as the NumPy backend's ("sigmoid" is "logistic").
        activation = ALIASES.get(params.activation, params.activation)
        return BackendSpec(hidden_activation=activation)

    def resolve(self, params: TorchParams, *, incremental: bool) -> TorchParams:
        lr = policy.torch_lr(params.lr, incremental=incremental, rules=self.rules)
        return replace(params, lr=lr)

    @contextmanager
    def process_state(self) -> Iterator[None]:
        # Ctrl-C can land inside torch.no_grad().__enter__, after it turned
        # gradients off but before its block began, so its __exit__ never
        # runs: without this the user's next fit could not backpropagate.
        enabled = torch.is_grad_enabled()
        try:
            yield
        finally:
            torch.set_grad_enabled(enabled)

    def make_engine(
        self,
        params: TorchParams,
        spec: NetworkSpec,
        batch_size: int,
        n_samples: float,
        dispersion: float = 1.0,
        task: str | None = None,
    ) -> Engine:
        device = _device(params.device)
        dtype = np.dtype(spec.dtype if params.dtype is None else params.dtype)
        if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise ValueError(f"dtype must be float32 or float64, got {params.dtype!r}.")
        if params.module is None:
            self.check_memory(spec.layer_sizes, batch_size, dtype.itemsize, device)
        if spec.input_mask is not None and params.module is not None:
            raise ValueError(
                "input_groups shapes the built-in network's first layer; a custom "
                "module must build its own groups."
            )
        module = self._build_module(params, spec.layer_sizes, spec.seed)
        _check_module(module, spec.layer_sizes)
        engine: Engine = TorchMLP.from_spec(
            replace(spec, dtype=dtype),
            module,
            device=device,
            optimizer=params.optimizer,
            # Plain floats: torch's optimizers fail deep inside on a bool.
            lr=float(params.lr),
            momentum=float(params.momentum),
            weight_decay=self.weight_decay(params, spec, n_samples, dispersion, task),
            lr_schedule=params.lr_schedule,
        )
        return engine

    def load_weights(
        self,
        params: TorchParams,
        engine: Engine,
        coefs: Sequence[Any],
        intercepts: Sequence[Any],
        curvature: float,
    ) -> None:
        # The step is left as it is: Adam's does not scale with the curvature.
        layers = engine.linear_layers()  # type: ignore[attr-defined]
        with torch.no_grad():
            for layer, W, b in zip(layers, coefs, intercepts):
                weight = torch.as_tensor(np.asarray(W).T.copy())
                layer.weight.copy_(weight.to(layer.weight))
                layer.bias.copy_(torch.as_tensor(np.asarray(b)).to(layer.bias))

    def chunk_rows(self, layer_sizes: Sequence[int]) -> int:
        return int(chunk_rows(max(layer_sizes)))

    def memory(self, device: Any) -> tuple[int | None, str]:
        where = "memory" if device.type == "cpu" else f"memory of {device}"
        return available_memory(device), where

    def divergence_hints(self, params: TorchParams) -> list[str]:
        if not isinstance(params.weight_decay, str) and params.weight_decay > 1:
            return [
                f"weight_decay={params.weight_decay!r} is large; it is usually "
                "below 0.1."
            ]
        return []

    def fitted_attributes(self, params: TorchParams, engine: Engine) -> dict[str, Any]:
        attrs: dict[str, Any] = {"device_": str(engine.device)}  # type: ignore[attr-defined]
        if params.module is None:
            attrs.update(super().fitted_attributes(params, engine))
        return attrs

    def as_arrays(
        self, X: Any, y: Any, *, fitting: bool, owner: str
    ) -> tuple[Any, Any]:
        if is_torch_data(X):
            return dataset_to_arrays(X, y, fitting=fitting)  # type: ignore[no-any-return]
        return X, y

    def _build_module(
        self, params: TorchParams, layer_sizes: Sequence[int], seed: int
    ) -> Any:
        module = params.module
        if module is None:
            generator = torch.Generator().manual_seed(seed % 2**63)
            return build_mlp(layer_sizes, params.activation, generator)
        if isinstance(module, nn.Module):
            return copy.deepcopy(module)
        kwargs = check_module_params(module, params.module_params or {})
        built = build_seeded(
            lambda: construct_module(module, layer_sizes[0], layer_sizes[-1], kwargs),
            seed % 2**63,
        )
        if not isinstance(built, nn.Module):
            raise TypeError(
                "module must be a torch.nn.Module, or a class or callable that "
                f"returns one; {module!r} returned {type(built).__name__}."
            )
        return built


def _device(device: Any) -> Any:
    """The ``torch.device`` of the ``device`` parameter, checked."""
    if not (isinstance(device, str) and device == "auto"):
        try:
            torch.device(device)
        except (RuntimeError, ValueError, TypeError) as exc:
            raise ValueError(
                f"device={device!r} names no torch device; use 'auto', "
                "'cpu', 'cuda', 'cuda:<index>' or 'mps'."
            ) from exc
    return resolve_device(device)


def _check_module(module: Any, layer_sizes: Sequence[int]) -> None:
    """A module must map (n, n_features) to (n, n_outputs) raw outputs."""
    n_features, n_outputs = layer_sizes[0], layer_sizes[-1]
    param = next(module.parameters(), None)
    dtype = torch.float32 if param is None else param.dtype
    try:
        with torch.no_grad():
            out = module(torch.zeros(2, n_features, dtype=dtype))
    except Exception as exc:
        raise ValueError(
            f"module failed on a batch of shape (2, {n_features}) "
            f"(n_samples, n_features): {exc}"
        ) from exc
    if tuple(out.shape) != (2, n_outputs):
        raise ValueError(
            f"module must map (n_samples, {n_features}) to (n_samples, "
            f"{n_outputs}) raw outputs; it returned shape {tuple(out.shape)}."
        )
