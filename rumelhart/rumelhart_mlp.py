"""RumelhartClassifier and RumelhartRegressor: the 1986 network in NumPy."""

from dataclasses import dataclass
from numbers import Real
from typing import Literal

from sklearn.utils._param_validation import Interval, StrOptions

from ._autoencoder import MLPAutoencoderBase
from ._classifier import MLPClassifierBase
from ._docstrings import ACTIVATIONS_DOC, STOPPING_PARAMETERS, estimator_doc
from ._estimator.backends.numpy import ALIASES, HIDDEN_ACTIVATIONS, NumpyBackend
from ._estimator.parameters import (
    AutoencoderParameters,
    ClassifierParameters,
    NumpyParameters,
    RegressorParameters,
)
from ._regressor import MLPRegressorBase

_RUMELHART_CONSTRAINTS = {
    "activation": [StrOptions(set(HIDDEN_ACTIVATIONS) | set(ALIASES))],
    "eps": [Interval(Real, 0, None, closed="neither")],
    "alpha": [Interval(Real, 0, 1, closed="left")],
    "weight_decay": [Interval(Real, 0, 1, closed="left"), StrOptions({"auto"})],
    "decay_intercepts": ["boolean"],
    "init_range": [Interval(Real, 0, None, closed="left"), StrOptions({"auto"})],
    "reduction": [StrOptions({"mean", "sum"})],
}

#: Why the autoencoder's default units are not the paper's.
_AUTOENCODER_ACTIVATION_NOTE = """
        The autoencoder's default is the rectifier: ``init="auto"`` starts
        the network on PCA's reconstruction, which rectified units carry
        exactly; logistic or tanh units carry it only in the near-linear
        middle of their range, behind large weights out, a start so stiff
        that eq. 9 is stable only at a step 1e-3 to 1e-6 times ``eps``, and
        a deeper network stays at PCA's error. The paper's encoder problems
        use ``activation="logistic"``."""

#: The NumPy backend's parameters, after the task's.
_BACKEND_PARAMETERS_DOC = (
    """
    activation : {{"logistic", "sigmoid", "tanh", "relu", "leaky_relu", "elu", \
"softplus", "gelu", "silu", "identity"}}, default="{activation}"
        Activation of the hidden units; the paper's is the logistic unit.\
{activation_note}
"""
    + ACTIVATIONS_DOC
    + """    eps : float, default={eps}
        Learning rate ε of eq. 9.
    alpha : float, default=0.9
        Momentum α of eq. 9: the fraction of the previous change of each
        weight added to the current one. ``0 <= alpha < 1``.
    weight_decay : float or "auto", default={weight_decay}
        Fraction by which every connection weight (and with
        ``decay_intercepts=True`` every bias) shrinks after each change, as
        in the paper's family-trees experiment (0.002 there).
        ``"auto"`` is ``2 eps min(6e-3, 5 / n_samples * min(1, n_features /
        16))``: a Gaussian prior on every weight, worth 5 samples' error
        whatever ``eps`` (a shrink of d per change is a step on an L2
        penalty of d / (2 eps)), that fades against the data as they grow,
        and weaker on fewer than 16 inputs, where the first layer starts
        wider (``init_range``). The classifiers and ``loss="poisson"`` or
        ``"gamma"``, which follow their training loss to convergence below
        10,000 rows, get that prior; the squared, absolute, Huber and
        quantile losses, whose epochs a held-out split chooses, none. With
        ``loss="poisson"`` it is multiplied by the trained targets'
        dispersion (Pearson's statistic of a Poisson GLM, 1 to 30): an
        overdispersed count is worth less than the deviance credits it.
    decay_intercepts : bool, default=False
        Whether ``weight_decay`` shrinks the biases too, as the paper's
        family-trees experiment did (a bias is a weight from a unit that is
        always on; :func:`~rumelhart.paper.paper_recipe` sets True). False,
        as scikit-learn's ``alpha``: a prior that pulls every bias to zero
        pulls each logistic unit's transition through the origin of the
        standardised inputs, and costs boundaries away from it (the sign of
        a sum of products of input pairs: 82.6 % against 84.2 % over five
        folds).
    init_range : float or "auto", default="auto"
        Initial weights and biases are drawn uniformly from
        ``[-init_range, init_range]`` (the paper: 0.3); ``"auto"`` draws each
        layer's from ``±2/sqrt(fan_in)``, so that every unit's net input has
        the same spread whatever the number of its inputs (wide enough for
        the logistic units to start in their curved part), and the first
        layer's from at least ``±8/n_features``: on few inputs, units as
        wide as the data could not draw a sharp boundary.
    reduction : {{"mean", "sum"}}, default="mean"
        How the errors of a batch's samples make the error whose gradient is
        followed. ``"mean"`` (weighted mean) keeps ``eps`` independent of the
        number of samples; ``"sum"`` is the paper's E, summed over cases, so
        its ε and α reproduce its experiments literally.
    batch_size : int, "auto" or None, default="auto"
        Samples per change of the weights. ``None`` accumulates the gradient
        over the whole sweep, as the paper does; ``"auto"`` is
        ``min(200, n_samples)``.
    shuffle : bool, default=True
        Whether to visit the samples in a new random order every epoch
        (only matters for mini-batches).
    max_iter : int, default=1000
        Maximum number of epochs (sweeps through the data).
"""
    + STOPPING_PARAMETERS
    + """    random_state : int, RandomState instance or None, default=None
        Seeds a local generator for the initial weights, shuffling and the
        validation split, anew in every ``fit``; the global generators are
        never used.
    verbose : int, default=0
        Print one line per epoch when positive.
    warm_start : bool, default=False
        Continue from the previous solution in ``fit`` instead of starting
        from new random weights.
"""
)

