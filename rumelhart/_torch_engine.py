"""The engine protocol on PyTorch; the only module of rumelhart that imports torch.

Data are moved to the device once per ``fit`` (without a copy when they are
already CPU arrays of the right dtype) and batched by ``index_select`` of a
permuted index tensor; the epoch's loss is accumulated on the device and read
back once per epoch, so training never waits on the host between batches.

On CPU a small batch costs tens of microseconds of framework overhead per
operation, so the step keeps the operations few: one-hot targets become class
indices once per fit so that the loss is one fused ``cross_entropy``, the
mean is taken by the gradient passed to ``backward`` rather than by another
node of the graph, gradients are dropped without the optimizer's
``zero_grad`` machinery, the optimizers are torch's fused (or foreach)
implementations, and the built-in network is run layer by layer without the
``nn.Module`` call overhead when no hook is registered on it. Full batches
of the built-in network are processed in chunks of rows whose gradients
accumulate before the one step, so that memory stays small.
"""

import copy
import copyreg
import itertools
import math
import threading
import warnings

import numpy as np
from scipy import sparse

from . import _engine
from ._losses import check_output
from ._resources import available_host_memory

try:
    import torch
    from torch import nn
    from torch.nn import functional as F
except ImportError as exc:  # pragma: no cover - exercised without torch
    raise ImportError(
        "The torch estimators need PyTorch. Install it with "
        "`pip install 'rumelhart[torch]'` (or `pip install torch`)."
    ) from exc

ACTIVATIONS = {
    "relu": nn.ReLU,
    "sigmoid": nn.Sigmoid,
    "logistic": nn.Sigmoid,
    "tanh": nn.Tanh,
    "identity": nn.Identity,
    "gelu": nn.GELU,
}

_NUMPY_TO_TORCH = {
    np.dtype(np.float32): torch.float32,
    np.dtype(np.float64): torch.float64,
}


def resolve_device(device):
    """The ``torch.device`` named by ``device`` ('auto', 'cpu', 'cuda', 'mps'...)."""
    if device == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    device = torch.device(device)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(
            f"device={str(device)!r} was requested but CUDA is not available; "
            "use device='cpu' or device='auto'."
        )
    if device.type == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            raise RuntimeError(
                "device='mps' was requested but MPS is not available; "
                "use device='cpu' or device='auto'."
            )
    return device


