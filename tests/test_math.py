"""The math tables (``rumelhart._math``) against torch autograd and their
own definitions; property-based over random shapes, dtypes, weights and
dead zones.

For every pair of a loss and an output unit in ``LOSSES``:

* the NumPy error signal (delta at the output units' net input, times each
  sample's weight) equals torch autograd of the torch kernel of the same
  loss, and so does the torch engine's own error signal;
* the NumPy value equals the torch kernel's value;
* the dead zone is what the paper says: an error smaller than the dead zone
  sends back nothing, every other error is untouched.

For every activation with a NumPy derivative, that derivative equals torch
autograd of torch's function of the same name, and torch's fused kernel
equals it too. A loss or activation added to the tables is covered here
without a change to this file (its targets are drawn from its ``Targets``).
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from rumelhart._math.activations import (
    ACTIVATIONS,
    DERIVATIVES,
    OUTPUT_VALUES,
    activation,
)
from rumelhart._math.losses import (
    LOSSES,
    apply_dead_zone,
    damp_overshoot,
    error_signal,
)

torch = pytest.importorskip("torch")

from rumelhart._engines.torch import losses as torch_losses  # noqa: E402
from rumelhart._engines.torch import network as torch_network  # noqa: E402

PROPERTY = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

PAIRS = [(loss, output) for loss, entry in LOSSES.items() for output in entry.outputs]
DTYPES = [np.float32, np.float64]
#: (rtol, atol) of a dtype's results against float64 autograd.
TOLERANCE = {np.float32: (2e-4, 2e-5), np.float64: (1e-9, 1e-12)}


def _targets(draw, targets, n, k):
    """Targets that ``targets`` (a ``Targets`` of the table) accepts."""
    if targets.rows_sum_to_one:
        if draw(st.booleans()):  # one-hot rows, as the classifiers encode
            labels = hnp.arrays(np.int64, n, elements=st.integers(0, k - 1))
            return np.eye(k)[draw(labels)]
        raw = draw(hnp.arrays(np.float64, (n, k), elements=st.floats(0.01, 1.0)))
        return raw / raw.sum(axis=1, keepdims=True)
    low, high = max(targets.low, -5.0), min(targets.high, 5.0)
    if targets.low_excluded:  # gamma: strictly positive targets
        low = 0.01
    corners = st.sampled_from([low, high])  # the 0/1 targets of classifiers
    floats = st.floats(low, high, allow_nan=False)
    return draw(hnp.arrays(np.float64, (n, k), elements=corners | floats))


@st.composite
def batches(draw, loss, output):
    """``(raw, Y, sample_weight, dead_zone, dtype, param)`` of a random batch
    (``param``: the loss's parameter per output, or None)."""
    n = draw(st.integers(1, 12))
    k = draw(st.integers(2 if output == "softmax" else 1, 5))
    dtype = draw(st.sampled_from(DTYPES))
    raw = draw(hnp.arrays(np.float64, (n, k), elements=st.floats(-8, 8, width=32)))
    Y = _targets(draw, LOSSES[loss].outputs[output].targets, n, k)
    weights = hnp.arrays(np.float64, n, elements=st.floats(0.05, 3.0))
    sample_weight = draw(st.none() | weights)
    dead_zone = 0.0
    if LOSSES[loss].dead_zone and draw(st.booleans()):
        dead_zone = draw(st.floats(0.01, 0.6))
    param = None
    if LOSSES[loss].parameter is not None:
        high = 0.95 if loss == "quantile" else 4.0  # a level, or Huber's delta
        param = draw(hnp.arrays(np.float64, k, elements=st.floats(0.05, high)))
    return raw, Y, sample_weight, dead_zone, dtype, param


def _numpy_signal(loss, output, raw, Y, sample_weight, dead_zone, dtype, param=None):
    """The NumPy table's error signal and value, computed in ``dtype``."""
    A = OUTPUT_VALUES[output](raw.astype(dtype))
    delta = np.empty_like(A)
    w = None if sample_weight is None else sample_weight.astype(dtype)
    p = None if param is None else param.astype(dtype)
    total = error_signal(loss, output, A, Y.astype(dtype), delta, w, dead_zone, param=p)
    return A, delta, total


def _autograd(loss, output, raw, Y, sample_weight, dead_zone, param=None):
    """Gradient of the torch kernel's ``sum_i w_i E_i`` w.r.t. the net input,
    in float64, and that sum."""
    z = torch.tensor(raw, dtype=torch.float64, requires_grad=True)
    T = torch.tensor(Y, dtype=torch.float64)
    w = None if sample_weight is None else torch.tensor(sample_weight)
    p = None if param is None else torch.tensor(param)
    total = torch_losses.KERNELS[loss](z, T, w, output, dead_zone, p).total
    (grad,) = torch.autograd.grad(total, z)
    return grad.numpy(), float(total)


def _away_from_the_edges(loss, A, Y, dead_zone, dtype, param=None):
    """Where the error is clearly inside or outside the dead zone and, for
    a loss with a kink, clearly off it (at an edge, rounding in ``dtype``
    may put an output on either side)."""
    margin = 1e-3 if dtype == np.float32 else 1e-9
    r = np.abs(A - Y)
    clear = np.ones(A.shape, bool)
    if dead_zone:
        clear &= np.abs(r - dead_zone) > margin
    if loss in ("absolute_error", "quantile"):  # the kink at r = 0
        clear &= r > margin
    if loss == "huber":  # where the square meets the line
        clear &= np.abs(r - param) > margin
    return clear


def test_every_loss_of_the_table_has_a_torch_kernel():
    assert torch_losses.missing_kernels() == []
    for entry in LOSSES.values():
        for output, unit in entry.outputs.items():
            assert output in ACTIVATIONS
            if not unit.canonical:  # its derivative enters the error signal
                assert output in DERIVATIVES
                assert torch_network.KERNELS[output].derivative is not None


def test_targets_say_what_each_pair_accepts():
    squared, log_loss = LOSSES["squared_error"], LOSSES["log_loss"]
    anything = np.array([[-3.0, 0.5], [7.0, 1.0]])
    assert squared.outputs["identity"].targets.accepts(anything)
    assert not squared.outputs["logistic"].targets.accepts(anything)
    assert log_loss.outputs["logistic"].targets.accepts(np.array([[0.0, 1.0, 0.3]]))
    softmax = log_loss.outputs["softmax"].targets
    assert softmax.accepts(np.array([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]]))
    assert not softmax.accepts(np.array([[1.0, 1.0, 0.0]]))  # two classes at once
    assert not softmax.accepts(np.array([[-0.5, 1.5]]))


