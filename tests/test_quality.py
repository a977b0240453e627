"""The project's own code passes its linters and its type checker."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["dimcheck", "gradcheck", "models"]


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is installed by the test extra")
def test_ruff_finds_nothing() -> None:
    result = run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is installed by the test extra")
def test_code_is_ruff_formatted() -> None:
    result = run("ruff", "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def _mypy_missing() -> bool:
    import importlib.util

    return importlib.util.find_spec("mypy") is None


@pytest.mark.skipif(_mypy_missing(), reason="mypy is installed by the test extra")
def test_mypy_finds_nothing_in_the_packages() -> None:
    result = run(sys.executable, "-m", "mypy", *PACKAGES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_importing_dimcheck_imports_none_of_the_other_packages_nor_pytest() -> None:
    code = (
        "import sys, dimcheck; "
        "bad = [m for m in ('models', 'gradcheck', 'pytest') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    result = run(sys.executable, "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


# What `import dimcheck` must not load: typeguard and numpy each take longer to import than
# all of dimcheck (typeguard ~0.85 s on a loaded 2-core machine), and every public name is
# loaded at its first use, so that `dimcheck lint` loads neither the run-time checks nor
# the instrumentation; jaxtyping is the user's to import.
# The time itself is measured by benchmarks/bench_dimcheck.py, not asserted here.
NOT_AT_IMPORT = [
    "typeguard",
    "numpy",
    "jaxtyping",
    "dimcheck._lint",
    "dimcheck._instrument",
    "dimcheck._ipython",
    "dimcheck._decorator",
    "dimcheck._rules",
]


def test_importing_dimcheck_loads_neither_typeguard_nor_numpy_nor_the_linter() -> None:
    code = (
        f"import sys, dimcheck; print(','.join(m for m in {NOT_AT_IMPORT!r} if m in sys.modules))"
    )
    result = run(sys.executable, "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"imported with dimcheck: {result.stdout.strip()}"


def test_the_names_loaded_at_first_use_are_there_when_asked_for() -> None:
    code = (
        "import sys, dimcheck; "
        "assert 'instrument' in dir(dimcheck) and 'lint_source' in dir(dimcheck); "
        "assert callable(dimcheck.instrument) and callable(dimcheck.lint_source); "
        "print('numpy' in sys.modules, 'dimcheck._lint' in sys.modules)"
    )
    result = run(sys.executable, "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]
