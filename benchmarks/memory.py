"""Peak memory of one ``fit``, measured in a fresh process.

:func:`measure_memory` runs this file as a script, which fits one contender
on random data and prints its tracemalloc peak (every NumPy allocation) and
the growth of its peak resident set (torch's allocations too) as one JSON
line; a fresh process keeps earlier fits' caches out of the figures.
"""

import json
import os
import subprocess
import sys

import numpy as np

from contenders import N_CLASSES, make_contender, quiet

#: Samples of the memory case (issue 6: 1,000,000 x 100 float32).
MEMORY_SHAPE = (1_000_000, 100)
_PREFIX = "MEMORY "


def _rss_bytes(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return None


def _reset_peak_rss():
    """Reset the kernel's peak-RSS mark (Linux >= 4.0); False if impossible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def memory_child(name, batch, n_samples, n_features, epochs):
    """Peak memory of one fit beyond X (run in its own process)."""
    import tracemalloc

    task = "classifier"
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n_samples, n_features), dtype=np.float32)
    y = rng.integers(0, N_CLASSES, size=n_samples)
    batch_size = None if batch == "full" else int(batch)
    with quiet():  # load every library, and their first-use buffers
        make_contender(name, task, batch_size, 1).fit(X[:2000], y[:2000])
    model = make_contender(name, task, batch_size, epochs)
    rss_before = _rss_bytes("VmRSS")
    can_reset = _reset_peak_rss()
    tracemalloc.start()
    with quiet():
        model.fit(X, y)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_rss = _rss_bytes("VmHWM") if can_reset else None
    result = {
        "name": name,
        "batch": batch,
        "x_bytes": X.nbytes,
        "traced_peak": traced_peak,
        "rss_growth": None if peak_rss is None else peak_rss - rss_before,
    }
    print(_PREFIX + json.dumps(result))


def measure_memory(name, batch, n_samples=None, n_features=None, epochs=1):
    """Run :func:`memory_child` in a fresh interpreter; its result dict."""
    n_samples = n_samples or MEMORY_SHAPE[0]
    n_features = n_features or MEMORY_SHAPE[1]
    cmd = [
        sys.executable,
        os.path.abspath(__file__),
        json.dumps([name, batch, n_samples, n_features, epochs]),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    for line in out.stdout.splitlines():
        if line.startswith(_PREFIX):
            return json.loads(line[len(_PREFIX) :])
    raise RuntimeError(f"memory run of {name} failed:\n{out.stderr[-3000:]}")


if __name__ == "__main__":
    memory_child(*json.loads(sys.argv[1]))