def test_every_torch_activation_is_one_of_the_table():
    for name, module in torch_network.ACTIVATIONS.items():
        assert torch_network.KERNELS[activation(name).name].module is module
    assert set(torch_network.KERNELS) <= set(ACTIVATIONS)


@pytest.mark.parametrize(("loss", "output"), PAIRS)
@PROPERTY
@given(data=st.data())
def test_error_signal_is_the_gradient_of_the_loss(loss, output, data):
    batch = data.draw(batches(loss, output))
    raw, Y, sample_weight, dead_zone, dtype, param = batch
    assert LOSSES[loss].outputs[output].targets.accepts(Y)
    A, delta, total = _numpy_signal(loss, output, *batch)
    expected, expected_total = _autograd(loss, output, *batch[:4], param)
    w = np.ones(len(raw)) if sample_weight is None else sample_weight
    rtol, atol = TOLERANCE[dtype]
    A64 = A.astype(np.float64)
    clear = _away_from_the_edges(loss, A64, Y, dead_zone, dtype, param)
    np.testing.assert_allclose(
        (delta * w[:, None].astype(dtype))[clear], expected[clear], rtol=rtol, atol=atol
    )
    if clear.all():
        assert total == pytest.approx(expected_total, rel=rtol, abs=atol * len(raw))
    # The torch engine's error signal, in the same dtype.
    tdtype = torch.float32 if dtype == np.float32 else torch.float64
    tw = None if sample_weight is None else torch.tensor(sample_weight, dtype=tdtype)
    tdelta, ttotal = torch_losses.output_delta(
        loss,
        output,
        torch.tensor(raw, dtype=tdtype),
        torch.tensor(Y, dtype=tdtype),
        tw,
        dead_zone,
        None if param is None else torch.tensor(param, dtype=tdtype),
    )
    np.testing.assert_allclose(
        (tdelta.numpy() * w[:, None])[clear], expected[clear], rtol=rtol, atol=atol
    )
    if clear.all():
        tolerance = {"rel": rtol, "abs": atol * len(raw)}
        assert float(ttotal) == pytest.approx(expected_total, **tolerance)


