"""What a callback sees: the training context and a view of the engine.

Both are public through :mod:`rumelhart.callbacks`. New information reaches
callbacks as new attributes of :class:`TrainingContext`, so a callback written
against today's context keeps working.
"""

import copy
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:  # the loop's bookkeeping; _training imports this module
    from ._training import TrainingState

#: ``[(layer name, statistics vector)]``, as the engines return them.
LayerStats = list[tuple[str, Any]]

__all__ = ["EngineView", "TrainingContext"]


class EngineView:
    """The part of a training engine that callbacks may use, on either backend.

    Statistics are returned as small arrays on the engine's device (torch
    tensors for the torch estimators), so that recording never forces a
    host sync; :meth:`to_numpy` converts one when needed.

    Parameters
    ----------
    engine : object
        The estimator's engine (NumPy or torch).
    """

    __slots__ = ("_engine",)

    def __init__(self, engine: Any) -> None:
        self._engine = engine

    @property
    def lr(self) -> float:
        """Learning rate used by the next change of the weights (settable)."""
        return cast(float, self._engine.lr)

    @lr.setter
    def lr(self, value: float) -> None:
        self._engine.lr = value

    @property
    def momentum(self) -> float:
        """Momentum (Adam: its first beta) of the next change (settable).

        The velocity of eq. 9 is kept when it changes.
        """
        return cast(float, self._engine.momentum)

    @momentum.setter
    def momentum(self, value: float) -> None:
        self._engine.momentum = value

    def layer_names(self) -> list[str]:
        """Names of the weight layers: ``hidden_1``, ..., ``output``."""
        return cast(list[str], self._engine.layer_names())

    def activation_stats(self, X: Any) -> LayerStats:
        """``[(layer, [mean, std, saturated, dead])]`` of each layer's outputs.

        ``X`` is prepared data (see :meth:`TrainingContext.probe`).
        ``saturated`` is the share of outputs within 0.02 of a bound of a
        logistic, tanh or softmax unit, ``dead`` the share of units that are
        <= 0 on every sample.
        """
        return cast(LayerStats, self._engine.activation_stats(X))

    def gradient_stats(self, X: Any, Y: Any, sample_weight: Any = None) -> LayerStats:
        """``[(layer, [mean, std, abs_max, norm])]`` of dE/dW on prepared data.

        The optimizer's own gradients and state are not touched.
        """
        return cast(LayerStats, self._engine.gradient_stats(X, Y, sample_weight))

    def weight_stats(self) -> LayerStats:
        """``[(layer, [mean, std, abs_max, norm])]`` of each weight matrix."""
        return cast(LayerStats, self._engine.weight_stats())

    def to_numpy(self, stats: Any) -> NDArray[Any]:
        """A statistics vector as a NumPy array (one device sync on torch)."""
        return cast(NDArray[Any], self._engine.to_numpy(stats))

    def weights(self) -> tuple[list[NDArray[Any]], list[NDArray[Any]]]:
        """``(coefs, intercepts)``: lists of NumPy arrays, ``coefs[i]`` of
        shape (units of layer i, units of layer i + 1)."""
        coefs, intercepts = self._engine.weights()
        return [np.array(c) for c in coefs], [np.array(b) for b in intercepts]

    def predict(self, X: Any) -> NDArray[Any]:
        """The network's outputs (after the output units) for NumPy ``X``."""
        outputs = self._engine.predict(np.asarray(X, dtype=self._engine.dtype))
        return cast(NDArray[Any], outputs)

    def snapshot(self) -> Any:
        """An opaque copy of the weights and the optimizer's state."""
        return self._engine.snapshot()

    def restore(self, snapshot: Any) -> None:
        """Return to a state saved by :meth:`snapshot`."""
        self._engine.restore(snapshot)


class TrainingContext:
    """The state of a fit, passed to every callback hook.

    Attributes
    ----------
    estimator : estimator
        The estimator being fitted (read its parameters, not its fitted
        attributes: those are set when the fit ends).
    engine : EngineView
        Learning rate, momentum, statistics and snapshots of the network.
    epoch : int
        The current epoch, counted from 1 over ``warm_start`` fits and
        ``partial_fit`` calls (0 before the first).
    step : int
        Changes of the weights made so far, counted like ``epoch``.
    batch_loss, batch_weight : scalar
        In ``on_batch_end``: the batch's summed (weighted) loss and its
        number of samples (or sum of weights); torch device scalars on the
        torch estimators (read them without forcing a sync).
    logs : dict
        In ``on_epoch_end``: ``epoch``, ``loss``, ``time`` (seconds), and
        with ``early_stopping`` ``validation_score`` and ``validation_loss``.
    state : TrainingState
        The fit's bookkeeping: ``n_iter`` (epochs of this fit), ``loss_curve``,
        ``validation_scores``, ``best_loss``, ``stop_reason``...
    max_epochs : int
        Epochs this fit may run.
    stop_training : bool
        Set to True to stop after the current epoch (as raising
        :class:`~rumelhart.exceptions.StopTraining` stops at once).
    stop_reason : str or None
        In ``on_fit_end``: ``"converged"``, ``"max_iter"``, ``"callback"``,
        ``"interrupted"``, ``"diverged"`` or ``"partial_fit"``.
    restored_best : bool
        Set by a callback that put back an earlier, better state (as
        :class:`~rumelhart.callbacks.EarlyStopping` does); a fit that diverged
        then keeps that state instead of failing.

    Methods :meth:`predict` and :meth:`score` use the estimator with the
    weights of the moment, e.g. to score a validation set of your own.
    """

    def __init__(
        self,
        estimator: Any,
        engine: Any,
        data: Any,
        state: "TrainingState",
        max_epochs: int,
        fitted: dict[str, Any] | None = None,
    ) -> None:
        self.estimator = estimator
        self.engine = EngineView(engine)
        self.state = state
        self.max_epochs = max_epochs
        self.epoch = state.epoch
        self.step = state.n_steps
        self.batch_loss: Any = None
        self.batch_weight: Any = None
        self.logs: dict[str, Any] = {}
        self.stop_training = False
        self.stop_reason: str | None = None
        self.restored_best = False
        self._engine = engine
        self._data = data
        self._fitted = {} if fitted is None else fitted

    def _model_now(self) -> Any:
        """A shallow copy of the estimator, fitted with the current weights."""
        model = copy.copy(self.estimator)
        model.__dict__.update(self._fitted)
        model._engine = self._engine
        return model

    def predict(self, X: Any) -> Any:
        """The estimator's ``predict`` with the weights of this moment.

        For a validation score during training (``estimator.predict`` works
        only once the fit has ended).
        """
        return self._model_now().predict(X)

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """The estimator's ``score`` with the weights of this moment."""
        return cast(float, self._model_now().score(X, y, sample_weight=sample_weight))

    def probe(self, n_rows: int) -> tuple[Any, Any, Any]:
        """The first ``n_rows`` training samples ``(X, Y, sample_weight)``,
        prepared as the engine trains on them (tensors on the torch device)."""
        return cast(tuple[Any, Any, Any], self._engine.probe(self._data, n_rows))
