"""Performance targets as data: what was measured, its limit, how to compare.

A :class:`Target` is one row of a targets table; the benchmarks build their
rows from what they measured (:func:`check_targets` for ``run.py``, the
quality benchmark its own) and share the verdicts and the exit status.
"""

import math
import operator
import statistics
from collections.abc import Callable
from dataclasses import dataclass

from contenders import (
    NUMPY_ESTIMATORS,
    NUMPY_LOOP,
    SKLEARN,
    SKORCH,
    TORCH_ESTIMATORS,
    TORCH_LOOP,
)
from memory import MEMORY_SHAPE

at_most = operator.le
at_least = operator.ge


@dataclass(frozen=True)
class Target:
    """One target: ``check(measured, limit)`` says whether it holds.

    ``text`` is how the target prints, measured value included; NaN fails
    every comparison, so a target that could not be measured fails.
    """

    text: str
    measured: float
    limit: float
    check: Callable[[float, float], bool] = at_most

    @property
    def ok(self):
        return bool(self.check(self.measured, self.limit))


def verdict(target):
    """``PASS  text`` or ``FAIL  text``."""
    return ("PASS  " if target.ok else "FAIL  ") + target.text


def n_failed(targets):
    return sum(not t.ok for t in targets)


def exit_status(targets, strict):
    """1 under ``--strict`` when a target failed, else 0."""
    return 1 if strict and n_failed(targets) else 0


def ratio(numerator, denominator):
    """``numerator / denominator``, NaN (a failed target) if undefined."""
    if not denominator or not math.isfinite(denominator):
        return math.nan
    return numerator / denominator


# -- the speed benchmark's targets (issue 6) ----------------------------------
#: Time per epoch, ours over a reference: (backend of ours, reference, limit);
#: at batch 64 and full batch only.
SPEED_TABLE = [
    (NUMPY_ESTIMATORS, SKLEARN, 0.5),
    (NUMPY_ESTIMATORS, NUMPY_LOOP, 1.3),
    (TORCH_ESTIMATORS, SKORCH, 0.35),
    (TORCH_ESTIMATORS, TORCH_LOOP, 1.1),
]
SPEED_BATCHES = ("64", "full")
#: 10x the samples costs at most this many times the time per epoch.
LINEAR_LIMIT = 11
#: ``predict`` at most this many times scikit-learn's time.
PREDICT_LIMIT = 1.0
#: Fit memory beyond X at most this many times the size of X.
MEMORY_LIMIT = 1.5
#: ``import rumelhart`` under this many seconds, torch not imported.
IMPORT_LIMIT = 1.0


def _name_of(names, task):
    return names[task] if isinstance(names, dict) else names


def _speed_targets(results):
    out = []
    for (task, n, batch, dtype), med in sorted(results.items()):
        if batch not in SPEED_BATCHES:
            continue
        where = f"{task} n={n} batch={batch} {dtype}"
        for ours, reference, limit in SPEED_TABLE:
            a, b = _name_of(ours, task), _name_of(reference, task)
            if a in med and b in med:
                r = med[a] / med[b]
                text = f"{a} <= {limit:g}x {b}, {where}: {r:.2f}x"
                out.append(Target(text, r, limit))
    return out


def _scaling_targets(scaling):
    out = []
    for (name, batch, dtype, n), ratios in sorted((scaling or {}).items()):
        r = statistics.median(ratios)
        text = (
            f"{name} linear, n={n}->{10 * n} batch={batch} {dtype}: "
            f"{r:.2f}x time per epoch for 10x samples"
        )
        out.append(Target(text, r, LINEAR_LIMIT))
    return out


def _predict_targets(predict):
    out = []
    for task, med in sorted(predict.items()):
        for name in (NUMPY_ESTIMATORS[task], TORCH_ESTIMATORS[task]):
            if name in med and SKLEARN[task] in med:
                r = med[name] / med[SKLEARN[task]]
                text = f"{name}.predict <= {PREDICT_LIMIT:g}x {SKLEARN[task]}: "
                out.append(Target(text + f"{r:.2f}x time", r, PREDICT_LIMIT))
    return out


def _memory_targets(memory):
    out = []
    for m in memory:
        if m["name"] not in {*NUMPY_ESTIMATORS.values(), *TORCH_ESTIMATORS.values()}:
            continue
        # tracemalloc sees every NumPy allocation; torch's only show in the RSS.
        numpy_based = m["name"] in NUMPY_ESTIMATORS.values()
        used = m["traced_peak"] if numpy_based else m["rss_growth"]
        if used is None:
            continue
        r = used / m["x_bytes"]
        how = "tracemalloc peak" if numpy_based else "RSS growth"
        text = (
            f"{m['name']} fit memory on {MEMORY_SHAPE[0]:,}x{MEMORY_SHAPE[1]} "
            f"float32, batch={m['batch']}: {how} {r:.2f}x X"
        )
        out.append(Target(text, r, MEMORY_LIMIT))
    return out


def _import_target(imports):
    torch_imported = imports["imports_torch"]
    text = (
        f"import rumelhart: {imports['rumelhart']:.2f} s (scikit-learn alone "
        f"{imports['sklearn']:.2f} s), imports torch: {torch_imported}"
    )
    return Target(
        text,
        imports["rumelhart"],
        IMPORT_LIMIT,
        check=lambda seconds, limit: not torch_imported and seconds < limit,
    )


def check_targets(results, predict, memory, imports, scaling=None):
    """The speed benchmark's targets, for every one that was measured.

    ``results`` maps ``(task, n, batch, dtype)`` to {name: median s/epoch};
    ``scaling`` (from :func:`timing.time_scaling`) maps ``(name, batch, dtype,
    n)`` to the per-round ratios of the time per epoch at ``10 n`` and at
    ``n``.
    """
    targets = _speed_targets(results)
    targets += _scaling_targets(scaling)
    targets += _predict_targets(predict)
    targets += _memory_targets(memory)
    if imports:
        targets.append(_import_target(imports))
    return targets
