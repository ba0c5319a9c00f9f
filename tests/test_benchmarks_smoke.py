"""A tiny run of benchmarks/run.py, to keep the benchmark from rotting.

Nothing here asserts a timing: the contenders are fitted on a few hundred
samples for two epochs, and the report machinery runs on what they give.
"""

import importlib.util
import pathlib
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    path = ROOT / "benchmarks" / "run.py"
    spec = importlib.util.spec_from_file_location("rumelhart_benchmark_run", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def _names(bench, task):
    names = bench.contender_names(task, with_skorch=bench.has_module("skorch"))
    if not bench.has_module("torch"):
        names = [
            n
            for n in names
            if n not in (bench.TORCH_ESTIMATORS[task], bench.TORCH_LOOP)
        ]
    return names


@pytest.mark.parametrize("task", ["classifier", "regressor"])
@pytest.mark.parametrize("batch", ["64", "full"])
def test_every_contender_trains_the_asked_epochs(bench, task, batch):
    case = bench.Case(task, 300, batch, "float32", epochs=2)
    names = _names(bench, task)
    times = bench.time_case(case, names, repeats=1, log=lambda line: None)
    assert set(times) == set(names)
    assert all(len(t) == 1 and t[0] > 0 for t in times.values())


def test_contenders_predict_the_same_shape(bench):
    X, y = bench.make_data("classifier", 200, "float64")
    for name in _names(bench, "classifier"):
        model = bench.make_contender(name, "classifier", 64, 1)
        with bench.quiet():
            model.fit(X, y)
        pred = model.predict(X)
        assert pred.shape == y.shape
        assert set(np.unique(pred)) <= set(np.unique(y))
    times = bench.time_predict(
        "classifier", 500, _names(bench, "classifier"), repeats=1, log=lambda s: None
    )
    assert all(t[0] > 0 for t in times.values())


def test_targets_and_tables_from_made_up_timings(bench):
    clf = "classifier"
    med = {
        bench.NUMPY_ESTIMATORS[clf]: 1.0,
        bench.TORCH_ESTIMATORS[clf]: 2.0,
        bench.SKLEARN[clf]: 4.0,
        bench.SKORCH: 10.0,
        bench.TORCH_LOOP: 2.0,
        bench.NUMPY_LOOP: 1.5,
    }
    results = {
        (clf, 2000, "64", "float32"): med,
        (clf, 20000, "64", "float32"): {k: 12 * v for k, v in med.items()},
        (clf, 20000, "256", "float32"): med,
    }
    predict = {clf: {bench.NUMPY_ESTIMATORS[clf]: 1.0, bench.SKLEARN[clf]: 2.0}}
    memory = [
        {
            "name": bench.NUMPY_ESTIMATORS[clf],
            "batch": "full",
            "x_bytes": 100,
            "traced_peak": 20,
            "rss_growth": None,
        }
    ]
    imports = {"rumelhart": 0.5, "sklearn": 0.4, "imports_torch": False}
    scaling = {(bench.NUMPY_ESTIMATORS[clf], "64", "float32", 2000): [12.0, 11.5]}
    lines = bench.check_targets(results, predict, memory, imports, scaling)
    texts = [text for _, text in lines]
    assert all(isinstance(ok, bool) for ok, _ in lines)
    # 12x the time for 10x the samples: the linearity target fails.
    assert any("linear" in t for t in texts)
    assert not dict((t, ok) for ok, t in lines)[next(t for t in texts if "linear" in t)]
    assert sum("<= 0.5x" in t for t in texts) == 2  # batch 64 only, not 256
    table = bench.markdown_tables(results, predict, memory)
    assert "| 20,000 | 64 | float32 |" in table


def test_scaling_gives_one_ratio_per_round(bench):
    names = [bench.NUMPY_ESTIMATORS["classifier"]]
    scaling = bench.time_scaling(
        "classifier", [30, 300], ["full"], names, 2, 2, log=lambda s: None
    )
    assert list(scaling) == [(names[0], "full", "float32", 30)]
    assert len(scaling[names[0], "full", "float32", 30]) == 2


def test_memory_child_reports_peak_beyond_x(bench):
    m = bench.measure_memory(
        bench.NUMPY_ESTIMATORS["classifier"], "full", n_samples=3000, n_features=10
    )
    assert m["x_bytes"] == 3000 * 10 * 4
    assert m["traced_peak"] > 0


def test_command_line_runs_end_to_end(bench, capsys):
    bench.main(
        [
            "--sizes",
            "300",
            "--batches",
            "full",
            "--repeats",
            "1",
            "--epochs",
            "2",
            "--only",
            "RumelhartClassifier,MLPClassifier,numpy loop",
            "--no-memory",
            "--no-import",
            "--scaling-sizes",
            "30,300",
            "--scaling-epochs",
            "2",
        ]
    )
    out = capsys.readouterr().out
    assert "targets:" in out
    assert "RumelhartClassifier <= 0.5x MLPClassifier" in out
