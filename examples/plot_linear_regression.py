"""
Gradient descent on y = 2x with one linear unit
===============================================

The smallest network there is: one input, one linear output unit, no hidden
layer. A classic first exercise in back-propagation is to fit ``y = 2x`` by
gradient descent, by hand in NumPy and then with ``torch.nn.Linear``,
``nn.MSELoss`` and ``torch.optim.SGD``, and check that ``f(5)`` comes out
close to 10. Here both are one estimator each:

* :class:`~rumelhart.RumelhartRegressor` with ``hidden_layer_sizes=()`` is a
  linear unit trained with eq. 9 of the paper;
* :class:`~rumelhart.TorchMLPRegressor` with ``hidden_layer_sizes=()`` is a
  single ``torch.nn.Linear`` trained by a torch optimizer.

Both keep the loss of every epoch in ``loss_curve_``.
"""

import os
import warnings
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from rumelhart import RumelhartRegressor, TorchMLPRegressor

matplotlib.use("Agg")
FIGURES = Path(os.environ.get("RUMELHART_FIGURES", "."))
FIGURES.mkdir(parents=True, exist_ok=True)

X = np.array([[1.0], [2.0], [3.0], [4.0]])
y = 2 * X.ravel()
X_test = np.array([[5.0]])

# %%
# Plain gradient descent, as by hand
# -----------------------------------
# No momentum (``alpha=0``), the raw targets (``scale_target=False``), weight
# and bias starting at 0, 100 sweeps: the tutorial's torch loop (``lr=0.01``
# on ``nn.MSELoss``, 100 steps, f(5) = 9.59 there). The library's error is
# the paper's E = ½ Σ (y - d)², half of ``MSELoss``, so ``eps=0.02`` takes the
# same steps as ``lr=0.01``.

by_hand = RumelhartRegressor(
    hidden_layer_sizes=(),
    scale_target=False,
    eps=0.02,
    alpha=0.0,
    init_range=0.0,  # start from w = 0, b = 0
    max_iter=100,
    tol=0.0,
    n_iter_no_change=100,
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)  # 100 sweeps on purpose
    by_hand.fit(X, y)
print(
    f"plain gradient descent, 100 sweeps: w = {by_hand.coefs_[0][0, 0]:.3f}, "
    f"b = {by_hand.intercepts_[0][0]:.3f}, f(5) = {by_hand.predict(X_test)[0]:.3f}"
)

# %%
# Momentum, and training to convergence
# -------------------------------------
# With momentum (eq. 9 of the paper, ``alpha``; ``momentum`` for torch's SGD)
# and standardised targets (``scale_target=True``, the default) the same unit
# converges in a hundred-odd epochs; training stops once the loss has not
# improved by ``tol`` for ``n_iter_no_change`` epochs.

numpy_reg = RumelhartRegressor(
    hidden_layer_sizes=(), eps=0.2, alpha=0.5, tol=1e-8, random_state=0
).fit(X, y)
torch_reg = TorchMLPRegressor(
    hidden_layer_sizes=(),
    optimizer="sgd",
    lr=0.2,
    momentum=0.5,
    batch_size=None,
    max_iter=1000,
    tol=1e-8,
    device="cpu",
    random_state=0,
).fit(X, y)
for name, reg in [("RumelhartRegressor", numpy_reg), ("TorchMLPRegressor", torch_reg)]:
    f5 = reg.predict(X_test)[0]
    print(f"{name}: f(5) = {f5:.3f} after {reg.n_iter_} epochs (true value 10)")

# %%
# Loss curves
# -----------
# ``loss_curve_`` holds the error of each epoch: the mean squared error on the
# raw targets for the first model, on the standardised targets for the other
# two (``scale_target=True``, the default).

fig, ax = plt.subplots(figsize=(6.5, 3.8))
ax.semilogy(by_hand.loss_curve_, label="plain gradient descent (raw y)")
ax.semilogy(numpy_reg.loss_curve_, label="RumelhartRegressor (scaled y)")
ax.semilogy(torch_reg.loss_curve_, label="TorchMLPRegressor (scaled y)")
ax.set_xlabel("epoch")
ax.set_ylabel("training loss")
ax.set_title("Fitting y = 2x with one linear unit")
ax.legend()
fig.tight_layout()
fig.savefig(FIGURES / "linear_regression_loss.png", dpi=100)
