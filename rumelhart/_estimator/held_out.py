"""Validation rows the caller gives (``fit(..., X_val=, y_val=)``) and the
``scoring`` parameter: what early stopping maximises on validation rows.

Both end as plain functions of the loop's :class:`~rumelhart._training.Validation`:
a scorer of scikit-learn needs an estimator, so it is called on a shallow
copy of the estimator that carries the attributes decoding the outputs and
the engine of the moment (:func:`engine_scorer`); the estimator being fitted
is never called.
"""

import copy
from dataclasses import dataclass
from typing import Any

from numpy.typing import NDArray
from sklearn.base import is_classifier
from sklearn.metrics import check_scoring
from sklearn.utils.validation import _check_sample_weight, check_consistent_length

from .._training import OutputMeasure
from ..callbacks import _resolved_scoring


@dataclass(frozen=True)
class HeldOut:
    """Validation rows: inputs (as the engine predicts from them), encoded
    targets, weights, and the targets as given (for a scorer)."""

    X: Any
    Y: NDArray[Any]
    sample_weight: NDArray[Any] | None
    y: Any


def check_given(
    estimator: Any, X_val: Any, y_val: Any, sample_weight_val: Any, supervised: bool
) -> bool:
    """Whether validation rows were given, refusing incomplete or unused ones
    (scikit-learn's ``HistGradientBoosting*`` rules)."""
    if sample_weight_val is not None and X_val is None:
        raise ValueError("sample_weight_val is provided, but X_val was not provided.")
    if supervised and X_val is not None and y_val is None:
        raise ValueError("X_val is provided, but y_val was not provided.")
    if supervised and y_val is not None and X_val is None:
        raise ValueError("y_val is provided, but X_val was not provided.")
    if X_val is None:
        return False
    if estimator.early_stopping is False:
        raise ValueError(
            "X_val is passed to fit while early_stopping=False; validation "
            "rows are only used by early stopping: set early_stopping to True "
            "or 'auto'."
        )
    return True


def validated_held_out(
    estimator: Any, X_val: Any, y_val: Any, sample_weight_val: Any, dtype: Any
) -> HeldOut:
    """``X_val`` checked like ``X`` (``reset=False``: the same features),
    ``y_val`` encoded as the fit's targets (its classes, its target scale).

    Called once the fit's target attributes are set on ``estimator``.
    """
    X_val, y_val = estimator._backend.as_arrays(
        X_val, y_val, fitting=True, owner=type(estimator).__name__
    )
    try:
        X_val, y_val = estimator._validate_xy(X_val, y_val, reset=False)
        check_consistent_length(X_val, y_val)
        Y_val, _ = estimator._encode_targets(y_val, reset=False)
    except ValueError as exc:
        raise ValueError(f"Validation rows (X_val, y_val): {exc}") from exc
    X_val = X_val.astype(dtype, copy=False)
    if sample_weight_val is not None:
        sample_weight_val = _check_sample_weight(
            sample_weight_val, X_val, dtype=dtype, ensure_non_negative=True
        )
        if not sample_weight_val.sum() > 0:
            raise ValueError(
                "sample_weight_val sums to zero: give some validation rows a "
                "positive weight."
            )
    return HeldOut(X_val, Y_val.astype(dtype, copy=False), sample_weight_val, y_val)


def check_scoring_param(estimator: Any) -> Any:
    """The ``scoring`` parameter as None, ``"loss"``, ``"calibrated_loss"``
    (``"auto"`` resolved) or a scorer callable."""
    scoring = _resolved_scoring(estimator)
    if scoring is None or scoring == "loss":
        return scoring
    if scoring == "calibrated_loss":
        if not is_classifier(estimator):
            raise ValueError(
                "scoring='calibrated_loss' measures class probabilities: it is "
                f"for classifiers, not {type(estimator).__name__}. Use 'loss' "
                "or a scorer."
            )
        return scoring
    try:
        return check_scoring(estimator, scoring=scoring)
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"scoring={scoring!r} is not a scorer: {exc} Pass 'auto', None, "
            "'loss', 'calibrated_loss' (classifiers), a "
            "scikit-learn scorer name (sklearn.metrics.get_scorer_names()) or "
            "a callable scorer(estimator, X, y)."
        ) from exc


def negated(loss: OutputMeasure) -> OutputMeasure:
    """``-loss``: a score, greater is better."""

    def score(outputs: Any, Y: Any, sample_weight: Any) -> float:
        return -loss(outputs, Y, sample_weight)

    return score


def engine_scorer(
    scorer: Any, estimator: Any, fitted: dict[str, Any], rows: HeldOut
) -> Any:
    """``score(engine)``: ``scorer`` on a copy of ``estimator`` that predicts
    with ``engine`` (its weights of the moment) and ``fitted``'s decoding."""
    model = copy.copy(estimator)
    model.__dict__.update(fitted)
    kwargs = {} if rows.sample_weight is None else {"sample_weight": rows.sample_weight}

    def score(engine: Any) -> float:
        model._engine = engine
        return float(scorer(model, rows.X, rows.y, **kwargs))

    return score
