"""One fit in progress: what it trains on, how, and what it leaves behind.

A :class:`FitRun` is made once per call of ``fit`` or ``partial_fit``, after
the inputs are checked and the targets encoded, and travels instead of long
argument lists: it holds the validated data, the encoded targets and the
attributes that decode them, the backend and its parameters, the seed, the
validation mode and the Ctrl-C gate. It plans each training (batches,
epochs, the validation split), runs it through the loop and turns the result
into the estimator's fitted attributes.
"""

import copy
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from .._groups import input_mask
from .._training import (
    InterruptGate,
    OutputMeasure,
    TrainingJob,
    TrainingPlan,
    TrainingState,
    Validation,
    train,
)
from .._warnings import warn
from ..callbacks import Callback, ParamScheduler
from ..exceptions import DivergenceError
from . import policy
from .backends import Backend, Engine, NetworkSpec, check_output
from .dispersion import poisson_dispersion
from .held_out import (
    HeldOut,
    check_given,
    engine_scorer,
    negated,
    validated_held_out,
)
from .inputs import large_value_hints
from .pca_start import leaves_start, row_errors
from .targets import TargetSpec, calibrated_loss, output_loss


@dataclass(frozen=True)
class FitSettings:
    """The estimator's training parameters (the backend's are read apart)."""

    batch_size: int | str | None
    shuffle: bool
    max_iter: int
    early_stopping: bool | str
    validation_fraction: float
    n_iter_no_change: int
    tol: float | str
    verbose: int
    callbacks: Any  #: the parameter itself: fit trains with copies
    input_groups: Any

    @classmethod
    def of(cls, estimator: Any) -> "FitSettings":
        """The settings as ``estimator`` has them now (fields are named as
        its parameters)."""
        return cls(**{f.name: getattr(estimator, f.name) for f in fields(cls)})


@dataclass(frozen=True)
class Rows:
    """Training rows: inputs, encoded targets, weights (or None)."""

    X: Any
    Y: NDArray[Any]
    sample_weight: NDArray[Any] | None

    @property
    def n(self) -> int:
        return int(self.X.shape[0])

    @property
    def counted_rows(self) -> float:
        """The rows counted as the automatic decays count them: their total
        weight in units of the smallest positive weight. Unweighted or
        equally weighted, their number; a weight of k counts as k repeated
        rows (scikit-learn's sample-weight checks); and scaling every weight
        changes nothing."""
        if self.sample_weight is None:
            return float(self.n)
        weights = np.asarray(self.sample_weight, np.float64)
        with np.errstate(over="ignore"):  # subnormal weights: no decay
            return float(np.sum(weights / weights[weights > 0].min()))


@dataclass(frozen=True)
class Start:
    """A new network's initial weights, chosen by the task part."""

    coefs: Sequence[Any]  #: shape (units in, units out), per layer
    intercepts: Sequence[Any]
    curvature: float  #: a bound of the error's curvature there
    #: a start of its own (the autoencoders' PCA path) that the trained
    #: network must beat on held-out rows; False: the engine's random draw,
    #: given only for its curvature (a step to cap)
    candidate: bool = True


@dataclass(frozen=True)
class Trained:
    """What one training left: the engine, its bookkeeping, the callbacks."""

    engine: Engine
    state: TrainingState
    callbacks: list[Callback]


