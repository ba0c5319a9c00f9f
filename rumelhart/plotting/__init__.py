"""Plots of training: loss curves, diagnostics, LR finder, decision boundaries.

Display objects follow scikit-learn's convention: build one from a fitted
estimator with ``Display.from_estimator(...)`` (which plots), or construct it
from data and call ``.plot(ax=None)``; the figure is in ``figure_`` and the
axes in ``ax_``. ``from_estimator`` accepts a fitted ``Pipeline`` (its final
step is plotted) and a fitted search with ``best_estimator_``. matplotlib is
an optional extra: ``pip install 'rumelhart[plot]'``.
"""

# One module per subject; none imports matplotlib until something is drawn,
# so importing this package works without the extra.
from ._curves import LossCurveDisplay
from ._decision_boundary import plot_decision_boundary
from ._diagnostics import DiagnosticsDisplay
from ._hinton import HintonDisplay, plot_hinton_units
from ._lr_sweep import LRFinderDisplay

__all__ = [
    "DiagnosticsDisplay",
    "HintonDisplay",
    "LRFinderDisplay",
    "LossCurveDisplay",
    "plot_decision_boundary",
    "plot_hinton_units",
]
