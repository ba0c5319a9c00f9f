"""The NumPy engine: the network's passes (:mod:`.network`), the eq. 9
optimizer (:mod:`.optimizer`), the array operations of the shared formulas
(:mod:`.ops`) and the engine that assembles them (:mod:`.engine`)."""

from .engine import NumpyMLP, chunk_rows

__all__ = ["NumpyMLP", "chunk_rows"]