@pytest.mark.parametrize(
    ("loss", "output"), [p for p in PAIRS if LOSSES[p[0]].dead_zone]
)
@PROPERTY
@given(data=st.data())
def test_dead_zone_silences_exactly_the_small_errors(loss, output, data):
    """The paper's rule, from its definition: an output within the dead zone
    of its target sends back no error and adds nothing to the loss; every
    other output is treated as without a dead zone."""
    raw, Y, sample_weight, _, dtype, _ = data.draw(batches(loss, output))
    dead_zone = data.draw(st.floats(0.01, 0.6))
    batch = (raw, Y, sample_weight)
    A, delta, total = _numpy_signal(loss, output, *batch, dead_zone, dtype)
    _, plain, _ = _numpy_signal(loss, output, *batch, 0.0, dtype)
    small = np.abs(A - Y.astype(dtype)) < dead_zone
    assert np.all(delta[small] == 0)
    np.testing.assert_array_equal(delta[~small], plain[~small])
    errors = np.where(small, 0.0, A - Y.astype(dtype)).astype(np.float64)
    w = np.ones(len(raw)) if sample_weight is None else sample_weight
    by_definition = 0.5 * float((errors**2).sum(axis=1) @ w)
    assert total == pytest.approx(by_definition, rel=TOLERANCE[dtype][0], abs=1e-6)


def test_dead_zone_works_in_place_on_arrays_and_tensors():
    values = [-0.3, -0.1, 0.0, 0.05, 0.2, 0.5]
    expected = [-0.3, 0.0, 0.0, 0.0, 0.2, 0.5]
    array = np.array(values)
    assert apply_dead_zone(array, 0.2) is array
    np.testing.assert_array_equal(array, expected)
    tensor = torch.tensor(values)
    assert apply_dead_zone(tensor, 0.2) is tensor
    np.testing.assert_array_equal(tensor.numpy(), np.float32(expected))
    untouched = np.array(values)
    apply_dead_zone(untouched, 0.0)
    np.testing.assert_array_equal(untouched, values)


HIDDEN = [
    name
    for name, entry in ACTIVATIONS.items()
    if entry.derivative is not None and name in torch_network.KERNELS
]


