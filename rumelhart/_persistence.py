"""Pickles that carry the package's version and load across versions.

Every estimator's pickled state holds ``_rumelhart_version``. Loading a
state from another version warns with scikit-learn's
``InconsistentVersionWarning`` (naming both versions) and fills in what was
added since: parameters get their defaults, fitted bookkeeping is rebuilt
from the attributes the old version had. A state that cannot be brought up
to date fails at load, with a message naming both versions.
"""

import inspect

from sklearn.exceptions import InconsistentVersionWarning

from ._version import __version__ as VERSION
from ._warnings import warn

#: What 0.1 pickles lacked, rebuilt by :func:`_upgrade_from_0_1`.
_UNVERSIONED = "0.1 or earlier"


class VersionedStateMixin:
    """Stamps pickles with the package version; upgrades older states."""

    def __getstate__(self):
        state = super().__getstate__()
        state["_rumelhart_version"] = VERSION
        return state

    def __setstate__(self, state):
        state = dict(state)
        saved = state.pop("_rumelhart_version", _UNVERSIONED)
        # A parameter added since the pickle was made (even under the same
        # version string, during development) gets its default.
        _fill_defaults(type(self), state)
        if saved != VERSION:
            warn(
                InconsistentVersionWarning(
                    estimator_name=type(self).__name__,
                    current_sklearn_version=f"rumelhart {VERSION}",
                    original_sklearn_version=f"rumelhart {saved}",
                ),
                None,
            )
            try:
                state = self._upgraded_state(state, saved)
            except Exception as exc:
                raise ValueError(
                    f"Cannot load this {type(self).__name__}, pickled by rumelhart "
                    f"{saved}, with rumelhart {VERSION}: {exc}. Refit it with "
                    f"rumelhart {VERSION}, or load it with rumelhart {saved}."
                ) from exc
        super().__setstate__(state)

    def _upgraded_state(self, state, saved):
        """``state`` of another version (its parameters already filled in by
        :meth:`__setstate__`) with what this version needs added."""
        if "_engine" in state and "_state" not in state:
            state = _upgrade_from_0_1(state)
        _check_fitted_structure(state)
        return state


def _check_fitted_structure(state):
    """Refuse a fitted state whose engine or bookkeeping this version cannot use."""
    from ._engines.protocol import Engine
    from ._training import TrainingState

    if "_engine" not in state:
        return  # not fitted: the parameters are all there is
    if not isinstance(state["_engine"], Engine):
        raise TypeError(
            f"its engine is a {type(state['_engine']).__name__}, which lacks the "
            "methods of this version's engines"
        )
    if not isinstance(state.get("_state"), TrainingState):
        raise TypeError("its training state has an unknown form")


def _fill_defaults(cls, state):
    """Give ``state`` the default of every parameter of ``cls`` it lacks."""
    for name, default in _init_defaults(cls).items():
        state.setdefault(name, default)


def _init_defaults(cls):
    """``{parameter: default}`` of ``cls.__init__``."""
    parameters = inspect.signature(cls.__init__).parameters.values()
    return {
        p.name: p.default
        for p in parameters
        if p.name != "self" and p.default is not p.empty
    }


def _upgrade_from_0_1(state):
    """Rebuild the training state that 0.1 kept in separate attributes."""
    from ._training import EpochLog, TrainingState

    epochs = EpochLog()
    for row in state.get("history_", {}).get("epochs", []):
        epochs.append(row)
    losses = list(state["loss_curve_"])
    scores = state.get("validation_scores_")
    training = TrainingState(
        epoch=state["n_iter_"],
        n_iter=state["n_iter_"],
        n_steps=state.get("n_steps_", 0),
        loss_curve=losses,
        best_loss=state.get("best_loss_", min(losses, default=float("inf"))),
        validation_scores=None if scores is None else list(scores),
        validation_losses=None if scores is None else [float("nan")] * len(scores),
        best_validation_score=state.get("best_validation_score_"),
        epochs=epochs,
    )
    state["_state"] = training
    state.setdefault("_callbacks_source", state.get("callbacks"))
    state.setdefault("loss_", losses[-1] if losses else float("nan"))
    state.setdefault("stop_reason_", None)
    state.setdefault("t_", None)
    state.setdefault("validation_loss_", training.validation_losses)
    if isinstance(state.get("history_"), dict):
        state["history_"] = {**state["history_"], "epochs": epochs}
    return state
