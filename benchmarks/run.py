"""Training speed, prediction speed and memory of rumelhart's estimators.

One command times, on the same data and the same network (one hidden layer of
100 logistic units, SGD with momentum 0.9), rumelhart's four estimators
against scikit-learn's MLPClassifier/MLPRegressor, skorch, a plain PyTorch
loop and a bare NumPy loop, then checks the performance targets of issue 6::

    python benchmarks/run.py            # default grid, a few minutes on 2 cores
    python benchmarks/run.py --quick    # about a minute
    python benchmarks/run.py --full     # every size x batch x dtype x task

Seconds per epoch are the median over ``--repeats`` interleaved repeats of a
fit of a fixed number of epochs (``tol=0``, ``n_iter_no_change`` out of reach,
``max_iter`` fixed) divided by that number, so the fit's fixed costs
(validation, target encoding, set-up) are included, spread over the epochs.
Peak memory of ``fit`` on 1,000,000 x 100 float32 is measured in a fresh
process (tracemalloc peak for the NumPy estimators, growth of the resident
set for everyone). skorch is optional (``pip install skorch -c
constraints.txt``); it is left out when missing.
"""

import argparse
import contextlib
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from dataclasses import asdict, dataclass

import numpy as np

HIDDEN = 100
N_FEATURES = 50
N_CLASSES = 4
LR = 0.01
MOMENTUM = 0.9
#: Samples of the memory case (issue 6: 1,000,000 x 100 float32).
MEMORY_SHAPE = (1_000_000, 100)

NUMPY_ESTIMATORS = {
    "classifier": "RumelhartClassifier",
    "regressor": "RumelhartRegressor",
}
TORCH_ESTIMATORS = {
    "classifier": "TorchMLPClassifier",
    "regressor": "TorchMLPRegressor",
}
SKLEARN = {"classifier": "MLPClassifier", "regressor": "MLPRegressor"}
SKORCH = "skorch"
TORCH_LOOP = "torch loop"
NUMPY_LOOP = "numpy loop"


def has_module(name):
    """Whether ``name`` can be imported (without importing it)."""
    import importlib.util

    return importlib.util.find_spec(name) is not None


