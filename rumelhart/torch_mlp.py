"""TorchMLPClassifier and TorchMLPRegressor: the estimator contract on PyTorch.

Importing this module imports torch; ``rumelhart`` imports it only when one of
its estimators is first used.
"""

from dataclasses import dataclass
from numbers import Real
from typing import Any, ClassVar, Literal

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, StrOptions

from ._autoencoder import MLPAutoencoderBase
from ._classifier import MLPClassifierBase
from ._docstrings import ACTIVATIONS_DOC, STOPPING_PARAMETERS, estimator_doc
from ._estimator.backends import Backend
from ._estimator.backends.custom_module import check_module_params
from ._estimator.backends.torch import ACTIVATIONS, TorchBackend, nn, torch
from ._estimator.parameters import (
    AutoencoderParameters,
    ClassifierParameters,
    RegressorParameters,
    TorchModuleParameters,
    TorchParameters,
)
from ._regressor import MLPRegressorBase

_TORCH_CONSTRAINTS = {
    "activation": [StrOptions(set(ACTIVATIONS))],
    "optimizer": [StrOptions({"sgd", "adam", "adamw"})],
    "lr": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
    "momentum": [Interval(Real, 0, 1, closed="left")],
    "weight_decay": [Interval(Real, 0, None, closed="left"), StrOptions({"auto"})],
    "lr_schedule": [StrOptions({"constant", "onecycle", "cosine"})],
    "device": [str, torch.device],
    "dtype": [StrOptions({"float32", "float64"}), type, np.dtype, None],
    "module": [nn.Module, callable, None],
    "module_params": [dict, None],
}

_TRAINING_DOC = (
    """
    activation : {"relu", "sigmoid", "logistic", "tanh", "identity", "gelu", \
"silu", "leaky_relu", "elu", "softplus"}, default="relu"
        Activation of the hidden layers of the built-in network.
"""
    + ACTIVATIONS_DOC
    + """    optimizer : {"adam", "adamw", "sgd"}, default="adam"
        ``"sgd"`` with ``momentum`` is eq. 9 of Rumelhart et al. (1986).
    lr : {lr}
        Learning rate (peak rate with ``lr_schedule="onecycle"``).{lr_why}
    momentum : float, default=0.9
        Momentum of ``"sgd"``; ignored by the Adam optimizers.
    weight_decay : float or "auto", default={weight_decay}
        The optimizer's weight decay (L2 penalty for sgd and adam, decoupled
        for adamw). ``"auto"``: 1 / n_samples of the rows that train (with
        ``sample_weight``, their total weight over the smallest positive
        one: a weight of k counts as k rows), at most 0.1: a Gaussian prior
        on every weight worth one sample's error, whose pull fades as the
        data grow. A classifier's is worth 2 samples, times
        ``n_features / 16`` on fewer than 16 inputs (a sharp boundary on
        few inputs needs large first-layer weights). With ``loss="poisson"``
        or ``"gamma"``, trained on all rows to convergence below 10,000
        rows, 5 / n_samples (5 samples' worth, as the NumPy estimators);
        with ``"poisson"`` also multiplied by the trained targets'
        dispersion (Pearson's statistic of a Poisson GLM, 1 to 30): an
        overdispersed count is worth less than the deviance credits it.
        None with logistic hidden units, whose small slope (at most 1/4)
        leaves the L2 term to outweigh the gradients.
    lr_schedule : {"constant", "onecycle", "cosine"}, default="constant"
        Learning-rate schedule over the batches of one ``fit`` (of one
        ``partial_fit`` call: to anneal across calls, use a
        :class:`~rumelhart.callbacks.ParamScheduler` over epochs).
    batch_size : int, "auto" or None, default="auto"
        Samples per optimizer step (capped at n_samples); ``None`` is full
        batch; ``"auto"`` is ``min(200, n_samples)``.
    shuffle : bool, default=True
        Whether to shuffle the samples every epoch.
    max_iter : int, default=500
        Maximum number of epochs.
"""
    + STOPPING_PARAMETERS
    + """    random_state : int, RandomState instance or None, default=None
        Seeds the fit's own ``torch.Generator`` s, anew in every ``fit``:
        the built-in network's initial weights and the shuffling never
        touch torch's global generator, so fits in threads are
        reproducible. A custom module class is built under a lock from a
        forked, seeded global generator (left as it was); random layers of
        a custom module (dropout) draw from torch's global generator.
    verbose : int, default=0
        Print one line per epoch when positive.
    warm_start : bool, default=False
        Continue from the previous solution in ``fit``.
    device : str or torch.device, default="auto"
        ``"auto"`` (CUDA, then MPS, then CPU), ``"cpu"``, ``"cuda"``,
        ``"cuda:1"``, ``"mps"``. Data are moved there once per ``fit``.
    dtype : {"float32", "float64"} or None, default=None
        Floating point type of weights and computations; ``None`` follows
        the input (float32 stays float32, everything else is float64).
"""
)

