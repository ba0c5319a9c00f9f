"""TorchMLPClassifier and TorchMLPRegressor: the estimator contract on PyTorch.

Importing this module imports torch; ``rumelhart`` imports it only when one of
its estimators is first used.
"""

import copy
import inspect
from contextlib import contextmanager
from dataclasses import replace
from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ._autoencoder import MLPAutoencoderBase
from ._base import BackendSpec
from ._classifier import MLPClassifierBase
from ._docstrings import (
    AUTOENCODER_REPRESENTATION,
    CALLBACKS_PARAMETER,
    DEAD_ZONE_PARAMETER,
    FITTED_ATTRIBUTES,
    REPRESENTATION_PARAMETERS,
    STOPPING_PARAMETERS,
)
from ._engines.torch import (
    ACTIVATIONS,
    TorchMLP,
    available_memory,
    build_mlp,
    build_seeded,
    chunk_rows,
    nn,
    resolve_device,
    torch,
)
from ._regressor import MLPRegressorBase
from ._resources import check_fit_memory
from ._torch_data import dataset_to_arrays, is_torch_data

_TORCH_CONSTRAINTS = {
    "activation": [StrOptions(set(ACTIVATIONS))],
    "optimizer": [StrOptions({"sgd", "adam", "adamw"})],
    "lr": [Interval(Real, 0, None, closed="neither")],
    "momentum": [Interval(Real, 0, 1, closed="left")],
    "weight_decay": [Interval(Real, 0, None, closed="left")],
    "lr_schedule": [StrOptions({"constant", "onecycle", "cosine"})],
    "device": [str, torch.device],
    "dtype": [StrOptions({"float32", "float64"}), type, np.dtype, None],
    "module": [nn.Module, callable, None],
    "module_params": [dict, None],
}

_TRAINING_DOC = (
    """
    activation : {"relu", "sigmoid", "logistic", "tanh", "identity", "gelu"}, \
default="relu"
        Activation of the hidden layers of the built-in network.
    optimizer : {"adam", "adamw", "sgd"}, default="adam"
        ``"sgd"`` with ``momentum`` is eq. 9 of Rumelhart et al. (1986).
    lr : float, default=1e-3
        Learning rate (peak rate with ``lr_schedule="onecycle"``).
    momentum : float, default=0.9
        Momentum of ``"sgd"``; ignored by the Adam optimizers.
    weight_decay : float, default=0.0
        The optimizer's weight decay (L2 penalty for sgd and adam, decoupled
        for adamw).
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

_PARAMETERS_DOC = (
    _TRAINING_DOC + _MODULE_DOC + REPRESENTATION_PARAMETERS + CALLBACKS_PARAMETER
)

_ATTRIBUTES_DOC = (
    """
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
    + FITTED_ATTRIBUTES
)


def check_module_params(module, params):
    """``params`` for ``module``'s constructor, checked against its signature."""
    if not params:
        return params
    if module is None or isinstance(module, nn.Module):
        raise ValueError(
            "module__ parameters (module_params) reach the constructor of a custom "
            f"module, so module must be a class or callable; got {module!r}."
        )
    try:
        signature = inspect.signature(module)
    except (TypeError, ValueError):
        return params  # a callable without a signature: let it decide
    names = signature.parameters
    if any(p.kind is p.VAR_KEYWORD for p in names.values()):
        return params
    unknown = sorted(set(params) - set(names))
    if unknown:
        accepted = [n for n in names if n not in ("n_features", "n_outputs")]
        raise ValueError(
            f"module {getattr(module, '__name__', module)!r} has no parameter "
            f"{', '.join(map(repr, unknown))}; its parameters are {accepted}."
        )
    return params


