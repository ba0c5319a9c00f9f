"""The boundary between the estimators and the two engines.

An engine owns a network's weights, its optimizer and its batch loop on one
backend (NumPy or torch). It is built from plain numbers (:class:`NetworkSpec`)
and trained on arrays that the estimator has already validated and encoded;
it knows nothing of scikit-learn. :class:`Engine` is the protocol both
engines implement (``tests/test_engines.py`` checks it): the training loop
(:mod:`rumelhart._training`), the estimators and the callbacks use nothing
else.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import DTypeLike, NDArray

#: Order of the numbers in each activation statistics vector.
ACTIVATION_STATS = ("mean", "std", "saturated", "dead")
#: Order of the numbers in each weight or gradient statistics vector.
TENSOR_STATS = ("mean", "std", "abs_max", "norm")

#: Outputs closer than this to a bound of a squashing unit count as saturated.
SATURATION_MARGIN = 0.02

#: A NumPy array of floats.
FloatArray = NDArray[np.floating[Any]]

#: Training data as :meth:`Engine.prepare` returns it: ``(X, Y,
#: sample_weight)`` in the engine's own form (tensors on the torch device).
Prepared = tuple[Any, Any, Any]

#: A statistics vector: a NumPy array, or a tensor on the torch device.
Stats = Any

#: ``[(layer name, statistics vector)]``.
LayerStats = list[tuple[str, Stats]]

#: ``on_batch(batch_loss, batch_weight)``: the batch's summed weighted loss
#: and its number of samples (or sum of weights); device scalars on torch.
BatchHook = Callable[[Any, Any], None]


@dataclass(frozen=True)
class NetworkSpec:
    """What an engine is built from: plain numbers and names, nothing else.

    Parameters
    ----------
    layer_sizes : tuple of int
        Units per layer, the input and output layers included.
    output_activation : {"identity", "logistic", "softmax", "exponential"}
        Activation of the output units (checked against ``loss`` by
        :func:`rumelhart._math.losses.check_output`).
    loss : str
        The error to minimise.
    reduction : {"mean", "sum"}
        A batch's error: the weighted mean or the sum of its samples' errors.
    dtype : numpy dtype
        float32 or float64.
    seed : int
        Seeds the engine's own generators (initial weights, shuffling).
    hidden_activation : str
        Activation of the hidden units.
    dead_zone : float
        With the squared error, an output within ``dead_zone`` of its
        target sends back no error (the paper's family trees use 0.2).
    input_mask : ndarray of shape (layer_sizes[0], layer_sizes[1]) or None
        Which connections of the first layer exist (1) and which do not (0);
        missing ones stay exactly zero. None: all exist.
    loss_param : tuple of float or None
        The loss's parameter per output unit (the Huber loss's ``delta``);
        None for a loss without one.
    """

    layer_sizes: tuple[int, ...]
    output_activation: str
    loss: str
    reduction: str = "mean"
    dtype: DTypeLike = np.float64
    seed: int = 0
    hidden_activation: str = "logistic"
    dead_zone: float = 0.0
    input_mask: NDArray[Any] | None = field(default=None, compare=False)
    loss_param: tuple[float, ...] | None = None


@runtime_checkable
class Engine(Protocol):
    """What the training loop, the estimators and the callbacks may call.

    ``Snapshot`` objects are opaque: only :meth:`restore` of the engine that
    made them (or a copy of it) reads them.
    """

    #: The floating-point type of weights and computations.
    dtype: np.dtype[Any]

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """Units per layer, the input and output layers included."""

    # -- training ---------------------------------------------------------
    def prepare(self, X: Any, Y: Any, sample_weight: Any = None) -> Prepared:
        """Training data in the engine's own form (on its device)."""

    def start_fit(self, n_samples: int, batch_size: int, max_epochs: int) -> None:
        """Set up what lives for one fit (a learning-rate schedule)."""

    def run_epoch(
        self,
        data: Prepared,
        batch_size: int,
        shuffle: bool = True,
        on_batch: BatchHook | None = None,
    ) -> float:
        """Train one sweep; the sweep's error (reduced as the spec says)."""

    def end_fit(self) -> None:
        """Drop what lives for one fit."""

    # -- state ------------------------------------------------------------
    def snapshot(self) -> Any:
        """A copy of the weights *and* the optimizer's state."""

    def restore(self, snapshot: Any) -> None:
        """Return to the state :meth:`snapshot` saved."""

    def reset_optimizer(self) -> None:
        """Forget the optimizer's running state (momentum, Adam moments)."""

    def seed(self, seed: int) -> None:
        """Reseed the generator used for shuffling."""

    def copy(self) -> "Engine":
        """An independent copy, to train without touching this engine."""

    def params_finite(self) -> bool:
        """Whether every weight is finite."""

    # -- inference --------------------------------------------------------
    def predict(self, X: Any) -> FloatArray:
        """The network's outputs for ``X``, a NumPy array."""

    def hidden(self, X: Any, layers: Sequence[int]) -> list[FloatArray]:
        """Outputs of the hidden layers ``layers`` (0-based), NumPy arrays."""

    def decode(self, H: Any, layer: int) -> FloatArray:
        """The network's outputs from hidden layer ``layer``'s outputs ``H``."""

    def weights(self) -> tuple[list[Any], list[Any]]:
        """``(coefs, intercepts)``: the weight matrices, shape (units in, units
        out), and the biases, as NumPy arrays."""

    # -- what the callbacks read and set ------------------------------------
    #: The learning rate, read at every step.
    lr: float
    #: The momentum (Adam's first beta), read at every step.
    momentum: float

    def layer_names(self) -> list[str]:
        """``hidden_1``, ..., ``output``: names of the weight layers."""

    def probe(self, data: Prepared, n_rows: int) -> Prepared:
        """The first ``n_rows`` samples of prepared training data."""

    def activation_stats(self, X: Any) -> LayerStats:
        """``[(layer name, stats)]``, stats in :data:`ACTIVATION_STATS` order."""

    def gradient_stats(self, X: Any, Y: Any, sample_weight: Any = None) -> LayerStats:
        """``[(layer name, stats)]`` of dE/dW, :data:`TENSOR_STATS` order."""

    def weight_stats(self) -> LayerStats:
        """``[(layer name, stats)]`` of the weights, :data:`TENSOR_STATS` order."""

    def to_numpy(self, stats: Stats) -> FloatArray:
        """A statistics vector as a NumPy array (a device sync on torch)."""


def layer_names(n_layers: int) -> list[str]:
    """Names of ``n_layers`` weight layers: ``hidden_1``, ..., ``output``."""
    return [f"hidden_{i + 1}" for i in range(n_layers - 1)] + ["output"]
