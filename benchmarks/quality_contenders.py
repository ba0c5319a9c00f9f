"""The quality benchmark's contenders, each at its defaults, scaled inputs.

- rumelhart's four estimators with their defaults, whatever they are at run
  time: only ``random_state`` is set (and ``device="cpu"`` on torch);
- scikit-learn's ``MLPClassifier``/``MLPRegressor`` with their defaults but
  ``max_iter`` raised to :data:`SKLEARN_MAX_ITER`, so that they converge;
- skorch's ``NeuralNetClassifier``/``NeuralNetRegressor`` with skorch's
  defaults on the network scikit-learn's defaults describe (its
  ``hidden_layer_sizes`` and ``activation``, read at run time), a softmax
  output for skorch's default NLL loss; torch seeded before each fit
  (skorch has no ``random_state``); left out without skorch.

- ``HistGradientBoostingClassifier``/``Regressor`` at its defaults, on the
  real tabular tasks (``with_hgb``): the target beyond the MLP.

Every one is a ``Pipeline`` whose first step is a ``StandardScaler``; on a
data frame (the real tasks) it is the usual ``ColumnTransformer`` instead:
median imputation and scaling of numeric columns, most-frequent imputation
and one-hot encoding of categorical ones. Gradient boosting takes the frame
as it is (missing values and ``category`` columns natively).
"""

import functools

import numpy as np
from sklearn.base import clone
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from contenders import NUMPY_ESTIMATORS, SKLEARN, SKORCH, TORCH_ESTIMATORS, has_module

SEED = 0
SKLEARN_MAX_ITER = 1000
#: The name of gradient boosting's rows, per task.
HGB = {
    "classifier": "HistGradientBoostingClassifier",
    "regressor": "HistGradientBoostingRegressor",
}


def ours(task, with_torch=True, seed=SEED):
    """{name: estimator} of rumelhart's estimators for ``task``, defaults."""
    import rumelhart

    models = {NUMPY_ESTIMATORS[task]: getattr(rumelhart, NUMPY_ESTIMATORS[task])}
    if with_torch:
        models[TORCH_ESTIMATORS[task]] = getattr(rumelhart, TORCH_ESTIMATORS[task])
    out = {}
    for name, cls in models.items():
        torch_based = name == TORCH_ESTIMATORS[task]
        out[name] = cls(random_state=seed, **({"device": "cpu"} if torch_based else {}))
    return out


def reference(task, seed=SEED):
    """scikit-learn's MLP for ``task``: defaults, ``max_iter`` raised."""
    from sklearn import neural_network

    cls = getattr(neural_network, SKLEARN[task])
    return cls(max_iter=SKLEARN_MAX_ITER, random_state=seed)


def _to_float32(X):
    return np.asarray(X, dtype=np.float32)


@functools.cache
def _module_class():
    """A torch module: scikit-learn's default hidden layers, then a linear
    output (and a softmax, for skorch's default NLL loss)."""
    from torch import nn

    activations = {
        "relu": nn.ReLU,
        "tanh": nn.Tanh,
        "logistic": nn.Sigmoid,
        "identity": nn.Identity,
    }

    class SklearnDefaultNetwork(nn.Module):
        def __init__(self, n_in, n_out, hidden=(100,), activation="relu", proba=False):
            super().__init__()
            layers, width = [], n_in
            for units in hidden:
                layers += [nn.Linear(width, units), activations[activation]()]
                width = units
            layers.append(nn.Linear(width, n_out))
            if proba:
                layers.append(nn.Softmax(dim=-1))
            self.layers = nn.Sequential(*layers)

        def forward(self, X):
            return self.layers(X)

    return SklearnDefaultNetwork


@functools.cache
def _skorch_classes():
    """skorch's two nets, seeded: skorch has no ``random_state``, so each
    ``fit`` seeds torch's global generator (initial weights, shuffling)
    with SEED first. The regressor takes a flat y, which it fits as the
    float32 column skorch needs, and predicts a flat one."""
    import torch
    from skorch import NeuralNetClassifier, NeuralNetRegressor

    class SeededNeuralNetClassifier(NeuralNetClassifier):
        def fit(self, X, y, **fit_params):
            torch.manual_seed(SEED)
            return super().fit(X, y, **fit_params)

    class SeededColumnNeuralNetRegressor(NeuralNetRegressor):
        def fit(self, X, y, **fit_params):
            torch.manual_seed(SEED)
            y = np.asarray(y, dtype=np.float32).reshape(-1, 1)
            return super().fit(X, y, **fit_params)

        def predict(self, X):
            return super().predict(X).reshape(-1)

    return SeededNeuralNetClassifier, SeededColumnNeuralNetRegressor


def skorch_net(task, n_features, n_outputs):
    """skorch at its defaults on scikit-learn's default network."""
    defaults = reference(task)
    module = dict(
        module=_module_class(),
        module__n_in=n_features,
        module__n_out=n_outputs,
        module__hidden=tuple(defaults.hidden_layer_sizes),
        module__activation=defaults.activation,
        module__proba=task == "classifier",
        verbose=0,
    )
    classifier, regressor = _skorch_classes()
    return (classifier if task == "classifier" else regressor)(**module)


def tabular_preprocessor():
    """Impute + scale numeric columns, impute + one-hot categorical ones."""
    numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    categorical = make_pipeline(
        SimpleImputer(strategy="most_frequent"),
        OneHotEncoder(handle_unknown="ignore", sparse_output=False),
    )
    return make_column_transformer(
        (numeric, make_column_selector(dtype_include="number")),
        (categorical, make_column_selector(dtype_include="category")),
    )


def gradient_boosting(task, seed=SEED):
    """scikit-learn's ``HistGradientBoosting*`` at its defaults."""
    from sklearn import ensemble

    return getattr(ensemble, HGB[task])(random_state=seed)


def pipelines(
    task,
    n_features,
    n_classes,
    with_torch=True,
    with_skorch=True,
    *,
    frame=False,
    with_hgb=False,
    seed=SEED,
):
    """{name: Pipeline(preprocessing, estimator)}: ours, the MLP, skorch and
    gradient boosting. ``frame``: the input is a data frame (real tasks):
    the ColumnTransformer preprocesses it, and skorch (which needs the
    width after it) is left out. ``seed``: every ``random_state`` (skorch
    seeds torch with SEED whatever it is)."""
    models = {**ours(task, with_torch, seed), SKLEARN[task]: reference(task, seed)}
    first = tabular_preprocessor if frame else StandardScaler
    out = {name: make_pipeline(first(), m) for name, m in models.items()}
    if with_hgb:
        out[HGB[task]] = make_pipeline(gradient_boosting(task, seed))
    if with_skorch and not frame:
        n_outputs = n_classes if task == "classifier" else 1
        out[SKORCH] = make_pipeline(
            StandardScaler(),
            FunctionTransformer(_to_float32),
            skorch_net(task, n_features, n_outputs),
        )
    return {name: clone(p) for name, p in out.items()}


def available():
    """(with_torch, with_skorch): which optional contenders can run."""
    with_torch = has_module("torch")
    return with_torch, with_torch and has_module("skorch")
