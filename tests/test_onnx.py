"""ONNX export: onnxruntime runs the exported models as the estimators run.

Every estimator, alone and after a ``StandardScaler`` in a ``Pipeline``, on
every kind of target: labels equal ``predict`` exactly, probabilities equal
``predict_proba`` within 1e-5 and predictions ``predict`` within 1e-5 of
their scale, with float32 inputs and a float32 graph. Each test records its
largest difference as the property ``max_abs_diff`` (``--junitxml`` shows
them; docs/deployment.md quotes them).
"""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.decomposition import PCA
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler

from rumelhart import RumelhartClassifier

from .conftest import CLASSIFIERS, HAS_TORCH, REGRESSORS

ort = pytest.importorskip("onnxruntime")
skl2onnx = pytest.importorskip("skl2onnx")
pytest.importorskip("onnx")

from rumelhart.onnx import (  # noqa: E402 - after the skips
    module_to_onnx,
    register_onnx_converters,
    to_onnx,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

TOLERANCE = 1e-5


def _small(cls, **params):
    """A quick, seeded estimator of class ``cls`` (torch ones on the CPU)."""
    params = {"hidden_layer_sizes": (8,), "max_iter": 30, "random_state": 0, **params}
    if cls.__name__.startswith("Torch"):
        params.setdefault("device", "cpu")
    return cls(**params)


def _run(onx, X):
    """The model's outputs on ``X`` (its first input), by onnxruntime."""
    session = ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return session.run(None, {session.get_inputs()[0].name: X})


def _classification(case):
    X, y = make_classification(
        n_samples=150, n_features=5, n_informative=4, n_redundant=0,
        n_classes=3, random_state=0,
    )  # fmt: skip
    targets = {
        "binary": (y == 1).astype(int),
        "multiclass": y,
        "multiclass_squared_error": y,
        "multilabel": np.column_stack([y == 0, y == 1, X[:, 0] > 0]).astype(int),
        "string_labels": np.array(["cat", "dog", "emu"])[y],
        "bool_labels": y == 1,
        "float_labels": y + 1.0,
    }
    params = {"loss": "squared_error"} if case == "multiclass_squared_error" else {}
    return X, targets[case], params


def _maybe_pipeline(estimator, in_pipeline):
    if not in_pipeline:
        return estimator
    return Pipeline([("scale", StandardScaler()), ("mlp", estimator)])


def _check_classifier(model, X, record_property, **kwargs):
    X32 = X.astype(np.float32)
    label, proba = _run(to_onnx(model, X[:2], options={"zipmap": False}, **kwargs), X32)
    expected = model.predict(X32)
    assert label.shape == expected.shape
    assert np.array_equal(label.astype(expected.dtype), expected)
    diff = np.abs(proba - model.predict_proba(X32)).max()
    record_property("max_abs_diff", float(diff))
    assert diff <= TOLERANCE
    return diff


def _regression(case):
    X, y = make_regression(
        n_samples=150, n_features=5, n_targets=2, noise=1.0, random_state=0
    )
    y = 10 * y + 3.0  # targets far from unit scale
    if case == "y_1d":
        return X, y[:, 0]
    if case == "constant_column":
        y[:, 1] = 2.5
    return X, y


def _check_regressor(model, X, record_property, **kwargs):
    X32 = X.astype(np.float32)
    (pred,) = _run(to_onnx(model, X[:2], **kwargs), X32)
    expected = model.predict(X32)
    assert pred.shape == expected.shape
    diff = np.abs(pred - expected).max()
    relative = diff / max(np.abs(expected).max(), 1.0)
    record_property("max_abs_diff", float(diff))
    record_property("max_rel_diff", float(relative))
    assert relative <= TOLERANCE
    return pred, expected


# -- every estimator, every kind of target ----------------------------------
CLASSIFIER_CASES = [
    "binary",
    "multiclass",
    "multiclass_squared_error",
    "multilabel",
    "string_labels",
    "bool_labels",
    "float_labels",
]


@pytest.mark.parametrize("in_pipeline", [False, True], ids=["alone", "pipeline"])
@pytest.mark.parametrize("case", CLASSIFIER_CASES)
@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_classifier_matches_predict_and_predict_proba(
    cls, case, in_pipeline, record_property
):
    X, y, params = _classification(case)
    model = _maybe_pipeline(_small(cls, **params), in_pipeline).fit(X, y)
    _check_classifier(model, X, record_property)


@pytest.mark.parametrize("in_pipeline", [False, True], ids=["alone", "pipeline"])
@pytest.mark.parametrize("case", ["y_1d", "y_2d", "constant_column"])
@pytest.mark.parametrize("cls", REGRESSORS)
def test_regressor_matches_predict(cls, case, in_pipeline, record_property):
    X, y = _regression(case)
    model = _maybe_pipeline(_small(cls), in_pipeline).fit(X, y)
    pred, expected = _check_regressor(model, X, record_property)
    if case == "constant_column":
        assert np.all(pred[:, 1] == np.float32(2.5))
        assert np.all(expected[:, 1] == 2.5)


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_fitted_in_float32(cls, record_property):
    X, y, _ = _classification("multiclass")
    model = _small(cls).fit(X.astype(np.float32), y)
    _check_classifier(model, X, record_property)


@pytest.mark.parametrize("cls", CLASSIFIERS + REGRESSORS)
def test_float64_graph(cls, record_property):
    """``dtype=np.float64`` makes a double graph: float64 estimators agree to
    rounding."""
    X, y, _ = _classification("multiclass")
    model = _small(cls).fit(X, y)
    classifier = hasattr(model, "predict_proba")
    options = {"zipmap": False} if classifier else None
    outputs = _run(to_onnx(model, X[:2], dtype=np.float64, options=options), X)
    if classifier:
        assert np.array_equal(outputs[0], model.predict(X))
        diff = np.abs(outputs[1] - model.predict_proba(X)).max()
    else:
        diff = np.abs(outputs[0] - model.predict(X)).max()
    record_property("max_abs_diff", float(diff))
    assert diff <= 1e-12


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_input_groups(cls, record_property):
    X, y, _ = _classification("multiclass")
    model = _small(cls, hidden_layer_sizes=(6,), input_groups=[([0, 1], 2)])
    _check_classifier(model.fit(X, y), X, record_property)


# -- skl2onnx's options and inputs ------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_zipmap_gives_a_dict_per_sample(dtype):
    """The default ``zipmap``; a float64 graph gives float32 probabilities
    there (ONNX's ZipMap takes no others)."""
    X, y, _ = _classification("string_labels")
    model = _maybe_pipeline(_small(RumelhartClassifier), True).fit(X, y)
    X = X.astype(dtype)
    label, proba = _run(to_onnx(model, X[:2], dtype=dtype), X)
    assert list(label) == list(model.predict(X))
    expected = model.predict_proba(X)
    assert set(proba[0]) == {"cat", "dog", "emu"}
    got = np.array([[row[c] for c in model.classes_] for row in proba])
    assert np.abs(got - expected).max() <= TOLERANCE


def test_zipmap_columns_gives_a_column_per_class():
    X, y, _ = _classification("multiclass")
    model = _small(RumelhartClassifier).fit(X, y)
    X32 = X.astype(np.float32)
    label, *columns = _run(to_onnx(model, X[:2], options={"zipmap": "columns"}), X32)
    assert np.array_equal(label, model.predict(X32))
    got = np.column_stack(columns)
    assert np.abs(got - model.predict_proba(X32)).max() <= TOLERANCE


@pytest.mark.parametrize("cls", CLASSIFIERS)
def test_older_opset(cls, record_property):
    """The graphs use operators of the same meaning since opset 9."""
    X, y, _ = _classification("multiclass")
    params = {"activation": "gelu"} if cls.__name__.startswith("Torch") else {}
    model = _maybe_pipeline(_small(cls, **params), True).fit(X, y)
    diff = _check_classifier(model, X, record_property, target_opset=11)
    assert diff <= TOLERANCE


def test_dataframe_input_one_column_per_input():
    pd = pytest.importorskip("pandas")
    X, y, _ = _classification("binary")
    df = pd.DataFrame(X, columns=list("abcde"))
    model = _maybe_pipeline(_small(RumelhartClassifier), True).fit(df, y)
    onx = to_onnx(model, df[:2], options={"zipmap": False})
    session = ort.InferenceSession(onx.SerializeToString())
    feeds = {c: df[[c]].to_numpy(np.float32) for c in df.columns}
    label, proba = session.run(None, feeds)
    assert np.array_equal(label, model.predict(df))
    assert np.abs(proba - model.predict_proba(df)).max() <= TOLERANCE


# -- the hidden features, when the outputs feed another step ----------------
@pytest.mark.parametrize("cls", CLASSIFIERS + REGRESSORS)
def test_intermediate_step_exports_its_transform(cls, record_property):
    """Before a final classifier, the estimator gives its ``transform``:
    every hidden layer (``transform_layer="all"``) of a network of two."""
    X, y, _ = _classification("multiclass")
    mlp = _small(cls, hidden_layer_sizes=(8, 5), transform_layer="all")
    steps = [("scale", StandardScaler()), ("mlp", mlp), ("head", LogisticRegression())]
    model = Pipeline(steps).fit(X, y)
    _check_classifier(model, X, record_property)


def test_plain_skl2onnx_converts_an_intermediate_step_after_registering():
    X, y, _ = _classification("multiclass")
    mlp = _small(RumelhartClassifier, transform_layer=0)
    model = Pipeline([("mlp", mlp), ("head", LogisticRegression())]).fit(X, y)
    register_onnx_converters()
    X32 = X.astype(np.float32)
    onx = skl2onnx.to_onnx(model, X32[:2], options={"zipmap": False})
    label, proba = _run(onx, X32)
    assert np.array_equal(label, model.predict(X32))
    assert np.abs(proba - model.predict_proba(X32)).max() <= TOLERANCE


@pytest.mark.parametrize("cls", CLASSIFIERS + REGRESSORS)
def test_feature_union_part_exports_its_transform(cls):
    X, y, _ = _classification("binary")
    mlp = _small(cls, hidden_layer_sizes=(4,))
    union = FeatureUnion([("pca", PCA(2)), ("mlp", mlp)])
    model = Pipeline([("union", union), ("head", Ridge())]).fit(X, y)
    X32 = X.astype(np.float32)
    (pred,) = _run(to_onnx(model, X[:2]), X32)
    assert np.abs(pred.ravel() - model.predict(X32)).max() <= TOLERANCE


def test_transform_option_on_a_final_estimator():
    X, y, _ = _classification("multiclass")
    model = _small(RumelhartClassifier, hidden_layer_sizes=(6, 4), transform_layer=0)
    model.fit(X, y)
    X32 = X.astype(np.float32)
    (H,) = _run(to_onnx(model, X[:2], options={"transform": True}), X32)
    assert H.shape == (len(X), 6)
    assert np.abs(H - model.transform(X32)).max() <= TOLERANCE


def test_transform_without_hidden_layer_is_refused():
    X, y, _ = _classification("multiclass")
    model = _small(RumelhartClassifier, hidden_layer_sizes=()).fit(X, y)
    with pytest.raises(ValueError, match="no hidden layer"):
        to_onnx(model, X[:2], options={"transform": True})


# -- torch: activations and custom modules ----------------------------------
needs_torch = pytest.mark.skipif(not HAS_TORCH, reason="needs torch")


@needs_torch
@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "gelu", "identity"])
def test_torch_hidden_activations(activation, record_property):
    from rumelhart import TorchMLPClassifier

    X, y, _ = _classification("multiclass")
    model = _small(
        TorchMLPClassifier, hidden_layer_sizes=(16, 8), activation=activation
    ).fit(X, y)
    _check_classifier(model, X, record_property)


