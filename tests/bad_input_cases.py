"""The bad-input cases of the validation suite, as data (not collected).

Each :class:`Case` is one bad call: bad data (X, y, sample_weight), a bad
input to predict or score, or an invalid parameter value; it names the
exact error type and a message that says what to fix.
``tests/test_validation.py`` runs every case against every estimator class
it applies to, on a new and on a fitted estimator (which must be left
exactly as it was).
"""

from dataclasses import dataclass, field

import numpy as np
import pytest
from scipy import sparse
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from .conftest import (
    N_FEATURES,
    N_SAMPLES,
    is_classifier,
    is_torch,
)


@dataclass
class Case:
    """One bad call: ``call(est, X, y)`` must raise ``error`` matching ``match``.

    ``params`` are set on the estimator first. ``when`` says on which
    estimators the call is made: "both" (a new one and a fitted one),
    "new" or "fitted". ``applies(cls)`` selects the estimator classes.
    """

    id: str
    call: object
    error: type
    match: str
    params: dict = field(default_factory=dict)
    when: str = "both"
    applies: object = lambda cls: True


def fit_with(X=None, y=None, **kwargs):
    """A call that fits, replacing X and/or y (functions of the good ones)."""

    def call(est, X0, y0):
        est.fit(
            X0 if X is None else X(X0),
            y0 if y is None else y(y0),
            **{k: v(X0) if callable(v) else v for k, v in kwargs.items()},
        )

    return call


def validating(X_val=None, y_val=None, **kwargs):
    """A call that fits with validation rows: ``X_val(X)``, ``y_val(y)``
    (None: not passed) and other keywords as given."""

    def call(est, X0, y0):
        extra = dict(kwargs)
        if X_val is not None:
            extra["X_val"] = X_val(X0)
        if y_val is not None:
            extra["y_val"] = y_val(y0)
        est.fit(X0, y0, **extra)

    return call


def SUPERVISED(cls):
    return getattr(cls, "_supervised", True)


def with_value(a, index, value, dtype=float):
    a = np.array(a, dtype=dtype)
    a.flat[index] = value
    return a


def weights(values):
    """sample_weight from the good X: ``values(n_samples)``."""
    return lambda X: values(len(X))


CLF = is_classifier


def REG(cls):
    return not is_classifier(cls)


def NUMPY(cls):
    return not is_torch(cls)


TORCH = is_torch


def CUDA_ABSENT(cls):
    return is_torch(cls) and not _cuda_available()


def _cuda_available():
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


#: The start of every refusal of a 2-D y that is no multi-label target.
MULTILABEL = (
    r"A 2-D y must be a multi-label target: the same two integer or boolean "
    r"codes in every column, such as 0/1, -1/\+1 or False/True \(scikit-learn's "
    r"'multilabel-indicator'; the larger code means the label is on\)"
)


def _frame(X, columns):
    pd = pytest.importorskip("pandas")
    return pd.DataFrame(X, columns=columns)


