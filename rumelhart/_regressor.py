"""The regressors' task part: the loss, target scaling and predictions.

With ``scale_target=True`` each target column is scaled before training and
the predictions mapped back, so that the default learning rate works
whatever the units of ``y``: standardised (centred, divided by its standard
deviation) for the losses of identity output units, only divided by its
(positive) mean for the log-link losses ``poisson`` and ``gamma``, whose
targets must keep their sign and zero (dividing by a constant only shifts
the output units' bias by its logarithm). A column that is constant in the
training data is predicted as that constant, exactly.
"""

from numbers import Real

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import Interval, StrOptions

from ._conformal import conformal_shifts
from ._cross_conformal import cross_applies, cross_shifts
from ._docstrings import (
    SAMPLE_WEIGHT,
    TARGETS_Y,
    TRAINING_X,
    X_INPUTS,
    with_parameters,
)
from ._estimator import BaseMLP, TargetSpec
from ._estimator.held_out import negated
from ._estimator.inputs import validated_xy
from ._estimator.targets import output_loss
from ._math.losses import LOSSES
from ._quantiles import ordered, quantile_levels, quantile_targets
from ._validation import mean_and_scale, non_numeric_error

#: loss -> the output units that train it (the losses' table pairs them).
OUTPUT_UNITS = {
    "squared_error": "identity",
    "absolute_error": "identity",
    "huber": "identity",
    "quantile": "identity",
    "poisson": "exponential",
    "gamma": "exponential",
}

#: The losses whose targets are only divided by a positive scale (log link).
_LOG_LINK = frozenset({"poisson", "gamma"})


