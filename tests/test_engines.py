"""The engine boundary: both engines implement ``rumelhart._engines.protocol.Engine``.

The training loop, the estimators and the callbacks call nothing but the
:class:`~rumelhart._engines.protocol.Engine` protocol, so the two engines (NumPy's
``NumpyMLP`` and torch's ``TorchMLP``) must agree on what it means:

* each engine, as the estimators build it, is an ``Engine``, and every method
  of the protocol takes the protocol's parameters (same names, kinds and
  defaults);
* ``snapshot``/``restore`` put back the weights *and* the optimizer's running
  state (momentum velocities, Adam moments): training on from a restored
  engine repeats exactly what training on from the snapshot did;
* ``copy`` is independent of the original;
* the ``lr`` and ``momentum`` properties read back what is set.
"""

import inspect
import typing

import numpy as np
import pytest
from sklearn.datasets import make_blobs

from rumelhart._engines.numpy import NumpyMLP
from rumelhart._engines.protocol import Engine, NetworkSpec
from rumelhart._math.activations import HIDDEN_ACTIVATIONS

from .conftest import ESTIMATORS, HAS_TORCH, dataset, engine_weights, make

SPEC = NetworkSpec(
    layer_sizes=(4, 6, 3),
    output_activation="softmax",
    loss="log_loss",
    seed=0,
    hidden_activation="logistic",
)
BATCH_SIZE = 16

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def numpy_engine(optimizer="sgd"):
    """A NumPy engine built as RumelhartClassifier builds it (eq. 9, α=0.9)."""
    assert optimizer == "sgd"
    return NumpyMLP.from_spec(SPEC, lr=0.1, momentum=0.9)


def torch_engine(optimizer):
    """A torch engine built as TorchMLPClassifier builds it, on the CPU."""
    torch = pytest.importorskip("torch")
    from rumelhart._engines.torch import TorchMLP, build_mlp

    generator = torch.Generator().manual_seed(SPEC.seed)
    module = build_mlp(SPEC.layer_sizes, SPEC.hidden_activation, generator)
    return TorchMLP.from_spec(
        SPEC,
        module,
        device=torch.device("cpu"),
        optimizer=optimizer,
        lr=0.05 if optimizer == "sgd" else 0.01,
        momentum=0.9,
        weight_decay=0.0,
        lr_schedule="constant",
    )


ENGINES = [
    pytest.param(numpy_engine, "sgd", id="numpy-momentum"),
    pytest.param(torch_engine, "sgd", id="torch-sgd-momentum"),
    pytest.param(torch_engine, "adam", id="torch-adam"),
]


def training_data(engine):
    X, labels = make_blobs(n_samples=60, centers=3, n_features=4, random_state=0)
    return engine.prepare(X, np.eye(3)[labels])


def optimizer_state(engine):
    """The optimizer's running state as a list of NumPy arrays: the velocities
    of eq. 9 (NumPy), or every tensor of torch's per-parameter state (the
    momentum buffers; Adam's step counts and moments)."""
    optimizer = engine.optimizer
    if isinstance(engine, NumpyMLP):
        return [np.array(v, copy=True) for v in optimizer.velocities]
    state = []
    for group in optimizer.param_groups:
        for param in group["params"]:
            for key, value in sorted(optimizer.state.get(param, {}).items()):
                if hasattr(value, "detach"):  # a tensor
                    value = value.detach().cpu().numpy()
                state.append((key, np.array(value, copy=True)))
    return state


def arrays(state):
    """The arrays of :func:`optimizer_state` (without torch's state names)."""
    return [s[1] if isinstance(s, tuple) else s for s in state]


def assert_same_arrays(actual, expected):
    assert len(actual) == len(expected)
    for a, b in zip(actual, expected, strict=True):
        if isinstance(b, tuple):  # (name, array) of torch's optimizer state
            assert a[0] == b[0]
            a, b = a[1], b[1]
        np.testing.assert_array_equal(a, b)


