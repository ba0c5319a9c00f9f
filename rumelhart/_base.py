"""The estimator base shared by the NumPy and the torch backends.

Data flow: ``fit`` -> parameter check -> ``validate_data`` -> targets encoded
(classifier or regressor part) -> engine built from plain numbers (backend
part) -> the epoch loop below -> fitted attributes. The base never looks at
which backend or task it serves: subclasses provide

* the task part (:class:`MLPClassifierBase`, :class:`MLPRegressorBase`):
  ``_encode_targets``, ``_output_activation``, ``_score_encoded``, ``_decode``;
* the backend part: ``_make_engine``, ``_engine_attributes``,
  ``_learning_rate_param``.

An engine offers ``prepare(X, Y, sample_weight)``, ``run_epoch(data,
batch_size, shuffle, on_batch)``, ``predict(X)``, ``get_params()``,
``set_params()``, ``reset_optimizer()``, ``seed(seed)``, ``copy()``,
``start_fit(n_samples, batch_size, max_epochs)`` and ``end_fit()``.
"""

import copy
import time
import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_array,
    check_is_fitted,
    validate_data,
)

from ._torch_data import is_torch_data
from .callbacks import Callback, StopTraining
from .exceptions import DivergenceError, TrainingInterruptedWarning

_FLOAT_DTYPES = (np.float64, np.float32)

# A loss this many times its first epoch's value means training blew up.
_BLOW_UP_FACTOR = 1e4


def _seed_from(random_state):
    """An integer seed from ``random_state``, leaving global generators alone."""
    if random_state is None:
        return int(np.random.SeedSequence().generate_state(1)[0])
    if isinstance(random_state, Integral):
        return int(random_state)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(np.iinfo(np.int32).max))
    raise ValueError(
        "random_state must be None, an int or a numpy RandomState, "
        f"got {random_state!r}."
    )


def _check_hidden_layer_sizes(hidden_layer_sizes):
    sizes = (
        (hidden_layer_sizes,)
        if isinstance(hidden_layer_sizes, Integral)
        else tuple(hidden_layer_sizes)
    )
    for size in sizes:
        if not isinstance(size, Integral) or isinstance(size, bool) or size < 1:
            raise ValueError(
                "hidden_layer_sizes must hold positive integers (units per hidden "
                f"layer), got {hidden_layer_sizes!r}."
            )
    return tuple(int(s) for s in sizes)


_CONVERSION_ERRORS = ("could not convert", "float() argument", "invalid literal")


def _is_conversion_error(exc):
    """Whether ``exc`` is NumPy failing to turn a non-number into a float."""
    return isinstance(exc, ValueError | TypeError) and any(
        text in str(exc) for text in _CONVERSION_ERRORS
    )


def _holds_non_numbers(array):
    """Whether ``array`` (X or y, any array-like) fails to convert to float."""
    try:
        check_array(
            array,
            dtype=np.float64,
            ensure_all_finite=False,
            ensure_2d=False,
            allow_nd=True,
            ensure_min_samples=0,
            ensure_min_features=0,
        )
    except (ValueError, TypeError) as exc:
        return _is_conversion_error(exc)
    return False


def _non_numeric_error(exc, name):
    """``exc`` again, of the same type, saying that ``name`` must be numeric."""
    hint = (
        ""
        if name == "sample_weight"
        else " Encode strings and categories first, e.g. with "
        "sklearn.preprocessing.OneHotEncoder or OrdinalEncoder."
    )
    return type(exc)(
        f"{name} must hold numbers (int, float or bool), but it holds values "
        f"that are not: {exc}.{hint}"
    )


