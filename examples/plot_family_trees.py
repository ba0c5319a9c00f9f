"""
Family trees: learning distributed representations
==================================================

The paper's second experiment. Two isomorphic family trees, one English and
one Italian, of 12 people each, and 12 relations (father, mother, husband,
wife, son, daughter, uncle, aunt, brother, sister, nephew, niece) give 104
queries "who is the *relation* of *person1*?", each with one or two correct
people (:func:`rumelhart.datasets.load_family_trees`).

The network of the paper's Figure 3 has five layers: the 24 person1 units
feed a group of 6 units and the 12 relation units a separate group of 6 (no
connection crosses between the two), both groups feed 12 central units, then
6 units, then 24 output units, one per person, every correct one to be on.
Training, as the paper gives it: 1,500 sweeps through 100 of the 104 queries,
ε = 0.005 and α = 0.5 for the first 20 sweeps, then ε = 0.01 and α = 0.9;
every weight shrinks by 0.2% after each change ("weight decay"); and an
output within 0.2 of its target (an "on" unit above 0.8, an "off" unit below
0.2) counts as right and sends back no error. The paper reports that the
network then answered all 4 held-out queries correctly, and 3 of 4 in a
second run from other random weights.

:class:`~rumelhart.RumelhartClassifier` only builds fully connected layers and
one label per sample, so this example trains the library's NumPy engine
(:class:`rumelhart._numpy_engine.NumpyMLP`, the one behind the estimators,
with the paper's summed squared error and logistic units) in a short loop
that keeps the cross-connections of the first layer at zero with a block
mask and applies the paper's schedule and error margin.
"""

import os
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from rumelhart._numpy_engine import NumpyMLP
from rumelhart.datasets import load_family_trees

matplotlib.use("Agg")
# sphinx_gallery_thumbnail_number = 2
FIGURES = Path(os.environ.get("RUMELHART_FIGURES", "."))
FIGURES.mkdir(parents=True, exist_ok=True)
# RUMELHART_EXAMPLES_QUICK=1 (used by the test suite) runs fewer seeds.
QUICK = os.environ.get("RUMELHART_EXAMPLES_QUICK", "") not in ("", "0")
SEEDS = range(6) if QUICK else range(12)

trees = load_family_trees()
X, Y = trees.data, trees.target  # (104, 36) one-hot person1 + relation, (104, 24)
n_queries, n_people = Y.shape

# The first layer: person1 units (rows 0-23) reach only the first 6 units,
# relation units (rows 24-35) only the last 6.
MASK = np.zeros((36, 12))
MASK[:24, :6] = 1
MASK[24:, 6:] = 1

# %%
# The training loop
# -----------------
# One change of the weights per sweep, the gradient of the summed error of
# eq. 3 over the 100 training queries, the change of eq. 9 and the weight
# decay by the engine's optimizer (its ``lr``, ``momentum`` and
# ``weight_decay`` are ε, α and the decay). Outputs already within 0.2 of
# their targets get their own value as target, so they send back no error.


def train_family_trees(seed, *, eps, sweeps, init_range, decay=0.002, margin=0.2):
    """Train the paper's network on 100 queries; 4 random ones are held out."""
    held_out = np.sort(np.random.default_rng(seed).choice(n_queries, 4, replace=False))
    train = np.setdiff1d(np.arange(n_queries), held_out)
    engine = NumpyMLP(
        (36, 12, 12, 6, n_people),
        output_activation="logistic",
        loss="squared_error",
        reduction="sum",
        lr=eps[0],
        momentum=0.5,
        weight_decay=decay,
        init_range=init_range,
        seed=seed,
    )
    engine.coefs[0] *= MASK  # no connection between the two input groups
    X_train, Y_train = X[train], Y[train]
    for sweep in range(sweeps):
        if sweep == 20:
            engine.optimizer.lr, engine.optimizer.momentum = eps[1], 0.9
        outputs = engine.predict(X_train)
        close_enough = np.where(Y_train == 1, outputs > 1 - margin, outputs < margin)
        targets = np.where(close_enough, outputs, Y_train)
        _, grads = engine.loss_and_gradients(X_train, targets)
        grads[0] *= MASK  # ... and none grows
        engine.optimizer.step(grads)
    return engine, train, held_out