def differs(actual, expected):
    try:
        assert_same_arrays(actual, expected)
    except AssertionError:
        return True
    return False


def trained(make_engine, optimizer, epochs=3):
    """An engine ``epochs`` epochs into a fit, and its prepared data."""
    engine = make_engine(optimizer)
    data = training_data(engine)
    engine.start_fit(60, BATCH_SIZE, 20)
    engine.seed(1)
    for _ in range(epochs):
        engine.run_epoch(data, BATCH_SIZE)
    return engine, data


def train(engine, data, seed, epochs=3):
    """``epochs`` epochs shuffled from ``seed``: their losses and the weights."""
    engine.seed(seed)
    losses = [engine.run_epoch(data, BATCH_SIZE) for _ in range(epochs)]
    return losses, engine_weights(engine)


# -- (a) the protocol ----------------------------------------------------------
ENGINE_CLASSES = ["NumpyMLP", "TorchMLP"]


def engine_class(name):
    if name == "NumpyMLP":
        return NumpyMLP
    pytest.importorskip("torch")
    from rumelhart._engines.torch import TorchMLP

    return TorchMLP


def estimator_classes():
    """Every estimator that owns an engine: ESTIMATORS and the autoencoders."""
    from rumelhart import RumelhartAutoencoder

    classes = [*ESTIMATORS, RumelhartAutoencoder]
    if HAS_TORCH:
        from rumelhart import TorchAutoencoder

        classes.append(TorchAutoencoder)
    return classes


def protocol_members():
    """``(methods, attributes)`` that the Engine protocol names."""
    methods = {
        name
        for name, value in vars(Engine).items()
        if inspect.isfunction(value) and not name.startswith("_")
    }
    attributes = set(Engine.__annotations__) | {
        name for name, value in vars(Engine).items() if isinstance(value, property)
    }
    # What isinstance checks is exactly these, no more, no fewer.
    get_attrs = getattr(typing, "_get_protocol_attrs", None)
    members = getattr(Engine, "__protocol_attrs__", None) or get_attrs(Engine)
    assert set(members) == methods | attributes
    return sorted(methods), sorted(attributes)


def test_protocol_names_what_the_engines_are_called_with():
    methods, attributes = protocol_members()
    assert {"snapshot", "restore", "copy", "run_epoch", "prepare"} <= set(methods)
    assert {"lr", "momentum", "dtype", "layer_sizes"} <= set(attributes)


@pytest.mark.parametrize("cls", estimator_classes(), ids=lambda cls: cls.__name__)
def test_estimators_engines_are_engines(cls):
    X, y = dataset(cls)
    est = make(cls, max_iter=2)
    est.fit(X) if "Autoencoder" in cls.__name__ else est.fit(X, y)
    assert isinstance(est._engine, Engine)
    assert isinstance(est._engine.copy(), Engine)


@pytest.mark.parametrize(("make_engine", "optimizer"), ENGINES)
def test_engines_built_from_a_spec_are_engines(make_engine, optimizer):
    engine = make_engine(optimizer)
    assert isinstance(engine, Engine)
    assert tuple(engine.layer_sizes) == SPEC.layer_sizes
    assert engine.dtype == np.dtype(SPEC.dtype)


def test_an_object_lacking_a_method_is_no_engine():
    """isinstance really checks the members (a protocol check that passed
    anything would make the tests above vacuous)."""

    class Partial:
        pass

    engine = NumpyMLP.from_spec(SPEC, lr=0.1, momentum=0.9)
    fake = Partial()
    for name in protocol_members()[1]:
        setattr(fake, name, getattr(engine, name))
    assert not isinstance(fake, Engine)


