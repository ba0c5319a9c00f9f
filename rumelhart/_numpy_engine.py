"""Kept only so that pickles of rumelhart 0.2.0 load (do not import it).

Those pickles name ``rumelhart._numpy_engine.NumpyMLP``; the engine lives in
:mod:`rumelhart._engines.numpy` since, and its pickled state is unchanged.
"""

from ._engines.numpy.engine import NumpyMLP

__all__ = ["NumpyMLP"]
