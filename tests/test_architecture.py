"""The architecture is enforced, not only described.

``docs/architecture.md`` lists every module of the package in its module
table, and the import rules it states hold in the source: the engines and
the math know nothing of scikit-learn or the estimators, torch is imported
only where the table allows it, and nothing imports upward. The rules are
read from the abstract syntax tree of each module (imports inside functions
count too), so a lazy import cannot slip past them. So are the sizes: no
class body over 300 lines, no function body over 60 (docstring excluded,
issue 20's measure).
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "rumelhart"
ARCHITECTURE = ROOT / "docs" / "architecture.md"


def _module_name(path, root=ROOT):
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path, root=ROOT):
    """Absolute names of every module ``path`` imports, anywhere in it."""
    module = _module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module
            names.add(stem)
            names.update(f"{stem}.{alias.name}" for alias in node.names)
    return names


MODULES = sorted(PACKAGE.rglob("*.py"))
SHIMS = {"rumelhart._base", "rumelhart._numpy_engine", "rumelhart._torch_engine"}
SHIMS |= {"rumelhart._optim"}
ESTIMATOR_LAYER = (
    "rumelhart._estimator",
    "rumelhart._classifier",
    "rumelhart._regressor",
    "rumelhart._autoencoder",
    "rumelhart.rumelhart_mlp",
    "rumelhart.torch_mlp",
)
PUBLIC_ESTIMATORS = ("rumelhart.rumelhart_mlp", "rumelhart.torch_mlp")
EXPORTERS = ("rumelhart.onnx", "rumelhart.plotting")


def _within(name, prefixes):
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _violations(rule, modules=MODULES, root=ROOT):
    """``(module, imported name)`` pairs that break ``rule(module, name)``."""
    found = []
    for path in modules:
        module = _module_name(path, root)
        found += [(module, n) for n in sorted(_imports(path, root)) if rule(module, n)]
    return found


def _math_rule(module, name):
    if not _within(module, ("rumelhart._math",)):
        return False
    if _within(name, ("sklearn", "torch")):
        return True
    return (
        _within(name, ("rumelhart",))
        and not _within(name, ("rumelhart._math",))
        and name != "rumelhart"
    )


def _engines_rule(module, name):
    if not _within(module, ("rumelhart._engines",)):
        return False
    if _within(name, ("sklearn",)):
        return True
    allowed = (
        "rumelhart._engines",
        "rumelhart._math",
        "rumelhart._resources",
        "rumelhart.exceptions",
    )
    return _within(name, ("rumelhart",)) and not _within(name, allowed)


TORCH_HOMES = (
    "rumelhart._engines.torch",
    "rumelhart._torch_data",
    "rumelhart.onnx._module",
)


def _torch_rule(module, name):
    return _within(name, ("torch",)) and not _within(module, TORCH_HOMES)


LOWER_LAYERS = (
    "rumelhart._math",
    "rumelhart._engines",
    "rumelhart._training",
    "rumelhart._context",
    "rumelhart.callbacks",
    "rumelhart.schedules",
)


def _upward_rule(module, name):
    if _within(module, LOWER_LAYERS):
        return _within(name, ESTIMATOR_LAYER + EXPORTERS)
    if _within(module, ("rumelhart._estimator",)):
        return _within(name, PUBLIC_ESTIMATORS + EXPORTERS)
    return False


def _shim_rule(module, name):
    return module not in SHIMS and _within(name, tuple(SHIMS))


RULES = {
    "math": _math_rule,
    "engines": _engines_rule,
    "torch": _torch_rule,
    "upward": _upward_rule,
    "shims": _shim_rule,
}


@pytest.mark.parametrize("rule", RULES)
def test_import_rule_holds(rule):
    assert _violations(RULES[rule]) == []


@pytest.mark.parametrize(
    ("rule", "module", "line"),
    [
        ("math", "_math/losses.py", "import sklearn"),
        (
            "engines",
            "_engines/numpy/network.py",
            "from sklearn.utils import check_array",
        ),
        ("engines", "_engines/base.py", "from ..callbacks import Callback"),
        ("torch", "_estimator/policy.py", "import torch"),
        ("upward", "_training.py", "from ._estimator import BaseMLP"),
        (
            "upward",
            "_estimator/base.py",
            "from ..rumelhart_mlp import RumelhartClassifier",
        ),
        ("shims", "callbacks.py", "from ._numpy_engine import NumpyMLP"),
    ],
)
def test_each_rule_catches_a_broken_import(tmp_path, rule, module, line):
    """The rules read what they claim to: one forbidden line added to a copy
    of a real module is reported."""
    original = PACKAGE / module
    copy = tmp_path / "rumelhart" / module
    copy.parent.mkdir(parents=True)
    copy.write_text(original.read_text() + f"\n\ndef _broken():\n    {line}\n")
    assert _violations(RULES[rule], [copy], root=tmp_path)


def _table_rows():
    rows = []
    for line in ARCHITECTURE.read_text().splitlines():
        if line.startswith("| `"):
            rows.append(set(re.findall(r"`([^`]+)`", line.split("|")[1])))
    return rows


def _listed(relative, rows):
    folder, _, name = relative.rpartition("/")
    return any(
        relative in row or (folder and f"{folder}/" in row and name in row)
        for row in rows
    )


def test_every_module_is_in_the_architecture_table():
    rows = _table_rows()
    missing = [
        str(path.relative_to(PACKAGE))
        for path in MODULES
        if not _listed(str(path.relative_to(PACKAGE)), rows)
    ]
    assert missing == [], f"add these to docs/architecture.md's table: {missing}"


def test_the_table_lists_no_module_that_is_gone():
    listed = set().union(*_table_rows())
    files = {str(p.relative_to(PACKAGE)) for p in MODULES}
    names = {p.name for p in MODULES}
    gone = [
        entry
        for entry in listed
        if entry.endswith(".py") and entry not in files and entry not in names
    ]
    assert gone == []


def test_a_module_left_out_of_the_table_is_reported():
    rows = [row - {"lr_finder.py"} for row in _table_rows()]
    assert not _listed("lr_finder.py", rows)
    assert not _listed("_engines/torch/device.py", [{"_engines/torch/"}])


MAX_BODY_LINES = {"class": 300, "function": 60}


def _body_lines(node):
    """Lines of a class or function body, from its first statement after the
    docstring to its last (blank lines and comments between them count)."""
    body = node.body
    if ast.get_docstring(node, clean=False) is not None:
        body = body[1:]
    return body[-1].end_lineno - body[0].lineno + 1 if body else 0


def _oversized(modules=MODULES, root=ROOT):
    """``path:line name: n lines`` of every body over its limit."""
    found = []
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ClassDef):
                limit = MAX_BODY_LINES["class"]
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                limit = MAX_BODY_LINES["function"]
            else:
                continue
            lines = _body_lines(node)
            if lines > limit:
                where = f"{path.relative_to(root)}:{node.lineno} {node.name}"
                found.append(f"{where}: {lines} lines (at most {limit})")
    return found


def test_no_class_or_function_body_is_too_long():
    assert _oversized() == [], "split these: they do more than one job"


def _module_with_body(tmp_path, kind, lines, docstring_lines=0):
    header = {"class": "class Big:", "function": "def big():"}[kind]
    docstring = ['    """Doc.', *["    more"] * docstring_lines, '    """']
    path = tmp_path / "rumelhart" / "big.py"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join([header, *docstring, *["    x = 0"] * lines, ""]))
    return path


@pytest.mark.parametrize("kind", ["class", "function"])
def test_a_body_one_line_over_the_limit_is_named(tmp_path, kind):
    limit = MAX_BODY_LINES[kind]
    path = _module_with_body(tmp_path, kind, limit + 1)
    name = "Big" if kind == "class" else "big"
    found = _oversized([path], root=tmp_path)
    assert found == [f"rumelhart/big.py:1 {name}: {limit + 1} lines (at most {limit})"]


@pytest.mark.parametrize("kind", ["class", "function"])
def test_a_body_at_the_limit_passes_whatever_its_docstring(tmp_path, kind):
    path = _module_with_body(tmp_path, kind, MAX_BODY_LINES[kind], docstring_lines=99)
    assert _oversized([path], root=tmp_path) == []
