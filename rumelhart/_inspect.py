"""Read-outs of a training engine for the callbacks, on either backend.

Every function takes the engine (NumPy or torch) and returns per-layer
statistics as a small array on the engine's device (a torch tensor for the
torch engine), so that recording never forces a host sync; :func:`to_numpy`
converts a batch of them once per epoch.
"""

import numpy as np

#: Order of the numbers in each statistics vector.
ACTIVATION_STATS = ("mean", "std", "saturated", "dead")
TENSOR_STATS = ("mean", "std", "abs_max", "norm")

# Outputs closer than this to a bound of a squashing unit count as saturated.
_SATURATION_MARGIN = 0.02


def _is_torch(engine):
    return hasattr(engine, "module")


def _layer_names(n_layers):
    return [f"hidden_{i + 1}" for i in range(n_layers - 1)] + ["output"]


# -- NumPy engine ---------------------------------------------------------
def _numpy_tensor_stats(a):
    a = np.asarray(a, dtype=np.float64)
    return np.array([a.mean(), a.std(), np.abs(a).max(), np.sqrt((a * a).sum())])


def _numpy_activation_stats(a, activation):
    a = np.asarray(a, dtype=np.float64)
    if activation in ("logistic", "softmax"):
        saturated = np.mean((a < _SATURATION_MARGIN) | (a > 1 - _SATURATION_MARGIN))
    elif activation == "tanh":
        saturated = np.mean(np.abs(a) > 1 - _SATURATION_MARGIN)
    else:
        saturated = 0.0
    dead = np.mean(np.all(a <= 0, axis=0))  # units silent on every sample
    return np.array([a.mean(), a.std(), saturated, dead])


# -- torch engine ---------------------------------------------------------
def _torch_tensor_stats(t):
    import torch

    t = t.detach().double()
    return torch.stack([t.mean(), t.std(unbiased=False), t.abs().max(), t.norm()])


def _torch_activation_stats(a, kind):
    import torch

    a = a.detach().double()
    zero = torch.zeros((), dtype=a.dtype, device=a.device)
    if kind in ("sigmoid", "softmax"):
        saturated = (
            ((a < _SATURATION_MARGIN) | (a > 1 - _SATURATION_MARGIN)).double().mean()
        )
    elif kind == "tanh":
        saturated = (a.abs() > 1 - _SATURATION_MARGIN).double().mean()
    else:
        saturated = zero
    dead = (a <= 0).all(dim=0).double().mean()
    return torch.stack([a.mean(), a.std(unbiased=False), saturated, dead])


def _torch_weight_layers(engine):
    """(name, module) of the modules that own a ``weight``, in order.

    Named by position like the NumPy engine's layers (``hidden_1``, ...,
    ``output``), so records compare across backends.
    """
    modules = [
        module
        for module in engine.module.modules()
        if isinstance(getattr(module, "weight", None), engine_torch().nn.Parameter)
    ]
    return list(zip(_layer_names(len(modules)), modules))


def engine_torch():
    """The torch module (imported lazily: only torch engines need it)."""
    import torch

    return torch


_TORCH_ACTIVATION_KINDS = {
    "Sigmoid": "sigmoid",
    "Tanh": "tanh",
    "ReLU": "relu",
    "GELU": "gelu",
    "LeakyReLU": "relu",
    "ELU": "relu",
    "SiLU": "relu",
    "Softmax": "softmax",
}


# -- public read-outs -----------------------------------------------------
def weight_stats(engine):
    """``[(layer name, stats)]`` of every weight matrix (``TENSOR_STATS``)."""
    if _is_torch(engine):
        return [
            (name, _torch_tensor_stats(module.weight))
            for name, module in _torch_weight_layers(engine)
        ]
    names = _layer_names(len(engine.coefs))
    return [(n, _numpy_tensor_stats(W)) for n, W in zip(names, engine.coefs)]


def gradient_stats(engine, X, Y, sample_weight=None):
    """``[(layer name, stats)]`` of dE/dW on ``(X, Y)`` at the current weights.

    Nothing of the training state changes: the optimizer keeps its own
    gradients and momentum.
    """
    if _is_torch(engine):
        torch = engine_torch()
        layers = _torch_weight_layers(engine)
        losses = engine._sample_losses(engine.module(X), Y)
        if sample_weight is None:
            loss = losses.mean()
        else:
            loss = (losses @ sample_weight) / sample_weight.sum()
        grads = torch.autograd.grad(loss, [m.weight for _, m in layers])
        return [(name, _torch_tensor_stats(g)) for (name, _), g in zip(layers, grads)]
    _, grads = engine.loss_and_gradients(X, Y, sample_weight)
    names = _layer_names(len(engine.coefs))
    return [(n, _numpy_tensor_stats(g)) for n, g in zip(names, grads)]


def activation_stats(engine, X):
    """``[(layer name, stats)]`` of each layer's output on ``X``.

    The statistics are ``ACTIVATION_STATS``: mean, standard deviation, share
    of outputs in the flat ends of a squashing unit, share of units silent
    (<= 0) on every sample.
    """
    if _is_torch(engine):
        torch = engine_torch()
        captured = []
        hooks = [
            module.register_forward_hook(
                lambda mod, inp, out, kind=kind: captured.append(
                    _torch_activation_stats(out, kind)
                )
            )
            for module in engine.module.modules()
            if (kind := _TORCH_ACTIVATION_KINDS.get(type(module).__name__))
        ]
        try:
            with torch.no_grad():
                raw = engine.module(X)
                out = engine._outputs(raw)
        finally:
            for hook in hooks:
                hook.remove()
        kind = {"logistic": "sigmoid", "softmax": "softmax"}.get(
            engine.output_activation, "identity"
        )
        stats = [*captured, _torch_activation_stats(out, kind)]
        return list(zip(_layer_names(len(stats)), stats))
    activations = engine.forward(X)
    names = _layer_names(len(activations))
    kinds = [engine.hidden_activation] * (len(activations) - 1) + [
        engine.output_activation
    ]
    return [
        (n, _numpy_activation_stats(a, k)) for n, a, k in zip(names, activations, kinds)
    ]


def to_numpy(stats):
    """A NumPy copy of a statistics vector (one device sync for torch)."""
    if hasattr(stats, "detach"):
        return stats.detach().cpu().numpy()
    return np.asarray(stats)


def get_hyperparameter(engine, name):
    """Current learning rate (``"lr"``) or momentum (``"momentum"``)."""
    if _is_torch(engine):
        group = engine.optimizer.param_groups[0]
        if name == "momentum" and "momentum" not in group:
            return group["betas"][0]
        return group[name]
    return getattr(engine.optimizer, name)


def set_hyperparameter(engine, name, value):
    """Set the learning rate (``"lr"``) or momentum (``"momentum"``) in place."""
    if _is_torch(engine):
        for group in engine.optimizer.param_groups:
            if name == "momentum" and "momentum" not in group:
                group["betas"] = (value, group["betas"][1])
            else:
                group[name] = value
    else:
        setattr(engine.optimizer, name, value)


def probe_rows(data, n_rows):
    """The first ``n_rows`` samples of the engine's training data."""
    return tuple(None if a is None else a[:n_rows] for a in data)
