"""Jupyter notebooks: code cells only, positions as `cell N:line:col`, IPython lines skipped."""

import json
from pathlib import Path

from dimcheck._lint import lint_file, lint_paths


def notebook(path: Path, *cells: tuple[str, str]) -> Path:
    content = {
        "cells": [
            {"cell_type": kind, "metadata": {}, "source": source.splitlines(keepends=True)}
            for kind, source in cells
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


def test_findings_name_the_cell_counted_from_the_top_and_the_line_in_it(tmp_path: Path) -> None:
    path = notebook(
        tmp_path / "course.ipynb",
        ("markdown", "# Week 4\nUse `np.random.randn(n)` with care."),
        ("code", "%matplotlib inline\nimport numpy as np\n"),
        ("code", "x = 1\nb1 = np.random.randn(4)\n"),
    )
    report = lint_file(path)
    assert report.errors == []
    (finding,) = report.findings
    assert (finding.cell, finding.line, finding.col, finding.code) == (3, 2, 6, "DC101")
    assert str(finding).startswith(f"{path}:cell 3:2:6: DC101 ")


def test_names_carry_over_from_cell_to_cell(tmp_path: Path) -> None:
    path = notebook(
        tmp_path / "n.ipynb",
        ("code", "import numpy as np\na = np.random.randn(5, 3)"),
        ("code", "a = a.ravel()"),
        ("code", "a.T"),
    )
    assert [(f.cell, f.code) for f in lint_file(path).findings] == [(3, "DC102")]


def test_ipython_lines_are_skipped_and_line_numbers_kept(tmp_path: Path) -> None:
    source = (
        "import numpy as np\n"
        "!pip list\n"
        "files = !ls\n"
        "%time x = 1\n"
        "np.sum?\n"
        "for i in range(2):\n"
        "    %timeit f(i)\n"
        "b = np.zeros(3)\n"
    )
    path = notebook(tmp_path / "m.ipynb", ("code", source))
    report = lint_file(path)
    assert report.errors == []
    assert [(f.line, f.code) for f in report.findings] == [(8, "DC101")]


def test_cell_magics_that_are_not_python_are_skipped(tmp_path: Path) -> None:
    path = notebook(
        tmp_path / "m.ipynb",
        ("code", "%%bash\necho $((1 + 2))\n"),
        ("code", "%%time\nimport numpy as np\nb = np.zeros(3)\n"),
    )
    report = lint_file(path)
    assert report.errors == []
    assert [(f.cell, f.line) for f in report.findings] == [(2, 3)]


def test_a_syntax_error_in_one_cell_does_not_hide_the_others(tmp_path: Path) -> None:
    path = notebook(
        tmp_path / "m.ipynb",
        ("code", "import numpy as np\n"),
        ("code", "def broken(:\n"),
        ("code", "w = np.zeros(3)\n"),
    )
    report = lint_file(path)
    assert [(e.cell, e.reason.startswith("syntax error")) for e in report.errors] == [(2, True)]
    assert [(f.cell, f.code) for f in report.findings] == [(3, "DC101")]
    assert report.exit_code == 2


def test_a_file_that_is_not_a_notebook_is_named(tmp_path: Path) -> None:
    path = tmp_path / "broken.ipynb"
    path.write_text("{not json", encoding="utf-8")
    report = lint_paths([tmp_path])
    (error,) = report.errors
    assert error.path == str(path)
    assert "not a notebook: invalid JSON" in error.reason


def test_a_cell_that_is_python_is_not_touched(tmp_path: Path) -> None:
    source = "import numpy as np\nn = (7\n     % 3)\nb = np.zeros(n)\n"
    path = notebook(tmp_path / "m.ipynb", ("code", source))
    report = lint_file(path)
    assert report.errors == []
    assert [(f.line, f.code) for f in report.findings] == [(4, "DC101")]
