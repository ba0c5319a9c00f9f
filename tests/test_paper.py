"""The experiments of Rumelhart, Hinton & Williams (1986), reproduced.

* XOR with a 2-2-1 network, through :class:`RumelhartClassifier`.
* Mirror symmetry of 6-bit vectors with a 6-2-1 network, ε = 0.1, α = 0.9,
  initial weights uniform in ±0.3, one change per sweep through the 64
  vectors, the summed squared error E of eq. 3. The paper learned it in
  1,425 sweeps. Run ``pytest -s`` to see the sweeps each seed takes.
* The family trees through ``family_trees_recipe``: its settings, written
  out by hand, train the same network; the tuned recipe answers what it
  answered from two seeds when measured.

Counting sweeps needs the criterion checked after every sweep with the
momentum of eq. 9 carried on, so the symmetry runs drive the engine
directly (``fit`` with ``warm_start=True`` would reset the velocity at every
call); a test checks that the estimator reaches the same weights.
"""

import warnings
from dataclasses import dataclass

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from rumelhart import RumelhartClassifier, RumelhartRegressor
from rumelhart._engines.numpy import NumpyMLP
from rumelhart.callbacks import LossRecorder, ParamScheduler
from rumelhart.datasets import load_family_trees, make_symmetry, make_xor
from rumelhart.paper import (
    FAMILY_TREES_RECIPES,
    PAPER_SETTINGS,
    family_trees_recipe,
    paper_recipe,
)
from rumelhart.schedules import Piecewise

from .benchmark_modules import benchmark_modules

# -- XOR ----------------------------------------------------------------------
# The paper's summed error, one change per sweep, ε = 0.5 and α = 0.9, 2,000
# sweeps with no early stop. These settings solved 20 of 20 seeds (0-19)
# when the test was written; with α = 0 (no momentum) 0 of 20 got there in
# 2,000 sweeps.
XOR_RECIPE = dict(eps=0.5, alpha=0.9, sweeps=2000)


def _xor_network(seed):
    net = RumelhartClassifier(hidden_layer_sizes=(2,), random_state=seed)
    return paper_recipe(net, **XOR_RECIPE)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_xor_is_learned_by_a_2_2_1_network():
    X, y = make_xor()
    solved = []
    for seed in range(10):
        clf = _xor_network(seed).fit(X, y)
        assert clf.coefs_[0].shape == (2, 2)
        assert clf.coefs_[1].shape == (2, 1)
        assert clf.n_iter_ == XOR_RECIPE["sweeps"]  # ran the whole budget
        outputs = clf._engine.predict(X)[:, 0]
        if np.all((outputs > 0.5) == (y == 1)):
            solved.append(seed)
            np.testing.assert_array_equal(clf.predict(X), y)
            proba = clf.predict_proba(X)
            np.testing.assert_allclose(proba[:, 1], outputs)
            assert clf.score(X, y) == 1.0
    print(f"\nXOR 2-2-1 (eps=0.5, alpha=0.9, 2000 sweeps): seeds solved {solved}")
    assert len(solved) >= 8


# -- symmetry -------------------------------------------------------------------
PAPER_SWEEPS = 1425
MAX_SWEEPS = 5000
SYMMETRY_SEEDS = range(20)
SYMMETRY_SETTINGS = dict(lr=0.1, momentum=0.9, init_range=0.3, reduction="sum")


@dataclass
class SymmetryRun:
    seed: int
    sweeps: int | None  # every output on the right side of 0.5
    sweeps_strict: int | None  # every output within 0.2 of its target
    solved_params: list | None  # weights when first solved
    engine: NumpyMLP


def _symmetry_engine(seed):
    return NumpyMLP(
        (6, 2, 1),
        output_activation="logistic",
        loss="squared_error",
        seed=seed,
        **SYMMETRY_SETTINGS,
    )


def sweeps_to_solution(seed, max_sweeps=MAX_SWEEPS):
    """Train the paper's 6-2-1 network on the 64 vectors, one change per sweep.

    "Solved" means every one of the 64 outputs on the correct side of 0.5,
    which for 0/1 targets is the same as ``|output - target| < 0.5``. The
    stricter count asks for every output within 0.2 of its target
    (on > 0.8, off < 0.2). Training stops at the strict criterion or after
    ``max_sweeps``.
    """
    X, y = make_symmetry(6)
    Y = y.reshape(-1, 1).astype(np.float64)
    engine = _symmetry_engine(seed)
    data = engine.prepare(X, Y)
    sweeps = sweeps_strict = solved_params = None
    for sweep in range(1, max_sweeps + 1):
        engine.run_epoch(data, batch_size=len(X))
        error = np.abs(engine.predict(X) - Y).max()
        if sweeps is None and error < 0.5:
            sweeps, solved_params = sweep, engine.snapshot()
        if error < 0.2:
            sweeps_strict = sweep
            break
    return SymmetryRun(seed, sweeps, sweeps_strict, solved_params, engine)


