"""The adversarial scenarios of ``adversarial_cases.py`` against every estimator:
none crashes, none loses the caller's data or the estimator's state."""

import pytest

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
