"""Every public method documents each parameter of its signature.

Many methods take their ``Parameters`` section from shared entries
(``rumelhart._docstrings.with_parameters``); this checks the assembled
docstrings against the signatures, so that an entry left out of a method, or
a section that failed to be inserted, is seen.
"""

import inspect
import re
import subprocess
import sys

import pytest

import rumelhart
from rumelhart import callbacks, plotting
from rumelhart._docstrings import with_parameters, with_raises
from rumelhart.lr_finder import LRFinderResult

CLASSES = [
    rumelhart.RumelhartClassifier,
    rumelhart.RumelhartRegressor,
    rumelhart.RumelhartAutoencoder,
    rumelhart.TorchMLPClassifier,
    rumelhart.TorchMLPRegressor,
    rumelhart.TorchAutoencoder,
    rumelhart.NamedColumns,
    plotting.LossCurveDisplay,
    plotting.DiagnosticsDisplay,
    plotting.LRFinderDisplay,
    plotting.HintonDisplay,
    LRFinderResult,
    callbacks.ActivationRecorder,
    callbacks.GradientRecorder,
]

METHODS = [
    "fit",
    "partial_fit",
    "fit_transform",
    "predict",
    "predict_proba",
    "predict_log_proba",
    "score",
    "transform",
    "inverse_transform",
    "plot",
    "from_estimator",
]


def _documented(doc):
    """Names of the entries of a numpydoc ``Parameters`` section."""
    section = r"^Parameters\n-+\n(.*?)(?=^\S[^\n]*\n-{3,}$|\Z)"
    match = re.search(section, doc, re.S | re.M)
    assert match, "no Parameters section"
    names = set()
    for line in match.group(1).splitlines():
        if line and not line[0].isspace():
            head = line.split(" : ")[0]
            names.update(name.strip().lstrip("*") for name in head.split(","))
    return names


def _cases():
    for cls in CLASSES:
        for name in METHODS:
            if callable(getattr(cls, name, None)):
                yield pytest.param(cls, name, id=f"{cls.__name__}.{name}")
        if "\nParameters\n" in inspect.getdoc(cls):  # not a dataclass's Attributes
            yield pytest.param(cls, "__init__", id=f"{cls.__name__}")


@pytest.mark.parametrize(("cls", "name"), list(_cases()))
def test_every_parameter_is_documented(cls, name):
    function = getattr(cls, name)
    doc = inspect.getdoc(cls if name == "__init__" else function)
    parameters = [
        p.name
        for p in inspect.signature(function).parameters.values()
        if p.name not in ("self", "cls")
    ]
    if not parameters:
        return
    missing = set(parameters) - _documented(doc)
    assert not missing, f"{cls.__name__}.{name} does not document {sorted(missing)}"


def test_shared_entries_land_before_the_first_section():
    @with_parameters("x : int\n    A number.\n")
    def double(x):
        """Twice ``x``.

        Returns
        -------
        int
        """
        return 2 * x

    assert inspect.getdoc(double) == (
        "Twice ``x``.\n\nParameters\n----------\nx : int\n    A number.\n\n"
        "Returns\n-------\nint"
    )


def test_a_docstring_without_sections_is_refused():
    def bare(x):
        """Nothing but a summary."""

    with pytest.raises(ValueError, match="bare's docstring has no section"):
        with_parameters("x : int\n    A number.\n")(bare)


def test_shared_errors_land_before_the_examples():
    @with_raises("ValueError\n    If ``x`` is negative.\n")
    def root(x):
        """Square root of ``x``.

        Returns
        -------
        float

        Examples
        --------
        >>> root(4.0)
        2.0
        """
        return x**0.5

    assert inspect.getdoc(root) == (
        "Square root of ``x``.\n\nReturns\n-------\nfloat\n\n"
        "Raises\n------\nValueError\n    If ``x`` is negative.\n\n"
        "Examples\n--------\n>>> root(4.0)\n2.0"
    )


def test_a_docstring_without_examples_is_refused_its_errors():
    def bare(x):
        """Nothing but a summary.

        Returns
        -------
        float
        """

    with pytest.raises(ValueError, match="bare's docstring has no Examples"):
        with_raises("ValueError\n    Never.\n")(bare)


def test_the_package_imports_without_docstrings():
    # python -OO strips docstrings: the shared sections must not need them.
    code = "import rumelhart, rumelhart.plotting, rumelhart.lr_finder"
    result = subprocess.run(
        [sys.executable, "-OO", "-c", code], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
