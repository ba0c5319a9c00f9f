"""Docstring fragments that every estimator shares, written once.

The estimators' docstrings are assembled from these and their own parts by
:func:`estimator_doc`; numpydoc renders the result (see docs/api.rst).
Methods that take the same arguments get their ``Parameters`` section from
:func:`with_parameters` (and those that raise the same errors their
``Raises`` from :func:`with_raises`).
"""

import re
import textwrap
from collections.abc import Callable
from typing import Literal, NamedTuple, TypeVar

_Function = TypeVar("_Function", bound=Callable[..., object])

#: ``X`` of the methods that read inputs.
X_INPUTS = """\
X : array-like of shape (n_samples, n_features)
    Inputs.
"""

#: ``sample_weight`` of the methods that take one.
SAMPLE_WEIGHT = """\
sample_weight : array-like of shape (n_samples,), default=None
    Weight of each sample.
"""

#: ``ax`` of the ``plot`` methods.
AXES = """\
ax : matplotlib Axes, default=None
    Where to draw; a new figure when None.
"""

#: ``X`` of ``partial_fit`` of the classifiers and regressors.
TRAINING_X = """\
X : array-like of shape (n_samples, n_features)
    Training inputs (or a torch Dataset, see :meth:`fit`).
"""

#: ``y`` of ``fit`` and ``partial_fit`` of the regressors.
TARGETS_Y = """\
y : array-like of shape (n_samples,) or (n_samples, n_outputs), \
                default=None
    Targets; None only when ``X`` is a torch Dataset of pairs.
"""

#: ``y`` of the autoencoders' methods.
Y_IGNORED = """\
y : None
    Ignored.
"""

#: ``X`` of the autoencoders' ``fit`` and ``partial_fit``.
RECONSTRUCTED_X = """\
X : array-like of shape (n_samples, n_features)
    Training inputs, which are also the targets.
"""

#: ``sample_weight_val`` of every ``fit``.
SAMPLE_WEIGHT_VAL = """\
sample_weight_val : array-like of shape (n_val,), default=None
    Weights of the validation rows; needs ``X_val``.
"""


def _section(entries: tuple[str, ...], indent: str, title: str = "Parameters") -> str:
    """A numpydoc section ``title`` of ``entries``, indented."""
    section = f"{title}\n{'-' * len(title)}\n" + "".join(entries) + "\n"
    return textwrap.indent(section, indent, lambda line: bool(line.strip()))


def _insert_section(
    title: str, entries: tuple[str, ...], before: str, anchor: str
) -> Callable[[_Function], _Function]:
    """A decorator that puts the section ``title`` of ``entries`` before the
    docstring's first line matching ``before`` (a pattern whose group 1 is
    that line's indentation), or raises naming the missing ``anchor``."""

    def decorate(function: _Function) -> _Function:
        doc = function.__doc__
        if doc is None:  # python -OO strips docstrings
            return function
        found = re.search(before, doc, re.MULTILINE)
        if found is None:
            raise ValueError(f"{function.__name__}'s docstring has no {anchor}.")
        section = _section(entries, found.group(1), title)
        function.__doc__ = doc[: found.start()] + section + doc[found.start() :]
        return function

    return decorate


def with_parameters(*entries: str) -> Callable[[_Function], _Function]:
    """Give the decorated function a numpydoc ``Parameters`` section.

    Parameters
    ----------
    *entries : str
        Parameter entries (name and type, then the description indented by
        four spaces), in the order of the signature.

    Returns
    -------
    decorate : callable
        Puts the section before the docstring's first section (``Returns``),
        at its indentation, and returns the function.
    """
    return _insert_section("Parameters", entries, r"^( *)\S.*\n *-{3,}$", "section")


def with_raises(*entries: str) -> Callable[[_Function], _Function]:
    """Give the decorated function a numpydoc ``Raises`` section.

    Parameters
    ----------
    *entries : str
        Exception entries (its name, then the description indented by four
        spaces).

    Returns
    -------
    decorate : callable
        Puts the section before the docstring's ``Examples`` section, at its
        indentation, and returns the function.
    """
    examples = r"^( *)Examples\n *-{3,}$"
    return _insert_section("Raises", entries, examples, "Examples section")