def _skip_net():
    """A module class unlike the built-in MLP: SiLU and a skip connection."""
    import torch
    from torch import nn

    class SkipNet(nn.Module):
        def __init__(self, n_features, n_outputs, hidden=12):
            super().__init__()
            self.inner = nn.Linear(n_features, hidden)
            self.outer = nn.Linear(hidden + n_features, n_outputs)

        def forward(self, x):
            h = nn.functional.silu(self.inner(x))
            return self.outer(torch.cat([h, x], dim=1))

    return SkipNet


@needs_torch
@pytest.mark.parametrize(
    "case", ["binary", "multiclass", "multilabel", "string_labels"]
)
def test_custom_module_classifier(case, record_property):
    from rumelhart import TorchMLPClassifier

    X, y, _ = _classification(case)
    model = _small(TorchMLPClassifier, module=_skip_net()).fit(X, y)
    _check_classifier(model, X, record_property)


@needs_torch
def test_custom_module_zipmap_and_module_to_onnx():
    from rumelhart import TorchMLPClassifier

    X, y, _ = _classification("string_labels")
    model = _small(TorchMLPClassifier, module=_skip_net()).fit(X, y)
    X32 = X.astype(np.float32)
    onx = module_to_onnx(model, X[:2], target_opset=18)
    assert {o.version for o in onx.opset_import if o.domain in ("", "ai.onnx")} == {18}
    label, proba = _run(onx, X32)
    assert list(label) == list(model.predict(X32))
    got = np.array([[row[c] for c in model.classes_] for row in proba])
    assert np.abs(got - model.predict_proba(X32)).max() <= TOLERANCE


