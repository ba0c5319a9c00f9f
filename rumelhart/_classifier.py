"""The classifiers' task part: labels, probabilities, predictions.

Two classes use one output unit; K > 2 classes use K units, softmax with
``loss="log_loss"`` or independent logistic units with the paper's
``loss="squared_error"`` (their outputs normalised to probabilities). A 2-D
``y`` of two codes (0/1, -1/+1, False/True...; dense or scipy.sparse) is a
multi-label problem: one logistic unit per label, on when the label takes the
larger code; predictions come back in the codes (and the format) of ``y``.
"""

from functools import partial
from numbers import Real

import numpy as np
from scipy import sparse
from sklearn.base import ClassifierMixin
from sklearn.exceptions import DataConversionWarning
from sklearn.metrics import accuracy_score
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets

from ._docstrings import SAMPLE_WEIGHT, TRAINING_X, X_INPUTS, with_parameters
from ._estimator import BaseMLP, TargetSpec
from ._estimator.inputs import validated_xy
from ._validation import multilabel_codes
from ._warnings import warn

#: ``y`` and ``classes`` of the classifiers' ``partial_fit``.
_PARTIAL_FIT_LABELS = """\
y : {array-like, sparse matrix} of shape (n_samples,) or \
                (n_samples, n_labels), default=None
    Labels, or a multi-label target in the two codes of the first
    call; None only when ``X`` is a torch Dataset of pairs.
classes : array-like of shape (n_classes,), default=None
    Every label that can occur; required on the first call (except
    for a multi-label ``y``).
"""


