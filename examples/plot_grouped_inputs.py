"""
Grouped inputs: an embedding for each categorical column
========================================================

The paper's family-trees network gives the 24 one-hot "person" inputs 6
units of their own and the 12 "relation" inputs another 6; no connection
crosses between the groups. In today's words, each one-hot categorical
column gets a small *embedding*: every level of the column is a point in a
space of a few dimensions, learned from the task. ``input_groups`` builds
that first layer in any of the library's estimators.

Here the data are generated: three categorical columns of 50, 100 and 200
levels, each level with a hidden 2-D "embedding" that drives the target,
plus three numeric columns. A :class:`~sklearn.compose.ColumnTransformer`
one-hot encodes the categoricals and standardises the numerics; then the
same network is trained twice, once with a dense first layer (every input
reaches every first-layer unit) and once with each categorical column's
one-hot columns feeding their own 3 units (the numerics feed the units left
over). We compare accuracy on held-out rows, the number of weights and the
time to fit, and look at what the grouped units learned.
"""

import importlib.util
import os
import time
import warnings
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from rumelhart import RumelhartClassifier

matplotlib.use("Agg")
warnings.simplefilter("ignore", ConvergenceWarning)  # fixed numbers of sweeps
FIGURES = Path(os.environ.get("RUMELHART_FIGURES", "."))
FIGURES.mkdir(parents=True, exist_ok=True)
HAS_TORCH = importlib.util.find_spec("torch") is not None

# %%
# The data
# --------
# Level ``v`` of column ``catc`` has a hidden point ``e`` in 2-D; it adds
# ``2 sin(1.5 e[0]) + e[1]² - 1`` to the log-odds of the positive class, and
# the first numeric column adds its value. With 2,500 training rows, each of
# the 200 levels of ``cat2`` is seen about 12 times.

LEVELS = {"cat0": 50, "cat1": 100, "cat2": 200}


def make_data(n_samples, seed=0):
    """A DataFrame of 3 categorical and 3 numeric columns, a 0/1 target,
    and the hidden embeddings of the categories' levels."""
    rng = np.random.default_rng(seed)
    embeddings = {name: rng.normal(size=(n, 2)) for name, n in LEVELS.items()}
    frame, log_odds = {}, np.zeros(n_samples)
    for name, n_levels in LEVELS.items():
        codes = rng.integers(0, n_levels, n_samples)
        frame[name] = pd.Categorical(codes, categories=range(n_levels))
        e = embeddings[name][codes]
        log_odds += 2 * np.sin(1.5 * e[:, 0]) + e[:, 1] ** 2 - 1
    numeric = rng.normal(size=(n_samples, 3))
    for j in range(3):
        frame[f"num{j}"] = numeric[:, j]
    log_odds += numeric[:, 0] + rng.normal(scale=0.5, size=n_samples)
    return pd.DataFrame(frame), (log_odds > 0).astype(int), embeddings


X, y, embeddings = make_data(5500)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=2500, random_state=0
)

# %%
# The one-hot columns and their names
# -----------------------------------
# With ``set_output(transform="pandas")`` the ColumnTransformer hands the
# network a DataFrame, so the network knows the names of its inputs and a
# group can be given by a name prefix: ``"onehot__cat0_"`` takes every
# one-hot column of ``cat0`` (``onehot__cat0_0`` to ``onehot__cat0_49``).

preprocess = ColumnTransformer(
    [
        (
            "onehot",
            OneHotEncoder(handle_unknown="ignore", sparse_output=False),
            list(LEVELS),
        ),
        ("scale", StandardScaler(), ["num0", "num1", "num2"]),
    ]
).set_output(transform="pandas")
names = preprocess.fit(X_train).get_feature_names_out()
print(f"{len(names)} columns:", *names[:2], "...", *names[-4:])
GROUPS = [(f"onehot__{name}_", 3) for name in LEVELS]
print("input_groups =", GROUPS)

# %%
# Grouped against dense
# ---------------------
# The network is 12 first-layer units, then 16, then the output. Grouped,
# units 0-2 see only ``cat0``, 3-5 only ``cat1``, 6-8 only ``cat2`` and 9-11
# the three numeric columns; dense, all 12 see all 353 columns. The weights
# are counted as connections: the grouped net's missing connections are
# exactly zero and are not weights at all.


def numpy_net(groups):
    return RumelhartClassifier(
        hidden_layer_sizes=(12, 16),
        input_groups=groups,
        loss="log_loss",
        reduction="mean",
        eps=1.0,
        alpha=0.9,
        weight_decay=0.0,
        batch_size=None,
        init_range=0.3,
        max_iter=1000,
        tol=0.0,
        n_iter_no_change=1000,
        random_state=0,
    )