@needs_torch
@pytest.mark.parametrize("case", ["y_1d", "constant_column"])
def test_custom_module_regressor(case, record_property):
    from rumelhart import TorchMLPRegressor

    X, y = _regression(case)
    model = _small(TorchMLPRegressor, module=_skip_net()).fit(X, y)
    pred, _ = _check_regressor(model, X, record_property)
    if case == "constant_column":
        assert np.all(pred[:, 1] == np.float32(2.5))


@needs_torch
def test_custom_module_float64_graph():
    from rumelhart import TorchMLPRegressor

    X, y = _regression("y_2d")
    model = _small(TorchMLPRegressor, module=_skip_net()).fit(X, y)
    (pred,) = _run(to_onnx(model, X[:2], dtype=np.float64), X)
    assert np.abs(pred - model.predict(X)).max() <= 1e-9 * np.abs(y).max()


@needs_torch
def test_custom_module_in_a_pipeline_is_refused():
    from rumelhart import TorchMLPClassifier

    X, y, _ = _classification("binary")
    model = _maybe_pipeline(_small(TorchMLPClassifier, module=_skip_net()), True)
    with pytest.raises(NotImplementedError, match="custom torch module"):
        to_onnx(model.fit(X, y), X[:2])
    with pytest.raises(ValueError, match="custom module"):
        module_to_onnx(_small(TorchMLPClassifier).fit(X, y), X[:2])
    with pytest.raises(ValueError, match="zipmap"):
        module_to_onnx(model[-1], X[:2], options={"transform": True})


