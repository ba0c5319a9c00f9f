"""The documentation builds with warnings as errors, the gallery not executed.

Runs ``python -m sphinx -W --keep-going -b html docs <tmp>/html`` as CI and a
developer would (see docs/getting_started.md), with the output in a temporary
directory. Sphinx writes its generated sources (``docs/auto_examples``,
``docs/gen_modules``) next to the pages; both are ignored by git.

The code blocks of the migration guide run, all of them in order, as one
script; so do the blocks of other pages marked to run (a MyST comment line
``% This block runs in tests/test_docs.py.`` just before the block).
"""

import importlib
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx")

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def test_docs_build_without_warnings(tmp_path):
    env = {key: value for key, value in os.environ.items()}
    env.pop("RUMELHART_DOCS_RUN_GALLERY", None)  # build the gallery unexecuted
    env["RUMELHART_FIGURES"] = str(tmp_path / "figures")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            "-d",
            str(tmp_path / "doctrees"),
            str(DOCS),
            str(tmp_path / "html"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    html = tmp_path / "html"
    for page in [
        "index",
        "getting_started",
        "paper",
        "user_guide",
        "choosing_a_loss",
        "representations",
        "api",
        "benchmarks",
        "scaling_out",
        "training_features",
        "persistence",
        "deployment",
        "migrating",
        "auto_examples/index",
        "auto_examples/plot_text_tfidf",
        "auto_examples/plot_symmetry",
        "auto_examples/plot_family_trees",
        "auto_examples/plot_hidden_features",
        "auto_examples/plot_grouped_inputs",
        "gen_modules/rumelhart.RumelhartClassifier",
        "gen_modules/rumelhart.TorchMLPRegressor",
        "gen_modules/rumelhart.datasets.load_family_trees",
        "gen_modules/rumelhart.onnx.to_onnx",
    ]:
        assert (html / f"{page}.html").is_file(), page
    paper = (html / "paper.html").read_text(encoding="utf-8")
    assert "1,425" in paper
    assert "symmetry_weights.png" in paper
    assert "family_trees_person_encoding.png" in paper
    representations = (html / "representations.html").read_text(encoding="utf-8")
    for figure in ["hidden_features_map.png", "grouped_inputs_embedding.png"]:
        assert figure in representations


def _readme_command(marker):
    """The command after ``<!-- marker -->`` in README.md, as .ci/run reads it."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- {marker} -->\s*```bash\n(.+?)\n", text)
    assert match, f"no {marker} in README.md"
    return match.group(1).strip()


@pytest.mark.parametrize("marker", ["demo-command", "test-command"])
def test_getting_started_shows_the_readme_commands(marker):
    """docs/getting_started.md repeats the README's two commands verbatim."""
    page = (DOCS / "getting_started.md").read_text(encoding="utf-8")
    assert _readme_command(marker) in page


def test_ci_runs_the_readme_test_command():
    """.ci/run runs the README's test command as written there."""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert _readme_command("test-command") in script


RUN_MARK = "% This block runs in tests/test_docs.py."


def python_blocks(page, marked_only):
    """The ```python blocks of ``page``, in order (only marked ones if asked)."""
    text = (DOCS / page).read_text(encoding="utf-8")
    blocks = []
    for match in re.finditer(r"^```python\n(.*?)^```$", text, flags=re.S | re.M):
        before = text[: match.start()].rstrip().splitlines()
        if not marked_only or (before and before[-1].strip() == RUN_MARK):
            blocks.append(match.group(1))
    return blocks


def imports(block, module):
    return re.search(rf"^\s*(from|import) {module}\b", block, flags=re.M) is not None


@pytest.mark.parametrize(
    ("page", "marked_only"),
    [
        ("migrating.md", False),
        ("training_features.md", True),
        ("user_guide.md", True),
        ("choosing_a_loss.md", True),
    ],
)
def test_code_blocks_run(page, marked_only, tmp_path):
    blocks = python_blocks(page, marked_only)
    assert blocks, f"no code block to run in {page}"
    if any(imports(b, "torch") for b in blocks) and not find("torch"):
        pytest.skip(f"{page} needs torch")
    # skorch is not a dependency: its blocks run where it is installed.
    script = "\n\n".join(
        b for b in blocks if find("skorch") or not imports(b, "skorch")
    )
    (tmp_path / "page.py").write_text(script, encoding="utf-8")
    env = {**os.environ, "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1"}
    result = subprocess.run(
        [sys.executable, "page.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    print(result.stdout)


def find(module):
    return importlib.util.find_spec(module) is not None


@pytest.mark.parametrize(
    "module",
    [
        "rumelhart",
        "rumelhart.callbacks",
        "rumelhart.datasets",
        "rumelhart.exceptions",
        "rumelhart.paper",
        "rumelhart.plotting",
        "rumelhart.schedules",
    ],
)
def test_every_public_name_is_in_the_api_reference(module):
    api = (DOCS / "api.rst").read_text()
    listed = set(re.findall(r"^   ([\w.]+)$", api, flags=re.MULTILINE))
    listed |= set(re.findall(r"``(\w+)``", api))  # constants, described in text
    names = importlib.import_module(module).__all__
    modules = {"callbacks", "datasets", "paper", "schedules"}  # have sections
    missing = [n for n in names if n not in listed and n not in modules]
    assert not missing, f"{module}: not in docs/api.rst: {missing}"
