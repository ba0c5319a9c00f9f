"""Kept only so that pickles of rumelhart 0.2.0 load (do not import it).

Those pickles name ``rumelhart._torch_engine.TorchMLP``; the engine lives in
:mod:`rumelhart._engines.torch` since, and reads their pickled state.
"""

from ._engines.torch.engine import TorchMLP

__all__ = ["TorchMLP"]