_MODULE_DOC = """
    module : torch.nn.Module, class or callable, default=None
        A network to train instead of the built-in MLP. An instance is
        deep-copied at every ``fit``; a class or callable is called as
        ``module(n_features, n_outputs, **module_params)`` under the seeded
        generator. It must map (n, n_features) to raw outputs (n,
        n_outputs); the output activation is applied by the estimator.
    module_params : dict, default=None
        Keyword arguments of ``module``'s constructor. As in skorch,
        ``set_params(module__hidden=64)`` (or ``"module__hidden"`` in a
        grid search) sets one; unknown names are refused.
"""

#: Why the classifier's and regressor's ``lr`` is 1e-2 (the user guide's
#: "Defaults and stopping" gives the benchmark figures).
_LR_WHY = """
        The default is ten times Adam's usual 1e-3: the fit stops on a
        held-out split and keeps its best epoch, and a 1e-3 step was too
        slow to carve many boundaries (a 2-D checkerboard) in 500 epochs."""


def _training_doc(lr: str, why: str = "", weight_decay: str = "0.0") -> str:
    """The training parameters' doc with ``lr``'s and ``weight_decay``'s
    defaults (and the rate's reason)."""
    doc = _TRAINING_DOC.replace("{lr}", lr).replace("{lr_why}", why)
    return doc.replace("{weight_decay}", weight_decay)


#: The backend parameters of the classifier and the regressor (whose decay
#: defaults to "auto").
_SUPERVISED_PARAMETERS_DOC = (
    _training_doc("1e-2", _LR_WHY, weight_decay='"auto"') + _MODULE_DOC
)

#: The torch backend's fitted attributes.
_BACKEND_ATTRIBUTES_DOC = """
    coefs_ : list of ndarray
        Weights of the built-in network, ``coefs_[i]`` of shape
        (units of layer i, units of layer i + 1); absent with ``module``.
    intercepts_ : list of ndarray
        Biases of the built-in network; absent with ``module``.
    module_ : torch.nn.Module
        The trained network.
    device_ : str
        The device it was trained on.
"""


#: The backend of the torch estimators (a class attribute: never pickled).
_TORCH_BACKEND = TorchBackend()


class _TorchEstimator:
    """What the three torch estimators share besides their parameters.

    The backend, the ``module__<name>`` parameters and the trained module.
    """

    _backend: ClassVar[Backend[Any]] = _TORCH_BACKEND

    def set_params(self, **params):
        """Set parameters; ``module__<name>`` sets ``module_params[name]``.

        As in skorch, ``module__<name>`` (in ``set_params`` or a grid
        search's ``param_grid``) reaches the custom module's constructor.

        Parameters
        ----------
        **params : dict
            Estimator parameters, and ``module__<name>`` entries.

        Returns
        -------
        self : estimator
        """
        prefix = "module__"
        routed = {
            k[len(prefix) :]: v for k, v in params.items() if k.startswith(prefix)
        }
        if routed:
            check_module_params(params.get("module", self.module), routed)
            current = self.module_params if isinstance(self.module_params, dict) else {}
            self.module_params = {**current, **routed}
        rest = {k: v for k, v in params.items() if not k.startswith(prefix)}
        return BaseEstimator.set_params(self, **rest) if rest else self

    def get_params(self, deep=True):
        """Parameters of the estimator; with ``deep``, ``module__<name>`` too.

        Parameters
        ----------
        deep : bool, default=True
            Also list the entries of ``module_params`` as ``module__<name>``.

        Returns
        -------
        params : dict
        """
        params = BaseEstimator.get_params(self, deep=deep)
        if deep and isinstance(self.module_params, dict):
            params.update({f"module__{k}": v for k, v in self.module_params.items()})
        return params

    @property
    def module_(self):
        """The trained ``torch.nn.Module``."""
        if not hasattr(self, "_engine"):
            raise AttributeError("module_ exists after fit.")
        return self._engine.module


# Each estimator's parameters are those of its bases' groups (see
# _estimator/parameters.py: fields come last base first), and the defaults
# that differ, declared again below; dataclasses writes the __init__.


