"""The gallery's examples run, save their figures, and reproduce the paper.

Each ``examples/plot_*.py`` written for the documentation runs in a
subprocess, in a temporary directory, with ``RUMELHART_FIGURES`` pointing
there; it must exit 0 and write its PNG files. The two experiments of the
paper print a parseable summary line, checked here:

* symmetry (6-2-1, ε = 0.1, α = 0.9, ±0.3, summed error, full sweeps): about
  two seeds in three solve it within 5,000 sweeps (12 of 20 when written), in
  a median number of sweeps of the paper's order (1,488 against 1,425), and
  the estimator reaches the same weights as the engine loop;
* family trees, with the public estimator on the fixed split of
  ``load_family_trees``: the recipe as printed (±0.3) learns nothing (no
  query right, training or held out, for any seed); the rescued recipe
  (initial weights ±1, ten times the learning rate, 6,000 sweeps) learns
  most training queries and answers some held-out ones; the tuned recipe
  (±2, ε 0.05, decay 0.1%, dead zone 0.3) learns every training query and
  answers more held-out ones, judged by the side of 0.5 (quick mode, seeds
  0-9, when written: rescued 14 of 40 held out, 928 of 1,000 training;
  tuned 19 of 40 and 1,000 of 1,000). On random splits of 4 held-out
  queries (one per seed) the tuned recipe answers all four for some seeds
  (26 of 40, 2 seeds with all four, when written).

The two examples on learned representations print what they claim, checked
here too: the hidden units of a trained network, as features for a
LogisticRegression, beat as many principal components and come within two
points of the raw pixels (digits); a grouped first layer (``input_groups``)
reaches about the accuracy of a dense one with far fewer weights, and the
weights of each level of a categorical column follow the level's effect.
The TF-IDF example fits three pipelines on sparse text features, each in a
fresh process; none of the networks' fits may allocate as much as the dense
``X`` would take (traced by tracemalloc: NumPy, SciPy and the torch
estimator's densified batches).

``RUMELHART_EXAMPLES_QUICK=1`` makes the family-trees example run 10 seeds
instead of 20, the hidden-features example compare one width (16) instead
of three, and the TF-IDF example train 2 epochs on 2,000 documents instead
of up to 200 on 6,000; everything else runs as in the documentation.
"""

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
HAS_TORCH = importlib.util.find_spec("torch") is not None
PAPER_SWEEPS = 1425

# example -> (figures it writes, whether it needs torch)
EXPECTED = {
    "plot_symmetry.py": (["symmetry_sweeps.png", "symmetry_weights.png"], False),
    "plot_family_trees.py": (
        [
            "family_trees_heldout.png",
            "family_trees_first_layer.png",
            "family_trees_person_encoding.png",
        ],
        False,
    ),
    "plot_hidden_features.py": (["hidden_features_map.png"], False),
    "plot_grouped_inputs.py": (["grouped_inputs_embedding.png"], False),
    "plot_linear_regression.py": (["linear_regression_loss.png"], True),
    "plot_two_blobs.py": (["two_blobs_probability.png", "two_blobs_loss.png"], True),
    "plot_digits.py": (
        ["digits_samples.png", "digits_confusion.png", "digits_loss.png"],
        True,
    ),
    "plot_regression.py": (["regression_fit.png"], True),
    "plot_model_comparison.py": (["model_comparison.png"], True),
    "plot_text_tfidf.py": (["text_tfidf.png"], True),
    "plot_autoencoder_codes.py": (["autoencoder_codes.png"], True),
}
#: Examples with a test of their own below.
HAVE_OWN_TEST = {
    "plot_symmetry.py",
    "plot_family_trees.py",
    "plot_hidden_features.py",
    "plot_grouped_inputs.py",
    "plot_text_tfidf.py",
}


def run_example(name, directory):
    """Run ``examples/name`` in ``directory``; return its standard output."""
    files, needs_torch = EXPECTED[name]
    if needs_torch and not HAS_TORCH:
        pytest.skip(f"{name} needs torch")
    env = {
        **os.environ,
        "RUMELHART_FIGURES": str(directory),
        "RUMELHART_EXAMPLES_QUICK": "1",
        "MPLBACKEND": "Agg",
        # NumPy's OpenBLAS threads spin after each product and starve torch's
        # threads on small machines (4x slower on 2 cores); see the user guide.
        "OPENBLAS_NUM_THREADS": "1",
    }
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, (
        f"{name} failed ({result.returncode}):\n{result.stdout[-3000:]}\n"
        f"{result.stderr[-3000:]}"
    )
    for figure in files:
        path = Path(directory) / figure
        assert path.is_file(), f"{name} did not write {figure}"
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{figure} is no PNG"
    return result.stdout