@dataclass
class FitRun:
    """One call of ``fit`` or ``partial_fit`` in progress."""

    estimator: Any  #: the estimator being fitted (callbacks see it)
    settings: FitSettings
    backend: Backend[Any]
    params: Any  #: the backend's parameters (``backend.read(estimator)``)
    data: Rows  #: all of it, validated and encoded
    target: TargetSpec
    target_attrs: dict[str, Any]  #: classes, target scaling, ``_target``...
    feature_names: NDArray[Any] | None  #: ``feature_names_in_`` of the data
    score: OutputMeasure  #: the task's validation score of outputs
    stratify: NDArray[Any] | None  #: labels to stratify a split by
    hidden: tuple[int, ...]  #: units of the hidden layers
    seed: int
    mode: policy.Mode
    incremental: bool  #: ``partial_fit``: one epoch on what it is given
    continuing: bool  #: from the fitted network (warm start, ``partial_fit``)
    gate: InterruptGate = field(default_factory=InterruptGate)
    #: ``fit``'s ``X_val``/``y_val``: the only validation rows when given
    held_out: HeldOut | None = None
    #: the ``scoring`` parameter, checked: None, "loss", "calibrated_loss"
    #: or a scorer
    scorer: Any = None
    y: Any = None  #: the targets as given, for a scorer on a split of them
    #: a new network began at the task part's own start (not at random)
    started: bool = False
    calibration: dict[str, Any] | None = None  #: measured on validation rows

    # -- planning -----------------------------------------------------------
    def network_spec(self) -> NetworkSpec:
        """The :class:`NetworkSpec` of a new network."""
        target, backend = self.target, self.backend.spec(self.params)
        check_output(target.loss, target.output_activation)
        n_features, hidden = self.data.X.shape[1], self.hidden
        return NetworkSpec(
            layer_sizes=(n_features, *hidden, self.data.Y.shape[1]),
            output_activation=target.output_activation,
            loss=target.loss,
            reduction=backend.reduction,
            dtype=self.data.X.dtype,
            seed=self.seed,
            hidden_activation=backend.hidden_activation,
            dead_zone=target.dead_zone,
            loss_param=target.loss_param,
            input_mask=self._input_mask(n_features),
        )

    def _input_mask(self, n_features: int) -> NDArray[Any] | None:
        """Connections of the first layer (None: all); see ``input_groups``."""
        groups = self.settings.input_groups
        if not groups:
            return None
        if not self.hidden:
            raise ValueError("input_groups needs a hidden layer to feed.")
        mask: NDArray[Any] = input_mask(
            groups, n_features, self.hidden[0], self.feature_names
        )
        return mask

    def hold_out(self, X_val: Any, y_val: Any, sample_weight_val: Any) -> None:
        """Take ``fit``'s validation rows, if any: they decide early
        stopping instead of a split of ``X``."""
        estimator = self.estimator
        given = check_given(
            estimator, X_val, y_val, sample_weight_val, estimator._supervised
        )
        if not given:
            return
        # y_val is encoded as y was (classes, target scale); fit's
        # transaction rolls these attributes back if anything fails.
        estimator.__dict__.update(self.target_attrs)
        self.held_out = validated_held_out(
            estimator, X_val, y_val, sample_weight_val, self.data.X.dtype
        )
        self.mode = policy.validation_mode(
            estimator.early_stopping,
            self.data.n,
            self.target.task,
            incremental=self.incremental,
            continuing=self.continuing,
            given=True,
            rules=self.backend.rules,
            loss=self.target.loss,
        )

    def plan(
        self, mode: policy.Mode, fraction: float | None = None
    ) -> tuple[TrainingPlan, Rows]:
        """The :class:`TrainingPlan`, and the rows to train on (without the
        validation split of ``fraction``, ``validation_fraction`` by default)."""
        rows, validation = self.data, None
        if mode == "holdout" and not self.incremental:
            if self.held_out is not None:  # all of X trains
                validation = self.validation(self.held_out)
            else:
                fraction = (
                    self.settings.validation_fraction if fraction is None else fraction
                )
                rows, validation = self.split(fraction)
        exhausted = "partial_fit" if self.incremental else "max_iter"
        plan = TrainingPlan(
            batch_size=policy.batch_size(self.settings.batch_size, rows.n),
            shuffle=self.settings.shuffle,
            max_epochs=1 if self.incremental else self.settings.max_iter,
            probe_X=rows.X[:256],
            validation=validation,
            exhausted="refit" if mode == "refit" else exhausted,
        )
        return plan, rows

    def split(self, fraction: float) -> tuple[Rows, Validation]:
        """The training rows and the held-out :class:`Validation`."""
        data, asked = self.data, self.settings.validation_fraction
        arrays = [data.X, data.Y]
        arrays += [] if data.sample_weight is None else [data.sample_weight]
        # The targets as given, for a scorer (the same rows are drawn).
        arrays += [self.y] if callable(self.scorer) else []
        try:
            parts = train_test_split(
                *arrays,
                test_size=fraction,
                random_state=self.seed % (2**32),
                stratify=self.stratify,
            )
        except ValueError as exc:  # too few samples for the split
            raise ValueError(
                f"early_stopping cannot hold out validation_fraction={asked} of "
                f"{data.n} samples: {exc} Change validation_fraction, give more "
                "samples or set early_stopping=False."
            ) from exc
        _check_split(parts, data, asked)
        X_train, X_val, Y_train, Y_val = parts[:4]
        sw_train, sw_val = (None, None) if data.sample_weight is None else parts[4:6]
        y_val = parts[-1] if callable(self.scorer) else None
        validation = self.validation(HeldOut(X_val, Y_val, sw_val, y_val))
        return Rows(X_train, Y_train, sw_train), validation

    def validation(self, rows: HeldOut) -> Validation:
        """The loop's :class:`Validation` of ``rows``, measured by ``scoring``."""
        reduction = self.backend.spec(self.params).reduction
        loss = output_loss(self.target, reduction)
        score_engine = None
        if callable(self.scorer):
            score_engine = engine_scorer(
                self.scorer, self.estimator, self.target_attrs, rows
            )
        return Validation(
            rows.X,
            rows.Y,
            rows.sample_weight,
            score=self._held_out_score(loss),
            loss=loss,
            score_engine=score_engine,
        )

    def _held_out_score(self, loss: OutputMeasure) -> OutputMeasure:
        """The score of outputs on validation rows under ``scoring``."""
        if self.scorer == "loss":
            return negated(loss)
        if self.scorer == "calibrated_loss":
            return negated(calibrated_loss(self.target))
        return self.score  # the task's own (a scorer callable goes around it)

    # -- training -----------------------------------------------------------
    def make_engine(self, spec: NetworkSpec, plan: TrainingPlan, rows: Rows) -> Engine:
        """A new engine for ``spec`` (the backend checks the memory first),
        started where the task part says (the autoencoders' PCA path);
        ``plan`` then runs no epoch where the start is kept."""
        engine = self.backend.make_engine(
            self.params,
            spec,
            plan.batch_size,
            rows.counted_rows,
            self.dispersion,
            self.target.task,
        )
        start = self.estimator._start_weights(rows.X, rows.sample_weight, spec, engine)
        if start is not None:
            self.backend.load_weights(
                self.params, engine, start.coefs, start.intercepts, start.curvature
            )
            self.started = start.candidate
        if self.keeps_start():
            plan.max_epochs, plan.exhausted = 0, "start"
        return engine

    def keeps_start(self) -> bool:
        """Whether a new network stays at the start of its own it began at
        (the autoencoders' PCA path): ``early_stopping="auto"`` on data too
        small for a split that could show that leaving it pays
        (``policy.AutoRules.min_validation_by_task``). Trained to
        convergence on 21-45 rows, a ``(64, k, 64)`` network ended at up to
        2.2 times PCA's test error (issue 23)."""
        auto = self.settings.early_stopping == "auto"
        return self.started and auto and self.mode == "off" and not self.incremental

    @functools.cached_property
    def dispersion(self) -> float:
        """How many times the targets as trained (``scale_target`` divides
        counts by their mean) vary as much as the loss assumes, for the
        automatic decay (Poisson only; 1 otherwise)."""
        auto = getattr(self.params, "weight_decay", None) == "auto"
        if not auto or self.target.loss != "poisson":
            return 1.0
        return poisson_dispersion(self.data.X, self.data.Y, self.data.sample_weight)

    def fresh_callbacks(self) -> list[Callback]:
        """Checked copies of the ``callbacks`` parameter."""
        return copy_callbacks(self.settings.callbacks)

    def train(self, trained: Trained, rows: Rows, plan: TrainingPlan) -> None:
        """Run the loop; explain a divergence and warn of a missed convergence."""
        settings = self.settings
        job = TrainingJob(
            engine=trained.engine,
            data=trained.engine.prepare(rows.X, rows.Y, rows.sample_weight),
            plan=plan,
            callbacks=trained.callbacks
            + policy.default_callbacks(
                plan,
                n_iter_no_change=settings.n_iter_no_change,
                tol=policy.convergence_tol(
                    settings.tol,
                    self.target.task,
                    held_out=plan.validation is not None,
                    rules=self.backend.rules,
                ),
                verbose=settings.verbose,
                rules=self.backend.rules,
                lr=None if _schedules_rate(trained.callbacks) else trained.engine.lr,
            ),
            state=trained.state,
            gate=self.gate,
            estimator=self.estimator,
            fitted=self.target_attrs,
        )
        try:
            reason = train(job)
        except DivergenceError as exc:
            raise _divergence_error(self.backend, self.params, exc, plan) from None
        _warn_of_outcome(self.backend, trained.state, plan, reason)
        if plan.validation is not None:  # "refit": the first training's rows
            self.calibration = self.estimator._calibrated(
                trained.engine, plan.validation, self.target_attrs
            )

    def refit(self, spec: NetworkSpec) -> Trained:
        """``early_stopping="auto"`` on small data: find the best number of
        epochs on a held-out split, then train that many epochs on all the
        data from the same initial weights.

        Returns the second training (the first, when Ctrl-C ended it).
        """
        fraction = self.backend.rules.refit_validation_fraction
        plan, rows = self.plan("holdout", fraction=fraction)
        first = Trained(self.make_engine(spec, plan, rows), TrainingState(), [])
        # A start of its own (the autoencoders' PCA path) is a candidate too:
        # no epochs unless the best one beats it beyond the split's noise.
        validation = plan.validation if self.started else None
        start = None
        if validation is not None:
            start = row_errors(first.engine.predict(validation.X), validation.Y)
        self.train(first, rows, plan)
        if first.state.stop_reason == "interrupted":
            return first
        scores = cast(list[float], first.state.validation_scores)
        epochs = policy.refit_epochs(scores, self.backend.rules)
        if validation is not None and not self._beats_start(first, validation, start):
            epochs = 0
        elif not self._settles(epochs, rows, plan):
            return first  # its best epoch, restored, is the one validated
        plan, rows = self.plan("refit")
        plan.max_epochs = epochs
        engine = self.make_engine(spec, plan, rows)
        second = Trained(engine, TrainingState(), self.fresh_callbacks())
        self.train(second, rows, plan)
        state = second.state
        state.validation_scores = first.state.validation_scores
        state.validation_losses = first.state.validation_losses
        state.best_validation_score = first.state.best_validation_score
        return second

    def _settles(self, epochs: int, rows: Rows, plan: TrainingPlan) -> bool:
        """Whether a refit of ``epochs`` epochs can be trusted to end near
        the validated one: the first run, on ``rows`` in ``plan``'s
        batches, took enough updates to reach it
        (``policy.refit_is_settled``). With callbacks of the caller's it
        always refits: they see the second run only."""
        if self.settings.callbacks:
            return True
        rules = self.backend.rules
        return policy.refit_is_settled(epochs, rows.n, plan.batch_size, rules)

    def _beats_start(self, first: Trained, validation: Validation, start: Any) -> bool:
        """Whether the first run's best weights (restored) beat the start on
        ``validation`` beyond its noise."""
        best = row_errors(first.engine.predict(validation.X), validation.Y)
        z = self.backend.rules.leave_start_z
        return leaves_start(start, best, validation.sample_weight, z)


