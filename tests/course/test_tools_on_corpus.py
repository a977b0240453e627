"""Every tool on every Course implementation, as .py and as a notebook (issue 11's "Done means").

On correct code `instrument`, `dimcheck check`, `lint` and `gradcheck` (its gradient
checks, update steps and initialisers) are silent; each planted bug is caught by at
least one of the tools the corpus expects to catch it, and the message of a tool that
catches it names the variable (in course notation) and, for the tools that know which
function they ran, the function.
"""

from __future__ import annotations

import contextlib
import io
import re
import warnings
from pathlib import Path

import pytest

import dimcheck
from dimcheck._check_command import check_file
from dimcheck._exercise import StudentRaised, exercise
from dimcheck._instrument import instrument
from dimcheck._recognise import recognise
from dimcheck._student_file import load_student_file
from gradcheck._cli import _check_file, _parser
from gradcheck._errors import CheckInputError
from tests.course import ALL, Implementation

pytestmark = pytest.mark.slow

STEPS = "update steps and initialisers"


#: Planted bugs no tool can catch, with the reason (reported to the corpus's author).
def _path(implementation: Implementation, kind: str, folder: Path) -> Path:
    if kind == "py":
        return implementation.write_py(folder)
    return implementation.write_ipynb(folder)


def run_tools(path: Path, source: str, convention: str = "standard") -> dict[str, str | None]:
    """What each tool says about the file: `None` when it is silent; `convention` is how
    the file stores its weights, which the shape tools are told (as a user would)."""
    said: dict[str, str | None] = {}
    module = load_student_file(path).module
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        instrument(module, convention=convention)  # type: ignore[arg-type]
    try:
        exercise(recognise(module))
        said["instrument"] = None
    except dimcheck.ShapeError as error:
        said["instrument"] = str(error)
    except StudentRaised:
        said["instrument"] = None  # an exception is dimcheck check's to report
    result = check_file(path, convention=convention)
    said["dimcheck-check"] = None if result.status == 0 else str(result)
    if path.suffix == ".py":
        findings = dimcheck.lint_source(source)
    else:
        findings = dimcheck.lint_paths([path]).findings
    said["lint"] = "\n".join(f"{f.code} {f.message}" for f in findings) or None
    args = _parser().parse_args([str(path), "--no-progress"])
    with contextlib.redirect_stdout(io.StringIO()):
        sections, _, _ = _check_file(args, False)
    gradients, steps = [], []
    for title, outcome in sections:
        failed = isinstance(outcome, CheckInputError) or not outcome.passed
        if failed:
            (steps if title == STEPS else gradients).append(f"{title}: {outcome}")
    said["gradcheck"] = "\n".join(gradients) or None
    said["update-check"] = said["init-check"] = "\n".join(steps) or None
    return said


def _cases(bugs: bool) -> list[object]:
    return [
        pytest.param(implementation, kind, id=f"{implementation.name}-{kind}")
        for implementation in ALL
        if (implementation.bug is not None) == bugs
        for kind in ("py", "ipynb")
    ]


@pytest.mark.parametrize(("implementation", "kind"), _cases(bugs=False))
def test_correct_code_is_silent_in_every_tool(
    implementation: Implementation, kind: str, tmp_path: Path
) -> None:
    said = run_tools(
        _path(implementation, kind, tmp_path), implementation.source(), implementation.convention
    )
    assert {tool: text for tool, text in said.items() if text} == {}


@pytest.mark.parametrize(("implementation", "kind"), _cases(bugs=True))
def test_each_planted_bug_is_caught_and_named(
    implementation: Implementation, kind: str, tmp_path: Path
) -> None:
    said = run_tools(
        _path(implementation, kind, tmp_path), implementation.source(), implementation.convention
    )
    caught = {tool: text for tool, text in said.items() if text}
    expected = caught.keys() & implementation.caught_by
    assert expected, f"caught by {sorted(caught)}, expected one of {implementation.caught_by}"
    assert any(names_variable(implementation, tool, caught[tool] or "") for tool in expected), (
        caught
    )
    knows_function = expected & {"instrument", "dimcheck-check", "update-check", "init-check"}
    if knows_function and implementation.function is not None:
        functions = {implementation.function, *_callers(implementation.function)}
        assert any(any(name in (caught[tool] or "") for name in functions) for tool in expected), (
            caught
        )


def names_variable(implementation: Implementation, tool: str, text: str) -> bool:
    """Whether `text` names the bug's variable: in course notation (`W[2]`, `v[dW1]`) or
    as the code names it (`dW2`, `db`, `dA_prev`). The linter speaks of the code's own
    names, so a lint finding counts when it names the line's variable (`m`)."""
    pattern = implementation.variable_pattern()
    code_name = r"\b" + pattern.replace(r"\[\d+\]", r"\d*").replace(r"\[", "").replace(r"\]", "")
    if re.search(pattern, text) or re.search(code_name, text):
        return True
    if implementation.variable == "dA[l-1]" and "dA_prev" in text:
        return True
    return tool == "lint" and bool(re.search(r"\b(m|dZ\d*|A_prev|X)\b", text))


def _callers(function: str) -> set[str]:
    """The Course functions a shape error made in `function` can surface in: its callers,
    or (for a wrong array it passes on) the function it passes it to."""
    return {
        "L_model_forward": {"linear_activation_forward", "linear_forward"},
        "linear_backward": {"linear_activation_backward", "L_model_backward"},
        "sigmoid_backward": {"linear_activation_backward", "L_model_backward"},
        "relu_backward": {"linear_activation_backward", "L_model_backward"},
        "linear_forward": {"linear_activation_forward", "L_model_forward"},
        "sigmoid": {"propagate", "forward_propagation"},
    }.get(function, set())


def test_the_tools_disagree_on_nothing_they_both_check(tmp_path: Path) -> None:
    # instrument and dimcheck check share the rules: same first message on a shape bug.
    bug = next(i for i in ALL if i.name == "c1w4_deep_v3__db_no_keepdims")
    said = run_tools(bug.write_py(tmp_path), bug.source())
    assert said["instrument"] is not None
    assert said["instrument"] in (said["dimcheck-check"] or "")
