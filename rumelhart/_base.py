"""The estimator layer shared by the NumPy and the torch backends.

Data flow: ``fit`` -> parameter check -> ``validate_data`` -> targets encoded
(task part) -> :class:`~rumelhart._engine.NetworkSpec` -> engine (backend
part) -> :func:`rumelhart._training.train` -> fitted attributes. The base
asks its two parts for explicit specifications and never looks at which
backend or task it serves:

* the task part (:mod:`rumelhart._classifier`, :mod:`rumelhart._regressor`)
  gives a :class:`TargetSpec` (task, loss, output units) and encodes,
  scores and decodes targets;
* the backend part (:mod:`rumelhart.rumelhart_mlp`,
  :mod:`rumelhart.torch_mlp`) gives a :class:`BackendSpec` (reduction,
  hidden units, the learning-rate parameter) and builds the engine.
"""

import copy
from abc import ABCMeta, abstractmethod
from contextlib import nullcontext
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_feature_names_in,
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from ._engines.protocol import NetworkSpec
from ._groups import input_mask
from ._math import losses as _losses
from ._persistence import VersionedStateMixin
from ._torch_data import is_torch_data
from ._training import (
    InterruptGate,
    Printer,
    TrainingPlan,
    TrainingState,
    Validation,
    train,
)
from ._validation import (
    check_hidden_layer_sizes,
    non_numeric_error,
    poorly_scaled_columns,
    seed_from,
)
from ._warnings import warn
from .callbacks import Callback, EarlyStopping
from .exceptions import (
    DivergenceError,
    PoorScalingWarning,
    TrainingInterruptedWarning,
)

_FLOAT_DTYPES = (np.float64, np.float32)

#: Sparse formats the estimators take (others are converted to CSR).
_SPARSE_FORMATS = ("csr", "csc")


@dataclass(frozen=True)
class TargetSpec:
    """What the task part says about the network's outputs.

    ``task`` is ``"binary"``, ``"multiclass"``, ``"multilabel"`` or
    ``"regression"``; ``loss`` and ``output_activation`` are checked
    together by :func:`rumelhart._losses.check_output`.
    """

    task: str
    loss: str
    output_activation: str
    n_outputs: int
    dead_zone: float = 0.0


@dataclass(frozen=True)
class BackendSpec:
    """What the backend part says about the network and its training."""

    learning_rate_name: str
    hidden_activation: str
    reduction: str = "mean"


def _copy_callbacks(callbacks):
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


