"""Files no rule can speak on are only syntax-checked, with the verdicts of a full parse."""

import ast
import warnings
from pathlib import Path

import pytest

from dimcheck._lint import lint_file, lint_source

# Accepted by `ast.parse`, refused by `compile` (the checks after parsing): the fast
# path must not turn them into errors.
COMPILE_ONLY_ERRORS = [
    "return 1\n",
    "x = 1\nbreak\n",
    "nonlocal x\n",
    "def f(a, a):\n    pass\n",
    "await something()\n",
    "def f():\n    x = 1\n    global x\n",
]

SYNTAX_ERRORS = [
    "def f(:\n    pass\n",
    "print 'hello'\n",
    "x = 0777\n",
    "a = (\n",
    "x = '\\N{no such name}'\n",
]


def _ast_error(source: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ast.parse(source)
        except SyntaxError as error:
            return str(error.msg)
    return ""


@pytest.mark.parametrize("source", COMPILE_ONLY_ERRORS)
@pytest.mark.parametrize("prefix", ["", "import numpy as np\n"])
def test_what_ast_parse_accepts_is_not_a_syntax_error(source: str, prefix: str) -> None:
    assert lint_source(prefix + source) == []


@pytest.mark.parametrize("source", SYNTAX_ERRORS)
@pytest.mark.parametrize("prefix", ["", "import numpy as np\n"])
def test_a_syntax_error_reads_the_same_on_either_path(source: str, prefix: str) -> None:
    with pytest.raises(SyntaxError) as error_info:
        lint_source(prefix + source)
    assert error_info.value.msg == _ast_error(prefix + source)


@pytest.mark.parametrize("source", SYNTAX_ERRORS)
def test_a_file_with_a_syntax_error_is_reported_the_same_on_either_path(
    source: str, tmp_path: Path
) -> None:
    plain, with_numpy = tmp_path / "plain.py", tmp_path / "with_numpy.py"
    plain.write_text(source, encoding="utf-8")
    with_numpy.write_text("import numpy as np\n" + source, encoding="utf-8")
    reasons = [lint_file(path).errors[0].reason for path in (plain, with_numpy)]
    assert reasons[0].partition(" (line")[0] == reasons[1].partition(" (line")[0]
    assert reasons[0].startswith("syntax error: ")


def test_a_global_outside_forward_and_backward_code_needs_no_checker() -> None:
    # `global` alone does not make a file worth checking; in a forward function it does.
    assert lint_source("def helper():\n    global cache\n") == []
    (finding,) = lint_source("def forward_pass():\n    global cache\n")
    assert finding.code == "DC501"
