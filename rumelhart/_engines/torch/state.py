"""The torch engine's pickled state: CPU tensors only, so that a model
trained on a GPU loads anywhere; states of older versions brought up to date."""

import copy
from typing import Any

import torch

from .device import to_cpu

#: Why a torch engine refuses skops (which loads no torch tensors).
NO_SKOPS = (
    "A torch estimator holds a torch.nn.Module, which skops cannot save "
    "(it loads no torch tensors). Save it with pickle or joblib, which "
    "run code when loading: load only files you trust. Or save the "
    "weights alone: torch.save(estimator.module_.state_dict(), path)."
)


def portable(
    attributes: dict[str, Any], optimizer: torch.optim.Optimizer
) -> dict[str, Any]:
    """The state to pickle of an engine with these ``attributes``: the
    module and the optimizer's state on the CPU, no generator or schedule
    (they live for one fit), the device by name."""
    state = attributes.copy()
    state["module"] = copy.deepcopy(attributes["module"]).to("cpu")
    state["optimizer"] = to_cpu(optimizer.state_dict())
    if attributes["input_mask"] is not None:
        state["input_mask"] = attributes["input_mask"].cpu()
    state["generator"] = None
    state["scheduler"] = None
    state["device"] = str(attributes["device"])
    return state


def upgraded(state: dict[str, Any]) -> dict[str, Any]:
    """An engine's pickled state with what older versions lacked filled in."""
    state = {
        "hidden_activation": "relu",
        "dead_zone": 0.0,
        "input_mask": None,
        "loss_param": None,
        **state,
    }
    state.pop("_constants", None)  # a cache of 0.2.0 engines
    if "_initial" not in state:  # 0.1 kept the settings as attributes
        state["_initial"] = {
            k: state.pop(k) for k in ("lr", "momentum", "weight_decay")
        }
    return state
