"""What both engines share: the epoch, chunks of rows, statistics, probes.

:class:`EngineBase` owns one sweep through the data once for both backends:
the choice between one full batch and mini-batches, the shuffled order,
the batch boundaries, the running sum of the batches' errors, the
``on_batch`` hook and the sweep's reduced error. A backend supplies a
:class:`Sweep` (how it gathers a batch and makes one change of the
weights), its network's layer outputs, gradients and weights for the
statistics, and an :class:`ArrayOps` for the few array operations that the
shared formulas need. The overflow guard of weighted batches
(:func:`error_factors`) and the chunking of rows (:func:`row_chunks`,
:func:`rows_per_chunk`, :func:`map_row_chunks`) live here too.
"""

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, ClassVar, NamedTuple, Protocol, overload

import numpy as np

from . import stats
from .protocol import BatchHook, FloatArray, LayerStats, Prepared, Stats, layer_names


class ArrayOps(Protocol):
    """The array operations that differ between NumPy and torch."""

    def sum(self, a: Any) -> Any:
        """The sum of ``a`` (a float on NumPy, a device scalar on torch)."""

    def add_up(self, totals: Sequence[Any]) -> Any:
        """The sum of the batches' errors, in the engine's order."""

    def ratio(self, total: Any, weight: Any) -> float:
        """``total / weight`` as a float (the sweep's mean error)."""

    def divide_or_zero(self, a: Any, total: Any) -> Any:
        """``a / total``, or zeros where ``total`` is not positive."""

    def float64(self, a: Any) -> Any:
        """``a`` in float64, detached from any graph."""

    def stack(self, values: list[Any]) -> Stats:
        """Scalars as one statistics vector."""

    def fraction(self, mask: Any) -> Any:
        """The share of True in a boolean array."""

    def all_rows(self, mask: Any) -> Any:
        """Per column: whether every row is True."""

    def std(self, a: Any) -> Any:
        """The (biased) standard deviation of every element."""

    def norm(self, a: Any) -> Any:
        """The Euclidean norm of every element."""

    def zero(self, like: Any) -> Any:
        """A scalar zero beside ``like``."""

    def to_numpy(self, a: Any) -> FloatArray:
        """``a`` as a NumPy array."""


class Batch(NamedTuple):
    """Rows of the training data, and the backend's work space for them."""

    X: Any
    Y: Any
    sample_weight: Any
    work: Any = None


class Sweep(Protocol):
    """How one backend trains during one sweep through prepared data."""

    def gather(self, order: Any, start: int, stop: int) -> Batch:
        """Rows ``start:stop`` of the data, of ``order`` if it is not None."""

    def step(self, batch: Batch, full: bool) -> Any:
        """One change of the weights on ``batch`` (``full``: all the data);
        the batch's ``sum_i w_i E_i``, measured before the change."""


def error_factors(sample_weight: Any, total: Any, scale: float, ops: ArrayOps) -> Any:
    """What each sample's error signal is multiplied by: ``scale / total``,
    or with weights ``w_i / total * scale`` (a vector).

    The overflow guard: the weights are divided by their total first, so
    each factor is at most ``|scale|``; ``scale / total`` alone overflows
    when the weights are tiny (float32 most readily). A total that is not
    positive gives zero factors.
    """
    if sample_weight is None:
        return scale / total
    shares = ops.divide_or_zero(sample_weight, total)
    return shares if scale == 1.0 else shares * scale


