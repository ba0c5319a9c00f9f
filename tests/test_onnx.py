"""ONNX export: onnxruntime runs the exported models as the estimators run.

Every estimator, alone and after a ``StandardScaler`` in a ``Pipeline``, on
every kind of target: labels equal ``predict`` exactly, probabilities equal
``predict_proba`` within 1e-5 and predictions ``predict`` within 1e-5 of
their scale, with float32 inputs and a float32 graph. Pipelines fitted on
DataFrames (text, int, bool, category columns, missing values imputed)
convert with one input per column; autoencoders export ``transform`` and,
as a graph of its own, ``inverse_transform``. Each test records its
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
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from rumelhart import RumelhartAutoencoder, RumelhartClassifier, RumelhartRegressor

from .conftest import CLASSIFIERS, HAS_TORCH, REGRESSORS

ort = pytest.importorskip("onnxruntime")
onnx = pytest.importorskip("onnx")
skl2onnx = pytest.importorskip("skl2onnx")

from rumelhart.onnx import (  # noqa: E402 - after the skips
    inverse_to_onnx,
    make_feeds,
    module_to_onnx,
    register_onnx_converters,
    to_onnx,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

TOLERANCE = 1e-5
#: The hidden activations added by issue 21 (each exported by its own ops).
NEW_ACTIVATIONS = ["gelu", "silu", "leaky_relu", "elu", "softplus"]


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
        "multilabel_plus_minus_one": 2 * np.column_stack([y == 0, X[:, 0] > 0]) - 1,
        "multilabel_bool": np.column_stack([y == 0, X[:, 0] > 0]),
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
    "multilabel_plus_minus_one",
    "multilabel_bool",
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
@pytest.mark.parametrize(
    "activation",
    ["relu", "tanh", "sigmoid", "identity", *NEW_ACTIVATIONS],
)
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


# -- pipelines fitted on DataFrames: one input per column -------------------
def _session(onx):
    return ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )


def _frame(text_dtype="object", n=160):
    """Flats: a text column, an int column and a float column, and a score
    that depends on all three."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    city = rng.choice(["paris", "rome", "oslo", "lima"], n)
    frame = pd.DataFrame(
        {
            "city": pd.Series(city, dtype=text_dtype),
            "rooms": rng.integers(1, 6, n),
            "area": rng.normal(70.0, 20.0, n),
        }
    )
    effect = pd.Series(city).map({"paris": 1.0, "rome": 0.0, "oslo": -1.0, "lima": 0.5})
    score = (frame["area"] - 70) / 20 + 0.4 * (frame["rooms"] - 3) + effect
    return frame, score.to_numpy()


def _frame_target(cls, score):
    if hasattr(cls, "predict_proba"):
        return np.digitize(score, np.quantile(score, [1 / 3, 2 / 3]))
    return 10 * score + 3.0


def _check_frame_outputs(model, frame, outputs, record_property, atol=TOLERANCE):
    """The graph's outputs equal predict (and predict_proba) on ``frame``."""
    if hasattr(model, "predict_proba"):
        label, proba = outputs
        assert np.array_equal(label, model.predict(frame))
        diff = np.abs(proba - model.predict_proba(frame)).max()
    else:
        expected = model.predict(frame)
        assert outputs[0].shape == expected.shape
        diff = np.abs(outputs[0] - expected).max() / max(np.abs(expected).max(), 1)
    record_property("max_abs_diff", float(diff))
    assert diff <= atol


def _onehot_and_scale(text=("city",), numbers=("rooms", "area")):
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import OneHotEncoder

    return ColumnTransformer(
        [
            ("text", OneHotEncoder(handle_unknown="ignore"), list(text)),
            ("numbers", StandardScaler(), list(numbers)),
        ]
    )


def _frame_pipeline(cls, score, frame):
    model = Pipeline([("columns", _onehot_and_scale()), ("mlp", _small(cls))])
    return model.fit(frame, _frame_target(cls, score))


def _convert_frame(model, frame, dtype=np.float32):
    options = {"zipmap": False} if hasattr(model, "predict_proba") else None
    return to_onnx(model, frame[:5], dtype=dtype, options=options)


