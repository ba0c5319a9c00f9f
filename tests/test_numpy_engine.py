"""The NumPy engine against independent oracles.

* gradients of ``NumpyMLP.loss_and_gradients`` against central finite
  differences of a loss written out here from the paper's definitions, and
  against torch autograd;
* the update rule (eq. 9, weight decay) against a hand computation, and
  ``Momentum`` against ``torch.optim.SGD``;
* ``sample_weight`` against repeated rows, float32 throughout, mini-batches.
"""

import numpy as np
import pytest
from scipy.special import erf

from rumelhart._engines.numpy import NumpyMLP
from rumelhart._engines.numpy.optimizer import FlatArrays, Momentum
from rumelhart._math.losses import check_output

# (loss, output activation, output units): every combination the estimators
# build. squared_error + identity is the regressor; squared_error + logistic
# the paper's classifier (1 unit for 2 classes, K independent units for K);
# log_loss + logistic a binary (or multi-label) classifier, log_loss +
# softmax the one-of-K classifier.
LOSS_OUTPUTS = [
    ("squared_error", "identity", 1),
    ("squared_error", "identity", 2),
    ("squared_error", "logistic", 1),
    ("squared_error", "logistic", 3),
    ("log_loss", "logistic", 1),
    ("log_loss", "logistic", 3),
    ("log_loss", "softmax", 3),
]
LOSS_OUTPUT_IDS = [f"{loss}-{act}-{k}" for loss, act, k in LOSS_OUTPUTS]
HIDDEN = [(), (4,), (4, 3)]
N_FEATURES = 3
N_SAMPLES = 7