@pytest.fixture(scope="module")
def symmetry_runs():
    return [sweeps_to_solution(seed) for seed in SYMMETRY_SEEDS]


def _solved(runs):
    return [run for run in runs if run.sweeps is not None]


def test_symmetry_is_learned_by_most_seeds(symmetry_runs):
    solved = _solved(symmetry_runs)
    print(f"\nSymmetry 6-2-1, eps=0.1, alpha=0.9, init ±0.3, up to {MAX_SWEEPS} sweeps")
    print("seed  sweeps (right side of 0.5)  sweeps (within 0.2)")
    for run in symmetry_runs:
        print(f"{run.seed:4d}  {run.sweeps!s:>26}  {run.sweeps_strict!s:>19}")
    sweeps = [run.sweeps for run in solved]
    median = float(np.median(sweeps)) if sweeps else float("nan")
    print(
        f"solved {len(solved)} of {len(symmetry_runs)}; median sweeps of solved "
        f"seeds {median:.0f} (paper: {PAPER_SWEEPS})"
    )
    # About two seeds in three solve it within 5,000 sweeps (65 of 100 seeds
    # when the test was written; 12 of these 20).
    assert len(solved) >= len(symmetry_runs) // 2
    # Solved runs take the paper's order of sweeps.
    assert PAPER_SWEEPS / 3 < median < PAPER_SWEEPS * 3
    for run in solved:
        if run.sweeps_strict is not None:
            assert run.sweeps_strict >= run.sweeps
    # A run that solved it and went on to the strict criterion holds it.
    X, y = make_symmetry(6)
    for run in solved:
        if run.sweeps_strict is not None:
            outputs = run.engine.predict(X)[:, 0]
            np.testing.assert_array_equal(outputs > 0.8, y == 1)
            np.testing.assert_array_equal(outputs < 0.2, y == 0)


def test_symmetry_solution_has_the_papers_structure(symmetry_runs):
    """Figure 1: mirror-antisymmetric weights in the ratio 1:2:4.

    Each hidden unit's weights are equal and opposite about the centre
    (w_i = -w_{7-i}), so symmetric vectors give both units a net input of
    just their (negative) bias; the two units are mirror images of each
    other, and both inhibit the output unit, which is on only when both are
    off. Once every output is within 0.2 of its target, the magnitudes of
    the three pairs come in the ratio 1:2:4 for most seeds (in any order of
    the pairs: the smallest pair need not be the centre one); another
    solution with ratios about 1:1.55:2.06 appears for a few seeds. When
    first on the right side of 0.5 the ratios are still rough (1.3 to 2.5).
    """
    solved = [run for run in symmetry_runs if run.sweeps_strict is not None]
    assert solved
    ratios = {}
    for run in solved:
        engine = run.engine  # trained until every output is within 0.2
        W = engine.coefs[0]  # (6 inputs, 2 hidden units)
        scale = np.abs(W).max()
        # Antisymmetric about the centre, for each hidden unit.
        np.testing.assert_allclose(W, -W[::-1], atol=0.05 * scale)
        assert np.all(np.sign(W) == -np.sign(W[::-1]))
        # The two hidden units are mirror images of each other.
        assert np.all(np.sign(W[:, 0]) == -np.sign(W[:, 1]))
        # Negative hidden biases; both hidden units inhibit the output.
        assert np.all(engine.intercepts[0] < 0)
        assert np.all(engine.coefs[1] < 0)
        assert engine.intercepts[1][0] > 0
        pairs = np.sort(np.abs(W[:3]), axis=0)  # the three pairs, per unit
        ratios[run.seed] = pairs[1:] / pairs[:-1]
    print("\nratios of the sorted pair magnitudes per solved seed (1:2:4 -> 2, 2):")
    for seed, r in ratios.items():
        print(f"  seed {seed}: {np.round(r.T, 2).tolist()}")
    one_two_four = [s for s, r in ratios.items() if np.all(np.abs(r - 2) < 0.3)]
    assert len(one_two_four) >= len(ratios) / 2