@pytest.mark.parametrize("text_dtype", ["object", "string"])
@pytest.mark.parametrize("cls", CLASSIFIERS + REGRESSORS)
def test_dataframe_pipeline_one_input_per_column(cls, text_dtype, record_property):
    """Issue 22, item 1: a one-hot text column and scaled numbers (one of
    them int) before each estimator, fitted on a DataFrame."""
    frame, score = _frame(text_dtype)
    model = _frame_pipeline(cls, score, frame)
    onx = _convert_frame(model, frame)
    inputs = {i.name: i.type.tensor_type.elem_type for i in onx.graph.input}
    assert inputs == {
        "city": onnx.TensorProto.STRING,
        "rooms": onnx.TensorProto.FLOAT,
        "area": onnx.TensorProto.FLOAT,
    }
    outputs = _session(onx).run(None, make_feeds(frame))
    _check_frame_outputs(model, frame, outputs, record_property)


def test_dataframe_feeds_by_hand_as_the_docs_show():
    """docs/deployment.md: the feed dict written out equals make_feeds."""
    frame, score = _frame("string")
    model = _frame_pipeline(RumelhartClassifier, score, frame)
    session = _session(_convert_frame(model, frame))
    feeds = {
        "city": frame[["city"]].to_numpy(dtype=object),
        "rooms": frame[["rooms"]].to_numpy(dtype=np.float32),
        "area": frame[["area"]].to_numpy(dtype=np.float32),
    }
    label, _ = session.run(None, feeds)
    assert np.array_equal(label, model.predict(frame))
    for name, values in make_feeds(frame).items():
        assert values.dtype == feeds[name].dtype
        assert np.array_equal(values, feeds[name])


def test_dataframe_pipeline_float64_graph(record_property):
    frame, score = _frame()
    model = _frame_pipeline(RumelhartClassifier, score, frame)
    onx = _convert_frame(model, frame, dtype=np.float64)
    outputs = _session(onx).run(None, make_feeds(frame, dtype=np.float64))
    _check_frame_outputs(model, frame, outputs, record_property, atol=1e-12)


# -- the hidden activations of issue 21, on both backends -------------------
def _net_estimators(kind):
    """The NumPy estimator of ``kind``, and the torch one where torch is."""
    names = {
        "classifier": ("RumelhartClassifier", "TorchMLPClassifier"),
        "regressor": ("RumelhartRegressor", "TorchMLPRegressor"),
        "autoencoder": ("RumelhartAutoencoder", "TorchAutoencoder"),
    }[kind]
    import rumelhart

    return [getattr(rumelhart, n) for n in names[: 2 if HAS_TORCH else 1]]


def _ids(classes):
    return [cls.__name__ for cls in classes]


@pytest.mark.parametrize("activation", NEW_ACTIVATIONS)
@pytest.mark.parametrize(
    "cls", _net_estimators("classifier"), ids=_ids(_net_estimators("classifier"))
)
def test_new_activations_classifier(cls, activation, record_property):
    """Issue 21, item 3: predict and predict_proba of the exported graph."""
    X, y, _ = _classification("multiclass")
    model = _small(cls, hidden_layer_sizes=(8, 6), activation=activation)
    _check_classifier(model.fit(X, y), X, record_property)


@pytest.mark.parametrize("activation", NEW_ACTIVATIONS)
@pytest.mark.parametrize(
    "cls", _net_estimators("regressor"), ids=_ids(_net_estimators("regressor"))
)
def test_new_activations_regressor(cls, activation, record_property):
    X, y = _regression("y_2d")
    model = _small(cls, hidden_layer_sizes=(8, 6), activation=activation)
    _check_regressor(model.fit(X, y), X, record_property)