def _data(output_activation, n_outputs, seed=0, n_samples=N_SAMPLES):
    """Inputs, targets suited to the output units, positive unequal weights."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, N_FEATURES))
    if output_activation == "identity":
        Y = rng.normal(size=(n_samples, n_outputs))
    elif output_activation == "softmax":
        Y = np.eye(n_outputs)[rng.integers(n_outputs, size=n_samples)]
    else:
        Y = rng.integers(0, 2, size=(n_samples, n_outputs)).astype(np.float64)
    sample_weight = rng.uniform(0.2, 3.0, size=n_samples)
    return X, Y, sample_weight


def _engine(
    hidden,
    loss,
    output_activation,
    n_outputs,
    *,
    reduction="mean",
    seed=0,
    lr=0.1,
    momentum=0.9,
    weight_decay=0.0,
    decay_intercepts=True,
    init_range=1.0,
    hidden_activation="logistic",
    dtype=np.float64,
):
    return NumpyMLP(
        (N_FEATURES, *hidden, n_outputs),
        output_activation=output_activation,
        loss=loss,
        lr=lr,
        momentum=momentum,
        seed=seed,
        hidden_activation=hidden_activation,
        weight_decay=weight_decay,
        decay_intercepts=decay_intercepts,
        reduction=reduction,
        init_range=init_range,
        dtype=dtype,
    )


# -- an independent reference: forward pass and loss from the definitions --
_REF_ACTIVATIONS = {
    "identity": lambda z: z,
    "logistic": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.where(z > 0, z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "elu": lambda z: np.where(z > 0, z, np.exp(z) - 1.0),
    "softplus": lambda z: np.log(1.0 + np.exp(z)),
    "gelu": lambda z: 0.5 * z * (1.0 + erf(z / np.sqrt(2.0))),
    "silu": lambda z: z / (1.0 + np.exp(-z)),
}
#: Every hidden activation of the NumPy engine.
HIDDEN_ACTIVATIONS = sorted(_REF_ACTIVATIONS)


def _ref_outputs(coefs, intercepts, X, output_activation, hidden_activation):
    a = X
    for i, (W, b) in enumerate(zip(coefs, intercepts)):
        z = a @ W + b
        if i < len(coefs) - 1:
            a = _REF_ACTIVATIONS[hidden_activation](z)
        elif output_activation == "softmax":
            e = np.exp(z - z.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
        else:
            a = _REF_ACTIVATIONS[output_activation](z)
    return a


def _ref_loss(
    coefs,
    intercepts,
    X,
    Y,
    sample_weight,
    loss,
    output_activation,
    reduction,
    hidden_activation="logistic",
):
    """E of eq. 3 (or the cross-entropy), reduced over the weighted cases."""
    A = _ref_outputs(coefs, intercepts, X, output_activation, hidden_activation)
    if loss == "squared_error":
        per_sample = 0.5 * ((A - Y) ** 2).sum(axis=1)
    elif output_activation == "softmax":
        per_sample = -(Y * np.log(A)).sum(axis=1)
    else:
        per_sample = -(Y * np.log(A) + (1 - Y) * np.log(1 - A)).sum(axis=1)
    w = np.ones(len(X)) if sample_weight is None else sample_weight
    total = float(per_sample @ w)
    return total / w.sum() if reduction == "mean" else total


def _params(engine):
    return engine.coefs + engine.intercepts


def _finite_differences(engine, X, Y, sample_weight, eps=1e-6):
    """Central differences of the reference loss w.r.t. every parameter."""

    def loss():
        return _ref_loss(
            engine.coefs,
            engine.intercepts,
            X,
            Y,
            sample_weight,
            engine.loss,
            engine.output_activation,
            engine.reduction,
            engine.hidden_activation,
        )

    grads = []
    for p in _params(engine):
        g = np.empty_like(p)
        for idx in np.ndindex(p.shape):
            saved = p[idx]
            p[idx] = saved + eps
            up = loss()
            p[idx] = saved - eps
            down = loss()
            p[idx] = saved
            g[idx] = (up - down) / (2 * eps)
        grads.append(g)
    return grads


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("hidden", HIDDEN, ids=["0hidden", "1hidden", "2hidden"])
@pytest.mark.parametrize(
    ("loss", "output_activation", "n_outputs"), LOSS_OUTPUTS, ids=LOSS_OUTPUT_IDS
)
def test_gradients_match_finite_differences(
    loss, output_activation, n_outputs, hidden, reduction, weighted
):
    X, Y, sw = _data(output_activation, n_outputs)
    sw = sw if weighted else None
    engine = _engine(hidden, loss, output_activation, n_outputs, reduction=reduction)
    before = [p.copy() for p in _params(engine)]

    value, grads = engine.loss_and_gradients(X, Y, sw)

    expected_value = _ref_loss(
        engine.coefs, engine.intercepts, X, Y, sw, loss, output_activation, reduction
    )
    assert value == pytest.approx(expected_value, rel=1e-12)
    numeric = _finite_differences(engine, X, Y, sw)
    assert len(grads) == len(numeric) == 2 * (len(hidden) + 1)
    scale = max(np.abs(g).max() for g in numeric)
    assert scale > 1e-3  # the check is not vacuous
    for analytic, fd, p in zip(grads, numeric, before):
        assert analytic.shape == p.shape
        np.testing.assert_allclose(analytic, fd, rtol=1e-5, atol=1e-7 * scale)
    # Computing gradients leaves the weights alone.
    for p, q in zip(_params(engine), before):
        np.testing.assert_array_equal(p, q)


# -- torch autograd ---------------------------------------------------------
def _torch_gradients(engine, X, Y, sample_weight):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    params = [
        torch.tensor(p, dtype=torch.float64, requires_grad=True)
        for p in _params(engine)
    ]
    n_layers = engine.n_layers
    coefs, intercepts = params[:n_layers], params[n_layers:]
    hidden_fn = {
        "logistic": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "identity": lambda z: z,
        "leaky_relu": torch.nn.LeakyReLU(),
        "elu": torch.nn.ELU(),
        "softplus": torch.nn.Softplus(),
        "gelu": torch.nn.GELU(),
        "silu": torch.nn.SiLU(),
    }[engine.hidden_activation]
    a = torch.tensor(X, dtype=torch.float64)
    T = torch.tensor(Y, dtype=torch.float64)
    for i, (W, b) in enumerate(zip(coefs, intercepts)):
        z = a @ W + b
        a = hidden_fn(z) if i < n_layers - 1 else z
    logits = a
    if engine.loss == "squared_error":
        out = logits if engine.output_activation == "identity" else logits.sigmoid()
        per_sample = 0.5 * ((out - T) ** 2).sum(dim=1)
    elif engine.output_activation == "softmax":
        per_sample = F.cross_entropy(logits, T, reduction="none")
    else:
        per_sample = F.binary_cross_entropy_with_logits(
            logits, T, reduction="none"
        ).sum(dim=1)
    if sample_weight is None:
        w = torch.ones(len(X), dtype=torch.float64)
    else:
        w = torch.tensor(sample_weight, dtype=torch.float64)
    total = (per_sample * w).sum()
    if engine.reduction == "mean":
        total = total / w.sum()
    total.backward()
    return float(total.detach()), [p.grad.numpy() for p in params]


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("hidden", HIDDEN, ids=["0hidden", "1hidden", "2hidden"])
@pytest.mark.parametrize(
    ("loss", "output_activation", "n_outputs"), LOSS_OUTPUTS, ids=LOSS_OUTPUT_IDS
)
def test_gradients_match_torch_autograd(
    loss, output_activation, n_outputs, hidden, reduction, weighted
):
    X, Y, sw = _data(output_activation, n_outputs, seed=1)
    sw = sw if weighted else None
    engine = _engine(
        hidden, loss, output_activation, n_outputs, reduction=reduction, seed=3
    )
    value, grads = engine.loss_and_gradients(X, Y, sw)
    torch_value, torch_grads = _torch_gradients(engine, X, Y, sw)
    assert value == pytest.approx(torch_value, rel=1e-12)
    for g, tg in zip(grads, torch_grads):
        np.testing.assert_allclose(g, tg, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("hidden_activation", HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize(
    ("loss", "output_activation", "n_outputs"),
    [("squared_error", "identity", 2), ("log_loss", "softmax", 3)],
)
def test_hidden_activations_match_finite_differences(
    hidden_activation, loss, output_activation, n_outputs
):
    """The whole network's gradients, two hidden layers, every activation
    (GELU and SiLU backpropagate through the kept net inputs)."""
    X, Y, sw = _data(output_activation, n_outputs, seed=5)
    engine = _engine(
        (5, 4),
        loss,
        output_activation,
        n_outputs,
        hidden_activation=hidden_activation,
        seed=7,
    )
    value, grads = engine.loss_and_gradients(X, Y, sw)
    expected = _ref_loss(
        engine.coefs,
        engine.intercepts,
        X,
        Y,
        sw,
        loss,
        output_activation,
        "mean",
        hidden_activation,
    )
    assert value == pytest.approx(expected, rel=1e-12)
    numeric = _finite_differences(engine, X, Y, sw)
    scale = max(np.abs(g).max() for g in numeric)
    assert scale > 1e-3
    for analytic, fd in zip(grads, numeric):
        np.testing.assert_allclose(analytic, fd, rtol=1e-5, atol=1e-7 * scale)


@pytest.mark.parametrize("hidden_activation", HIDDEN_ACTIVATIONS)
def test_other_hidden_activations_match_torch_autograd(hidden_activation):
    X, Y, sw = _data("identity", 2, seed=2)
    engine = _engine(
        (5, 4),
        "squared_error",
        "identity",
        2,
        hidden_activation=hidden_activation,
        reduction="sum",
    )
    value, grads = engine.loss_and_gradients(X, Y, sw)
    torch_value, torch_grads = _torch_gradients(engine, X, Y, sw)
    assert value == pytest.approx(torch_value, rel=1e-12)
    for g, tg in zip(grads, torch_grads):
        np.testing.assert_allclose(g, tg, rtol=1e-10, atol=1e-12)


def test_log_loss_with_non_canonical_output_is_refused():
    with pytest.raises(ValueError, match="log_loss"):
        check_output("log_loss", "identity")
    with pytest.raises(ValueError, match="log_loss"):
        NumpyMLP(
            (2, 1),
            output_activation="identity",
            loss="log_loss",
            lr=0.1,
            momentum=0,
            seed=0,
        )


# -- the update rule, eq. 9 -------------------------------------------------
@pytest.mark.parametrize(
    ("weight_decay", "decay_intercepts"),
    [(0.0, True), (0.01, True), (0.01, False)],
    ids=["no-decay", "decay-all", "decay-coefs"],
)
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_train_batch_follows_eq_9_by_hand(weight_decay, decay_intercepts, weighted):
    lr, momentum = 0.3, 0.8
    X, Y, sw = _data("logistic", 1, seed=4)
    sw = sw if weighted else None
    engine = _engine(
        (4,),
        "squared_error",
        "logistic",
        1,
        reduction="sum",
        lr=lr,
        momentum=momentum,
        weight_decay=weight_decay,
        decay_intercepts=decay_intercepts,
    )
    probe = engine.copy()
    initial = [p.copy() for p in _params(engine)]
    # The coefficients come first; the biases shrink only with the paper's rule.
    shrinks = [
        1 - weight_decay if p.ndim == 2 or decay_intercepts else 1.0 for p in initial
    ]
    weights = [p.copy() for p in initial]
    changes = [np.zeros_like(p) for p in weights]

    for _ in range(3):
        # Gradient at the hand-computed weights, on an independent copy.
        probe.restore(weights + [np.zeros_like(w) for w in weights])
        _, grads = probe.loss_and_gradients(X, Y, sw)
        expected_loss = _ref_loss(
            probe.coefs, probe.intercepts, X, Y, sw, "squared_error", "logistic", "sum"
        )
        changes = [-lr * g + momentum * dw for g, dw in zip(grads, changes)]
        weights = [(w + dw) * k for w, dw, k in zip(weights, changes, shrinks)]

        batch_loss = engine.train_batch(X, Y, sw)

        # The batch's summed error, measured before the change.
        assert batch_loss == pytest.approx(expected_loss, rel=1e-12)
        for p, w in zip(_params(engine), weights):
            np.testing.assert_allclose(p, w, rtol=1e-12, atol=1e-14)
        for v, dw in zip(engine.optimizer.velocities, changes):
            np.testing.assert_allclose(v, dw, rtol=1e-12, atol=1e-14)
    moved = max(np.abs(p - q).max() for p, q in zip(_params(engine), initial))
    assert moved > 1e-3


def test_momentum_with_weight_decay_shrinks_after_the_change():
    param = np.array([1.0, -2.0])
    opt = Momentum([param], lr=0.5, momentum=0.9, weight_decay=0.1)
    opt.step([np.array([0.2, 0.4])])
    # Δw = -0.5 * g; w = (w + Δw) * 0.9; the velocity is Δw, not shrunk.
    np.testing.assert_allclose(param, [(1.0 - 0.1) * 0.9, (-2.0 - 0.2) * 0.9])
    np.testing.assert_allclose(opt.velocities[0], [-0.1, -0.2])


@pytest.mark.parametrize("flat", [False, True], ids=["arrays", "flat"])
def test_momentum_shrinks_only_the_leading_decayed_arrays(flat):
    arrays = [np.array([[1.0, -2.0]]), np.array([4.0]), np.array([-8.0])]
    params = FlatArrays.copy_of(arrays) if flat else arrays
    opt = Momentum(params, lr=0.5, momentum=0.9, weight_decay=0.1, decayed=1)
    opt.step(FlatArrays.copy_of([np.zeros_like(a) for a in arrays]))
    np.testing.assert_allclose(params[0], [[0.9, -1.8]])
    np.testing.assert_allclose(params[1], [4.0])
    np.testing.assert_allclose(params[2], [-8.0])


def test_momentum_pickled_before_decayed_existed_decays_every_array():
    params = FlatArrays.copy_of([np.array([1.0]), np.array([2.0])])
    opt = Momentum(params, lr=0.5, momentum=0.9, weight_decay=0.5)
    state = opt.__getstate__()
    del state["decayed"]
    restored = Momentum.__new__(Momentum)
    restored.__setstate__(state)
    restored.step(FlatArrays.copy_of([np.zeros(1), np.zeros(1)]))
    np.testing.assert_allclose(restored.params.flat, [0.5, 1.0])


def test_momentum_reset_forgets_the_previous_change():
    param = np.zeros(3)
    opt = Momentum([param], lr=0.1, momentum=0.9)
    opt.step([np.ones(3)])
    opt.reset()
    np.testing.assert_array_equal(opt.velocities[0], 0.0)
    before = param.copy()
    opt.step([np.full(3, 2.0)])
    np.testing.assert_allclose(param - before, -0.2)


@pytest.mark.parametrize(("lr", "momentum"), [(0.1, 0.9), (0.05, 0.0), (1.3, 0.5)])
def test_momentum_matches_torch_sgd(lr, momentum):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    shapes = [(3, 4), (4,), (4, 2), (2,)]
    params = [rng.normal(size=s) for s in shapes]
    initial = [p.copy() for p in params]
    torch_params = [
        torch.tensor(p.copy(), dtype=torch.float64, requires_grad=True) for p in params
    ]
    ours = Momentum(params, lr, momentum)
    sgd = torch.optim.SGD(torch_params, lr=lr, momentum=momentum)
    for _ in range(5):
        grads = [rng.normal(size=s) for s in shapes]
        for tp, g in zip(torch_params, grads):
            tp.grad = torch.tensor(g.copy(), dtype=torch.float64)
        sgd.step()
        ours.step([g.copy() for g in grads])
        for p, tp in zip(params, torch_params):
            np.testing.assert_allclose(p, tp.detach().numpy(), rtol=1e-12, atol=1e-12)
    assert not np.allclose(params[0], initial[0])


# -- sample_weight, dtype, mini-batches -------------------------------------
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize(
    ("loss", "output_activation", "n_outputs"),
    [
        ("squared_error", "logistic", 1),
        ("log_loss", "softmax", 3),
        ("squared_error", "identity", 2),
    ],
)
def test_integer_sample_weight_equals_repeated_rows(
    loss, output_activation, n_outputs, reduction
):
    X, Y, _ = _data(output_activation, n_outputs, seed=6)
    counts = np.array([1, 3, 0, 2, 1, 4, 2])
    lr = 0.5 if reduction == "mean" else 0.05
    weighted = _engine((4,), loss, output_activation, n_outputs, reduction=reduction)
    weighted.optimizer.lr = lr
    repeated = weighted.copy()
    start = weighted.coefs[0].copy()

    data_w = weighted.prepare(X, Y, counts.astype(np.float64))
    data_r = repeated.prepare(np.repeat(X, counts, axis=0), np.repeat(Y, counts, 0))
    for _ in range(20):
        loss_w = weighted.run_epoch(data_w, batch_size=len(X))
        loss_r = repeated.run_epoch(data_r, batch_size=int(counts.sum()))
        assert loss_w == pytest.approx(loss_r, rel=1e-10)
    for p, q in zip(_params(weighted), _params(repeated)):
        np.testing.assert_allclose(p, q, rtol=0, atol=1e-10)
    assert np.abs(weighted.coefs[0] - start).max() > 1e-2


@pytest.mark.parametrize(
    ("loss", "output_activation", "n_outputs"), LOSS_OUTPUTS, ids=LOSS_OUTPUT_IDS
)
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_float32_engine_stays_float32(loss, output_activation, n_outputs, reduction):
    X, Y, sw = _data(output_activation, n_outputs, seed=7, n_samples=10)
    engine = _engine(
        (4, 3),
        loss,
        output_activation,
        n_outputs,
        reduction=reduction,
        dtype=np.float32,
        weight_decay=0.001,
    )
    start = [p.copy() for p in _params(engine)]
    data = engine.prepare(X, Y, sw)
    assert all(a.dtype == np.float32 for a in data)
    losses = [engine.run_epoch(data, batch_size=10) for _ in range(3)]
    losses += [engine.run_epoch(data, batch_size=3) for _ in range(3)]
    engine.train_batch(*engine.prepare(X, Y))
    assert np.all(np.isfinite(losses))

    arrays = _params(engine) + engine.optimizer.velocities + engine.optimizer.params
    for buffers in engine._buffers.by_size.values():
        arrays += [buffers[0], *buffers[1], *buffers[2], *buffers[3]]
    Xf = X.astype(np.float32)
    arrays += [engine.predict(Xf), *engine.forward(Xf)]
    value, grads = engine.loss_and_gradients(*engine.prepare(X, Y, sw))
    arrays += grads
    for a in arrays:
        assert a.dtype == np.float32
    assert np.isfinite(value)
    assert any(np.abs(p - q).max() > 0 for p, q in zip(_params(engine), start))


def _id_engine(seed=0, reduction="mean"):
    """A 1-hidden-layer engine whose first input column is the sample's index."""
    n = 10
    rng = np.random.default_rng(8)
    X = np.column_stack([np.arange(n, dtype=np.float64), rng.normal(size=(n, 2))])
    Y = rng.integers(0, 2, size=(n, 1)).astype(np.float64)
    engine = _engine((4,), "log_loss", "logistic", 1, reduction=reduction, seed=seed)
    return engine, X, Y