def summary(stdout, prefix):
    """The ``key=value`` pairs of the line starting with ``prefix``."""
    for line in stdout.splitlines():
        if line.startswith(prefix):
            return dict(re.findall(r"(\w+)=(\[[^\]]*\]|\S+)", line))
    raise AssertionError(f"no line starting with {prefix!r} in:\n{stdout}")


def numbers(text):
    return [int(n) for n in re.findall(r"-?\d+", text)]


@pytest.mark.parametrize("name", [n for n in EXPECTED if n not in HAVE_OWN_TEST])
def test_example_runs_and_writes_figures(name, tmp_path):
    run_example(name, tmp_path)


def test_every_plot_example_is_tested():
    """Each gallery script of this suite is listed above (others have tests)."""
    mine = {p.name for p in EXAMPLES.glob("plot_*.py")} & set(EXPECTED)
    assert mine == set(EXPECTED)
    for name in EXPECTED:
        source = (EXAMPLES / name).read_text(encoding="utf-8")
        # sphinx-gallery: a docstring with an RST title comes first.
        first = source.lstrip().splitlines()
        assert first[0] == '"""', name
        assert set(first[2]) == {"="} and len(first[2]) >= len(first[1]), name


def test_symmetry_example_reproduces_the_paper(tmp_path):
    stdout = run_example("plot_symmetry.py", tmp_path)
    result = summary(stdout, "SYMMETRY")
    solved, seeds = numbers(result["solved"])
    median = float(result["median_sweeps"])
    print(f"\nsymmetry: solved {solved} of {seeds}, median {median:.0f} sweeps")
    assert seeds == 20
    assert solved >= seeds // 2
    assert PAPER_SWEEPS / 3 < median < PAPER_SWEEPS * 3
    assert "same weights as the loop: True" in stdout
    assert "accuracy 1.000 on the 64 vectors" in stdout
    # The 1:2:4 pattern of the shown seed (sorted pair magnitudes).
    ratios = re.findall(r"in the ratio 1\.00:(\d\.\d\d):(\d\.\d\d)", stdout)
    assert len(ratios) == 2
    for middle, largest in ratios:
        assert abs(float(middle) - 2) < 0.3
        assert abs(float(largest) - 4) < 0.6


def test_family_trees_example(tmp_path):
    stdout = run_example("plot_family_trees.py", tmp_path)
    recipes = ("printed", "rescued", "tuned")
    lines = {r: summary(stdout, f"FAMILY_TREES recipe={r} ") for r in recipes}
    held = {r: numbers(lines[r]["heldout"]) for r in recipes}
    trained = {r: numbers(lines[r]["train"]) for r in recipes}
    print(f"\nfamily trees, queries right per seed (0.5 rule): {held} {trained}")
    seeds = len(held["printed"])
    assert seeds == 10
    for r in recipes:
        assert int(lines[r]["seeds"]) == len(held[r]) == len(trained[r]) == seeds
        total = f"{sum(held[r])}/{4 * seeds}"
        assert lines[r]["heldout_total"] == total
        assert f"total   {r}: {sum(held[r])} of {4 * seeds} held out" in stdout
    # The printed table has a row per seed: the seed, then held out and
    # training for each recipe.
    rows = re.findall(r"^ +(\d+)" + r" +(\d) +(\d+)" * 3 + "$", stdout, re.M)
    assert [int(row[0]) for row in rows] == list(range(seeds))
    for k, r in enumerate(recipes):
        assert [int(row[1 + 2 * k]) for row in rows] == held[r]
        assert [int(row[2 + 2 * k]) for row in rows] == trained[r]
    # The recipe as printed, from ±0.3: nothing learned.
    assert held["printed"] == [0] * seeds
    assert trained["printed"] == [0] * seeds
    # The rescued recipe learns most training queries and answers some
    # held-out ones: one per seed on average, at least 2 of 4 for some.
    assert sum(trained["rescued"]) >= 85 * seeds
    assert sum(t >= 98 for t in trained["rescued"]) >= seeds // 2
    assert sum(held["rescued"]) >= seeds
    assert max(held["rescued"]) >= 2
    # The tuned recipe learns every training query from every seed, and
    # answers more held-out queries than the rescue, 3 of 4 for some seeds.
    assert trained["tuned"] == [100] * seeds
    assert sum(held["tuned"]) >= 1.5 * seeds
    assert sum(held["tuned"]) > sum(held["rescued"])
    assert max(held["tuned"]) >= 3
    # Random splits: every seed holds out 4 queries of its own.
    for r in ("rescued", "tuned"):
        line = summary(stdout, f"RANDOM_SPLITS recipe={r} ")
        random_held = numbers(line["heldout"])
        assert len(random_held) == seeds
        assert int(line["all_four"]) == random_held.count(4)
    tuned = summary(stdout, "RANDOM_SPLITS recipe=tuned ")
    assert sum(numbers(tuned["heldout"])) >= 2 * seeds
    assert int(tuned["all_four"]) >= 1
    assert tuned["train_total"] == f"{100 * seeds}/{100 * seeds}"
    # Angela's husband: Tomaso is never the sole answer of a training query,
    # and the network answers someone else (docs/paper.md).
    assert (
        "training queries answered by Tomaso: Alfonso's uncle (Emilio, Tomaso); "
        "Sophia's uncle (Emilio, Tomaso)" in stdout
    )
    angela = summary(stdout, "ANGELA_HUSBAND recipe=tuned ")
    assert int(angela["seeds"]) == seeds
    assert float(angela["tomaso_mean"]) < 0.5
    line = next(x for x in stdout.splitlines() if x.startswith("ANGELA_HUSBAND"))
    assert "Marco" in line.split("above_half=")[1]
    # The person units: one follows nationality (the paper's Figure 4).
    nationality = [
        abs(float(c)) for c in re.findall(r"nationality ([-+]\d\.\d\d)", stdout)
    ]
    assert len(nationality) == 6 and max(nationality) > 0.8