@pytest.mark.parametrize("activation", NEW_ACTIVATIONS)
@pytest.mark.parametrize(
    "cls", _net_estimators("autoencoder"), ids=_ids(_net_estimators("autoencoder"))
)
def test_new_activations_autoencoder(cls, activation, record_property):
    """The code of ``transform`` and the decoder of ``inverse_transform``."""
    X, _, _ = _classification("multiclass")
    model = _small(cls, hidden_layer_sizes=(6, 3, 6), activation=activation).fit(X)
    X32 = X.astype(np.float32)
    (code,) = _run(to_onnx(model, X[:2]), X32)
    expected = model.transform(X32)
    _within(code, expected, record_property)
    codes = expected.astype(np.float32)
    (decoded,) = _run(inverse_to_onnx(model), codes)
    _within(decoded, model.inverse_transform(codes), record_property, "inverse")


# -- autoencoders: transform, and inverse_transform as a graph of its own ---
def _autoencoders():
    if not HAS_TORCH:
        return [RumelhartAutoencoder]
    from rumelhart import TorchAutoencoder

    return [RumelhartAutoencoder, TorchAutoencoder]


AUTOENCODERS = _autoencoders()


def _within(got, expected, record_property, name="max_abs_diff", atol=TOLERANCE):
    """``got`` equals ``expected`` within ``atol`` of their scale (at least 1)."""
    assert got.shape == expected.shape
    diff = np.abs(got - expected).max() / max(np.abs(expected).max(), 1.0)
    record_property(name, float(diff))
    assert diff <= atol


def _autoencoder(cls, in_pipeline, **params):
    ae = _small(cls, hidden_layer_sizes=(6, 3, 6), **params)
    return make_pipeline(StandardScaler(), ae) if in_pipeline else ae


@pytest.mark.parametrize("in_pipeline", [False, True], ids=["alone", "pipeline"])
@pytest.mark.parametrize("cls", AUTOENCODERS)
def test_autoencoder_transform_and_inverse_transform(cls, in_pipeline, record_property):
    """Issue 22, item 2: the code of ``transform``, and ``inverse_transform``
    of codes back to inputs (through the scaler's inverse in a pipeline)."""
    X, _, _ = _classification("multiclass")
    X = 3 * X + 10  # far from the scaler's unit scale
    model = _autoencoder(cls, in_pipeline).fit(X)
    X32 = X.astype(np.float32)
    (code,) = _run(to_onnx(model, X[:2]), X32)
    expected = model.transform(X32)
    assert code.shape == (len(X), 3)
    _within(code, expected, record_property)
    codes = expected.astype(np.float32)
    (decoded,) = _run(inverse_to_onnx(model), codes)
    expected = model.inverse_transform(codes)
    _within(decoded, expected, record_property, name="inverse_max_rel_diff")


@pytest.mark.parametrize("cls", AUTOENCODERS)
def test_autoencoder_float64_graphs(cls):
    X, _, _ = _classification("multiclass")
    model = _autoencoder(cls, True).fit(X)
    (code,) = _run(to_onnx(model, X[:2], dtype=np.float64), X)
    assert np.abs(code - model.transform(X)).max() <= 1e-12
    (decoded,) = _run(inverse_to_onnx(model, dtype=np.float64), code)
    assert np.abs(decoded - model.inverse_transform(code)).max() <= 1e-12


@pytest.mark.parametrize("cls", AUTOENCODERS)
def test_autoencoder_code_feeds_a_classifier(cls, record_property):
    """An autoencoder before a final estimator gives it its code."""
    X, y, _ = _classification("multiclass")
    model = make_pipeline(StandardScaler(), _small(cls), LogisticRegression())
    _check_classifier(model.fit(X, y), X, record_property)


def test_inverse_of_a_chain_of_scalers(record_property):
    """``Pipeline.inverse_transform`` order: the last step's inverse first."""
    from sklearn.preprocessing import MaxAbsScaler, MinMaxScaler, RobustScaler

    X, _, _ = _classification("multiclass")
    ae = _small(
        RumelhartAutoencoder, hidden_layer_sizes=(4,), output_activation="logistic"
    )
    inner = make_pipeline(RobustScaler(), MinMaxScaler())
    model = Pipeline(
        [
            ("scale", StandardScaler(with_mean=False)),
            ("skip", "passthrough"),
            ("inner", inner),
            ("ae", ae),
            ("after", MaxAbsScaler()),
        ]
    ).fit(X)
    codes = model.transform(X).astype(np.float32)
    (decoded,) = _run(inverse_to_onnx(model), codes)
    _within(decoded, model.inverse_transform(codes), record_property)


