"""Backends: objects that build and describe an engine for the estimator.

An estimator holds its backend as a class attribute (``_backend =
NumpyBackend()``), outside its ``__dict__``, so the pickled state of a
fitted estimator does not depend on it. A backend reads the estimator's
backend parameters once per call (:meth:`Backend.read`, a frozen
dataclass) and every method takes them explicitly.

This package is also the estimator layer's one door to the engines: every
import from the engine modules (the network spec, the engines, the losses)
is made here or in its two backends, so that moving the engines means
re-pointing these lines only.
"""

from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Generic, TypeVar

from ..._engines.protocol import Engine, NetworkSpec
from ..._math.losses import check_output, reduced_loss
from ..._resources import check_fit_memory
from ..._torch_data import is_torch_data
from .. import policy

__all__ = [
    "Backend",
    "BackendSpec",
    "Engine",
    "NetworkSpec",
    "check_output",
    "reduced_loss",
]

#: The backend's parameters, read off the estimator (a frozen dataclass).
P = TypeVar("P")


@dataclass(frozen=True)
class BackendSpec:
    """What the backend says about the network and its training."""

    hidden_activation: str
    reduction: str = "mean"


class Backend(ABC, Generic[P]):
    """Builds an engine from a :class:`NetworkSpec` and the backend's parameters."""

    #: The dataclass of the backend's parameters (field names are the
    #: estimator's parameter names).
    params_type: ClassVar[type[Any]]
    #: The estimator parameter that is the learning rate.
    learning_rate_name: ClassVar[str]
    #: The "auto" rules of the backend's estimators.
    rules: ClassVar[policy.AutoRules] = policy.AUTO

    def read(self, estimator: Any) -> P:
        """The backend's parameters as the estimator has them now."""
        names = [f.name for f in fields(self.params_type)]
        params: P = self.params_type(**{n: getattr(estimator, n) for n in names})
        return params

    def resolve(self, params: P, *, incremental: bool) -> P:
        """``params`` with its "auto" values made concrete for a ``fit``
        (``incremental=False``) or a ``partial_fit`` call."""
        return params

    @abstractmethod
    def spec(self, params: P) -> BackendSpec:
        """The :class:`BackendSpec` of ``params``."""

    def learning_rate(self, params: P) -> Any:
        """The learning rate's value, as the user gave it (for messages)."""
        return getattr(params, self.learning_rate_name)

    def weight_decay(
        self,
        params: P,
        spec: NetworkSpec,
        n_samples: float,
        dispersion: float,
        task: str | None = None,
    ) -> float:
        """The engine's decay for the ``weight_decay`` parameter
        (``policy.weight_decay`` under the backend's rules)."""
        return policy.weight_decay(
            params.weight_decay,  # type: ignore[attr-defined]
            n_samples,
            self.rules,
            spec.layer_sizes[0],
            spec.loss,
            dispersion,
            task=task,
            activation=spec.hidden_activation,
        )

    @abstractmethod
    def make_engine(
        self,
        params: P,
        spec: NetworkSpec,
        batch_size: int,
        n_samples: float,
        dispersion: float = 1.0,
        task: str | None = None,
    ) -> Engine:
        """A new engine for ``spec`` to train on ``n_samples`` rows (as the
        automatic decays count them: ``Rows.counted_rows``) of a ``task``
        (the targets' kind, by which the automatic decay's rules go) whose
        targets vary ``dispersion`` times as much as the loss assumes, after
        checking that batches of ``batch_size`` rows fit in memory."""

    @abstractmethod
    def load_weights(
        self,
        params: P,
        engine: Engine,
        coefs: Sequence[Any],
        intercepts: Sequence[Any],
        curvature: float,
    ) -> None:
        """Set a new engine's weights (shape (units in, units out)) and
        biases; ``curvature`` bounds the error's curvature there (a
        backend whose step does not adapt caps its step size by it)."""

    # -- resources ----------------------------------------------------------
    @abstractmethod
    def chunk_rows(self, layer_sizes: Sequence[int]) -> int:
        """Rows the engine processes at once within a large batch."""

    @abstractmethod
    def memory(self, device: Any) -> tuple[int | None, str]:
        """Bytes available on ``device`` (None: unknown) and its name."""

    def check_memory(
        self,
        layer_sizes: Sequence[int],
        batch_size: int,
        itemsize: int,
        device: Any = None,
    ) -> None:
        """Raise ``MemoryError`` before allocating a fit that cannot fit."""
        rows = min(batch_size, self.chunk_rows(layer_sizes))
        available, where = self.memory(device)
        check_fit_memory(layer_sizes, rows, itemsize, available, where)

    # -- what the estimator asks around a fit ---------------------------------
    def warn_about(self, params: P) -> None:
        """Warn of legal parameter values that are likely mistakes."""

    def divergence_hints(self, params: P) -> list[str]:
        """Likely causes of a divergence that the parameters show (sentences)."""
        return []

    def fitted_attributes(self, params: P, engine: Engine) -> dict[str, Any]:
        """Fitted attributes read off a trained engine."""
        coefs, intercepts = engine.weights()
        return {"coefs_": coefs, "intercepts_": intercepts}

    def process_state(self) -> AbstractContextManager[None]:
        """A context that puts back the process-wide state a fit may switch."""
        return nullcontext()

    def as_arrays(
        self, X: Any, y: Any, *, fitting: bool, owner: str
    ) -> tuple[Any, Any]:
        """The arrays behind ``X`` and ``y`` (``owner``: the estimator's name)."""
        if is_torch_data(X):
            raise TypeError(
                f"{owner} takes arrays, not a torch "
                f"{type(X).__name__}; the torch estimators (TorchMLPClassifier, "
                "TorchMLPRegressor) read torch Datasets and DataLoaders."
            )
        return X, y