def test_hidden_features_example(tmp_path):
    """The hidden units beat as many principal components, come close to the
    64 raw pixels, and feed a LogisticRegression as well as the network's
    own output layer does; set_output names them."""
    stdout = run_example("plot_hidden_features.py", tmp_path)
    result = summary(stdout, "HIDDEN_FEATURES k=16")
    hidden, pca = float(result["hidden"]), float(result["pca"])
    raw, network = float(result["raw"]), float(result["network"])
    print(f"\nhidden features, k=16: hidden {hidden}, PCA {pca}, raw {raw}")
    assert hidden > pca + 0.01
    assert hidden > raw - 0.02
    assert abs(hidden - network) < 0.01
    assert "DataFrame (450, 32)" in stdout
    assert "rumelhartclassifier_hidden1_0" in stdout
    assert float(re.search(r"64-32-2-10 network: test accuracy (\S+)", stdout)[1]) > 0.6


def test_grouped_inputs_example(tmp_path):
    """Grouped inputs: about the dense net's accuracy with far fewer weights,
    on each backend run; the level weights follow the levels' true effect."""
    stdout = run_example("plot_grouped_inputs.py", tmp_path)
    assert "input_groups = [('onehot__cat0_', 3)" in stdout
    backends = re.findall(r"^GROUPED_INPUTS backend=(\w+)", stdout, re.M)
    assert backends == (["NumPy", "torch"] if HAS_TORCH else ["NumPy"])
    for backend in backends:
        result = summary(stdout, f"GROUPED_INPUTS backend={backend}")
        grouped = float(result["grouped_accuracy"])
        dense = float(result["dense_accuracy"])
        print(f"\ngrouped inputs, {backend}: grouped {grouped}, dense {dense}")
        # 350 one-hot columns x 3 units + 3 numerics x 3, and the layers above.
        assert int(result["grouped_weights"]) == 350 * 3 + 3 * 3 + 12 * 16 + 16 + 29
        assert int(result["dense_weights"]) == 353 * 12 + 12 * 16 + 16 + 29
        assert grouped > 0.85 and grouped > dense - 0.02
    correlation = float(re.search(r"and the effect ([-+]\d\.\d\d)", stdout)[1])
    assert abs(correlation) > 0.9


def test_text_tfidf_example_keeps_x_sparse(tmp_path):
    stdout = run_example("plot_text_tfidf.py", tmp_path)
    rows = [
        dict(re.findall(r"(\w+)=(\S+)", line))
        for line in stdout.splitlines()
        if line.startswith("TFIDF ")
    ]
    contenders = [row["contender"] for row in rows]
    assert contenders == [
        "RumelhartClassifier",
        "TorchMLPClassifier",
        "MLPClassifier",
    ]
    for row in rows:
        print(
            f"\n{row['contender']}: accuracy {row['accuracy']}, "
            f"{row['seconds']} s, traced {row['traced_mb']} MB, "
            f"resident {row['rss_mb']} MB; X dense {row['dense_mb']} MB"
        )
        assert 0 <= float(row["accuracy"]) <= 1
        # Densifying X whole would allocate at least its dense size.
        assert float(row["traced_mb"]) < float(row["dense_mb"]), row