@dataclass(repr=False, eq=False, kw_only=True)
class TorchMLPClassifier(
    _TorchEstimator, MLPClassifierBase, TorchModuleParameters, ClassifierParameters
):
    __doc__ = estimator_doc(
        """Multilayer perceptron classifier on PyTorch, CPU or GPU.

    The estimator contract of :class:`RumelhartClassifier` (labels of any
    type, ``predict_proba``, ``sample_weight``, ``partial_fit``, pickling)
    with any activation, optimizer and schedule, or a custom module.
""",
        task="classifier",
        parameters="""\
    hidden_layer_sizes : tuple of int, default=(100,)
        Units of each hidden layer of the built-in network.
    loss : {"log_loss", "squared_error"}, default="log_loss"
        Cross-entropy (softmax or logistic outputs) or the paper's squared
        error on logistic outputs.
""",
        backend_parameters=_SUPERVISED_PARAMETERS_DOC,
        backend_attributes=_BACKEND_ATTRIBUTES_DOC,
        see_also="""\
    RumelhartClassifier : The paper's network in NumPy.
    TorchMLPRegressor : The torch estimator for regression.
""",
        examples="""\
    >>> from sklearn.datasets import load_iris
    >>> from rumelhart import TorchMLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = TorchMLPClassifier(lr=0.01, device="cpu", random_state=0)
    >>> clf.fit(X, y).score(X, y) > 0.9
    True
""",
    )

    _parameter_constraints = {
        **MLPClassifierBase._parameter_constraints,
        **_TORCH_CONSTRAINTS,
    }

    # The classifier's own default (the rest: TorchModuleParameters).
    weight_decay: float | Literal["auto"] = "auto"


@dataclass(repr=False, eq=False, kw_only=True)
class TorchMLPRegressor(
    _TorchEstimator, MLPRegressorBase, TorchModuleParameters, RegressorParameters
):
    __doc__ = estimator_doc(
        """Multilayer perceptron regressor on PyTorch, CPU or GPU.

    Linear outputs and the squared error; the estimator contract of
    :class:`RumelhartRegressor` (multi-output ``y``, ``sample_weight``,
    ``partial_fit``, pickling) with any activation, optimizer and schedule,
    or a custom module.
""",
        task="regressor",
        parameters="""\
    hidden_layer_sizes : tuple of int, default=(100,)
        Units of each hidden layer of the built-in network.
    scale_target : bool, default=True
        Standardise each target column for training and map predictions
        back; ``loss_curve_`` is then measured on the standardised targets.
        With ``loss="poisson"`` or ``"gamma"`` each column is only divided
        by its mean (no centring).
""",
        backend_parameters=_SUPERVISED_PARAMETERS_DOC,
        backend_attributes=_BACKEND_ATTRIBUTES_DOC,
        see_also="""\
    RumelhartRegressor : The paper's network in NumPy.
    TorchMLPClassifier : The torch estimator for classification.
""",
        examples="""\
    >>> from sklearn.datasets import make_regression
    >>> from rumelhart import TorchMLPRegressor
    >>> X, y = make_regression(n_samples=200, n_features=5, random_state=0)
    >>> reg = TorchMLPRegressor(lr=0.01, device="cpu", random_state=0)
    >>> reg.fit(X, y).score(X, y) > 0.9
    True
""",
    )

    _parameter_constraints = {
        **MLPRegressorBase._parameter_constraints,
        **_TORCH_CONSTRAINTS,
    }

    # The regressor's own default (the rest: TorchModuleParameters).
    weight_decay: float | Literal["auto"] = "auto"


@dataclass(repr=False, eq=False, kw_only=True)
class TorchAutoencoder(
    _TorchEstimator, MLPAutoencoderBase, TorchParameters, AutoencoderParameters
):
    __doc__ = estimator_doc(
        """Autoencoder on PyTorch, CPU or GPU: a learned code of the input.

    The built-in network trained to reproduce its input through a narrow
    hidden layer: :meth:`transform` maps inputs to codes,
    :meth:`inverse_transform` codes to reconstructions, :meth:`score` is
    the negative mean squared reconstruction error.
""",
        task="autoencoder",
        parameters="""\
    hidden_layer_sizes : tuple of int, default=(8,)
        Units of each hidden layer, e.g. ``(64, 8, 64)``.
""",
        backend_parameters=_training_doc("float, default=1e-3"),
        backend_attributes=_BACKEND_ATTRIBUTES_DOC,
        see_also="""\
    RumelhartAutoencoder : The paper's network in NumPy.
    sklearn.decomposition.PCA : The linear counterpart.
""",
        examples="""\
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.preprocessing import minmax_scale
    >>> from rumelhart import TorchAutoencoder
    >>> X = minmax_scale(load_digits().data)
    >>> ae = TorchAutoencoder((32, 8, 32), lr=0.01, device="cpu", random_state=0)
    >>> ae.fit(X).transform(X).shape
    (1797, 8)
""",
    )

    _parameter_constraints = {
        **MLPAutoencoderBase._parameter_constraints,
        **{k: v for k, v in _TORCH_CONSTRAINTS.items() if not k.startswith("module")},
    }

    #: Autoencoders train the built-in network: transform and
    #: inverse_transform read its layers.
    module = None
    module_params = None

    #: The code layer by default (the middle one: see ``transform``).
    transform_layer: int | Literal["all"] | None = None
    #: Adam's usual step: the supervised estimators' "auto" (1e-2 in fit) was
    #: chosen on classification and regression tasks, not on reconstruction.
    lr: float | Literal["auto"] = 1e-3