#: What each hidden activation is (after the ``activation`` parameter).
ACTIVATIONS_DOC = """\
        ``"logistic"`` (alias ``"sigmoid"``) ``1/(1 + e^-z)``; ``"tanh"``;
        ``"relu"`` ``max(z, 0)``; ``"leaky_relu"`` ``max(z, 0.01 z)``;
        ``"elu"`` ``z`` above 0, ``e^z - 1`` below; ``"softplus"``
        ``log(1 + e^z)``; ``"gelu"`` ``z Φ(z)``, exact (erf) form;
        ``"silu"`` ``z / (1 + e^-z)``; ``"identity"``. Each is torch's
        default module of that name (``nn.LeakyReLU()``, ``nn.GELU()``,
        ...), on both backends and in ONNX exports.
"""

#: The parameters of the learned representation, in every estimator.
REPRESENTATION_PARAMETERS = """\
    input_groups : list of (columns, n_units), default=None
        Groups of input columns that feed their own units of the first
        hidden layer (the paper's family-trees network; an entity
        embedding of each one-hot categorical feature). ``columns`` is a
        list of column indices, a slice, a list of feature names, or a
        name prefix (``"cat__city_"`` after a ``ColumnTransformer``);
        group k gets the next ``n_units`` units. Columns in no group feed
        the units left over. Missing connections stay exactly zero.
    transform_layer : int or "all", default=-1
        The hidden layer whose outputs :meth:`transform` returns (``-1``:
        the last), or ``"all"`` for every hidden layer side by side.
"""

#: The representation parameters of the autoencoders.
AUTOENCODER_REPRESENTATION = """\
    input_groups : list of (columns, n_units), default=None
        Groups of input columns that feed their own units of the first
        hidden layer (see :class:`RumelhartClassifier`).
    transform_layer : int, "all" or None, default=None
        The hidden layer whose outputs are the code that :meth:`transform`
        returns and :meth:`inverse_transform` decodes; None: the narrowest
        hidden layer (the bottleneck).
    output_activation : {"identity", "logistic"}, default="identity"
        Output units: linear, or logistic for inputs in [0, 1] (the paper's
        encoder problems).
    init : {"auto", "pca", "random"}, default="auto"
        Initial weights. ``"pca"``: every hidden layer starts by carrying
        the leading principal coordinates of the training inputs through
        units in the near-linear range of their activation, so the network
        starts at PCA's reconstruction with as many components as the
        narrowest layer has units, and training improves on it (wider
        layers' other units start random, their weights out at zero).
        ``"random"``: the backend's random weights, as in the paper.
        ``"auto"``: ``"pca"`` with linear output units and no
        ``input_groups``, ``"random"`` otherwise.
"""

#: The ``callbacks`` parameter, last in every estimator's Parameters.
CALLBACKS_PARAMETER = """\
    callbacks : list of Callback, default=None
        Hooks around epochs and batches (:mod:`rumelhart.callbacks`):
        recorders of loss, activations, gradients and weights, early
        stopping, schedules, a progress bar. ``fit`` trains with copies
        (``callbacks_``); their records land in ``history_``.
"""

#: The classifiers' ``class_weight`` and ``dead_zone`` parameters.
CLASS_WEIGHT_AND_DEAD_ZONE = """\
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplied into ``sample_weight``;
        ``"balanced"`` weighs classes inversely to their frequency.
    dead_zone : float, default=0.0
        With ``loss="squared_error"``, an output within ``dead_zone`` of its
        0/1 target sends back no error: the paper's family trees train with
        0.2 (an "on" unit above 0.8 or an "off" unit below 0.2 is left
        alone). It shapes training only; predictions are still scored at
        0.5. ``0 <= dead_zone < 0.5``; ignored by ``"log_loss"``.
"""

#: The classifiers' first attribute.
CLASSES_ATTRIBUTE = """\
    classes_ : ndarray of shape (n_classes,)
        The labels.
"""

