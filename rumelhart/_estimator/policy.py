"""The "auto" rules: what a parameter left at ``"auto"`` becomes.

Every rule is one entry of :class:`AutoRules` (its value and why), applied by
one small function below; :data:`AUTO` is the table the estimators use. To
change a default, change its entry (and the user guide's "Defaults and
stopping", which gives the benchmark figures behind each value).
"""

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from .._training import Printer, TrainingPlan
from ..callbacks import Callback, EarlyStopping

#: How a fit uses a validation split: none, early stopping on a held-out
#: split, or "refit" (choose the number of epochs on a held-out split, then
#: train that many epochs on all the data).
Mode = Literal["off", "holdout", "refit"]


@dataclass(frozen=True)
class AutoRules:
    """One entry per rule, with the reason for its value."""

    #: ``batch_size="auto"``: mini-batches of this many samples (fewer on
    #: smaller data), as scikit-learn's ``min(200, n_samples)``.
    batch_size: int = 200

    #: ``early_stopping="auto"`` holds out a validation split from this many
    #: samples on (scikit-learn's HistGradientBoosting does the same).
    holdout_from_samples: int = 10_000

    #: ``early_stopping="auto"`` on smaller data, by the task of the
    #: targets: the squared error keeps rewarding a fit of the noise that
    #: accuracy ignores, so regressors and autoencoders let a held-out split
    #: choose the number of epochs ("refit"); classifiers let the training
    #: loss decide ("off").
    small_data_validation: MappingProxyType[str, Mode] = field(
        default_factory=lambda: MappingProxyType(
            {
                "binary": "off",
                "multiclass": "off",
                "multilabel": "off",
                "regression": "refit",
                "reconstruction": "refit",
            }
        )
    )

    #: Share held out to choose the number of epochs in "refit" mode: the
    #: final model trains on all the data, so a larger split costs nothing
    #: and makes the choice less noisy ...
    refit_validation_fraction: float = 0.2
    #: ... and the held-out samples it needs to be tried at all (fewer: the
    #: training loss decides).
    min_refit_validation_samples: int = 20

    #: The convergence test waits at least this many weight updates without
    #: progress: on small data an epoch is one or two updates, too few to
    #: cross a plateau of the loss.
    min_updates_without_progress: int = 1000
    #: Before stopping for lack of progress, the learning rate is divided by
    #: 5 this many times (each time followed by a new wait).
    lr_reductions: int = 2

    #: ``weight_decay="auto"`` (NumPy estimators) is
    #: ``min(max_decay, decay_samples / n_samples)``. Shrinking every weight
    #: by d per change is a gradient step on an L2 penalty of d / (2 eps) on
    #: the mean error: falling as 1 / n, it is a fixed prior on the summed
    #: error, which matters less as the data grow (on the quality
    #: benchmark's 160,000 rows it changes nothing; on its small sets it
    #: keeps the logistic units from overfitting), and the cap keeps small
    #: data from shrinking the weights by more than 0.1 % a change.
    decay_samples: float = 10.0
    max_decay: float = 1e-3

    #: An autoencoder started on the PCA path (``init="pca"``, NumPy
    #: backend): eps is capped at this share of the largest step that eq. 9
    #: takes stably from the start (``2 (1 + alpha)`` over a bound of the
    #: error's curvature there). Squashing units carry the principal
    #: coordinates in their near-linear range with large weights out, a start
    #: far stiffer than a random one: at eps=0.05 the first epoch leaves it
    #: (1.1-8.8x PCA's test error on a 30-feature set, issue 23).
    stable_step_share: float = 0.5

    # ``init_range="auto"`` (NumPy estimators): each layer's weights uniform
    # in ±2/sqrt(fan_in), so that every unit's net input has the same spread
    # whatever the number of its inputs. The engine draws them
    # (``AUTO_INIT_SCALE`` of the NumPy engine); the estimators pass "auto".


#: The rules the estimators apply.
AUTO = AutoRules()


def batch_size(param: int | str | None, n_samples: int, rules: AutoRules = AUTO) -> int:
    """Samples per change of the weights for the ``batch_size`` parameter."""
    if param is None:
        return n_samples
    if param == "auto":
        return min(rules.batch_size, n_samples)
    return min(int(param), n_samples)


def validation_mode(
    early_stopping: bool | str,
    n_samples: int,
    task: str,
    *,
    incremental: bool,
    continuing: bool,
    given: bool = False,
    rules: AutoRules = AUTO,
) -> Mode:
    """How the fit uses a validation split (see :data:`Mode`); ``given``:
    ``fit`` was given validation rows, which early stopping then uses."""
    if incremental:
        return "off"  # partial_fit trains one epoch on what it is given
    if given:
        return "holdout"  # as HistGradientBoosting: "auto" or True stop on them
    if early_stopping == "auto":
        if n_samples >= rules.holdout_from_samples:
            return "holdout"
        held_out = n_samples * rules.refit_validation_fraction
        if continuing or held_out < rules.min_refit_validation_samples:
            return "off"  # too few samples to judge epochs on: the loss decides
        return rules.small_data_validation[task]
    return "holdout" if early_stopping else "off"


def weight_decay(param: float | str, n_samples: int, rules: AutoRules = AUTO) -> float:
    """The decay per change for the ``weight_decay`` parameter."""
    if isinstance(param, str):  # "auto"
        return min(rules.max_decay, rules.decay_samples / n_samples)
    return param


def default_callbacks(
    plan: TrainingPlan,
    *,
    n_iter_no_change: int,
    tol: float,
    verbose: int,
    rules: AutoRules = AUTO,
) -> list[Callback]:
    """The convergence test (early stopping) and the printer of a plan."""
    defaults: list[Callback] = []
    if plan.exhausted not in ("partial_fit", "refit"):
        # Not for one epoch, nor for the number of epochs validation chose.
        defaults.append(
            EarlyStopping(
                monitor="validation_score" if plan.validation else "loss",
                patience=n_iter_no_change,
                min_delta=tol,
                restore_best=plan.validation is not None,
                min_updates=rules.min_updates_without_progress,
                lr_reductions=rules.lr_reductions,
            )
        )
    return defaults + ([Printer()] if verbose else [])