def rows_per_chunk(widest: int, elements: int, minimum: int) -> int:
    """Rows per chunk whose widest layer holds about ``elements`` numbers
    (at least ``minimum`` rows): memory stays bounded, arrays in cache."""
    return max(minimum, elements // max(widest, 1))


def row_chunks(n: int, rows: int) -> Iterator[tuple[int, int]]:
    """``(start, stop)`` of consecutive chunks of ``rows`` rows of ``n``."""
    for start in range(0, n, rows):
        yield start, min(start + rows, n)


def map_row_chunks(
    n: int, rows: int, compute: Callable[[int, int], list[FloatArray]]
) -> list[FloatArray]:
    """The arrays ``compute(start, stop)`` returns for rows ``start:stop``,
    computed chunk by chunk and stacked: only the results grow with ``n``.

    ``compute`` may return views of buffers that it reuses between chunks.
    """
    if n <= rows:
        return compute(0, n)
    out: list[FloatArray] = []
    for start, stop in row_chunks(n, rows):
        parts = compute(start, stop)
        if not out:
            out = [np.empty((n, *p.shape[1:]), p.dtype) for p in parts]
        for whole, part in zip(out, parts, strict=True):
            whole[start:stop] = part
    return out


class OptimizerSetting:
    """An attribute of the engine that reads and sets a setting of its
    optimizer (``lr``, ``momentum``), read at every step: a schedule or a
    callback may change it between steps. Set values are stored as floats."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, engine: None, owner: type) -> "OptimizerSetting": ...

    @overload
    def __get__(self, engine: "EngineBase", owner: type) -> float: ...

    def __get__(
        self, engine: "EngineBase | None", owner: type
    ) -> "float | OptimizerSetting":
        if engine is None:
            return self
        return engine._read_setting(self.name)

    def __set__(self, engine: "EngineBase", value: float) -> None:
        engine._write_setting(self.name, float(value))


class EngineBase(ABC):
    """The epoch, statistics and probes of an engine, written once.

    Subclasses set :attr:`ops` and :attr:`reduction`, and implement the
    abstract methods below.
    """

    #: The array operations of the backend.
    ops: ClassVar[ArrayOps]
    #: How a sweep's error is reduced: "mean" (weighted) or "sum".
    reduction: str = "mean"

    # -- the epoch -----------------------------------------------------------
    def run_epoch(
        self,
        data: Prepared,
        batch_size: int,
        shuffle: bool = True,
        on_batch: BatchHook | None = None,
    ) -> float:
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
        with self._epoch_context():
            return self._run_epoch(data, batch_size, shuffle, on_batch)

    def _run_epoch(
        self,
        data: Prepared,
        batch_size: int,
        shuffle: bool,
        on_batch: BatchHook | None,
    ) -> float:
        X, _, sample_weight = data
        n = X.shape[0]
        sweep = self._sweep(data)
        total_weight = n if sample_weight is None else self.ops.sum(sample_weight)
        if batch_size >= n:
            total = sweep.step(Batch(*data), True)
            if on_batch is not None:
                on_batch(total, total_weight)
            return self._sweep_error(total, total_weight)
        order = self._permutation(n) if shuffle else None
        totals = []
        for start, stop in row_chunks(n, batch_size):
            batch = sweep.gather(order, start, stop)
            batch_total = sweep.step(batch, False)
            totals.append(batch_total)
            if on_batch is not None:
                w = batch.sample_weight
                on_batch(batch_total, stop - start if w is None else self.ops.sum(w))
        return self._sweep_error(self.ops.add_up(totals), total_weight)

    def _sweep_error(self, total: Any, total_weight: Any) -> float:
        if self.reduction == "sum":
            return float(total)
        return self.ops.ratio(total, total_weight)

    def _epoch_context(self) -> AbstractContextManager[Any]:
        """What an epoch runs in (torch: gradients on, training mode)."""
        return contextlib.nullcontext()

    @abstractmethod
    def _sweep(self, data: Prepared) -> Sweep:
        """How this engine trains on ``data`` during one sweep."""

    @abstractmethod
    def _permutation(self, n: int) -> Any:
        """A random order of ``n`` rows, from the engine's own generator."""

    # -- what the callbacks read and set -------------------------------------
    #: The learning rate, read at every step.
    lr = OptimizerSetting()
    #: The momentum (Adam's first beta on torch), read at every step.
    momentum = OptimizerSetting()

    @abstractmethod
    def _read_setting(self, name: str) -> float:
        """The optimizer's setting ``name`` ("lr" or "momentum")."""

    @abstractmethod
    def _write_setting(self, name: str, value: float) -> None:
        """Set the optimizer's setting ``name`` ("lr" or "momentum")."""

    @staticmethod
    def probe(data: Prepared, n_rows: int) -> Prepared:
        """The first ``n_rows`` samples of :meth:`prepare`'s data."""
        X, Y, w = (None if a is None else a[:n_rows] for a in data)
        return X, Y, w

    def layer_names(self) -> list[str]:
        """``hidden_1``, ..., ``output``: one per weight matrix."""
        return layer_names(len(self._weight_matrices()))

    def activation_stats(self, X: Any) -> LayerStats:
        """``[(layer name, ACTIVATION_STATS)]`` of each layer's outputs on ``X``."""
        outputs = self._layer_outputs(X)
        names = layer_names(len(outputs))
        return [
            (name, stats.activation_stats(a, kind, self.ops))
            for name, (kind, a) in zip(names, outputs, strict=True)
        ]

    def gradient_stats(self, X: Any, Y: Any, sample_weight: Any = None) -> LayerStats:
        """``[(layer name, TENSOR_STATS)]`` of dE/dW on ``(X, Y)``; the
        optimizer's gradients and state are untouched."""
        grads = self._weight_gradients(X, Y, sample_weight)
        names = layer_names(len(grads))
        return [
            (name, stats.tensor_stats(g, self.ops))
            for name, g in zip(names, grads, strict=True)
        ]

    def weight_stats(self) -> LayerStats:
        """``[(layer name, TENSOR_STATS)]`` of each weight matrix."""
        weights = self._weight_matrices()
        names = layer_names(len(weights))
        return [
            (name, stats.tensor_stats(W, self.ops))
            for name, W in zip(names, weights, strict=True)
        ]

    def to_numpy(self, stats: Stats) -> FloatArray:
        """A statistics vector as a NumPy array (a device sync on torch)."""
        return self.ops.to_numpy(stats)

    @abstractmethod
    def _layer_outputs(self, X: Any) -> list[tuple[str, Any]]:
        """``[(activation name, outputs)]`` of every layer on ``X``."""

    @abstractmethod
    def _weight_gradients(self, X: Any, Y: Any, sample_weight: Any) -> list[Any]:
        """dE/dW of every weight matrix on ``(X, Y)``."""

    @abstractmethod
    def _weight_matrices(self) -> list[Any]:
        """Every weight matrix, in order."""
