"""Devices and data on them: which device, how much memory, NumPy to tensors.

Data are moved to the device once per ``fit``, without a copy when they are
already CPU arrays of the right dtype; a sparse ``X`` stays sparse on the
host and is densified batch by batch (:class:`SparseRows`).
"""

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from scipy import sparse

from ..._resources import available_host_memory
from ..base import map_row_chunks
from ..protocol import FloatArray

#: NumPy dtype -> torch dtype of weights and data.
TORCH_DTYPES: dict[np.dtype[Any], torch.dtype] = {
    np.dtype(np.float32): torch.float32,
    np.dtype(np.float64): torch.float64,
}


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return mps is not None and bool(mps.is_available())


def resolve_device(device: str | torch.device) -> torch.device:
    """The ``torch.device`` named by ``device`` ('auto', 'cpu', 'cuda', 'mps'...).

    Raises
    ------
    RuntimeError
        When ``device`` names CUDA or MPS and this machine has none.
    """
    if device == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    device = torch.device(device)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(
            f"device={str(device)!r} was requested but CUDA is not available; "
            "use device='cpu' or device='auto'."
        )
    if device.type == "mps" and not _mps_available():
        raise RuntimeError(
            "device='mps' was requested but MPS is not available; "
            "use device='cpu' or device='auto'."
        )
    return device


def available_or_cpu(device: torch.device) -> torch.device:
    """``device``, or the CPU where it does not exist on this machine."""
    if device.type == "cuda" and not torch.cuda.is_available():
        return torch.device("cpu")
    if device.type == "mps" and not _mps_available():
        return torch.device("cpu")
    return device


def available_memory(device: torch.device) -> int | None:
    """Bytes free on ``device`` (None where torch cannot tell)."""
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        return int(free)
    if device.type == "cpu":
        host: int | None = available_host_memory()  # type: ignore[no-untyped-call]
        return host
    return None


def to_tensor(
    a: Any, dtype: torch.dtype, device: torch.device, private: bool = False
) -> torch.Tensor | None:
    """``a`` on ``device``; shares the caller's memory where it can, unless
    ``private`` (for a module that may write to its input)."""
    if a is None:
        return None
    if sparse.issparse(a):
        a = a.toarray()  # a chunk of rows; the whole X stays sparse
    a = np.ascontiguousarray(a)
    if private:
        return torch.tensor(a, dtype=dtype, device=device)
    if a.flags.writeable:
        return torch.as_tensor(a, dtype=dtype, device=device)
    # Read-only input (a memmap, a pandas buffer): torch warns that it
    # could write to it; the built-in network never does.
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=".*not writable", category=UserWarning
        )
        return torch.as_tensor(a, dtype=dtype, device=device)


class SparseRows:
    """The rows of a scipy CSR matrix, densified batch by batch on the device:
    a sparse ``X`` is never densified whole."""

    def __init__(self, X: Any, to_tensor: Callable[[Any], torch.Tensor]) -> None:
        self.X = X
        self._to_tensor = to_tensor

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_samples, n_features)``."""
        rows, columns = self.X.shape
        return int(rows), int(columns)

    def __getitem__(self, rows: Any) -> torch.Tensor:
        return self._to_tensor(self.X[rows].toarray())

    def index_select(self, dim: int, index: torch.Tensor) -> torch.Tensor:
        """The rows ``index`` (``dim`` is 0), densified."""
        return self[index.cpu().numpy()]

    def clone(self) -> "SparseRows":
        """Itself: every batch is a fresh tensor already."""
        return self


#: Elements of a densified chunk of sparse input at prediction.
_SPARSE_CHUNK_ELEMENTS = 2**22


def inference_rows(X: Any, device: torch.device) -> int:
    """Rows per chunk at prediction: 16,384 on CPU, whose activations stay in
    cache, 65,536 elsewhere; fewer for sparse ``X``, densified chunk by chunk."""
    rows = 16384 if device.type == "cpu" else 65536
    if sparse.issparse(X):
        rows = max(1, min(rows, _SPARSE_CHUNK_ELEMENTS // X.shape[1]))
    return rows


def map_on_device(
    X: Any,
    fn: Callable[[torch.Tensor], torch.Tensor],
    to_device: Callable[[Any], Any],
    rows: int,
) -> FloatArray:
    """``fn`` of the rows of ``X`` moved to the device by ``to_device``, in
    chunks of ``rows`` rows, without a graph; the results as one NumPy array."""

    def compute(start: int, stop: int) -> list[FloatArray]:
        return [fn(to_device(X[start:stop])).cpu().numpy()]

    with torch.no_grad():
        return map_row_chunks(X.shape[0], rows, compute)[0]


def to_cpu(obj: Any) -> Any:
    """``obj`` (a tensor, or dicts, lists, tuples of them) with every tensor
    detached and moved to the CPU."""
    if isinstance(obj, torch.Tensor):
        return obj.detach().to("cpu")
    if isinstance(obj, dict):
        return {k: to_cpu(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return type(obj)(to_cpu(v) for v in obj)
    return obj