@pytest.mark.parametrize("name", HIDDEN)
@PROPERTY
@given(
    z=hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=2, max_dims=2, max_side=10),
        elements=st.floats(-6, 6, width=32).filter(lambda v: abs(v) > 1e-3),
    ),
    dtype=st.sampled_from(DTYPES),
)
def test_activation_derivatives_are_torch_autograd(name, z, dtype):
    """delta times the derivative, from the output (or the net input where
    the table says so), on NumPy and by torch's fused kernel, equals
    autograd of torch's default module of that name, in float64 and in the
    dtype itself."""
    kernels = torch_network.KERNELS[name]
    rng = np.random.default_rng(0)
    upstream = rng.normal(size=z.shape)
    numpy_delta, a = _numpy_delta(name, z.astype(dtype), upstream.astype(dtype))
    assert numpy_delta.dtype == a.dtype == dtype
    zt = torch.tensor(z, requires_grad=True)
    out = kernels.module()(zt)
    (expected,) = torch.autograd.grad(out, zt, grad_outputs=torch.tensor(upstream))
    rtol, atol = TOLERANCE[dtype]
    np.testing.assert_allclose(numpy_delta, expected.numpy(), rtol=rtol, atol=atol)
    np.testing.assert_allclose(a, out.detach().numpy(), rtol=rtol, atol=atol)
    # torch autograd in the same dtype: the NumPy table is as accurate.
    zd = torch.tensor(z.astype(dtype), requires_grad=True)
    up_d = torch.tensor(upstream.astype(dtype))
    (same_dtype,) = torch.autograd.grad(kernels.module()(zd), zd, grad_outputs=up_d)
    np.testing.assert_allclose(numpy_delta, same_dtype.numpy(), rtol=rtol, atol=atol)
    # The layer-by-layer pass's functions are the module's.
    np.testing.assert_array_equal(kernels.function(zt).detach(), out.detach())
    np.testing.assert_array_equal(kernels.inplace(zt.detach().clone()), out.detach())
    if kernels.derivative is not None:
        fused = kernels.derivative(torch.tensor(upstream), out.detach())
        np.testing.assert_allclose(fused.numpy(), expected.numpy(), rtol=1e-12, atol=0)


def _numpy_delta(name, z, upstream):
    """``(upstream times the derivative, the value)`` by the NumPy table,
    the arguments untouched."""
    entry = ACTIVATIONS[name]
    a = entry.value(z.copy())
    slope_from = z.copy() if entry.from_input else a
    return DERIVATIVES[name](slope_from, upstream.copy()), a


@pytest.mark.parametrize(
    "name", [name for name, entry in ACTIVATIONS.items() if entry.derivative]
)
@PROPERTY
@given(
    z=hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=2, max_dims=2, max_side=10),
        elements=st.floats(-8, 8, width=32).filter(lambda v: abs(v) > 1e-3),
    ),
    dtype=st.sampled_from(DTYPES),
)
def test_activation_derivatives_are_central_differences(name, z, dtype):
    """The NumPy derivative equals central differences of the NumPy value
    (in float64, step 1e-6, away from the kinks at 0): no torch involved."""
    value = ACTIVATIONS[name].value
    h = 1e-6
    numeric = (value(z + h) - value(z - h)) / (2 * h)
    ones = np.ones_like(z, dtype=dtype)
    slope, _ = _numpy_delta(name, z.astype(dtype), ones)
    rtol, atol = {np.float32: (2e-4, 2e-5), np.float64: (1e-7, 1e-8)}[dtype]
    np.testing.assert_allclose(slope, numeric, rtol=rtol, atol=atol)


def test_new_activations_are_torch_defaults_at_known_points():
    """Hand-checked values: leaky slope 0.01, exact (erf) GELU, SiLU."""
    z = np.array([[-2.0, -0.5, 0.0, 1.0]])
    values = {name: ACTIVATIONS[name].value(z.copy())[0] for name in ACTIVATIONS}
    np.testing.assert_allclose(values["leaky_relu"], [-0.02, -0.005, 0.0, 1.0])
    phi = np.array([0.022750131948179, 0.308537538725987, 0.5, 0.841344746068543])
    np.testing.assert_allclose(values["gelu"], z[0] * phi, rtol=1e-12)
    np.testing.assert_allclose(values["silu"], z[0] / (1 + np.exp(-z[0])))
    np.testing.assert_allclose(values["elu"], [np.expm1(-2), np.expm1(-0.5), 0, 1])
    np.testing.assert_allclose(values["softplus"], np.log1p(np.exp(z[0])))


