"""The NumPy backend: the paper's network and eq. 9 (:class:`NumpyMLP`)."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ... import _resources
from ..._engines.numpy import NumpyMLP, chunk_rows
from ..._math.activations import ALIASES, HIDDEN_ACTIVATIONS
from ..._warnings import warn
from ...exceptions import MomentumWarning
from .. import policy
from . import Backend, BackendSpec, Engine, NetworkSpec


@dataclass(frozen=True)
class NumpyParams:
    """The NumPy estimators' backend parameters."""

    activation: str
    eps: float
    alpha: float
    weight_decay: float | str
    decay_intercepts: bool
    init_range: float | str
    reduction: str


__all__ = ["ALIASES", "HIDDEN_ACTIVATIONS", "NumpyBackend", "NumpyParams"]


class NumpyBackend(Backend[NumpyParams]):
    """Builds :class:`~rumelhart._engines.numpy.NumpyMLP` engines."""

    params_type = NumpyParams
    learning_rate_name = "eps"
    rules = policy.NUMPY_AUTO

    def spec(self, params: NumpyParams) -> BackendSpec:
        return BackendSpec(
            hidden_activation=ALIASES.get(params.activation, params.activation),
            reduction=params.reduction,
        )

    def make_engine(
        self,
        params: NumpyParams,
        spec: NetworkSpec,
        batch_size: int,
        n_samples: float,
        dispersion: float = 1.0,
        task: str | None = None,
    ) -> Engine:
        self.check_memory(spec.layer_sizes, batch_size, np.dtype(spec.dtype).itemsize)
        engine: Engine = NumpyMLP.from_spec(
            spec,
            lr=params.eps,
            momentum=params.alpha,
            weight_decay=self.weight_decay(params, spec, n_samples, dispersion, task),
            decay_intercepts=params.decay_intercepts,
            init_range=params.init_range,
        )
        return engine

    def weight_decay(
        self,
        params: NumpyParams,
        spec: NetworkSpec,
        n_samples: float,
        dispersion: float,
        task: str | None = None,
    ) -> float:
        decay = super().weight_decay(params, spec, n_samples, dispersion, task)
        if params.weight_decay == "auto":
            # A shrink of d per change is a gradient step on an L2 penalty of
            # d / (2 eps): the same prior at any eps (the rule's d is eps=0.5's).
            decay *= 2 * params.eps
        return decay

    def load_weights(
        self,
        params: NumpyParams,
        engine: Engine,
        coefs: Sequence[Any],
        intercepts: Sequence[Any],
        curvature: float,
    ) -> None:
        # In place: the engine's arrays may be views of one flat buffer.
        own_coefs, own_intercepts = engine.weights()
        for target, source in zip(own_coefs + own_intercepts, [*coefs, *intercepts]):
            target[...] = source
        # Eq. 9 diverges from a start stiffer than 2 (1 + alpha) / eps: cap
        # the step at a share of that (see policy.AutoRules).
        stable = policy.AUTO.stable_step_share * 2 * (1 + params.alpha) / curvature
        engine._initial["lr"] = engine.lr = min(engine.lr, stable)  # type: ignore[attr-defined]

    def chunk_rows(self, layer_sizes: Sequence[int]) -> int:
        return int(chunk_rows(layer_sizes))

    def memory(self, device: object) -> tuple[int | None, str]:
        # Looked up at each call: tests shrink the machine by patching it.
        return _resources.available_host_memory(), "memory"

    def warn_about(self, params: NumpyParams) -> None:
        if 0 < params.alpha < 0.01:
            warn(
                f"alpha={params.alpha!r} is the momentum α of eq. 9 here, not "
                "scikit-learn's L2 penalty (that is weight_decay); momentum this "
                "small trains far slower than the default 0.9. Silence this with "
                "warnings.filterwarnings('ignore', category=rumelhart.exceptions"
                ".MomentumWarning).",
                MomentumWarning,
            )

    def divergence_hints(self, params: NumpyParams) -> list[str]:
        if not isinstance(params.init_range, str) and params.init_range > 10:
            return [
                f"init_range={params.init_range!r} starts from huge weights; the "
                "paper uses 0.3."
            ]
        return []
