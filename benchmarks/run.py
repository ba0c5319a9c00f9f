"""Training speed, prediction speed and memory of rumelhart's estimators.

One command times, on the same data and the same network (one hidden layer of
100 logistic units, SGD with momentum 0.9), rumelhart's four estimators
against scikit-learn's MLPClassifier/MLPRegressor, skorch, a plain PyTorch
loop and a bare NumPy loop, then checks the performance targets of issue 6::

    python benchmarks/run.py            # default grid, a few minutes on 2 cores
    python benchmarks/run.py --quick    # about a minute
    python benchmarks/run.py --full     # every size x batch x dtype x task
    python benchmarks/run.py --strict   # exit status 1 if a target fails

Seconds per epoch are the median over ``--repeats`` interleaved repeats of a
fit of a fixed number of epochs (``tol=0``, ``n_iter_no_change`` out of reach,
``max_iter`` fixed) divided by that number, so the fit's fixed costs
(validation, target encoding, set-up) are included, spread over the epochs.
Peak memory of ``fit`` on 1,000,000 x 100 float32 is measured in a fresh
process (tracemalloc peak for the NumPy estimators, growth of the resident
set for everyone). skorch is optional (``pip install skorch -c
constraints.txt``); it is left out when missing.

This file is the command line only: the contenders are in ``contenders.py``,
the timings in ``timing.py``, memory in ``memory.py``, the targets in
``targets.py`` and the tables in ``report.py``.
"""

import argparse
import json
import statistics
import sys
import time
from dataclasses import asdict

from contenders import (
    HIDDEN,
    LR,
    MOMENTUM,
    N_CLASSES,
    N_FEATURES,
    NUMPY_ESTIMATORS,
    SKLEARN,
    TORCH_ESTIMATORS,
    TORCH_LOOP,
    contender_names,
    has_module,
)
from memory import MEMORY_SHAPE, measure_memory
from report import machine_description, markdown_tables, target_lines
from targets import check_targets, exit_status
from timing import (
    Case,
    default_epochs,
    import_time,
    time_case,
    time_predict,
    time_scaling,
)


# -- the grid -------------------------------------------------------------------------
def plan(args):
    """The cases to time, for the chosen preset and flags."""
    if args.full:
        tasks, sizes = ["classifier", "regressor"], [2_000, 20_000, 200_000]
        batches, dtypes = ["64", "256", "full"], ["float32", "float64"]
        grid = [
            (t, n, b, d) for t in tasks for n in sizes for b in batches for d in dtypes
        ]
    elif args.quick:
        grid = [
            ("classifier", 20_000, "64", "float32"),
            ("classifier", 20_000, "full", "float32"),
            ("classifier", 2_000, "64", "float32"),
            ("classifier", 2_000, "full", "float32"),
        ]
    else:
        grid = [
            ("classifier", 20_000, b, d)
            for d in ("float32", "float64")
            for b in ("64", "256", "full")
        ]
        grid += [("regressor", 20_000, b, "float32") for b in ("64", "full")]
        grid += [
            ("classifier", n, b, "float32")
            for n in (2_000, 200_000)
            for b in ("64", "full")
        ]
    # Any axis given on the command line makes the grid the full product.
    if args.tasks or args.sizes or args.batches or args.dtypes:
        tasks = args.tasks or ["classifier"]
        sizes = args.sizes or [20_000]
        batches = args.batches or ["64", "256", "full"]
        dtypes = args.dtypes or ["float32"]
        grid = [
            (t, n, b, d) for t in tasks for n in sizes for b in batches for d in dtypes
        ]
    scale = 0.3 if args.quick else 1.0
    return [
        Case(t, n, b, d, args.epochs or default_epochs(n, b, scale))
        for (t, n, b, d) in grid
    ]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="about a minute")
    p.add_argument("--full", action="store_true", help="the whole grid")
    p.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")])
    p.add_argument("--batches", type=lambda s: s.split(","), help="e.g. 64,256,full")
    p.add_argument("--dtypes", type=lambda s: s.split(","), help="float32,float64")
    p.add_argument("--tasks", type=lambda s: s.split(","), help="classifier,regressor")
    p.add_argument("--repeats", type=int, help="timed fits per contender (median)")
    p.add_argument("--epochs", type=int, help="epochs per timed fit")
    p.add_argument(
        "--only", type=lambda s: s.split(","), help="contenders to time (names)"
    )
    p.add_argument(
        "--pause",
        type=float,
        default=0.3,
        help="seconds of sleep between NumPy- and torch-based contenders (0.3)",
    )
    p.add_argument("--no-skorch", action="store_true")
    p.add_argument("--no-memory", action="store_true")
    p.add_argument("--no-scaling", action="store_true")
    p.add_argument(
        "--scaling-sizes",
        type=lambda s: [int(x) for x in s.split(",")],
        help="sizes of the linearity check (default 2000,20000,200000)",
    )
    p.add_argument(
        "--scaling-epochs", type=int, default=3, help="epochs per fit there (3)"
    )
    p.add_argument("--no-predict", action="store_true")
    p.add_argument("--no-import", action="store_true")
    p.add_argument("--json", help="also write the raw timings to this file")
    p.add_argument(
        "--strict",
        action="store_true",
        help="exit with status 1 when a target fails (default: always 0)",
    )
    args = p.parse_args(argv)
    if args.repeats is None:
        args.repeats = 5
    return args