class _TorchBackend:
    """Builds the torch engine from the estimator's parameters."""

    _learning_rate_param = "lr"

    def _backend_spec(self):
        return BackendSpec(
            learning_rate_name=self._learning_rate_param,
            hidden_activation=self.activation,
        )

    @contextmanager
    def _process_state(self):
        # Ctrl-C can land inside torch.no_grad().__enter__, after it turned
        # gradients off but before its block began, so its __exit__ never
        # runs: without this the user's next fit could not backpropagate.
        enabled = torch.is_grad_enabled()
        try:
            yield
        finally:
            torch.set_grad_enabled(enabled)

    def _device(self):
        """The ``torch.device`` of the ``device`` parameter, checked."""
        if not (isinstance(self.device, str) and self.device == "auto"):
            try:
                torch.device(self.device)
            except (RuntimeError, ValueError, TypeError) as exc:
                raise ValueError(
                    f"device={self.device!r} names no torch device; use 'auto', "
                    "'cpu', 'cuda', 'cuda:<index>' or 'mps'."
                ) from exc
        return resolve_device(self.device)

    def _make_engine(self, spec, batch_size, n_samples):
        device = self._device()
        dtype = spec.dtype if self.dtype is None else np.dtype(self.dtype)
        if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype!r}.")
        if self.module is None:
            rows = min(batch_size, chunk_rows(max(spec.layer_sizes)))
            where = "memory" if device.type == "cpu" else f"memory of {device}"
            memory = available_memory(device)
            check_fit_memory(spec.layer_sizes, rows, dtype.itemsize, memory, where)
        if spec.input_mask is not None and self.module is not None:
            raise ValueError(
                "input_groups shapes the built-in network's first layer; a custom "
                "module must build its own groups."
            )
        module = self._build_module(spec.layer_sizes, spec.seed)
        self._check_module(module, spec.layer_sizes)
        return TorchMLP.from_spec(
            replace(spec, dtype=dtype),
            module,
            device=device,
            optimizer=self.optimizer,
            # Plain floats: torch's optimizers fail deep inside on a bool.
            lr=float(self.lr),
            momentum=float(self.momentum),
            weight_decay=float(self.weight_decay),
            lr_schedule=self.lr_schedule,
        )

    def _divergence_hints(self):
        hints = super()._divergence_hints()
        if self.weight_decay > 1:
            hints.append(
                f"weight_decay={self.weight_decay!r} is large; it is usually below 0.1."
            )
        return hints

    def _build_module(self, layer_sizes, seed):
        if self.module is None:
            generator = torch.Generator().manual_seed(seed % 2**63)
            return build_mlp(layer_sizes, self.activation, generator)
        if isinstance(self.module, nn.Module):
            return copy.deepcopy(self.module)
        kwargs = check_module_params(self.module, self.module_params or {})
        module = build_seeded(
            lambda: self.module(layer_sizes[0], layer_sizes[-1], **kwargs), seed % 2**63
        )
        if not isinstance(module, nn.Module):
            raise TypeError(
                "module must be a torch.nn.Module, or a class or callable that "
                f"returns one; {self.module!r} returned {type(module).__name__}."
            )
        return module

    @staticmethod
    def _check_module(module, layer_sizes):
        n_features, n_outputs = layer_sizes[0], layer_sizes[-1]
        param = next(module.parameters(), None)
        dtype = torch.float32 if param is None else param.dtype
        try:
            with torch.no_grad():
                out = module(torch.zeros(2, n_features, dtype=dtype))
        except Exception as exc:
            raise ValueError(
                f"module failed on a batch of shape (2, {n_features}) "
                f"(n_samples, n_features): {exc}"
            ) from exc
        if tuple(out.shape) != (2, n_outputs):
            raise ValueError(
                f"module must map (n_samples, {n_features}) to (n_samples, "
                f"{n_outputs}) raw outputs; it returned shape {tuple(out.shape)}."
            )

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
        return super().set_params(**rest) if rest else self

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
        params = super().get_params(deep=deep)
        if deep and isinstance(self.module_params, dict):
            params.update({f"module__{k}": v for k, v in self.module_params.items()})
        return params

    def _engine_attributes(self, engine):
        attrs = {"device_": str(engine.device)}
        if self.module is None:
            attrs.update(super()._engine_attributes(engine))
        return attrs

    def _as_arrays(self, X, y, *, fitting):
        if is_torch_data(X):
            return dataset_to_arrays(X, y, fitting=fitting)
        return X, y

    @property
    def module_(self):
        """The trained ``torch.nn.Module``."""
        if not hasattr(self, "_engine"):
            raise AttributeError("module_ exists after fit.")
        return self._engine.module