def test_inverse_refuses_what_it_cannot_invert():
    X, _, _ = _classification("multiclass")
    all_layers = _small(
        RumelhartAutoencoder, hidden_layer_sizes=(4, 2), transform_layer="all"
    )
    with pytest.raises(ValueError, match="decodes one hidden layer"):
        inverse_to_onnx(all_layers.fit(X))
    with_pca = make_pipeline(PCA(3), _small(RumelhartAutoencoder)).fit(X)
    with pytest.raises(NotImplementedError, match="'pca' is a PCA"):
        inverse_to_onnx(with_pca)
    with pytest.raises(NotFittedError):
        inverse_to_onnx(RumelhartAutoencoder())
    with pytest.raises(ValueError, match=r"np\.float32, np\.float64"):
        inverse_to_onnx(with_pca[-1], dtype=np.float16)


def test_skl2onnx_converts_an_autoencoder_after_registering():
    code = (
        "import numpy as np, skl2onnx\n"
        "from skl2onnx.common.exceptions import MissingShapeCalculator\n"
        "from rumelhart import RumelhartAutoencoder\n"
        "from rumelhart.onnx import register_onnx_converters\n"
        "X = np.eye(4, dtype=np.float32)\n"
        "model = RumelhartAutoencoder((2,), max_iter=2).fit(X)\n"
        "try:\n"
        "    skl2onnx.to_onnx(model, X)\n"
        "except MissingShapeCalculator:\n"
        "    print('missing', end=' ')\n"
        "register_onnx_converters()\n"
        "print(type(skl2onnx.to_onnx(model, X)).__name__)\n"
    )
    assert _run_python(code) == "missing ModelProto"


# -- DataFrames as a new user brings them ------------------------------------
def _mixed_frame(n=200):
    """int32, float, bool, category (of strings and of ints) and text
    columns, and a score that depends on each."""
    pd = pytest.importorskip("pandas")
    frame, score = _frame("object", n)
    rng = np.random.default_rng(1)
    size = rng.choice(["S", "M", "L"], n)
    frame["rooms"] = frame["rooms"].astype("int32")
    frame["garden"] = rng.random(n) < 0.4
    frame["size"] = pd.Categorical(size, categories=["S", "M", "L"])
    frame["floor"] = pd.Categorical(rng.integers(0, 4, n))
    score = score + frame["garden"] + (size == "L") - 0.3 * frame["floor"].cat.codes
    return frame, score.to_numpy(float)


@pytest.mark.parametrize("cls", CLASSIFIERS + REGRESSORS)
def test_mixed_dtypes(cls, record_property):
    """One-hot text and category columns (strings and ints); scaled int32,
    float and bool columns."""
    frame, score = _mixed_frame()
    columns = _onehot_and_scale(
        text=("city", "size", "floor"), numbers=("rooms", "area", "garden")
    )
    model = Pipeline([("columns", columns), ("mlp", _small(cls))])
    model.fit(frame, _frame_target(cls, score))
    onx = _convert_frame(model, frame)
    types = {i.name: i.type.tensor_type.elem_type for i in onx.graph.input}
    assert types["size"] == onnx.TensorProto.STRING
    assert types["floor"] == types["garden"] == onnx.TensorProto.FLOAT
    outputs = _session(onx).run(None, make_feeds(frame))
    _check_frame_outputs(model, frame, outputs, record_property)


@pytest.mark.parametrize("encoder", ["ordinal", "onehot"])
def test_category_columns_through_encoders(encoder, record_property):
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder

    frame, score = _mixed_frame()
    encode = OrdinalEncoder() if encoder == "ordinal" else OneHotEncoder()
    columns = ColumnTransformer(
        [("categories", encode, ["size", "floor", "city"])],
        remainder=StandardScaler(),
    )
    model = make_pipeline(columns, _small(RumelhartClassifier))
    model.fit(frame, _frame_target(RumelhartClassifier, score))
    outputs = _session(_convert_frame(model, frame)).run(None, make_feeds(frame))
    _check_frame_outputs(model, frame, outputs, record_property)