class _Calls(list):
    """An ``on_batch`` callback that records the arguments of every call."""

    def __call__(self, *args):
        self.append(args)


def _record_batches(engine):
    """Record the sample indices of every batch that ``train_batch`` sees."""
    visited = []
    train_batch = engine.train_batch

    def recording(X, Y, sample_weight=None, work=None):
        visited.append(X[:, 0].astype(int).tolist())  # a copy: buffers are reused
        return train_batch(X, Y, sample_weight, work)

    engine.train_batch = recording
    return visited


@pytest.mark.parametrize("shuffle", [True, False])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_run_epoch_visits_every_sample_once(shuffle, weighted):
    engine, X, Y = _id_engine()
    sw = np.linspace(0.5, 2.0, len(X)) if weighted else None
    data = engine.prepare(X, Y, sw)
    visited = _record_batches(engine)
    orders = []
    for _ in range(3):
        seen = _Calls()
        visited.clear()
        epoch_loss = engine.run_epoch(
            data, batch_size=3, shuffle=shuffle, on_batch=seen
        )
        assert [len(b) for b in visited] == [3, 3, 3, 1]
        order = [i for batch in visited for i in batch]
        assert sorted(order) == list(range(len(X)))
        orders.append(order)
        # on_batch: once per batch, weights adding up to the whole sweep.
        assert len(seen) == 4
        total_weight = len(X) if sw is None else sw.sum()
        assert sum(w for _, w in seen) == pytest.approx(total_weight)
        if sw is not None:
            for (_, w), batch in zip(seen, visited):
                assert w == pytest.approx(sw[batch].sum())
        # The sweep's loss is the weighted mean of the batches' summed errors.
        assert epoch_loss == pytest.approx(sum(b for b, _ in seen) / total_weight)
    if shuffle:
        assert any(o != list(range(len(X))) for o in orders)
        assert orders[0] != orders[1] or orders[1] != orders[2]
    else:
        assert all(o == list(range(len(X))) for o in orders)


