"""The fit/predict/transform facade common to every estimator.

Data flow: ``fit`` -> parameter check -> ``validate_data`` -> targets encoded
(task part) -> a :class:`~rumelhart._estimator.fit_run.FitRun` -> engine
(backend) -> :func:`rumelhart._training.train` -> fitted attributes. The base
asks its two parts for explicit answers and never looks at which backend or
task it serves:

* the task part (:mod:`rumelhart._classifier`, :mod:`rumelhart._regressor`,
  :mod:`rumelhart._autoencoder`, subclasses of :class:`BaseMLP`) validates
  and encodes targets into a :class:`~rumelhart._estimator.targets.TargetSpec`,
  scores outputs and decodes predictions;
* the backend (``_backend``, a :class:`~rumelhart._estimator.backends.Backend`
  object the estimator class holds) builds the engine and names what the
  backend's parameters mean.

A failed call changes nothing: :meth:`BaseMLP._fit` restores the estimator's
``__dict__`` when anything raises.
"""

import copy
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_is_fitted,
)

from .._docstrings import FIT_DOCSTRING
from .._persistence import VersionedStateMixin
from .._training import InterruptGate, OutputMeasure, TrainingState
from .._validation import check_hidden_layer_sizes, seed_from
from .._warnings import warn
from ..callbacks import Callback
from ..exceptions import TrainingInterruptedWarning
from . import policy
from .backends import Backend, BackendSpec
from .fit_run import (
    FitRun,
    FitSettings,
    Rows,
    Start,
    Trained,
    copy_callbacks,
    fitted_attributes,
)
from .held_out import check_scoring_param
from .inputs import (
    SPARSE_FORMATS,
    check_finite_predictions,
    check_weight_sum,
    validated_fit_data,
    validated_inputs,
)
from .targets import TargetSpec

#: The parameters every estimator shares, as scikit-learn checks them.
PARAMETER_CONSTRAINTS: dict[str, list[Any]] = {
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
    "tol": [Interval(Real, 0, None, closed="left"), StrOptions({"auto"})],
    "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
    "early_stopping": ["boolean", StrOptions({"auto"})],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
    "scoring": [str, callable, None],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
    "warm_start": ["boolean"],
    "callbacks": [list, tuple, Callback, None],
    "input_groups": [list, None],
    "transform_layer": [Integral, StrOptions({"all"})],
}


