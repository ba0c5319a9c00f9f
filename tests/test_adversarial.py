"""The adversarial scenarios of ``adversarial_cases.py`` against every estimator:
none crashes, none loses the caller's data or the estimator's state."""

import signal
import time

import pytest

from rumelhart import RumelhartClassifier

from . import adversarial_cases
from .adversarial_cases import SCENARIOS
from .conftest import ESTIMATORS

MATRIX = [
    pytest.param(cls, scenario, id=f"{cls.__name__}-{scenario.id}")
    for scenario in SCENARIOS
    for cls in ESTIMATORS
    if scenario.applies(cls)
]


@pytest.mark.parametrize(("cls", "scenario"), MATRIX)
def test_scenario_neither_crashes_nor_loses_data(cls, scenario, tmp_path):
    try:
        outcome = scenario.run(cls, tmp_path)
    except Exception as exc:  # a crash: anything the scenario did not expect
        pytest.fail(f"crashed: {type(exc).__name__}: {exc}")
    assert not outcome.crashed, outcome.notes
    assert not outcome.lost_data, outcome.notes


def test_matrix_size():
    print(f"\n{len(SCENARIOS)} scenarios, {len(MATRIX)} scenario x estimator items")
    assert len(MATRIX) >= 60


# -- the signal scenario needs nothing from the terminal (issue 22, item 8) -----
def _sigint_scenario():
    return next(s for s in SCENARIOS if s.run is adversarial_cases.real_sigint)


@pytest.mark.parametrize("inherited", [signal.SIG_IGN, signal.default_int_handler])
def test_real_sigint_needs_no_inherited_handler_and_restores_it(inherited):
    """Started in the background of a non-interactive shell (``cmd &``), under
    nohup or by some CI runners, a process ignores SIGINT: the scenario sets
    the handler it relies on for its own duration, and puts back the one it
    found."""
    previous = signal.signal(signal.SIGINT, inherited)
    try:
        started = time.monotonic()
        outcome = _sigint_scenario().run(RumelhartClassifier, None)
        seconds = time.monotonic() - started
        assert signal.getsignal(signal.SIGINT) is inherited
    finally:
        signal.signal(signal.SIGINT, previous)
    assert not outcome.crashed and not outcome.lost_data, outcome.notes
    assert seconds < 10 * (0.3 + 1)  # ten fits, each interrupted within 0.3 s


def test_a_sigint_that_never_arrives_ends_the_scenario_in_seconds(monkeypatch):
    monkeypatch.setattr(adversarial_cases, "SIGINT_DEADLINE_S", 1)
    monkeypatch.setattr(adversarial_cases.os, "kill", lambda pid, signum: None)
    started = time.monotonic()
    outcome = _sigint_scenario().run(RumelhartClassifier, None)
    assert time.monotonic() - started < 5
    assert outcome.crashed
    assert outcome.notes == ["fit 0: no SIGINT arrived within 1 s"]
