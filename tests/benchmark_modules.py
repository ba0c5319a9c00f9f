"""Import the scripts of ``benchmarks/`` as ``python benchmarks/x.py`` does.

The benchmarks are scripts, not a package: each imports its siblings by
their bare names (``from contenders import ...``), which works because
Python puts the script's folder first on the path. The tests do the same,
for as long as a test module needs them.
"""

import contextlib
import importlib
import pathlib
import sys
from types import SimpleNamespace

BENCHMARKS = pathlib.Path(__file__).resolve().parents[1] / "benchmarks"
SIBLINGS = [
    "contenders",
    "timing",
    "memory",
    "targets",
    "report",
    "run",
    "corpus_generated",
    "corpus_real",
    "corpus_split",
    "quality_sets",
    "quality_contenders",
    "time_to_accuracy",
    "quality",
    "losses",
    "family_trees",
    "autoencoders",
    "autoencoder_features",
]


@contextlib.contextmanager
def benchmark_modules(*names):
    """The named modules of ``benchmarks/`` as attributes of a namespace.

    On exit every module of ``benchmarks/`` is forgotten again, so that
    their generic names (``run``, ``report``...) do not linger.
    """
    sys.path.insert(0, str(BENCHMARKS))
    try:
        yield SimpleNamespace(**{n: importlib.import_module(n) for n in names})
    finally:
        sys.path.remove(str(BENCHMARKS))
        for name in SIBLINGS:
            sys.modules.pop(name, None)
