"""The corpus's generated tasks: families of problems, parameters drawn at random.

Each family draws its parameters (cells, turns, bits, frequencies, noise,
number of rows between 300 and 20,000...) from a generator seeded with
``[GENERATED_SEED, family index]``, so that the tasks are the same on every
machine and adding a family at the end of :data:`FAMILIES` changes no other
task. A task is named ``<family>_<k>`` and describes what was drawn; the
data itself is generated from a seed drawn with the parameters.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
from sklearn import datasets as sk

#: The seed every generated task is drawn from (recorded: changing it
#: changes the corpus, and the split file would no longer match).
GENERATED_SEED = 19
CLF, REG = "classifier", "regressor"


@dataclass(frozen=True)
class Drawn:
    """One generated task: its parameters, drawn, and how to make it."""

    task: str
    description: str
    make: Callable[[], tuple]
    n: int


def _n(rng, low, high):
    """A number of rows, log-uniform in [low, high], rounded to 100."""
    return int(round(math.exp(rng.uniform(math.log(low), math.log(high))), -2))


def _seed(rng):
    return int(rng.integers(2**31))


def _flip(y, share, rng, n_classes=2):
    """``y`` with ``share`` of its labels replaced by random ones."""
    y = y.copy()
    hit = rng.random(len(y)) < share
    y[hit] = rng.integers(n_classes, size=hit.sum())
    return y


# -- the makers: (seed, parameters) -> (X, y) ------------------------------------
def _checkerboard(seed, n, kx, ky, angle, flip):
    rng = np.random.default_rng(seed)
    U = rng.random((n, 2))
    y = (np.floor(U[:, 0] * kx) + np.floor(U[:, 1] * ky)).astype(int) % 2
    c, s = math.cos(angle), math.sin(angle)
    X = (U - 0.5) @ np.array([[c, -s], [s, c]])
    return X, _flip(y, flip, rng)


def _spirals(seed, n, arms, turns, noise):
    rng = np.random.default_rng(seed)
    y = rng.integers(arms, size=n)
    t = np.sqrt(rng.random(n)) * turns * 2 * math.pi
    r = t / (turns * 2 * math.pi)
    phase = t + 2 * math.pi * y / arms
    X = np.c_[r * np.cos(phase), r * np.sin(phase)]
    return X + noise * rng.standard_normal((n, 2)), y


def _parity(seed, n, bits, spread, extra):
    rng = np.random.default_rng(seed)
    B = rng.integers(2, size=(n, bits))
    X = np.c_[2.0 * B - 1 + spread * rng.standard_normal((n, bits))]
    X = np.c_[X, rng.standard_normal((n, extra))]
    return X, B.sum(axis=1) % 2


def _interactions(seed, n, pairs, extra, noise, task):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 2 * pairs + extra))
    w = rng.uniform(0.5, 1.5, pairs) * rng.choice([-1, 1], pairs)
    f = (X[:, 0 : 2 * pairs : 2] * X[:, 1 : 2 * pairs : 2]) @ w
    f = f + noise * f.std() * rng.standard_normal(n)
    return X, (f > 0).astype(int) if task == CLF else f


def _sines(seed, n, freqs, noise):
    """Sum of sines of the first ``len(freqs)`` inputs, X uniform in [-pi, pi]."""
    rng = np.random.default_rng(seed)
    freqs = np.asarray(freqs)
    X = rng.uniform(-math.pi, math.pi, (n, len(freqs)))
    f = np.sin(X * freqs + rng.uniform(0, 2 * math.pi, len(freqs))).sum(axis=1)
    return X, f + noise * f.std() * rng.standard_normal(n)


def _piecewise(seed, n, dims, leaves, noise):
    """A random axis-aligned tree of ``leaves`` constant pieces, plus a slope."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, dims))
    leaf = np.zeros(n, dtype=int)
    for k in range(1, leaves):  # split a random leaf at a random place
        target = rng.integers(k)
        j, cut = rng.integers(dims), rng.uniform(-0.8, 0.8)
        leaf[(leaf == target) & (X[:, j] > cut)] = k
    f = rng.standard_normal(leaves)[leaf] + 0.3 * X[:, 0]
    return X, f + noise * f.std() * rng.standard_normal(n)


def _friedman(seed, n, which, noise):
    maker = {1: sk.make_friedman1, 2: sk.make_friedman2, 3: sk.make_friedman3}[which]
    X, y = maker(n_samples=n, random_state=seed)  # noise added relative to y
    rng = np.random.default_rng(seed)
    return X, y + noise * y.std() * rng.standard_normal(n)


def _classification(seed, **params):
    return sk.make_classification(random_state=seed, **params)


def _noisy_moons(seed, n, noise, flip):
    X, y = sk.make_moons(n_samples=n, noise=noise, random_state=seed)
    return X, _flip(y, flip, np.random.default_rng(seed))


# -- the families: rng -> Drawn ------------------------------------------------------
def checkerboard(rng):
    n, (kx, ky) = _n(rng, 1000, 12000), rng.integers(2, 9, 2)
    angle, flip = rng.choice([0.0, rng.uniform(0, math.pi / 2)]), rng.uniform(0, 0.05)
    text = f"{kx}×{ky} cells, rotated {math.degrees(angle):.0f}°, {flip:.0%} relabelled"
    make = partial(_checkerboard, _seed(rng), n, int(kx), int(ky), angle, flip)
    return Drawn(CLF, f"2-D checkerboard, {text}, n={n}", make, n)


