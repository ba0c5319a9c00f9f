"""The paper's weight update (eq. 9) as a small optimizer on lists of arrays.

The NumPy engine keeps all its weights in one contiguous buffer (and its
gradients in another, laid out alike), so that one step is three or four
vectorised operations whatever the number of layers; :class:`FlatArrays` is
the list of views that carries that buffer. Plain lists of separate arrays
work as well, one array at a time.
"""

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from ..protocol import FloatArray


class FlatArrays(list[FloatArray]):
    """Arrays that are consecutive views, in list order, of one 1-D buffer.

    ``flat`` is the buffer. Copies (``copy.deepcopy``, pickle) keep the views
    views of the copied buffer.
    """

    def __init__(self, flat: FloatArray, shapes: Sequence[tuple[int, ...]]) -> None:
        sizes = [int(np.prod(s, dtype=np.int64)) for s in shapes]
        if sum(sizes) != flat.size or flat.ndim != 1:
            raise ValueError("the shapes must tile the 1-D buffer exactly")
        ends = np.cumsum(sizes)
        super().__init__(
            flat[end - size : end].reshape(shape)
            for size, end, shape in zip(sizes, ends, shapes)
        )
        self.flat = flat

    @classmethod
    def empty(cls, shapes: Sequence[tuple[int, ...]], dtype: DTypeLike) -> "FlatArrays":
        """Uninitialised arrays of ``shapes`` in one new buffer."""
        total = sum(int(np.prod(s, dtype=np.int64)) for s in shapes)
        return cls(np.empty(total, dtype), [tuple(s) for s in shapes])

    @classmethod
    def zeros_like(cls, arrays: Sequence[FloatArray]) -> "FlatArrays":
        """Zeros of the shapes and dtype of ``arrays``, in one new buffer."""
        flat = cls.empty([a.shape for a in arrays], arrays[0].dtype).flat
        flat.fill(0)
        return cls(flat, [a.shape for a in arrays])

    @classmethod
    def copy_of(
        cls, arrays: Sequence[Any], dtype: DTypeLike | None = None
    ) -> "FlatArrays":
        """A copy of ``arrays`` in one new buffer."""
        dtype = arrays[0].dtype if dtype is None else dtype
        new = cls.empty([np.shape(a) for a in arrays], dtype)
        for target, source in zip(new, arrays):
            target[...] = source
        return new

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_flat_arrays, (self.flat.copy(), [a.shape for a in self]))

    def __deepcopy__(self, memo: dict[int, Any]) -> "FlatArrays":
        return _rebuild_flat_arrays(self.flat.copy(), [a.shape for a in self])


def _rebuild_flat_arrays(
    flat: FloatArray, shapes: Sequence[tuple[int, ...]]
) -> FlatArrays:
    return FlatArrays(flat, shapes)


class Momentum:
    """Gradient descent with momentum, eq. 9 of Rumelhart et al. (1986).

    ``Δw(t) = -ε ∂E/∂w(t) + α Δw(t-1)``, then ``w += Δw(t)``. The velocity
    is the previous *change* of the weights (not the previous gradient), so
    the step is identical to ``torch.optim.SGD(lr=ε, momentum=α)``.
    With ``weight_decay`` every weight then shrinks by that fraction, as in
    the paper's family-trees experiment, or only the first ``decayed``
    arrays of ``params`` (a network's coefficients, ahead of its biases).
    ``lr`` and ``momentum`` are read at every step, so they can be changed
    between steps.

    Parameters
    ----------
    params : list of ndarray
        The arrays to update in place. A :class:`FlatArrays` is updated as
        one array, and its velocities share one buffer too.
    lr : float
        The learning rate ε.
    momentum : float
        The momentum α.
    weight_decay : float, default=0.0
        Fraction by which every weight shrinks after each change.
    decayed : int or None, default=None
        How many of the leading arrays of ``params`` shrink (None: all).
    """

    def __init__(
        self,
        params: list[FloatArray],
        lr: float,
        momentum: float,
        weight_decay: float = 0.0,
        decayed: int | None = None,
    ) -> None:
        self.params = params
        self.lr = lr
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.decayed = decayed
        self.velocities: list[FloatArray]
        if isinstance(params, FlatArrays):
            self.velocities = FlatArrays.zeros_like(params)
        else:
            self.velocities = [np.zeros_like(p) for p in params]

    def _triples(
        self, grads: Sequence[FloatArray]
    ) -> Iterable[tuple[FloatArray, FloatArray, FloatArray]]:
        params, velocities = self.params, self.velocities
        if (
            isinstance(params, FlatArrays)
            and isinstance(velocities, FlatArrays)
            and isinstance(grads, FlatArrays)
            and params.flat.shape == grads.flat.shape == velocities.flat.shape
            and len(params) == len(grads) == len(velocities)
        ):
            return ((params.flat, velocities.flat, grads.flat),)
        return zip(params, velocities, grads)

    def step(self, grads: Sequence[FloatArray], *, scaled: bool = False) -> None:
        """Apply one change given ``grads`` (overwritten as scratch space).

        With ``scaled=True``, ``grads`` already hold ``-lr * dE/dw`` (the
        engine folds the learning rate into its backward pass), which saves
        a pass over the weights.
        """
        shrink = 1.0 - self.weight_decay
        momentum = self.momentum
        for param, velocity, grad in self._triples(grads):
            if scaled:
                if momentum:
                    velocity *= momentum
                    velocity += grad
                else:
                    velocity[...] = grad
            else:
                velocity *= momentum
                grad *= self.lr
                velocity -= grad
            param += velocity
        if shrink != 1.0:
            for param in self._decaying():
                param *= shrink

    def _decaying(self) -> Sequence[FloatArray]:
        """The parts of the weights that weight decay shrinks."""
        params, decayed = self.params, self.decayed
        if decayed is None:
            return (params.flat,) if isinstance(params, FlatArrays) else params
        if isinstance(params, FlatArrays):
            size = sum(array.size for array in params[:decayed])
            return (params.flat[:size],)
        return params[:decayed]

    def __getstate__(self) -> dict[str, Any]:
        # Plain lists of arrays, so that persistence formats that rebuild
        # objects attribute by attribute (skops) need no knowledge of
        # FlatArrays; __setstate__ puts them back into one buffer each.
        state = self.__dict__.copy()
        state["flat"] = isinstance(self.params, FlatArrays)
        state["params"] = [np.asarray(p) for p in self.params]
        state["velocities"] = [np.asarray(v) for v in self.velocities]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        state.setdefault("decayed", None)  # pickled before it existed
        if state.pop("flat", False):
            state["params"] = FlatArrays.copy_of(state["params"])
            state["velocities"] = FlatArrays.copy_of(state["velocities"])
        self.__dict__.update(state)

    def reset(self) -> None:
        """Forget the previous change (a fresh start of eq. 9)."""
        if isinstance(self.velocities, FlatArrays):
            self.velocities.flat.fill(0)
        else:
            for velocity in self.velocities:
                velocity.fill(0)
