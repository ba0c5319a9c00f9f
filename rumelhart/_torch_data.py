"""torch Datasets and DataLoaders as estimator input.

In-memory arrays are the fast path: the torch engine moves them to the
device once and slices a permuted tensor per batch. A user who already has a
``torch.utils.data.Dataset`` (or a ``DataLoader``) can pass it instead; it is
read once, through a ``DataLoader``, into arrays, and training then takes
the fast path. Reading item by item in every epoch, as a DataLoader loop
does, would cost more than the training itself for the networks built here.

Nothing here imports torch: a torch object can only exist if torch has been
imported already.
"""

import sys

import numpy as np

#: Items collated per batch while a Dataset is read.
_READ_BATCH_SIZE = 4096


def is_torch_data(obj):
    """Whether ``obj`` is a torch ``Dataset`` or ``DataLoader``."""
    torch = sys.modules.get("torch")
    data = getattr(getattr(torch, "utils", None), "data", None)
    if data is None:
        return False
    return isinstance(obj, (data.Dataset, data.DataLoader))


def _to_numpy(part):
    """A collated batch part as an array (tensors, or tuples of labels)."""
    if hasattr(part, "detach"):
        return part.detach().cpu().numpy()
    return np.asarray(part)


def _split_batch(batch, kind):
    """``(x, y)`` of a collated batch; ``y`` is None for inputs-only items."""
    if isinstance(batch, (tuple, list)):
        if len(batch) == 2:
            return batch[0], batch[1]
        if len(batch) == 1:
            return batch[0], None
        raise ValueError(
            f"The items of the torch {kind} must be x or (x, y) pairs; got "
            f"tuples of {len(batch)} elements."
        )
    if isinstance(batch, dict):
        raise ValueError(
            f"The items of the torch {kind} must be x or (x, y) pairs; got "
            f"dicts with keys {sorted(batch)}."
        )
    return batch, None


def dataset_to_arrays(data, y=None, *, fitting=True):
    """Read a torch Dataset or DataLoader into ``(X, y)`` arrays.

    Parameters
    ----------
    data : torch.utils.data.Dataset or torch.utils.data.DataLoader
        Items are ``x`` (a 1-D tensor or array of features) or ``(x, y)``
        pairs. A Dataset is read in order, in batches, by a ``DataLoader``;
        a DataLoader is iterated once as it is.
    y : array-like or None
        The targets, for a Dataset whose items are inputs only. Must be None
        when the items are ``(x, y)`` pairs.
    fitting : bool, default=True
        Whether targets are needed. At prediction the ``y`` of pairs is
        ignored.

    Returns
    -------
    X : ndarray of shape (n_samples, ...)
    y : ndarray or None
    """
    from torch.utils.data import DataLoader

    kind = type(data).__name__
    loader = data
    if not isinstance(data, DataLoader):
        loader = DataLoader(data, batch_size=_READ_BATCH_SIZE, shuffle=False)
    xs, ys = [], []
    for batch in loader:
        x_part, y_part = _split_batch(batch, kind)
        xs.append(_to_numpy(x_part))
        if y_part is not None:
            ys.append(_to_numpy(y_part))
    if not xs:
        raise ValueError(f"The torch {kind} yielded no samples.")
    X = np.concatenate(xs)
    if not fitting:
        return X, None
    if ys and y is not None:
        raise ValueError(
            f"y was passed, but the torch {kind} already yields (x, y) pairs; "
            "pass y=None to use the Dataset's targets."
        )
    if y is None:
        if not ys:
            raise ValueError(
                f"The torch {kind} yields inputs only, so its targets are "
                "missing: pass y, or make its items (x, y) pairs."
            )
        y = np.concatenate(ys)
    return X, y