#: Fitted attributes of every estimator, after its backend's own ones.
FITTED_ATTRIBUTES = """\
    loss_curve_ : list of float
        Training loss of every epoch, measured during the epoch (over all
        ``warm_start`` fits and ``partial_fit`` calls).
    loss_ : float
        The last epoch's training loss.
    best_loss_ : float
        Smallest training loss reached.
    validation_scores_ : list of float or None
        Validation score (of ``scoring``; greater is better) of every epoch
        with ``early_stopping``, on the held-out split or on ``X_val``.
    validation_loss_ : list of float or None
        Loss on the validation rows of every epoch with ``early_stopping``.
    best_validation_score_ : float or None
        Best validation score with ``early_stopping``.
    n_iter_ : int
        Number of epochs of the last ``fit`` (as scikit-learn's MLP: a
        ``warm_start`` fit counts its own); ``partial_fit`` adds one per
        call.
    stop_reason_ : str
        Why training stopped: ``"converged"`` (``n_iter_no_change`` epochs
        without progress), ``"max_iter"``, ``"callback"``,
        ``"interrupted"`` (Ctrl-C), ``"diverged"`` (best weights kept),
        ``"partial_fit"``, ``"refit"`` (``early_stopping="auto"`` on small
        data: the epochs a held-out split chose) or ``"start"`` (an
        autoencoder kept its PCA start: too few rows to test leaving it).
    t_ : int
        Number of training samples seen (scikit-learn's ``t_``).
    n_layers_ : int
        Number of layers, the input and output layers included.
    out_activation_ : str
        Activation of the output units: ``"logistic"``, ``"softmax"`` or
        ``"identity"``.
    n_features_in_ : int
        Number of input features.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features, when ``X`` had string column names.
    n_outputs_ : int
        Number of output units.
    history_ : dict of list
        ``history_["epochs"]``: one dict per epoch (epoch, loss, validation
        score and loss, seconds), stored in compact columns (8 bytes per
        epoch and value); plus the records of each callback under its key.
        Each converts to a ``pandas.DataFrame``.
    callbacks_ : list of Callback
        The callbacks as trained with.
    n_steps_ : int
        Number of weight changes made.
"""

#: How training stops, in every estimator (after ``max_iter``).
STOPPING_PARAMETERS = """\
    tol : float or "auto", default="auto"
        Minimum improvement of the loss (or of the validation score with
        early stopping) that counts as progress. ``"auto"``: 1e-4, and 1e-3
        on a classifier's training loss (its noise from epoch to epoch on a
        plateau, eq. 9's or Adam's, is larger than 1e-4).
    n_iter_no_change : int, default=10
        Once this many epochs *and* 1,000 weight updates (or 10 times this
        many epochs) have gone by without progress (on small data an epoch
        is a few updates, too few to cross a plateau of the loss), the
        learning rate is divided by 5;
        after two such reductions, each followed by ``n_iter_no_change``
        epochs of patience, training stops. ``stop_reason_`` says why
        training ended.
    early_stopping : bool or "auto", default="auto"
        ``True``: hold out ``validation_fraction`` of the data (stratified
        for classifiers), stop when its score stops improving and restore
        the weights (and optimizer state) of the best epoch. ``"auto"``:
        so from 10,000 samples on (the NumPy regressors: from 2,000); on
        less data, classifiers follow their
        training loss, while regressors and autoencoders hold out 20 % to
        choose the number of epochs, then train that many epochs on all the
        data from the same initial weights (``stop_reason_="refit"``; the
        squared error rewards fitting the noise of small data). The torch
        classifier and regressor hold out at every size (the classifier
        from 500 samples on; below, its training loss decides). ``False``:
        the training loss decides.
    validation_fraction : float, default=0.1
        Share of the training data held out with early stopping; ignored
        when ``fit`` is given ``X_val`` (then all of ``X`` trains).
    scoring : str, callable or None, default="auto"
        What early stopping (and the best-weights restore, and the choice of
        the number of epochs of ``early_stopping="auto"``) maximises on the
        validation rows, recorded per epoch in ``validation_scores_``:
        ``"auto"``, ``"calibrated_loss"`` for classifiers and ``"loss"``
        otherwise; ``"loss"``, the training loss on the validation rows,
        negated so that greater is better (``validation_scores_`` is then
        ``-validation_loss_``; as scikit-learn's ``HistGradientBoosting*``);
        ``"calibrated_loss"`` (classifiers), the negated cross-entropy once
        the logits are divided by the temperature that minimises it: the
        separation of the classes without the confidence, which keeps
        growing after the held-out loss turns up while the accuracy still
        improves;
        ``None``, the estimator's own score (accuracy, R², negative
        reconstruction error: the default of version 0.2); any scikit-learn
        scorer name (``"f1"``, ``"neg_mean_absolute_error"`` ...) or a
        callable ``scorer(estimator, X, y)``, called on the network of each
        epoch; greater is better, as for scikit-learn's scorers.
"""


