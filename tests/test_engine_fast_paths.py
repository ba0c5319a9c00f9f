"""The engines' fast paths give what their plain paths give.

* NumPy engine: a full batch processed in chunks of rows equals one pass;
* torch engine: the hand-written backward pass of the built-in network
  equals autograd (forced by a hook on the module), in mini-batches and in
  chunked full batches, weighted or not, for every loss and output unit the
  estimators build.
"""

import numpy as np
import pytest

from rumelhart._engines.numpy import NumpyMLP
from rumelhart._engines.numpy import engine as numpy_engine

LOSS_OUTPUTS = [
    ("squared_error", "identity", 2),
    ("squared_error", "logistic", 1),
    ("squared_error", "logistic", 3),
    ("log_loss", "logistic", 1),
    ("log_loss", "softmax", 3),
]


def _data(output_activation, n_outputs, n_samples=37, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, 4))
    if output_activation == "identity":
        Y = rng.normal(size=(n_samples, n_outputs))
    elif output_activation == "softmax":
        Y = np.eye(n_outputs)[rng.integers(n_outputs, size=n_samples)]
    else:
        Y = rng.integers(0, 2, size=(n_samples, n_outputs)).astype(np.float64)
    return X, Y, rng.uniform(0.2, 3.0, size=n_samples)


@pytest.mark.parametrize("hidden_activation", ["logistic", "gelu", "silu"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize(("loss", "output_activation", "n_outputs"), LOSS_OUTPUTS)
def test_numpy_chunked_full_batch_equals_one_pass(
    monkeypatch, loss, output_activation, n_outputs, weighted, hidden_activation
):
    X, Y, sw = _data(output_activation, n_outputs, n_samples=300)
    sw = sw if weighted else None
    engines = []
    for chunk_elements in (10**9, 1):  # one pass; chunks of 64 rows, the least
        monkeypatch.setattr(numpy_engine, "_CHUNK_ELEMENTS", chunk_elements)
        engine = NumpyMLP(
            (4, 8, n_outputs),
            output_activation=output_activation,
            loss=loss,
            lr=0.2,
            momentum=0.9,
            seed=0,
            hidden_activation=hidden_activation,
        )
        data = engine.prepare(X, Y, sw)
        losses = [engine.run_epoch(data, batch_size=len(X)) for _ in range(4)]
        engines.append((engine, losses, engine.predict(X)))
    assert engine._chunk_rows() < len(X)
    (one, losses_one, pred_one), (chunked, losses_chunked, pred_chunked) = engines
    np.testing.assert_allclose(losses_chunked, losses_one, rtol=1e-12)
    np.testing.assert_allclose(pred_chunked, pred_one, rtol=1e-12, atol=1e-14)
    for p, q in zip(chunked.optimizer.params, one.optimizer.params):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("hidden_activation", ["gelu", "silu"])
def test_torch_activations_without_output_derivative_train_by_autograd(
    hidden_activation,
):
    """GELU and SiLU have no derivative from their output: the hand-written
    backward pass refuses them (it would skip their slope), while the
    layer-by-layer pass still reads their hidden layers."""
    pytest.importorskip("torch")
    from rumelhart._engines.torch import build_mlp
    from rumelhart._engines.torch.fast_path import manual_ok
    from rumelhart._engines.torch.network import builtin_layers

    layers = builtin_layers(build_mlp((4, 6, 5, 2), hidden_activation))
    assert layers is not None
    assert [layer.activation.name for layer in layers[:-1]] == [hidden_activation] * 2
    assert not manual_ok(layers)


@pytest.mark.parametrize(
    "hidden_activation",
    ["sigmoid", "tanh", "relu", "identity", "leaky_relu", "elu", "softplus"],
)
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize(("loss", "output_activation", "n_outputs"), LOSS_OUTPUTS)
def test_torch_hand_written_backward_equals_autograd(
    monkeypatch, loss, output_activation, n_outputs, weighted, hidden_activation
):
    torch = pytest.importorskip("torch")
    from rumelhart._engines.torch import TorchMLP, build_mlp
    from rumelhart._engines.torch import sweep as torch_sweep
    from rumelhart._engines.torch.fast_path import manual_ok

    X, Y, sw = _data(output_activation, n_outputs)
    sw = sw if weighted else None
    torch.manual_seed(0)
    module = build_mlp((4, 6, 5, n_outputs), hidden_activation).double()

    def engine(mod):
        return TorchMLP(
            mod,
            output_activation=output_activation,
            loss=loss,
            optimizer="sgd",
            lr=0.1,
            momentum=0.9,
            weight_decay=0.01,
            lr_schedule="constant",
            device=torch.device("cpu"),
            dtype=np.float64,
            seed=3,
        )

    import copy

    fast = engine(copy.deepcopy(module))
    slow = engine(copy.deepcopy(module))
    slow.module.register_forward_hook(lambda mod, inp, out: None)  # no fast path
    assert manual_ok(fast._layers())
    assert slow._layers() is None
    # Full batches in chunks of 1024 rows at least: use more rows than that.
    monkeypatch.setattr(torch_sweep, "_CHUNK_ELEMENTS", 1)
    X_big, Y_big, sw_big = _data(output_activation, n_outputs, n_samples=2500)
    sw_big = sw_big if weighted else None
    for eng in (fast, slow):
        eng.start_fit(len(X), 8, 6)
    losses = {}
    for name, eng in (("fast", fast), ("slow", slow)):
        data = eng.prepare(X, Y, sw)
        big = eng.prepare(X_big, Y_big, sw_big)
        losses[name] = [eng.run_epoch(data, batch_size=8) for _ in range(3)]
        losses[name] += [eng.run_epoch(big, batch_size=len(X_big)) for _ in range(2)]
        losses[name] += [eng.run_epoch(data, batch_size=8, shuffle=False)]
    np.testing.assert_allclose(losses["fast"], losses["slow"], rtol=1e-10)
    for p, q in zip(fast.module.parameters(), slow.module.parameters()):
        np.testing.assert_allclose(
            p.detach().numpy(), q.detach().numpy(), rtol=1e-9, atol=1e-12
        )
