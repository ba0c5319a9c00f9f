"""Memory a network will need, checked before anything is allocated.

A request such as ``hidden_layer_sizes=(10**5, 10**5)`` would otherwise run
into the allocator deep inside the engine (or swap for minutes); here it
fails at once with the estimated size.
"""

import itertools
import os

#: Copies of the weights a fit keeps: the weights, the optimizer's state
#: (velocities; Adam's two moments), the gradients, a best-epoch snapshot.
_WEIGHT_COPIES = 6

#: Work arrays per unit and row of a batch: activations, deltas, scratch.
_WORK_COPIES = 3


def estimate_fit_bytes(layer_sizes, batch_rows, itemsize):
    """Bytes of weights, optimizer state and batch work arrays of a fit.

    Parameters
    ----------
    layer_sizes : tuple of int
        Units per layer, inputs first.
    batch_rows : int
        Rows processed at once (the batch, or the engine's chunk of it).
    itemsize : int
        Bytes per number (4 for float32, 8 for float64).

    Returns
    -------
    n_weights : int
    n_bytes : int
    """
    n_weights = sum(
        (n_in + 1) * n_out for n_in, n_out in itertools.pairwise(layer_sizes)
    )
    units = sum(layer_sizes[1:])
    n_bytes = itemsize * (
        _WEIGHT_COPIES * n_weights
        + _WORK_COPIES * batch_rows * units
        + batch_rows * layer_sizes[0]
    )
    return n_weights, n_bytes


def _cgroup_room():
    """Bytes left under this process's cgroup (v2) memory limit, or None."""
    try:
        with open("/sys/fs/cgroup/memory.max") as f:
            limit = f.read().strip()
        with open("/sys/fs/cgroup/memory.current") as f:
            used = int(f.read())
    except (OSError, ValueError):
        return None
    return None if limit == "max" else max(int(limit) - used, 0)


def available_host_memory():
    """Bytes of memory available to this process, or None if unknown."""
    room = None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    room = int(line.split()[1]) * 1024
                    break
    except OSError:
        try:
            room = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            room = None
    cgroup = _cgroup_room()
    if cgroup is not None:
        room = cgroup if room is None else min(room, cgroup)
    return room


def check_fit_memory(layer_sizes, batch_rows, itemsize, available, where):
    """Raise ``MemoryError`` when a fit cannot fit in ``available`` bytes.

    ``where`` names the memory (``"memory"``, ``"memory of cuda:0"``) in
    the message; nothing is checked when ``available`` is None.
    """
    n_weights, needed = estimate_fit_bytes(layer_sizes, batch_rows, itemsize)
    if available is None or needed <= available:
        return
    raise MemoryError(
        f"This network needs about {needed / 2**30:.3g} GiB ({n_weights:,} weights "
        f"for layer sizes {tuple(layer_sizes)}, and work arrays for batches of "
        f"{batch_rows} rows), but only {available / 2**30:.3g} GiB of {where} is "
        "available. Use fewer or smaller hidden layers, or a smaller batch_size."
    )