class MLPRegressorBase(RegressorMixin, BaseMLP):
    """Target scaling and predictions of the regressors."""

    _parameter_constraints = {
        **BaseMLP._parameter_constraints,
        "scale_target": ["boolean"],
        "loss": [StrOptions(set(OUTPUT_UNITS))],
        "huber_delta": [Interval(Real, 0, None, closed="neither")],
        "quantile": [Interval(Real, 0, 1, closed="neither"), "array-like"],
        "conformalize_quantiles": ["boolean", StrOptions({"split", "cross"})],
    }

    @with_parameters(TRAINING_X, TARGETS_Y, SAMPLE_WEIGHT)
    def partial_fit(self, X, y=None, sample_weight=None):
        """Train for one epoch on ``(X, y)``, continuing from the current weights.

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True)

    # -- the task part of the base ------------------------------------------
    def _validate_xy(self, X, y, reset):
        return validated_xy(self, X, y, reset, y_numeric=True)

    def _numeric_targets(self, y):
        return {"y": y}

    def _encode_targets(self, y, reset, classes=None, sample_weight=None):
        try:
            Y = np.asarray(y, dtype=np.float64)
        except (ValueError, TypeError) as exc:
            raise non_numeric_error(exc, y=y) or exc from exc
        ndim = Y.ndim
        Y = Y.reshape(len(Y), -1)
        loss = self._target.loss if not reset else self.loss
        _check_targets(loss, Y)
        levels, several = None, False
        if loss == "quantile":
            levels, several = self._levels(reset)
            Y, levels = quantile_targets(Y, levels, several)
            ndim = 2 if several else ndim
        if reset:
            attrs = self._target_scaling(Y, sample_weight)
            attrs["_y_ndim"] = ndim
            attrs["_target"] = TargetSpec(
                task="regression",
                loss=loss,
                output_activation=OUTPUT_UNITS[loss],
                n_outputs=Y.shape[1],
                loss_param=self._loss_param(loss, attrs["_y_scale"], levels),
                quantile_columns=several,
            )
        else:
            attrs = self._continued_scaling(Y)
        with np.errstate(over="ignore", invalid="ignore"):
            Y = (Y - attrs["_y_mean"]) / attrs["_y_scale"]
        if not np.isfinite(Y).all():
            raise ValueError(
                "y is too large to standardise in float64 (max |y| = "
                f"{np.max(np.abs(y)):.3g}); divide it by a constant first."
            )
        return Y, attrs

    def _levels(self, reset):
        """``(levels, several)`` of ``quantile`` (new) or of the fit."""
        if reset:
            return quantile_levels(self.quantile)
        levels = np.asarray(self._target.loss_param)
        if self._target.quantile_columns:
            return levels, True
        return levels[:1], False

    def _target_scaling(self, Y, sample_weight):
        """Mean, scale and constant columns of new targets."""
        mean, scale, constant = mean_and_scale(Y, sample_weight)
        attrs = {"_y_level": mean, "_y_constant": constant}
        if not self.scale_target:
            mean, scale = np.zeros(Y.shape[1]), np.ones(Y.shape[1])
        elif self.loss in _LOG_LINK:
            # No centring: divide by the (positive) mean, or by 1.
            scale = np.where(mean > 0, mean, 1.0)
            mean = np.zeros(Y.shape[1])
        return {**attrs, "_y_mean": mean, "_y_scale": scale}

    def _loss_param(self, loss, y_scale, levels):
        """The loss's parameter per output: Huber's delta in the scaled
        targets' units, the quantile levels (unchanged by scaling)."""
        if LOSSES[loss].parameter is None:
            return None
        values = levels if loss == "quantile" else self.huber_delta / y_scale
        return tuple(float(v) for v in values)

    def _continued_scaling(self, Y):
        """The fitted scaling; a column stays constant only while every call
        brings the same value."""
        if Y.shape[1] != len(self._y_mean):
            raise ValueError(
                f"y has {Y.shape[1]} outputs but the regressor was fitted "
                f"with {len(self._y_mean)}."
            )
        level = self._y_level
        tolerance = 1e-12 * np.maximum(np.abs(level), np.finfo(np.float64).tiny)
        same = np.all(np.abs(Y - level) <= tolerance, axis=0)
        return {
            "_y_mean": self._y_mean,
            "_y_scale": self._y_scale,
            "_y_level": level,
            "_y_constant": self._y_constant & same,
        }

    def _calibrated(self, engine, rows, fitted):
        """``quantile_shifts_``: the conformal shift of each quantile column
        on the validation rows, in the units of y (see :mod:`._conformal`)."""
        target = self._target
        if target.loss != "quantile":
            return {"quantile_shifts_": None}
        shifts = np.zeros(target.n_outputs)
        if rows is not None and self.conformalize_quantiles:
            with np.errstate(over="ignore", invalid="ignore"):
                outputs = engine.predict(rows.X)
            levels = np.asarray(target.loss_param)
            scaled = conformal_shifts(outputs, rows.Y, levels, rows.sample_weight)
            shifts = _in_units_of_y(scaled, fitted)
        return {"quantile_shifts_": shifts}

    def _calibrated_across(self, run, engine):
        """``quantile_shifts_`` from fits on folds (see :mod:`._cross_conformal`),
        when the shifts would otherwise come from a split of a new fit's ``X``."""
        if not (
            run.target.loss == "quantile"
            and self.conformalize_quantiles in (True, "cross")
            and run.held_out is None  # X_val: the user's calibration rows
            and not (run.continuing or run.incremental)
            and cross_applies(run)  # a split of X (none: no shifts)
        ):
            return None
        scaled = cross_shifts(self, engine, run)
        if scaled is None:
            return None
        return {"quantile_shifts_": _in_units_of_y(scaled, run.target_attrs)}

    def _output_scorer(self, target):
        if target.loss == "squared_error":
            return _r2
        # R2 would pull a median or a deviance fit back toward the mean:
        # the validation split is judged by the loss being minimised.
        return negated(output_loss(target, "mean"))

    def _upgraded_state(self, state, saved):
        state = super()._upgraded_state(state, saved)
        if "_engine" in state and "_target" not in state:
            engine = state["_engine"]
            state["_target"] = TargetSpec(
                "regression", "squared_error", "identity", engine.layer_sizes[-1]
            )
            state.setdefault("_y_constant", np.zeros(len(state["_y_mean"]), bool))
            state.setdefault("_y_level", state["_y_mean"])
        if "_engine" in state:  # fitted before the conformal shifts
            state.setdefault("quantile_shifts_", None)
        return state

    # -- prediction -------------------------------------------------------
    @with_parameters(X_INPUTS)
    def predict(self, X):
        """Predicted targets.

        Returns
        -------
        y : ndarray of shape (n_samples,), (n_samples, n_outputs) or \
                (n_samples, n_quantiles)
            Predictions, in the shape of the ``y`` seen in ``fit``; with
            ``loss="quantile"`` and a list of levels (1-D ``y``), one column
            per level, in the order given, sorted on every row so that they
            never cross. Quantiles include their conformal shifts
            (``quantile_shifts_``).
        """
        outputs = self._forward(X)
        dtype = outputs.dtype
        with np.errstate(over="ignore", invalid="ignore"):
            y = outputs * self._y_scale.astype(dtype) + self._y_mean.astype(dtype)
            # None during fit (a scorer on validation rows predicts before
            # the shifts are measured) and in 0.2's pickles.
            shifts = getattr(self, "quantile_shifts_", None)
            if shifts is not None:
                y += shifts.astype(dtype)
        y = self._check_finite_predictions(y, X)
        constant = self._y_constant
        y[:, constant] = self._y_level[constant].astype(dtype)
        if self._target.quantile_columns:  # several quantiles: never crossing
            y = ordered(y, np.asarray(self._target.loss_param))
        return y[:, 0] if self._y_ndim == 1 else y

    @with_parameters(
        X_INPUTS,
        "y : array-like of shape (n_samples,) or (n_samples, n_outputs)\n"
        "    True targets.\n",
        SAMPLE_WEIGHT,
    )
    def score(self, X, y, sample_weight=None):
        """R2 of the predictions (scikit-learn's regressor score).

        With a list of quantile levels, the mean R2 of the columns, each
        against ``y``.

        Returns
        -------
        score : float
            R2.
        """
        predictions = self.predict(X)
        y = np.asarray(y)
        if self._target.quantile_columns and y.ndim == 1:
            y = np.repeat(y[:, None], predictions.shape[1], axis=1)
        return r2_score(y, predictions, sample_weight=sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        # The log-link losses refuse negative (gamma: zero) targets.
        tags.target_tags.positive_only = getattr(self, "loss", None) in _LOG_LINK
        return tags


def _r2(outputs, Y, sample_weight):
    """The validation score of a regressor: R2 (per output, unchanged by the
    affine target scaling)."""
    return r2_score(Y, outputs, sample_weight=sample_weight)


def _check_targets(loss, Y):
    """Refuse targets the loss cannot take (negative counts for ``poisson``,
    zero or negative values for ``gamma``), naming them."""
    targets = LOSSES[loss].outputs[OUTPUT_UNITS[loss]].targets
    refused = targets.refused(Y)
    if refused.any():
        bad = np.unique(Y[refused])
        shown = ", ".join(f"{v:g}" for v in bad[:5])
        more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
        raise ValueError(
            f"loss={loss!r} needs targets that are {targets.description}; "
            f"y has {int(refused.sum())} that are not: {shown}{more}."
        )


def _in_units_of_y(scaled, fitted):
    """Shifts measured on the scaled targets, in the units of y (``fitted``:
    the target attributes); a constant column is predicted as its constant,
    with no shift."""
    return np.where(fitted["_y_constant"], 0.0, scaled * fitted["_y_scale"])