@pytest.mark.parametrize("engine_name", ENGINE_CLASSES)
@pytest.mark.parametrize("name", protocol_members()[0])
def test_engine_method_takes_the_protocols_parameters(engine_name, name):
    engine_cls = engine_class(engine_name)
    assert callable(getattr(engine_cls, name, None)), f"{engine_cls.__name__}.{name}"
    expected = list(inspect.signature(getattr(Engine, name)).parameters.values())[1:]
    # Through an instance-less descriptor lookup: drop ``self`` unless static.
    raw = inspect.getattr_static(engine_cls, name)
    params = list(inspect.signature(getattr(engine_cls, name)).parameters.values())
    if not isinstance(raw, staticmethod | classmethod):
        assert params and params[0].name == "self"
        params = params[1:]
    by_name = {p.name: p for p in params}
    for position, want in enumerate(expected):
        have = by_name.get(want.name)
        assert have is not None, f"{name}() lacks parameter {want.name!r}"
        assert have.kind == want.kind, f"{name}({want.name}) is {have.kind}"
        if want.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD:
            assert params[position].name == want.name, f"{name}: order differs"
        if want.default is not inspect.Parameter.empty:
            assert have.default == want.default, f"{name}({want.name}) default"
    for extra in params:  # anything the protocol does not pass must be optional
        if extra.name not in {p.name for p in expected}:
            assert extra.kind in (extra.VAR_POSITIONAL, extra.VAR_KEYWORD) or (
                extra.default is not inspect.Parameter.empty
            ), f"{name}() requires {extra.name!r}, which the protocol never passes"


# -- (b) snapshot and restore ----------------------------------------------------
@pytest.mark.parametrize(("make_engine", "optimizer"), ENGINES)
def test_restore_replays_training_exactly(make_engine, optimizer):
    engine, data = trained(make_engine, optimizer)
    snapshot = engine.snapshot()
    losses, weights = train(engine, data, seed=7)
    engine.restore(snapshot)
    replayed_losses, replayed_weights = train(engine, data, seed=7)
    assert replayed_losses == losses
    assert_same_arrays(replayed_weights, weights)


@pytest.mark.parametrize(("make_engine", "optimizer"), ENGINES)
def test_restore_puts_back_weights_and_optimizer_state(make_engine, optimizer):
    engine, data = trained(make_engine, optimizer)
    weights, state = engine_weights(engine), optimizer_state(engine)
    assert any(np.any(a) for a in arrays(state)), "no running state to restore"
    snapshot = engine.snapshot()
    train(engine, data, seed=7)
    # Training moved both on (and left the snapshot alone).
    assert differs(engine_weights(engine), weights)
    assert differs(optimizer_state(engine), state)
    engine.restore(snapshot)
    assert_same_arrays(engine_weights(engine), weights)
    assert_same_arrays(optimizer_state(engine), state)
    # A snapshot can be restored more than once.
    train(engine, data, seed=8)
    engine.restore(snapshot)
    assert_same_arrays(engine_weights(engine), weights)
    assert_same_arrays(optimizer_state(engine), state)


@pytest.mark.parametrize(("make_engine", "optimizer"), ENGINES)
def test_reset_optimizer_forgets_the_running_state(make_engine, optimizer):
    engine, _ = trained(make_engine, optimizer)
    assert any(np.any(a) for a in arrays(optimizer_state(engine)))
    weights = engine_weights(engine)
    engine.reset_optimizer()
    assert_same_arrays(engine_weights(engine), weights)
    state = optimizer_state(engine)
    assert not any(np.any(a) for a in arrays(state))


# -- (c) copy ------------------------------------------------------------------
@pytest.mark.parametrize(("make_engine", "optimizer"), ENGINES)
def test_copy_is_independent(make_engine, optimizer):
    engine, data = trained(make_engine, optimizer)
    weights, state = engine_weights(engine), optimizer_state(engine)
    twin = engine.copy()
    assert_same_arrays(engine_weights(twin), weights)
    assert_same_arrays(optimizer_state(twin), state)
    train(twin, data, seed=3)
    assert differs(engine_weights(twin), weights)
    assert_same_arrays(engine_weights(engine), weights)
    assert_same_arrays(optimizer_state(engine), state)
    # And the other way round: training the original leaves the copy alone.
    twin_weights = engine_weights(twin)
    train(engine, data, seed=4)
    assert_same_arrays(engine_weights(twin), twin_weights)