class TorchMLPClassifier(_TorchBackend, MLPClassifierBase):
    __doc__ = (
        """Multilayer perceptron classifier on PyTorch, CPU or GPU.

    The estimator contract of :class:`RumelhartClassifier` (labels of any
    type, ``predict_proba``, ``sample_weight``, ``partial_fit``, pickling)
    with any activation, optimizer and schedule, or a custom module.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(100,)
        Units of each hidden layer of the built-in network.
    loss : {"log_loss", "squared_error"}, default="log_loss"
        Cross-entropy (softmax or logistic outputs) or the paper's squared
        error on logistic outputs.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplied into ``sample_weight``;
        ``"balanced"`` weighs classes inversely to their frequency.
"""
        + DEAD_ZONE_PARAMETER
        + _PARAMETERS_DOC
        + """
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels.
"""
        + _ATTRIBUTES_DOC
        + """
    See Also
    --------
    RumelhartClassifier : The paper's network in NumPy.
    TorchMLPRegressor : The torch estimator for regression.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from rumelhart import TorchMLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = TorchMLPClassifier(lr=0.01, device="cpu", random_state=0)
    >>> clf.fit(X, y).score(X, y) > 0.9
    True
    """
    )

    _parameter_constraints = {
        **MLPClassifierBase._parameter_constraints,
        **_TORCH_CONSTRAINTS,
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        *,
        loss="log_loss",
        class_weight=None,
        dead_zone=0.0,
        activation="relu",
        optimizer="adam",
        lr=1e-3,
        momentum=0.9,
        weight_decay=0.0,
        lr_schedule="constant",
        batch_size="auto",
        shuffle=True,
        max_iter=500,
        tol=1e-4,
        n_iter_no_change=10,
        early_stopping="auto",
        validation_fraction=0.1,
        random_state=None,
        verbose=0,
        warm_start=False,
        device="auto",
        dtype=None,
        module=None,
        module_params=None,
        input_groups=None,
        transform_layer=-1,
        callbacks=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.loss = loss
        self.class_weight = class_weight
        self.dead_zone = dead_zone
        self.activation = activation
        self.optimizer = optimizer
        self.lr = lr
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.lr_schedule = lr_schedule
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.device = device
        self.dtype = dtype
        self.module = module
        self.module_params = module_params
        self.input_groups = input_groups
        self.transform_layer = transform_layer
        self.callbacks = callbacks


class TorchMLPRegressor(_TorchBackend, MLPRegressorBase):
    __doc__ = (
        """Multilayer perceptron regressor on PyTorch, CPU or GPU.

    Linear outputs and the squared error; the estimator contract of
    :class:`RumelhartRegressor` (multi-output ``y``, ``sample_weight``,
    ``partial_fit``, pickling) with any activation, optimizer and schedule,
    or a custom module.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(100,)
        Units of each hidden layer of the built-in network.
    scale_target : bool, default=True
        Standardise each target column for training and map predictions
        back; ``loss_curve_`` is then measured on the standardised targets.
"""
        + _PARAMETERS_DOC
        + """
    Attributes
    ----------
"""
        + _ATTRIBUTES_DOC
        + """
    See Also
    --------
    RumelhartRegressor : The paper's network in NumPy.
    TorchMLPClassifier : The torch estimator for classification.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from rumelhart import TorchMLPRegressor
    >>> X, y = make_regression(n_samples=200, n_features=5, random_state=0)
    >>> reg = TorchMLPRegressor(lr=0.01, device="cpu", random_state=0)
    >>> reg.fit(X, y).score(X, y) > 0.9
    True
    """
    )

    _parameter_constraints = {
        **MLPRegressorBase._parameter_constraints,
        **_TORCH_CONSTRAINTS,
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        *,
        scale_target=True,
        activation="relu",
        optimizer="adam",
        lr=1e-3,
        momentum=0.9,
        weight_decay=0.0,
        lr_schedule="constant",
        batch_size="auto",
        shuffle=True,
        max_iter=500,
        tol=1e-4,
        n_iter_no_change=10,
        early_stopping="auto",
        validation_fraction=0.1,
        random_state=None,
        verbose=0,
        warm_start=False,
        device="auto",
        dtype=None,
        module=None,
        module_params=None,
        input_groups=None,
        transform_layer=-1,
        callbacks=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.scale_target = scale_target
        self.activation = activation
        self.optimizer = optimizer
        self.lr = lr
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.lr_schedule = lr_schedule
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.device = device
        self.dtype = dtype
        self.module = module
        self.module_params = module_params
        self.input_groups = input_groups
        self.transform_layer = transform_layer
        self.callbacks = callbacks


class TorchAutoencoder(_TorchBackend, MLPAutoencoderBase):
    __doc__ = (
        """Autoencoder on PyTorch, CPU or GPU: a learned code of the input.

    The built-in network trained to reproduce its input through a narrow
    hidden layer: :meth:`transform` maps inputs to codes,
    :meth:`inverse_transform` codes to reconstructions, :meth:`score` is
    the negative mean squared reconstruction error.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(8,)
        Units of each hidden layer, e.g. ``(64, 8, 64)``.
"""
        + _TRAINING_DOC
        + AUTOENCODER_REPRESENTATION
        + CALLBACKS_PARAMETER
        + """
    Attributes
    ----------
"""
        + _ATTRIBUTES_DOC
        + """
    See Also
    --------
    RumelhartAutoencoder : The paper's network in NumPy.
    sklearn.decomposition.PCA : The linear counterpart.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.preprocessing import minmax_scale
    >>> from rumelhart import TorchAutoencoder
    >>> X = minmax_scale(load_digits().data)
    >>> ae = TorchAutoencoder((32, 8, 32), lr=0.01, device="cpu", random_state=0)
    >>> ae.fit(X).transform(X).shape
    (1797, 8)
    """
    )

    _parameter_constraints = {
        **MLPAutoencoderBase._parameter_constraints,
        **{k: v for k, v in _TORCH_CONSTRAINTS.items() if not k.startswith("module")},
    }

    #: Autoencoders train the built-in network: transform and
    #: inverse_transform read its layers.
    module = None
    module_params = None

    def __init__(
        self,
        hidden_layer_sizes=(8,),
        *,
        output_activation="identity",
        activation="relu",
        optimizer="adam",
        lr=1e-3,
        momentum=0.9,
        weight_decay=0.0,
        lr_schedule="constant",
        batch_size="auto",
        shuffle=True,
        max_iter=500,
        tol=1e-4,
        n_iter_no_change=10,
        early_stopping="auto",
        validation_fraction=0.1,
        random_state=None,
        verbose=0,
        warm_start=False,
        device="auto",
        dtype=None,
        input_groups=None,
        transform_layer=None,
        callbacks=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.output_activation = output_activation
        self.activation = activation
        self.optimizer = optimizer
        self.lr = lr
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.lr_schedule = lr_schedule
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.device = device
        self.dtype = dtype
        self.input_groups = input_groups
        self.transform_layer = transform_layer
        self.callbacks = callbacks
