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
Training, as the paper prints it: 1,500 sweeps through 100 of the 104
queries, ε = 0.005 and α = 0.5 for the first 20 sweeps, then ε = 0.01 and
α = 0.9; every weight shrinks by 0.2% after each change ("weight decay");
and an output within 0.2 of its target (an "on" unit above 0.8, an "off"
unit below 0.2) sends back no error, a dead zone of the training. The paper
gives no range for the initial weights of this network.

The Nature paper reports one run: the network answered all 4 held-out
queries. (A second run, with 3 of the 4, is in Hinton's paper at the 1986
Cognitive Science Society conference, *Learning distributed representations
of concepts*.) A held-out query counts as answered when every correct
person's output is above 0.5 and every other output below 0.5; this is the
scoring rule used below, for training and held-out queries alike.

Everything is the public :class:`~rumelhart.RumelhartClassifier`, set by
:func:`~rumelhart.paper.family_trees_recipe`: ``input_groups`` gives each
input group its own first-layer units, a 2-D 0/1 target (a multi-label
``y``) trains the 24 logistic outputs, ``dead_zone`` is the margin,
``weight_decay`` the shrinking, ``reduction="sum"`` the paper's summed error
and a :class:`~rumelhart.callbacks.ParamScheduler` with
:class:`~rumelhart.schedules.Piecewise` schedules changes ε and α after 20
sweeps, keeping the velocity of eq. 9. Three recipes train the same
network: the paper's as printed, the first rescue we found, and a tuned one
(``rumelhart.paper.FAMILY_TREES_RECIPES``). The split is the fixed one
of :func:`~rumelhart.datasets.load_family_trees` (``trees.train``,
``trees.heldout``): Andrew's daughter, Victoria's father, Angela's husband
and Sophia's brother are held out, one query of each kind of relation, two
from each family.
"""

import os
import time
import warnings
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from rumelhart import RumelhartClassifier
from rumelhart.datasets import load_family_trees
from rumelhart.paper import FAMILY_TREES_RECIPES, family_trees_recipe
from rumelhart.plotting import HintonDisplay

matplotlib.use("Agg")
# sphinx_gallery_thumbnail_number = 2
FIGURES = Path(os.environ.get("RUMELHART_FIGURES", "."))
FIGURES.mkdir(parents=True, exist_ok=True)
# RUMELHART_EXAMPLES_QUICK=1 (used by the test suite) runs 10 seeds, not 20.
QUICK = os.environ.get("RUMELHART_EXAMPLES_QUICK", "") not in ("", "0")
SEEDS = range(10) if QUICK else range(20)

trees = load_family_trees()
X, Y = trees.data, trees.target  # (104, 36) person1 + relation, (104, 24)
for i in trees.heldout:
    person1, relation, answers = trees.queries[i]
    print(f"held out: the {relation} of {person1} ({', '.join(answers)})")

# %%
# The network as an estimator
# ---------------------------
# :func:`~rumelhart.paper.family_trees_recipe` sets the network and every
# parameter of a recipe, so that a change of the library's defaults cannot
# change the experiment. The recipes differ in five numbers:

for name, recipe in FAMILY_TREES_RECIPES.items():
    print(f"{name:8s} {recipe}")


def answered(clf, rows):
    """Which queries have every correct person above 0.5 and every other below."""
    outputs = clf.predict_proba(X[rows])
    return np.where(Y[rows] == 1, outputs > 0.5, outputs < 0.5).all(axis=1)


def fit_and_score(recipe, seed, train, heldout):
    """Train the recipe from ``seed`` on the rows ``train``; score both sets."""
    clf = family_trees_recipe(RumelhartClassifier(random_state=seed), recipe)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X[train], Y[train])  # Y: a (100, 24) multi-label target
    return {
        "seed": seed,
        "clf": clf,
        "heldout": answered(clf, heldout),
        "train": int(answered(clf, train).sum()),
    }


def run(recipe):
    """Every seed on the fixed split; print one summary line."""
    start = time.perf_counter()
    results = [fit_and_score(recipe, s, trees.train, trees.heldout) for s in SEEDS]
    seconds = time.perf_counter() - start
    held = [int(r["heldout"].sum()) for r in results]
    trained = [r["train"] for r in results]
    print(
        f"FAMILY_TREES recipe={recipe} seeds={len(results)} heldout={held} "
        f"heldout_total={sum(held)}/{4 * len(held)} train={trained} "
        f"train_total={sum(trained)}/{100 * len(trained)} seconds={seconds:.1f}"
    )
    return results


# %%
# The recipe as printed
# ---------------------
# From initial weights in ±0.3 (the range of the paper's symmetry
# experiment, since it gives none for this network).

printed = run("printed")

# %%
# It learns nothing: every seed ends giving one and the same answer to
# every query, every output unit near 0.2, just inside the dead zone of
# "off" ("nobody is anybody's relative"). The error has to pass through four
# layers of logistic units, each multiplying it by y(1 - y) <= 0.25; from
# weights of ±0.3 it is almost gone by the first layer, where the decay of
# 0.2% per sweep erases the weights faster than the gradient builds them.
#
# The rescue
# ----------
# Initial weights in ±1 (which keep a signal alive through the layers), ten
# times the learning rate (ε = 0.05 for 20 sweeps, then 0.1) and 6,000
# sweeps; the network, the α schedule, the decay and the dead zone stay as
# printed.

rescued = run("rescued")

# %%
# The tuned recipe
# ----------------
# Initial weights in ±2, half the rescue's learning rate (ε = 0.025, then
# 0.05: five times the paper's), half the paper's decay (0.1% per sweep) and
# a wider dead zone (an "on" output above 0.7 and an "off" one below 0.3
# send back no error), 6,000 sweeps; the network, the α schedule and the
# full sweeps of the summed error stay as printed.

tuned = run("tuned")

recipes = {"printed": printed, "rescued": rescued, "tuned": tuned}
print("\nQueries answered (every output on the right side of 0.5), per seed:")
print("        " + "".join(f"{name:>24s}" for name in recipes))
print("seed    " + "    held out   training" * len(recipes))
for rows in zip(*recipes.values(), strict=True):
    cells = "".join(f"{r['heldout'].sum():12d}{r['train']:11d}" for r in rows)
    print(f"{rows[0]['seed']:4d}    {cells}")
for name, results in recipes.items():
    held = sum(int(r["heldout"].sum()) for r in results)
    trained = sum(r["train"] for r in results)
    print(
        f"total   {name}: {held} of {4 * len(results)} held out, "
        f"{trained} of {100 * len(results)} training"
    )
print("\nEach held-out query, answered by how many seeds (rescued, tuned):")
per_query = {n: np.sum([r["heldout"] for r in recipes[n]], axis=0) for n in recipes}
for k, i in enumerate(trees.heldout):
    person1, relation, answers = trees.queries[i]
    print(
        f"  the {relation} of {person1} ({answers[0]}): "
        f"{per_query['rescued'][k]} and {per_query['tuned'][k]} of {len(SEEDS)}"
    )

# %%
# Why not Angela's husband
# ------------------------
# The tuned recipe learns every training query from every seed, and answers
# about half of the held-out ones, mostly three of the four. The fourth,
# Angela's husband (Tomaso), is answered by no seed of any recipe. What do
# the training queries say about Tomaso, and what does the network answer
# instead? Which seed gets how many is fragile: the trajectories are
# chaotic enough that the last digits of the arithmetic can move a seed's
# count by one.


def targets_of(person):
    """The training queries with ``person`` among the answers."""
    j = trees.people.index(person)
    return [
        f"{trees.queries[i][0]}'s {trees.queries[i][1]} "
        f"({', '.join(trees.queries[i][2])})"
        for i in trees.train
        if Y[i, j]
    ]


for person in ("Tomaso", "Charles"):
    print(f"training queries answered by {person}: {'; '.join(targets_of(person))}")
angela, tomaso = trees.heldout[2], trees.people.index("Tomaso")
instead = {}
for r in tuned:
    outputs = r["clf"].predict_proba(X[[angela]])[0]
    key = ", ".join(trees.people[j] for j in np.flatnonzero(outputs > 0.5))
    instead[key or "nobody"] = instead.get(key or "nobody", 0) + 1
tomaso_out = [r["clf"].predict_proba(X[[angela]])[0, tomaso] for r in tuned]
ranked = sorted(instead.items(), key=lambda item: -item[1])
print(
    f"ANGELA_HUSBAND recipe=tuned seeds={len(tuned)} "
    f"answered={sum(int(r['heldout'][2]) for r in tuned)} "
    f"tomaso_mean={np.mean(tomaso_out):.2f} tomaso_max={np.max(tomaso_out):.2f} "
    f"above_half={'; '.join(f'{k}: {n}' for k, n in ranked)}"
)

# %%
# Two things are missing. On the output side, Tomaso's unit is the target of
# only two training queries, Alfonso's uncle and Sophia's uncle, and Emilio
# is the other answer of both: no training query has Tomaso on alone, where
# his English twin Charles is Jennifer's husband on his own. On the side of
# the representation, what the person units learn to code (nationality,
# generation, branch of the family: the figure below), with the sex the
# relation asks for, does not tell a woman's husband from her brother, who
# shares all four; only
# the spouse facts of the two people themselves do, and of Angela's the only
# one left in training is Tomaso's wife, on the input side. So the network
# answers a man it knows as an answer to Angela's queries: Marco, her
# brother, for most seeds, Pierro, her father, for some, and Tomaso's
# output stays below 0.5. Holding out another spouse query in its place
# fails the same way, even Gina's husband, Emilio, who is the sole answer
# of other training queries; larger or smaller initial weights, steps,
# decays, dead zones and durations moved the other three held-out queries,
# and this one in 3 of some 1,900 runs (``docs/paper.md``).

fig, (ax_held, ax_train) = plt.subplots(2, 1, figsize=(8, 5.2), sharex=True)
seeds = np.array(SEEDS)
width = 0.4
for offset, name, color in [(-0.2, "rescued", "tab:gray"), (0.2, "tuned", "tab:blue")]:
    results = recipes[name]
    ax_held.bar(
        seeds + offset,
        [r["heldout"].sum() for r in results],
        width,
        color=color,
        label=f"{name}: {sum(r['heldout'].sum() for r in results)} of {4 * len(seeds)}",
    )
    ax_train.bar(seeds + offset, [r["train"] for r in results], width, color=color)
ax_held.axhline(4, color="tab:red", lw=1, ls=":", label="the paper's run: 4 of 4")
ax_held.set_yticks(range(5))
ax_held.set_ylim(0, 5.2)
ax_held.set_ylabel("held out right (of 4)")
ax_held.legend(loc="upper right", fontsize=8, ncol=3)
ax_held.set_title(
    "Family trees, rescued (±1, ε 0.1, decay 0.2%, dead zone 0.2) and tuned\n"
    "(±2, ε 0.05, decay 0.1%, dead zone 0.3) recipes; as printed: 0 and 0",
    fontsize=10,
)
ax_train.set_ylim(0, 105)
ax_train.set_ylabel("training right (of 100)")
ax_train.set_xticks(seeds)
ax_train.set_xlabel("seed (a query is right when every output is on its side of 0.5)")
fig.tight_layout()
fig.savefig(FIGURES / "family_trees_heldout.png", dpi=100)

# %%
# Random splits
# -------------
# The paper does not name its 4 held-out queries, and the public
# reproductions we know hold out 4 drawn at random. For the same comparison,
# each seed also trains on 100 queries drawn at random (another draw for
# each seed, the same draws for both recipes) and is scored on the other 4.


def random_splits(recipe):
    """Every seed on a split of its own; print one summary line."""
    held, trained = [], []
    for seed in SEEDS:
        rows = np.random.default_rng(1000 + seed).permutation(len(X))
        result = fit_and_score(recipe, seed, np.sort(rows[4:]), np.sort(rows[:4]))
        held.append(int(result["heldout"].sum()))
        trained.append(result["train"])
    print(
        f"RANDOM_SPLITS recipe={recipe} seeds={len(held)} heldout={held} "
        f"heldout_total={sum(held)}/{4 * len(held)} all_four={held.count(4)} "
        f"train_total={sum(trained)}/{100 * len(trained)}"
    )


random_splits("rescued")
random_splits("tuned")

# %%
# On random splits the two recipes that learn answer about the same: some
# 60% of the held-out queries, all four for a quarter of the seeds. What
# the tuned recipe gains on the fixed split it gains on its two hardest
# answerable queries (Victoria's father and Sophia's brother).
#
# The grouped first layer
# -----------------------
# :class:`~rumelhart.plotting.HintonDisplay` draws a weight matrix: white
# squares excitatory, black inhibitory, the area the magnitude. The first
# layer of the tuned network answering most queries (held out first, then
# training) shows the two groups of ``input_groups``: the 24 person1 inputs
# reach only units 0-5, the 12 relations only units 6-11; the connections
# between the groups are exactly zero and are drawn as nothing.

best = max(tuned, key=lambda r: (r["heldout"].sum(), r["train"]))
clf = best["clf"]
display = HintonDisplay.from_estimator(clf, layer=0)
# The network was fitted on an array; name its inputs on the plot.
display.ax_.set_yticks(range(37), [*trees.feature_names, "bias"], fontsize=8)
display.figure_.set_size_inches(7.5, 11)
display.figure_.savefig(FIGURES / "family_trees_first_layer.png", dpi=100)

# %%
# The person encoding (the paper's Figure 4)
# ------------------------------------------
# The weights from the 24 person1 units into their 6 units, one panel per
# unit, the English people on the top row and their Italian counterparts
# beneath them, in the isomorphic order, all on one scale. The paper found
# a unit that tells the English from the Italians, one coding the
# generation and one the branch of the family; we print how strongly each
# unit's weights follow nationality, generation and branch, and how alike
# each unit weighs a person and their counterpart in the other family.

W = clf.coefs_[0][:24, :6]  # person1 inputs -> the 6 person units
features = {
    "nationality": np.repeat([1.0, -1.0], 12),  # English +1, Italian -1
    "generation": np.array([1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3] * 2),
    # Christopher's side +1, Andrew's side -1; Colin and Charlotte are both.
    "branch": np.array([1, 1, -1, -1, 1, 1, 1, -1, -1, -1, 0, 0] * 2),
}
print(f"\nPerson encoding of seed {best['seed']}:")
for unit in range(6):
    correlations = ", ".join(
        f"{name} {np.corrcoef(W[:, unit], values)[0, 1]:+.2f}"
        for name, values in features.items()
    )
    twins = np.corrcoef(W[:12, unit], W[12:, unit])[0, 1]
    print(
        f"unit {unit}: correlation of its weights with {correlations}; "
        f"English with Italian {twins:+.2f}"
    )

pairs = [f"{e}\n{i}" for e, i in zip(trees.people[:12], trees.people[12:])]
fig, axes = plt.subplots(3, 2, figsize=(12, 6.4), layout="constrained")
scale = np.abs(W).max()
for unit, ax in enumerate(axes.T.ravel()):
    HintonDisplay(
        W[:, unit].reshape(2, 12),
        row_labels=["English", "Italian"],
        col_labels=pairs,
        title=f"person unit {unit} (bias {clf.intercepts_[0][unit]:+.2f})",
    ).plot(ax=ax, max_weight=scale)
    ax.tick_params(axis="x", labelsize=6, labelrotation=0)
    ax.title.set_fontsize(9)
fig.suptitle(
    f"Weights from the 24 people to the 6 person units (tuned recipe, seed "
    f"{best['seed']}): "
    "white excitatory, black inhibitory",
    fontsize=11,
)
fig.savefig(FIGURES / "family_trees_person_encoding.png", dpi=100)