# -- outcome ------------------------------------------------------------------
def fitted_attributes(run: FitRun, trained: Trained) -> dict[str, Any]:
    """The estimator's fitted attributes after ``run`` left ``trained``."""
    engine, state, callbacks = trained.engine, trained.state, trained.callbacks
    records: dict[str, Any] = {"epochs": state.epochs}
    for callback in cast(list[Any], callbacks):  # callbacks.py is untyped
        if callback.records() is not None:
            records[callback.key] = callback.records()
    return {
        **run.target_attrs,
        **_calibration(run, engine, state.stop_reason == "interrupted"),
        "loss_curve_": list(state.loss_curve),
        "best_loss_": state.best_loss,
        "loss_": state.loss_curve[-1] if state.loss_curve else np.nan,
        "validation_scores_": _copy_or_none(state.validation_scores),
        "validation_loss_": _copy_or_none(state.validation_losses),
        "best_validation_score_": state.best_validation_score,
        "n_iter_": state.n_iter,
        "n_steps_": state.n_steps,
        "t_": state.n_samples_seen,
        "stop_reason_": state.stop_reason,
        "history_": records,
        "callbacks_": callbacks,
        "n_outputs_": run.data.Y.shape[1],
        "n_layers_": len(engine.layer_sizes) or None,
        "out_activation_": engine.output_activation,  # type: ignore[attr-defined]
        "_callbacks_source": run.settings.callbacks,
        "_state": state,
        "_engine": engine,
        **run.backend.fitted_attributes(run.params, engine),
    }