# -- what is refused, and what stays optional -------------------------------
def test_unfitted_estimator_is_refused():
    with pytest.raises(NotFittedError):
        to_onnx(RumelhartClassifier(), np.zeros((2, 3)))


def test_labels_onnx_cannot_hold_are_refused():
    """ONNX labels are integers or strings; fit accepts no others, so the
    classes are set by hand here."""
    X, y, _ = _classification("binary")
    model = _small(RumelhartClassifier).fit(X, y)
    model.classes_ = np.array([0.5, 1.5])
    with pytest.raises(TypeError, match="integers or strings"):
        to_onnx(model, X[:2])


def _run_python(code):
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_import_rumelhart_does_not_import_onnx():
    code = (
        "import sys\n"
        "from rumelhart import RumelhartClassifier\n"
        "RumelhartClassifier((2,), max_iter=2).fit([[0.0], [1.0]], [0, 1])\n"
        "print(sorted(m for m in sys.modules if m == 'rumelhart.onnx' or "
        "m.split('.')[0] in {'onnx', 'skl2onnx', 'onnxruntime'}))\n"
    )
    assert _run_python(code) == "[]"


def test_skl2onnx_needs_the_registration():
    """Without ``register_onnx_converters`` skl2onnx knows no rumelhart
    estimator; after it, it converts them."""
    code = (
        "import numpy as np, skl2onnx\n"
        "from skl2onnx.common.exceptions import MissingShapeCalculator\n"
        "from rumelhart import RumelhartClassifier\n"
        "from rumelhart.onnx import register_onnx_converters\n"
        "X = np.array([[0.0], [1.0]], np.float32)\n"
        "model = RumelhartClassifier((2,), max_iter=2).fit(X, [0, 1])\n"
        "try:\n"
        "    skl2onnx.to_onnx(model, X)\n"
        "except MissingShapeCalculator:\n"
        "    print('missing', end=' ')\n"
        "register_onnx_converters()\n"
        "print(type(skl2onnx.to_onnx(model, X)).__name__)\n"
    )
    assert _run_python(code) == "missing ModelProto"
