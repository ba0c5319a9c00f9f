"""The estimators' constructor parameters: signatures, storage, repr, hashing.

The ``__init__`` of each estimator is written by ``dataclasses`` from the
parameter groups of ``rumelhart/_estimator/parameters.py``. The oracle is
the hand-written signatures of before, frozen here: every name, kind and
default must stay as it was (the keyword-only order is free).
"""

import inspect

import pytest
from sklearn.base import clone

import rumelhart

from .conftest import HAS_TORCH

_SHARED = {
    "batch_size": "auto",
    "shuffle": True,
    "tol": "auto",
    "n_iter_no_change": 10,
    "early_stopping": "auto",
    "validation_fraction": 0.1,
    "scoring": "auto",
    "random_state": None,
    "verbose": 0,
    "warm_start": False,
    "input_groups": None,
    "callbacks": None,
}
_CLASSIFIER = {"loss": "log_loss", "class_weight": None, "dead_zone": 0.0}
_REGRESSOR = {
    "scale_target": True,
    "loss": "squared_error",
    "huber_delta": 1.0,
    "quantile": 0.5,
    "conformalize_quantiles": True,
}
_NUMPY = {
    "activation": "logistic",
    "eps": 0.05,
    "alpha": 0.9,
    "weight_decay": 0.0,
    "decay_intercepts": False,  # the paper's True (issue 19)
    "init_range": "auto",
    "reduction": "mean",
    "max_iter": 1000,
}
_TORCH = {
    "activation": "relu",
    "optimizer": "adam",
    "lr": "auto",
    "momentum": 0.9,
    "weight_decay": 0.0,
    "lr_schedule": "constant",
    "max_iter": 500,
    "device": "auto",
    "dtype": None,
}
_MODULE = {"module": None, "module_params": None}
_AUTOENCODER = {
    "output_activation": "identity",
    "init": "auto",
    "transform_layer": None,
}
_SUPERVISED = {"transform_layer": -1}

#: The keyword-only parameters of version 0.3's hand-written signatures (and
#: the regressors' ``conformalize_quantiles``, added since).
KEYWORDS = {
    "RumelhartClassifier": {
        **_CLASSIFIER,
        **_NUMPY,
        **_SHARED,
        **_SUPERVISED,
        "eps": 0.5,
        "weight_decay": "auto",
    },
    "RumelhartRegressor": {
        **_REGRESSOR,
        **_NUMPY,
        **_SHARED,
        **_SUPERVISED,
        "weight_decay": "auto",
    },
    "RumelhartAutoencoder": {
        **_AUTOENCODER,
        **_NUMPY,
        **_SHARED,
        # rectifiers carry the PCA start exactly (issue 23)
        "activation": "relu",
    },
    "TorchMLPClassifier": {
        **_CLASSIFIER,
        **_TORCH,
        **_MODULE,
        **_SHARED,
        **_SUPERVISED,
        "weight_decay": "auto",  # a prior worth 2 rows (issue 19)
    },
    "TorchMLPRegressor": {
        **_REGRESSOR,
        **_TORCH,
        **_MODULE,
        **_SHARED,
        **_SUPERVISED,
        "weight_decay": "auto",
    },
    "TorchAutoencoder": {**_AUTOENCODER, **_TORCH, **_SHARED, "lr": 1e-3},
}
#: The one positional parameter's default.
LAYERS = {name: (8,) if "Autoencoder" in name else (100,) for name in KEYWORDS}
#: Parameter counts of the hand-written signatures, as a cross-check.
COUNTS = {
    "RumelhartClassifier": 25,
    "RumelhartRegressor": 27,
    "RumelhartAutoencoder": 24,
    "TorchMLPClassifier": 28,
    "TorchMLPRegressor": 30,
    "TorchAutoencoder": 25,
}

NAMES = [
    pytest.param(
        name,
        marks=pytest.mark.skipif(
            name.startswith("Torch") and not HAS_TORCH, reason="torch"
        ),
    )
    for name in KEYWORDS
]


def _typed(value):
    # 0 == 0.0 == False: a default must keep its type too.
    return (type(value), value)


@pytest.mark.parametrize("name", NAMES)
def test_signature_is_the_hand_written_one(name):
    cls = getattr(rumelhart, name)
    parameters = list(inspect.signature(cls).parameters.values())
    first, rest = parameters[0], parameters[1:]
    assert len(parameters) == COUNTS[name]
    assert first.name == "hidden_layer_sizes"
    assert first.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert first.default == LAYERS[name]
    assert {p.kind for p in rest} == {inspect.Parameter.KEYWORD_ONLY}
    got = {p.name: _typed(p.default) for p in rest}
    assert got == {k: _typed(v) for k, v in KEYWORDS[name].items()}


@pytest.mark.parametrize("name", NAMES)
def test_get_params_lists_the_parameters_and_their_defaults(name):
    est = getattr(rumelhart, name)()
    expected = {"hidden_layer_sizes": LAYERS[name], **KEYWORDS[name]}
    params = est.get_params(deep=False)
    assert {k: _typed(v) for k, v in params.items()} == {
        k: _typed(v) for k, v in expected.items()
    }


@pytest.mark.parametrize("name", NAMES)
def test_init_stores_each_argument_as_passed_and_nothing_else(name):
    cls = getattr(rumelhart, name)
    values = {k: object() for k in ["hidden_layer_sizes", *KEYWORDS[name]]}
    est = cls(**values)
    assert vars(est).keys() == values.keys()
    assert all(getattr(est, k) is v for k, v in values.items())
    assert cls((3, 2)).hidden_layer_sizes == (3, 2)


@pytest.mark.parametrize("name", NAMES)
def test_only_the_layers_are_positional(name):
    cls = getattr(rumelhart, name)
    with pytest.raises(TypeError, match="positional argument"):
        cls((3,), "log_loss")


@pytest.mark.parametrize("name", NAMES)
def test_repr_is_scikit_learns(name):
    cls = getattr(rumelhart, name)
    assert repr(cls()) == f"{name}()"
    assert repr(cls((3,), max_iter=7)) == f"{name}(hidden_layer_sizes=(3,), max_iter=7)"


@pytest.mark.parametrize("name", NAMES)
def test_estimators_are_hashable_and_compared_by_identity(name):
    cls = getattr(rumelhart, name)
    a, b = cls(), cls()
    assert a != b and a == a
    assert len({a, b, a}) == 2
    assert clone(a) is not a and clone(a) != a
