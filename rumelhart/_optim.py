"""Kept only so that pickles of rumelhart 0.2.0 load (do not import it).

Those pickles name ``rumelhart._optim.Momentum``; the optimizer lives in
:mod:`rumelhart._engines.numpy.optimizer` since, and its pickled state is
unchanged.
"""

from ._engines.numpy.optimizer import Momentum

__all__ = ["Momentum"]
