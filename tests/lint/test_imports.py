"""The linter needs only the standard library, and never imports what it lints.

Besides its own modules, it reads the one course vocabulary and the one table of the
Course functions, two pure-Python leaves of the run-time checker.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import dimcheck._lint

LINT_PACKAGE = Path(dimcheck._lint.__file__).parent
# The run-time checker's modules the linter may read: leaves that import only the standard
# library (checked below), so that one fact about the course lives in one place.
SHARED_LEAVES = ("_vocabulary", "_course_functions")


def _imports(path: Path) -> list[tuple[int, str]]:
    """`(level, module)` of every import in a file: `(0, "re")`, `(2, "_vocabulary")`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(0, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
    return found


def test_linter_modules_import_only_the_standard_library_and_each_other() -> None:
    for path in sorted(LINT_PACKAGE.glob("*.py")):
        for level, module in _imports(path):
            if level == 2:
                # Of the run-time checker, only its pure-Python leaves.
                assert module in SHARED_LEAVES, (path.name, module)
            elif level == 1:
                continue  # a sibling inside the linter package
            else:
                assert level == 0, (path.name, module)
                assert module.partition(".")[0] in sys.stdlib_module_names, (path.name, module)


@pytest.mark.parametrize("leaf", SHARED_LEAVES)
def test_the_shared_leaves_import_only_the_standard_library(leaf: str) -> None:
    for level, module in _imports(LINT_PACKAGE.parent / f"{leaf}.py"):
        assert level == 0, (leaf, module)
        assert module.partition(".")[0] in sys.stdlib_module_names, (leaf, module)


def test_linter_runs_with_numpy_and_pytest_unimportable(tmp_path: Path) -> None:
    linted = tmp_path / "course.py"
    linted.write_text(
        "import numpy as np\nimport sys\nsys.exit(3)\nb = np.random.randn(4)\n", encoding="utf-8"
    )
    # The parent package `dimcheck` (the run-time checker) may import numpy; the linter
    # must not, so it is loaded here under a bare stand-in for its parent.
    code = f"""
import importlib, sys, types
sys.modules["numpy"] = None
sys.modules["pytest"] = None
parent = types.ModuleType("dimcheck")
parent.__path__ = [{str(LINT_PACKAGE.parent)!r}]
sys.modules["dimcheck"] = parent
lint = importlib.import_module("dimcheck._lint")
report = lint.lint_paths([{str(linted)!r}])
print([(f.line, f.code) for f in report.findings])
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    # The linted file calls sys.exit(3): it was read, never run.
    assert result.stdout.strip() == "[(4, 'DC101')]"


# What `dimcheck lint` must not pay for at start-up: the run-time checker's
# dependencies, and modules only one output format or a notebook needs.
_NOT_AT_START_UP = ("numpy", "typeguard", "json", "tomllib", "html", "dimcheck._instrument")


def test_importing_the_linter_loads_no_heavy_or_optional_module() -> None:
    code = f"""
import sys, types
parent = types.ModuleType("dimcheck")
parent.__path__ = [{str(LINT_PACKAGE.parent)!r}]
sys.modules["dimcheck"] = parent
import dimcheck._lint
print(sorted(m for m in {_NOT_AT_START_UP!r} if m in sys.modules))
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