#: The NumPy backend's fitted attributes.
_BACKEND_ATTRIBUTES_DOC = """
    coefs_ : list of ndarray
        ``coefs_[i]`` has shape (units of layer i, units of layer i + 1).
    intercepts_ : list of ndarray
        Biases of layer i + 1.
"""

#: Why ``alpha`` is not scikit-learn's ``alpha`` (in every summary).
_ALPHA_NOTE = """
    ``alpha`` is the momentum α of eq. 9, not scikit-learn's L2 penalty
    (that is ``weight_decay`` here); see :doc:`/migrating`.
"""


#: The backend of the NumPy estimators (a class attribute: never pickled).
_NUMPY_BACKEND = NumpyBackend()


# Each estimator's parameters are those of its bases' groups (see
# _estimator/parameters.py: fields come last base first), and the defaults
# that differ, declared again below; dataclasses writes the __init__.


@dataclass(repr=False, eq=False, kw_only=True)
class RumelhartClassifier(MLPClassifierBase, NumpyParameters, ClassifierParameters):
    __doc__ = estimator_doc(
        """Multilayer perceptron classifier of Rumelhart, Hinton & Williams (1986).

    Logistic (sigmoid) units trained by backpropagation with the paper's
    momentum update ``Δw(t) = -ε ∂E/∂w + α Δw(t-1)`` (eq. 9), in NumPy.
"""
        + _ALPHA_NOTE,
        task="classifier",
        parameters="""\
    hidden_layer_sizes : tuple of int, default=(100,)
        Units of each hidden layer; ``()`` gives a network without hidden
        layer (logistic regression).
    loss : {"log_loss", "squared_error"}, default="log_loss"
        ``"squared_error"`` is the paper's E with logistic output units;
        ``"log_loss"`` is the cross-entropy with logistic (2 classes) or
        softmax output units, which trains faster and more accurately on
        real data (see the user guide).
""",
        backend_parameters=_BACKEND_PARAMETERS_DOC.format(
            eps=0.5, weight_decay='"auto"', activation="logistic", activation_note=""
        ),
        backend_attributes=_BACKEND_ATTRIBUTES_DOC,
        see_also="""\
    RumelhartRegressor : The same network for regression.
    TorchMLPClassifier : The same estimator on PyTorch.
""",
        examples="""\
    >>> from sklearn.datasets import load_iris
    >>> from rumelhart import RumelhartClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = RumelhartClassifier(hidden_layer_sizes=(8,), random_state=0)
    >>> clf.fit(X, y).score(X, y) > 0.9
    True
""",
    )

    _backend = _NUMPY_BACKEND
    _parameter_constraints = {
        **MLPClassifierBase._parameter_constraints,
        **_RUMELHART_CONSTRAINTS,
    }

    # Defaults of the classifier's own (the rest: NumpyParameters).
    eps: float = 0.5
    weight_decay: float | Literal["auto"] = "auto"