def test_run_epoch_without_shuffle_is_deterministic_sequential_batches():
    first, X, Y = _id_engine(seed=0)
    second, _, _ = _id_engine(seed=123)  # another seed: the same order regardless
    second.restore(first.snapshot())
    by_hand = first.copy()
    for engine in (first, second):
        data = engine.prepare(X, Y)
        for _ in range(3):
            engine.run_epoch(data, batch_size=4, shuffle=False)
    for _ in range(3):
        for start in range(0, len(X), 4):
            by_hand.train_batch(X[start : start + 4], Y[start : start + 4])
    for p, q, r in zip(_params(first), _params(second), _params(by_hand)):
        np.testing.assert_array_equal(p, q)
        np.testing.assert_allclose(p, r, rtol=1e-13, atol=1e-15)


def test_run_epoch_shuffle_is_reproducible_from_the_seed():
    results = []
    for seed in (4, 4, 5):
        engine, X, Y = _id_engine(seed=0)
        engine.seed(seed)
        data = engine.prepare(X, Y)
        for _ in range(3):
            engine.run_epoch(data, batch_size=3, shuffle=True)
        results.append(engine.coefs[0].copy())
    np.testing.assert_array_equal(results[0], results[1])
    assert not np.array_equal(results[0], results[2])


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_full_batch_run_epoch_is_one_train_batch(reduction):
    engine, X, Y = _id_engine(reduction=reduction)
    sw = np.linspace(0.5, 2.0, len(X))
    twin = engine.copy()
    seen = _Calls()
    loss = engine.run_epoch(
        engine.prepare(X, Y, sw), batch_size=len(X) + 5, on_batch=seen
    )
    summed = twin.train_batch(X, Y, sw)
    assert len(seen) == 1
    assert seen[0] == (pytest.approx(summed), pytest.approx(sw.sum()))
    expected = summed / sw.sum() if reduction == "mean" else summed
    assert loss == pytest.approx(expected)
    for p, q in zip(_params(engine), _params(twin)):
        np.testing.assert_array_equal(p, q)


