"""benchmarks/quality.py end to end on tiny data sets, and its target logic.

No accuracy or timing is asserted here: the data set table is swapped for
two tiny sets so that a run takes seconds, and the made-up records check
the arithmetic of the summaries and the targets.
"""

import json
import math
from functools import partial

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression

from .benchmark_modules import benchmark_modules


@pytest.fixture(scope="module")
def bench():
    with benchmark_modules(
        "quality", "quality_sets", "time_to_accuracy", "targets"
    ) as modules:
        yield modules


def _tiny_sets(sets):
    clf = partial(
        make_classification,
        n_samples=90,
        n_features=4,
        n_informative=3,
        n_redundant=0,
        n_classes=3,
        n_clusters_per_class=1,
        class_sep=2.0,
        random_state=0,
    )
    reg = partial(make_regression, n_samples=60, n_features=3, random_state=0)
    return [
        sets.DataSet("tiny_clf", clf, "classifier", 2, quick=True, half="tuning"),
        sets.DataSet("tiny_reg", reg, "regressor", 2, quick=True, half="tuning"),
    ]


@pytest.fixture
def tiny(bench, monkeypatch):
    monkeypatch.setattr(bench.quality_sets, "DATASETS", _tiny_sets(bench.quality_sets))
    return bench


def _limits(bench, monkeypatch, passing):
    """Every quality and time-to-accuracy limit made trivial or impossible."""
    q = bench.quality
    low, high = (-math.inf, math.inf) if passing else (math.inf, -math.inf)
    rows = [
        (what, key, dict.fromkeys(limits, low if check is q.at_least else high), check)
        for what, key, limits, check in q.QUALITY_TARGETS
    ]
    monkeypatch.setattr(q, "QUALITY_TARGETS", rows)
    monkeypatch.setattr(q, "TTA_LIMIT", high)


def test_quick_run_prints_the_tables_and_passes_trivial_targets(
    tiny, monkeypatch, capsys, tmp_path
):
    _limits(tiny, monkeypatch, passing=True)
    path = tmp_path / "quality.json"
    assert tiny.quality.main(["--quick", "--strict", "--json", str(path)]) == 0
    out = capsys.readouterr().out
    assert "uptime:" in out
    for text in [
        "classification, accuracy (%)",
        "regression, R²",
        "RumelhartClassifier",
        "MLPRegressor",
        "| data set | n × d | folds |",
        "summary, against scikit-learn's MLP:",
        "targets:",
    ]:
        assert text in out
    assert "FAIL" not in out
    assert "time to accuracy" not in out  # not in --quick
    raw = json.loads(path.read_text())
    contenders = {(r["dataset"], r["name"]) for r in raw["records"]}
    assert ("tiny_clf", "RumelhartClassifier") in contenders
    assert ("tiny_reg", "MLPRegressor") in contenders
    assert all(len(r["fit_times"]) == 2 for r in raw["records"])
    assert raw["targets"] and all(t["ok"] for t in raw["targets"])


def test_strict_exits_non_zero_when_a_target_fails(tiny, monkeypatch, capsys):
    _limits(tiny, monkeypatch, passing=False)
    argv = ["--only", "tiny_clf", "--tta", "tiny_clf", "--no-skorch"]
    assert tiny.quality.main(argv) == 0  # without --strict: verdicts only
    out = capsys.readouterr().out
    assert "FAIL  RumelhartClassifier worst data set" in out
    assert "time to accuracy on tiny_clf" in out
    assert "FAIL  RumelhartClassifier time to MLPClassifier's accuracy" in out
    assert tiny.quality.main([*argv, "--strict"]) == 1


def _record(q, dataset, name, task, scores, seconds):
    return q.Record(dataset, task, name, (10, 2), list(scores), [seconds] * len(scores))


def test_summaries_and_targets_from_made_up_records(bench):
    q = bench.quality
    ours, ref, clf = "RumelhartClassifier", "MLPClassifier", "classifier"
    records = [
        _record(q, "a", ours, clf, [0.92, 0.92], 1.0),
        _record(q, "a", ref, clf, [0.89, 0.89], 4.0),
        _record(q, "b", ours, clf, [0.78, 0.78], 1.0),
        _record(q, "b", ref, clf, [0.81, 0.81], 4.0),
    ]
    s = q.summarize(records, ours, clf)
    assert s["worst_set"] == "b"
    assert s["worst_diff"] == pytest.approx(-0.03)
    assert s["mean_diff"] == pytest.approx(0.0, abs=1e-12)
    assert s["time_ratio"] == pytest.approx(0.25)
    targets = q.quality_targets([s])
    # 3 points below on b: more than the 1 allowed; the mean holds; time too.
    assert [t.ok for t in targets] == [False, True, True]
    assert targets[0].text == (
        f"{ours} worst data set >= -1.00 pt vs {ref}: b -3.00 pt"
    )
    assert targets[2].text.startswith(f"{ours} total fit time <= 0.6x {ref}: 0.25×")
    assert bench.targets.exit_status(targets, strict=True) == 1
    assert bench.targets.exit_status(targets, strict=False) == 0


def test_a_failed_fit_is_the_worst_set(bench):
    q = bench.quality
    ours, ref, reg = "RumelhartRegressor", "MLPRegressor", "regressor"
    records = [
        _record(q, "a", ours, reg, [0.5], 1.0),
        _record(q, "a", ref, reg, [0.4], 1.0),
        _record(q, "b", ours, reg, [math.nan], 1.0),
        _record(q, "b", ref, reg, [0.4], 1.0),
    ]
    s = q.summarize(records, ours, reg)
    assert s["worst_set"] == "b"
    assert not any(t.ok for t in q.quality_targets([s])[:2])


def test_the_accuracy_clock_scores_each_epoch_and_stops_at_the_target(bench):
    """The clock's last accuracy is that of ``predict`` after the fit."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from rumelhart import RumelhartClassifier

    tta = bench.time_to_accuracy
    X, y = make_classification(120, 4, n_informative=3, n_redundant=0, random_state=0)
    scaled = StandardScaler().fit_transform(X)
    clock = tta.AccuracyClock(scaled, y, target=2.0)  # never reached
    model = RumelhartClassifier(max_iter=5, early_stopping=False, random_state=0)
    result = tta._fit_ours("x", make_pipeline(StandardScaler(), model), clock, X, y)
    assert [e[0] for e in clock.epochs] == [1, 2, 3, 4, 5]
    assert clock.epochs[-1][2] == pytest.approx(np.mean(model.predict(scaled) == y))
    assert not result.ok
    assert result.best_accuracy == max(e[2] for e in clock.epochs)

    clock = tta.AccuracyClock(scaled, y, target=0.0)  # reached at once
    model = RumelhartClassifier(max_iter=5, random_state=0)
    result = tta._fit_ours("x", make_pipeline(StandardScaler(), model), clock, X, y)
    assert result.ok and result.epoch == 1
    assert model.n_iter_ == 1  # training stopped there
    assert 0 < result.seconds <= result.fit_seconds
