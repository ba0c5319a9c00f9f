"""Sphinx configuration of the rumelhart documentation.

Build with ``python -m sphinx -W --keep-going -b html docs docs/_build/html``.
The gallery's examples run only when ``RUMELHART_DOCS_RUN_GALLERY=1``;
otherwise their pages are built from the source without executing them.
"""

import os
import re
import sys
from pathlib import Path

import rumelhart

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))

project = "rumelhart"
author = "the rumelhart developers"
copyright = "2024, the rumelhart developers"
release = rumelhart.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    "Thumbs.db",
    ".DS_Store",
    "**/*.ipynb",
    "auto_examples/*.py",
    "auto_examples/*.zip",
    "auto_examples/*.json",
    "auto_examples/*.md5",
]

# -- API reference ---------------------------------------------------------
autosummary_generate = True
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# A fitted attribute named in a shape, as in "ndarray of shape
# (n_features_in_,)", reads as an RST reference (a name ending in "_"); show
# it as code instead.
_SHAPE_NAME = re.compile(r"(?<![`\w])([A-Za-z_]\w*_)(?=[,)])")


def _quote_shape_names(app, what, name, obj, options, lines):
    for i, line in enumerate(lines):
        if "of shape (" in line:
            lines[i] = _SHAPE_NAME.sub(r"``\1``", line)


def setup(app):
    app.connect("autodoc-process-docstring", _quote_shape_names, priority=400)


# -- Markdown --------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# -- Gallery ---------------------------------------------------------------
RUN_GALLERY = os.environ.get("RUMELHART_DOCS_RUN_GALLERY", "") == "1"
# The examples also save their figures as PNG files; keep those out of the
# source tree.
os.environ.setdefault("RUMELHART_FIGURES", str(DOCS / "_build" / "example_figures"))

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": "/plot_",
    # Only the gallery's own scripts, plot_*.py and the quick start: any other
    # file in examples/ is left out (matched on the name, with or without path).
    "ignore_pattern": r"^(?!(.*[/\\])?(plot_[^/\\]*|quickstart)\.py$)",
    "plot_gallery": RUN_GALLERY,
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "within_subsection_order": "FileNameSortKey",
    "matplotlib_animations": False,
    "show_signature": False,
    "write_computation_times": RUN_GALLERY,
}

# -- HTML ------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"rumelhart {release}"
html_static_path = ["_static"]
html_theme_options = {
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "header_links_before_dropdown": 6,
    "secondary_sidebar_items": ["page-toc"],
}
# Top-level pages have no sub-pages to navigate: no left sidebar there.
html_sidebars = {"*": []}
html_show_sourcelink = False
