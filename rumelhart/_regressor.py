"""The regressors' task part: target scaling and predictions.

With ``scale_target=True`` each target column is standardised before
training and the predictions mapped back, so that the default learning rate
works whatever the units of ``y``. A column that is constant in the
training data is predicted as that constant, exactly.
"""

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.validation import validate_data

from ._estimator import FLOAT_DTYPES, SPARSE_FORMATS, BaseMLP, TargetSpec
from ._validation import mean_and_scale, non_numeric_error


class MLPRegressorBase(RegressorMixin, BaseMLP):
    """Target scaling and predictions of the regressors."""

    _parameter_constraints = {
        **BaseMLP._parameter_constraints,
        "scale_target": ["boolean"],
    }

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

    # -- the task part of the base ------------------------------------------
    def _validate_xy(self, X, y, reset):
        return validate_data(
            self,
            X,
            y,
            reset=reset,
            dtype=FLOAT_DTYPES,
            accept_sparse=SPARSE_FORMATS,
            multi_output=True,
            y_numeric=True,
        )

    def _numeric_targets(self, y):
        return {"y": y}

    def _encode_targets(self, y, reset, classes=None, sample_weight=None):
        try:
            Y = np.asarray(y, dtype=np.float64)
        except (ValueError, TypeError) as exc:
            raise non_numeric_error(exc, y=y) or exc from exc
        ndim = Y.ndim
        Y = Y.reshape(len(Y), -1)
        if reset:
            attrs = self._target_scaling(Y, sample_weight)
            attrs["_y_ndim"] = ndim
            attrs["_target"] = TargetSpec(
                task="regression",
                loss="squared_error",
                output_activation="identity",
                n_outputs=Y.shape[1],
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

    def _target_scaling(self, Y, sample_weight):
        """Mean, scale and constant columns of new targets."""
        mean, scale, constant = mean_and_scale(Y, sample_weight)
        attrs = {"_y_level": mean, "_y_constant": constant}
        if not self.scale_target:
            mean, scale = np.zeros(Y.shape[1]), np.ones(Y.shape[1])
        return {**attrs, "_y_mean": mean, "_y_scale": scale}

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

    def _output_scorer(self, target):
        return _r2

    def _upgraded_state(self, state, saved):
        state = super()._upgraded_state(state, saved)
        if "_engine" in state and "_target" not in state:
            engine = state["_engine"]
            state["_target"] = TargetSpec(
                "regression", "squared_error", "identity", engine.layer_sizes[-1]
            )
            state.setdefault("_y_constant", np.zeros(len(state["_y_mean"]), bool))
            state.setdefault("_y_level", state["_y_mean"])
        return state

    # -- prediction -------------------------------------------------------
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
        dtype = outputs.dtype
        with np.errstate(over="ignore", invalid="ignore"):
            y = outputs * self._y_scale.astype(dtype) + self._y_mean.astype(dtype)
        y = self._check_finite_predictions(y, X)
        constant = self._y_constant
        y[:, constant] = self._y_level[constant].astype(dtype)
        return y[:, 0] if self._y_ndim == 1 else y

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


def _r2(outputs, Y, sample_weight):
    """The validation score of a regressor: R2 (per output, unchanged by the
    affine target scaling)."""
    return r2_score(Y, outputs, sample_weight=sample_weight)