# -- data --------------------------------------------------------------------
def make_data(task, n_samples, dtype="float32", n_features=N_FEATURES, seed=0):
    """A synthetic problem: standardised features, 4 classes or 1 target."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features), dtype=np.float32)
    W = rng.standard_normal((n_features, N_CLASSES), dtype=np.float32)
    scores = np.tanh(X[:, : n_features // 2] @ W[: n_features // 2]) + 0.5 * (
        rng.standard_normal((n_samples, N_CLASSES), dtype=np.float32)
    )
    y = scores.argmax(axis=1) if task == "classifier" else scores[:, 0]
    return X.astype(dtype, copy=False), y


# -- the two reference loops --------------------------------------------------
class _Contender:
    """A hand-made contender: fits ``epochs`` epochs of SGD with momentum."""

    def __init__(self, task, batch_size, epochs, lr=LR, momentum=MOMENTUM, seed=0):
        self.task = task
        self.batch_size = batch_size
        self.epochs = epochs
        self.lr = lr
        self.momentum = momentum
        self.seed = seed


class NumpyLoop(_Contender):
    """The same network and update in a bare NumPy loop, as one would write it.

    Mini-batches by fancy indexing of a per-epoch permutation, scipy's
    ``expit``, softmax and cross-entropy (or the squared error), eq. 9
    momentum; the epoch's loss is accumulated, as the estimators do.
    """

    def fit(self, X, y):
        from scipy.special import expit

        rng = np.random.default_rng(self.seed)
        dtype = X.dtype
        n, d = X.shape
        if self.task == "classifier":
            self.classes_ = np.unique(y)
            Y = (y[:, None] == self.classes_).astype(dtype)
        else:
            Y = y.reshape(n, -1).astype(dtype)
        k = Y.shape[1]
        shapes = [(d, HIDDEN), (HIDDEN,), (HIDDEN, k), (k,)]
        params = [rng.uniform(-0.3, 0.3, s).astype(dtype) for s in shapes]
        velocities = [np.zeros_like(p) for p in params]
        W1, b1, W2, b2 = params
        bs = n if self.batch_size is None else min(self.batch_size, n)
        tiny = np.finfo(dtype).eps
        for _ in range(self.epochs):
            order = rng.permutation(n)
            total = 0.0
            for start in range(0, n, bs):
                if bs >= n:
                    xb, yb = X, Y
                else:
                    idx = order[start : start + bs]
                    xb, yb = X[idx], Y[idx]
                m = xb.shape[0]
                h = expit(xb @ W1 + b1)
                out = h @ W2 + b2
                if self.task == "classifier":
                    out -= out.max(axis=1, keepdims=True)
                    np.exp(out, out=out)
                    out /= out.sum(axis=1, keepdims=True)
                    total -= float(np.sum(yb * np.log(np.clip(out, tiny, None))))
                else:
                    total += 0.5 * float(np.sum((out - yb) ** 2))
                d2 = (out - yb) / m
                d1 = (d2 @ W2.T) * h * (1 - h)
                grads = [xb.T @ d1, d1.sum(axis=0), h.T @ d2, d2.sum(axis=0)]
                for p, v, g in zip(params, velocities, grads):
                    v *= self.momentum
                    v -= self.lr * g
                    p += v
            self.loss_ = total / n
        self.params_ = params
        return self

    def predict(self, X):
        from scipy.special import expit

        W1, b1, W2, b2 = self.params_
        out = expit(X @ W1 + b1) @ W2 + b2
        if self.task == "classifier":
            return self.classes_[out.argmax(axis=1)]
        return out[:, 0]


class TorchLoop(_Contender):
    """The same network in the textbook PyTorch loop (``torch.randperm``,
    index, forward, ``F.cross_entropy``/``F.mse_loss``, backward, step,
    ``loss.item()``)."""

    def fit(self, X, y):
        import torch
        from torch import nn
        from torch.nn import functional as F

        torch.manual_seed(self.seed)
        n, d = X.shape
        Xt = torch.from_numpy(np.ascontiguousarray(X))
        if self.task == "classifier":
            self.classes_, codes = np.unique(y, return_inverse=True)
            yt = torch.from_numpy(codes.astype(np.int64))
            k, loss_fn = len(self.classes_), F.cross_entropy
        else:
            yt = torch.from_numpy(y.reshape(n, 1).astype(X.dtype))
            k, loss_fn = 1, F.mse_loss
        model = nn.Sequential(nn.Linear(d, HIDDEN), nn.Sigmoid(), nn.Linear(HIDDEN, k))
        model = model.to(Xt.dtype)
        opt = torch.optim.SGD(model.parameters(), lr=self.lr, momentum=self.momentum)
        bs = n if self.batch_size is None else min(self.batch_size, n)
        for _ in range(self.epochs):
            perm = torch.randperm(n)
            total = 0.0
            for start in range(0, n, bs):
                if bs >= n:
                    xb, yb = Xt, yt
                else:
                    idx = perm[start : start + bs]
                    xb, yb = Xt[idx], yt[idx]
                loss = loss_fn(model(xb), yb)
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += loss.item() * xb.shape[0]
            self.loss_ = total / n
        self.model_ = model
        return self

    def predict(self, X):
        import torch

        with torch.no_grad():
            out = self.model_(torch.from_numpy(np.ascontiguousarray(X))).numpy()
        if self.task == "classifier":
            return self.classes_[out.argmax(axis=1)]
        return out[:, 0]


class SkorchWrapper(_Contender):
    """skorch's NeuralNetClassifier/Regressor on the same network, all data
    used for training (``train_split=None``), otherwise skorch's defaults."""

    def fit(self, X, y):
        import torch
        from skorch import NeuralNetClassifier, NeuralNetRegressor
        from torch import nn

        torch.manual_seed(self.seed)
        dtype = torch.float64 if X.dtype == np.float64 else torch.float32
        d = X.shape[1]
        if self.task == "classifier":
            self.classes_, codes = np.unique(y, return_inverse=True)
            target, k = codes.astype(np.int64), len(self.classes_)
            net_class, criterion = NeuralNetClassifier, nn.CrossEntropyLoss
        else:
            target, k = y.reshape(-1, 1).astype(X.dtype), 1
            net_class, criterion = NeuralNetRegressor, nn.MSELoss
        module = nn.Sequential(nn.Linear(d, HIDDEN), nn.Sigmoid(), nn.Linear(HIDDEN, k))
        self.net_ = net_class(
            module.to(dtype),
            criterion=criterion,
            optimizer=torch.optim.SGD,
            lr=self.lr,
            optimizer__momentum=self.momentum,
            batch_size=-1 if self.batch_size is None else self.batch_size,
            max_epochs=self.epochs,
            train_split=None,
            iterator_train__shuffle=True,
            device="cpu",
            verbose=0,
        )
        self.net_.fit(X, target)
        assert len(self.net_.history) == self.epochs
        return self

    def predict(self, X):
        out = self.net_.predict(X)
        if self.task == "classifier":
            return self.classes_[out]
        return out[:, 0]


