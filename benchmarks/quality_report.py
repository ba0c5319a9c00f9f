"""What the quality benchmark prints: per-task tables (text and Markdown),
summary lines, the time-to-accuracy table and the targets' texts.

Accuracy prints in percent and its differences in accuracy points ("pt",
0.5 pt = 0.005); R² and its differences as they are. Ratios are ours over
scikit-learn's MLP.
"""

import math
import statistics

from contenders import SKLEARN
from quality_contenders import HGB
from report import markdown_table, text_table
from time_to_accuracy import Reached, outcome

TASK_TITLES = {
    "classifier": "classification, accuracy (%)",
    "regressor": "regression, R²",
}


def fmt_score(task, value):
    if math.isnan(value):
        return "failed"
    return f"{100 * value:.2f}" if task == "classifier" else f"{value:.4f}"


def fmt_diff(task, value):
    if math.isnan(value):
        return "n/a"
    return f"{100 * value:+.2f} pt" if task == "classifier" else f"{value:+.4f}"


def fmt_ratio(value):
    return "n/a" if math.isnan(value) else f"{value:.2f}×"


def _shape(record):
    n, d = record.shape
    return f"{n:,}×{d}"


def folds_text(record):
    """The fits behind a score: "5" folds, or "5×3" (folds × repeats)."""
    folds = len(record.scores) // record.repeats
    return f"{folds}×{record.repeats}" if record.repeats > 1 else str(folds)


def dataset_line(dataset, n_folds, records):
    """Progress line: each contender's score and fit time on one set."""
    records = list(records)
    cells = ", ".join(
        f"{r.name} {fmt_score(r.task, r.score)} in {r.fit_time:.2f} s" for r in records
    )
    folds = "1 hold-out split" if n_folds == 1 else f"{n_folds} folds"
    if records[0].repeats > 1:
        folds += f" × {records[0].repeats} repeats"
    return f"  {dataset.name} ({_shape(records[0])}, {folds}): {cells}"


def _by_set(records, task):
    out = {}
    for r in records:
        if r.task == task:
            out.setdefault(r.dataset, {})[r.name] = r
    return out


def _comparison(record, ref):
    """(score difference, time ratio) of ``record`` against ``ref``."""
    if ref is None or record is ref:
        return math.nan, math.nan
    diff = record.score - ref.score
    t = record.fit_time / ref.fit_time if ref.fit_time else math.nan
    return diff, t


def _epochs(record):
    return f"{statistics.fmean(record.epochs):.0f}" if record.epochs else ""


def _text_rows(records, task):
    rows = []
    for dataset, by_name in _by_set(records, task).items():
        ref = by_name.get(SKLEARN[task])
        hgb = by_name.get(HGB[task])
        for i, (name, r) in enumerate(by_name.items()):
            diff, t = _comparison(r, ref)
            to_hgb = _comparison(r, hgb)[0]
            rows.append(
                [
                    dataset if i == 0 else "",
                    _shape(r) if i == 0 else "",
                    folds_text(r) if i == 0 else "",
                    name,
                    fmt_score(task, r.score),
                    "—" if r is ref else fmt_diff(task, diff),
                    "" if hgb is None or r is hgb else fmt_diff(task, to_hgb),
                    f"{r.fit_time:.2f}",
                    "—" if r is ref else fmt_ratio(t),
                    _epochs(r),
                    str(r.convergence_warnings),
                ]
            )
    return rows


TEXT_HEADER = [
    "data set",
    "n×d",
    "folds",
    "contender",
    "score",
    "Δ vs MLP",
    "Δ vs HGB",
    "fit s",
    "× MLP",
    "epochs",
    "conv. warnings",
]


def _markdown_cell(task, r, ref):
    if r is None:
        return ""
    cell = f"{fmt_score(task, r.score)}, {r.fit_time:.2f} s"
    if ref is not None and r is not ref:
        diff, t = _comparison(r, ref)
        cell = (
            f"{fmt_score(task, r.score)} ({fmt_diff(task, diff)}), "
            f"{r.fit_time:.2f} s ({fmt_ratio(t)})"
        )
    return cell


def markdown_rows(records, task):
    """Header and rows of the wide Markdown table of ``task``."""
    by_set = _by_set(records, task)
    names = list(dict.fromkeys(n for rs in by_set.values() for n in rs))
    header = ["data set", "n × d", "folds", *names]
    rows = []
    for dataset, by_name in by_set.items():
        first = next(iter(by_name.values()))
        ref = by_name.get(SKLEARN[task])
        cells = [_markdown_cell(task, by_name.get(n), ref) for n in names]
        rows.append([dataset, _shape(first), folds_text(first), *cells])
    return header, rows


