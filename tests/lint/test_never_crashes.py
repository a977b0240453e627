"""The linter never crashes: on generated Python, on notebooks, on numpy and the stdlib."""

import ast
import json
import sysconfig
import time
from pathlib import Path
from string import Formatter

import numpy
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from dimcheck._lint import MESSAGES, lint_paths, lint_source
from dimcheck._lint._notebook import NotebookError, code_cells

from ._python_source import MODULES


def _valid(source: str) -> bool:
    try:
        compile(source, "<generated>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError:
        return False
    return True


@given(MODULES)
def test_generated_python_is_linted_without_a_crash(source: str) -> None:
    assume(_valid(source))
    lines = source.count("\n")
    for finding in lint_source(source, "generated.py"):
        assert finding.code in MESSAGES
        assert 1 <= finding.line <= lines
        assert finding.col >= 1
        fields = {field for _, field, _, _ in Formatter().parse(MESSAGES[finding.code]) if field}
        assert not any("{" + field + "}" in finding.message for field in fields)


@given(st.lists(st.tuples(st.sampled_from(["code", "markdown", "raw"]), st.text()), max_size=4))
def test_any_notebook_cells_are_read_or_refused_cleanly(cells: list[tuple[str, str]]) -> None:
    text = json.dumps({"cells": [{"cell_type": k, "source": s} for k, s in cells]})
    for number, source in code_cells(text):
        assert cells[number - 1][0] == "code"
        assert source.count("\n") >= cells[number - 1][1].count("\n") - 1


@given(st.text())
def test_text_that_is_not_a_notebook_is_refused_with_notebook_error(text: str) -> None:
    try:
        code_cells(text)
    except NotebookError as error:
        assert str(error).startswith("not a notebook")


def _python_also_refuses(path: str) -> bool:
    try:
        ast.parse(Path(path).read_bytes())
    except (SyntaxError, ValueError):
        return True
    return False


@pytest.mark.parametrize(
    "root",
    [
        pytest.param(Path(numpy.__file__).parent, id="numpy"),
        pytest.param(Path(sysconfig.get_paths()["stdlib"]), id="stdlib"),
    ],
)
def test_installed_trees_are_linted_without_a_crash(root: Path, tmp_path: Path) -> None:
    # site-packages lives under the stdlib directory on most installs; it is not the stdlib.
    paths = sorted(p for p in root.iterdir() if p.name != "site-packages")
    start = time.perf_counter()
    report = lint_paths(paths)
    seconds = time.perf_counter() - start
    out = tmp_path / "lint-report.txt"
    with out.open("w", encoding="utf-8") as file:
        file.write(f"# {report.files} files, {report.lines} lines, {seconds:.1f} s\n")
        file.writelines(f"{finding}\n" for finding in report.findings)
        file.writelines(f"error: {error}\n" for error in report.errors)
    assert report.files > 100
    assert out.read_text(encoding="utf-8").count("\n") == 1 + len(report.findings) + len(
        report.errors
    )
    # A file we could not lint must be one Python itself cannot parse (test data).
    refused = [error for error in report.errors if not _python_also_refuses(error.path)]
    assert refused == []