DATA_CASES = [
    # X: missing, infinite, empty, of the wrong type or shape.
    Case(
        "X NaN",
        fit_with(X=lambda X: with_value(X, 4, np.nan)),
        ValueError,
        "Input X contains NaN",
    ),
    Case(
        "X inf",
        fit_with(X=lambda X: with_value(X, 4, np.inf)),
        ValueError,
        "Input X contains infinity",
    ),
    Case(
        "X -inf",
        fit_with(X=lambda X: with_value(X, 0, -np.inf)),
        ValueError,
        "Input X contains infinity",
    ),
    Case(
        "X empty",
        fit_with(X=lambda X: X[:0], y=lambda y: y[:0]),
        ValueError,
        r"Found array with 0 sample\(s\)",
    ),
    Case(
        "X no feature",
        fit_with(X=lambda X: X[:, :0]),
        ValueError,
        r"Found array with 0 feature\(s\)",
    ),
    Case(
        "X strings",
        fit_with(X=lambda X: X.astype(str).astype(object) + "x"),
        ValueError,
        "X must hold numbers",
    ),
    Case(
        "X object with a string",
        fit_with(X=lambda X: with_value(X, 5, "seven", dtype=object)),
        ValueError,
        "X must hold numbers",
    ),
    Case(
        "X dicts",
        fit_with(X=lambda X: [[{"a": 1}] * 3] * len(X)),
        TypeError,
        "X must hold numbers",
    ),
    Case(
        "X complex",
        fit_with(X=lambda X: X + 1j),
        ValueError,
        "Complex data not supported",
    ),
    Case(
        "X 3-D",
        fit_with(X=lambda X: X.reshape(len(X), N_FEATURES, 1)),
        ValueError,
        "Found array with dim 3",
    ),
    Case("X 1-D", fit_with(X=lambda X: X[:, 0]), ValueError, "Expected 2D array"),
    Case("X None", fit_with(X=lambda X: None), ValueError, "Expected 2D array"),
    Case(
        "X ragged",
        fit_with(X=lambda X: [[1.0, 2.0], [3.0]] * (len(X) // 2)),
        ValueError,
        "inhomogeneous shape",
    ),
    Case(
        "X and y lengths differ",
        fit_with(y=lambda y: y[:-1]),
        ValueError,
        "inconsistent numbers of samples",
    ),
    Case(
        "X pandas string column",
        fit_with(X=lambda X: _frame(X, list("abc")).assign(b="text")),
        ValueError,
        "X must hold numbers",
    ),
    Case(
        "X pandas mixed column names",
        fit_with(X=lambda X: _frame(X, ["a", 1, "c"])),
        TypeError,
        "Feature names are only supported if all input features have string",
    ),
    # y: missing, infinite, of the wrong kind for the task.
    Case(
        "y NaN",
        fit_with(y=lambda y: with_value(y, 3, np.nan)),
        ValueError,
        "Input y contains NaN",
    ),
    Case(
        "y inf",
        fit_with(y=lambda y: with_value(y, 3, np.inf)),
        ValueError,
        "Input y contains infinity",
    ),
    Case(
        "one sample",
        fit_with(X=lambda X: X[:1], y=lambda y: y[:1]),
        ValueError,
        "needs samples of at least 2 classes",
        applies=CLF,
    ),
    Case(
        "one class",
        fit_with(y=lambda y: np.zeros_like(y)),
        ValueError,
        "needs samples of at least 2 classes; got only one class",
        applies=CLF,
    ),
    Case(
        "continuous y to a classifier",
        fit_with(y=lambda y: y + 0.5),
        ValueError,
        "Unknown label type: continuous",
        applies=CLF,
    ),
    # A 2-D y: a multi-label target in two codes, the same in every column.
    Case(
        "y 2-D of labels to a classifier",
        fit_with(y=lambda y: np.c_[y, y + 2]),
        ValueError,
        MULTILABEL + r"; column 1 holds \[2, 3\] where column 0 holds \[0, 1\]",
        applies=CLF,
    ),
    Case(
        "y 2-D with three codes in a column",
        fit_with(y=lambda y: np.c_[y, np.arange(len(y)) % 3]),
        ValueError,
        MULTILABEL + r"; column 1 holds 3 distinct values \(0, 1, 2\)",
        applies=CLF,
    ),
    Case(
        "y 2-D of fractions",
        fit_with(y=lambda y: np.c_[y, y + 0.5]),
        ValueError,
        MULTILABEL + r"; column 1 holds values that are not integers \(0.5, 1.5\)",
        applies=CLF,
    ),
    Case(
        "y 2-D of strings",
        fit_with(y=lambda y: np.where(np.c_[y, 1 - y] > 0, "yes", "no")),
        ValueError,
        MULTILABEL + r"; y holds strings \(such as \['(yes|no)', '(yes|no)'\]\)",
        applies=CLF,
    ),
    Case(
        "y 2-D of one code, not 0 or 1",
        fit_with(y=lambda y: np.full((len(y), 2), -1)),
        ValueError,
        "Every entry of the 2-D y is -1, so the other code of this multi-label "
        "target is unknown",
        applies=CLF,
    ),
    Case(
        "y sparse 2-D in two sets of codes",
        fit_with(y=lambda y: sparse.csr_matrix(np.c_[y, 2 * y])),
        ValueError,
        MULTILABEL + r"; column 1 holds \[0, 2\] where column 0 holds \[0, 1\]",
        applies=CLF,
    ),
    Case(
        "partial_fit with a multi-label y after labels",
        lambda est, X, y: est.partial_fit(X, np.c_[y, y]),
        ValueError,
        "y has 2 labels but the classifier was fitted on binary targets",
        when="fitted",
        applies=CLF,
    ),
    Case(
        "labels of mixed kinds",
        fit_with(y=lambda y: np.array([1 if v else "zero" for v in y], object)),
        ValueError,
        "Unknown label type: y must hold class labels of one kind",
        applies=CLF,
    ),
    Case(
        "y strings to a regressor",
        fit_with(y=lambda y: np.where(y > 0, "high", "low")),
        ValueError,
        "y must hold numbers",
        applies=REG,
    ),
    Case(
        "y 3-D",
        fit_with(y=lambda y: np.zeros((len(y), 2, 2))),
        ValueError,
        "Found array with dim 3",
        applies=REG,
    ),
    Case(
        "y too large to standardise",
        fit_with(y=lambda y: np.where(np.arange(len(y)) == 0, -1.7e308, 1.7e308)),
        ValueError,
        "y is too large to standardise",
        applies=REG,
    ),
    # sample_weight.
    Case(
        "sample_weight negative",
        fit_with(sample_weight=weights(lambda n: np.r_[-1.0, np.ones(n - 1)])),
        ValueError,
        "Negative values in data passed to `sample_weight`",
    ),
    Case(
        "sample_weight all zero",
        fit_with(sample_weight=weights(np.zeros)),
        ValueError,
        "Sample weights must contain at least one non-zero number",
    ),
    Case(
        "sample_weight wrong length",
        fit_with(sample_weight=weights(lambda n: np.ones(n - 1))),
        ValueError,
        rf"sample_weight.shape == \({N_SAMPLES - 1},\), expected "
        rf"\({N_SAMPLES},\)",
    ),
    Case(
        "sample_weight NaN",
        fit_with(sample_weight=weights(lambda n: with_value(np.ones(n), 2, np.nan))),
        ValueError,
        "Input sample_weight contains NaN",
    ),
    Case(
        "sample_weight inf",
        fit_with(sample_weight=weights(lambda n: with_value(np.ones(n), 2, np.inf))),
        ValueError,
        "Input sample_weight contains infinity",
    ),
    Case(
        "sample_weight 2-D",
        fit_with(sample_weight=weights(lambda n: np.ones((n, 1)))),
        ValueError,
        "Sample weights must be 1D array or scalar",
    ),
    Case(
        "sample_weight strings",
        fit_with(sample_weight=weights(lambda n: np.array(["heavy"] * n))),
        ValueError,
        "sample_weight must hold numbers",
    ),
    Case(
        "sample_weight overflowing with reduction='sum'",
        fit_with(sample_weight=weights(lambda n: np.full(n, 1e308))),
        ValueError,
        r"sample_weight sums to inf.*reduction='sum'",
        params={"reduction": "sum"},
        applies=NUMPY,
    ),
    Case(
        "early stopping on zero-weight samples",
        fit_with(sample_weight=weights(lambda n: np.eye(n)[0])),
        ValueError,
        "every sample of the (training|validation) split .* has sample_weight zero",
        params={"early_stopping": True, "validation_fraction": 0.2},
    ),
    # class_weight.
    Case(
        "class_weight negative",
        fit_with(),
        ValueError,
        "class_weight must map labels to finite, non-negative numbers; got -1",
        params={"class_weight": {0: -1, 1: 1}},
        applies=CLF,
    ),
    Case(
        "class_weight NaN",
        fit_with(),
        ValueError,
        "class_weight must map labels to finite, non-negative numbers; got nan",
        params={"class_weight": {0: np.nan, 1: 1}},
        applies=CLF,
    ),
    Case(
        "class_weight string value",
        fit_with(),
        ValueError,
        "class_weight must map labels to finite, non-negative numbers; got 'a'",
        params={"class_weight": {0: "a", 1: 1}},
        applies=CLF,
    ),
    Case(
        "class_weight all zero",
        fit_with(),
        ValueError,
        "sample_weight times class_weight must have a positive sum",
        params={"class_weight": {0: 0, 1: 0}},
        applies=CLF,
    ),
    Case(
        "class_weight unknown label",
        fit_with(),
        ValueError,
        r"class_weight names labels that are not in y: \[5\]",
        params={"class_weight": {0: 1, 5: 2}},
        applies=CLF,
    ),
    # Incremental learning and warm starts.
    Case(
        "partial_fit without classes",
        lambda est, X, y: est.partial_fit(X, y),
        ValueError,
        "classes must be passed on the first call to partial_fit",
        when="new",
        applies=CLF,
    ),
    Case(
        "partial_fit with a new label",
        lambda est, X, y: (
            est.partial_fit(X, y + 5, classes=[0, 1])
            if not hasattr(est, "classes_")
            else est.partial_fit(X, y + 5)
        ),
        ValueError,
        r"y contains labels not seen before: \[5, 6\]",
        applies=CLF,
    ),
    Case(
        "partial_fit with new classes",
        lambda est, X, y: est.partial_fit(X, y, classes=[0, 1, 2]),
        ValueError,
        r"classes=\[0, 1, 2\] differs from the classes of the first call",
        when="fitted",
        applies=CLF,
    ),
    Case(
        "partial_fit with unsortable classes",
        lambda est, X, y: est.partial_fit(X, y, classes=[0, None]),
        TypeError,
        "classes must be labels of one kind",
        applies=CLF,
    ),
    Case(
        "partial_fit with class_weight='balanced'",
        lambda est, X, y: est.partial_fit(X, y, classes=[0, 1]),
        ValueError,
        "class_weight='balanced' needs the whole training set",
        params={"class_weight": "balanced"},
        applies=CLF,
    ),
    Case(
        "partial_fit with more outputs",
        lambda est, X, y: est.partial_fit(X, np.c_[y, y]),
        ValueError,
        "y has 2 outputs but the regressor was fitted with 1",
        when="fitted",
        applies=REG,
    ),
    Case(
        "partial_fit with fewer features",
        lambda est, X, y: est.partial_fit(X[:, :2], y),
        ValueError,
        "X has 2 features, but .* is expecting 3 features",
        when="fitted",
    ),
    Case(
        "warm start with a new label",
        fit_with(y=lambda y: y + 5),
        ValueError,
        "y contains labels not seen before",
        params={"warm_start": True},
        when="fitted",
        applies=CLF,
    ),
    Case(
        "warm start with fewer features",
        fit_with(X=lambda X: X[:, :2]),
        ValueError,
        "X has 2 features, but .* is expecting 3 features",
        params={"warm_start": True},
        when="fitted",
    ),
    # Validation rows of one's own (fit's X_val, y_val, sample_weight_val).
    Case(
        "X_val with fewer features",
        validating(X_val=lambda X: X[:, :2], y_val=lambda y: y),
        ValueError,
        r"Validation rows \(X_val, y_val\): X has 2 features, but .* is "
        "expecting 3 features",
    ),
    Case(
        "X_val 1-D",
        validating(X_val=lambda X: X[:, 0], y_val=lambda y: y),
        ValueError,
        r"Validation rows \(X_val, y_val\): Expected 2D array, got 1D array",
    ),
    Case(
        "X_val NaN",
        validating(X_val=lambda X: with_value(X, 4, np.nan), y_val=lambda y: y),
        ValueError,
        "Input X contains NaN",
    ),
    Case(
        "X_val without y_val",
        validating(X_val=lambda X: X),
        ValueError,
        "X_val is provided, but y_val was not provided",
        applies=SUPERVISED,
    ),
    Case(
        "y_val without X_val",
        validating(y_val=lambda y: y),
        ValueError,
        "y_val is provided, but X_val was not provided",
        applies=SUPERVISED,
    ),
    Case(
        "y_val shorter than X_val",
        validating(X_val=lambda X: X, y_val=lambda y: y[:-1]),
        ValueError,
        "inconsistent numbers of samples",
        applies=SUPERVISED,
    ),
    Case(
        "y_val with labels not in y",
        validating(X_val=lambda X: X, y_val=lambda y: y + 5),
        ValueError,
        r"Validation rows .* y contains labels not seen before",
        applies=CLF,
    ),
    Case(
        "sample_weight_val without X_val",
        validating(sample_weight_val=np.ones(3)),
        ValueError,
        "sample_weight_val is provided, but X_val was not provided",
    ),
    Case(
        "sample_weight_val of the wrong length",
        validating(X_val=lambda X: X, y_val=lambda y: y, sample_weight_val=np.ones(3)),
        ValueError,
        r"sample_weight.shape == \(3,\), expected \(\d+,\)",
    ),
    Case(
        "X_val with early_stopping=False",
        validating(X_val=lambda X: X, y_val=lambda y: y),
        ValueError,
        "X_val is passed to fit while early_stopping=False",
        params={"early_stopping": False},
    ),
]


def predicting(method, X):
    return lambda est, X0, y0: getattr(est, method)(X(X0))


PREDICT_CASES = [
    Case(
        "predict with fewer features",
        predicting("predict", lambda X: X[:, :2]),
        ValueError,
        "X has 2 features, but .* is expecting 3 features",
        when="fitted",
    ),
    Case(
        "predict with more features",
        predicting("predict", lambda X: np.c_[X, X]),
        ValueError,
        "X has 6 features, but .* is expecting 3 features",
        when="fitted",
    ),
    Case(
        "predict_proba with fewer features",
        predicting("predict_proba", lambda X: X[:, :2]),
        ValueError,
        "X has 2 features",
        when="fitted",
        applies=CLF,
    ),
    Case(
        "score with fewer features",
        lambda est, X, y: est.score(X[:, :2], y),
        ValueError,
        "X has 2 features",
        when="fitted",
    ),
    Case(
        "predict NaN",
        predicting("predict", lambda X: with_value(X, 1, np.nan)),
        ValueError,
        "Input X contains NaN",
        when="fitted",
    ),
    Case(
        "predict strings",
        predicting("predict", lambda X: np.full(X.shape, "a")),
        ValueError,
        "X must hold numbers",
        when="fitted",
    ),
    Case(
        "predict complex",
        predicting("predict", lambda X: X + 1j),
        ValueError,
        "Complex data not supported",
        when="fitted",
    ),
    Case(
        "predict 3-D",
        predicting("predict", lambda X: X[:, :, None]),
        ValueError,
        "Found array with dim 3",
        when="fitted",
    ),
    Case(
        "predict empty",
        predicting("predict", lambda X: X[:0]),
        ValueError,
        r"Found array with 0 sample\(s\)",
        when="fitted",
    ),
    Case(
        "predict before fit",
        predicting("predict", lambda X: X),
        NotFittedError,
        "is not fitted yet",
        when="new",
    ),
    Case(
        "predict_proba before fit",
        predicting("predict_proba", lambda X: X),
        NotFittedError,
        "is not fitted yet",
        when="new",
        applies=CLF,
    ),
    Case(
        "predict_log_proba before fit",
        predicting("predict_log_proba", lambda X: X),
        NotFittedError,
        "is not fitted yet",
        when="new",
        applies=CLF,
    ),
    Case(
        "score before fit",
        lambda est, X, y: est.score(X, y),
        NotFittedError,
        "is not fitted yet",
        when="new",
    ),
]


def invalid(name, value, cls_filter=lambda cls: True, match=None, error=None):
    """A parameter value that fit must refuse, naming the parameter."""
    return Case(
        f"{name}={value!r}",
        fit_with(),
        error or InvalidParameterError,
        match or rf"The '{name}' parameter of \w+ must be",
        params={name: value},
        applies=cls_filter,
    )


def _forwarding_module(n_features, n_outputs, **kwargs):
    """A custom module whose constructor hands its parameters on to torch."""
    import torch

    return torch.nn.Linear(n_features, n_outputs, **kwargs)


def _module_of_width(n_features, n_outputs, width):
    """A custom module with a parameter that has no default."""
    import torch

    return torch.nn.Linear(n_features, n_outputs)


NAN, INF = float("nan"), float("inf")
HIDDEN = "hidden_layer_sizes must hold positive integers"
PARAM_CASES = [
    *[invalid("eps", v, NUMPY) for v in (-1.0, 0, NAN, INF, "0.1", None)],
    *[invalid("alpha", v, NUMPY) for v in (-0.1, 1, 1.5, NAN, INF, 1e300, "0.9")],
    *[invalid("weight_decay", v, NUMPY) for v in (-0.1, 1, NAN, INF, 1e300)],
    *[invalid("init_range", v, NUMPY) for v in (-1.0, NAN, INF, "0.3")],
    *[invalid("lr", v, TORCH) for v in (-1.0, 0, NAN, INF, "0.1", None)],
    *[invalid("momentum", v, TORCH) for v in (-0.1, 1, NAN, INF, 1e300)],
    *[invalid("weight_decay", v, TORCH) for v in (-1.0, NAN, INF, "0")],
    *[invalid("batch_size", v) for v in (-1, 0, NAN, INF, 1.5, 1e300, "10")],
    *[invalid("max_iter", v) for v in (-1, 0, NAN, INF, 1.5, 1e300, "10", None)],
    *[invalid("tol", v) for v in (-1.0, NAN, INF, "0", None)],
    *[invalid("n_iter_no_change", v) for v in (-1, 0, NAN, INF, 2.5, 1e300)],
    *[invalid("validation_fraction", v) for v in (-0.1, 0, 1, 1.5, NAN, INF)],
    *[invalid("hidden_layer_sizes", v) for v in (0, -1, 2.5, NAN, INF, "5", None)],
    *[
        invalid("hidden_layer_sizes", v, match=HIDDEN, error=ValueError)
        for v in ((0,), (-2,), (5, 0), (2.5,), (NAN,), ("5",), (True,), (5, None))
    ],
    # Unknown strings for every option.
    *[invalid("loss", v, CLF) for v in ("bogus", "", "log-loss", 3)],
    *[invalid("reduction", v, NUMPY) for v in ("bogus", "Mean")],
    *[invalid("activation", v, TORCH) for v in ("bogus", "ReLU", "softmax")],
    *[invalid("optimizer", v, TORCH) for v in ("bogus", "Adam", "lbfgs")],
    *[invalid("lr_schedule", v, TORCH) for v in ("bogus", "linear")],
    *[invalid("class_weight", v, CLF) for v in ("bogus", "Balanced", 3)],
    *[invalid("dtype", v, TORCH) for v in ("bogus", "float16", "int32", 3)],
    *[
        invalid("dtype", v, TORCH, "dtype must be float32 or float64", ValueError)
        for v in (np.float16, np.int64, np.dtype("complex128"))
    ],
    *[
        invalid("device", v, TORCH, r"names no torch device; use 'auto'", ValueError)
        for v in ("bogus", "", "CPU", "gpu", "cuda:x")
    ],
    invalid("device", 3, TORCH),
    *[
        invalid("device", v, CUDA_ABSENT, "CUDA is not available", RuntimeError)
        for v in ("cuda", "cuda:7")
    ],
    invalid("random_state", "bogus"),
    invalid("shuffle", "yes"),
    invalid("early_stopping", "yes"),
    invalid("scoring", 3),
    *[
        invalid("scoring", v, match=rf"scoring={v!r} is not a scorer", error=ValueError)
        for v in ("bogus", "F1")
    ],
    invalid("callbacks", "bogus"),
    invalid(
        "callbacks", [object()], match="callbacks must be rumelhart", error=TypeError
    ),
    invalid("module", "bogus", TORCH),
    # input_groups that would build units without inputs (issue 22, item 5).
    *[
        invalid("input_groups", [(columns, 2)], match=match, error=ValueError)
        for columns, match in [
            (slice(0, 0), r"group 0, \(slice\(0, 0, None\), 2\), names no column: "),
            ([], r"group 0, \(\[\], 2\), names no column: its 2 units would have "),
            (
                slice(0, 3),
                r"put all 3 input columns in groups, which use 2 units: "
                r"the other 3 of the 5 units of the first hidden layer .* would "
                r"have no inputs .* Set hidden_layer_sizes\[0\] to 2",
            ),
        ]
    ],
    *[
        invalid(
            "input_groups",
            [([0], n_units)],
            match=rf"n_units must be an integer >= 1 .*; got {n_units!r} in group 0",
            error=ValueError,
        )
        for n_units in (2.5, 0, -1, True, "2", None)
    ],
    invalid(
        "input_groups",
        [("x_", 2)],
        match="X has no feature names .* wrap the step before the estimator in "
        "rumelhart.NamedColumns",
        error=ValueError,
    ),
    # A custom module's constructor refusing module_params (item 7).
    Case(
        "module_params its constructor refuses",
        fit_with(),
        ValueError,
        r"module '_forwarding_module' does not take the parameter 'bogus' given in "
        r"module_params .*; its constructor is _forwarding_module\(n_features, "
        r"n_outputs, \*\*kwargs\)",
        params={"module": _forwarding_module, "module_params": {"bogus": 1}},
        applies=TORCH,
    ),
    Case(
        "module_params missing a required parameter",
        fit_with(),
        ValueError,
        r"module '_module_of_width' cannot be built .* missing a required argument: "
        r"'width'. Its constructor is _module_of_width\(n_features, n_outputs, "
        r"width\)",
        params={"module": _module_of_width},
        applies=TORCH,
    ),
]

ALL_CASES = DATA_CASES + PREDICT_CASES + PARAM_CASES