def _divergence_error(
    backend: Backend[Any], params: Any, exc: DivergenceError, plan: TrainingPlan
) -> DivergenceError:
    """The error a diverged fit raises: where, and what to change."""
    name = backend.learning_rate_name
    value = backend.learning_rate(params)
    hints = backend.divergence_hints(params)
    hints += large_value_hints(plan.probe_X)
    return DivergenceError(
        " ".join(
            [
                f"Training diverged at epoch {exc.epoch}: {exc.what}. The "
                f"learning rate {name}={value!r} is likely too "
                f"large; try a smaller {name}.",
                *hints,
            ]
        )
    )


def _warn_of_outcome(
    backend: Backend[Any], state: TrainingState, plan: TrainingPlan, reason: str | None
) -> None:
    """Warn of a divergence survived on restored weights, or of max_iter."""
    if state.divergence is not None:
        exc, state.divergence = state.divergence, None
        name = backend.learning_rate_name
        warn(
            f"Training diverged at epoch {exc.epoch} ({exc.what}); keeping the "
            f"best weights found before. Lower {name}.",
            ConvergenceWarning,
        )
    if reason == "max_iter" and plan.max_epochs > 1:
        warn(
            f"Stopped at max_iter={plan.max_epochs} epochs before the loss "
            "converged; raise max_iter or adjust the learning rate.",
            ConvergenceWarning,
        )