def _mean_and_scale(Y, sample_weight):
    """Weighted mean and standard deviation of each column of ``Y``.

    Deviations beyond 1e154 overflow when squared, and below 1e-154 underflow:
    then both are computed on ``Y`` divided by its largest magnitude.
    Columns that are constant (to rounding) get a scale of 1.
    """
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        mean = np.average(Y, axis=0, weights=sample_weight)
        scale = np.sqrt(np.average((Y - mean) ** 2, axis=0, weights=sample_weight))
    finite = np.isfinite(mean).all() and np.isfinite(scale).all()
    if not finite or (scale < 1e-150).any():
        peak = np.max(np.abs(Y), axis=0)
        peak[peak == 0] = 1.0
        Z = Y / peak
        mean_z = np.average(Z, axis=0, weights=sample_weight)
        scale_z = np.sqrt(np.average((Z - mean_z) ** 2, axis=0, weights=sample_weight))
        mean, scale = mean_z * peak, scale_z * peak
    constant = scale < 10 * np.finfo(np.float64).eps * np.abs(mean)
    scale[constant | (scale < np.finfo(np.float64).tiny)] = 1.0
    return mean, scale


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


class BaseMLP(BaseEstimator, metaclass=ABCMeta):
    """Training loop, validation and fitted state common to every estimator."""

    _parameter_constraints = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "batch_size": [Interval(Integral, 1, None, closed="left"), None],
        "shuffle": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "callbacks": [list, tuple, Callback, None],
    }

    #: Name of the learning-rate parameter, for error messages.
    _learning_rate_param = "lr"

    # -- backend part -----------------------------------------------------
    @abstractmethod
    def _make_engine(self, layer_sizes, output_activation, dtype, seed):
        """A new, initialised engine."""

    @abstractmethod
    def _engine_attributes(self, engine):
        """Fitted attributes read off a trained engine (dict)."""

    # -- task part --------------------------------------------------------
    @abstractmethod
    def _encode_targets(self, y, reset, classes=None, sample_weight=None):
        """Encoded targets ``Y`` (2-D) and the attributes that decode them."""

    @abstractmethod
    def _output_activation(self, n_outputs):
        """Activation of the output units."""

    @abstractmethod
    def _score_encoded(self, outputs, Y, sample_weight):
        """Validation score of network outputs against encoded targets."""

    def _weigh_classes(self, y, sample_weight, dtype, incremental):
        """Sample weights with the class weights folded in (classifiers)."""
        return sample_weight

    def _stratify_labels(self, Y):
        """Labels to stratify the validation split by, or None."""
        return None

    # -- public API -------------------------------------------------------
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
        try:
            self._fit_transactional(X, y, sample_weight, incremental, classes)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved_state)
            raise
        return self

    def _fit_transactional(self, X, y, sample_weight, incremental, classes):
        self._validate_params()
        hidden = _check_hidden_layer_sizes(self.hidden_layer_sizes)
        continuing = (incremental or self.warm_start) and hasattr(self, "_engine")
        try:
            X, y = validate_data(
                self,
                X,
                y,
                reset=not continuing,
                dtype=_FLOAT_DTYPES,
                multi_output=self._accepts_multi_output,
                y_numeric=not isinstance(self, ClassifierMixin),
            )
        except (ValueError, TypeError) as exc:
            if _is_conversion_error(exc):
                name = "X" if _holds_non_numbers(X) else "y"
                raise _non_numeric_error(exc, name) from exc
            raise
        if continuing:
            X = X.astype(self._engine.dtype, copy=False)
        if sample_weight is not None:
            try:
                sample_weight = _check_sample_weight(
                    sample_weight, X, dtype=X.dtype, ensure_non_negative=True
                )
            except (ValueError, TypeError) as exc:
                if _is_conversion_error(exc):
                    raise _non_numeric_error(exc, "sample_weight") from exc
                raise
        sample_weight = self._weigh_classes(y, sample_weight, X.dtype, incremental)
        if sample_weight is not None:
            sample_weight = self._check_weight_sum(sample_weight)
        Y, target_attrs = self._encode_targets(
            y, reset=not continuing, classes=classes, sample_weight=sample_weight
        )
        Y = Y.astype(X.dtype, copy=False)

        seed = _seed_from(self.random_state)
        if continuing:
            engine = self._engine.copy()
            if not incremental:
                engine.reset_optimizer()
            # partial_fit shuffles differently at every call, reproducibly.
            engine.seed(seed + self.n_iter_ if incremental else seed)
            history = {
                "loss_curve_": list(self.loss_curve_),
                "validation_scores_": (
                    None
                    if self.validation_scores_ is None
                    else list(self.validation_scores_)
                ),
                "best_loss_": self.best_loss_,
                "best_validation_score_": self.best_validation_score_,
                "n_iter_": self.n_iter_,
                "n_steps_": self.n_steps_,
                "epochs": list(self.history_["epochs"]),
            }
            callbacks = copy.deepcopy(self.callbacks_)
        else:
            layer_sizes = (X.shape[1], *hidden, Y.shape[1])
            engine = self._make_engine(
                layer_sizes, self._output_activation(Y.shape[1]), X.dtype, seed
            )
            history = {
                "loss_curve_": [],
                "validation_scores_": None,
                "best_loss_": np.inf,
                "best_validation_score_": None,
                "n_iter_": 0,
                "n_steps_": 0,
                "epochs": [],
            }
            callbacks = _copy_callbacks(self.callbacks)

        early_stopping = self.early_stopping and not incremental
        validation = None
        if early_stopping:
            X, Y, sample_weight, validation = self._split_validation(
                X, Y, sample_weight, seed
            )
            history["validation_scores_"] = []
            history["best_validation_score_"] = -np.inf

        max_iter = 1 if incremental else self.max_iter
        self._train(
            engine, X, Y, sample_weight, validation, max_iter, history, callbacks
        )

        records = {"epochs": history.pop("epochs")}
        for callback in callbacks:
            if callback.records() is not None:
                records[callback.key] = callback.records()
        for name, value in {**target_attrs, **history}.items():
            setattr(self, name, value)
        self.history_ = records
        self.callbacks_ = callbacks
        self.n_outputs_ = Y.shape[1]
        self._engine = engine
        for name, value in self._engine_attributes(engine).items():
            setattr(self, name, value)

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
        if getattr(self, "reduction", "mean") == "mean":
            return sample_weight / sample_weight.max()
        raise ValueError(
            f"sample_weight{with_classes} sums to {total}, outside the range of "
            f"{sample_weight.dtype}; with reduction='sum' the scale of the weights "
            "matters: rescale them (e.g. divide by their maximum)."
        )

    def _split_validation(self, X, Y, sample_weight, seed):
        stratify = self._stratify_labels(Y)
        arrays = [X, Y] + ([] if sample_weight is None else [sample_weight])
        try:
            parts = train_test_split(
                *arrays,
                test_size=self.validation_fraction,
                random_state=seed % (2**32),
                stratify=stratify,
            )
        except ValueError as exc:  # too few samples for the split
            raise ValueError(
                f"early_stopping cannot hold out validation_fraction="
                f"{self.validation_fraction} of {len(X)} samples: {exc} Change "
                "validation_fraction, give more samples or set early_stopping=False."
            ) from exc
        if len(parts[1]) < 2 or len(parts[0]) < 1:
            raise ValueError(
                f"validation_fraction={self.validation_fraction} leaves "
                f"{len(parts[0])} training and {len(parts[1])} validation samples "
                f"out of {len(X)}; early_stopping needs at least 1 and 2."
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
        return X_train, Y_train, sw_train, (X_val, Y_val, sw_val)

    def _train(self, engine, X, Y, sw, validation, max_iter, history, callbacks):
        """Set up the engine for one fit and run the epochs."""
        data = engine.prepare(X, Y, sw)
        n_samples = X.shape[0]
        batch_size = n_samples if self.batch_size is None else self.batch_size
        batch_size = min(int(batch_size), n_samples)
        engine.start_fit(n_samples, batch_size, max_iter)
        for callback in callbacks:
            callback.on_fit_begin(self, engine, data)
        try:
            try:
                self._epochs(
                    engine, data, batch_size, validation, max_iter, history, callbacks
                )
            finally:
                engine.end_fit()
            for callback in callbacks:
                callback.on_fit_end(self, engine)
            if not engine.params_finite():  # a callback stopped a diverging run
                raise self._divergence_error(
                    history["n_iter_"] + 1, "the weights became non-finite"
                )
            # The last epoch's change is never measured by a loss: check that
            # the weights it left do not overflow on (a probe of) the data.
            probe = X[:256].astype(engine.dtype, copy=False)
            with np.errstate(over="ignore", invalid="ignore"):
                probe_outputs = engine.predict(probe)
            if not np.isfinite(probe_outputs).all():
                raise self._divergence_error(
                    max(history["n_iter_"], 1),
                    "the network's outputs on the training data overflowed",
                )
        except DivergenceError as exc:
            exc.args = (" ".join([str(exc), *self._divergence_hints(X, Y)]),)
            raise

    def _batch_hook(self, engine, history, callbacks):
        """The engine's per-batch hook, or None when no callback listens."""
        listeners = sorted(
            (c for c in callbacks if type(c).on_batch_end is not Callback.on_batch_end),
            key=lambda c: c.order,
        )
        if not listeners:
            return None

        def on_batch(batch_loss, batch_weight):
            history["n_steps_"] += 1
            for callback in listeners:
                callback.on_batch_end(
                    self, engine, history["n_steps_"], batch_loss, batch_weight
                )

        return on_batch

    @staticmethod
    def _what_diverged(loss):
        """What went non-finite: ``loss`` itself, or a description of it."""
        if isinstance(loss, str):
            return loss
        if not np.isfinite(loss):
            return f"the loss became {loss}"
        return f"the weights became non-finite (loss={loss})"

    def _divergence_error(self, epoch, loss):
        name = self._learning_rate_param
        what = self._what_diverged(loss)
        return DivergenceError(
            f"Training diverged at epoch {epoch}: {what}. The learning rate "
            f"{name}={getattr(self, name)!r} is likely too large; try a smaller "
            f"{name}."
        )

    def _divergence_hints(self, X, Y):
        """Other likely causes of a divergence, as sentences for its message."""
        hints = []
        for name, array, fix in (
            ("inputs", X, "standardise them, e.g. with sklearn's StandardScaler"),
            ("targets", Y, "rescale y, or keep scale_target=True"),
        ):
            peak = float(np.max(np.abs(array))) if array.size else 0.0
            if not peak <= 1e4:
                hints.append(f"The {name} are large (max {peak:.3g}): {fix}.")
        return hints

    def _epochs(self, engine, data, batch_size, validation, max_iter, history, cbs):
        """The epoch loop: convergence, early stopping, divergence, Ctrl-C.

        ``validation`` is ``(X_val, Y_val, sample_weight_val)`` or None.
        """
        on_batch = self._batch_hook(engine, history, cbs)
        steps_per_epoch = -(-data[0].shape[0] // batch_size)
        early_stopping = validation is not None
        best_params = None
        no_improvement = 0
        stopped = False
        for _ in range(max_iter):
            epoch = history["n_iter_"] + 1
            started = time.perf_counter()
            try:
                for callback in cbs:
                    callback.on_epoch_begin(self, engine, epoch)
                # Overflow is detected below and reported as a divergence.
                with np.errstate(over="ignore", invalid="ignore"):
                    loss = engine.run_epoch(data, batch_size, self.shuffle, on_batch)
            except KeyboardInterrupt:
                warnings.warn(
                    f"Training interrupted during epoch {epoch}; keeping the "
                    "weights reached so far.",
                    TrainingInterruptedWarning,
                    stacklevel=6,
                )
                break
            except StopTraining:
                break
            diverged = None
            first_loss = history["loss_curve_"][0] if history["loss_curve_"] else loss
            if not (np.isfinite(loss) and engine.params_finite()):
                diverged = loss
            elif loss > _BLOW_UP_FACTOR * first_loss:
                # Finite but exploding: momentum or a huge rate can grow the
                # loss geometrically while every number stays representable.
                diverged = (
                    f"the loss grew to {loss:.3g}, over {_BLOW_UP_FACTOR:.0e} times "
                    f"its first value {first_loss:.3g}"
                )
            elif early_stopping:
                X_val, Y_val, sw_val = validation
                with np.errstate(over="ignore", invalid="ignore"):
                    val_outputs = engine.predict(X_val)
                if not np.isfinite(val_outputs).all():  # finite, huge weights
                    diverged = f"the network's outputs overflowed (loss={loss})"
            if diverged is not None:
                if early_stopping and best_params is not None:
                    warnings.warn(
                        f"Training diverged at epoch {epoch} "
                        f"({self._what_diverged(diverged)}); keeping the best "
                        f"weights found before. Lower {self._learning_rate_param}.",
                        ConvergenceWarning,
                        stacklevel=6,
                    )
                    break
                raise self._divergence_error(epoch, diverged)
            if on_batch is None:
                history["n_steps_"] += steps_per_epoch
            history["n_iter_"] = epoch
            history["loss_curve_"].append(loss)
            logs = {"epoch": epoch, "loss": loss}
            if early_stopping:
                with np.errstate(over="ignore"):  # huge outputs score -inf
                    score = self._score_encoded(val_outputs, Y_val, sw_val)
                history["validation_scores_"].append(score)
                logs["validation_score"] = score
                improved = score > history["best_validation_score_"] + self.tol
                if score > history["best_validation_score_"]:
                    history["best_validation_score_"] = score
                    best_params = engine.get_params()
            else:
                improved = loss < history["best_loss_"] - self.tol
            history["best_loss_"] = min(history["best_loss_"], loss)
            logs["time"] = time.perf_counter() - started
            history["epochs"].append(logs)
            if self.verbose:
                print(
                    ", ".join(
                        f"{k}={v:.6g}" if isinstance(v, float) else f"{k}={v}"
                        for k, v in logs.items()
                    )
                )
            try:
                requests = [c.on_epoch_end(self, engine, epoch, logs) for c in cbs]
            except StopTraining:
                requests = [True]
            if any(requests):
                stopped = True
                break
            no_improvement = 0 if improved else no_improvement + 1
            if no_improvement >= self.n_iter_no_change:
                stopped = True
                if self.verbose:
                    print(
                        f"No improvement above tol={self.tol} for "
                        f"{self.n_iter_no_change} epochs; stopping."
                    )
                break
        else:
            if max_iter > 1 and not stopped:
                warnings.warn(
                    f"Stopped at max_iter={max_iter} epochs before the loss "
                    "converged; raise max_iter or adjust the learning rate.",
                    ConvergenceWarning,
                    stacklevel=6,
                )
        if best_params is not None:
            engine.set_params(best_params)

    # -- prediction -------------------------------------------------------
    def _forward(self, X):
        check_is_fitted(self)
        X, _ = self._as_arrays(X, None, fitting=False)
        try:
            X = validate_data(self, X, reset=False, dtype=_FLOAT_DTYPES)
        except (ValueError, TypeError) as exc:
            if _is_conversion_error(exc):
                raise _non_numeric_error(exc, "X") from exc
            raise
        with np.errstate(over="ignore", invalid="ignore"):
            outputs = self._engine.predict(X.astype(self._engine.dtype, copy=False))
        return self._check_finite_predictions(outputs, X)

    def _check_finite_predictions(self, outputs, X):
        """``outputs``, or a ValueError if inputs far out of range overflowed."""
        if np.isfinite(outputs).all():
            return outputs
        raise ValueError(
            "The network's outputs overflowed to inf or NaN for some samples: "
            f"their inputs lie far outside the training data (max |X| = "
            f"{np.max(np.abs(X)):.3g}) for {self._engine.dtype} arithmetic. Scale "
            "X as the training data were scaled."
        )


class MLPClassifierBase(ClassifierMixin, BaseMLP):
    """Label encoding, probabilities and predictions of the classifiers.

    Two classes use one output unit; K > 2 classes use K units, softmax with
    ``loss="log_loss"`` or independent logistic units with the paper's
    ``loss="squared_error"`` (their outputs normalised to probabilities).
    """

    _accepts_multi_output = False
    _parameter_constraints = {
        **BaseMLP._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def partial_fit(self, X, y=None, classes=None, sample_weight=None):
        """Train for one epoch on ``(X, y)``, continuing from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs (or a torch Dataset, see :meth:`fit`).
        y : array-like of shape (n_samples,), default=None
            Labels; None only when ``X`` is a torch Dataset of pairs.
        classes : array-like of shape (n_classes,), default=None
            Every label that can occur; required on the first call.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample.

        Returns
        -------
        self : object
            The updated estimator.
        """
        if not hasattr(self, "_engine") and classes is None:
            raise ValueError(
                "classes must be passed on the first call to partial_fit: "
                "the list of every label the classifier will see."
            )
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def _encode_targets(self, y, reset, classes=None, sample_weight=None):
        try:
            check_classification_targets(y)
        except ValueError as exc:
            if not str(exc).startswith("Unknown label type: unknown"):
                raise
            kinds = sorted({type(label).__name__ for label in y[:10000]})
            raise ValueError(
                "Unknown label type: y must hold class labels of one kind (all "
                "numbers, all strings or all bools) in an array of that kind; got "
                f"an array of dtype {y.dtype} holding {', '.join(kinds)} values."
            ) from exc
        if classes is not None:
            try:
                classes = np.unique(classes)
            except TypeError as exc:
                raise TypeError(
                    "classes must be labels of one kind (all numbers, all strings "
                    f"or all bools) that can be sorted; got {classes!r}."
                ) from exc
        if reset:
            known = np.unique(y) if classes is None else classes
            if len(known) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes; "
                    f"got only one class: {known.tolist()!r}."
                )
        else:
            known = self.classes_
            if classes is not None and not np.array_equal(classes, known):
                raise ValueError(
                    f"classes={classes.tolist()!r} differs from the classes of the "
                    f"first call to partial_fit, classes_={known.tolist()!r}; they "
                    "are fixed from then on (call fit to start over)."
                )
        unseen = np.setdiff1d(np.unique(y), known)
        if len(unseen):
            raise ValueError(
                f"y contains labels not seen before: {unseen.tolist()!r}; "
                f"expected labels from classes_={known.tolist()!r}."
            )
        codes = np.searchsorted(known, y)
        if len(known) == 2:
            Y = (codes == 1).reshape(-1, 1).astype(np.float64)
        else:
            Y = np.zeros((len(y), len(known)))
            Y[np.arange(len(y)), codes] = 1.0
        return Y, {"classes_": known}

    def _output_activation(self, n_outputs):
        if self.loss == "log_loss" and n_outputs > 1:
            return "softmax"
        return "logistic"

    def _stratify_labels(self, Y):
        codes = Y[:, 0].astype(int) if Y.shape[1] == 1 else Y.argmax(axis=1)
        return codes if np.bincount(codes).min() >= 2 else None

    def _weigh_classes(self, y, sample_weight, dtype, incremental):
        if self.class_weight is None:
            return sample_weight
        if isinstance(self.class_weight, str) and incremental:
            raise ValueError(
                "class_weight='balanced' needs the whole training set and is not "
                "supported by partial_fit; pass a dict of class weights instead."
            )
        if isinstance(self.class_weight, dict):
            for label, weight in self.class_weight.items():
                if not (isinstance(weight, Real) and 0 <= weight < np.inf):
                    raise ValueError(
                        "class_weight must map labels to finite, non-negative "
                        f"numbers; got {weight!r} for label {label!r}."
                    )
            present = set(np.unique(y).tolist())
            unknown = set(self.class_weight) - present
            if unknown and not incremental:  # a chunk may lack some classes
                raise ValueError(
                    f"class_weight names labels that are not in y: {sorted(unknown)!r}."
                )
            class_weight = {k: v for k, v in self.class_weight.items() if k in present}
        else:
            class_weight = self.class_weight
        weights = compute_sample_weight(class_weight, y).astype(dtype)
        return weights if sample_weight is None else weights * sample_weight

    @staticmethod
    def _labels(outputs):
        if outputs.shape[1] == 1:
            return (outputs[:, 0] > 0.5).astype(int)
        return outputs.argmax(axis=1)

    def _score_encoded(self, outputs, Y, sample_weight):
        return accuracy_score(
            self._labels(Y), self._labels(outputs), sample_weight=sample_weight
        )

    def _probabilities(self, outputs):
        tiny = np.finfo(outputs.dtype).eps
        if outputs.shape[1] == 1:
            p = np.clip(outputs[:, 0], tiny, 1 - tiny)
            return np.column_stack([1 - p, p])
        proba = np.clip(outputs, tiny, None)
        proba /= proba.sum(axis=1, keepdims=True)
        return proba

    def predict_proba(self, X):
        """Probability of each class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities in ``classes_`` order, strictly inside (0, 1),
            each row summing to 1.
        """
        return self._probabilities(self._forward(X))

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities in ``classes_`` order.
        """
        return np.log(self.predict_proba(X))

    def predict(self, X):
        """Most probable class of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        labels = self._labels(self._forward(X))
        return self.classes_[labels]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags


class MLPRegressorBase(RegressorMixin, BaseMLP):
    """Target scaling and predictions of the regressors.

    With ``scale_target=True`` each target column is standardised before
    training and the predictions mapped back, so that the default learning
    rate works whatever the units of ``y``.
    """

    _accepts_multi_output = True

    def partial_fit(self, X, y=None, sample_weight=None):
        """Train for one epoch on ``(X, y)``, continuing from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs (or a torch Dataset, see :meth:`fit`).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), \
                default=None
            Targets; None only when ``X`` is a torch Dataset of pairs.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample.

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def _encode_targets(self, y, reset, classes=None, sample_weight=None):
        try:
            Y = np.asarray(y, dtype=np.float64)
        except (ValueError, TypeError) as exc:
            raise _non_numeric_error(exc, "y") from exc
        ndim = Y.ndim
        Y = Y.reshape(len(Y), -1)
        if reset:
            if self.scale_target:
                mean, scale = _mean_and_scale(Y, sample_weight)
            else:
                mean, scale = np.zeros(Y.shape[1]), np.ones(Y.shape[1])
            attrs = {"_y_mean": mean, "_y_scale": scale, "_y_ndim": ndim}
        else:
            if Y.shape[1] != len(self._y_mean):
                raise ValueError(
                    f"y has {Y.shape[1]} outputs but the regressor was fitted "
                    f"with {len(self._y_mean)}."
                )
            mean, scale = self._y_mean, self._y_scale
            attrs = {}
        with np.errstate(over="ignore", invalid="ignore"):
            Y = (Y - mean) / scale
        if not np.isfinite(Y).all():
            raise ValueError(
                "y is too large to standardise in float64 (max |y| = "
                f"{np.max(np.abs(y)):.3g}); divide it by a constant first."
            )
        return Y, attrs

    def _output_activation(self, n_outputs):
        return "identity"

    def _score_encoded(self, outputs, Y, sample_weight):
        # R2 per output is unchanged by the affine target scaling.
        return r2_score(Y, outputs, sample_weight=sample_weight)

    def predict(self, X):
        """Predicted targets.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions, in the shape of the ``y`` seen in ``fit``.
        """
        outputs = self._forward(X)
        with np.errstate(over="ignore", invalid="ignore"):
            y = outputs * self._y_scale.astype(outputs.dtype) + self._y_mean.astype(
                outputs.dtype
            )
        y = self._check_finite_predictions(y, X)
        return y[:, 0] if self._y_ndim == 1 else y

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.target_tags.multi_output = True
        return tags