# -- the contenders -------------------------------------------------------------
def contender_names(task, with_skorch=True):
    """Everyone timed for ``task``, ours first."""
    names = [NUMPY_ESTIMATORS[task], TORCH_ESTIMATORS[task], SKLEARN[task]]
    if with_skorch:
        names.append(SKORCH)
    return [*names, TORCH_LOOP, NUMPY_LOOP]


def make_contender(name, task, batch_size, epochs, seed=0):
    """An object with ``fit(X, y)`` and ``predict(X)`` that trains ``epochs``.

    ``batch_size=None`` is full batch.
    """
    never = 10**9  # n_iter_no_change out of reach: exactly max_iter epochs
    if name in (NUMPY_ESTIMATORS[task], TORCH_ESTIMATORS[task]):
        import rumelhart

        common = dict(
            hidden_layer_sizes=(HIDDEN,),
            batch_size=batch_size,
            max_iter=epochs,
            tol=0.0,
            n_iter_no_change=never,
            random_state=seed,
        )
        if name == NUMPY_ESTIMATORS[task]:
            return getattr(rumelhart, name)(eps=LR, alpha=MOMENTUM, **common)
        return getattr(rumelhart, name)(
            activation="sigmoid",
            optimizer="sgd",
            lr=LR,
            momentum=MOMENTUM,
            device="cpu",
            **common,
        )
    if name == SKLEARN[task]:
        from sklearn import neural_network

        return getattr(neural_network, name)(
            hidden_layer_sizes=(HIDDEN,),
            activation="logistic",
            solver="sgd",
            learning_rate_init=LR,
            momentum=MOMENTUM,
            nesterovs_momentum=False,
            alpha=0.0,
            batch_size=batch_size if batch_size is not None else 10**12,
            max_iter=epochs,
            tol=0.0,
            n_iter_no_change=never,
            shuffle=True,
            random_state=seed,
        )
    loops = {SKORCH: SkorchWrapper, TORCH_LOOP: TorchLoop, NUMPY_LOOP: NumpyLoop}
    return loops[name](task, batch_size, epochs, seed=seed)


def n_epochs_done(model):
    """Epochs a fitted contender ran (to check that the timing is honest)."""
    if hasattr(model, "n_iter_"):
        return model.n_iter_
    if isinstance(model, SkorchWrapper):
        return len(model.net_.history)
    return model.epochs


