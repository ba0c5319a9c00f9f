"""Are rumelhart's estimators, at their defaults, as accurate as scikit-learn's
MLP, and faster to get there? One command::

    python benchmarks/quality.py                     # the tuning half (default)
    python benchmarks/quality.py --half reporting    # quote, never tune, on this
    python benchmarks/quality.py --quick             # small tasks, 3 folds
    python benchmarks/quality.py --only digits,wine --no-tta
    python benchmarks/quality.py --half all --strict --json quality.json

The corpus (``quality_sets.py``: legacy sets, generated families, real
tabular tasks) is split once into a tuning half and a reporting half
(``corpus_split.tsv``). On every task of the chosen half, every contender
(``quality_contenders.py``: our four estimators at their defaults,
scikit-learn's MLP at its defaults with ``max_iter=1000``, on real tasks
``HistGradientBoosting*`` at its defaults, skorch with ``--skorch``) is
cross-validated on the same folds: accuracy or R², the mean fit time per
fold and the epochs run; sets of up to 2,000 rows three times, each with its
own folds and seeds (``quality_sets.repeats_for``, ``--repeats``). The
folds are interleaved: each fold fits every contender, in an order rotated
from fold to fold. Warnings are silenced
and counted. The report gives every task, the worst task and the mean per
estimator, against the MLP and, on real tasks, against gradient boosting.
Then, on the 200,000-row set, the time our classifiers take to reach the
MLP's validation accuracy (``time_to_accuracy.py``), and the targets.

Thread pools are pinned (``--threads``, 1 by default): BLAS and OpenMP with
``threadpoolctl.threadpool_limits`` and torch with ``torch.set_num_threads``,
so that no library oversubscribes the cores; the header says what was
pinned.
"""

import argparse
import contextlib
import json
import math
import statistics
import sys
import time
import warnings
from collections import Counter
from dataclasses import asdict, dataclass, field

from sklearn.model_selection import cross_validate

import quality_report
from contenders import NUMPY_ESTIMATORS, SKLEARN, SKORCH, TORCH_ESTIMATORS
from quality_contenders import HGB, available, pipelines
from quality_sets import CLF, REG, SEED, find, load, repeats_for, select, splits
from report import machine_description, target_lines, uptime
from targets import Target, at_least, at_most, exit_status, ratio
from time_to_accuracy import time_to_accuracy
from timing import Pauser, run_order

#: The set of the time-to-accuracy run.
TTA_DATASET = "classification_200k"
#: --quick: the table's quick sets, at most this many folds, no time to accuracy.
QUICK_FOLDS = 3

#: The targets of each of our estimators (issue 19): (what, summary key,
#: limit per task, check). Score differences are ours - scikit-learn's, as
#: fractions (0.01 is one accuracy point); times are ours / scikit-learn's.
QUALITY_TARGETS = [
    ("worst data set", "worst_diff", {CLF: -0.01, REG: -0.02}, at_least),
    ("mean score difference", "mean_diff", {CLF: 0.0, REG: 0.0}, at_least),
    ("total fit time", "time_ratio", {CLF: 0.6, REG: 0.6}, at_most),
]
#: Time to scikit-learn's accuracy, ours / its fit time.
TTA_LIMIT = 0.5


# -- cross-validation --------------------------------------------------------
@dataclass
class Record:
    """One contender on one data set: a score and a fit time per fold."""

    dataset: str
    task: str
    name: str
    shape: tuple
    scores: list = field(default_factory=list)
    fit_times: list = field(default_factory=list)
    warnings: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    epochs: list = field(default_factory=list)  # n_iter_ per fold, if any
    repeats: int = 1  # cross-validations, each with its own folds and seeds

    @property
    def score(self):
        """Mean over the folds (of every repeat); NaN if a fold failed."""
        return statistics.fmean(self.scores) if self.scores else math.nan

    @property
    def fit_time(self):
        return statistics.fmean(self.fit_times) if self.fit_times else math.nan

    @property
    def convergence_warnings(self):
        return self.warnings.get("ConvergenceWarning", 0)


