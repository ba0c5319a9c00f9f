"""Who the speed benchmark times: the names, the data, the hand-made loops.

Every contender trains the same network (one hidden layer of ``HIDDEN``
logistic units, SGD with momentum) for a fixed number of epochs:
rumelhart's estimators, scikit-learn's MLP, skorch, a plain PyTorch loop and
a bare NumPy loop. :func:`make_contender` builds any of them by name.
"""

import contextlib
import importlib.util
import warnings

import numpy as np
from scipy.special import expit

HIDDEN = 100
N_FEATURES = 50
N_CLASSES = 4
LR = 0.01
MOMENTUM = 0.9

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
    return importlib.util.find_spec(name) is not None


@contextlib.contextmanager
def quiet():
    """Silence the warnings of deliberately unconverged fits."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


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


# -- the reference loops -----------------------------------------------------
class _Contender:
    """A hand-made contender: fits ``epochs`` epochs of SGD with momentum."""

    def __init__(self, task, batch_size, epochs, lr=LR, momentum=MOMENTUM, seed=0):
        self.task = task
        self.batch_size = batch_size
        self.epochs = epochs
        self.lr = lr
        self.momentum = momentum
        self.seed = seed

    def _batch_rows(self, n):
        return n if self.batch_size is None else min(self.batch_size, n)


class NumpyLoop(_Contender):
    """The same network and update in a bare NumPy loop, as one would write it.

    Mini-batches by fancy indexing of a per-epoch permutation, scipy's
    ``expit``, softmax and cross-entropy (or the squared error), eq. 9
    momentum; the epoch's loss is accumulated, as the estimators do.
    """

    def _targets(self, y, n, dtype):
        if self.task == "classifier":
            self.classes_ = np.unique(y)
            return (y[:, None] == self.classes_).astype(dtype)
        return y.reshape(n, -1).astype(dtype)

    def _step(self, xb, yb, params, velocities, tiny):
        """One change of the weights; the batch's summed loss."""
        W1, b1, W2, b2 = params
        m = xb.shape[0]
        h = expit(xb @ W1 + b1)
        out = h @ W2 + b2
        if self.task == "classifier":
            out -= out.max(axis=1, keepdims=True)
            np.exp(out, out=out)
            out /= out.sum(axis=1, keepdims=True)
            loss = -float(np.sum(yb * np.log(np.clip(out, tiny, None))))
        else:
            loss = 0.5 * float(np.sum((out - yb) ** 2))
        d2 = (out - yb) / m
        d1 = (d2 @ W2.T) * h * (1 - h)
        grads = [xb.T @ d1, d1.sum(axis=0), h.T @ d2, d2.sum(axis=0)]
        for p, v, g in zip(params, velocities, grads):
            v *= self.momentum
            v -= self.lr * g
            p += v
        return loss

    def fit(self, X, y):
        rng = np.random.default_rng(self.seed)
        dtype = X.dtype
        n, d = X.shape
        Y = self._targets(y, n, dtype)
        shapes = [(d, HIDDEN), (HIDDEN,), (HIDDEN, Y.shape[1]), (Y.shape[1],)]
        params = [rng.uniform(-0.3, 0.3, s).astype(dtype) for s in shapes]
        velocities = [np.zeros_like(p) for p in params]
        bs = self._batch_rows(n)
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
                total += self._step(xb, yb, params, velocities, tiny)
            self.loss_ = total / n
        self.params_ = params
        return self

    def predict(self, X):
        W1, b1, W2, b2 = self.params_
        out = expit(X @ W1 + b1) @ W2 + b2
        if self.task == "classifier":
            return self.classes_[out.argmax(axis=1)]
        return out[:, 0]


class TorchLoop(_Contender):
    """The same network in the textbook PyTorch loop (``torch.randperm``,
    index, forward, ``F.cross_entropy``/``F.mse_loss``, backward, step,
    ``loss.item()``)."""

    def _targets(self, y, n, dtype):
        """Target tensor, number of outputs and loss function."""
        import torch
        from torch.nn import functional as F

        if self.task == "classifier":
            self.classes_, codes = np.unique(y, return_inverse=True)
            yt = torch.from_numpy(codes.astype(np.int64))
            return yt, len(self.classes_), F.cross_entropy
        return torch.from_numpy(y.reshape(n, 1).astype(dtype)), 1, F.mse_loss

    def fit(self, X, y):
        import torch
        from torch import nn

        torch.manual_seed(self.seed)
        n, d = X.shape
        Xt = torch.from_numpy(np.ascontiguousarray(X))
        yt, k, loss_fn = self._targets(y, n, X.dtype)
        model = nn.Sequential(nn.Linear(d, HIDDEN), nn.Sigmoid(), nn.Linear(HIDDEN, k))
        model = model.to(Xt.dtype)
        opt = torch.optim.SGD(model.parameters(), lr=self.lr, momentum=self.momentum)
        bs = self._batch_rows(n)
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


# -- the factory -------------------------------------------------------------
def contender_names(task, with_skorch=True):
    """Everyone timed for ``task``, ours first."""
    names = [NUMPY_ESTIMATORS[task], TORCH_ESTIMATORS[task], SKLEARN[task]]
    if with_skorch:
        names.append(SKORCH)
    return [*names, TORCH_LOOP, NUMPY_LOOP]


def family(name):
    """Which thread pools a contender runs on: "torch" or "numpy" (BLAS)."""
    torch_based = {*TORCH_ESTIMATORS.values(), TORCH_LOOP, SKORCH}
    return "torch" if name in torch_based else "numpy"


#: ``n_iter_no_change`` out of reach: a fit runs exactly ``max_iter`` epochs.
_NEVER = 10**9


def _ours(name, task, batch_size, epochs, seed):
    import rumelhart

    common = dict(
        hidden_layer_sizes=(HIDDEN,),
        batch_size=batch_size,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=_NEVER,
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


def _sklearn(name, batch_size, epochs, seed):
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
        n_iter_no_change=_NEVER,
        shuffle=True,
        random_state=seed,
    )


def make_contender(name, task, batch_size, epochs, seed=0):
    """An object with ``fit(X, y)`` and ``predict(X)`` that trains ``epochs``.

    ``batch_size=None`` is full batch.
    """
    if name in (NUMPY_ESTIMATORS[task], TORCH_ESTIMATORS[task]):
        return _ours(name, task, batch_size, epochs, seed)
    if name == SKLEARN[task]:
        return _sklearn(name, batch_size, epochs, seed)
    loops = {SKORCH: SkorchWrapper, TORCH_LOOP: TorchLoop, NUMPY_LOOP: NumpyLoop}
    return loops[name](task, batch_size, epochs, seed=seed)


def n_epochs_done(model):
    """Epochs a fitted contender ran (to check that the timing is honest)."""
    if hasattr(model, "n_iter_"):
        return model.n_iter_
    if isinstance(model, SkorchWrapper):
        return len(model.net_.history)
    return model.epochs