def build_mlp(layer_sizes, activation, generator=None):
    """``Linear`` layers with ``activation`` between them (the output is raw).

    The weights are drawn as ``nn.Linear`` draws them (uniform in
    ``±1/sqrt(fan_in)``), but from ``generator``: building a network never
    touches torch's global generator, so fits in threads are reproducible.
    """
    layers = []
    pairs = list(itertools.pairwise(layer_sizes))
    for i, (n_in, n_out) in enumerate(pairs):
        linear = torch.nn.utils.skip_init(nn.Linear, n_in, n_out)
        bound = 1 / math.sqrt(n_in) if n_in > 0 else 0.0
        with torch.no_grad():
            for param in (linear.weight, linear.bias):
                nn.init.uniform_(param, -bound, bound, generator=generator)
        layers.append(linear)
        if i < len(pairs) - 1:
            layers.append(ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


#: torch's global generator is shared by every thread; a custom module is
#: built under this lock, from a forked and seeded generator.
_GLOBAL_RNG_LOCK = threading.Lock()


def build_seeded(factory, seed):
    """``factory()`` run under torch's global generator seeded with ``seed``,
    which is left as it was (one thread at a time)."""
    with _GLOBAL_RNG_LOCK, torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return factory()


def _identity(x):
    return x


#: Activation modules the layer-by-layer forward pass knows.
_FUNCTIONAL = {
    nn.ReLU: torch.relu,
    nn.Sigmoid: torch.sigmoid,
    nn.Tanh: torch.tanh,
    nn.Identity: _identity,
}

#: In-place versions of the activations, for the hand-written backward pass.
_INPLACE = {
    torch.relu: torch.relu_,
    torch.sigmoid: torch.sigmoid_,
    torch.tanh: torch.tanh_,
}


def _times_derivative(fn, a, delta):
    """``delta * fn'(z)``, from the activation's output ``a = fn(z)``.

    torch's own fused backward kernels (those autograd calls), one
    operation each; may reuse ``delta``.
    """
    if fn is torch.sigmoid:
        return torch.ops.aten.sigmoid_backward(delta, a)
    if fn is torch.tanh:
        return torch.ops.aten.tanh_backward(delta, a)
    if fn is torch.relu:
        return torch.ops.aten.threshold_backward(delta, a, 0)
    if fn is None:
        return delta
    raise ValueError(f"no derivative for {fn!r}")  # pragma: no cover


#: Elements of a densified chunk of sparse input at prediction.
_SPARSE_CHUNK_ELEMENTS = 2**22

#: Elements of the widest layer per chunk of a full batch of the built-in MLP.
_CHUNK_ELEMENTS = 2**19


def chunk_rows(widest):
    """Rows per chunk of a full batch of the built-in network."""
    return max(1024, _CHUNK_ELEMENTS // max(widest, 1))


def available_memory(device):
    """Bytes free on ``device`` (None where torch cannot tell)."""
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        return free
    if device.type == "cpu":
        return available_host_memory()
    return None


def _implementation(params, device):
    """``{"fused": True}`` where torch has a fused kernel for these params."""
    floating = all(p.is_floating_point() for p in params)
    if floating and params and device.type in ("cpu", "cuda"):
        return {"fused": True}
    return {}


def _make_optimizer(name, params, lr, momentum, weight_decay):
    params = list(params)
    if name not in ("sgd", "adam", "adamw"):
        raise ValueError(
            f"Unknown optimizer {name!r}; expected 'sgd', 'adam' or 'adamw'."
        )
    devices = {p.device for p in params}
    fast = _implementation(params, devices.pop()) if len(devices) == 1 else {}
    for kwargs in (fast, {}):
        try:
            if name == "sgd":
                return torch.optim.SGD(
                    params,
                    lr=lr,
                    momentum=momentum,
                    weight_decay=weight_decay,
                    **kwargs,
                )
            cls = torch.optim.Adam if name == "adam" else torch.optim.AdamW
            return cls(params, lr=lr, weight_decay=weight_decay, **kwargs)
        except (RuntimeError, ValueError):
            if not kwargs:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _make_schedule(name, optimizer, lr, total_steps):
    if name == "constant":
        return None
    if name == "onecycle":
        return torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=lr, total_steps=max(total_steps, 2)
        )
    if name == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(
            optimizer, T_max=max(total_steps, 1)
        )
    raise ValueError(
        f"Unknown lr_schedule {name!r}; expected 'constant', 'onecycle' or 'cosine'."
    )


class _SparseRows:
    """The rows of a scipy CSR matrix, densified batch by batch on the device:
    a sparse ``X`` is never densified whole."""

    def __init__(self, X, to_tensor):
        self.X = X
        self._to_tensor = to_tensor

    @property
    def shape(self):
        return self.X.shape

    def __getitem__(self, rows):
        return self._to_tensor(self.X[rows].toarray())

    def index_select(self, dim, index):
        return self[index.cpu().numpy()]

    def clone(self):
        return self  # every batch is a fresh tensor already


class _Data(tuple):
    """``(X, Y, sample_weight)`` on the device, plus ``labels`` (or None)."""

    labels = None


def _global_hooks():
    hooks = nn.modules.module
    return any(
        getattr(hooks, name, None)
        for name in (
            "_global_forward_hooks",
            "_global_forward_pre_hooks",
            "_global_backward_hooks",
            "_global_backward_pre_hooks",
        )
    )


def _has_hooks(module):
    return bool(
        module._forward_hooks
        or module._forward_pre_hooks
        or module._backward_hooks
        or getattr(module, "_backward_pre_hooks", None)
    )


class TorchMLP:
    """A network, its optimizer and its training loop on one torch device.

    Parameters
    ----------
    module : torch.nn.Module
        Maps a batch of shape (n, n_features) to raw outputs of shape
        (n, n_outputs); the output activation is applied here.
    output_activation : {"identity", "logistic", "softmax"}
        Activation of the output units.
    loss : {"squared_error", "log_loss"}
        The error to minimise, averaged (weighted) over each batch.
    optimizer : {"sgd", "adam", "adamw"}
        Optimizer; "sgd" with momentum is eq. 9 of Rumelhart et al. (1986).
    lr, momentum, weight_decay : float
        Optimizer settings (``momentum`` only for "sgd").
    lr_schedule : {"constant", "onecycle", "cosine"}
        Learning-rate schedule over the batches of one ``fit``.
    device : torch.device
        Where the module and the data live.
    dtype : numpy dtype
        float32 or float64.
    seed : int
        Seed of the local generator used for shuffling.
    hidden_activation : str, default="relu"
        Activation of the built-in network's hidden layers (for read-outs).
    dead_zone : float, default=0.0
        Errors smaller than this at an output unit count as zero.
    input_mask : ndarray of shape (n_features, units of the first layer), optional
        Connections of the built-in network's first layer (1: exists);
        missing ones start at zero and their gradient is zero.
    """

    def __init__(
        self,
        module,
        *,
        output_activation,
        loss,
        optimizer,
        lr,
        momentum,
        weight_decay,
        lr_schedule,
        device,
        dtype,
        seed,
        hidden_activation="relu",
        dead_zone=0.0,
        input_mask=None,
    ):
        check_output(loss, output_activation)
        self.dtype = np.dtype(dtype)
        self.device = device
        self.output_activation = output_activation
        self.hidden_activation = hidden_activation
        self.loss = loss
        self.dead_zone = float(dead_zone)
        self.optimizer_name = optimizer
        self.lr_schedule = lr_schedule
        self.module = module.to(device=device, dtype=self.torch_dtype)
        self.input_mask = None
        if input_mask is not None:
            self._set_input_mask(input_mask)
        self.optimizer = _make_optimizer(
            optimizer, self.module.parameters(), lr, momentum, weight_decay
        )
        self._initial = {"lr": lr, "momentum": momentum, "weight_decay": weight_decay}
        self._start = (self.lr, self.momentum)  # momentum: Adam's first beta
        self.scheduler = None
        self.seed(seed)

    @classmethod
    def from_spec(cls, spec, module, *, device, **optimizer_settings):
        """The engine of a :class:`~rumelhart._engine.NetworkSpec` training
        ``module`` on ``device`` (``optimizer``, ``lr``, ``momentum``,
        ``weight_decay``, ``lr_schedule`` in ``optimizer_settings``)."""
        return cls(
            module,
            output_activation=spec.output_activation,
            loss=spec.loss,
            device=device,
            dtype=spec.dtype,
            seed=spec.seed,
            hidden_activation=spec.hidden_activation,
            dead_zone=spec.dead_zone,
            input_mask=spec.input_mask,
            **optimizer_settings,
        )

    def _set_input_mask(self, input_mask):
        first = self.linear_layers()[0]
        mask = torch.as_tensor(np.asarray(input_mask).T.copy(), device=self.device)
        self.input_mask = mask.to(first.weight.dtype)
        with torch.no_grad():
            first.weight.mul_(self.input_mask)

    @property
    def torch_dtype(self):
        """The torch dtype of weights and data."""
        return _NUMPY_TO_TORCH[self.dtype]

    @property
    def layer_sizes(self):
        """Units per layer of the built-in network (inputs first); of a custom
        module, only what its ``Linear`` layers tell."""
        layers = self.linear_layers()
        if not layers:
            return ()
        return (layers[0].in_features, *(layer.out_features for layer in layers))

    # -- engine protocol ---------------------------------------------------
    def seed(self, seed):
        """Reseed the local generator used for shuffling."""
        self.generator = torch.Generator(device=self.device)
        self.generator.manual_seed(int(seed) % (2**63))

    def copy(self):
        """An independent copy on the same device."""
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.module = copy.deepcopy(self.module)
        new.optimizer = _make_optimizer(
            self.optimizer_name, new.module.parameters(), **self._initial
        )
        new.optimizer.load_state_dict(copy.deepcopy(self.optimizer.state_dict()))
        new.scheduler = None
        new.generator = torch.Generator(device=self.device)
        new.generator.set_state(self.generator.get_state())
        return new

    def reset_optimizer(self):
        """Forget the optimizer's running state (momentum, Adam moments)."""
        self.optimizer.state.clear()

    def snapshot(self):
        """Copies of the module's weights and of the optimizer's state."""
        weights = {k: v.detach().clone() for k, v in self.module.state_dict().items()}
        optimizer = copy.deepcopy(self.optimizer.state_dict())
        return weights, optimizer

    def restore(self, snapshot):
        """Return to the weights and optimizer state :meth:`snapshot` saved;
        the rate and momentum stay those of the moment (a schedule's)."""
        weights, optimizer = snapshot
        lr, momentum = self.lr, self.momentum
        self.module.load_state_dict(weights)
        self.optimizer.load_state_dict(copy.deepcopy(optimizer))
        self.lr, self.momentum = lr, momentum

    def _tensor(self, a, private=False):
        """``a`` on the device; shares the caller's memory where it can,
        unless ``private`` (a module that may write to its input)."""
        if a is None:
            return None
        if sparse.issparse(a):
            a = a.toarray()  # a chunk of rows; the whole X stays sparse
        a = np.ascontiguousarray(a)
        if private:
            return torch.tensor(a, dtype=self.torch_dtype, device=self.device)
        if a.flags.writeable:
            return torch.as_tensor(a, dtype=self.torch_dtype, device=self.device)
        # Read-only input (a memmap, a pandas buffer): torch warns that it
        # could write to it; the built-in network never does.
        with warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore", message=".*not writable", category=UserWarning
            )
            return torch.as_tensor(a, dtype=self.torch_dtype, device=self.device)

    def prepare(self, X, Y, sample_weight=None):
        """Move the training data to the device once.

        Returns the tuple ``(X, Y, sample_weight)`` of tensors; one-hot
        targets of the softmax cross-entropy also travel as class indices
        (attribute ``labels``), for the fused ``cross_entropy``.
        """
        if sparse.issparse(X):
            X = _SparseRows(sparse.csr_matrix(X), self._tensor)
        else:
            X = self._tensor(X)
        data = _Data((X, self._tensor(Y), self._tensor(sample_weight)))
        Y = data[1]
        if self.loss == "log_loss" and self.output_activation == "softmax":
            one_hot = bool(((Y == 0) | (Y == 1)).all() and (Y.sum(dim=1) == 1).all())
            if one_hot and Y.shape[0] > 0:
                data.labels = Y.argmax(dim=1)
        return data

    def start_fit(self, n_samples, batch_size, max_epochs):
        """Start at the estimator's rate and momentum; build the learning-rate
        schedule for a fit of ``max_epochs``."""
        self.lr, self.momentum = self._start
        lr = self.lr
        steps = max_epochs * -(-n_samples // batch_size)
        self.scheduler = _make_schedule(self.lr_schedule, self.optimizer, lr, steps)

    def end_fit(self):
        """Drop the schedule, which only lives for one fit."""
        self.scheduler = None

    def _outputs(self, raw):
        if self.output_activation == "logistic":
            return torch.sigmoid(raw)
        if self.output_activation == "softmax":
            return torch.softmax(raw, dim=1)
        return raw

    def _errors(self, out, Y):
        """``out - Y``, errors inside the dead zone set to zero."""
        diff = out - Y
        if self.dead_zone:
            diff = diff.masked_fill(diff.abs() < self.dead_zone, 0.0)
        return diff

    def _sample_losses(self, raw, Y):
        if self.loss == "log_loss":
            if self.output_activation == "softmax":
                return -(Y * torch.log_softmax(raw, dim=1)).sum(dim=1)
            return F.binary_cross_entropy_with_logits(raw, Y, reduction="none").sum(
                dim=1
            )
        diff = self._errors(self._outputs(raw), Y)
        return 0.5 * (diff * diff).sum(dim=1)

    def _summed_loss(self, raw, target, wb):
        """``sum_i w_i E_i`` of a batch, up to the factor ``_loss_factor()``.

        ``target`` is the class indices (integer tensor) or the encoded
        targets. One fused operation when unweighted.
        """
        if wb is not None:
            if target.dtype == torch.int64:
                return F.cross_entropy(raw, target, reduction="none") @ wb
            return self._sample_losses(raw, target) @ wb
        if self.loss == "log_loss":
            if self.output_activation == "softmax":
                # Class indices or probabilities, both fused.
                return F.cross_entropy(raw, target, reduction="sum")
            return F.binary_cross_entropy_with_logits(raw, target, reduction="sum")
        if self.dead_zone:
            return 2 * self._sample_losses(raw, target).sum()
        return F.mse_loss(self._outputs(raw), target, reduction="sum")

    def _loss_factor(self, weighted):
        """What ``_summed_loss`` leaves out: the 1/2 of the squared error."""
        return 0.5 if self.loss == "squared_error" and not weighted else 1.0

    def _layers(self):
        """``[(weight, bias, activation function or None)]`` of the built-in
        network, to run without ``nn.Module`` calls; None when the module is
        anything else or carries hooks."""
        module = self.module
        if type(module) is not nn.Sequential or _has_hooks(module) or _global_hooks():
            return None
        layers = []
        for child in module:
            if _has_hooks(child):
                return None
            if type(child) is nn.Linear:
                layers.append([child.weight, child.bias, None])
            elif type(child) in _FUNCTIONAL and layers and layers[-1][2] is None:
                layers[-1][2] = _FUNCTIONAL[type(child)]
            else:
                return None
        return [(w, b, None if fn is _identity else fn) for w, b, fn in layers] or None

    def _manual_ok(self, layers):
        """Whether :meth:`_manual_gradients` can train this network."""
        if layers is None or layers[-1][2] is not None:  # raw output: a Linear
            return False
        if self.output_activation == "softmax" and self.loss != "log_loss":
            return False
        return all(
            b is not None and w.requires_grad and b.requires_grad for w, b, _ in layers
        )

    def _gradient_fn(self, one_hot, layers=False):
        """``fn(Xb, Tb, wb, scale, accumulate) -> batch sum`` for this epoch,
        and whether it wants the class indices (rather than one-hot targets).
        ``one_hot``: the targets are known to be one-hot rows.

        The built-in network (an ``nn.Sequential`` of ``Linear`` layers and
        known activations, without hooks) is differentiated by hand, which
        on CPU costs a fraction of autograd's per-node overhead; anything
        else goes through autograd, layer by layer without module calls
        where possible.
        """
        if layers is False:
            layers = self._layers()
        if self._manual_ok(layers):

            def manual(Xb, Tb, wb, scale, accumulate):
                with torch.no_grad():
                    return self._manual_gradients(
                        layers, Xb, Tb, wb, scale, accumulate, one_hot
                    )

            return manual, False
        if layers is None:
            forward = self.module
        else:

            def forward(x):
                for weight, bias, fn in layers:
                    x = F.linear(x, weight, bias)
                    if fn is not None:
                        x = fn(x)
                return x

        def autograd(Xb, Tb, wb, scale, accumulate):
            return self._backward(forward, Xb, Tb, wb, scale)

        return autograd, True

    def _manual_gradients(self, layers, X, T, w, scale, accumulate, one_hot=False):
        """Forward and backward passes of the built-in network by hand.

        The same arithmetic as autograd's, without its graph: ``.grad`` of
        each weight receives (or, with ``accumulate``, adds) ``scale *`` the
        gradient of the summed (weighted) loss, whose value is returned.
        """
        outputs = []
        a = X
        for weight, bias, fn in layers:
            a = torch.addmm(bias, a, weight.t())
            if fn is not None:
                fn = _INPLACE[fn]
                a = fn(a)
            outputs.append(a)
        delta, total = self._manual_output_delta(outputs[-1], T, w, one_hot)
        if w is None:
            delta.mul_(scale)
        else:
            delta.mul_((w * scale).unsqueeze(1))
        for i in range(len(layers) - 1, -1, -1):
            weight, bias, _ = layers[i]
            a_prev = X if i == 0 else outputs[i - 1]
            grad_weight = torch.mm(delta.t(), a_prev)
            grad_bias = delta.sum(dim=0)
            if accumulate:
                weight.grad.add_(grad_weight)
                bias.grad.add_(grad_bias)
            else:
                weight.grad = grad_weight
                bias.grad = grad_bias
            if i > 0:
                delta = _times_derivative(layers[i - 1][2], a_prev, delta.mm(weight))
        return total

    def _manual_output_delta(self, raw, T, w, one_hot=False):
        """dE/d(raw output) per sample (overwriting ``raw``) and sum w_i E_i."""
        loss, act = self.loss, self.output_activation
        if loss == "log_loss" and act == "softmax":
            logp = torch.log_softmax(raw, dim=1)
            if w is None:
                total = -torch.dot(T.reshape(-1), logp.reshape(-1))
            else:
                total = -((T * logp).sum(dim=1) @ w)
            delta = logp.exp_()  # the softmax
            if not one_hot:  # d/dz of -sum_k T_k log softmax_k
                delta.mul_(T.sum(dim=1, keepdim=True))
            return delta.sub_(T), total
        if loss == "log_loss":
            if w is None:
                total = F.binary_cross_entropy_with_logits(raw, T, reduction="sum")
            else:
                per_sample = F.binary_cross_entropy_with_logits(
                    raw, T, reduction="none"
                )
                total = per_sample.sum(dim=1) @ w
            return raw.sigmoid_().sub_(T), total
        out = raw.sigmoid_() if act == "logistic" else raw
        diff = self._errors(out, T)
        if w is None:
            total = 0.5 * torch.dot(diff.reshape(-1), diff.reshape(-1))
        else:
            total = 0.5 * ((diff * diff).sum(dim=1) @ w)
        if act == "logistic":
            diff = _times_derivative(torch.sigmoid, out, diff)
        return diff, total

    def _train_step(self, Xb, Tb, wb, gradients=None, params=None, chunk=None):
        """One optimizer step on a batch; its summed loss (a tensor).

        ``gradients``: from :meth:`_gradient_fn`. ``chunk``: rows per chunk,
        the gradients of the chunks accumulating before the step (full
        batches of the built-in network).
        """
        if gradients is None:
            gradients = self._gradient_fn(one_hot=False)[0]
        if params is None:
            params = [p for g in self.optimizer.param_groups for p in g["params"]]
        for p in params:
            p.grad = None
        n = Xb.shape[0]
        if isinstance(Xb, _SparseRows) and (chunk is None or n <= chunk):
            Xb = Xb[:]  # small enough to densify at once
        if wb is None:
            scale, weights, weight_sum = 1.0 / n, None, None
        else:
            # The weighted mean as weights / their sum (each at most 1):
            # 1 / sum alone overflows when the batch's weights are tiny.
            weight_sum = wb.sum()
            weights = torch.where(weight_sum > 0, wb / weight_sum, 0.0)
            scale = 1.0
        if chunk is None or n <= chunk:
            batch_sum = gradients(Xb, Tb, weights, scale, False)
        else:
            batch_sum = 0
            for start in range(0, n, chunk):
                sl = slice(start, start + chunk)
                wc = None if weights is None else weights[sl]
                batch_sum = batch_sum + gradients(Xb[sl], Tb[sl], wc, scale, start > 0)
        if weight_sum is not None:
            batch_sum = batch_sum * weight_sum  # sum_i w_i E_i again
        if self.input_mask is not None:
            self.linear_layers()[0].weight.grad.mul_(self.input_mask)
        self.optimizer.step()
        if self.scheduler is not None:
            self.scheduler.step()
        return batch_sum

    def _backward(self, forward, Xb, Yb, wb, scale):
        """Accumulate ``scale *`` the gradient of the summed loss; that sum."""
        summed = self._summed_loss(forward(Xb), Yb, wb)
        factor = self._loss_factor(wb is not None)
        if isinstance(scale, torch.Tensor):
            gradient = scale.to(summed.dtype).reshape(())
        else:
            gradient = self._constant(scale * factor, summed)
        summed.backward(gradient)
        summed = summed.detach()
        return summed * factor if factor != 1.0 else summed

    def _constant(self, value, like):
        """A cached 0-d tensor of ``value`` (the gradient of a batch's sum)."""
        key = (value, like.dtype, like.device)
        cache = self.__dict__.setdefault("_constants", {})
        tensor = cache.get(key)
        if tensor is None:
            if len(cache) > 16:
                cache.clear()
            tensor = cache[key] = torch.full(
                (), value, dtype=like.dtype, device=like.device
            )
        return tensor

    def _batches(self, X, targets, w, batch_size, order):
        """``(Xb, Tb, wb)`` of each batch of an epoch, in ``order`` if given."""
        for start in range(0, X.shape[0], batch_size):
            if order is None:
                sl = slice(start, start + batch_size)
                yield X[sl], targets[sl], None if w is None else w[sl]
            else:
                idx = order[start : start + batch_size]
                wb = None if w is None else w.index_select(0, idx)
                yield X.index_select(0, idx), targets.index_select(0, idx), wb

    def run_epoch(self, data, batch_size, shuffle=True, on_batch=None):
        """Train for one epoch; the mean (weighted) loss of its batches."""
        # Gradients on even when fit is called inside a torch.no_grad() block.
        with torch.enable_grad():
            return self._run_epoch(data, batch_size, shuffle, on_batch)

    def _run_epoch(self, data, batch_size, shuffle, on_batch):
        X, Y, w = data
        n = X.shape[0]
        self.module.train()
        labels = getattr(data, "labels", None)
        layers = self._layers()
        gradients, wants_labels = self._gradient_fn(labels is not None, layers)
        targets = labels if wants_labels and labels is not None else Y
        params = [p for g in self.optimizer.param_groups for p in g["params"]]
        # A module of the user's may write to its input: it gets a copy.
        private = layers is None
        total_weight = n if w is None else w.sum()
        if batch_size >= n:
            chunk = None
            if layers is not None or isinstance(X, _SparseRows):
                chunk = chunk_rows(max(p.shape[0] for p in params))
            Xb = X.clone() if private else X
            total = self._train_step(Xb, targets, w, gradients, params, chunk)
            if on_batch is not None:
                on_batch(total, total_weight)
            return float(total / total_weight)  # the epoch's only host sync
        order = None
        if shuffle:
            order = torch.randperm(n, generator=self.generator, device=self.device)
        sums = []
        for Xb, Tb, wb in self._batches(X, targets, w, batch_size, order):
            if private and order is None:
                Xb = Xb.clone()
            batch_sum = self._train_step(Xb, Tb, wb, gradients, params)
            sums.append(batch_sum)
            if on_batch is not None:
                on_batch(batch_sum, Xb.shape[0] if wb is None else wb.sum())
        return float(torch.stack(sums).sum() / total_weight)

    # -- inference ---------------------------------------------------------
    def _in_chunks(self, X, fn, chunk_size=None):
        """``fn(tensor)`` (a NumPy array) over ``X`` in chunks of rows.

        ``chunk_size`` defaults to 16,384 rows on CPU, whose activations
        stay in cache, and 65,536 elsewhere.
        """
        if chunk_size is None:
            chunk_size = 16384 if self.device.type == "cpu" else 65536
            if sparse.issparse(X):  # densified chunk by chunk: keep each small
                chunk_size = max(
                    1, min(chunk_size, _SPARSE_CHUNK_ELEMENTS // X.shape[1])
                )
        self.module.eval()
        private = self._layers() is None
        n = X.shape[0]
        out = None
        with torch.no_grad():
            for start in range(0, max(n, 1), chunk_size):
                part = fn(self._tensor(X[start : start + chunk_size], private))
                part = part.cpu().numpy()
                if n <= chunk_size:
                    return part
                if out is None:
                    out = np.empty((n, *part.shape[1:]), part.dtype)
                out[start : start + part.shape[0]] = part
        return out

    def predict(self, X, chunk_size=None):
        """Network outputs for ``X`` (NumPy in, NumPy out), in chunks of rows."""
        return self._in_chunks(X, lambda Xb: self._outputs(self.module(Xb)), chunk_size)

    def _builtin_layers(self, what):
        layers = self._layers()
        if layers is None:
            raise NotImplementedError(
                f"{what} needs the built-in network (an nn.Sequential of Linear "
                "layers and activations); a custom module's hidden layers are "
                "its own."
            )
        return layers

    def hidden(self, X, layers):
        """Outputs of the built-in network's hidden layers ``layers`` (0-based)."""
        network = self._builtin_layers("The hidden layers' outputs")
        stop = max(layers) + 1

        def forward(x):
            outputs = []
            for weight, bias, fn in network[:stop]:
                x = F.linear(x, weight, bias)
                x = x if fn is None else fn(x)
                outputs.append(x)
            return torch.cat([outputs[i] for i in layers], dim=1)

        joined = self._in_chunks(X, forward)
        widths = [self.layer_sizes[i + 1] for i in layers]
        return np.split(joined, np.cumsum(widths)[:-1], axis=1)

    def decode(self, H, layer):
        """Outputs of the built-in network from hidden layer ``layer``'s outputs."""
        network = self._builtin_layers("Decoding")

        def forward(h):
            for weight, bias, fn in network[layer + 1 :]:
                h = F.linear(h, weight, bias)
                h = h if fn is None else fn(h)
            return self._outputs(h)

        return self._in_chunks(np.asarray(H), forward)

    def weights(self):
        """NumPy copies of the ``Linear`` layers' weights, shape (in, out),
        and biases."""
        layers = self.linear_layers()
        coefs = [layer.weight.detach().cpu().numpy().T.copy() for layer in layers]
        intercepts = [
            None if layer.bias is None else layer.bias.detach().cpu().numpy().copy()
            for layer in layers
        ]
        return coefs, intercepts

    @torch.no_grad()
    def params_finite(self):
        """Whether every weight is finite (one host sync)."""
        params = [p.reshape(-1) for p in self.module.parameters()]
        if not params:
            return True
        try:
            flat = params[0] if len(params) == 1 else torch.cat(params)
        except RuntimeError:  # parameters on several devices
            return all(bool(torch.isfinite(p).all()) for p in params)
        return bool(torch.isfinite(flat).all())

    def linear_layers(self):
        """The ``nn.Linear`` layers of the module, in order."""
        return [m for m in self.module.modules() if isinstance(m, nn.Linear)]

    # -- what the callbacks read and set -------------------------------------
    @property
    def lr(self):
        """The learning rate of the optimizer's first parameter group."""
        return self.optimizer.param_groups[0]["lr"]

    @lr.setter
    def lr(self, value):
        for group in self.optimizer.param_groups:
            group["lr"] = float(value)

    @property
    def momentum(self):
        """SGD's momentum, or Adam's first beta."""
        group = self.optimizer.param_groups[0]
        return group["momentum"] if "momentum" in group else group["betas"][0]

    @momentum.setter
    def momentum(self, value):
        for group in self.optimizer.param_groups:
            if "momentum" in group:
                group["momentum"] = float(value)
            else:
                group["betas"] = (float(value), group["betas"][1])

    def _weight_modules(self):
        """The modules that own a ``weight`` parameter, in order."""
        return [
            module
            for module in self.module.modules()
            if isinstance(getattr(module, "weight", None), nn.Parameter)
        ]

    def layer_names(self):
        """``hidden_1``, ..., ``output``: one per module owning a weight."""
        return _engine.layer_names(len(self._weight_modules()))

    @staticmethod
    def probe(data, n_rows):
        """The first ``n_rows`` samples of :meth:`prepare`'s data."""
        return tuple(None if a is None else a[:n_rows] for a in data)

    def activation_stats(self, X):
        """``[(layer name, ACTIVATION_STATS)]`` of every activation module's
        output and of the output units, on ``X`` (a device tensor)."""
        captured = []
        hooks = [
            module.register_forward_hook(
                lambda mod, inp, out, kind=kind: captured.append(
                    _activation_stats(out, kind)
                )
            )
            for module in self.module.modules()
            if (kind := _ACTIVATION_KINDS.get(type(module).__name__))
        ]
        try:
            with torch.no_grad():
                out = self._outputs(self.module(X.clone()))
        finally:
            for hook in hooks:
                hook.remove()
        captured.append(_activation_stats(out, self.output_activation))
        return list(zip(_engine.layer_names(len(captured)), captured))

    def gradient_stats(self, X, Y, sample_weight=None):
        """``[(layer name, TENSOR_STATS)]`` of dE/dW on ``(X, Y)``; the
        optimizer's gradients and state are untouched."""
        modules = self._weight_modules()
        losses = self._sample_losses(self.module(X.clone()), Y)
        if sample_weight is None:
            loss = losses.mean()
        else:
            loss = (losses @ sample_weight) / sample_weight.sum()
        grads = torch.autograd.grad(loss, [m.weight for m in modules])
        names = _engine.layer_names(len(modules))
        return [(name, _tensor_stats(g)) for name, g in zip(names, grads)]

    def weight_stats(self):
        """``[(layer name, TENSOR_STATS)]`` of every weight matrix."""
        modules = self._weight_modules()
        names = _engine.layer_names(len(modules))
        return [(name, _tensor_stats(m.weight)) for name, m in zip(names, modules)]

    @staticmethod
    def to_numpy(stats):
        """A statistics vector as a NumPy array (one device sync)."""
        return stats.detach().cpu().numpy()

    # -- pickling: CPU tensors only, so a GPU model loads anywhere ---------
    def __reduce__(self):
        # Pickle and copy call __reduce_ex__ (below); skops calls __reduce__
        # and would fail deep inside torch: say what to do instead.
        raise TypeError(
            "A torch estimator holds a torch.nn.Module, which skops cannot save "
            "(it loads no torch tensors). Save it with pickle or joblib, which "
            "run code when loading: load only files you trust. Or save the "
            "weights alone: torch.save(estimator.module_.state_dict(), path)."
        )

    def __reduce_ex__(self, protocol):
        return copyreg.__newobj__, (type(self),), self.__getstate__()

    def __getstate__(self):
        state = self.__dict__.copy()
        state["module"] = copy.deepcopy(self.module).to("cpu")
        state["optimizer"] = _to_cpu(self.optimizer.state_dict())
        if self.input_mask is not None:
            state["input_mask"] = self.input_mask.cpu()
        state["generator"] = None
        state["scheduler"] = None
        state.pop("_constants", None)
        state["device"] = str(self.device)
        return state

    def __setstate__(self, state):
        optimizer_state = state.pop("optimizer")
        self.__dict__.update(_upgraded(state))
        self.device = _available_or_cpu(torch.device(state["device"]))
        self.module = self.module.to(self.device)
        if self.input_mask is not None:
            self.input_mask = self.input_mask.to(self.device)
        self.optimizer = _make_optimizer(
            self.optimizer_name, self.module.parameters(), **self._initial
        )
        self.optimizer.load_state_dict(optimizer_state)
        if "_start" not in state:  # pickled by 0.1
            self._start = (self._initial["lr"], self.momentum)
        self.seed(0)


def _upgraded(state):
    """An engine's pickled state with what older versions lacked filled in."""
    state = {"hidden_activation": "relu", "dead_zone": 0.0, "input_mask": None, **state}
    if "_initial" not in state:  # 0.1 kept the settings as attributes
        state["_initial"] = {
            k: state.pop(k) for k in ("lr", "momentum", "weight_decay")
        }
    return state


def _available_or_cpu(device):
    """``device``, or the CPU where it does not exist on this machine."""
    if device.type == "cuda" and not torch.cuda.is_available():
        return torch.device("cpu")
    if device.type == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            return torch.device("cpu")
    return device


def _to_cpu(obj):
    if isinstance(obj, torch.Tensor):
        return obj.detach().to("cpu")
    if isinstance(obj, dict):
        return {k: _to_cpu(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return type(obj)(_to_cpu(v) for v in obj)
    return obj


#: Kind of squashing of the activation modules the read-outs know.
_ACTIVATION_KINDS = {
    "Sigmoid": "logistic",
    "Tanh": "tanh",
    "ReLU": "relu",
    "GELU": "gelu",
    "LeakyReLU": "relu",
    "ELU": "relu",
    "SiLU": "relu",
    "Softmax": "softmax",
}


def _tensor_stats(t):
    """``TENSOR_STATS`` of a tensor, on its device."""
    t = t.detach().double()
    return torch.stack([t.mean(), t.std(unbiased=False), t.abs().max(), t.norm()])


def _activation_stats(a, kind):
    """``ACTIVATION_STATS`` of a layer's outputs, on their device."""
    a = a.detach().double()
    margin = _engine.SATURATION_MARGIN
    if kind in ("logistic", "softmax"):
        saturated = ((a < margin) | (a > 1 - margin)).double().mean()
    elif kind == "tanh":
        saturated = (a.abs() > 1 - margin).double().mean()
    else:
        saturated = torch.zeros((), dtype=a.dtype, device=a.device)
    dead = (a <= 0).all(dim=0).double().mean()
    return torch.stack([a.mean(), a.std(unbiased=False), saturated, dead])