# scikit-learn has no type information: its classes are Any to mypy.
class BaseMLP(
    VersionedStateMixin,
    TransformerMixin,  # type: ignore[misc]
    BaseEstimator,  # type: ignore[misc]
    metaclass=ABCMeta,
):
    """The fit/predict/transform facade common to every estimator."""

    #: The backend: builds the engine from the backend's parameters.
    _backend: ClassVar[Backend[Any]]

    #: Whether ``fit`` learns ``y`` (autoencoders: ``X``; no ``y_val``).
    _supervised: ClassVar[bool] = True

    #: Sparse formats the estimator takes (False: dense input only).
    _accept_sparse: ClassVar[Any] = SPARSE_FORMATS

    # The HTML repr links each estimator to its page of the API reference.
    _doc_link_module = "rumelhart"
    _doc_link_template = (
        "https://rumelhart.readthedocs.io/en/latest/gen_modules/"
        "rumelhart.{estimator_name}.html"
    )

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = PARAMETER_CONSTRAINTS

    # -- task part ----------------------------------------------------------
    @abstractmethod
    def _validate_xy(self, X: Any, y: Any, reset: bool) -> tuple[Any, Any]:
        """``validate_data`` with the task's options for ``y``."""

    @abstractmethod
    def _encode_targets(
        self, y: Any, reset: bool, classes: Any = None, sample_weight: Any = None
    ) -> tuple[NDArray[Any], dict[str, Any]]:
        """Encoded targets ``Y`` (2-D) and the attributes that decode them,
        among which ``_target``, the :class:`TargetSpec`."""

    @abstractmethod
    def _output_scorer(self, target: TargetSpec) -> OutputMeasure:
        """The validation score of network outputs against encoded targets,
        as a plain function (not a method: the loop calls it)."""

    def _weigh_classes(
        self, y: Any, sample_weight: Any, dtype: Any, incremental: bool
    ) -> Any:
        """Sample weights with the class weights folded in (classifiers);
        ``sample_weight`` itself when there are none."""
        return sample_weight

    def _stratify_labels(self, Y: NDArray[Any]) -> NDArray[Any] | None:
        """Labels to stratify the validation split by, or None."""
        return None

    def _numeric_targets(self, y: Any) -> dict[str, Any]:
        """``{"y": y}`` when the task needs numeric targets, else ``{}``."""
        return {}

    def _start_weights(
        self, X: Any, sample_weight: Any, spec: Any, engine: Any
    ) -> Start | None:
        """The initial weights of a new network trained on ``X``; None keeps
        the engine's random ones."""
        return None

    def _calibrated(
        self, engine: Any, rows: Any, fitted: dict[str, Any]
    ) -> dict[str, Any]:
        """Fitted attributes measured on validation rows the network did not
        train on (``rows``, a :class:`~rumelhart._training.Validation`; None
        when the fit had none), with ``fitted``, the target attributes;
        the regressors' conformal shifts of quantiles."""
        return {}

    # -- fitting ------------------------------------------------------------
    def fit(
        self,
        X: Any,
        y: Any = None,
        sample_weight: Any = None,
        *,
        X_val: Any = None,
        y_val: Any = None,
        sample_weight_val: Any = None,
    ) -> "BaseMLP":
        return self._fit(
            X,
            y,
            sample_weight,
            incremental=False,
            validation=(X_val, y_val, sample_weight_val),
        )

    fit.__doc__ = FIT_DOCSTRING

    def _fit(
        self,
        X: Any,
        y: Any,
        sample_weight: Any,
        *,
        incremental: bool,
        classes: Any = None,
        validation: tuple[Any, Any, Any] = (None, None, None),
    ) -> "BaseMLP":
        """One transaction: a fit that raises leaves the estimator as it was.

        ``validation``: ``fit``'s ``(X_val, y_val, sample_weight_val)``."""
        X, y = self._backend.as_arrays(X, y, fitting=True, owner=type(self).__name__)
        # Work on local state, and undo what validate_data writes (and the
        # fitted attributes) if anything below raises, Ctrl-C included.
        saved_state = self.__dict__.copy()
        gate = InterruptGate()
        with gate.installed(), self._backend.process_state():
            try:
                run = self._start_run(X, y, sample_weight, incremental, classes, gate)
                run.hold_out(*validation)
                gate.defer()  # Ctrl-C from here on ends training after 0 epochs
                self.__dict__.update(fitted_attributes(run, self._trained(run)))
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

    def _continuing(self, incremental: bool) -> bool:
        return bool((incremental or self.warm_start) and hasattr(self, "_engine"))

    def _start_run(
        self,
        X: Any,
        y: Any,
        sample_weight: Any,
        incremental: bool,
        classes: Any,
        gate: InterruptGate,
    ) -> FitRun:
        """Check the parameters and the data, encode the targets: the run."""
        self._validate_params()
        params = self._backend.read(self)
        params = self._backend.resolve(params, incremental=incremental)
        self._backend.warn_about(params)
        hidden = check_hidden_layer_sizes(self.hidden_layer_sizes)
        continuing = self._continuing(incremental)
        X, y, sample_weight = validated_fit_data(self, X, y, sample_weight, continuing)
        weights = self._weigh_classes(y, sample_weight, X.dtype, incremental)
        if weights is not None:
            reduction = self._backend.spec(params).reduction
            # The task part returns sample_weight itself when no class weights apply.
            weights = check_weight_sum(weights, reduction, weights is not sample_weight)
        Y, attrs = self._encode_targets(
            y, reset=not continuing, classes=classes, sample_weight=weights
        )
        Y = Y.astype(X.dtype, copy=False)
        # Read while training (the split's strata); rolled back if fit fails.
        if "_target" in attrs:  # a continued fit may keep the fitted one
            self._target = attrs["_target"]
        target: TargetSpec = self._target
        seed = seed_from(self.random_state)
        mode = policy.validation_mode(
            self.early_stopping,
            X.shape[0],
            target.task,
            incremental=incremental,
            continuing=continuing,
            rules=self._backend.rules,
            loss=target.loss,
        )
        return FitRun(
            estimator=self,
            settings=FitSettings.of(self),
            backend=self._backend,
            params=params,
            data=Rows(X, Y, weights),
            target=target,
            target_attrs=attrs,
            feature_names=getattr(self, "feature_names_in_", None),
            score=self._output_scorer(target),
            stratify=None if mode == "off" else self._stratify_labels(Y),
            hidden=hidden,
            seed=seed,
            mode=mode,
            incremental=incremental,
            continuing=continuing,
            gate=gate,
            scorer=check_scoring_param(self),
            y=y,
        )

    def _trained(self, run: FitRun) -> Trained:
        """Train: a continued network, a new one, or a new one refitted."""
        if run.continuing:
            plan, rows = run.plan(run.mode)
            trained = self._continued_training(run)
        else:
            spec = run.network_spec()
            if run.mode == "refit":
                return run.refit(spec)
            plan, rows = run.plan(run.mode)
            engine = run.make_engine(spec, plan, rows)
            trained = Trained(engine, TrainingState(), run.fresh_callbacks())
        run.train(trained, rows, plan)
        return trained

    def _continued_training(self, run: FitRun) -> Trained:
        """Engine, state and callbacks of a warm start or ``partial_fit``."""
        engine = self._engine.copy()
        if not run.incremental:
            engine.reset_optimizer()
        # partial_fit shuffles differently at every call, reproducibly.
        engine.seed(run.seed + self._state.epoch if run.incremental else run.seed)
        state = copy.deepcopy(self._state)
        if not run.incremental:
            state.n_iter = 0  # n_iter_ counts the epochs of one fit
        if self.callbacks is self._callbacks_source:
            callbacks = copy.deepcopy(self.callbacks_)
        else:  # callbacks set since the last fit: train with the new ones
            callbacks = copy_callbacks(self.callbacks)
        return Trained(engine, state, callbacks)

    # -- what other modules read (lr_finder, onnx) ----------------------------
    @property
    def _learning_rate_param(self) -> str:
        """The name of the learning-rate parameter (``eps`` or ``lr``)."""
        return self._backend.learning_rate_name

    def _backend_spec(self) -> BackendSpec:
        """The backend's :class:`BackendSpec` for the current parameters."""
        return self._backend.spec(self._backend.read(self))

    def _batch_size(self, n_samples: int) -> int:
        """Samples per change of the weights on ``n_samples`` rows."""
        return policy.batch_size(self.batch_size, n_samples)

    # -- prediction ---------------------------------------------------------
    def _forward(self, X: Any) -> Any:
        """The network's outputs for ``X``, checked to be finite."""
        check_is_fitted(self)
        X = self._validated_inputs(X)
        with np.errstate(over="ignore", invalid="ignore"):
            outputs = self._engine.predict(X)
        return self._check_finite_predictions(outputs, X)

    def _validated_inputs(self, X: Any) -> Any:
        """``X`` checked against the fitted network, in its dtype."""
        owner = type(self).__name__
        X, _ = self._backend.as_arrays(X, None, fitting=False, owner=owner)
        return validated_inputs(self, X, self._accept_sparse, self._engine.dtype)

    def _check_finite_predictions(self, outputs: Any, X: Any) -> Any:
        """``outputs``, or a ValueError if inputs far out of range overflowed."""
        return check_finite_predictions(outputs, X, self._engine.dtype)

    # -- the learned representation -----------------------------------------
    def _transform_layers(self) -> list[int]:
        """The hidden layers (0-based) that ``transform`` returns."""
        n_hidden = len(self._engine.layer_sizes) - 2
        return transform_layers(n_hidden, self.transform_layer)

    def transform(self, X: Any) -> NDArray[Any]:
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

    def get_feature_names_out(self, input_features: Any = None) -> NDArray[Any]:
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
        layers = self._transform_layers()
        return hidden_unit_names(prefix, self._engine.layer_sizes, layers)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


def transform_layers(n_hidden: int, transform_layer: int | str) -> list[int]:
    """The hidden layers (0-based) among ``n_hidden`` that ``transform_layer``
    names, checked."""
    if n_hidden < 1:
        raise ValueError(
            "transform returns the hidden units' outputs, and this network "
            "has no hidden layer (hidden_layer_sizes=())."
        )
    if isinstance(transform_layer, str):  # "all"
        return list(range(n_hidden))
    if not -n_hidden <= transform_layer < n_hidden:
        raise ValueError(
            f"transform_layer={transform_layer} names no hidden layer; the "
            f"network has {n_hidden} (indices 0 to {n_hidden - 1}, or -1 for "
            "the last)."
        )
    return [transform_layer % n_hidden]


def hidden_unit_names(
    prefix: str, layer_sizes: list[int], layers: list[int]
) -> NDArray[Any]:
    """``"<prefix>_hidden<layer>_<unit>"`` for every unit of the hidden
    ``layers`` (0-based, named from 1) of a network of ``layer_sizes``."""
    return np.array(
        [
            f"{prefix}_hidden{layer + 1}_{unit}"
            for layer in layers
            for unit in range(layer_sizes[layer + 1])
        ],
        dtype=object,
    )
