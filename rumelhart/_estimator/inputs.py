"""Checks of what a fit or a prediction is given, with messages that say what
was wrong and what was expected."""

from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.utils.validation import _check_sample_weight, validate_data

from .._validation import non_numeric_error, poorly_scaled_columns
from .._warnings import warn
from ..exceptions import PoorScalingWarning

#: dtypes the estimators train in (anything else becomes float64).
FLOAT_DTYPES = (np.float64, np.float32)

#: Sparse formats the estimators take (others are converted to CSR).
SPARSE_FORMATS = ("csr", "csc")


def validated_fit_data(
    estimator: Any, X: Any, y: Any, sample_weight: Any, continuing: bool
) -> tuple[Any, Any, NDArray[Any] | None]:
    """``X``, ``y`` and ``sample_weight`` checked and converted.

    ``estimator`` validates ``X`` and ``y`` with its task's options (its
    ``_validate_xy``) and records the input's features; a continued fit
    trains in the dtype of the fitted engine.
    """
    try:
        X, y = estimator._validate_xy(X, y, reset=not continuing)
    except (ValueError, TypeError) as exc:
        clearer = non_numeric_error(exc, X=X, **estimator._numeric_targets(y))
        if clearer is not None:
            raise clearer from exc
        raise
    if continuing:
        X = X.astype(estimator._engine.dtype, copy=False)
    warn_of_poor_scaling(X)
    if sample_weight is not None:
        try:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=X.dtype, ensure_non_negative=True
            )
        except (ValueError, TypeError) as exc:
            clearer = non_numeric_error(exc, sample_weight=sample_weight)
            if clearer is not None:
                raise clearer from exc
            raise
    return X, y, sample_weight


def warn_of_poor_scaling(X: Any) -> None:
    """A :class:`PoorScalingWarning` when features are far too large."""
    bad, peak = poorly_scaled_columns(X)
    if len(bad):
        warn(
            f"Features {bad[:10].tolist()} reach {peak:.3g} in magnitude: "
            "logistic and ReLU units saturate or blow up on such inputs and "
            "the network learns little. Standardise X first, e.g. "
            "make_pipeline(StandardScaler(), estimator).",
            PoorScalingWarning,
        )


def check_weight_sum(
    sample_weight: NDArray[Any], reduction: str, class_weighted: bool
) -> NDArray[Any]:
    """The weights, checked to have a positive sum that the dtype can hold.

    With a mean reduction only ratios of weights matter: weights whose sum
    overflows (or is too small to divide by) are rescaled to a maximum of 1
    instead of turning the loss into NaN. ``class_weighted``: the weights
    include ``class_weight`` (the messages say so).
    """
    with_classes = " times class_weight" if class_weighted else ""
    with np.errstate(over="ignore"):
        total = sample_weight.sum()
    if not total > 0:
        raise ValueError(
            f"sample_weight{with_classes} must have a positive sum; every "
            "sample has weight zero."
        )
    tiny = np.finfo(sample_weight.dtype).tiny
    if np.isfinite(total) and total >= tiny:
        return sample_weight
    if reduction == "mean":
        rescaled: NDArray[Any] = sample_weight / sample_weight.max()
        return rescaled
    raise ValueError(
        f"sample_weight{with_classes} sums to {total}, outside the range of "
        f"{sample_weight.dtype}; with reduction='sum' the scale of the weights "
        "matters: rescale them (e.g. divide by their maximum)."
    )


def large_value_hints(X: Any) -> list[str]:
    """A sentence when the inputs are large enough to explain a divergence."""
    _, peak = poorly_scaled_columns(X)
    if peak > 1e4:
        return [
            f"The inputs are large (max {peak:.3g}): standardise them, e.g. with "
            "sklearn's StandardScaler."
        ]
    return []


def check_finite_predictions(outputs: Any, X: Any, dtype: Any) -> Any:
    """``outputs``, or a ValueError if inputs far out of range overflowed."""
    if np.isfinite(outputs).all():
        return outputs
    peak = abs(X).max() if hasattr(X, "tocsr") else np.max(np.abs(X))
    raise ValueError(
        "The network's outputs overflowed to inf or NaN for some samples: "
        f"their inputs lie far outside the training data (max |X| = "
        f"{peak:.3g}) for {dtype} arithmetic. Scale "
        "X as the training data were scaled."
    )


def validated_xy(estimator: Any, X: Any, y: Any, reset: bool, y_numeric: bool) -> Any:
    """``(X, y)`` as the supervised estimators take them (scikit-learn's
    ``validate_data``): float inputs, dense or sparse; one or several target
    columns, numbers only with ``y_numeric``."""
    return validate_data(
        estimator,
        X,
        y,
        reset=reset,
        dtype=FLOAT_DTYPES,
        accept_sparse=SPARSE_FORMATS,
        multi_output=True,
        y_numeric=y_numeric,
    )


def validated_inputs(estimator: Any, X: Any, accept_sparse: Any, dtype: Any) -> Any:
    """``X`` checked against the fitted ``estimator`` (features, their
    names), converted to the network's ``dtype``."""
    try:
        X = validate_data(
            estimator,
            X,
            reset=False,
            dtype=FLOAT_DTYPES,
            accept_sparse=accept_sparse,
        )
    except (ValueError, TypeError) as exc:
        clearer = non_numeric_error(exc, X=X)
        if clearer is not None:
            raise clearer from exc
        raise
    return X.astype(dtype, copy=False)