@contextlib.contextmanager
def counted_warnings(counts):
    """Silence warnings, adding up their categories' names in ``counts``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    counts.update(w.category.__name__ for w in caught)


def _fit_fold(model, X, y, fold, record):
    counts = Counter(record.warnings)
    with counted_warnings(counts):
        try:
            cv = cross_validate(
                model, X, y, cv=[fold], error_score="raise", return_estimator=True
            )
        except Exception as exc:  # a contender that fails scores NaN
            record.scores.append(math.nan)
            record.fit_times.append(math.nan)
            record.errors.append(f"{type(exc).__name__}: {exc}"[:300])
        else:
            record.scores.append(float(cv["test_score"][0]))
            record.fit_times.append(float(cv["fit_time"][0]))
            epochs = getattr(cv["estimator"][0][-1], "n_iter_", None)
            if epochs is not None:
                record.epochs.append(int(epochs))
    record.warnings = dict(counts)


def evaluate(dataset, options, wait, log=print):
    """Cross-validate every contender on ``dataset``: a Record each. Small
    sets are cross-validated ``repeats_for`` times, repeat r with folds
    shuffled by and contenders seeded with SEED + r."""
    X, y = load(dataset)
    repeats = options.repeats or repeats_for(len(y))
    n_outputs = len(set(y.tolist())) if dataset.task == CLF else 1
    records = None
    turn = 0  # rotates the order of the contenders from fold to fold
    for seed in range(SEED, SEED + repeats):
        folds = splits(dataset, X, y, options.max_folds, seed=seed)
        models = pipelines(
            dataset.task,
            X.shape[1],
            n_outputs,
            options.with_torch,
            options.with_skorch,
            frame=hasattr(X, "columns"),
            with_hgb=dataset.origin == "real",
            seed=seed,
        )
        records = records or {
            name: Record(
                dataset.name, dataset.task, name, tuple(X.shape), repeats=repeats
            )
            for name in models
        }
        for fold in folds:
            for name in run_order(list(models), turn):
                wait(name)
                _fit_fold(models[name], X, y, fold, records[name])
            turn += 1
    log(quality_report.dataset_line(dataset, len(folds), records.values()))
    return list(records.values())


# -- summaries and targets -----------------------------------------------------
def ours_names(task, with_torch=True):
    names = [NUMPY_ESTIMATORS[task]]
    return [*names, TORCH_ESTIMATORS[task]] if with_torch else names


def summarize(records, name, task, reference=None):
    """Compare ``name`` with ``reference`` (scikit-learn's MLP by default)
    over the data sets of ``task`` where both ran.

    Returns None when they never ran together; else the per-set
    differences, the worst set, the mean difference and the ratio of the
    total fit times.
    """
    reference = reference or SKLEARN[task]
    by_set = {}
    for r in records:
        if r.task == task:
            by_set.setdefault(r.dataset, {})[r.name] = r
    pairs = [
        (ds, rs[name], rs[reference])
        for ds, rs in by_set.items()
        if name in rs and reference in rs
    ]
    if not pairs:
        return None
    diffs = {ds: ours.score - ref.score for ds, ours, ref in pairs}
    # A NaN difference (a failed fit) is the worst there is.
    worst = min(diffs, key=lambda ds: -math.inf if math.isnan(diffs[ds]) else diffs[ds])
    ours_time = sum(ours.fit_time for _, ours, _ in pairs)
    ref_time = sum(ref.fit_time for _, _, ref in pairs)
    return {
        "name": name,
        "task": task,
        "reference": reference,
        "diffs": diffs,
        "worst_set": worst,
        "worst_diff": diffs[worst],
        "mean_diff": statistics.fmean(diffs.values()),
        "fit_time": ours_time,
        "reference_fit_time": ref_time,
        "time_ratio": ratio(ours_time, ref_time),
    }


def quality_targets(summaries):
    """A Target per (our estimator, row of QUALITY_TARGETS)."""
    out = []
    for s in summaries:
        for what, key, limits, check in QUALITY_TARGETS:
            limit = limits[s["task"]]
            text = quality_report.target_text(s, what, key, limit, check is at_least)
            out.append(Target(text, s[key], limit, check))
    return out


def tta_targets(tta):
    """A Target per classifier of the time-to-accuracy run."""
    if not tta:
        return []
    out = []
    ref = tta["reference_seconds"]
    for r in tta["results"]:
        if r["name"] == tta["reference"]:
            continue
        measured = ratio(r["seconds"], ref) if math.isfinite(r["seconds"]) else math.inf
        text = quality_report.tta_target_text(tta, r, measured, TTA_LIMIT)
        out.append(Target(text, measured, TTA_LIMIT, at_most))
    return out


# -- the command line --------------------------------------------------------------
def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--half",
        choices=["tuning", "reporting", "all"],
        default="tuning",
        help="which half of the corpus (tuning; choose defaults on it only)",
    )
    p.add_argument(
        "--quick", action="store_true", help="the half's small tasks, 3 folds"
    )
    p.add_argument("--strict", action="store_true", help="exit 1 if a target fails")
    p.add_argument(
        "--only", type=lambda s: s.split(","), help="data sets to run (names)"
    )
    p.add_argument(
        "--repeats",
        type=int,
        help="cross-validations per set (default: 3 up to 2,000 rows, else 1)",
    )
    p.add_argument("--json", help="write the raw results to this file")
    p.add_argument("--no-tta", action="store_true", help="skip time to accuracy")
    p.add_argument(
        "--tta", default=TTA_DATASET, help=f"time-to-accuracy set ({TTA_DATASET})"
    )
    p.add_argument("--skorch", action="store_true", help="add skorch (slow)")
    p.add_argument("--no-skorch", action="store_true", help="(the default)")
    p.add_argument(
        "--threads",
        type=int,
        default=1,
        help="pin BLAS, OpenMP and torch to this many threads (1; 0: the "
        "libraries' defaults)",
    )
    p.add_argument(
        "--pause",
        type=float,
        default=0.3,
        help="seconds of sleep between NumPy- and torch-based contenders (0.3)",
    )
    return p.parse_args(argv)


@dataclass
class Options:
    """What the command line chose, resolved."""

    datasets: list
    max_folds: int | None
    repeats: int | None  # None: by size (quality_sets.repeats_for)
    with_torch: bool
    with_skorch: bool
    tta: object  # a DataSet, or None


def resolve(args):
    with_torch, with_skorch = available()
    datasets = select(args.only, args.quick, args.half)
    tta = None
    wanted = args.only is None or args.tta in args.only
    if wanted and not (args.no_tta or args.quick):
        tta = find(args.tta)
        if tta is None or tta.task != CLF:
            raise SystemExit(f"--tta {args.tta}: not a classification set")
    return Options(
        datasets,
        QUICK_FOLDS if args.quick else None,
        1 if args.quick else args.repeats,
        with_torch,
        with_skorch and args.skorch and not args.no_skorch,
        tta,
    )


@contextlib.contextmanager
def thread_limit(n):
    """Every library limited to ``n`` threads (no limit when None or 0)."""
    if not n:
        yield
        return
    from threadpoolctl import threadpool_limits

    torch_threads = None
    if "torch" in sys.modules or available()[0]:
        import torch

        torch_threads = torch.get_num_threads()
        torch.set_num_threads(n)
    with threadpool_limits(limits=n):
        yield
    if torch_threads is not None:
        torch.set_num_threads(torch_threads)


def pinning_lines(n, with_torch):
    """How the thread pools are pinned, as the libraries report it inside
    :func:`thread_limit`."""
    if not n:
        return ["threads: not pinned (the libraries' defaults)"]
    from threadpoolctl import threadpool_info

    with thread_limit(n):
        pools = [f"{p['internal_api']} {p['num_threads']}" for p in threadpool_info()]
        if with_torch:
            import torch

            pools.append(f"torch {torch.get_num_threads()}")
    return [
        f"threads pinned to {n}: threadpoolctl.threadpool_limits({n}) on BLAS and "
        f"OpenMP, torch.set_num_threads({n}); pools inside: {', '.join(pools)}"
    ]


def _header(args, options):
    """Print the title, the machine and what is left out; the lines printed."""
    lines = [
        "rumelhart quality benchmark: defaults against scikit-learn's MLP",
        f"uptime: {uptime()}",
        *machine_description(),
    ]
    lines += pinning_lines(args.threads, options.with_torch)
    n_real = sum(d.origin == "real" for d in options.datasets)
    which = "--only" if args.only else f"{args.half} half"
    quick = ", --quick" if args.quick else ""
    lines.append(f"tasks: {len(options.datasets)} ({which}{quick}), {n_real} real")
    if not options.with_torch:
        lines.append("torch not installed: torch estimators and skorch left out")
    elif not options.with_skorch:
        lines.append("skorch left out (add it with --skorch)")
    for line in lines:
        print(line)
    return lines


def _run(options, pause):
    wait = Pauser(pause)
    print(f"\ncross-validation, {len(options.datasets)} data sets:")
    records = []
    for dataset in options.datasets:
        records += evaluate(dataset, options, wait)
    tta = None
    if options.tta is not None:
        print(f"\ntime to accuracy on {options.tta.name}:")
        names = ours_names(CLF, options.with_torch)
        tta = time_to_accuracy(options.tta, names, options.with_torch, wait=wait)
    return records, tta


def _summaries(records, with_torch):
    """Ours (and skorch) against the MLP; ours and the MLP against gradient
    boosting, where it ran (the real tasks)."""
    out = []
    for task in (CLF, REG):
        for name in [*ours_names(task, with_torch), SKORCH]:
            s = summarize(records, name, task)
            if s is not None:
                out.append(s)
    for task in (CLF, REG):
        for name in [*ours_names(task, with_torch), SKLEARN[task]]:
            s = summarize(records, name, task, reference=HGB[task])
            if s is not None:
                out.append(s)
    return out


def _save(path, header, args, records, summaries, tta, targets, seconds):
    raw = {
        "args": vars(args),
        "header": header,
        "uptime_at_end": uptime(),
        "seconds": seconds,
        "records": [
            {**asdict(r), "score": r.score, "fit_time": r.fit_time} for r in records
        ],
        "summaries": summaries,
        "time_to_accuracy": tta,
        "targets": [
            {"text": t.text, "measured": t.measured, "limit": t.limit, "ok": t.ok}
            for t in targets
        ],
    }
    with open(path, "w") as f:
        json.dump(raw, f, indent=1, default=str)


def main(argv=None):
    """Run the benchmark; the exit status (non-zero only under ``--strict``)."""
    args = parse_args(argv)
    options = resolve(args)
    started = time.perf_counter()
    header = _header(args, options)
    with thread_limit(args.threads):
        records, tta = _run(options, args.pause)
    summaries = _summaries(records, options.with_torch)
    ours = [
        s
        for s in summaries
        if s["name"] != SKORCH and s["reference"] == SKLEARN[s["task"]]
    ]
    targets = quality_targets(ours) + tta_targets(tta)
    for line in quality_report.report(records, summaries, tta):
        print(line)
    seconds = time.perf_counter() - started
    for line in target_lines(targets, seconds):
        print(line)
    print("uptime at the end:", uptime())
    if args.json:
        _save(args.json, header, args, records, summaries, tta, targets, seconds)
    return exit_status(targets, args.strict)


if __name__ == "__main__":
    sys.exit(main())
