"""What the benchmarks print: the machine, tables, the targets' verdicts."""

import contextlib
import math
import os
import platform
import shutil
import subprocess

import numpy as np

from contenders import SKLEARN, contender_names, has_module
from memory import MEMORY_SHAPE
from targets import n_failed, verdict


# -- generic tables ------------------------------------------------------------
def markdown_table(header, rows):
    """Lines of a Markdown table; ``rows`` are sequences of cells."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def text_table(header, rows):
    """Lines of a plain-text table, columns aligned (numbers to the right)."""
    cells = [list(header)] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row, first=False):
        out = []
        for i, cell in enumerate(row):
            numeric = not first and _looks_numeric(cell)
            out.append(cell.rjust(widths[i]) if numeric else cell.ljust(widths[i]))
        return "  ".join(out).rstrip()

    return [line(cells[0], first=True), "  ".join("-" * w for w in widths)] + [
        line(row) for row in cells[1:]
    ]


def _looks_numeric(cell):
    head = cell.lstrip("+-−").split(" ")[0].rstrip("×%s")
    return head.replace(".", "", 1).replace(",", "").isdigit()


# -- the machine ---------------------------------------------------------------
def _cpu_model():
    cpu = platform.processor() or "unknown"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return cpu


def _versions():
    import scipy
    import sklearn

    versions = [
        f"python {platform.python_version()}",
        f"numpy {np.__version__}",
        f"scipy {scipy.__version__}",
        f"scikit-learn {sklearn.__version__}",
    ]
    if has_module("torch"):
        import torch

        versions.append(
            f"torch {torch.__version__} ({torch.get_num_threads()} threads)"
        )
    if has_module("skorch"):
        import skorch

        versions.append(f"skorch {skorch.__version__}")
    return versions


def _thread_pools():
    with contextlib.suppress(ImportError):
        from threadpoolctl import threadpool_info

        return ", ".join(
            f"{i['internal_api']} {i.get('version')} ({i['num_threads']} threads)"
            for i in threadpool_info()
        )
    return ""


def machine_description():
    """nproc, CPU model, versions and thread counts, as lines of text."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return [
        f"CPU: {_cpu_model()}, nproc={os.cpu_count()}, load average at start "
        f"{load:.2f}",
        "versions: " + ", ".join(_versions()),
        f"BLAS/OpenMP: {_thread_pools()}",
    ]


def uptime():
    """The output of ``uptime`` (load averages), or the load from the OS."""
    if shutil.which("uptime"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            return subprocess.run(
                ["uptime"], capture_output=True, text=True, check=True, timeout=10
            ).stdout.strip()
    if hasattr(os, "getloadavg"):
        return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return "load average: unknown"


# -- the speed benchmark's tables ------------------------------------------------
def _batch_key(batch):
    return math.inf if batch == "full" else int(batch)


def _with_ratio(seconds, ref):
    cell = f"{1e3 * seconds:.1f}"
    return cell + (f" ({seconds / ref:.2f}×)" if ref else "")


def _training_table(task, rows):
    names = [n for n in contender_names(task) if any(n in v for v in rows.values())]
    out = [f"\n**{task}**, ms per epoch (ratio to {SKLEARN[task]})\n"]
    out.append("| n | batch | dtype | " + " | ".join(names) + " |")
    out.append("|---|---|---|" + "---|" * len(names))
    for (_, n, batch, dtype), med in sorted(
        rows.items(), key=lambda kv: (kv[0][1], _batch_key(kv[0][2]), kv[0][3])
    ):
        ref = med.get(SKLEARN[task])
        cells = [_with_ratio(med[name], ref) if name in med else "" for name in names]
        out.append(f"| {n:,} | {batch} | {dtype} | " + " | ".join(cells) + " |")
    return out


def _predict_table(task, med):
    out = [f"\n**predict**, {task}: ms for the rows shown (ratio to sklearn)\n"]
    out.append("| " + " | ".join(med) + " |")
    out.append("|" + "---|" * len(med))
    ref = med.get(SKLEARN[task])
    out.append("| " + " | ".join(_with_ratio(v, ref) for v in med.values()) + " |")
    return out


def _size(n_bytes, x_bytes):
    if n_bytes is None:
        return "n/a"
    return f"{n_bytes / 2**20:.0f} MiB ({n_bytes / x_bytes:.2f}× X)"


def _memory_table(memory):
    out = [
        f"\n**fit memory**, {MEMORY_SHAPE[0]:,} × {MEMORY_SHAPE[1]} float32 "
        f"(X is {MEMORY_SHAPE[0] * MEMORY_SHAPE[1] * 4 / 2**20:.0f} MiB)\n",
        "| estimator | batch | tracemalloc peak | RSS growth |",
        "|---|---|---|---|",
    ]
    for m in memory:
        traced = _size(m["traced_peak"], m["x_bytes"])
        rss = _size(m["rss_growth"], m["x_bytes"])
        out.append(f"| {m['name']} | {m['batch']} | {traced} | {rss} |")
    return out


def markdown_tables(results, predict, memory):
    """The results as Markdown tables (ms per epoch, ratios to scikit-learn)."""
    out = []
    for task in ("classifier", "regressor"):
        rows = {k: v for k, v in results.items() if k[0] == task}
        if rows:
            out += _training_table(task, rows)
    for task, med in sorted(predict.items()):
        out += _predict_table(task, med)
    if memory:
        out += _memory_table(memory)
    return "\n".join(out)


# -- targets ----------------------------------------------------------------------
def target_lines(targets, seconds):
    """``targets:``, a verdict per target, then the count and the run time."""
    failed = n_failed(targets)
    return [
        "\ntargets:",
        *(verdict(t) for t in targets),
        f"\n{len(targets) - failed} passed, {failed} failed, {seconds:.0f} s",
    ]