# -- the regressors' other losses, from their definitions --------------------
def _ref_regression_loss(A, Y, loss, delta):
    """Per entry: |r|, Huber's loss, half the Poisson or gamma deviance."""
    r = A - Y
    if loss == "absolute_error":
        return np.abs(r)
    if loss == "huber":
        return np.where(np.abs(r) <= delta, 0.5 * r**2, delta * (np.abs(r) - delta / 2))
    if loss == "poisson":
        return np.where(Y > 0, Y * np.log(np.where(Y > 0, Y, 1) / A), 0.0) - Y + A
    return np.log(A / Y) + Y / A - 1  # gamma


REGRESSION_LOSSES = [
    ("absolute_error", "identity"),
    ("huber", "identity"),
    ("poisson", "exponential"),
    ("gamma", "exponential"),
]


@pytest.mark.parametrize(("loss", "output_activation"), REGRESSION_LOSSES)
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_regression_losses_match_finite_differences(loss, output_activation, weighted):
    """Whole-network gradients of each regression loss against central
    differences of the loss written out here (Huber with a delta per output
    that leaves residuals on both sides of it)."""
    rng = np.random.default_rng(5)
    X, _, sw = _data("identity", 2, seed=5)
    sw = sw if weighted else None
    if output_activation == "exponential":
        Y = rng.poisson(2.0, size=(len(X), 2)).astype(np.float64)
        Y += 0.5 if loss == "gamma" else 0.0  # gamma: strictly positive
    else:
        Y = rng.normal(size=(len(X), 2)) * 2
    delta = np.array([0.5, 1.5]) if loss == "huber" else None
    engine = NumpyMLP(
        (N_FEATURES, 4, 2),
        output_activation=output_activation,
        loss=loss,
        lr=0.1,
        momentum=0.9,
        seed=0,
        init_range=1.0,
        loss_param=delta,
    )

    def reference():
        A = _ref_outputs(engine.coefs, engine.intercepts, X, "identity", "logistic")
        A = np.exp(A) if output_activation == "exponential" else A
        per_sample = _ref_regression_loss(A, Y, loss, delta).sum(axis=1)
        w = np.ones(len(X)) if sw is None else sw
        return float(per_sample @ w) / w.sum()

    value, grads = engine.loss_and_gradients(X, Y, sw)
    assert value == pytest.approx(reference(), rel=1e-12)
    for p, g in zip(_params(engine), grads):
        numeric = np.empty_like(p)
        for idx in np.ndindex(p.shape):
            saved = p[idx]
            p[idx] = saved + 1e-6
            up = reference()
            p[idx] = saved - 1e-6
            numeric[idx] = (up - reference()) / 2e-6
            p[idx] = saved
        np.testing.assert_allclose(g, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(
    ("n_features", "first_bound"),
    # max(2/sqrt(d), 8/d): 8/d on few inputs, 2/sqrt(d) from d = 16 on.
    [(1, 8.0), (2, 4.0), (4, 2.0), (16, 0.5), (100, 0.2)],
)
def test_auto_init_range_sharpens_the_first_layer_on_few_inputs(
    n_features, first_bound
):
    engine = NumpyMLP(
        (n_features, 400, 1),
        output_activation="identity",
        loss="squared_error",
        lr=0.1,
        momentum=0.0,
        seed=0,
        init_range="auto",
    )
    # Each range is filled: the largest of >= 400 draws lies within 1 % of
    # its bound (the first layer's weights and biases; the next layer's).
    drawn = [engine.coefs[0], engine.intercepts[0], engine.coefs[1]]
    for W, bound in zip(drawn, [first_bound, first_bound, 2 / np.sqrt(400)]):
        assert 0.99 * bound < np.abs(W).max() <= bound