def summary_line(s):
    task = s["task"]
    return (
        f"  {s['name']}: worst {s['worst_set']} ({fmt_diff(task, s['worst_diff'])}), "
        f"mean difference {fmt_diff(task, s['mean_diff'])}, total fit time "
        f"{s['fit_time']:.1f} s vs {s['reference_fit_time']:.1f} s "
        f"({fmt_ratio(s['time_ratio'])} {s['reference']})"
    )


def warning_lines(records):
    """Who still warned (ConvergenceWarning) or failed, set by set."""
    lines = []
    for r in records:
        if r.convergence_warnings:
            lines.append(
                f"  {r.name} on {r.dataset}: {r.convergence_warnings} "
                f"ConvergenceWarning(s) in {len(r.scores)} folds"
            )
        for error in dict.fromkeys(r.errors):
            lines.append(f"  {r.name} on {r.dataset} failed: {error}")
    return lines


def tta_lines(tta):
    ref = tta["reference_seconds"]
    lines = [
        f"\n**time to accuracy** on {tta['dataset']} ({tta['n_train']:,} training, "
        f"{tta['n_validation']:,} validation rows): target = {tta['reference']}'s "
        f"validation accuracy {100 * tta['target_accuracy']:.2f}%\n"
    ]
    header = ["contender", "time to target", "× MLP fit", "epoch", "best accuracy"]
    rows = []
    for r in tta["results"]:
        reached = math.isfinite(r["seconds"])
        rows.append(
            [
                r["name"],
                f"{r['seconds']:.1f} s" if reached else "not reached",
                fmt_ratio(r["seconds"] / ref) if reached else "n/a",
                "all" if r["epoch"] < 0 else (str(r["epoch"]) if reached else "—"),
                f"{100 * r['best_accuracy']:.2f}% (epoch {r['best_epoch']})"
                if r["epoch"] >= 0
                else f"{100 * r['best_accuracy']:.2f}%",
            ]
        )
    return lines + markdown_table(header, rows)


def report(records, summaries, tta):
    """Every line of the report after the progress lines."""
    out = []
    for task in ("classifier", "regressor"):
        if not any(r.task == task for r in records):
            continue
        out.append(f"\n{TASK_TITLES[task]}, mean over folds; fit s per fold:\n")
        out += text_table(TEXT_HEADER, _text_rows(records, task))
    out.append("\nsummary, against scikit-learn's MLP:")
    out += [summary_line(s) for s in summaries if s["reference"] in SKLEARN.values()]
    to_hgb = [s for s in summaries if s["reference"] in HGB.values()]
    if to_hgb:
        out.append("\nsummary, against gradient boosting (real tasks):")
        out += [summary_line(s) for s in to_hgb]
    warned = warning_lines(records)
    if warned:
        out.append("\nwarnings (silenced) and failures:")
        out += warned
    out.append("\nMarkdown (score (difference), fit time per fold (ratio)):")
    for task in ("classifier", "regressor"):
        if any(r.task == task for r in records):
            out.append(f"\n**{TASK_TITLES[task]}**\n")
            out += markdown_table(*markdown_rows(records, task))
    if tta:
        out += tta_lines(tta)
    return out


def target_text(s, what, key, limit, lower_bound):
    """How a quality target prints, e.g. ``RumelhartClassifier worst data set
    >= -0.50 pt vs MLPClassifier: digits -1.23 pt``."""
    task = s["task"]
    sign = ">=" if lower_bound else "<="
    if key == "time_ratio":
        return (
            f"{s['name']} {what} {sign} {limit:g}x {s['reference']}: "
            f"{fmt_ratio(s[key])} ({s['fit_time']:.1f} s / "
            f"{s['reference_fit_time']:.1f} s)"
        )
    where = f"{s['worst_set']} " if key == "worst_diff" else ""
    return (
        f"{s['name']} {what} {sign} {fmt_diff(task, limit)} vs {s['reference']}: "
        f"{where}{fmt_diff(task, s[key])}"
    )


def tta_target_text(tta, r, measured, limit):
    ref = tta["reference_seconds"]
    what = (
        f"{r['name']} time to {tta['reference']}'s accuracy "
        f"({100 * tta['target_accuracy']:.2f}%) <= {limit:g}x its fit time: "
    )
    if math.isinf(measured):
        return what + outcome(Reached(**r), ref)
    return what + f"{measured:.2f}x ({r['seconds']:.1f} s / {ref:.1f} s)"
