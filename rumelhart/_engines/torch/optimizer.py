"""torch's optimizers and learning-rate schedules, built by name.

``"sgd"`` with momentum is eq. 9 of Rumelhart et al. (1986). Where torch has
a fused kernel for the parameters (floating point, one CPU or CUDA device)
it is used: one step is then a handful of kernels whatever the number of
layers.
"""

from collections.abc import Iterable
from typing import Any

import torch

#: The optimizers by the names the torch estimators accept.
OPTIMIZERS = ("sgd", "adam", "adamw")
#: The schedules by the names the torch estimators accept.
SCHEDULES = ("constant", "onecycle", "cosine")


def _implementation(params: list[torch.Tensor], device: torch.device) -> dict[str, Any]:
    """``{"fused": True}`` where torch has a fused kernel for these params."""
    floating = all(p.is_floating_point() for p in params)
    if floating and params and device.type in ("cpu", "cuda"):
        return {"fused": True}
    return {}


def make_optimizer(
    name: str,
    params: Iterable[torch.Tensor],
    lr: float,
    momentum: float,
    weight_decay: float,
) -> torch.optim.Optimizer:
    """The optimizer ``name`` over ``params`` (``momentum``: SGD's only).

    Raises
    ------
    ValueError
        When ``name`` is none of :data:`OPTIMIZERS`.
    """
    params = list(params)
    if name not in OPTIMIZERS:
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


def make_schedule(
    name: str, optimizer: torch.optim.Optimizer, lr: float, total_steps: int
) -> torch.optim.lr_scheduler.LRScheduler | None:
    """The learning-rate schedule ``name`` over ``total_steps`` changes
    (None for "constant").

    Raises
    ------
    ValueError
        When ``name`` is none of :data:`SCHEDULES`.
    """
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


def read_setting(optimizer: torch.optim.Optimizer, name: str) -> float:
    """The first parameter group's learning rate (``name="lr"``), or its
    momentum: SGD's momentum, Adam's first beta."""
    group = optimizer.param_groups[0]
    if name == "momentum" and "momentum" not in group:
        return float(group["betas"][0])
    return float(group[name])


def write_setting(optimizer: torch.optim.Optimizer, name: str, value: float) -> None:
    """Set :func:`read_setting`'s ``name`` in every parameter group."""
    for group in optimizer.param_groups:
        if name == "momentum" and "momentum" not in group:
            group["betas"] = (float(value), group["betas"][1])
        else:
            group[name] = float(value)