def _schedules_rate(callbacks: list[Callback]) -> bool:
    """Whether the caller's callbacks set the learning rate."""
    schedulers = [c for c in callbacks if isinstance(c, ParamScheduler)]
    return any(c.lr is not None for c in schedulers)


def copy_callbacks(callbacks: Any) -> list[Callback]:
    """Fresh copies of the ``callbacks`` parameter, checked; fit never mutates it."""
    if callbacks is None:
        return []
    callbacks = list(callbacks) if isinstance(callbacks, list | tuple) else [callbacks]
    for callback in callbacks:
        if not isinstance(callback, Callback):
            raise TypeError(
                "callbacks must be rumelhart.callbacks.Callback instances; got "
                f"{type(callback).__name__}."
            )
    return copy.deepcopy(callbacks)


def _check_split(parts: Sequence[Any], data: Rows, asked: float) -> None:
    """Refuse a split too small to train or judge on, or without weight."""
    n_train, n_val = parts[0].shape[0], parts[1].shape[0]
    if n_val < 2 or n_train < 1:
        raise ValueError(
            f"validation_fraction={asked} leaves {n_train} training and {n_val} "
            f"validation samples out of {data.n}; early_stopping needs at least 1 "
            "and 2."
        )
    if data.sample_weight is None:
        return
    for part, weights in (("training", parts[4]), ("validation", parts[5])):
        if not weights.sum() > 0:
            raise ValueError(
                f"early_stopping: every sample of the {part} split "
                f"(validation_fraction={asked}) has "
                "sample_weight zero; give more samples a positive weight or "
                "change validation_fraction or random_state."
            )


def _calibration(run: FitRun, engine: Engine, interrupted: bool) -> dict[str, Any]:
    """What the task part measured across folds (not after Ctrl-C: more
    fits), or on the validation rows, or says without."""
    # The regressors' cross-validated shifts of quantiles (_cross_conformal).
    measure = getattr(run.estimator, "_calibrated_across", None)
    across = None if interrupted or measure is None else measure(run, engine)
    if across is not None:
        return cast(dict[str, Any], across)
    if run.calibration is not None:
        return run.calibration
    measured = run.estimator._calibrated(engine, None, run.target_attrs)
    return cast(dict[str, Any], measured)


def _copy_or_none(values: list[float] | None) -> list[float] | None:
    return None if values is None else list(values)
