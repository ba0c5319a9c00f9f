"""The estimators' constructor parameters, each declared once.

Groups of parameters, each a dataclass field with its type and default. An
estimator class lists the groups it takes as bases and is itself decorated
with ``@dataclass(repr=False, eq=False, kw_only=True)``: ``dataclasses``
writes its explicit ``__init__`` (one attribute per parameter, stored as
passed, as scikit-learn requires), which ``inspect.signature`` - hence
``get_params``, ``clone`` and IDEs - read like a hand-written one.
``repr=False`` keeps scikit-learn's repr, ``eq=False`` keeps estimators
hashable and compared by identity.

Two rules of ``dataclasses`` shape the groups:

* fields come in the order of the bases from the **last** to the first,
  so the combinations below list their groups last one first;
* a field declared again keeps its place and takes the new default, which
  is how a class whose default differs (``eps``, ``max_iter``,
  ``transform_layer``) re-declares just that field.

``hidden_layer_sizes`` is the one positional parameter; every other field
is keyword-only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # the types only: importing rumelhart never imports torch
    import numpy as np

    from ..callbacks import Callback
    from .backends.torch import nn, torch

__all__ = [
    "AutoencoderParameters",
    "ClassifierParameters",
    "NumpyParameters",
    "RegressorParameters",
    "TorchModuleParameters",
    "TorchParameters",
]


@dataclass(repr=False, eq=False)
class _Layers:
    hidden_layer_sizes: Sequence[int] = (100,)


# The task groups: the network's layers, then what the task adds.


@dataclass(repr=False, eq=False, kw_only=True)
class ClassifierParameters(_Layers):
    """The classifiers' own parameters."""

    loss: Literal["log_loss", "squared_error"] = "log_loss"
    class_weight: Mapping[Any, float] | Literal["balanced"] | None = None
    dead_zone: float = 0.0


@dataclass(repr=False, eq=False, kw_only=True)
class RegressorParameters(_Layers):
    """The regressors' own parameters."""

    scale_target: bool = True
    loss: str = "squared_error"
    huber_delta: float = 1.0
    quantile: float | Sequence[float] = 0.5
    conformalize_quantiles: bool | Literal["split", "cross"] = True


@dataclass(repr=False, eq=False, kw_only=True)
class AutoencoderParameters(_Layers):
    """The autoencoders' own parameters (and their narrower default layers)."""

    hidden_layer_sizes: Sequence[int] = field(default=(8,), kw_only=False)
    output_activation: Literal["identity", "logistic"] = "identity"
    init: Literal["auto", "pca", "random"] = "auto"


# The groups every backend shares.


@dataclass(repr=False, eq=False, kw_only=True)
class _Training:
    batch_size: int | Literal["auto"] | None = "auto"
    shuffle: bool = True
    max_iter: int = 1000
    tol: float | Literal["auto"] = "auto"
    n_iter_no_change: int = 10
    early_stopping: bool | Literal["auto"] = "auto"
    validation_fraction: float = 0.1
    scoring: str | Callable[..., float] | None = "auto"
    random_state: int | np.random.RandomState | None = None
    verbose: int = 0
    warm_start: bool = False


@dataclass(repr=False, eq=False, kw_only=True)
class _Representation:
    input_groups: list[Any] | None = None
    transform_layer: int | Literal["all"] | None = -1
    callbacks: Callback | Sequence[Callback] | None = None


# The NumPy estimators: eq. 9 of the paper.


@dataclass(repr=False, eq=False, kw_only=True)
class _NumpyUpdate:
    activation: str = "logistic"
    eps: float = 0.05
    alpha: float = 0.9
    weight_decay: float | Literal["auto"] = 0.0
    decay_intercepts: bool = False
    init_range: float | Literal["auto"] = "auto"
    reduction: Literal["mean", "sum"] = "mean"


@dataclass(repr=False, eq=False, kw_only=True)
class NumpyParameters(_Representation, _Training, _NumpyUpdate):
    """The NumPy estimators' parameters besides the task's."""


# The torch estimators: torch's optimizers, devices and custom modules.


@dataclass(repr=False, eq=False, kw_only=True)
class _TorchUpdate:
    activation: str = "relu"
    optimizer: Literal["adam", "adamw", "sgd"] = "adam"
    lr: float | Literal["auto"] = "auto"
    momentum: float = 0.9
    weight_decay: float | Literal["auto"] = 0.0
    lr_schedule: Literal["constant", "onecycle", "cosine"] = "constant"


@dataclass(repr=False, eq=False, kw_only=True)
class _TorchTraining(_Training):
    max_iter: int = 500


@dataclass(repr=False, eq=False, kw_only=True)
class _Device:
    device: str | torch.device = "auto"
    dtype: str | type | np.dtype[Any] | None = None


@dataclass(repr=False, eq=False, kw_only=True)
class _Module:
    module: nn.Module | Callable[..., nn.Module] | None = None
    module_params: dict[str, Any] | None = None


@dataclass(repr=False, eq=False, kw_only=True)
class TorchParameters(_Representation, _Device, _TorchTraining, _TorchUpdate):
    """The torch estimators' parameters besides the task's (no custom module)."""


@dataclass(repr=False, eq=False, kw_only=True)
class TorchModuleParameters(
    _Representation, _Module, _Device, _TorchTraining, _TorchUpdate
):
    """:class:`TorchParameters` and a custom ``module`` with its parameters."""