@dataclass(repr=False, eq=False, kw_only=True)
class RumelhartRegressor(MLPRegressorBase, NumpyParameters, RegressorParameters):
    __doc__ = estimator_doc(
        """Multilayer perceptron regressor of Rumelhart, Hinton & Williams (1986).

    Logistic hidden units, linear output units and the squared error, trained
    by backpropagation with the paper's momentum update (eq. 9), in NumPy.
"""
        + _ALPHA_NOTE,
        task="regressor",
        parameters="""\
    hidden_layer_sizes : tuple of int, default=(100,)
        Units of each hidden layer; ``()`` gives a linear model.
    scale_target : bool, default=True
        Standardise each target column for training and map the predictions
        back, so that the default ``eps`` suits targets of any scale.
        ``loss_curve_`` is then measured on the standardised targets.
        With ``loss="poisson"`` or ``"gamma"`` each column is only divided
        by its mean (no centring).
""",
        backend_parameters=_BACKEND_PARAMETERS_DOC.format(
            eps=0.05, weight_decay='"auto"', activation="logistic", activation_note=""
        ),
        backend_attributes=_BACKEND_ATTRIBUTES_DOC,
        see_also="""\
    RumelhartClassifier : The same network for classification.
    TorchMLPRegressor : The same estimator on PyTorch.
""",
        examples="""\
    >>> import numpy as np
    >>> from rumelhart import RumelhartRegressor
    >>> X = np.linspace(0, 1, 20).reshape(-1, 1)
    >>> reg = RumelhartRegressor(hidden_layer_sizes=(), random_state=0)
    >>> float(reg.fit(X, 2 * X.ravel()).predict([[5.0]])[0]) # doctest: +ELLIPSIS
    10.0...
""",
    )

    _backend = _NUMPY_BACKEND
    _parameter_constraints = {
        **MLPRegressorBase._parameter_constraints,
        **_RUMELHART_CONSTRAINTS,
    }

    # The regressor's own default (the rest: NumpyParameters).
    weight_decay: float | Literal["auto"] = "auto"


@dataclass(repr=False, eq=False, kw_only=True)
class RumelhartAutoencoder(MLPAutoencoderBase, NumpyParameters, AutoencoderParameters):
    __doc__ = estimator_doc(
        """Autoencoder of Rumelhart, Hinton & Williams (1986): the encoder problems.

    A network of hidden units trained by backpropagation with the
    paper's momentum update (eq. 9) to reproduce its input through a narrow
    hidden layer, whose outputs are a learned code: :meth:`transform` maps
    inputs to codes, :meth:`inverse_transform` codes to reconstructions,
    :meth:`score` is the negative mean squared reconstruction error.
"""
        + _ALPHA_NOTE,
        task="autoencoder",
        parameters="""\
    hidden_layer_sizes : tuple of int, default=(8,)
        Units of each hidden layer, e.g. ``(3,)`` for the paper's 8-3-8
        encoder or ``(64, 8, 64)`` for a deeper one.
""",
        backend_parameters=_BACKEND_PARAMETERS_DOC.format(
            eps=0.05,
            weight_decay=0.0,
            activation="relu",
            activation_note=_AUTOENCODER_ACTIVATION_NOTE,
        ),
        backend_attributes=_BACKEND_ATTRIBUTES_DOC,
        see_also="""\
    TorchAutoencoder : The same estimator on PyTorch.
    sklearn.decomposition.PCA : The linear counterpart.
""",
        examples="""\
    >>> import numpy as np
    >>> from rumelhart import RumelhartAutoencoder
    >>> X = np.eye(8)  # the paper's 8-3-8 encoder problem
    >>> ae = RumelhartAutoencoder((3,), output_activation="logistic",
    ...                           eps=2.0, max_iter=5000, random_state=0)
    >>> codes = ae.fit(X).transform(X)
    >>> codes.shape
    (8, 3)
""",
    )

    _backend = _NUMPY_BACKEND
    _parameter_constraints = {
        **MLPAutoencoderBase._parameter_constraints,
        **_RUMELHART_CONSTRAINTS,
    }

    #: The code layer by default (the middle one: see ``transform``).
    transform_layer: int | Literal["all"] | None = None
    #: Rectifiers carry the PCA start exactly (see the activation parameter).
    activation: str = "relu"
