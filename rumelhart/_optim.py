"""The paper's weight update (eq. 9) as a small optimizer on lists of arrays."""

import numpy as np


class Momentum:
    """Gradient descent with momentum, eq. 9 of Rumelhart et al. (1986).

    ``Δw(t) = -ε ∂E/∂w(t) + α Δw(t-1)``, then ``w += Δw(t)``. The velocity
    is the previous *change* of the weights (not the previous gradient), so
    the step is identical to ``torch.optim.SGD(lr=ε, momentum=α)``.
    With ``weight_decay`` every weight then shrinks by that fraction, as in
    the paper's family-trees experiment.

    Parameters
    ----------
    params : list of ndarray
        The arrays to update in place.
    lr : float
        The learning rate ε.
    momentum : float
        The momentum α.
    weight_decay : float, default=0.0
        Fraction by which every weight shrinks after each change.
    """

    def __init__(self, params, lr, momentum, weight_decay=0.0):
        self.params = params
        self.lr = lr
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.velocities = [np.zeros_like(p) for p in params]

    def step(self, grads):
        """Apply one change given ``grads`` (overwritten as scratch space)."""
        shrink = 1.0 - self.weight_decay
        for param, velocity, grad in zip(self.params, self.velocities, grads):
            velocity *= self.momentum
            grad *= self.lr
            velocity -= grad
            param += velocity
            if shrink != 1.0:
                param *= shrink

    def reset(self):
        """Forget the previous change (a fresh start of eq. 9)."""
        for velocity in self.velocities:
            velocity.fill(0)