class MLPClassifierBase(ClassifierMixin, BaseMLP):
    """Label encoding, probabilities and predictions of the classifiers."""

    _parameter_constraints = {
        **BaseMLP._parameter_constraints,
        "loss": [StrOptions({"log_loss", "squared_error"})],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "dead_zone": [Interval(Real, 0, 0.5, closed="left")],
    }

    @with_parameters(TRAINING_X, _PARTIAL_FIT_LABELS, SAMPLE_WEIGHT)
    def partial_fit(self, X, y=None, classes=None, sample_weight=None):
        """Train for one epoch on ``(X, y)``, continuing from the current weights.

        Returns
        -------
        self : object
            The updated estimator.
        """
        first = not hasattr(self, "_engine")
        if first and classes is None and np.ndim(y) != 2:
            raise ValueError(
                "classes must be passed on the first call to partial_fit: "
                "the list of every label the classifier will see."
            )
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    # -- the task part of the base ------------------------------------------
    def _validate_xy(self, X, y, reset):
        return validated_xy(self, X, y, reset, y_numeric=False)

    def _encode_targets(self, y, reset, classes=None, sample_weight=None):
        was_sparse = sparse.issparse(y)
        y = self._label_array(y.toarray() if was_sparse else y)
        if y.ndim == 2:
            return self._encode_multilabel(y, reset, was_sparse)
        known = self._known_classes(y, reset, classes)
        codes = np.searchsorted(known, y)
        if len(known) == 2:
            Y = (codes == 1).reshape(-1, 1).astype(np.float64)
        else:
            Y = np.zeros((len(y), len(known)))
            Y[np.arange(len(y)), codes] = 1.0
        task = "binary" if len(known) == 2 else "multiclass"
        return Y, {"classes_": known, "_target": self._spec(task, Y.shape[1])}

    def _spec(self, task, n_outputs):
        softmax = task == "multiclass" and self.loss == "log_loss"
        return TargetSpec(
            task=task,
            loss=self.loss,
            output_activation="softmax" if softmax else "logistic",
            n_outputs=n_outputs,
            dead_zone=self.dead_zone if self.loss == "squared_error" else 0.0,
        )

    def _label_array(self, y):
        """``y`` as labels (1-D, checked) or a dense 2-D target."""
        if y.ndim == 2 and y.shape[1] == 1:
            warn(
                "A column-vector y was passed when a 1d array was expected; "
                "please change its shape to (n_samples,), e.g. with ravel().",
                DataConversionWarning,
            )
            y = y[:, 0]
        if y.ndim == 1:
            _check_labels(y)
        return y

    def _encode_multilabel(self, y, reset, was_sparse):
        """A multi-label target: one logistic unit per label, on for the
        larger of the two codes (see :func:`multilabel_codes`)."""
        n_labels = y.shape[1]
        fitted = None if reset else self._target
        if fitted and (fitted.task != "multilabel" or n_labels != fitted.n_outputs):
            raise ValueError(
                f"y has {n_labels} labels but the classifier was fitted on "
                f"{fitted.task} targets with classes_={self.classes_!r}."
            )
        known = None if reset else self._multilabel_format()[0]
        codes = multilabel_codes(y, known)
        Y = (y == codes[1]).astype(np.float64)
        spec = self._spec("multilabel", n_labels)
        return Y, {
            "classes_": np.arange(n_labels),
            "_target": spec,
            "_label_codes": codes,
            "_sparse_labels": was_sparse if reset else self._multilabel_format()[1],
        }

    def _multilabel_format(self):
        """The codes of a multi-label fit and whether its ``y`` was sparse
        (0/1 and dense in pickles made before they were recorded)."""
        codes = getattr(self, "_label_codes", np.array([0, 1]))
        return codes, getattr(self, "_sparse_labels", False)

    def _known_classes(self, y, reset, classes):
        """The classes after this call: from ``classes``, ``y`` or the fit."""
        if classes is not None:
            try:
                classes = np.unique(classes)
            except TypeError as exc:
                raise TypeError(
                    "classes must be labels of one kind (all numbers, all strings "
                    f"or all bools) that can be sorted; got {classes!r}."
                ) from exc
        if reset:
            known = np.unique(y) if classes is None else classes
            if len(known) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes; "
                    f"got only one class: {known.tolist()!r}."
                )
        else:
            known = self.classes_
            if self._target.task == "multilabel":
                codes = self._multilabel_format()[0].tolist()
                raise ValueError(
                    "y holds labels, but the classifier was fitted on a multi-label "
                    f"target; pass a matrix of shape (n_samples, {len(known)}) in "
                    f"the codes {codes!r}."
                )
            if classes is not None and not np.array_equal(classes, known):
                raise ValueError(
                    f"classes={classes.tolist()!r} differs from the classes of the "
                    f"first call to partial_fit, classes_={known.tolist()!r}; they "
                    "are fixed from then on (call fit to start over)."
                )
        unseen = np.setdiff1d(np.unique(y), known)
        if len(unseen):
            raise ValueError(
                f"y contains labels not seen before: {unseen.tolist()!r}; "
                f"expected labels from classes_={known.tolist()!r}."
            )
        return known

    def _stratify_labels(self, Y):
        if self._target.task == "multilabel":
            return None
        codes = Y[:, 0].astype(int) if Y.shape[1] == 1 else Y.argmax(axis=1)
        return codes if np.bincount(codes).min() >= 2 else None

    def _weigh_classes(self, y, sample_weight, dtype, incremental):
        if self.class_weight is None:
            return sample_weight
        if np.ndim(y) == 2:
            raise ValueError(
                "class_weight is not supported for multi-label targets; pass "
                "sample_weight instead."
            )
        if isinstance(self.class_weight, str) and incremental:
            raise ValueError(
                "class_weight='balanced' needs the whole training set and is not "
                "supported by partial_fit; pass a dict of class weights instead."
            )
        weights = compute_sample_weight(self._class_weight_for(y, incremental), y)
        weights = weights.astype(dtype)
        return weights if sample_weight is None else weights * sample_weight

    def _class_weight_for(self, y, incremental):
        """``class_weight`` checked, restricted to the classes present in ``y``."""
        if not isinstance(self.class_weight, dict):
            return self.class_weight
        for label, weight in self.class_weight.items():
            if not (isinstance(weight, Real) and 0 <= weight < np.inf):
                raise ValueError(
                    "class_weight must map labels to finite, non-negative "
                    f"numbers; got {weight!r} for label {label!r}."
                )
        present = set(np.unique(y).tolist())
        unknown = set(self.class_weight) - present
        if unknown and not incremental:  # a chunk may lack some classes
            raise ValueError(
                f"class_weight names labels that are not in y: {sorted(unknown)!r}."
            )
        return {k: v for k, v in self.class_weight.items() if k in present}

    def _upgraded_state(self, state, saved):
        state = super()._upgraded_state(state, saved)
        if "_engine" in state and "_target" not in state:
            engine = state["_engine"]
            task = "binary" if len(state["classes_"]) == 2 else "multiclass"
            n_outputs = 1 if task == "binary" else len(state["classes_"])
            state["_target"] = TargetSpec(
                task, engine.loss, engine.output_activation, n_outputs
            )
        return state

    def _labels(self, outputs):
        """Class indices (or the indicator matrix) of network outputs."""
        return _labels_of(outputs, self._target)

    def _output_scorer(self, target):
        return partial(_accuracy, target=target)

    # -- prediction -------------------------------------------------------
    def _probabilities(self, outputs):
        tiny = np.finfo(outputs.dtype).eps
        if outputs.shape[1] == 1:
            p = np.clip(outputs[:, 0], tiny, 1 - tiny)
            return np.column_stack([1 - p, p])
        if self._target.task == "multilabel":
            return np.clip(outputs, tiny, 1 - tiny)
        proba = np.clip(outputs, tiny, None)
        proba /= proba.sum(axis=1, keepdims=True)
        return proba

    @with_parameters(X_INPUTS)
    def predict_proba(self, X):
        """Probability of each class (of each label, for multi-label targets).

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities in ``classes_`` order, strictly inside (0, 1), each
            row summing to 1. Multi-label: each label's own probability of
            being on, that is of taking the larger of the two codes of the
            ``y`` it was fitted on (of +1 for -1/+1, of True for booleans).
        """
        return self._probabilities(self._forward(X))

    @with_parameters(X_INPUTS)
    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities in ``classes_`` order.
        """
        return np.log(self.predict_proba(X))

    @with_parameters(X_INPUTS)
    def predict(self, X):
        """Most probable class of each sample (multi-label: each label's
        larger code where its probability exceeds 0.5, else its smaller).

        Returns
        -------
        y : ndarray or sparse matrix of shape (n_samples,) or \
                (n_samples, n_labels)
            Labels from ``classes_``; multi-label: a matrix in the two codes
            and the dtype of the ``y`` it was fitted on, a CSR matrix when that
            ``y`` was sparse (as scikit-learn's ``MLPClassifier`` does).
        """
        labels = self._labels(self._forward(X))
        if self._target.task != "multilabel":
            return self.classes_[labels]
        codes, was_sparse = self._multilabel_format()
        return sparse.csr_matrix(codes[labels]) if was_sparse else codes[labels]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


def _labels_of(outputs, target):
    """Class indices (or the indicator matrix) of network outputs."""
    if target.task == "multilabel":
        return (outputs > 0.5).astype(int)
    if outputs.shape[1] == 1:
        return (outputs[:, 0] > 0.5).astype(int)
    return outputs.argmax(axis=1)


def _accuracy(outputs, Y, sample_weight, *, target):
    """The validation score of a classifier: accuracy of the decoded outputs."""
    return accuracy_score(
        _labels_of(Y, target), _labels_of(outputs, target), sample_weight=sample_weight
    )


def _check_labels(y):
    """Refuse 1-D ``y`` that are no class labels, saying what they hold."""
    try:
        check_classification_targets(y)
    except ValueError as exc:
        if y.dtype.kind != "O":
            raise
        kinds = sorted({type(label).__name__ for label in y[:10000]})
        raise ValueError(
            "Unknown label type: y must hold class labels of one kind (all "
            "numbers, all strings or all bools) in an array of that kind; got "
            f"an array of dtype {y.dtype} holding {', '.join(kinds)} values."
        ) from exc
