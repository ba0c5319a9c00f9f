"""Old home of the estimator base, kept for what refers to it by name.

Fitted estimators pickled before the estimator layer moved to
:mod:`rumelhart._estimator` hold ``rumelhart._base.TargetSpec``; ``onnx``
imports ``BaseMLP`` from here. New code imports from :mod:`rumelhart._estimator`.
"""

from ._estimator import BackendSpec, BaseMLP, TargetSpec

__all__ = ["BackendSpec", "BaseMLP", "TargetSpec"]