#: The regressors' ``loss`` and its parameter.
REGRESSION_LOSS_PARAMETERS = """\
    loss : {"squared_error", "absolute_error", "huber", "quantile", \
            "poisson", "gamma"}, default="squared_error"
        The error the network minimises. ``"squared_error"`` (the paper's
        E) predicts the conditional mean; ``"absolute_error"`` the median;
        ``"huber"`` is squared within ``huber_delta`` of the target and
        linear beyond (robust to outliers); ``"quantile"`` the pinball
        loss of the level(s) ``quantile``; ``"poisson"`` and ``"gamma"``
        (half the deviances) use the log link: exponential output units,
        so that predictions are always positive; ``"poisson"`` takes
        targets >= 0 (counts, rates), ``"gamma"`` targets > 0. See
        :doc:`/choosing_a_loss`. ``score`` is R2 whatever the loss.
    huber_delta : float, default=1.0
        With ``loss="huber"``: residuals beyond this, in the units of ``y``,
        count linearly (``SGDRegressor``'s ``epsilon``). Ignored by the
        other losses.
    quantile : float or list of float, default=0.5
        With ``loss="quantile"``: the level in (0, 1) to predict, for every
        target column; or a list of levels for a 1-D ``y``, fitted at once
        by one network, one output column each: ``predict`` then returns
        (n_samples, n_levels), sorted on each row so that the quantiles
        never cross. A list with a 2-D ``y`` is refused (fit one regressor
        per column). Ignored by the other losses.
    conformalize_quantiles : bool or {"cross", "split"}, default=True
        With ``loss="quantile"``: after training, shift each quantile output
        so that new rows fall below it at about the rate its level says;
        the shifts are in ``quantile_shifts_``.

        - ``True`` or ``"cross"``: with ``X_val``, as ``"split"`` on it;
          otherwise, when the fit holds out a split of ``X`` (early
          stopping), the shift is the quantile, at the column's level, of
          the returned network's residuals on all the rows of ``X``, plus
          their *optimism*, measured by 5 more fits on 4/5 of the rows
          each: the quantile of the residuals on the fifth left out minus
          that on the fit's own rows (scaled by 4/5). **A fit costs 6
          fits** (3,000 rows, (32,) units: NumPy 0.3 s -> 1.8 s, torch on
          CPU 0.65 s -> 4.0 s). A 0.05-0.95 band then covered 88-92 % of
          new rows on all 15 sets of ``benchmarks/losses.py`` on both
          backends (coverage SD 0.007 NumPy, 0.009 torch), against 11 and
          10 of 15 with ``"split"`` (SD 0.018, 0.019). Fewer than 100 rows,
          or a continued fit (``warm_start``): as ``"split"``.
        - ``"split"``: the empirical quantile, at its level, of the
          network's residuals on the validation rows it did not train on
          (``X_val``, or the split of ``early_stopping``): split-conformal
          calibration, as MAPIE's ``ConformalizedQuantileRegressor``; one
          fit, but its band's coverage varies by about
          ``sqrt(0.09 / n_val)`` from fit to fit (0.017 on 300 rows).
        - ``False``: no shift.

        Without validation rows (``early_stopping=False``, ``partial_fit``)
        the quantiles are not shifted. See :doc:`/choosing_a_loss`. Ignored
        by the other losses.
"""

#: The regressors' own fitted attributes (after every estimator's).
REGRESSION_ATTRIBUTES = """\
    quantile_shifts_ : ndarray of shape (n_outputs,) or None
        With ``loss="quantile"``: what ``predict`` adds to each quantile
        column, in the units of ``y``, measured on the validation rows or
        across folds (``conformalize_quantiles``); zeros when there were
        none or ``conformalize_quantiles=False``. None for the other losses.
"""

#: The ``X`` of ``fit`` of the classifiers and regressors.
_FIT_X = """\
X : array-like of shape (n_samples, n_features)
    Training inputs. float32 input is trained in float32. The torch
    estimators also take a ``torch.utils.data.Dataset`` (or
    ``DataLoader``) of ``(x, y)`` pairs, or of inputs ``x`` with
    ``y`` passed separately, read once into memory.
"""