def _with_missing(text_dtype):
    """The flats with missing areas, room counts (nullable Int64) and cities."""
    frame, score = _frame("object")
    frame.loc[::7, "area"] = np.nan
    frame["rooms"] = frame["rooms"].astype("Int64")
    frame.loc[::6, "rooms"] = None
    frame.loc[::5, "city"] = np.nan
    return frame.astype({"city": text_dtype}), score


@pytest.mark.parametrize("strategy", ["constant", "most_frequent"])
@pytest.mark.parametrize("text_dtype", ["object", "str"])
@pytest.mark.parametrize("cls", CLASSIFIERS + REGRESSORS)
def test_missing_values_imputed(cls, text_dtype, strategy, record_property):
    """SimpleImputer on the numbers (mean) and on the text (a constant, or
    the most frequent city) before the encoder and the scaler; the missing
    cities reach the graph as empty strings."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.preprocessing import OneHotEncoder

    frame, score = _with_missing(text_dtype)
    fill = {"fill_value": "missing"} if strategy == "constant" else {}
    text = make_pipeline(
        SimpleImputer(strategy=strategy, **fill), OneHotEncoder(handle_unknown="ignore")
    )
    numbers = make_pipeline(SimpleImputer(), StandardScaler())
    columns = ColumnTransformer(
        [("text", text, ["city"]), ("numbers", numbers, ["rooms", "area"])]
    )
    model = make_pipeline(columns, _small(cls)).fit(frame, _frame_target(cls, score))
    feeds = make_feeds(frame)
    assert feeds["city"][0, 0] == "" and np.isnan(feeds["rooms"][0, 0])
    outputs = _session(_convert_frame(model, frame)).run(None, feeds)
    _check_frame_outputs(model, frame, outputs, record_property)


def test_text_imputer_of_none():
    """A column that holds None needs ``missing_values=None``; then it converts."""
    from sklearn.impute import SimpleImputer
    from sklearn.preprocessing import OneHotEncoder

    frame, score = _frame("object")
    frame.loc[::5, "city"] = None
    imputer = SimpleImputer(
        strategy="constant", fill_value="missing", missing_values=None
    )
    text = make_pipeline(imputer, OneHotEncoder())
    model = make_pipeline(text, _small(RumelhartClassifier))
    model.fit(frame[["city"]], _frame_target(RumelhartClassifier, score))
    label, _ = _session(_convert_frame(model, frame[["city"]])).run(
        None, make_feeds(frame[["city"]])
    )
    assert np.array_equal(label, model.predict(frame[["city"]]))


def test_encoder_that_learned_missing_values_is_refused():
    """skl2onnx converts such an encoder into a graph that fails or differs."""
    from sklearn.impute import SimpleImputer
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder

    frame, score = _mixed_frame()
    frame.loc[::4, "size"] = np.nan
    y = _frame_target(RumelhartClassifier, score)
    encoders = [
        OneHotEncoder(handle_unknown="ignore"),
        OrdinalEncoder(encoded_missing_value=-1),
    ]
    for encoder in encoders:
        model = make_pipeline(encoder, _small(RumelhartClassifier))
        model.fit(frame[["size"]], y)
        with pytest.raises(NotImplementedError, match="learned a missing value") as err:
            to_onnx(model, frame[["size"]])
        assert "column 'size'" in str(err.value)
        assert "SimpleImputer" in str(err.value)
    # None is not NaN to SimpleImputer's default: the message says so
    frame, score = _frame("object")
    frame.loc[::5, "city"] = None
    imputer = SimpleImputer(strategy="constant", fill_value="missing")
    model = make_pipeline(imputer, OneHotEncoder(), _small(RumelhartClassifier))
    model.fit(frame[["city"]], y[: len(frame)])
    with pytest.raises(NotImplementedError, match="missing_values=None"):
        to_onnx(model, frame[["city"]])


def test_make_feeds():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {
            "text": pd.Series(["a", None], dtype="string"),
            "count": pd.array([1, None], dtype="Int64"),
            "flag": [True, False],
            "size": pd.Categorical(["S", None]),
            "level": pd.Categorical([2, 3]),
        }
    )
    before = frame.copy()
    feeds = make_feeds(frame)
    assert list(feeds) == list(frame.columns)
    assert all(values.shape == (2, 1) for values in feeds.values())
    assert feeds["text"].ravel().tolist() == ["a", ""]
    assert feeds["size"].ravel().tolist() == ["S", ""]
    assert feeds["count"].dtype == np.float32 and np.isnan(feeds["count"][1, 0])
    assert feeds["flag"].ravel().tolist() == [1.0, 0.0]
    assert feeds["level"].ravel().tolist() == [2.0, 3.0]
    natural = make_feeds(frame.iloc[:1], dtype=None)
    assert natural["count"].dtype == np.int64
    assert natural["flag"].dtype == np.bool_
    assert natural["level"].dtype == np.int64
    pd.testing.assert_frame_equal(frame, before)
    X = np.arange(6).reshape(3, 2)
    assert make_feeds(X)["X"].dtype == np.float32


def test_columns_onnx_cannot_hold_are_refused():
    pd = pytest.importorskip("pandas")
    dates = pd.DataFrame({"when": pd.to_datetime(["2024-01-01", "2024-02-01"])})
    with pytest.raises(TypeError, match="'when' has dtype datetime64"):
        make_feeds(dates)
    mixed = pd.DataFrame({"code": ["a", 1]}, dtype=object)
    with pytest.raises(TypeError, match=r"'code' is a text column .* int values"):
        make_feeds(mixed)
    with pytest.raises(ValueError, match="dtype must be"):
        make_feeds(mixed, dtype=np.int64)


def test_missing_values_imputed_in_float64(record_property):
    """onnxruntime runs ONNX-ML's Imputer in float32 only: a float64 graph
    imputes with IsNaN and Where."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.preprocessing import OneHotEncoder

    frame, score = _with_missing("object")
    text = make_pipeline(
        SimpleImputer(strategy="constant", fill_value="missing"), OneHotEncoder()
    )
    numbers = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    columns = ColumnTransformer(
        [("text", text, ["city"]), ("numbers", numbers, ["rooms", "area"])]
    )
    model = make_pipeline(columns, _small(RumelhartRegressor))
    model.fit(frame, _frame_target(RumelhartRegressor, score))
    onx = _convert_frame(model, frame, dtype=np.float64)
    assert "Imputer" not in {node.op_type for node in onx.graph.node}
    outputs = _session(onx).run(None, make_feeds(frame, dtype=np.float64))
    _check_frame_outputs(model, frame, outputs, record_property, atol=1e-12)