def test_estimator_reaches_the_same_symmetry_solution(symmetry_runs):
    """RumelhartClassifier with the paper's settings trains the same network."""
    run = min(_solved(symmetry_runs), key=lambda r: r.sweeps)
    X, y = make_symmetry(6)
    clf = paper_recipe(
        RumelhartClassifier(hidden_layer_sizes=(2,), random_state=run.seed),
        eps=SYMMETRY_SETTINGS["lr"],
        alpha=SYMMETRY_SETTINGS["momentum"],
        sweeps=run.sweeps,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.n_iter_ == run.sweeps
    for fitted, expected in zip(clf.coefs_ + clf.intercepts_, run.solved_params):
        np.testing.assert_allclose(fitted, expected, rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(clf.predict(X), y)
    assert clf.score(X, y) == 1.0
    # One sweep fewer and it was not yet solved.
    clf.set_params(max_iter=run.sweeps - 1, n_iter_no_change=run.sweeps)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.score(X, y) < 1.0


# -- the paper's recipe as a preset -------------------------------------------
@pytest.mark.parametrize("cls", [RumelhartClassifier, RumelhartRegressor])
def test_paper_recipe_pins_every_setting_the_recipe_depends_on(cls):
    """Whatever the estimator was set to, the recipe's parameters win, and
    the others (the network, the seed) are left alone."""
    off_recipe = dict(
        reduction="mean",
        batch_size=7,
        shuffle=True,
        init_range="auto",
        weight_decay=0.01,
        early_stopping=True,
        tol=0.5,
        n_iter_no_change=2,
        max_iter=3,
    )
    est = cls(hidden_layer_sizes=(4, 3), random_state=5, **off_recipe)
    assert paper_recipe(est, eps=0.25, alpha=0.8, sweeps=40) is est
    params = est.get_params()
    for name, value in PAPER_SETTINGS.items():
        assert params[name] == value, name
    assert (params["eps"], params["alpha"], params["max_iter"]) == (0.25, 0.8, 40)
    assert params["n_iter_no_change"] == 40
    assert (params["hidden_layer_sizes"], params["random_state"]) == ((4, 3), 5)
    if cls is RumelhartClassifier:
        assert params["loss"] == "squared_error"


def test_paper_recipe_trains_as_the_literal_settings_do():
    """The preset's fit runs every sweep and matches the paper's recipe
    written out by hand on the NumPy engine (summed error, full sweeps,
    ±0.3), step for step."""
    X, y = make_xor()
    clf = _xor_network(seed=3)
    clf.set_params(max_iter=300, n_iter_no_change=300).fit(X, y)
    engine = NumpyMLP(
        (2, 2, 1),
        output_activation="logistic",
        loss="squared_error",
        lr=0.5,
        momentum=0.9,
        init_range=0.3,
        reduction="sum",
        seed=3,
    )
    data = engine.prepare(X, y.reshape(-1, 1).astype(float))
    losses = [engine.run_epoch(data, batch_size=len(X)) for _ in range(300)]
    assert clf.n_iter_ == 300
    np.testing.assert_allclose(clf.loss_curve_, losses, rtol=1e-12)
    for fitted, expected in zip(clf.coefs_, engine.coefs):
        np.testing.assert_allclose(fitted, expected, rtol=1e-12)


def test_paper_recipe_is_for_the_numpy_estimators():
    torch_mlp = pytest.importorskip("rumelhart.torch_mlp")
    with pytest.raises(TypeError, match=r"NumPy estimators.*TorchMLPClassifier"):
        paper_recipe(torch_mlp.TorchMLPClassifier(), eps=0.5, alpha=0.9, sweeps=10)


def test_paper_recipe_takes_subclasses_of_the_numpy_estimators():
    class Mine(RumelhartClassifier):
        pass

    assert paper_recipe(Mine(), eps=0.5, alpha=0.9, sweeps=10).get_params()["loss"] == (
        "squared_error"
    )


# -- the family trees ---------------------------------------------------------
# The recipes as the paper prints them and as tuned (docs/paper.md), written
# out here as the oracle: (init range, ε before and after sweep 20, decay,
# dead zone, sweeps); α is 0.5 for 20 sweeps, then 0.9, in all three.
FAMILY_TREES_LITERAL = {
    "printed": (0.3, 0.005, 0.01, 0.002, 0.2, 1500),
    "rescued": (1.0, 0.05, 0.1, 0.002, 0.2, 6000),
    "tuned": (2.0, 0.025, 0.05, 0.001, 0.3, 6000),
}


def _family_trees_by_hand(recipe, seed, sweeps):
    init, eps, eps_later, decay, dead_zone, _ = FAMILY_TREES_LITERAL[recipe]
    return RumelhartClassifier(
        hidden_layer_sizes=(12, 12, 6),
        input_groups=[(slice(0, 24), 6), (slice(24, 36), 6)],
        loss="squared_error",
        reduction="sum",
        batch_size=None,
        shuffle=False,
        early_stopping=False,
        init_range=init,
        eps=eps,
        alpha=0.5,
        weight_decay=decay,
        decay_intercepts=True,  # the paper's biases are weights too
        dead_zone=dead_zone,
        max_iter=sweeps,
        tol=0.0,
        n_iter_no_change=sweeps,
        random_state=seed,
        callbacks=[
            ParamScheduler(
                lr=Piecewise({1: eps, 21: eps_later}),
                momentum=Piecewise({1: 0.5, 21: 0.9}),
            )
        ],
    )


@pytest.mark.parametrize("recipe", sorted(FAMILY_TREES_LITERAL))
def test_family_trees_recipe_sets_the_network_and_the_recipe(recipe):
    """Every parameter the experiment depends on is set, whatever it was;
    the seed and callbacks other than a scheduler are kept."""
    recorder = LossRecorder()
    est = RumelhartClassifier(
        hidden_layer_sizes=(5,),
        dead_zone=0.0,
        weight_decay=0.5,
        batch_size=7,
        random_state=3,
        callbacks=[ParamScheduler(lr=Piecewise({1: 9.0})), recorder],
    )
    assert family_trees_recipe(est, recipe) is est
    _, eps, eps_later, _, _, sweeps = FAMILY_TREES_LITERAL[recipe]
    expected = _family_trees_by_hand(recipe, 3, sweeps).get_params()
    params = est.get_params()
    assert params.pop("callbacks")[1:] == [recorder]
    assert params == {k: v for k, v in expected.items() if k != "callbacks"}
    schedule = est.callbacks[0]
    assert [schedule.lr(t) for t in (1, 20, 21, sweeps)] == [eps, eps, *[eps_later] * 2]
    assert [schedule.momentum(t) for t in (1, 20, 21, sweeps)] == [0.5, 0.5, 0.9, 0.9]
    # Set twice, still one scheduler.
    family_trees_recipe(est, recipe)
    assert sum(isinstance(c, ParamScheduler) for c in est.callbacks) == 1
    assert set(FAMILY_TREES_RECIPES) == set(FAMILY_TREES_LITERAL)


@pytest.mark.parametrize("single", [LossRecorder, ParamScheduler])
def test_family_trees_recipe_keeps_a_single_callback_given_alone(single):
    """``callbacks`` may be one callback, not in a list (it used to raise
    "not iterable"): kept unless it is a scheduler, which the recipe's
    replaces."""
    callback = single()
    est = family_trees_recipe(RumelhartClassifier(callbacks=callback))
    assert isinstance(est.callbacks[0], ParamScheduler)
    kept = [] if isinstance(callback, ParamScheduler) else [callback]
    assert est.callbacks[1:] == kept


def test_family_trees_recipe_default_is_the_tuned_one():
    clf = family_trees_recipe(RumelhartClassifier())
    assert (clf.init_range, clf.weight_decay, clf.dead_zone) == (2.0, 0.001, 0.3)


def test_family_trees_recipe_trains_as_the_literal_settings_do():
    """200 sweeps of the preset and of the settings written out by hand:
    the same losses and weights, the two input groups kept apart."""
    trees = load_family_trees()
    X, Y = trees.data[trees.train], trees.target[trees.train]
    preset = family_trees_recipe(RumelhartClassifier(random_state=4))
    preset.set_params(max_iter=200, n_iter_no_change=200)
    by_hand = _family_trees_by_hand("tuned", 4, 200)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        preset.fit(X, Y)
        by_hand.fit(X, Y)
    assert preset.n_iter_ == 200
    np.testing.assert_array_equal(preset.loss_curve_, by_hand.loss_curve_)
    for a, b in zip(preset.coefs_, by_hand.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)
    first = preset.coefs_[0]
    assert not first[:24, 6:].any() and not first[24:, :6].any()
    assert preset.loss_curve_[-1] < preset.loss_curve_[0] / 2


def test_family_trees_recipe_rejects_what_it_cannot_set():
    with pytest.raises(ValueError, match=r"one of \['printed', 'rescued', 'tuned'\]"):
        family_trees_recipe(RumelhartClassifier(), "best")
    with pytest.raises(TypeError, match=r"RumelhartClassifier.*RumelhartRegressor"):
        family_trees_recipe(RumelhartRegressor())


# Measured when written (docs/paper.md): seed 1 answers none of the held-out
# queries, seed 3 all but Angela's husband; both every training query.
TUNED_SEEDS = {1: ([False] * 4, 100), 3: ([True, True, False, True], 100)}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("seed", sorted(TUNED_SEEDS))
def test_tuned_family_trees_recipe_answers_as_measured(seed):
    """The whole tuned recipe (6,000 sweeps, about a second) on the fixed
    split; deterministic given the seed."""
    trees = load_family_trees()
    X, Y = trees.data, trees.target
    clf = family_trees_recipe(RumelhartClassifier(random_state=seed))
    clf.fit(X[trees.train], Y[trees.train])
    assert clf.n_iter_ == 6000

    def answered(rows):
        outputs = clf.predict_proba(X[rows])
        return np.where(Y[rows] == 1, outputs > 0.5, outputs < 0.5).all(axis=1)

    heldout, trained = TUNED_SEEDS[seed]
    assert answered(trees.heldout).tolist() == heldout
    assert int(answered(trees.train).sum()) == trained
    # Angela's husband: her brother Marco is on, Tomaso off (docs/paper.md).
    angela = clf.predict_proba(X[trees.heldout[2:3]])[0]
    people = trees.people
    assert angela[people.index("Marco")] > 0.5 > angela[people.index("Tomaso")]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_tuned_family_trees_recipe_answers_all_four_of_a_random_split():
    """The paper does not name its 4 held-out queries; on the example's
    random draw for seed 11 (measured when written, docs/paper.md) the tuned
    recipe answers all four, a spouse query among them, and every training
    query: one run of 6,000 sweeps."""
    trees = load_family_trees()
    X, Y = trees.data, trees.target
    rows = np.random.default_rng(1000 + 11).permutation(len(X))
    train, heldout = np.sort(rows[4:]), np.sort(rows[:4])
    assert [trees.queries[i][:2] for i in heldout] == [
        ("Andrew", "wife"),
        ("Charlotte", "mother"),
        ("Gina", "niece"),
        ("Lucia", "son"),
    ]
    clf = family_trees_recipe(RumelhartClassifier(random_state=11))
    clf.fit(X[train], Y[train])
    outputs = clf.predict_proba(X)
    answered = np.where(Y == 1, outputs > 0.5, outputs < 0.5).all(axis=1)
    assert answered[heldout].all()
    assert answered[train].all()


def test_family_trees_benchmark_rows_set_back_one_ingredient():
    """benchmarks/family_trees.py (the ablation's random-split columns):
    its first row is the tuned recipe, every other row changes only the
    settings it names. Nothing is fitted."""
    with benchmark_modules("family_trees") as b:
        rows = b.family_trees.ABLATION
        base = family_trees_recipe(RumelhartClassifier(random_state=5))
        built = {name: b.family_trees.tuned(5, rows[name]) for name in rows}
    expected = _family_trees_by_hand("tuned", 5, 6000).get_params()

    def settings(clf):
        params = clf.get_params()
        schedule = params.pop("callbacks")[0]
        rates = [schedule.lr(t) for t in (1, 21)]
        return params, rates, [schedule.momentum(t) for t in (1, 21)]

    assert settings(built["nothing changed"]) == settings(base)
    assert settings(base)[0] == {k: v for k, v in expected.items() if k != "callbacks"}
    for name in ("initial weights 0.3", "decay 0.2%", "dead zone 0.2", "no decay"):
        params = settings(built[name])[0]
        changed = {k for k in params if params[k] != settings(base)[0][k]}
        assert changed == set(rows[name])
    assert settings(built["eps printed"])[1:] == ([0.005, 0.01], [0.5, 0.9])
    sweeps = built["1500 sweeps"].get_params()
    assert sweeps["max_iter"] == sweeps["n_iter_no_change"] == 1500
