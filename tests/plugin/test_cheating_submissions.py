"""Submissions that try to game the grade score exactly what their honest twins score.

Each cheat (see `cheating.py`) is graded with the example assignment's own tests, sandboxed
as grading is by default, and must get the score of an honest submission of the same
quality, with a complete results.json: every test listed with its full points.
"""

import json
import time
from pathlib import Path
from typing import Any

import pytest

from .cheating import (
    BACKWARD_RAISES,
    CHEATS,
    EXAMPLE,
    HONEST,
    NO_BACKPROP,
    NOT_WRITTEN,
    RANK_ONE_DB,
)

pytest_plugins = ["pytester"]
# Each grade runs the example's 8 tests, sandboxed: a few seconds each.
pytestmark = pytest.mark.slow

POINTS = {
    "test_initialize_parameters_deep_gives_W_and_b_the_course_shapes": 1,
    "test_linear_forward_computes_W_A_plus_b": 1,
    "test_L_model_forward_returns_AL_of_shape_nL_m_and_one_cache_per_layer": 2,
    "test_compute_cost_is_the_mean_cross_entropy": 1,
    "test_L_model_backward_gradients_match_finite_differences": 3,
    "test_L_model_backward_gradients_have_their_parameters_shapes": 1,
    "test_update_parameters_takes_one_gradient_descent_step": 1,
    "test_gradients_of_a_deeper_network_match_finite_differences": 2,
}
# Seconds per test: a hang costs this much, three times (the three backward tests).
LIMIT = "--dimgrad-timeout=3"


def submit(pytester: pytest.Pytester, source: str) -> Path:
    """Writes the example's tests and `source` as the submission; returns results.json."""
    for name in ("test_assignment.py", "solution.py", "pytest.ini"):
        (pytester.path / name).write_text((EXAMPLE / name).read_text())
    target = pytester.path / "results.json"
    (pytester.path / "assignment.py").write_text(source.replace('"TARGET"', repr(str(target))))
    return target


def grade(pytester: pytest.Pytester, source: str, *args: str) -> dict[str, Any]:
    target = submit(pytester, source)
    pytester.runpytest("--grade-json=results.json", LIMIT, *args)
    return json.loads(target.read_text())


def assert_complete(results: dict[str, Any]) -> None:
    """Every test of the assignment is listed with its full points, and the score adds up."""
    listed = {test["name"].split("::")[-1]: test["max_score"] for test in results["tests"]}
    assert listed == POINTS
    assert results["score"] == sum(test["score"] for test in results["tests"])


@pytest.mark.parametrize(
    ("twin", "expected"),
    [(HONEST, 12), (NOT_WRITTEN, 0), (NO_BACKPROP, 7), (RANK_ONE_DB, 6), (BACKWARD_RAISES, 6)],
    ids=["correct", "nothing written", "no backprop", "rank-one db", "backward raises"],
)
def test_each_honest_twin_scores_what_its_correct_parts_are_worth(
    pytester: pytest.Pytester, twin: str, expected: float
) -> None:
    results = grade(pytester, twin)
    assert_complete(results)
    assert results["score"] == expected


@pytest.mark.parametrize(
    "cheat",
    [pytest.param(c, id=c.name, marks=[pytest.mark.slow] if c.slow else []) for c in CHEATS],
)
def test_a_cheat_scores_what_its_honest_twin_scores(pytester: pytest.Pytester, cheat: Any) -> None:
    results = grade(pytester, cheat.source)
    assert_complete(results)
    assert results["score"] == cheat.expected
    if "fork" in cheat.name:
        time.sleep(4.5)  # the forked process would rewrite the file for 4 s
        assert json.loads((pytester.path / "results.json").read_text()) == results


@pytest.mark.slow
def test_every_cheat_scores_the_same_under_xdist(pytester: pytest.Pytester) -> None:
    # One submission at a time, each run with two pytest-xdist workers; the hang and the
    # output flood are left to the serial test above (same code path, slower).
    for cheat in CHEATS:
        if cheat.slow:
            continue
        results = grade(pytester, cheat.source, "-n", "2", "-p", "no:cacheprovider")
        assert_complete(results)
        assert results["score"] == cheat.expected, cheat.name


def test_a_crash_at_import_under_xdist_keeps_every_tests_points(pytester: pytest.Pytester) -> None:
    results = grade(pytester, "import os\nos._exit(3)\n" + HONEST, "-n", "2")
    assert_complete(results)
    assert results["score"] == 0
    for test in results["tests"]:
        assert "could not be imported" in test["output"] or "exited" in test["output"]


def test_a_hidden_tests_source_never_shows_in_a_visible_tests_output(
    pytester: pytest.Pytester,
) -> None:
    # The submission reads the tests and puts them in its error message.
    leak = HONEST.replace(
        "def linear_forward(A, W, b):\n",
        "def linear_forward(A, W, b):\n"
        "    import glob\n"
        "    text = ''.join(open(f).read() for f in glob.glob(TESTS + '/test_*.py'))\n"
        # The end of the file, where the hidden test is: a message keeps 30 lines.
        "    text = chr(10).join(text.splitlines()[-25:])\n"
        "    raise ValueError(text)\n",
    )
    source = f"TESTS = {str(pytester.path)!r}\n" + leak
    # In the grader's process: sandboxed as root, the student's user could not even read
    # the tests here; without root (or without the sandbox) it can, and the grade hides them.
    results = grade(pytester, source, "--dimgrad-sandbox=off")
    assert_complete(results)
    (visible,) = [t for t in results["tests"] if t["name"].endswith("W_A_plus_b")]
    assert visible["score"] == 0
    assert "updated = student.update_parameters(parameters, grads, 0.1)" in visible["output"]
    assert "test_gradients_of_a_deeper_network" not in visible["output"]
    assert "[6, 5, 4, 3, 1], m=9" not in visible["output"]
    assert "[hidden]" in visible["output"]
