"""Timing: seconds per epoch, prediction time, linear cost, import time.

Every timing interleaves the contenders (each round fits every contender
once, in a rotated order), so that a burst of load on the machine spreads
over everyone, and sleeps where the order switches between NumPy- and
torch-based contenders (:class:`Pauser`).
"""

import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

from contenders import family, make_contender, make_data, n_epochs_done, quiet


@dataclass
class Case:
    """One configuration of the training grid."""

    task: str
    n_samples: int
    batch: str  # "64", "256" or "full"
    dtype: str
    epochs: int

    @property
    def batch_size(self):
        return None if self.batch == "full" else int(self.batch)

    @property
    def label(self):
        return f"{self.task} n={self.n_samples} batch={self.batch} {self.dtype}"


def default_epochs(n_samples, batch, scale=1.0):
    """Epochs per timed fit: enough work per fit to time, little in total."""
    visits = 400_000 if batch == "full" else 200_000
    return int(min(40, max(3, round(scale * visits / n_samples))))


def run_order(names, r):
    """The order of round ``r``: families kept together, rotated each round."""
    grouped = sorted(names, key=lambda n: family(n) == "torch")
    k = r % len(grouped)
    return grouped[k:] + grouped[:k]


class Pauser:
    """Sleeps when the next contender runs on other thread pools than the last.

    OpenBLAS's workers spin for a while after each call, and torch's OpenMP
    workers too; on a machine with few cores a contender that starts while
    the other library's workers still spin runs several times slower.
    """

    def __init__(self, pause):
        self.pause = pause
        self.last = None

    def __call__(self, name):
        kind = family(name)
        if self.pause and self.last is not None and kind != self.last:
            time.sleep(self.pause)
        self.last = kind


def _timed_fit(model, X, y):
    started = time.perf_counter()
    model.fit(X, y)
    return time.perf_counter() - started


def time_case(case, names, repeats, data=None, log=print, pause=0.0):
    """Seconds per epoch of every contender: {name: [per-repeat times]}.

    One untimed warm-up fit each, then ``repeats`` rounds, each timing every
    contender once, in a rotated order (interleaved, so that a burst of load
    on the machine spreads over everyone); ``pause`` seconds of sleep where
    the order switches between NumPy- and torch-based contenders.
    """
    X, y = (
        data if data is not None else make_data(case.task, case.n_samples, case.dtype)
    )
    times = {name: [] for name in names}
    wait = Pauser(pause)
    with quiet():
        for name in run_order(names, 0):
            wait(name)
            make_contender(name, case.task, case.batch_size, 1).fit(X, y)
        for r in range(repeats):
            for name in run_order(names, r):
                model = make_contender(name, case.task, case.batch_size, case.epochs)
                wait(name)
                elapsed = _timed_fit(model, X, y)
                done = n_epochs_done(model)
                if done != case.epochs:
                    raise RuntimeError(f"{name} ran {done} epochs, not {case.epochs}")
                times[name].append(elapsed / case.epochs)
    medians = {name: statistics.median(t) for name, t in times.items()}
    log(format_case(case, medians))
    return times


def time_predict(
    task, n_samples, names, repeats, dtype="float32", log=print, pause=0.0
):
    """Seconds to predict ``n_samples`` rows, median over ``repeats``."""
    X_train, y_train = make_data(task, 2000, dtype, seed=1)
    X, _ = make_data(task, n_samples, dtype, seed=2)
    models = {}
    with quiet():
        for name in names:
            models[name] = make_contender(name, task, 256, 1).fit(X_train, y_train)
            models[name].predict(X[:1000])  # warm-up
    times = {name: [] for name in names}
    wait = Pauser(pause)
    for r in range(repeats):
        for name in run_order(names, r):
            wait(name)
            started = time.perf_counter()
            models[name].predict(X)
            times[name].append(time.perf_counter() - started)
    medians = {name: statistics.median(t) for name, t in times.items()}
    log(
        f"  predict {task} n={n_samples} {dtype}: "
        + ", ".join(f"{k} {1e3 * v:.1f} ms" for k, v in medians.items())
    )
    return times


def _scaling_round(name, task, batch_size, epochs, data, sizes, r, wait):
    """One round of one contender: {n: seconds per epoch}, sizes rotated."""
    per_epoch = {}
    for n in sizes[r % len(sizes) :] + sizes[: r % len(sizes)]:
        model = make_contender(name, task, batch_size, epochs)
        wait(name)
        per_epoch[n] = _timed_fit(model, *data[n]) / epochs
    return per_epoch


def time_scaling(
    task, sizes, batches, names, repeats, epochs, dtype="float32", log=print, pause=0.0
):
    """Ratios of the time per epoch at 10 n and at n, for the linearity target.

    Every size is fitted for the same number of epochs (so that a fit's
    fixed costs weigh the same at every size), the sizes and contenders
    interleaved within each round, and each round gives one ratio: a drift
    of the machine's speed during the run cannot fake (or hide) a
    superlinear cost. Returns ``{(name, batch, dtype, n): [ratio per round]}``.
    """
    data = {n: make_data(task, n, dtype) for n in sizes}
    out = {}
    wait = Pauser(pause)
    with quiet():
        for batch in batches:
            batch_size = None if batch == "full" else int(batch)
            for name in names:
                wait(name)
                make_contender(name, task, batch_size, 1).fit(*data[sizes[0]])
            for r in range(repeats):
                for name in run_order(names, r):
                    per_epoch = _scaling_round(
                        name, task, batch_size, epochs, data, sizes, r, wait
                    )
                    for n in sizes:
                        if 10 * n in per_epoch:
                            ratio = per_epoch[10 * n] / per_epoch[n]
                            out.setdefault((name, batch, dtype, n), []).append(ratio)
    for (name, batch, _, n), ratios in sorted(out.items()):
        log(
            f"  {name} batch={batch}: n={n}->{10 * n} "
            f"{statistics.median(ratios):.2f}x (rounds: "
            + ", ".join(f"{x:.2f}" for x in ratios)
            + ")"
        )
    return out


def format_case(case, medians):
    cells = ", ".join(f"{k} {1e3 * v:.2f}" for k, v in medians.items())
    return f"  {case.label} ({case.epochs} epochs): ms/epoch {cells}"


def import_time(repeats=3):
    """Median seconds of ``import rumelhart`` and of scikit-learn alone."""
    code = (
        "import sys, time; t = time.perf_counter(); import {mod}; "
        "print(time.perf_counter() - t, 'torch' in sys.modules)"
    )

    def run(mod):
        out = subprocess.run(
            [sys.executable, "-c", code.format(mod=mod)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        return float(out[0]), out[1] == "True"

    ours = [run("rumelhart") for _ in range(repeats)]
    sklearn = [
        run("sklearn.base, sklearn.metrics, sklearn.model_selection")[0]
        for _ in range(repeats)
    ]
    return {
        "rumelhart": statistics.median(t for t, _ in ours),
        "sklearn": statistics.median(sklearn),
        "imports_torch": any(flag for _, flag in ours),
    }