def _header(with_skorch):
    print("rumelhart benchmark: one hidden layer of", HIDDEN, "logistic units,")
    print(f"  SGD lr={LR} momentum={MOMENTUM}, {N_FEATURES} features, ", end="")
    print(f"{N_CLASSES} classes (regressor: 1 target)")
    for line in machine_description():
        print(line)
    if not with_skorch:
        print("skorch not installed (pip install skorch -c constraints.txt): left out")


def _names_for(task, args, with_skorch, with_torch):
    """The contenders of ``task`` that this run times."""
    names = contender_names(task, with_skorch)
    if not with_torch:
        names = [n for n in names if n not in (TORCH_ESTIMATORS[task], TORCH_LOOP)]
    if args.only:
        names = [n for n in names if n in args.only]
    return names


def _training(args, names_for, raw):
    print("\ntraining, median of", args.repeats, "interleaved repeats:")
    results = {}
    for case in plan(args):
        times = time_case(case, names_for(case.task), args.repeats, pause=args.pause)
        key = (case.task, case.n_samples, case.batch, case.dtype)
        results[key] = {k: statistics.median(v) for k, v in times.items()}
        raw[case.label] = {"case": asdict(case), "seconds_per_epoch": times}
    return results


def _scaling(args, names_for, raw):
    if args.no_scaling:
        return {}
    sizes = args.scaling_sizes or (
        [2_000, 20_000] if args.quick else [2_000, 20_000, 200_000]
    )
    print(f"\nscaling, the same {args.scaling_epochs} epochs at every size:")
    scaling = {}
    for task in ("classifier",):
        ours = [
            n
            for n in (NUMPY_ESTIMATORS[task], TORCH_ESTIMATORS[task])
            if n in names_for(task)
        ]
        scaling.update(
            time_scaling(
                task,
                sizes,
                ["64", "full"],
                ours,
                args.repeats,
                args.scaling_epochs,
                pause=args.pause,
            )
        )
    raw["scaling"] = {str(k): v for k, v in scaling.items()}
    return scaling


def _prediction(args, names_for, raw):
    if args.no_predict:
        return {}
    print("\nprediction:")
    n_predict = 100_000 if args.quick else 200_000
    predict = {}
    for task in sorted({c.task for c in plan(args)}):
        times = time_predict(
            task, n_predict, names_for(task), args.repeats, pause=args.pause
        )
        predict[task] = {k: statistics.median(v) for k, v in times.items()}
        raw[f"predict {task}"] = times
    return predict


def _memory_runs(args, with_torch):
    """(estimator, batch) pairs whose fit memory is measured."""
    clf_np, clf_t = NUMPY_ESTIMATORS["classifier"], TORCH_ESTIMATORS["classifier"]
    runs = [(clf_np, "full")]
    if not args.quick:
        runs.append((clf_np, "256"))
    if with_torch:
        runs.append((clf_t, "full"))
        if not args.quick:
            runs.append((clf_t, "256"))
    if not args.quick:
        runs.append((SKLEARN["classifier"], "256"))
    return runs


def _memory(args, with_torch, raw):
    if args.no_memory:
        return []
    print(f"\nfit memory on {MEMORY_SHAPE[0]:,} x {MEMORY_SHAPE[1]} float32:")
    memory = []
    for name, batch in _memory_runs(args, with_torch):
        m = measure_memory(name, batch)
        memory.append(m)
        rss = m["rss_growth"]
        print(
            f"  {name} batch={batch}: tracemalloc peak "
            f"{m['traced_peak'] / m['x_bytes']:.2f}x X, RSS growth "
            + ("n/a" if rss is None else f"{rss / m['x_bytes']:.2f}x X")
        )
    raw["memory"] = memory
    return memory


def main(argv=None):
    """Run the benchmark; the exit status (non-zero only under ``--strict``)."""
    args = parse_args(argv)
    started = time.perf_counter()
    with_skorch = has_module("skorch") and not args.no_skorch
    with_torch = has_module("torch")
    _header(with_skorch)

    def names_for(task):
        return _names_for(task, args, with_skorch, with_torch)

    raw = {}
    results = _training(args, names_for, raw)
    scaling = _scaling(args, names_for, raw)
    predict = _prediction(args, names_for, raw)
    memory = _memory(args, with_torch, raw)
    imports = None if args.no_import else import_time()
    if imports:
        raw["import"] = imports

    print("\n" + markdown_tables(results, predict, memory))
    targets = check_targets(results, predict, memory, imports, scaling)
    for line in target_lines(targets, time.perf_counter() - started):
        print(line)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(raw, f, indent=1)
    return exit_status(targets, args.strict)


if __name__ == "__main__":
    sys.exit(main())
