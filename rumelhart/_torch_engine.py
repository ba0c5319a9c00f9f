"""The engine protocol on PyTorch; the only module of rumelhart that imports torch.

Data are moved to the device once per ``fit`` and batched by slicing a
permuted index tensor; the epoch's loss is accumulated on the device and read
back once per epoch, so training never waits on the host between batches.
"""

import copy
import itertools

import numpy as np

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


def build_mlp(layer_sizes, activation):
    """``Linear`` layers with ``activation`` between them (the output is raw)."""
    layers = []
    pairs = list(itertools.pairwise(layer_sizes))
    for i, (n_in, n_out) in enumerate(pairs):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(pairs) - 1:
            layers.append(ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


def _make_optimizer(name, params, lr, momentum, weight_decay):
    if name == "sgd":
        return torch.optim.SGD(
            params, lr=lr, momentum=momentum, weight_decay=weight_decay
        )
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    raise ValueError(f"Unknown optimizer {name!r}; expected 'sgd', 'adam' or 'adamw'.")


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
    ):
        self.dtype = np.dtype(dtype)
        self.device = device
        self.output_activation = output_activation
        self.loss = loss
        self.optimizer_name = optimizer
        self.lr = lr
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.lr_schedule = lr_schedule
        self.module = module.to(device=device, dtype=self.torch_dtype)
        self.optimizer = _make_optimizer(
            optimizer, self.module.parameters(), lr, momentum, weight_decay
        )
        self.scheduler = None
        self.seed(seed)

    @property
    def torch_dtype(self):
        """The torch dtype of weights and data."""
        return _NUMPY_TO_TORCH[self.dtype]

    # -- engine protocol ---------------------------------------------------
    def seed(self, seed):
        """Reseed the local generator used for shuffling."""
        self.generator = torch.Generator(device=self.device)
        self.generator.manual_seed(int(seed) % (2**63))

    def copy(self):
        """An independent copy on the same device."""
        new = copy.copy(self)
        new.module = copy.deepcopy(self.module)
        new.optimizer = _make_optimizer(
            self.optimizer_name,
            new.module.parameters(),
            self.lr,
            self.momentum,
            self.weight_decay,
        )
        new.optimizer.load_state_dict(copy.deepcopy(self.optimizer.state_dict()))
        new.scheduler = None
        new.generator = torch.Generator(device=self.device)
        new.generator.set_state(self.generator.get_state())
        return new

    def reset_optimizer(self):
        """Forget the optimizer's running state (momentum, Adam moments)."""
        self.optimizer.state.clear()

    def _tensor(self, a):
        if a is None:
            return None
        return torch.as_tensor(
            np.ascontiguousarray(a), dtype=self.torch_dtype, device=self.device
        )

    def prepare(self, X, Y, sample_weight=None):
        """Move the training data to the device once."""
        return self._tensor(X), self._tensor(Y), self._tensor(sample_weight)

    def start_fit(self, n_samples, batch_size, max_epochs):
        """Build the learning-rate schedule for a fit of ``max_epochs``."""
        for group in self.optimizer.param_groups:
            group["lr"] = self.lr
        steps = max_epochs * -(-n_samples // batch_size)
        self.scheduler = _make_schedule(
            self.lr_schedule, self.optimizer, self.lr, steps
        )

    def end_fit(self):
        """Drop the schedule, which only lives for one fit."""
        self.scheduler = None

    def _outputs(self, raw):
        if self.output_activation == "logistic":
            return torch.sigmoid(raw)
        if self.output_activation == "softmax":
            return torch.softmax(raw, dim=1)
        return raw

    def _sample_losses(self, raw, Y):
        if self.loss == "log_loss":
            if self.output_activation == "softmax":
                return -(Y * torch.log_softmax(raw, dim=1)).sum(dim=1)
            return F.binary_cross_entropy_with_logits(raw, Y, reduction="none").sum(
                dim=1
            )
        diff = self._outputs(raw) - Y
        return 0.5 * (diff * diff).sum(dim=1)

    def _train_step(self, Xb, Yb, wb):
        raw = self.module(Xb)
        losses = self._sample_losses(raw, Yb)
        if wb is None:
            batch_sum = losses.sum()
            loss = batch_sum / Xb.shape[0]
        else:
            batch_sum = losses @ wb
            loss = batch_sum / wb.sum().clamp_min(torch.finfo(wb.dtype).tiny)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        if self.scheduler is not None:
            self.scheduler.step()
        return batch_sum.detach()

    def run_epoch(self, data, batch_size, shuffle=True, on_batch=None):
        """Train for one epoch; the mean (weighted) loss of its batches."""
        X, Y, w = data
        n = X.shape[0]
        self.module.train()
        total_weight = n if w is None else w.sum()
        if batch_size >= n:
            total = self._train_step(X, Y, w)
            if on_batch is not None:
                on_batch(total, total_weight)
        else:
            order = (
                torch.randperm(n, generator=self.generator, device=self.device)
                if shuffle
                else None
            )
            total = torch.zeros((), dtype=self.torch_dtype, device=self.device)
            for start in range(0, n, batch_size):
                if order is None:
                    sl = slice(start, start + batch_size)
                    Xb, Yb = X[sl], Y[sl]
                    wb = None if w is None else w[sl]
                else:
                    idx = order[start : start + batch_size]
                    Xb, Yb = X[idx], Y[idx]
                    wb = None if w is None else w[idx]
                batch_sum = self._train_step(Xb, Yb, wb)
                total += batch_sum
                if on_batch is not None:
                    on_batch(batch_sum, Xb.shape[0] if wb is None else wb.sum())
        return float(total / total_weight)  # the epoch's only host sync

    @torch.no_grad()
    def predict(self, X, chunk_size=65536):
        """Network outputs for ``X`` (NumPy in, NumPy out), in chunks."""
        self.module.eval()
        outputs = []
        for start in range(0, max(X.shape[0], 1), chunk_size):
            Xb = self._tensor(X[start : start + chunk_size])
            outputs.append(self._outputs(self.module(Xb)).cpu().numpy())
        return np.concatenate(outputs) if len(outputs) > 1 else outputs[0]

    @torch.no_grad()
    def params_finite(self):
        """Whether every weight is finite (one host sync)."""
        flags = [torch.isfinite(p).all() for p in self.module.parameters()]
        return bool(torch.stack(flags).all()) if flags else True

    def get_params(self):
        """A copy of the module's weights (for restoring the best epoch)."""
        return {k: v.detach().clone() for k, v in self.module.state_dict().items()}

    def set_params(self, params):
        """Restore weights saved by :meth:`get_params`."""
        self.module.load_state_dict(params)

    def linear_layers(self):
        """The ``nn.Linear`` layers of the module, in order."""
        return [m for m in self.module.modules() if isinstance(m, nn.Linear)]

    # -- pickling: CPU tensors only, so a GPU model loads anywhere ---------
    def __getstate__(self):
        state = self.__dict__.copy()
        state["module"] = copy.deepcopy(self.module).to("cpu")
        optimizer_state = self.optimizer.state_dict()
        state["optimizer"] = _to_cpu(optimizer_state)
        state["generator"] = None
        state["scheduler"] = None
        state["device"] = str(self.device)
        return state

    def __setstate__(self, state):
        device = torch.device(state["device"])
        if device.type == "cuda" and not torch.cuda.is_available():
            device = torch.device("cpu")
        if device.type == "mps":
            mps = getattr(torch.backends, "mps", None)
            if mps is None or not mps.is_available():
                device = torch.device("cpu")
        optimizer_state = state.pop("optimizer")
        self.__dict__.update(state)
        self.device = device
        self.module = self.module.to(device)
        self.optimizer = _make_optimizer(
            self.optimizer_name,
            self.module.parameters(),
            self.lr,
            self.momentum,
            self.weight_decay,
        )
        self.optimizer.load_state_dict(optimizer_state)
        self.seed(0)


def _to_cpu(obj):
    if isinstance(obj, torch.Tensor):
        return obj.detach().to("cpu")
    if isinstance(obj, dict):
        return {k: _to_cpu(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return type(obj)(_to_cpu(v) for v in obj)
    return obj
