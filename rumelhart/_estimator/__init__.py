"""The estimator layer: what scikit-learn sees.

* :mod:`.base`: ``BaseMLP``, fit / partial_fit / predict / transform and the
  transactional fit (a call that raises changes nothing);
* :mod:`.fit_run`: ``FitRun``, one fit in progress (data, split, plan,
  target codes, backend, seed), and the fitted attributes it leaves;
* :mod:`.policy`: the "auto" rules as one table;
* :mod:`.targets`: ``TargetSpec`` and the output measures built from it;
* :mod:`.inputs`: checks of the data a fit or a prediction is given;
* :mod:`.backends`: the NumPy and torch backends, objects the estimators hold.
"""

from .backends import BackendSpec
from .base import BaseMLP
from .inputs import FLOAT_DTYPES, SPARSE_FORMATS
from .targets import TargetSpec

__all__ = ["FLOAT_DTYPES", "SPARSE_FORMATS", "BackendSpec", "BaseMLP", "TargetSpec"]