def spirals(rng):
    n, arms = _n(rng, 1000, 8000), int(rng.integers(2, 4))
    turns, noise = rng.uniform(1.0, 2.5), rng.uniform(0.01, 0.06)
    make = partial(_spirals, _seed(rng), n, arms, turns, noise)
    text = f"{arms} arms, {turns:.1f} turns, noise {noise:.2f}"
    return Drawn(CLF, f"2-D spirals, {text}, n={n}", make, n)


def parity(rng):
    bits, extra = int(rng.integers(2, 6)), int(rng.integers(0, 11))
    n, spread = _n(rng, 1000 * bits, 5000 * bits), rng.uniform(0.2, 0.5)
    make = partial(_parity, _seed(rng), n, bits, spread, extra)
    text = f"{bits} bits (±1 + N(0, {spread:.2f})) and {extra} noise inputs"
    return Drawn(CLF, f"parity of {text}, n={n}", make, n)


def _interaction(rng, task):
    n, pairs, extra = _n(rng, 500, 8000), int(rng.integers(2, 5)), int(rng.integers(11))
    noise = rng.uniform(0.05, 0.3)
    make = partial(_interactions, _seed(rng), n, pairs, extra, noise, task)
    text = f"sum of {pairs} pairwise products, {extra} noise inputs, noise {noise:.2f}"
    kind = "sign of a" if task == CLF else "a"
    return Drawn(task, f"{kind} {text}, n={n}", make, n)


def smooth_surface(rng):
    n, dims, noise = _n(rng, 300, 8000), int(rng.integers(2, 9)), rng.uniform(0.05, 0.3)
    freqs = np.round(rng.uniform(0.5, 1.5, dims), 2).tolist()
    make = partial(_sines, _seed(rng), n, freqs, noise)
    text = f"sum of {dims} sines, frequencies {freqs}, noise {noise:.2f}"
    return Drawn(REG, f"smooth surface: {text}, n={n}", make, n)


def rough_surface(rng):
    n, dims, noise = _n(rng, 500, 8000), int(rng.integers(1, 3)), rng.uniform(0.02, 0.2)
    freqs = np.round(rng.uniform(2.0, 6.0, dims), 2).tolist()
    make = partial(_sines, _seed(rng), n, freqs, noise)
    text = f"{dims}-D sines, frequencies {freqs} over [-π, π], noise {noise:.2f}"
    return Drawn(REG, f"rough surface: {text}, n={n}", make, n)


def piecewise(rng):
    n, dims, leaves = (
        _n(rng, 500, 8000),
        int(rng.integers(2, 7)),
        int(rng.integers(4, 13)),
    )
    noise = rng.uniform(0.05, 0.3)
    make = partial(_piecewise, _seed(rng), n, dims, leaves, noise)
    text = f"{leaves} constant pieces in {dims}-D plus a slope, noise {noise:.2f}"
    return Drawn(REG, f"piecewise: {text}, n={n}", make, n)


def friedman(rng):
    n, which, noise = (
        _n(rng, 300, 10000),
        int(rng.integers(1, 4)),
        rng.uniform(0.05, 0.3),
    )
    make = partial(_friedman, _seed(rng), n, which, noise)
    return Drawn(REG, f"Friedman #{which}, noise {noise:.2f} of sd(y), n={n}", make, n)


def many_classes(rng):
    n, k, informative = (
        _n(rng, 2000, 20000),
        int(rng.integers(8, 31)),
        int(rng.integers(8, 21)),
    )
    extra, sep = int(rng.integers(0, 21)), rng.uniform(0.8, 1.6)
    params = dict(
        n_samples=n,
        n_features=informative + extra,
        n_informative=informative,
        n_redundant=0,
        n_classes=k,
        n_clusters_per_class=1,
        class_sep=sep,
    )
    make = partial(_classification, _seed(rng), **params)
    text = (
        f"{k} classes, {informative} informative + {extra} noise inputs, sep {sep:.2f}"
    )
    return Drawn(CLF, f"many classes: {text}, n={n}", make, n)


def noisy_labels(rng):
    n, flip, noise = _n(rng, 500, 6000), rng.uniform(0.1, 0.3), rng.uniform(0.1, 0.3)
    make = partial(_noisy_moons, _seed(rng), n, noise, flip)
    return Drawn(
        CLF, f"moons (noise {noise:.2f}), {flip:.0%} relabelled, n={n}", make, n
    )


def irrelevant_features(rng):
    n, informative = _n(rng, 500, 8000), int(rng.integers(3, 9))
    total = int(rng.integers(50, 201))
    params = dict(
        n_samples=n,
        n_features=total,
        n_informative=informative,
        n_redundant=0,
        n_classes=2,
        n_clusters_per_class=2,
        flip_y=0.02,
    )
    make = partial(_classification, _seed(rng), **params)
    return Drawn(CLF, f"{informative} informative of {total} inputs, n={n}", make, n)


#: (family, drawer, number of tasks). Append new families at the end.
FAMILIES = [
    ("checkerboard", checkerboard, 4),
    ("spirals", spirals, 3),
    ("parity", parity, 3),
    ("interaction_clf", partial(_interaction, task=CLF), 2),
    ("interaction_reg", partial(_interaction, task=REG), 2),
    ("smooth_surface", smooth_surface, 3),
    ("rough_surface", rough_surface, 3),
    ("friedman", friedman, 2),
    ("piecewise", piecewise, 2),
    ("many_classes", many_classes, 2),
    ("noisy_labels", noisy_labels, 2),
    ("irrelevant_features", irrelevant_features, 2),
]


def generated_tasks(seed=GENERATED_SEED):
    """{name: Drawn} of every generated task, in table order."""
    out = {}
    for index, (family, draw, count) in enumerate(FAMILIES):
        rng = np.random.default_rng([seed, index])
        for k in range(count):
            out[f"{family}_{k + 1}"] = draw(rng)
    return out
