"""The loss of a learning-rate sweep (:func:`rumelhart.find_learning_rate`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._common import _AxesDisplay

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..lr_finder import LRFinderResult


class LRFinderDisplay(_AxesDisplay):
    """The loss of a learning-rate sweep, with the suggested rate marked.

    Parameters
    ----------
    result : rumelhart.lr_finder.LRFinderResult
        What :func:`rumelhart.find_learning_rate` returned.
    """

    def __init__(self, result: LRFinderResult) -> None:
        self.result = result

    def _draw(self, ax: Axes) -> None:
        """Draw the smoothed loss against the learning rate."""
        r = self.result
        ax.plot(r.lrs, r.losses, alpha=0.3, label="loss")
        (self.line_,) = ax.plot(r.lrs, r.smoothed_losses, label="smoothed loss")
        self.marker_ = ax.axvline(
            r.suggestion,
            color="C3",
            linestyle="--",
            label=f"suggestion {r.param_name}={r.suggestion:.2g}",
        )
        ax.set_xscale("log")
        ax.set_xlabel(f"learning rate ({r.param_name})")
        ax.set_ylabel("loss")
        finite = r.smoothed_losses[np.isfinite(r.smoothed_losses)]
        if finite.size:
            top = min(finite.max(), 4 * finite.min() + 1e-12)
            ax.set_ylim(max(finite.min() * 0.9, 0), top * 1.1)
        ax.legend()
