"""The torch engine: devices (:mod:`.device`), the network and its
activations (:mod:`.network`), the losses (:mod:`.losses`), the gradient of
a batch by hand or by autograd (:mod:`.fast_path`), optimizers and
schedules (:mod:`.optimizer`), one sweep (:mod:`.sweep`), the statistics'
sources (:mod:`.diagnostics`), and the engine that assembles them
(:mod:`.engine`).

The only package of rumelhart that imports torch for training; importing it
without torch installed fails with an ``ImportError`` that names the extra.
"""

try:
    import torch
    from torch import nn
except ImportError as exc:  # pragma: no cover - exercised without torch
    raise ImportError(
        "The torch estimators need PyTorch. Install it with "
        "`pip install 'rumelhart[torch]'` (or `pip install torch`)."
    ) from exc

from .device import available_memory, resolve_device
from .engine import TorchMLP
from .network import ACTIVATIONS, build_mlp, build_seeded
from .sweep import chunk_rows

__all__ = [
    "ACTIVATIONS",
    "TorchMLP",
    "available_memory",
    "build_mlp",
    "build_seeded",
    "chunk_rows",
    "nn",
    "resolve_device",
    "torch",
]