@pytest.mark.parametrize(("make_engine", "optimizer"), ENGINES)
def test_copy_trains_like_the_original(make_engine, optimizer):
    engine, data = trained(make_engine, optimizer)
    twin = engine.copy()
    twin_losses, twin_weights = train(twin, data, seed=5)
    losses, weights = train(engine, data, seed=5)
    assert twin_losses == losses
    assert_same_arrays(twin_weights, weights)


# -- (d) lr and momentum ---------------------------------------------------------
@pytest.mark.parametrize(("make_engine", "optimizer"), ENGINES)
def test_lr_and_momentum_read_back_what_is_set(make_engine, optimizer):
    engine = make_engine(optimizer)
    engine.lr = 0.125
    assert engine.lr == 0.125
    engine.momentum = 0.5
    assert engine.momentum == 0.5
    engine.lr, engine.momentum = 1, 0  # ints, as a schedule may return
    assert (engine.lr, engine.momentum) == (1.0, 0.0)
    assert isinstance(engine.lr, float) and isinstance(engine.momentum, float)


@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_engines_with_the_same_weights_agree_for_every_activation(activation):
    """The NumPy engine and torch's default module of each hidden activation:
    the same outputs, hidden features and, after one full-batch SGD step,
    the same weights (so the same gradients)."""
    torch = pytest.importorskip("torch")
    from rumelhart._engines.torch import TorchMLP, build_mlp

    spec = NetworkSpec(
        layer_sizes=(4, 6, 5, 3),
        output_activation="softmax",
        loss="log_loss",
        seed=0,
        hidden_activation=activation,
    )
    numpy_mlp = NumpyMLP.from_spec(spec, lr=0.1, momentum=0.0, init_range=1.0)
    module = build_mlp(spec.layer_sizes, activation).double()
    with torch.no_grad():
        linears = [m for m in module if isinstance(m, torch.nn.Linear)]
        for linear, W, b in zip(linears, numpy_mlp.coefs, numpy_mlp.intercepts):
            linear.weight.copy_(torch.from_numpy(W.T))
            linear.bias.copy_(torch.from_numpy(b))
    torch_mlp = TorchMLP.from_spec(
        spec,
        module,
        device=torch.device("cpu"),
        optimizer="sgd",
        lr=0.1,
        momentum=0.0,
        weight_decay=0.0,
        lr_schedule="constant",
    )
    X, y = make_blobs(n_samples=30, n_features=4, centers=3, random_state=0)
    Y = np.eye(3)[y]
    np.testing.assert_allclose(torch_mlp.predict(X), numpy_mlp.predict(X), rtol=1e-12)
    for h_t, h_n in zip(torch_mlp.hidden(X, [0, 1]), numpy_mlp.hidden(X, [0, 1])):
        np.testing.assert_allclose(h_t, h_n, rtol=1e-12, atol=1e-15)
    before = [W.copy() for W in numpy_mlp.coefs]
    for engine in (numpy_mlp, torch_mlp):
        engine.start_fit(len(X), len(X), 1)
        engine.run_epoch(engine.prepare(X, Y), batch_size=len(X), shuffle=False)
    for (W_t, b_t), W, b in zip(
        zip(*torch_mlp.weights()), numpy_mlp.coefs, numpy_mlp.intercepts
    ):
        np.testing.assert_allclose(W_t, W, rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(b_t, b, rtol=1e-10, atol=1e-13)
    assert all(np.abs(W - W0).max() > 1e-4 for W, W0 in zip(numpy_mlp.coefs, before))