class BaseMLP(VersionedStateMixin, TransformerMixin, BaseEstimator, metaclass=ABCMeta):
    """The fit/predict/transform facade common to every estimator."""

    #: Sparse formats the estimator takes (False: dense input only).
    _accept_sparse = _SPARSE_FORMATS

    # The HTML repr links each estimator to its page of the API reference.
    _doc_link_module = "rumelhart"
    _doc_link_template = (
        "https://rumelhart.readthedocs.io/en/latest/gen_modules/"
        "rumelhart.{estimator_name}.html"
    )

    _parameter_constraints = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "batch_size": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
            None,
        ],
        "shuffle": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean", StrOptions({"auto"})],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "callbacks": [list, tuple, Callback, None],
        "input_groups": [list, None],
        "transform_layer": [Integral, StrOptions({"all"})],
    }

    # -- backend part -----------------------------------------------------
    @abstractmethod
    def _backend_spec(self):
        """The :class:`BackendSpec` of the current parameters."""

    @abstractmethod
    def _make_engine(self, spec, batch_size, n_samples):
        """A new engine for the :class:`~rumelhart._engine.NetworkSpec` ``spec``
        to train on ``n_samples`` rows, after checking that a fit with batches
        of ``batch_size`` fits in memory."""

    def _engine_attributes(self, engine):
        """Fitted attributes read off a trained engine (dict)."""
        coefs, intercepts = engine.weights()
        return {"coefs_": coefs, "intercepts_": intercepts}

    def _divergence_hints(self):
        """Likely causes of a divergence that the parameters show (sentences)."""
        return []

    def _warn_about_parameters(self):
        """Warn of legal parameter values that are likely mistakes."""

    # -- task part --------------------------------------------------------
    @abstractmethod
    def _validate_xy(self, X, y, reset):
        """``validate_data`` with the task's options for ``y``."""

    @abstractmethod
    def _encode_targets(self, y, reset, classes=None, sample_weight=None):
        """Encoded targets ``Y`` (2-D) and the attributes that decode them,
        among which ``_target``, the :class:`TargetSpec`."""

    @abstractmethod
    def _score_outputs(self, outputs, Y, sample_weight):
        """Validation score of network outputs against encoded targets."""

    def _weigh_classes(self, y, sample_weight, dtype, incremental):
        """Sample weights with the class weights folded in (classifiers)."""
        return sample_weight

    def _stratify_labels(self, Y):
        """Labels to stratify the validation split by, or None."""
        return None

    # -- fitting ----------------------------------------------------------
    def fit(self, X, y=None, sample_weight=None):
        """Train the network on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs. float32 input is trained in float32. The torch
            estimators also take a ``torch.utils.data.Dataset`` (or
            ``DataLoader``) of ``(x, y)`` pairs, or of inputs ``x`` with
            ``y`` passed separately, read once into memory.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), \
                default=None
            Targets; None only when ``X`` is a torch Dataset of pairs.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample; an integer weight is the same as
            repeating the row.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    def _as_arrays(self, X, y, *, fitting):
        """The arrays behind ``X`` and ``y`` (hook: the torch estimators also
        read torch Datasets and DataLoaders)."""
        if is_torch_data(X):
            raise TypeError(
                f"{type(self).__name__} takes arrays, not a torch "
                f"{type(X).__name__}; the torch estimators (TorchMLPClassifier, "
                "TorchMLPRegressor) read torch Datasets and DataLoaders."
            )
        return X, y

    def _fit(self, X, y, sample_weight, *, incremental, classes=None):
        X, y = self._as_arrays(X, y, fitting=True)
        # A failed call leaves the estimator as it was: work on local state,
        # and undo what validate_data writes if anything below raises.
        saved_state = self.__dict__.copy()
        gate = InterruptGate()
        with gate.installed(), self._process_state():
            try:
                self._fit_transactional(X, y, sample_weight, incremental, classes, gate)
            except BaseException:
                self.__dict__.clear()
                self.__dict__.update(saved_state)
                raise
        if gate.pending:
            warn(
                "Ctrl-C arrived as training ended; the fit was completed and kept.",
                TrainingInterruptedWarning,
            )
        return self

    def _process_state(self):
        """A context that puts back the process-wide state a fit may switch
        (hook: the torch estimators restore torch's grad mode)."""
        return nullcontext()

    def _continuing(self, incremental):
        return (incremental or self.warm_start) and hasattr(self, "_engine")

    def _fit_transactional(self, X, y, sample_weight, incremental, classes, gate):
        self._validate_params()
        self._warn_about_parameters()
        hidden = check_hidden_layer_sizes(self.hidden_layer_sizes)
        continuing = self._continuing(incremental)
        X, y, sample_weight = self._validated(X, y, sample_weight, continuing)
        sample_weight = self._weigh_classes(y, sample_weight, X.dtype, incremental)
        if sample_weight is not None:
            sample_weight = self._check_weight_sum(sample_weight)
        Y, target_attrs = self._encode_targets(
            y, reset=not continuing, classes=classes, sample_weight=sample_weight
        )
        Y = Y.astype(X.dtype, copy=False)
        # Read while training (validation scores); rolled back if fit fails.
        self._target = target_attrs.get("_target", getattr(self, "_target", None))
        seed = seed_from(self.random_state)
        mode = self._validation_mode(X.shape[0], incremental, continuing)
        gate.defer()  # Ctrl-C from here on ends training after 0 epochs
        if continuing:
            plan, X, Y, sample_weight = self._plan(
                X, Y, sample_weight, seed, mode, incremental
            )
            engine, state, callbacks = self._continued_training(incremental, seed)
        else:
            spec = self._network_spec(X.shape[1], hidden, Y.shape[1], X.dtype, seed)
            if mode == "refit":
                fitted = self._refit(
                    spec, X, Y, sample_weight, seed, gate, target_attrs
                )
                self._set_fitted(*fitted, target_attrs, Y.shape[1])
                return
            plan, X, Y, sample_weight = self._plan(
                X, Y, sample_weight, seed, mode, incremental
            )
            engine = self._make_engine(spec, plan.batch_size, X.shape[0])
            state, callbacks = TrainingState(), _copy_callbacks(self.callbacks)
        data = engine.prepare(X, Y, sample_weight)
        self._train(engine, data, plan, callbacks, state, gate, target_attrs)
        self._set_fitted(engine, state, callbacks, target_attrs, Y.shape[1])

    def _refit(self, spec, X, Y, sample_weight, seed, gate, target_attrs):
        """``early_stopping="auto"`` on small regression data: find the best
        number of epochs on a held-out split, then train that many epochs on
        all the data from the same initial weights.

        Returns the engine, state and callbacks of the second run (of the
        first, when Ctrl-C ended it).
        """
        plan, X_fit, Y_fit, sw_fit = self._plan(
            X,
            Y,
            sample_weight,
            seed,
            "holdout",
            fraction=self._REFIT_VALIDATION_FRACTION,
        )
        engine = self._make_engine(spec, plan.batch_size, X_fit.shape[0])
        state = TrainingState()
        data = engine.prepare(X_fit, Y_fit, sw_fit)
        self._train(engine, data, plan, [], state, gate, target_attrs)
        if state.stop_reason == "interrupted":
            return engine, state, []
        best = int(np.argmax(state.validation_scores)) + 1
        plan, X, Y, sample_weight = self._plan(X, Y, sample_weight, seed, "refit")
        plan.max_epochs = best
        engine = self._make_engine(spec, plan.batch_size, X.shape[0])
        refitted = TrainingState()
        callbacks = _copy_callbacks(self.callbacks)
        data = engine.prepare(X, Y, sample_weight)
        self._train(engine, data, plan, callbacks, refitted, gate, target_attrs)
        refitted.validation_scores = state.validation_scores
        refitted.validation_losses = state.validation_losses
        refitted.best_validation_score = state.best_validation_score
        return engine, refitted, callbacks

    def _validated(self, X, y, sample_weight, continuing):
        """``X``, ``y`` and ``sample_weight`` checked and converted."""
        try:
            X, y = self._validate_xy(X, y, reset=not continuing)
        except (ValueError, TypeError) as exc:
            clearer = non_numeric_error(exc, X=X, **self._numeric_targets(y))
            if clearer is not None:
                raise clearer from exc
            raise
        if continuing:
            X = X.astype(self._engine.dtype, copy=False)
        bad, peak = poorly_scaled_columns(X)
        if len(bad):
            warn(
                f"Features {bad[:10].tolist()} reach {peak:.3g} in magnitude: "
                "logistic and ReLU units saturate or blow up on such inputs and "
                "the network learns little. Standardise X first, e.g. "
                "make_pipeline(StandardScaler(), estimator).",
                PoorScalingWarning,
            )
        if sample_weight is not None:
            try:
                sample_weight = _check_sample_weight(
                    sample_weight, X, dtype=X.dtype, ensure_non_negative=True
                )
            except (ValueError, TypeError) as exc:
                clearer = non_numeric_error(exc, sample_weight=sample_weight)
                if clearer is not None:
                    raise clearer from exc
                raise
        return X, y, sample_weight

    def _numeric_targets(self, y):
        """``{"y": y}`` when the task needs numeric targets, else ``{}``."""
        return {}

    def _network_spec(self, n_features, hidden, n_outputs, dtype, seed):
        """The :class:`~rumelhart._engine.NetworkSpec` of a new network."""
        target, backend = self._target, self._backend_spec()
        _losses.check_output(target.loss, target.output_activation)
        return NetworkSpec(
            layer_sizes=(n_features, *hidden, n_outputs),
            output_activation=target.output_activation,
            loss=target.loss,
            reduction=backend.reduction,
            dtype=dtype,
            seed=seed,
            hidden_activation=backend.hidden_activation,
            dead_zone=target.dead_zone,
            input_mask=self._input_mask(n_features, hidden),
        )

    def _input_mask(self, n_features, hidden):
        """Connections of the first layer (None: all); see ``input_groups``."""
        if not self.input_groups:
            return None
        if not hidden:
            raise ValueError("input_groups needs a hidden layer to feed.")
        names = getattr(self, "feature_names_in_", None)
        return input_mask(self.input_groups, n_features, hidden[0], names)

    def _continued_training(self, incremental, seed):
        """Engine, state and callbacks of a warm start or ``partial_fit``."""
        engine = self._engine.copy()
        if not incremental:
            engine.reset_optimizer()
        # partial_fit shuffles differently at every call, reproducibly.
        engine.seed(seed + self._state.epoch if incremental else seed)
        state = copy.deepcopy(self._state)
        if not incremental:
            state.n_iter = 0  # n_iter_ counts the epochs of one fit
        if self.callbacks is self._callbacks_source:
            callbacks = copy.deepcopy(self.callbacks_)
        else:  # callbacks set since the last fit: train with the new ones
            callbacks = _copy_callbacks(self.callbacks)
        return engine, state, callbacks

    #: ``batch_size="auto"``: mini-batches of this many samples (fewer on
    #: smaller data), as scikit-learn's ``min(200, n_samples)``.
    _AUTO_BATCH_SIZE = 200
    #: ``early_stopping="auto"`` holds out a validation split from this many
    #: samples on (scikit-learn's HistGradientBoosting does the same).
    _AUTO_EARLY_STOPPING_SAMPLES = 10_000
    #: The convergence test waits at least this many weight updates without
    #: progress: on small data an epoch is one or two updates, too few to
    #: cross a plateau of the loss.
    _MIN_UPDATES_WITHOUT_PROGRESS = 1000
    #: Before stopping for lack of progress, the learning rate is divided by
    #: 5 this many times (each time followed by a new wait).
    _LR_REDUCTIONS = 2

    #: ``early_stopping="auto"`` on smaller data: ``"refit"`` (choose the
    #: number of epochs on a held-out split, then train on all the data) or
    #: ``"off"`` (the training loss decides). The task part says which.
    _SMALL_DATA_VALIDATION = "off"
    #: Share held out to choose the number of epochs in ``"refit"`` mode:
    #: the final model trains on all the data, so a larger split costs
    #: nothing and makes the choice less noisy.
    _REFIT_VALIDATION_FRACTION = 0.2
    #: ... and needs at least this many held-out samples to be tried at all.
    _MIN_REFIT_VALIDATION_SAMPLES = 20

    def _validation_mode(self, n_samples, incremental, continuing):
        """``"off"``, ``"holdout"`` (early stopping on a held-out split) or
        ``"refit"`` (see :meth:`_refit`)."""
        if incremental:
            return "off"  # partial_fit trains one epoch on what it is given
        if self.early_stopping == "auto":
            if n_samples >= self._AUTO_EARLY_STOPPING_SAMPLES:
                return "holdout"
            held_out = n_samples * self._REFIT_VALIDATION_FRACTION
            if continuing or held_out < self._MIN_REFIT_VALIDATION_SAMPLES:
                return "off"  # too few samples to judge epochs on: the loss decides
            return self._SMALL_DATA_VALIDATION
        return "holdout" if self.early_stopping else "off"

    def _batch_size(self, n_samples):
        if self.batch_size is None:
            return n_samples
        if self.batch_size == "auto":
            return min(self._AUTO_BATCH_SIZE, n_samples)
        return min(int(self.batch_size), n_samples)

    def _plan(self, X, Y, sample_weight, seed, mode, incremental=False, fraction=None):
        """The :class:`~rumelhart._training.TrainingPlan`, and the training
        part of the data (without the validation split of ``fraction``,
        ``validation_fraction`` by default)."""
        validation = None
        if mode == "holdout" and not incremental:
            fraction = self.validation_fraction if fraction is None else fraction
            X, Y, sample_weight, validation = self._split_validation(
                X, Y, sample_weight, seed, fraction
            )
        exhausted = "partial_fit" if incremental else "max_iter"
        plan = TrainingPlan(
            batch_size=self._batch_size(X.shape[0]),
            shuffle=self.shuffle,
            max_epochs=1 if incremental else self.max_iter,
            probe_X=X[:256],
            validation=validation,
            exhausted="refit" if mode == "refit" else exhausted,
        )
        return plan, X, Y, sample_weight

    def _default_callbacks(self, plan):
        """The convergence test (early stopping) and the printer."""
        if plan.exhausted in ("partial_fit", "refit"):
            defaults = []  # one epoch, or the number of epochs validation chose
        else:
            defaults = [
                EarlyStopping(
                    monitor="validation_score" if plan.validation else "loss",
                    patience=self.n_iter_no_change,
                    min_delta=self.tol,
                    restore_best=plan.validation is not None,
                    min_updates=self._MIN_UPDATES_WITHOUT_PROGRESS,
                    lr_reductions=self._LR_REDUCTIONS,
                )
            ]
        return defaults + ([Printer()] if self.verbose else [])

    def _train(self, engine, data, plan, callbacks, state, gate, fitted):
        """Run the loop; explain a divergence and warn of a missed convergence."""
        try:
            reason = train(
                self,
                engine,
                data,
                plan,
                callbacks + self._default_callbacks(plan),
                state,
                gate,
                fitted,
            )
        except DivergenceError as exc:
            raise self._divergence_error(exc, plan, data) from None
        if state.divergence is not None:
            exc, state.divergence = state.divergence, None
            name = self._backend_spec().learning_rate_name
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

    def _divergence_error(self, exc, plan, data):
        name = self._backend_spec().learning_rate_name
        hints = self._divergence_hints() + _large_value_hints(plan.probe_X)
        return DivergenceError(
            " ".join(
                [
                    f"Training diverged at epoch {exc.epoch}: {exc.what}. The "
                    f"learning rate {name}={getattr(self, name)!r} is likely too "
                    f"large; try a smaller {name}.",
                    *hints,
                ]
            )
        )

    def _set_fitted(self, engine, state, callbacks, target_attrs, n_outputs):
        records = {"epochs": state.epochs}
        for callback in callbacks:
            if callback.records() is not None:
                records[callback.key] = callback.records()
        attributes = {
            **target_attrs,
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
            "n_outputs_": n_outputs,
            "n_layers_": len(engine.layer_sizes) or None,
            "out_activation_": engine.output_activation,
            "_callbacks_source": self.callbacks,
            "_state": state,
            "_engine": engine,
            **self._engine_attributes(engine),
        }
        self.__dict__.update(attributes)

    def _check_weight_sum(self, sample_weight):
        """The weights, checked to have a positive sum that the dtype can hold.

        With a mean reduction only ratios of weights matter: weights whose
        sum overflows (or is too small to divide by) are rescaled to a
        maximum of 1 instead of turning the loss into NaN.
        """
        no_classes = getattr(self, "class_weight", None) is None
        with_classes = "" if no_classes else " times class_weight"
        with np.errstate(over="ignore"):
            total = sample_weight.sum()
        if not total > 0:
            raise ValueError(
                f"sample_weight{with_classes} must have a positive sum; every "
                "sample has weight zero."
            )
        tiny = np.finfo(sample_weight.dtype).tiny
        if np.isfinite(total) and total >= tiny:
            return sample_weight
        if self._backend_spec().reduction == "mean":
            return sample_weight / sample_weight.max()
        raise ValueError(
            f"sample_weight{with_classes} sums to {total}, outside the range of "
            f"{sample_weight.dtype}; with reduction='sum' the scale of the weights "
            "matters: rescale them (e.g. divide by their maximum)."
        )

    def _split_validation(self, X, Y, sample_weight, seed, fraction):
        stratify = self._stratify_labels(Y)
        arrays = [X, Y] + ([] if sample_weight is None else [sample_weight])
        try:
            parts = train_test_split(
                *arrays,
                test_size=fraction,
                random_state=seed % (2**32),
                stratify=stratify,
            )
        except ValueError as exc:  # too few samples for the split
            raise ValueError(
                f"early_stopping cannot hold out validation_fraction="
                f"{self.validation_fraction} of {X.shape[0]} samples: {exc} Change "
                "validation_fraction, give more samples or set early_stopping=False."
            ) from exc
        if parts[1].shape[0] < 2 or parts[0].shape[0] < 1:
            raise ValueError(
                f"validation_fraction={self.validation_fraction} leaves "
                f"{parts[0].shape[0]} training and {parts[1].shape[0]} validation "
                f"samples out of {X.shape[0]}; early_stopping needs at least 1 "
                "and 2."
            )
        X_train, X_val, Y_train, Y_val = parts[:4]
        sw_train, sw_val = (None, None) if sample_weight is None else parts[4:]
        for part, weights in (("training", sw_train), ("validation", sw_val)):
            if weights is not None and not weights.sum() > 0:
                raise ValueError(
                    f"early_stopping: every sample of the {part} split "
                    f"(validation_fraction={self.validation_fraction}) has "
                    "sample_weight zero; give more samples a positive weight or "
                    "change validation_fraction or random_state."
                )
        validation = Validation(
            X_val, Y_val, sw_val, score=self._score_outputs, loss=self._output_loss
        )
        return X_train, Y_train, sw_train, validation

    def _output_loss(self, outputs, Y, sample_weight):
        """The training loss of network outputs (for the validation split)."""
        target = self._target
        return _losses.reduced_loss(
            target.loss,
            target.output_activation,
            outputs,
            Y,
            sample_weight,
            self._backend_spec().reduction,
            target.dead_zone,
        )

    # -- prediction -------------------------------------------------------
    def _forward(self, X):
        """The network's outputs for ``X``, checked to be finite."""
        check_is_fitted(self)
        X = self._validated_inputs(X)
        with np.errstate(over="ignore", invalid="ignore"):
            outputs = self._engine.predict(X)
        return self._check_finite_predictions(outputs, X)

    def _validated_inputs(self, X):
        """``X`` checked against the fitted network, in its dtype."""
        X, _ = self._as_arrays(X, None, fitting=False)
        try:
            X = validate_data(
                self,
                X,
                reset=False,
                dtype=_FLOAT_DTYPES,
                accept_sparse=self._accept_sparse,
            )
        except (ValueError, TypeError) as exc:
            clearer = non_numeric_error(exc, X=X)
            if clearer is not None:
                raise clearer from exc
            raise
        return X.astype(self._engine.dtype, copy=False)

    # -- the learned representation ------------------------------------------
    def _transform_layers(self):
        """The hidden layers (0-based) that ``transform`` returns."""
        n_hidden = len(self._engine.layer_sizes) - 2
        if n_hidden < 1:
            raise ValueError(
                "transform returns the hidden units' outputs, and this network "
                "has no hidden layer (hidden_layer_sizes=())."
            )
        if isinstance(self.transform_layer, str):  # "all"
            return list(range(n_hidden))
        if not -n_hidden <= self.transform_layer < n_hidden:
            raise ValueError(
                f"transform_layer={self.transform_layer} names no hidden layer; the "
                f"network has {n_hidden} (indices 0 to {n_hidden - 1}, or -1 for "
                "the last)."
            )
        return [self.transform_layer % n_hidden]

    def transform(self, X):
        """The representation the network learned: its hidden units' outputs.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        H : ndarray of shape (n_samples, n_units)
            The outputs of the hidden layer ``transform_layer`` (the last by
            default), or of every hidden layer side by side with
            ``transform_layer="all"``. In a ``Pipeline`` they feed the next
            estimator; ``set_output(transform="pandas")`` names them.
        """
        check_is_fitted(self)
        layers = self._transform_layers()
        X = self._validated_inputs(X)
        return np.hstack(self._engine.hidden(X, layers))

    def get_feature_names_out(self, input_features=None):
        """Names of the features :meth:`transform` returns.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Ignored (checked against ``feature_names_in_`` when given).

        Returns
        -------
        names : ndarray of str
            ``"<estimator>_hidden<layer>_<unit>"``, layers counted from 1.
        """
        check_is_fitted(self)
        _check_feature_names_in(self, input_features)
        prefix = type(self).__name__.lower()
        sizes = self._engine.layer_sizes
        return np.array(
            [
                f"{prefix}_hidden{layer + 1}_{unit}"
                for layer in self._transform_layers()
                for unit in range(sizes[layer + 1])
            ],
            dtype=object,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _check_finite_predictions(self, outputs, X):
        """``outputs``, or a ValueError if inputs far out of range overflowed."""
        if np.isfinite(outputs).all():
            return outputs
        peak = abs(X).max() if hasattr(X, "tocsr") else np.max(np.abs(X))
        raise ValueError(
            "The network's outputs overflowed to inf or NaN for some samples: "
            f"their inputs lie far outside the training data (max |X| = "
            f"{peak:.3g}) for {self._engine.dtype} arithmetic. Scale "
            "X as the training data were scaled."
        )


def _copy_or_none(values):
    return None if values is None else list(values)


def _large_value_hints(X):
    """A sentence when the inputs are large enough to explain a divergence."""
    _, peak = poorly_scaled_columns(X)
    if peak > 1e4:
        return [
            f"The inputs are large (max {peak:.3g}): standardise them, e.g. with "
            "sklearn's StandardScaler."
        ]
    return []
