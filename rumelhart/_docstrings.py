"""Docstring fragments that every estimator shares, written once.

The estimators' docstrings are assembled from these and their own parts;
numpydoc renders the result (see docs/api.rst).
"""

#: The ``callbacks`` parameter, last in every estimator's Parameters.
CALLBACKS_PARAMETER = """\
    callbacks : list of Callback, default=None
        Hooks around epochs and batches (:mod:`rumelhart.callbacks`):
        recorders of loss, activations, gradients and weights, early
        stopping, schedules, a progress bar. ``fit`` trains with copies
        (``callbacks_``); their records land in ``history_``.
"""

#: Fitted attributes of every estimator, after its backend's own ones.
FITTED_ATTRIBUTES = """\
    loss_curve_ : list of float
        Training loss of every epoch, measured during the epoch.
    best_loss_ : float
        Smallest training loss reached.
    validation_scores_ : list of float or None
        Validation score of every epoch with ``early_stopping``.
    best_validation_score_ : float or None
        Best validation score with ``early_stopping``.
    n_iter_ : int
        Number of epochs trained.
    n_features_in_ : int
        Number of input features.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features, when ``X`` had string column names.
    n_outputs_ : int
        Number of output units.
    history_ : dict of list
        ``history_["epochs"]``: one dict per epoch (epoch, loss, validation
        score, seconds); plus the records of each callback under its key.
        Each list converts to a ``pandas.DataFrame``.
    callbacks_ : list of Callback
        The callbacks as trained with.
    n_steps_ : int
        Number of weight changes made.
"""
