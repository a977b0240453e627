"""gradcheck's public names resolve, and importing the package stays cheap."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import gradcheck

INIT = Path(gradcheck.__file__)


def type_checking_imports() -> dict[str, str]:
    """The `from .x import y as y` lines under `if TYPE_CHECKING:` in `__init__.py`."""
    tree = ast.parse(INIT.read_text())
    guarded = next(node for node in tree.body if isinstance(node, ast.If))
    return {
        alias.asname or alias.name: "." + (node.module or "")
        for node in guarded.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


def test_the_lazy_table_names_exactly_the_type_checking_imports() -> None:
    assert type_checking_imports() == gradcheck._EXPORTS


@pytest.mark.parametrize("name", sorted(gradcheck._EXPORTS))
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(gradcheck, name) is not None
    assert name in dir(gradcheck)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'chek'"):
        gradcheck.chek  # noqa: B018 (the lookup is the test)


def test_importing_gradcheck_or_its_pytest_plugin_imports_neither_numpy_nor_models() -> None:
    code = (
        "import sys, gradcheck, gradcheck.grading._plugin; "
        "print(','.join(m for m in ('numpy', 'models', 'dimcheck') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