#: ``sample_weight``, ``X_val`` and ``y_val`` of ``fit`` of the classifiers
#: and regressors.
_FIT_WEIGHTS_AND_VALIDATION = """\
sample_weight : array-like of shape (n_samples,), default=None
    Weight of each sample; an integer weight is the same as
    repeating the row.
X_val : array-like of shape (n_val, n_features), default=None
    Validation rows of your own (e.g. a fixed dev set, or the latest
    rows of time-ordered data): with ``early_stopping`` True or
    ``"auto"``, they and only they decide when to stop and which
    epoch's weights to keep, and all of ``X`` trains
    (``validation_fraction`` is ignored). Checked as ``X`` (same
    features). A ``Pipeline`` does not transform ``X_val``: pass
    ``Pipeline(..., transform_input=["X_val"])`` with metadata
    routing enabled, or transform it yourself (Training features,
    "Your own validation set"). Not taken by ``partial_fit``.
y_val : array-like of shape (n_val,) or (n_val, n_outputs), \
                default=None
    Targets of ``X_val``; required with it.
"""

#: The docstring of ``fit`` of the classifiers and regressors.
FIT_DOCSTRING = (
    """Train the network on ``(X, y)``.

"""
    + _section(
        (_FIT_X, TARGETS_Y, _FIT_WEIGHTS_AND_VALIDATION, SAMPLE_WEIGHT_VAL), " " * 8
    )
    + """        Returns
        -------
        self : object
            The fitted estimator.
        """
)


class _TaskSections(NamedTuple):
    """What a task adds to its estimators' docstrings."""

    #: Parameters after the estimator's own first entries.
    parameters: str
    #: The representation parameters, last before ``callbacks``.
    representation: str
    #: Attributes before the backend's.
    attributes: str


_TASK_SECTIONS = {
    "classifier": _TaskSections(
        CLASS_WEIGHT_AND_DEAD_ZONE, REPRESENTATION_PARAMETERS, CLASSES_ATTRIBUTE
    ),
    "regressor": _TaskSections(
        REGRESSION_LOSS_PARAMETERS, REPRESENTATION_PARAMETERS, REGRESSION_ATTRIBUTES
    ),
    "autoencoder": _TaskSections("", AUTOENCODER_REPRESENTATION, ""),
}


def estimator_doc(
    summary: str,
    /,
    *,
    task: Literal["classifier", "regressor", "autoencoder"],
    parameters: str,
    backend_parameters: str,
    backend_attributes: str,
    see_also: str,
    examples: str,
) -> str:
    """The docstring of an estimator class, its sections in one order.

    Every piece is text as it stands in a class body: each line after the
    summary's first indented by four spaces, and ending in a newline.

    Parameters
    ----------
    summary : str
        The summary line and the extended summary.
    task : {"classifier", "regressor", "autoencoder"}
        Which task's shared entries to add (``class_weight`` and
        ``classes_``, the regression losses, the autoencoders'
        representation).
    parameters : str
        The estimator's own first parameters (``hidden_layer_sizes`` ...).
    backend_parameters : str
        The parameters of the estimator's backend (how it trains and
        stops), after the task's.
    backend_attributes : str
        The backend's fitted attributes (the weights), after the task's and
        before those of every estimator.
    see_also : str
        Entries of the ``See Also`` section.
    examples : str
        The ``Examples`` section's doctest.

    Returns
    -------
    doc : str
        Summary, ``Parameters`` (own, task, backend, representation,
        ``callbacks``), ``Attributes`` (task, backend, those of every
        estimator), ``See Also`` and ``Examples``.
    """
    sections = _TASK_SECTIONS[task]
    return (
        f"{summary}\n    Parameters\n    ----------\n{parameters}"
        f"{sections.parameters}{backend_parameters}{sections.representation}"
        f"{CALLBACKS_PARAMETER}\n    Attributes\n    ----------\n"
        f"{sections.attributes}{backend_attributes}{FITTED_ATTRIBUTES}"
        f"\n    See Also\n    --------\n{see_also}"
        f"\n    Examples\n    --------\n{examples}    "
    )
