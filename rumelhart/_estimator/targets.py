"""What the task part says about the network's outputs, and how they are measured.

The task parts (:mod:`rumelhart._classifier`, :mod:`rumelhart._regressor`,
:mod:`rumelhart._autoencoder`) encode targets and return a
:class:`TargetSpec`; the held-out split is measured by plain functions built
from it (:func:`output_loss` here, the score from the task part), so that the
training loop never calls back into the estimator.
"""

from dataclasses import dataclass
from functools import partial
from typing import Any

from numpy.typing import NDArray

from .._math.temperature import calibrated_log_loss
from .._training import OutputMeasure
from .backends import reduced_loss


@dataclass(frozen=True)
class TargetSpec:
    """What the task part says about the network's outputs.

    ``task`` is ``"binary"``, ``"multiclass"``, ``"multilabel"``,
    ``"regression"`` or ``"reconstruction"``; ``loss`` and
    ``output_activation`` are checked together by the engines' loss table
    (``check_output``).
    """

    task: str
    loss: str
    output_activation: str
    n_outputs: int
    dead_zone: float = 0.0
    #: The loss's parameter per output (the Huber loss's delta), or None.
    loss_param: tuple[float, ...] | None = None
    #: The outputs are quantiles of one target, one level each (a list of
    #: quantiles): predictions are sorted by level on every row.
    quantile_columns: bool = False


def calibrated_loss(target: TargetSpec) -> OutputMeasure:
    """The cross-entropy of a classifier's outputs at their best
    temperature (``scoring="calibrated_loss"``), as a plain function of
    ``(outputs, Y, sample_weight)``; the outputs of logistic units trained
    on the squared error are probabilities too."""
    return partial(calibrated_log_loss, output_activation=target.output_activation)


def output_loss(target: TargetSpec, reduction: str) -> OutputMeasure:
    """The training loss of network outputs, as a plain function of
    ``(outputs, Y, sample_weight)`` (the validation split's loss)."""

    def loss(
        outputs: NDArray[Any], Y: NDArray[Any], sample_weight: NDArray[Any] | None
    ) -> float:
        return float(
            reduced_loss(
                target.loss,
                target.output_activation,
                outputs,
                Y,
                sample_weight,
                reduction,
                target.dead_zone,
                target.loss_param,
            )
        )

    return loss
