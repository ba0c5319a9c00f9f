"""Export fitted estimators, alone or in pipelines, to ONNX.

:func:`register_onnx_converters` teaches skl2onnx the six estimators, so
that ``skl2onnx.to_onnx`` converts them, and pipelines holding them, like
any scikit-learn model; :func:`to_onnx` registers them and converts in one
call. The graph is read off the fitted weights (``coefs_``,
``intercepts_``) and ends as the estimator's methods end: a classifier
gives its labels and the probabilities of ``predict_proba``, a regressor the
predictions of ``predict``, an autoencoder its code (``transform``), and an
estimator whose outputs feed another step (an intermediate step of a
``Pipeline``, a part of a ``FeatureUnion`` or ``ColumnTransformer``) the
hidden features of ``transform``. :func:`inverse_to_onnx` converts an
autoencoder's ``inverse_transform``, alone or at the end of a pipeline.

A pipeline fitted on a pandas DataFrame converts with one input per column,
as skl2onnx does; :func:`make_feeds` makes the inputs of the session from
a DataFrame.

A torch estimator fitted with a custom ``module`` has no ``coefs_``: its
network goes through ``torch.onnx.export`` (:func:`module_to_onnx`, which
:func:`to_onnx` calls for such an estimator given alone).

This package needs ``skl2onnx`` and ``onnx`` (``pip install
'rumelhart[onnx]'``, which also installs ``onnxruntime`` to run the models);
``import rumelhart`` never imports them.
"""

try:
    import onnx  # noqa: F401
    import skl2onnx  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "rumelhart.onnx needs skl2onnx and onnx (and onnxruntime to run the "
        "models). Install them with `pip install 'rumelhart[onnx]'`."
    ) from exc

from ._convert import to_onnx
from ._frames import make_feeds
from ._inverse import inverse_to_onnx
from ._module import MODULE_OPSET, module_to_onnx
from ._registration import register_onnx_converters

__all__ = [
    "MODULE_OPSET",
    "inverse_to_onnx",
    "make_feeds",
    "module_to_onnx",
    "register_onnx_converters",
    "to_onnx",
]
