"""The autoencoders' task part: a network trained to reproduce its input.

The paper's encoder problems (8-3-8: eight one-hot patterns through three
hidden units) are autoencoders: the hidden units must invent a code. Here
``fit(X)`` trains the network on ``(X, X)``; ``transform`` returns the code
(the narrowest hidden layer by default), ``inverse_transform`` decodes a
code back to the input space, and ``score`` is the negative mean squared
reconstruction error.
"""

import numpy as np
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_array,
    check_is_fitted,
    validate_data,
)

from ._docstrings import (
    RECONSTRUCTED_X,
    SAMPLE_WEIGHT,
    SAMPLE_WEIGHT_VAL,
    X_INPUTS,
    Y_IGNORED,
    with_parameters,
)
from ._estimator import FLOAT_DTYPES, BaseMLP, TargetSpec
from ._estimator.fit_run import Start
from ._estimator.pca_start import (
    curvature_bound,
    exact_in,
    pca_start,
    supports,
    unbounded,
)

#: ``X_val`` of the autoencoders' ``fit``.
_OWN_VALIDATION_ROWS = """\
X_val : array-like of shape (n_val, n_features), default=None
    Validation rows of your own (also their targets): with
    ``early_stopping`` True or ``"auto"`` they and only they decide
    when to stop and which epoch's weights to keep, and all of ``X``
    trains. Not transformed by a ``Pipeline`` (see the regressors'
    ``fit``). Not taken by ``partial_fit``.
"""