def right(engine, rows, threshold):
    """Which queries have every correct unit above, every other below, a bound.

    ``threshold=0.2`` is the paper's rule (on > 0.8, off < 0.2); ``0.5`` asks
    only for every output on the right side of 0.5.
    """
    outputs, targets = engine.predict(X[rows]), Y[rows]
    ok = np.where(targets == 1, outputs > 1 - threshold, outputs < threshold)
    return ok.all(axis=1)


def run(name, **settings):
    """Train every seed; print and return the per-seed results."""
    print(f"\n{name}: {settings}")
    print("seed  training queries right: 0.8/0.2   0.5   held out right: 0.8/0.2  0.5")
    results = []
    for seed in SEEDS:
        engine, train, held_out = train_family_trees(seed, **settings)
        train_ok = right(engine, train, 0.2).mean()
        train_half = right(engine, train, 0.5).mean()
        strict = int(right(engine, held_out, 0.2).sum())
        half = int(right(engine, held_out, 0.5).sum())
        queries = ", ".join(
            f"{trees.queries[i][0]} {trees.queries[i][1]}" for i in held_out
        )
        print(
            f"{seed:4d}  {train_ok:31.0%}  {train_half:4.0%}  {strict:22d}  {half:3d}"
            f"   ({queries})"
        )
        results.append((seed, engine, held_out, train_ok, strict, half, train_half))
    strict_counts = [r[4] for r in results]
    half_counts = [r[5] for r in results]
    print(
        f"FAMILY_TREES recipe={name} seeds={len(results)} "
        f"train_right_mean={np.mean([r[3] for r in results]):.2f} "
        f"train_right_half_mean={np.mean([r[6] for r in results]):.2f} "
        f"heldout_strict={strict_counts} heldout_half={half_counts}"
    )
    return results


# %%
# The paper's recipe, literally
# -----------------------------
# The paper gives no range for the initial weights of this network; we use
# its ±0.3 of the symmetry experiment (the library's default).

paper = run("paper", eps=(0.005, 0.01), sweeps=1500, init_range=0.3)

# %%
# It learns nothing: every seed ends giving one and the same answer to
# every query, every output unit at about 0.2, just inside the margin of
# "off" (the "nobody is anybody's relative" answer). The error signal has to
# pass through four layers of logistic units, each multiplying it by
# y(1 - y) <= 0.25; from weights of ±0.3 it is almost gone by the first
# layer, where the 0.2% decay per sweep erases the weights faster than the
# gradient builds them.
#
# What it takes
# -------------
# Initial weights in ±1 (which keep a signal alive through the layers) and a
# learning rate ten times the paper's (ε = 0.05 for 20 sweeps, then 0.1) for
# 6,000 sweeps; the α schedule, the 0.2% decay per change, the margin of 0.2
# and the network stay as in the paper.

rescued = run("rescued", eps=(0.05, 0.1), sweeps=6000, init_range=1.0)

# %%
# Now the network learns the training queries: nearly every output of every
# training query ends on the right side of 0.5. By the paper's rule, though,
# only about half the training queries count as right at the last sweep. The
# weight decay and the error gradient end up balanced, as the paper says, and
# with the margin that balance is struck at the margin itself: the outputs
# of the training queries hover around 0.8 and 0.2, on either side from one
# sweep to the next. A held-out query, answered only from what the network
# generalised, rarely clears 0.8, so we also count the held-out queries whose
# every output falls on the right side of 0.5. By that count the network
# answers about two thirds of the held-out queries over the seeds, 3 or 4 of
# the 4 for most seeds (the paper's two runs: 4 of 4 and 3 of 4); by the
# 0.8/0.2 rule, rarely more than 1. Which seed gets how many is fragile: the
# trajectories are chaotic enough that the last digits of the arithmetic can
# move a seed's count by one or two.

