"""The public names, their documentation, and what importing dimcheck costs."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import dimcheck

PACKAGE = Path(dimcheck.__file__).parent

PUBLIC = [
    "AnnotationError",
    "CheckResult",
    "COURSE_FUNCTIONS",
    "Network",
    "ShapeError",
    "ShapeReport",
    "Violation",
    "check_caches",
    "check_file",
    "check_gradients",
    "check_parameters",
    "disable",
    "disabled",
    "enable",
    "instrument",
    "is_enabled",
    "network",
    "shapes",
    "strict_broadcasting",
    "uninstrument",
    # loaded at first use (see dimcheck/__init__.py)
    "FileError",
    "Finding",
    "LintReport",
    "lint_file",
    "lint_paths",
    "lint_source",
    "load_ipython_extension",
    "unload_ipython_extension",
]


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_is_exported_and_documented(name: str) -> None:
    value = getattr(dimcheck, name)
    if callable(value):
        assert value.__doc__ and len(value.__doc__.strip()) > 20


def test_importing_dimcheck_leaves_jaxtyping_pytest_and_the_other_packages_unimported() -> None:
    code = (
        "import sys, dimcheck; "
        "print(','.join(m for m in ('jaxtyping', 'pytest', 'models', 'gradcheck', 'hypothesis')"
        " if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_dir_lists_every_public_name_and_unknown_names_raise_attribute_error() -> None:
    assert set(PUBLIC) <= set(dir(dimcheck))
    with pytest.raises(AttributeError, match=r"module 'dimcheck' has no attribute 'shape'"):
        dimcheck.shape  # type: ignore[attr-defined]  # noqa: B018


def _imports_of(module: Path) -> set[str]:
    """The sibling modules `module` imports when it is loaded (`from ._x import y`)."""
    found = set()
    for node in ast.parse(module.read_text()).body:  # module level only: no lazy imports
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_the_run_time_core_has_no_import_cycle() -> None:
    graph = {path.stem: _imports_of(path) for path in PACKAGE.glob("_*.py")}
    visiting: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        assert name not in visiting, "import cycle: " + " -> ".join([*visiting, name])
        if name in done or name not in graph:
            return
        visiting.append(name)
        for imported in graph[name]:
            visit(imported)
        visiting.pop()
        done.add(name)

    for name in graph:
        visit(name)


@pytest.mark.parametrize(
    ("module", "imports"),
    [
        ("_vocabulary", set()),
        ("_axes", set()),
        ("_match", {"_axes"}),
        ("_fast", {"_axes", "_match"}),
        ("_spec", {"_axes", "_errors", "_fast"}),
    ],
)
def test_the_core_modules_import_only_what_their_one_idea_needs(
    module: str, imports: set[str]
) -> None:
    assert _imports_of(PACKAGE / f"{module}.py") == imports