def torch_net(groups):
    from rumelhart import TorchMLPClassifier

    return TorchMLPClassifier(
        hidden_layer_sizes=(12, 16),
        input_groups=groups,
        loss="log_loss",
        activation="relu",
        optimizer="adam",
        lr=0.01,
        lr_schedule="constant",
        weight_decay=0.0,
        batch_size=None,
        max_iter=300,
        tol=0.0,
        n_iter_no_change=300,
        device="cpu",
        random_state=0,
    )


def n_weights(net):
    """Connections and biases: the weights that exist and learn."""
    return sum(np.count_nonzero(W) for W in net.coefs_) + sum(
        b.size for b in net.intercepts_
    )


backends = {"NumPy": numpy_net}
if HAS_TORCH:
    import torch

    backends["torch"] = torch_net
    # Networks this small gain nothing from torch's threads, which on a
    # small, busy machine compete with everything else (see the user guide):
    # one thread for this comparison, restored after it.
    torch_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    # The first torch fit of a process pays for torch's start-up: pay it here.
    make_pipeline(preprocess, torch_net(GROUPS).set_params(max_iter=5)).fit(X, y)
results, fitted = [], {}
for backend, make_net in backends.items():
    for layer, groups in [("grouped", GROUPS), ("dense", None)]:
        model = make_pipeline(preprocess, make_net(groups))
        start = time.perf_counter()
        model.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        fitted[backend, layer] = model
        results.append(
            (backend, layer, model.score(X_test, y_test), n_weights(model[-1]), seconds)
        )
if HAS_TORCH:
    torch.set_num_threads(torch_threads)

print("backend  first layer  test accuracy  weights  fit seconds")
for backend, layer, accuracy, weights, seconds in results:
    print(f"{backend:<8} {layer:<11}  {accuracy:13.3f}  {weights:7d}  {seconds:11.1f}")
for backend in backends:
    (_, _, acc_g, w_g, _), (_, _, acc_d, w_d, _) = [
        r for r in results if r[0] == backend
    ]
    print(
        f"GROUPED_INPUTS backend={backend} grouped_accuracy={acc_g:.4f} "
        f"dense_accuracy={acc_d:.4f} grouped_weights={w_g} dense_weights={w_d}"
    )

# %%
# Grouped, the network reaches about the accuracy of the dense one (within a
# point either way, depending on the backend) with about 3.5 times fewer
# weights: each level of a categorical column has 3 weights instead of 12.
# The fit takes about as long: the missing connections are kept at zero by a
# mask, not skipped.
#
# What the grouped units learned
# ------------------------------
# Each level of ``cat0`` is now a point in 3-D: its weights to units 0-2.
# Its true contribution to the target is one number, the effect
# ``2 sin(1.5 e[0]) + e[1]² - 1`` of its hidden point ``e``. Left, the
# hidden points of the 50 levels, coloured by that effect; middle, the
# learned 3-D weights of the same levels, seen along their first two
# principal components, in the same colours; right, the first principal
# component of the learned weights against the true effect.

net = fitted["NumPy", "grouped"][-1]
columns = [list(net.feature_names_in_).index(f"onehot__cat0_{v}") for v in range(50)]
W = net.coefs_[0][columns, 0:3]  # (50 levels, 3 units)
assert np.all(net.coefs_[0][columns, 3:] == 0)  # cat0 reaches no other unit
e = embeddings["cat0"]
effect = 2 * np.sin(1.5 * e[:, 0]) + e[:, 1] ** 2 - 1
learned = PCA(2).fit_transform(W)
r = np.corrcoef(learned[:, 0], effect)[0, 1]
print(f"cat0: correlation of the weights' first component and the effect {r:+.2f}")

fig, axes = plt.subplots(1, 3, figsize=(13, 4.2), layout="constrained")
for ax, points, title in [
    (axes[0], e, "hidden 2-D points of cat0's 50 levels"),
    (axes[1], learned, "their learned weights (3-D, first 2 PCs)"),
]:
    dots = ax.scatter(*points.T, c=effect, cmap="coolwarm", s=30, edgecolor="k", lw=0.3)
    ax.set_title(title, fontsize=10)
axes[0].set_xlabel("e[0]")
axes[0].set_ylabel("e[1]")
axes[1].set_xlabel("PC 1")
axes[1].set_ylabel("PC 2")
axes[2].scatter(
    effect, learned[:, 0], c=effect, cmap="coolwarm", s=30, edgecolor="k", lw=0.3
)
axes[2].set_xlabel("true effect of the level on the log-odds")
axes[2].set_ylabel("PC 1 of its learned weights")
axes[2].set_title(f"correlation {r:+.2f}", fontsize=10)
fig.colorbar(dots, ax=axes[:2], label="true effect", shrink=0.85)
fig.savefig(FIGURES / "grouped_inputs_embedding.png", dpi=100)

# %%
# The target depends on a level only through its effect, and that is what
# the level's weights code: along their first principal component, the 50
# levels line up by effect. Levels far apart in the hidden 2-D space but with
# the same effect (the same colour on the left) end up side by side in the
# middle; the network learned the part of the embedding the task uses.