@pytest.mark.parametrize("cls", REGRESSORS)
@pytest.mark.parametrize("loss", ["poisson", "gamma", "huber", "quantile"])
def test_regressor_of_every_loss_matches_predict(cls, loss, record_property):
    """The log link exports as an Exp unit; the other losses need nothing."""
    X, y = _regression("y_1d")
    if loss in ("poisson", "gamma"):
        y = np.exp(y / np.abs(y).max())  # positive, near 1
    _check_regressor(_small(cls, loss=loss).fit(X, y), X, record_property)


@pytest.mark.parametrize("cls", REGRESSORS)
def test_a_conformal_quantile_exports_its_shift(cls, record_property):
    """The shift measured on the validation split is part of predict, and
    of the graph."""
    X, y = _regression("y_1d")
    model = _small(cls, loss="quantile", quantile=0.9, early_stopping=True)
    model.fit(X, y)
    assert model.quantile_shifts_[0] != 0
    _check_regressor(model, X, record_property)


def test_a_list_of_quantiles_is_refused_for_export():
    X, y = _regression("y_1d")
    model = _small(RumelhartRegressor, loss="quantile", quantile=[0.1, 0.9])
    with pytest.raises(ValueError, match="list of quantiles"):
        to_onnx(model.fit(X, y), X[:2])