class MLPAutoencoderBase(BaseMLP):
    """Reconstruction targets, the code, decoding and the score."""

    _parameter_constraints = {
        **BaseMLP._parameter_constraints,
        "output_activation": [StrOptions({"identity", "logistic"})],
        "transform_layer": [int, StrOptions({"all"}), None],
        "init": [StrOptions({"auto", "pca", "random"})],
    }

    @with_parameters(
        RECONSTRUCTED_X,
        Y_IGNORED,
        SAMPLE_WEIGHT,
        _OWN_VALIDATION_ROWS,
        Y_IGNORED.replace("y :", "y_val :"),
        SAMPLE_WEIGHT_VAL,
    )
    def fit(
        self,
        X,
        y=None,
        sample_weight=None,
        *,
        X_val=None,
        y_val=None,
        sample_weight_val=None,
    ):
        """Train the network to reproduce ``X``.

        Returns
        -------
        self : object
            The fitted autoencoder.
        """
        return self._fit(
            X,
            None,
            sample_weight,
            incremental=False,
            validation=(X_val, None, sample_weight_val),
        )

    @with_parameters(RECONSTRUCTED_X, Y_IGNORED, SAMPLE_WEIGHT)
    def partial_fit(self, X, y=None, sample_weight=None):
        """Train for one epoch on ``X``, continuing from the current weights.

        Returns
        -------
        self : object
            The updated autoencoder.
        """
        return self._fit(X, None, sample_weight, incremental=True)

    # -- the task part of the base ------------------------------------------
    _supervised = False  # the targets are the inputs: X_val needs no y_val
    _accept_sparse = False  # the targets are X itself, dense

    def _validate_xy(self, X, y, reset):
        X = validate_data(self, X, reset=reset, dtype=FLOAT_DTYPES)
        return X, X

    def _encode_targets(self, y, reset, classes=None, sample_weight=None):
        Y = np.asarray(y, dtype=np.float64)
        if self.output_activation == "logistic" and not (
            (Y >= 0).all() and (Y <= 1).all()
        ):
            raise ValueError(
                "output_activation='logistic' reconstructs inputs in [0, 1]; X "
                f"has values in [{Y.min():.3g}, {Y.max():.3g}]. Scale X to [0, 1] "
                "(e.g. MinMaxScaler) or use output_activation='identity'."
            )
        if not reset:
            return Y, {}
        spec = TargetSpec(
            task="reconstruction",
            loss="squared_error",
            output_activation=self.output_activation,
            n_outputs=Y.shape[1],
        )
        return Y, {"_target": spec}

    def _output_scorer(self, target):
        return _reconstruction_score

    def _start_weights(self, X, sample_weight, spec, engine):
        activation = spec.hidden_activation
        if self._pca_start(spec, X, sample_weight):
            coefs, intercepts = pca_start(
                X, sample_weight, spec.layer_sizes, activation, engine.weights()
            )
            curvature = curvature_bound(X, sample_weight, coefs, intercepts, activation)
            return Start(coefs, intercepts, curvature)
        if not unbounded(activation) or getattr(self, "module", None) is not None:
            return None
        # Rectified units of a random draw on unscaled inputs: eq. 9 at the
        # default eps diverged within three epochs (scikit-learn's checks,
        # 21 rows within +-6): the same cap of the step as the PCA start's.
        coefs, intercepts = engine.weights()
        curvature = curvature_bound(X, sample_weight, coefs, intercepts, activation)
        return Start(coefs, intercepts, curvature, candidate=False)

    def _pca_start(self, spec, X, sample_weight):
        """Whether a new network starts on the PCA path (see ``init``)."""
        if self.init == "random":
            return False
        # The start is PCA's reconstruction, a linear output's optimum.
        why_not = [
            "output_activation='logistic'" * (spec.output_activation != "identity"),
            "input_groups" * (spec.input_mask is not None),
            f"activation={spec.hidden_activation!r}"
            * (not supports(spec.hidden_activation)),
            "a custom module" * (getattr(self, "module", None) is not None),
            "no hidden layer" * (len(spec.layer_sizes) < 3),
        ]
        why_not = [reason for reason in why_not if reason]
        if why_not and self.init == "pca":
            raise ValueError(
                "init='pca' starts linear output units at PCA's reconstruction "
                f"through hidden layers; it cannot with {', '.join(why_not)}. "
                "Use init='random' or 'auto'."
            )
        if why_not:
            return False
        # "auto": a code that already holds every direction of the data
        # starts at an exact fit, whose zero gradient Adam turns into a
        # random walk away from it: such a network starts at random.
        code = min(spec.layer_sizes[1:-1])
        return self.init == "pca" or not exact_in(X, sample_weight, code)

    def _transform_layers(self):
        if self.transform_layer is None:  # the code: the narrowest hidden layer
            hidden = self._engine.layer_sizes[1:-1]
            if not hidden:
                return super()._transform_layers()  # explains: no hidden layer
            return [int(np.argmin(hidden))]
        return super()._transform_layers()

    # -- decoding and scoring ------------------------------------------------
    def inverse_transform(self, X):
        """Decode codes (outputs of the ``transform`` layer) back to inputs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_code_units)
            Codes, as :meth:`transform` returns them.

        Returns
        -------
        X_reconstructed : ndarray of shape (n_samples, n_features)
            The network's outputs from those codes.
        """
        check_is_fitted(self)
        layers = self._transform_layers()
        if len(layers) != 1:
            raise ValueError(
                "inverse_transform decodes one hidden layer; transform_layer='all' "
                "concatenates several."
            )
        width = self._engine.layer_sizes[layers[0] + 1]
        H = check_array(X, dtype=FLOAT_DTYPES).astype(self._engine.dtype, copy=False)
        if H.shape[1] != width:
            raise ValueError(
                f"inverse_transform takes codes of shape (n_samples, {width}); got "
                f"shape {H.shape}."
            )
        return self._engine.decode(H, layers[0])

    @with_parameters(X_INPUTS, Y_IGNORED, SAMPLE_WEIGHT)
    def score(self, X, y=None, sample_weight=None):
        """Negative mean squared reconstruction error of ``X``.

        Returns
        -------
        score : float
            ``-mean((reconstruction - X) ** 2)``: higher is better, 0 is
            perfect.
        """
        check_is_fitted(self)
        X = self._validated_inputs(X)
        outputs = self._check_finite_predictions(self._engine.predict(X), X)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X)
        return _reconstruction_score(outputs, X.astype(np.float64), sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.target_tags.required = False
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _reconstruction_score(outputs, Y, sample_weight):
    """Negative mean squared reconstruction error (higher is better)."""
    errors = np.mean((outputs - Y) ** 2, axis=1)
    return -float(np.average(errors, weights=sample_weight))