@contextlib.contextmanager
def quiet():
    """Silence the warnings of deliberately unconverged fits."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


# -- timing -------------------------------------------------------------------------
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


def _family(name):
    """Which thread pools a contender runs on: "torch" or "numpy" (BLAS)."""
    torch_based = {*TORCH_ESTIMATORS.values(), TORCH_LOOP, SKORCH}
    return "torch" if name in torch_based else "numpy"


def run_order(names, r):
    """The order of round ``r``: families kept together, rotated each round."""
    grouped = sorted(names, key=lambda n: _family(n) == "torch")
    k = r % len(grouped)
    return grouped[k:] + grouped[:k]


class _Pauser:
    """Sleeps when the next contender runs on other thread pools than the last.

    OpenBLAS's workers spin for a while after each call, and torch's OpenMP
    workers too; on a machine with few cores a contender that starts while
    the other library's workers still spin runs several times slower.
    """

    def __init__(self, pause):
        self.pause = pause
        self.last = None

    def __call__(self, name):
        family = _family(name)
        if self.pause and self.last is not None and family != self.last:
            time.sleep(self.pause)
        self.last = family


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
    wait = _Pauser(pause)
    with quiet():
        for name in run_order(names, 0):
            wait(name)
            make_contender(name, case.task, case.batch_size, 1).fit(X, y)
        for r in range(repeats):
            for name in run_order(names, r):
                model = make_contender(name, case.task, case.batch_size, case.epochs)
                wait(name)
                started = time.perf_counter()
                model.fit(X, y)
                elapsed = time.perf_counter() - started
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
    wait = _Pauser(pause)
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
    wait = _Pauser(pause)
    with quiet():
        for batch in batches:
            batch_size = None if batch == "full" else int(batch)
            for name in names:
                wait(name)
                make_contender(name, task, batch_size, 1).fit(*data[sizes[0]])
            for r in range(repeats):
                for name in run_order(names, r):
                    per_epoch = {}
                    for n in sizes[r % len(sizes) :] + sizes[: r % len(sizes)]:
                        model = make_contender(name, task, batch_size, epochs)
                        wait(name)
                        started = time.perf_counter()
                        model.fit(*data[n])
                        per_epoch[n] = (time.perf_counter() - started) / epochs
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


# -- memory, in a fresh process --------------------------------------------------
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
    print("MEMORY " + json.dumps(result))


def measure_memory(name, batch, n_samples=None, n_features=None, epochs=1):
    """Run :func:`memory_child` in a fresh interpreter; its result dict."""
    n_samples = n_samples or MEMORY_SHAPE[0]
    n_features = n_features or MEMORY_SHAPE[1]
    cmd = [
        sys.executable,
        os.path.abspath(__file__),
        "--memory-child",
        json.dumps([name, batch, n_samples, n_features, epochs]),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    for line in out.stdout.splitlines():
        if line.startswith("MEMORY "):
            return json.loads(line[len("MEMORY ") :])
    raise RuntimeError(f"memory run of {name} failed:\n{out.stderr[-3000:]}")


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


# -- targets -------------------------------------------------------------------------
def check_targets(results, predict, memory, imports, scaling=None):
    """PASS/FAIL lines: (ok, text) for every target that was measured.

    ``results`` maps ``(task, n, batch, dtype)`` to {name: median s/epoch};
    ``scaling`` (from :func:`time_scaling`) maps ``(name, batch, dtype, n)``
    to the per-round ratios of the time per epoch at ``10 n`` and at ``n``.
    """
    lines = []

    def add(ok, text):
        lines.append((bool(ok), text))

    for (task, n, batch, dtype), med in sorted(results.items()):
        where = f"{task} n={n} batch={batch} {dtype}"
        if batch not in ("64", "full"):
            continue
        ours_np, ours_t = NUMPY_ESTIMATORS[task], TORCH_ESTIMATORS[task]
        if ours_np in med and SKLEARN[task] in med:
            r = med[ours_np] / med[SKLEARN[task]]
            add(r <= 0.5, f"{ours_np} <= 0.5x {SKLEARN[task]}, {where}: {r:.2f}x")
        if ours_np in med and NUMPY_LOOP in med:
            r = med[ours_np] / med[NUMPY_LOOP]
            add(r <= 1.3, f"{ours_np} <= 1.3x numpy loop, {where}: {r:.2f}x")
        if ours_t in med and SKORCH in med:
            r = med[ours_t] / med[SKORCH]
            add(r <= 0.35, f"{ours_t} <= 0.35x skorch, {where}: {r:.2f}x")
        if ours_t in med and TORCH_LOOP in med:
            r = med[ours_t] / med[TORCH_LOOP]
            add(r <= 1.1, f"{ours_t} <= 1.1x torch loop, {where}: {r:.2f}x")
    # Linear cost: 10x the samples, <= 11x the time per epoch.
    for (name, batch, dtype, n), ratios in sorted((scaling or {}).items()):
        r = statistics.median(ratios)
        add(
            r <= 11,
            f"{name} linear, n={n}->{10 * n} batch={batch} {dtype}: "
            f"{r:.2f}x time per epoch for 10x samples",
        )
    for task, med in sorted(predict.items()):
        for name in (NUMPY_ESTIMATORS[task], TORCH_ESTIMATORS[task]):
            if name in med and SKLEARN[task] in med:
                r = med[name] / med[SKLEARN[task]]
                add(r <= 1.0, f"{name}.predict <= 1x {SKLEARN[task]}: {r:.2f}x time")
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
        add(
            r <= 1.5,
            f"{m['name']} fit memory on {MEMORY_SHAPE[0]:,}x{MEMORY_SHAPE[1]} "
            f"float32, batch={m['batch']}: {how} {r:.2f}x X",
        )
    if imports:
        add(
            not imports["imports_torch"] and imports["rumelhart"] < 1.0,
            f"import rumelhart: {imports['rumelhart']:.2f} s (scikit-learn alone "
            f"{imports['sklearn']:.2f} s), imports torch: {imports['imports_torch']}",
        )
    return lines


# -- reports -------------------------------------------------------------------------
def machine_description():
    """nproc, CPU model, versions and thread counts, as lines of text."""
    import scipy
    import sklearn

    cpu = platform.processor() or "unknown"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
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
    blas = ""
    with contextlib.suppress(ImportError):
        from threadpoolctl import threadpool_info

        blas = ", ".join(
            f"{i['internal_api']} {i.get('version')} ({i['num_threads']} threads)"
            for i in threadpool_info()
        )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return [
        f"CPU: {cpu}, nproc={os.cpu_count()}, load average at start {load:.2f}",
        "versions: " + ", ".join(versions),
        f"BLAS/OpenMP: {blas}",
    ]


def markdown_tables(results, predict, memory):
    """The results as Markdown tables (ms per epoch, ratios to scikit-learn)."""
    out = []
    for task in ("classifier", "regressor"):
        rows = {k: v for k, v in results.items() if k[0] == task}
        if not rows:
            continue
        names = [n for n in contender_names(task) if any(n in v for v in rows.values())]
        out.append(f"\n**{task}**, ms per epoch (ratio to {SKLEARN[task]})\n")
        out.append("| n | batch | dtype | " + " | ".join(names) + " |")
        out.append("|---|---|---|" + "---|" * len(names))
        for (_, n, batch, dtype), med in sorted(
            rows.items(), key=lambda kv: (kv[0][1], _batch_key(kv[0][2]), kv[0][3])
        ):
            ref = med.get(SKLEARN[task])
            cells = []
            for name in names:
                if name not in med:
                    cells.append("")
                    continue
                cell = f"{1e3 * med[name]:.1f}"
                if ref:
                    cell += f" ({med[name] / ref:.2f}×)"
                cells.append(cell)
            out.append(f"| {n:,} | {batch} | {dtype} | " + " | ".join(cells) + " |")
    for task, med in sorted(predict.items()):
        out.append(f"\n**predict**, {task}: ms for the rows shown (ratio to sklearn)\n")
        out.append("| " + " | ".join(med) + " |")
        out.append("|" + "---|" * len(med))
        ref = med.get(SKLEARN[task])
        out.append(
            "| "
            + " | ".join(
                f"{1e3 * v:.1f}" + (f" ({v / ref:.2f}×)" if ref else "")
                for v in med.values()
            )
            + " |"
        )
    if memory:
        out.append(
            f"\n**fit memory**, {MEMORY_SHAPE[0]:,} × {MEMORY_SHAPE[1]} float32 "
            f"(X is {MEMORY_SHAPE[0] * MEMORY_SHAPE[1] * 4 / 2**20:.0f} MiB)\n"
        )
        out.append("| estimator | batch | tracemalloc peak | RSS growth |")
        out.append("|---|---|---|---|")

        def size(n_bytes, x_bytes):
            if n_bytes is None:
                return "n/a"
            return f"{n_bytes / 2**20:.0f} MiB ({n_bytes / x_bytes:.2f}× X)"

        for m in memory:
            traced = size(m["traced_peak"], m["x_bytes"])
            rss = size(m["rss_growth"], m["x_bytes"])
            out.append(f"| {m['name']} | {m['batch']} | {traced} | {rss} |")
    return "\n".join(out)


def _batch_key(batch):
    return math.inf if batch == "full" else int(batch)


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
    p.add_argument("--memory-child", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.repeats is None:
        args.repeats = 5
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.memory_child:
        memory_child(*json.loads(args.memory_child))
        return 0
    started = time.perf_counter()
    with_skorch = has_module("skorch") and not args.no_skorch
    with_torch = has_module("torch")
    print("rumelhart benchmark: one hidden layer of", HIDDEN, "logistic units,")
    print(f"  SGD lr={LR} momentum={MOMENTUM}, {N_FEATURES} features, ", end="")
    print(f"{N_CLASSES} classes (regressor: 1 target)")
    for line in machine_description():
        print(line)
    if not with_skorch:
        print("skorch not installed (pip install skorch -c constraints.txt): left out")

    def names_for(task):
        names = contender_names(task, with_skorch)
        if not with_torch:
            names = [n for n in names if n not in (TORCH_ESTIMATORS[task], TORCH_LOOP)]
        if args.only:
            names = [n for n in names if n in args.only]
        return names

    print("\ntraining, median of", args.repeats, "interleaved repeats:")
    results, raw = {}, {}
    for case in plan(args):
        times = time_case(case, names_for(case.task), args.repeats, pause=args.pause)
        key = (case.task, case.n_samples, case.batch, case.dtype)
        results[key] = {k: statistics.median(v) for k, v in times.items()}
        raw[case.label] = {"case": asdict(case), "seconds_per_epoch": times}

    scaling = {}
    if not args.no_scaling:
        sizes = args.scaling_sizes or (
            [2_000, 20_000] if args.quick else [2_000, 20_000, 200_000]
        )
        print(f"\nscaling, the same {args.scaling_epochs} epochs at every size:")
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

    predict = {}
    if not args.no_predict:
        print("\nprediction:")
        n_predict = 100_000 if args.quick else 200_000
        for task in sorted({c.task for c in plan(args)}):
            times = time_predict(
                task, n_predict, names_for(task), args.repeats, pause=args.pause
            )
            predict[task] = {k: statistics.median(v) for k, v in times.items()}
            raw[f"predict {task}"] = times

    memory = []
    if not args.no_memory:
        print(f"\nfit memory on {MEMORY_SHAPE[0]:,} x {MEMORY_SHAPE[1]} float32:")
        runs = [(NUMPY_ESTIMATORS["classifier"], "full")]
        if not args.quick:
            runs.append((NUMPY_ESTIMATORS["classifier"], "256"))
        if with_torch:
            runs.append((TORCH_ESTIMATORS["classifier"], "full"))
            if not args.quick:
                runs.append((TORCH_ESTIMATORS["classifier"], "256"))
        if not args.quick:
            runs.append((SKLEARN["classifier"], "256"))
        for name, batch in runs:
            m = measure_memory(name, batch)
            memory.append(m)
            rss = m["rss_growth"]
            print(
                f"  {name} batch={batch}: tracemalloc peak "
                f"{m['traced_peak'] / m['x_bytes']:.2f}x X, RSS growth "
                + ("n/a" if rss is None else f"{rss / m['x_bytes']:.2f}x X")
            )
        raw["memory"] = memory

    imports = None if args.no_import else import_time()
    if imports:
        raw["import"] = imports

    print("\n" + markdown_tables(results, predict, memory))
    print("\ntargets:")
    lines = check_targets(results, predict, memory, imports, scaling)
    for ok, text in lines:
        print(("PASS  " if ok else "FAIL  ") + text)
    n_fail = sum(not ok for ok, _ in lines)
    print(
        f"\n{len(lines) - n_fail} passed, {n_fail} failed, "
        f"{time.perf_counter() - started:.0f} s"
    )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(raw, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