@pytest.mark.parametrize("weighted", [False, True])
def test_damp_overshoot_divides_by_the_curvature_over_its_value_at_the_targets(
    weighted,
):
    """The log link's step guard, from its definition: the Poisson error
    signal divided by sum w*y_hat / max(sum w*d, sum w) when that exceeds 1,
    the gamma one by mean_w(d / y_hat) when that exceeds 1; untouched
    otherwise, and the same on torch tensors."""
    rng = np.random.default_rng(0)
    Y = rng.uniform(0.5, 3.0, size=(20, 2))
    w = rng.uniform(0.5, 2.0, size=20) if weighted else np.ones(20)
    delta = rng.normal(size=(20, 2))
    sw = w if weighted else None

    def weighted_sum(values):
        return float(values.sum(axis=1) @ w)

    for scale, loss in [(4.0, "poisson"), (0.25, "gamma"), (0.5, "poisson")]:
        A = Y * scale
        if loss == "poisson":
            ratio = weighted_sum(A) / max(weighted_sum(Y), 2 * w.sum())
        else:
            ratio = weighted_sum(Y / A) / (2 * w.sum())
        expected = delta / max(ratio, 1.0)
        np.testing.assert_allclose(damp_overshoot(loss, A, Y, delta, sw), expected)
        tw = None if sw is None else torch.tensor(sw)
        damped = damp_overshoot(
            loss, torch.tensor(A), torch.tensor(Y), torch.tensor(delta), tw
        )
        np.testing.assert_allclose(damped.numpy(), expected)
    # Scale 0.5 (below the targets) leaves Poisson's signal as it was ...
    assert np.array_equal(damp_overshoot("poisson", Y / 2, Y, delta, sw), delta)
    # ... and a loss without a curvature entry is never touched.
    assert damp_overshoot("squared_error", Y * 9, Y, delta, sw) is delta


def _probabilities(logits, output):
    from scipy.special import expit, softmax

    return softmax(logits, axis=1) if output == "softmax" else expit(logits)


@pytest.mark.parametrize("output", ["softmax", "logistic"])
def test_calibrated_log_loss_ignores_the_scale_of_the_logits(output):
    from rumelhart._math.temperature import calibrated_log_loss

    rng = np.random.default_rng(0)
    logits = rng.normal(size=(80, 3)) + 2.0 * np.eye(3)[rng.integers(0, 3, 80)]
    Y = (logits == logits.max(axis=1, keepdims=True)).astype(float)
    Y[:8] = Y[:8, ::-1]  # some rows wrong, so no temperature is perfect
    weights = rng.uniform(0.5, 2.0, 80)
    raw = _probabilities(logits, output)
    base = calibrated_log_loss(raw, Y, weights, output)
    # Overconfident (x 6) and underconfident (x 0.3) copies of the same
    # outputs separate the rows alike: the same loss at their best temperature.
    for scale in (6.0, 0.3):
        scaled = _probabilities(scale * logits, output)
        assert calibrated_log_loss(scaled, Y, weights, output) == pytest.approx(
            base, rel=1e-5
        )
    # Never above the loss itself (temperature 1 is one of those tried).
    p = np.clip(_probabilities(6.0 * logits, output), 1e-15, 1 - 1e-15)
    per_entry = -(
        Y * np.log(p) + (0 if output == "softmax" else (1 - Y) * np.log1p(-p))
    )
    assert base <= per_entry.sum(axis=1) @ weights / weights.sum()


def test_calibrated_log_loss_of_outputs_that_know_nothing_is_log_k():
    from rumelhart._math.temperature import calibrated_log_loss

    rng = np.random.default_rng(1)
    outputs = rng.dirichlet(np.ones(4), size=400)
    Y = np.eye(4)[rng.integers(0, 4, 400)]
    # Random outputs: the best temperature flattens them to uniform, log 4.
    assert calibrated_log_loss(outputs, Y, None, "softmax") == pytest.approx(
        np.log(4), abs=0.01
    )