labels = [str(s) for s in SEEDS]
fig, ax = plt.subplots(figsize=(8, 3.6))
width = 0.4
positions = np.arange(len(labels))
ax.bar(positions - width / 2, [r[5] for r in rescued], width, label="0.5 rule")
ax.bar(positions + width / 2, [r[4] for r in rescued], width, label="0.8/0.2 rule")
ax.axhline(4, color="tab:red", lw=1, ls=":")
ax.set_xticks(positions, labels)
ax.set_yticks(range(5))
ax.set_ylim(0, 5.2)
ax.set_xlabel("seed (the paper's recipe, literally: 0 of 4 for every seed)")
ax.set_ylabel("held-out queries right")
ax.set_title("Family trees: the 4 held-out queries, rescued recipe")
ax.legend(loc="upper left", ncols=2)
fig.tight_layout()
fig.savefig(FIGURES / "family_trees_heldout.png", dpi=100)

# %%
# The person encoding (the paper's Figure 4)
# ------------------------------------------
# The weights from the 24 person1 units into their group of 6 units, for the
# seed that answered most held-out queries: one panel per unit, the English
# people on the top row and their Italian counterparts beneath them, in the
# isomorphic order; white excitatory, black inhibitory, area the magnitude.
# The paper found a unit that tells the English from the Italians, one
# coding the generation and one the branch of the family; we print how
# strongly each unit's weights follow nationality, generation and branch.

best = max(rescued, key=lambda r: (r[5], r[4], r[3]))
seed, engine = best[0], best[1]
W = engine.coefs[0][:24, :6]  # person1 units -> the 6 person-encoding units
english = trees.people[:12]
italian = trees.people[12:]
features = {
    "nationality": np.repeat([1.0, -1.0], 12),  # English +1, Italian -1
    "generation": np.array([1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3] * 2),
    # Christopher's side +1, Andrew's side -1; Colin and Charlotte are both.
    "branch": np.array([1, 1, -1, -1, 1, 1, 1, -1, -1, -1, 0, 0] * 2),
}
print(f"\nPerson encoding of seed {seed}:")
for unit in range(6):
    correlations = ", ".join(
        f"{name} {np.corrcoef(W[:, unit], values)[0, 1]:+.2f}"
        for name, values in features.items()
    )
    print(f"unit {unit + 1}: correlation of its weights with {correlations}")

scale = np.abs(W).max()
fig, axes = plt.subplots(3, 2, figsize=(12, 6.4))
for unit, ax in enumerate(axes.T.ravel()):
    ax.set_facecolor("0.6")
    for row, block in enumerate([W[:12, unit], W[12:, unit]]):
        for col, value in enumerate(block):
            side = np.sqrt(abs(value) / scale) * 0.9
            ax.add_patch(
                Rectangle(
                    (col - side / 2, -row - side / 2),
                    side,
                    side,
                    facecolor="white" if value > 0 else "black",
                    edgecolor="black",
                    lw=0.5,
                )
            )
    ax.set_xlim(-0.6, 11.6)
    ax.set_ylim(-1.6, 0.6)
    ax.set_aspect("equal")
    ax.set_yticks([0, -1], ["English", "Italian"], fontsize=8)
    ax.set_xticks(range(12), [f"{e}\n{i}" for e, i in zip(english, italian)])
    ax.tick_params(axis="x", labelsize=5)
    ax.set_title(f"unit {unit + 1}", fontsize=9)
fig.suptitle(
    f"Weights from the 24 person units to the 6 encoding units (seed {seed})",
    fontsize=11,
)
fig.tight_layout()
fig.savefig(FIGURES / "family_trees_person_encoding.png", dpi=100)
