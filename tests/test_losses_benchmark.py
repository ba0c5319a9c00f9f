"""benchmarks/losses.py: its command line and verdicts, on tiny sets.

No figure is asserted here (the benchmark itself reports them): the sets
are shrunk so that a run takes seconds.
"""

import pytest

from .benchmark_modules import benchmark_modules


@pytest.fixture
def losses(monkeypatch):
    with benchmark_modules("losses") as modules:
        monkeypatch.setattr(modules.losses, "N_TRAIN", 150)
        monkeypatch.setattr(modules.losses, "N_TEST", 150)
        yield modules.losses


def test_each_seed_and_backend_gets_one_line_per_figure(losses, capsys):
    checks = [losses.quantile_band, losses.outliers]
    missed = losses.run((1, 2), ("numpy",), checks)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 * 4  # two seeds, four figures
    assert sum(line.startswith("MISS") for line in lines) == missed
    assert {line.split()[1] for line in lines} == {"numpy"}
    assert [line.split()[3] for line in lines[::4]] == ["1", "2"]


def test_strict_exits_non_zero_only_on_a_miss(losses, monkeypatch, capsys):
    def missed(seed, backend):
        return {"made-up figure (<= 1)": (2.0, False)}

    def met(seed, backend):
        return {"made-up figure (<= 1)": (0.5, True)}

    argv = ["--backend", "numpy", "--seeds", "5"]
    monkeypatch.setattr(losses, "CHECKS", [met, missed])
    assert losses.main(argv) == 0  # without --strict: verdicts only
    assert "MISS numpy seed   5  made-up figure" in capsys.readouterr().out
    assert losses.main([*argv, "--strict"]) == 1
    monkeypatch.setattr(losses, "CHECKS", [met])
    assert losses.main([*argv, "--strict"]) == 0
