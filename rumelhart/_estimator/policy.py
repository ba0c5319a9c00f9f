"""The "auto" rules: what a parameter left at ``"auto"`` becomes.

Every rule is one entry of :class:`AutoRules` (its value and why), applied by
one small function below; :data:`AUTO` is the table the estimators use. To
change a default, change its entry (and the user guide's "Defaults and
stopping", which gives the benchmark figures behind each value).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Literal

import numpy as np

from .._training import Printer, TrainingPlan, steps_per_epoch
from ..callbacks import Callback, EarlyStopping, ParamScheduler
from ..schedules import LinearDecay

#: The tasks of class labels (``TargetSpec.task``), which share their rules.
CLASSIFICATION = ("binary", "multiclass", "multilabel")

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
    #: ... or, per task of the targets, from these (a task not named here:
    #: ``holdout_from_samples``).
    holdout_from_task_samples: Mapping[str, int] = field(
        default_factory=lambda: MappingProxyType({})
    )

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

    #: ``early_stopping="auto"`` below ``holdout_from_samples``, by the loss
    #: (before the task's rules): none by default.
    small_data_loss_validation: Mapping[str, Mode] = field(
        default_factory=lambda: MappingProxyType({})
    )

    #: A stop on a held-out split waits at least this share of the epochs
    #: run up to the last improvement (``EarlyStopping``'s
    #: ``patience_growth``): a long descent with plateaus keeps training,
    #: and a loss past its minimum stops within a fixed share of the epochs
    #: already spent. 0: a fixed patience.
    patience_growth: float = 0.0

    #: ``lr="auto"`` (torch classifier and regressor) in ``fit``: ten times
    #: Adam's usual 1e-3. Their fit stops on a held-out split, keeps the
    #: best epoch and divides the rate by 5 twice before stopping, so a
    #: fast start costs no accuracy at the end; and 1e-3 was too slow to
    #: carve many boundaries in 500 epochs (checkerboard_4: 0.63 at 1e-3,
    #: 0.74 at 3e-3, 0.87 at 1e-2, scikit-learn's MLP 0.71) ...
    torch_fit_lr: float = 1e-2
    #: ... and in ``partial_fit``, Adam's 1e-3: one epoch a call, with no
    #: split, no best epoch and no reductions to end the run on a smaller
    #: step (dask-ml's Incremental, 8 blocks x 10 passes: 0.607 at 1e-2,
    #: 0.629 at 1e-3, scikit-learn's MLP 0.621).
    torch_partial_fit_lr: float = 1e-3

    #: Share held out to choose the number of epochs in "refit" mode: the
    #: final model trains on all the data, so a larger split costs nothing
    #: and makes the choice less noisy ...
    refit_validation_fraction: float = 0.2
    #: ... and the samples that share of the rows must reach for a split
    #: ("refit" or "holdout", by ``small_data_validation``) to be tried at
    #: all below ``holdout_from_samples`` (fewer: the training loss decides).
    min_validation_samples: int = 20
    #: ... or, per task of the targets, these. An autoencoder started on
    #: the PCA path leaves it only on a paired test of the held-out rows
    #: (``leave_start_z``), so a smaller split is safe: it can only keep the
    #: start. Trained to convergence instead, a ``(64, k, 64)`` network fits
    #: the noise of a few dozen rows (torch, airquality's 77: 1.094x PCA's
    #: test error; refitted on 16 held-out rows, 1.000x or below in all six
    #: cells of two splits).
    min_validation_by_task: Mapping[str, int] = field(
        default_factory=lambda: MappingProxyType({"reconstruction": 10})
    )
    #: The second run of "refit" keeps the rate for the first 3/4 of its
    #: epochs and brings it down in a straight line over the last quarter
    #: (:class:`~rumelhart.schedules.LinearDecay`). At a constant eps=0.05,
    #: alpha=0.9 a regressor's training loss jumps between epochs (Boston
    #: housing, one fold: R^2 on the training rows from -0.65 to 0.94 between
    #: epochs 400 and 860), so the epoch the first run chose, a good one
    #: there, lands anywhere in the second run: R^2 0.749 and, with another
    #: seed, 0.621 (five folds; scikit-learn's MLP 0.830). Ending on a descent
    #: gives 0.852 and 0.864, and changes the other small regression tasks of
    #: the tuning half by -0.009 to +0.033. 0: a constant rate.
    refit_decay_share: float = 0.25
    #: "refit" trains as many epochs as the best of the first run's held-out
    #: scores after a running median over this many epochs (1: the raw
    #: best). The held-out loss of a small split is noisy from epoch to
    #: epoch, and the raw best often sits at the front of a plateau, where
    #: the second run, on other rows and ending on the decay above, can
    #: land on a far worse point: diabetes (442 rows), one fold, best raw
    #: epoch 21 of a plateau from 20 to 60, test R^2 0.026 after the
    #: refit, 0.36 to 0.43 trained 20 to 200 epochs. Over three seeds and
    #: folds of the 11 small regression tasks of the tuning half, a median
    #: of 5: diabetes 0.427 -> 0.463 R^2 (scikit-learn's MLP 0.455), Boston
    #: 0.853 -> 0.857, the others -0.001 to +0.003; without the decay
    #: instead, Boston fell to 0.613.
    refit_median_epochs: int = 5
    #: ... and only when that many epochs take at least this many weight
    #: updates; fewer, and the first run's best epoch (restored), the one
    #: the split validated, is kept. A second run that short ends inside
    #: the first epochs' transient (momentum still building), anywhere:
    #: Hitters (210 training rows, two updates an epoch) refitted for
    #: 4 to 7 epochs scored R^2 -0.48 to 0.22 on three folds of 15. Over
    #: three seeds and folds of the 9 small regression tasks of the tuning
    #: half: diabetes 0.463 -> 0.465, a college-costs task 0.897 -> 0.902,
    #: Sacramento house prices 0.662 -> 0.661, the others unchanged; on the
    #: reporting half, which showed the fault, Hitters 0.334 -> 0.460
    #: (scikit-learn's MLP 0.446).
    min_refit_updates: int = 100

    #: ``tol="auto"``: the least improvement of a held-out score that counts
    #: as progress (scikit-learn's MLP's ``tol``) ...
    tol: float = 1e-4
    #: ... and of the training loss, by the task of the targets (a task not
    #: named here: ``tol``).
    loss_tol_by_task: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType({})
    )

    #: The convergence test waits at least this many weight updates without
    #: progress: on small data an epoch is one or two updates, too few to
    #: cross a plateau of the loss.
    min_updates_without_progress: int = 1000
    #: Before stopping for lack of progress, the learning rate is divided by
    #: 5 this many times (each time followed by a new wait).
    lr_reductions: int = 2

    #: ``weight_decay="auto"`` is ``min(max_decay, decay_samples /
    #: n_samples)`` (the torch estimators: see ``TORCH_AUTO``); for the NumPy
    #: estimators on 16 inputs or more:
    #: Shrinking every weight by d per change is a gradient step on an L2
    #: penalty of d / (2 eps) on the mean error, n d / (2 eps) on the summed
    #: error: with d = c / n, a Gaussian prior of variance eps / c on every
    #: weight, worth c samples' error, whose pull fades against the data as
    #: they grow. c = 5 (sd 0.32 at eps=0.5). The cap keeps a tiny data
    #: set's prior from holding every weight near zero; at 1e-3 it bound
    #: below 5,000 rows, so small noisy tasks trained to the convergence
    #: test overfitted (tuning half: an orange-juice purchase task, 1,070
    #: rows, 80.1 % against the MLP's 81.9 %; products of input pairs, 1,100
    #: rows, 80.0 % against 85.9 %). At 3e-3: 82.4 % and 82.6 %, wine 97.8 ->
    #: 98.3 %, and over the 21 classification tasks below 10,000 rows the
    #: worst gap to the MLP -5.9 -> -3.3 points, the mean +1.19 -> +1.49
    #: (digits -0.23, penguins -0.29: one row). 1e-2 lost breast cancer
    #: (-1.05 points against the MLP). That prior shrank the biases too;
    #: once it spares them (``decay_intercepts=False``) the cap can be
    #: 6e-3: the same 25 tasks of the tuning half within 0.4 points each
    #: (mean gap +1.93 -> +1.94), and on 17 fresh draws of the generated
    #: families (not in the corpus; 2 seeds) the mean gap +0.65 -> +1.18,
    #: the worst (products of input pairs, 700 rows) -5.4 -> -3.5 points.
    decay_samples: float = 5.0
    max_decay: float = 6e-3
    #: ... times ``n_features / decay_full_from_features`` on fewer inputs:
    #: the prior's variance follows the square of the first layer's initial
    #: range, ``(8/d) / (2/sqrt(d)) = 4/sqrt(d)`` times the other layers'
    #: rule below d = 16 (``init_range`` below). A sharp boundary on few
    #: inputs needs large first-layer weights, which a prior fit for many
    #: inputs forbids: at 0.1 % a change a 2-D checkerboard stayed at
    #: chance (51.7 %; 1 / n: 85.1 %; 5 / n times d / 16: 89.1 %, MLP
    #: 70.6 %), while smooth boundaries need the prior (Gaussian quantiles,
    #: 5-D: 94.5 %, MLP 94.55; 0.5 / n: 93.25; Hastie, 10-D: 95.85 %, MLP
    #: 95.84; 1 / n: 94.77). None: no such factor.
    decay_full_from_features: int | None = 16
    #: ... with another ``decay_samples`` for these losses (see NUMPY_AUTO
    #: and TORCH_AUTO): a loss trained on all rows to the convergence test
    #: needs the prior that stops a fit of the noise; one whose epochs a
    #: held-out split chooses needs less or none.
    decay_samples_by_loss: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType({})
    )
    #: ... and by the task of the targets, for the losses not named there:
    #: (``decay_samples``, ``decay_full_from_features``) of that task (see
    #: TORCH_AUTO).
    decay_by_task: Mapping[str, tuple[float, int | None]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    #: ``weight_decay="auto"`` is 0 for networks of these hidden units.
    undecayed_activations: frozenset[str] = frozenset()

    #: An autoencoder started on the PCA path (``init="pca"``, NumPy
    #: backend): eps is capped at this share of the largest step that eq. 9
    #: takes stably from the start (``2 (1 + alpha)`` over a bound of the
    #: error's curvature there). Squashing units carry the principal
    #: coordinates in their near-linear range with large weights out, a start
    #: far stiffer than a random one: at eps=0.05 the first epoch leaves it
    #: (1.1-8.8x PCA's test error on a 30-feature set, issue 23).
    stable_step_share: float = 0.5

    #: An autoencoder started on the PCA path leaves its start (when
    #: ``"refit"`` chooses the epochs) only when the best epoch's
    #: reconstruction error on the held-out split is below the start's by
    #: more than this many standard errors of the paired per-row difference.
    #: That best epoch is the best of up to ``max_iter`` candidates on the
    #: same rows, so its z is the maximum of many: a z of 2, one test's 2.3 %
    #: one-sided, is what some 20 candidates with no gain at all reach by
    #: chance (sqrt(2 ln 20) = 2.45). 3 holds the chance of leaving for
    #: nothing near 5 % for up to 40 effectively distinct epochs (Bonferroni:
    #: 0.05 / 40 is 3.0 standard errors). Measured on the autoencoder
    #: benchmark's 24 sets and code sizes (torch ``(64, k, 64)``) over eight
    #: 70/30 splits, 192 cells: at 1.25 (the rule before) 5 of 96 cells of
    #: four splits ended above PCA's test error (up to 1.031x), at 2 and 2.5
    #: one each (1.030x, wine on 25 held-out rows), at 3 none of 192; the
    #: cells more than 1 % below PCA went from 52 of 96 to 33 (68 of 192).
    #: Holding out a second part of the split to confirm the chosen epoch
    #: on rows that did not choose it (an honest test at 2) still left one
    #: cell above and kept only 36 of 96 below: halving the split halves
    #: the power of both the choice and the test.
    leave_start_z: float = 3.0

    # ``init_range="auto"`` (NumPy estimators): each layer's weights uniform
    # in ±2/sqrt(fan_in), so that every unit's net input has the same spread
    # whatever the number of its inputs, the first layer's at least
    # ±8/n_features, sharp enough for few inputs. The engine draws them
    # (``AUTO_INIT_SCALE`` and ``AUTO_FIRST_LAYER_SCALE`` of the NumPy
    # engine, with the reasons); the estimators pass "auto".


#: The rules every backend starts from.
AUTO = AutoRules()

#: The NumPy estimators' rules: the paper's logistic units and eq. 9.
NUMPY_AUTO = replace(
    AUTO,
    # Regressors hold out a split from 2,000 rows: "refit" trains twice (the
    # second run as long as the first one's best epoch), a holdout once,
    # and 200 held-out rows choose the epoch about as well.
    holdout_from_task_samples=MappingProxyType({"regression": 2000}),
    # ... except with the log link, where the training loss decides below
    # 10,000 rows. Eq. 9 at the default eps ends on an iterate whose
    # deviance moves 1-3 % from epoch to epoch (the output level alone by
    # up to 5 % on a split, 18 % after "refit"), and a split of a few
    # hundred counts cannot tell those epochs apart: on 3 sets traced epoch
    # by epoch, the chosen one was 0.7-1.9 % worse on new rows than the
    # trajectory's best.
    # Training on all rows to the convergence test, which ends at eps / 25,
    # gave 1.005x MLPRegressor(loss="poisson")'s deviance on average over
    # 8 sets of 3,000 rows (holdout: 1.013x; max 1.017x against 1.031x) and
    # 1.037x against "refit"'s 1.044x (max 1.08x against 1.16x) on 6 sets
    # of 1,000; gamma's deviance was unchanged (0.47-0.63x GammaRegressor's
    # either way).
    small_data_loss_validation=MappingProxyType({"poisson": "off", "gamma": "off"}),
    # The classifiers follow their training loss below 10,000 rows, and at
    # eps=0.5 with the automatic decay its epoch-to-epoch noise on a plateau
    # exceeds 1e-4, so chance minima kept resetting the wait: digits took
    # twice the epochs once the decay cap rose to 3e-3. At 1e-3, over the 21
    # classification tasks below 10,000 rows of the tuning half: fit time
    # 58.0 -> 44.9 s (digits 5.85 -> 1.54 s), mean gap to scikit-learn's MLP
    # +1.49 -> +1.55 points, the worst unchanged.
    loss_tol_by_task=MappingProxyType(dict.fromkeys(CLASSIFICATION, 1e-3)),
    # RumelhartRegressor's weight_decay="auto": the classifiers' prior for
    # the log-link losses, which (above) train on all rows to the
    # convergence test, as the classifiers do; none for the losses whose
    # epochs a held-out split chooses. Count data of 3,000 rows, 3 inputs
    # (losses.py's generator, 4 tuning sets x 3 seeds): mean Poisson
    # deviance 1.78 % above the true mean's without a decay, 1.54 % with
    # this prior (d = 3.1e-5 at eps=0.05); at d = 3.1e-4 (the rule's d for
    # eps=0.5, a prior ten times as strong at eps=0.05) 3.06 %.
    decay_samples_by_loss=MappingProxyType(
        dict.fromkeys(["squared_error", "absolute_error", "huber", "quantile"], 0.0)
    ),
)

#: The torch estimators' rules. Their fit time is epochs (an epoch costs
#: what scikit-learn's does): a classifier's training loss keeps falling on
#: noisy data, so its stop never triggered (500 epochs on 10 of 25 tasks),
#: and "refit" trains twice; so a held-out split decides for the classifier
#: and the regressor, with a patience that grows with the epochs run, but
#: on the smallest data (the classifier; see min_validation_by_task below).
#: (The autoencoder keeps "refit".)
TORCH_AUTO = replace(
    AUTO,
    small_data_validation=MappingProxyType(
        {
            "binary": "holdout",
            "multiclass": "holdout",
            "multilabel": "holdout",
            "regression": "holdout",
            "reconstruction": "refit",
        }
    ),
    patience_growth=0.25,
    # With the log link, the training loss decides below 10,000 rows, as on
    # the NumPy backend (NUMPY_AUTO gives the reasons). Once the decay
    # below came in, a held-out tenth chose epochs worse than training on
    # all rows to the convergence test: count data of 3,000 rows (losses.py,
    # 4 sets x 5 seeds), mean Poisson deviance 2.75 % above the true mean's
    # with the split, 1.91 % without (scikit-learn's MLP: 1.79 %), and the
    # spread over seeds from 1.5-4.9 % to 1.5-2.5 %.
    small_data_loss_validation=MappingProxyType({"poisson": "off", "gamma": "off"}),
    # weight_decay="auto" (the regressor's default): 1 / n_samples, Adam's
    # L2 term on the mean loss, a Gaussian prior on every weight worth one
    # sample's error, fading as the data grow, at most 0.1 (below 10 rows).
    # The squared error keeps rewarding a fit of small data's noise: over
    # the 17 regression tasks of the tuning half, 1 / n lifted a smooth 6-D
    # surface of 600 rows from 0.789 to 0.825 R^2 (scikit-learn's MLP 0.833)
    # and Boston housing from 0.824 to 0.841, cost a 1-D rough surface 0.936
    # -> 0.906 (the MLP 0.904), and left the worst gap to the MLP at -0.007
    # instead of -0.044; 5 / n was too strong (the rough surface 0.61), and
    # the NumPy rule's d / 16 on few inputs left the surface at 0.813. The
    # classifier has its own rule (decay_by_task, below).
    decay_samples=1.0,
    max_decay=0.1,
    decay_full_from_features=None,
    # The log link trains on all rows to the convergence test below 10,000
    # rows (above): the NumPy prior, worth 5 samples. Over scikit-learn's
    # MLP, Poisson deviance on 17 real count sets (benchmarks/real_counts.py
    # --sets develop), mean 0.989 -> 0.920, worst 1.138 -> 0.999 (better on
    # 14); gamma deviance over GammaRegressor's on 9 real amounts
    # (real_amounts.py), mean 0.773 -> 0.681, worst 1.439 -> 0.969.
    decay_samples_by_loss=MappingProxyType({"poisson": 5.0, "gamma": 5.0}),
    # The classifier's weight_decay="auto" (the default since stop 31;
    # before, none): 2 / n_samples, times d / 16 on fewer than 16 inputs,
    # the NumPy rule's shape (decay_full_from_features) with 2 samples'
    # worth. Its fit stops on a held-out tenth, a few dozen rows on small
    # data, so where it stops decides how far the weights grow; a prior
    # bounds that for every stop. Over the 25 classification tasks of the
    # tuning half (benchmarks/quality.py, seed 0), against scikit-learn's
    # MLP: mean gap +1.14 -> +1.39 points, from the tasks with many inputs
    # or classes (many_classes +1.6 and +1.5, classification_20k +1.3,
    # mlc_churn +1.2, wine +1.1, digits +0.6); a 2-D checkerboard lost 1.7
    # (seeds 1, 2: 1.8 and 0.7; still 11-14 points above the MLP), and
    # Gaussian quantiles moved within their seed-to-seed spread (-0.45,
    # +0.35, -0.10). One sample's worth: mean +1.18; five: +1.27, the
    # checkerboard -4.7, moons -1.3. Without the d / 16 factor the
    # checkerboard fell from 0.87 to 0.77 (at 1 / n).
    decay_by_task=MappingProxyType(dict.fromkeys(CLASSIFICATION, (2.0, 16))),
    # That prior was chosen on rectifiers. With logistic hidden units it
    # left moons at 87.8 % against 94.2 % without it, and the sign of a sum
    # of products of input pairs at chance (52.5 % against 82.6 %; 3 folds,
    # seed 0): Adam's L2 term is added to gradients that a logistic unit's
    # slope (at most 1/4) keeps small, most of all at the start, where
    # such a task has no first-order signal, so the prior holds the network
    # at zero. tanh (slope 1) kept within a point either way. The
    # regressor's 1 / n_samples did the same to logistic units (3 folds,
    # seed 0, auto against 0.0): a 6-D sum of sines R² 0.32 against 0.88,
    # Boston 0.73 against 0.85, diabetes 0.49 against 0.47, Friedman 1 and
    # 2 within 0.002. So neither estimator decays logistic units by default.
    undecayed_activations=frozenset({"logistic"}),
    # With that prior, the classifier's training loss settles, and below
    # 500 rows (100 rows in a fifth) it trains on all of them to the
    # convergence test: a tenth held out is 12 to 50 rows, too few to tell
    # epochs apart, and a tenth of the rows lost. Three seeds and folds of
    # the tuning half, against scikit-learn's MLP: iris (120 training rows)
    # -1.78 -> +1.11 points, wine (142) -0.37 -> +0.37, penguins (275)
    # -0.68 -> -0.10, breast cancer (455) -0.82 -> +0.18, moons (480)
    # +0.06 -> -0.22. Above, the split mostly wins or ties (on all rows,
    # then held out): biopsy (559) +0.15 and +0.05, noisy labels (560) +0.85
    # and +0.14, orange-juice purchases (856) +0.22 and +0.84, products of
    # input pairs (880) -1.24 and -0.24.
    min_validation_by_task=MappingProxyType(
        {
            **dict.fromkeys(CLASSIFICATION, 100),
            "reconstruction": 10,
        }
    ),
    # ... where, as on the NumPy backend, a training loss that moves by more
    # than 1e-4 from epoch to epoch on its plateau (Adam at 1e-2 on 3
    # batches an epoch) kept resetting the wait: moons (480 training rows)
    # ran into max_iter=500 in 8 of 15 folds. At 1e-3: 180 epochs, 93.83 %
    # against 93.78 %; iris, wine, penguins unchanged, breast cancer 97.66
    # -> 97.60 % (one row in 15 folds).
    loss_tol_by_task=MappingProxyType(dict.fromkeys(CLASSIFICATION, 1e-3)),
)


def batch_size(param: int | str | None, n_samples: int, rules: AutoRules = AUTO) -> int:
    """Samples per change of the weights for the ``batch_size`` parameter."""
    if param is None:
        return n_samples
    if param == "auto":
        return min(rules.batch_size, n_samples)
    return min(int(param), n_samples)


def torch_lr(
    param: float | str, *, incremental: bool, rules: AutoRules = AUTO
) -> float:
    """The learning rate for the torch ``lr`` parameter (``"auto"``: by
    whether the call is ``fit`` or ``partial_fit``)."""
    if param == "auto":
        return rules.torch_partial_fit_lr if incremental else rules.torch_fit_lr
    return float(param)


def convergence_tol(
    param: float | str, task: str, *, held_out: bool, rules: AutoRules = AUTO
) -> float:
    """The least improvement that counts as progress for the ``tol``
    parameter, on a held-out score or (``held_out=False``) the training loss
    of a ``task``."""
    if param != "auto":
        return float(param)
    if held_out:
        return rules.tol
    return rules.loss_tol_by_task.get(task, rules.tol)


def validation_mode(
    early_stopping: bool | str,
    n_samples: int,
    task: str,
    *,
    incremental: bool,
    continuing: bool,
    given: bool = False,
    rules: AutoRules = AUTO,
    loss: str | None = None,
) -> Mode:
    """How the fit uses a validation split (see :data:`Mode`); ``given``:
    ``fit`` was given validation rows, which early stopping then uses;
    ``loss``: the loss trained (rules by loss come before the task's)."""
    if incremental:
        return "off"  # partial_fit trains one epoch on what it is given
    if given:
        return "holdout"  # as HistGradientBoosting: "auto" or True stop on them
    if early_stopping == "auto":
        by_loss = rules.small_data_loss_validation.get(loss or "")
        if by_loss is not None and n_samples < rules.holdout_from_samples:
            return by_loss
        from_samples = rules.holdout_from_task_samples.get(
            task, rules.holdout_from_samples
        )
        if n_samples >= from_samples:
            return "holdout"
        held_out = n_samples * rules.refit_validation_fraction
        least = rules.min_validation_by_task.get(task, rules.min_validation_samples)
        if continuing or held_out < least:
            return "off"  # too few samples to judge epochs on: the loss decides
        return rules.small_data_validation[task]
    return "holdout" if early_stopping else "off"


def weight_decay(
    param: float | str,
    n_samples: float,
    rules: AutoRules = AUTO,
    n_features: int | None = None,
    loss: str | None = None,
    dispersion: float = 1.0,
    *,
    task: str | None = None,
    activation: str | None = None,
) -> float:
    """The decay for the ``weight_decay`` parameter on ``n_samples`` rows
    (as ``Rows.counted_rows`` counts them) of ``n_features`` inputs (None:
    many) trained on ``loss`` for a ``task``: the torch optimizer's, or eq.
    9's shrink per change at ``eps=0.5`` (the NumPy backend scales it to its
    ``eps``). ``dispersion`` (``dispersion.poisson_dispersion``) converts
    the prior, worth ``decay_samples`` samples' error, into deviance units:
    an overdispersed count is worth 1 / dispersion of the count the deviance
    assumes. ``activation``: the hidden units' (see
    ``AutoRules.undecayed_activations``)."""
    if isinstance(param, str):  # "auto"
        if activation in rules.undecayed_activations:
            return 0.0
        samples, full = rules.decay_by_task.get(
            task or "", (rules.decay_samples, rules.decay_full_from_features)
        )
        samples = rules.decay_samples_by_loss.get(loss or "", samples)
        few = 1.0 if n_features is None or full is None else n_features / full
        prior = min(rules.max_decay, samples / n_samples * min(1.0, few))
        return prior * dispersion
    return float(param)


def refit_epochs(scores: Sequence[float], rules: AutoRules = AUTO) -> int:
    """The epochs "refit" trains on all rows: the best of the first run's
    held-out ``scores`` after a running median over
    ``rules.refit_median_epochs`` epochs (the edges repeated)."""
    smoothed = np.asarray(scores, dtype=float)
    window = rules.refit_median_epochs
    if window > 1 and smoothed.size > window:
        padded = np.pad(smoothed, window // 2, mode="edge")
        windows = np.lib.stride_tricks.sliding_window_view(padded, window)
        smoothed = np.median(windows[: smoothed.size], axis=1)
    return int(np.argmax(smoothed)) + 1


def refit_is_settled(
    epochs: int, n_rows: int, batch_size: int, rules: AutoRules = AUTO
) -> bool:
    """Whether ``epochs`` epochs on ``n_rows`` rows in batches of
    ``batch_size`` (the first run's, up to the epoch it chose) take at least
    ``rules.min_refit_updates`` updates."""
    steps = steps_per_epoch(n_rows, batch_size)
    return epochs * steps >= rules.min_refit_updates


def default_callbacks(
    plan: TrainingPlan,
    *,
    n_iter_no_change: int,
    tol: float,
    verbose: int,
    rules: AutoRules = AUTO,
    lr: float | None = None,
) -> list[Callback]:
    """The convergence test (early stopping), the end of a refit's rate and
    the printer of a plan. ``lr``: the engine's rate, or None when the
    caller's callbacks schedule it (then theirs alone sets it)."""
    defaults: list[Callback] = []
    if plan.exhausted == "refit" and lr is not None and rules.refit_decay_share > 0:
        decay = LinearDecay(lr, max(plan.max_epochs, 1), rules.refit_decay_share)
        defaults.append(ParamScheduler(lr=decay))
    if plan.exhausted not in ("partial_fit", "refit"):
        # Not for one epoch, nor for the number of epochs validation chose.
        held_out = plan.validation is not None
        defaults.append(
            EarlyStopping(
                monitor="validation_score" if held_out else "loss",
                patience=n_iter_no_change,
                min_delta=tol,
                restore_best=held_out,
                min_updates=rules.min_updates_without_progress,
                lr_reductions=rules.lr_reductions,
                # The growing wait is for a held-out split, not for the
                # training loss's plateaus.
                patience_growth=rules.patience_growth if held_out else 0.0,
            )
        )
    return defaults + ([Printer()] if verbose else [])
