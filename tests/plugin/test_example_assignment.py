"""The example assignment graded end to end: each submission loses exactly what it should."""

import json
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["pytester"]

EXAMPLE = Path(__file__).parents[2] / "examples" / "assignment"
CORRECT = (EXAMPLE / "assignment.py").read_text()
DB = "    db = np.sum(dZ, axis=1, keepdims=True) / m\n"
assert DB in CORRECT, "the planted bugs below edit this line of the example submission"
MISSING_ONE_OVER_M = CORRECT.replace(DB, "    db = np.sum(dZ, axis=1, keepdims=True)\n")
RANK_ONE_DB = CORRECT.replace(DB, "    db = np.sum(dZ, axis=1) / m\n")
SYNTAX_ERROR = CORRECT.replace("def compute_cost(AL, Y):", "def compute_cost(AL, Y)")
# The course's own update_parameters: it writes the new values into the dict it is given.
COURSE_UPDATE = CORRECT[: CORRECT.index("def update_parameters")] + (
    "def update_parameters(parameters, grads, learning_rate):\n"
    "    L = len(parameters) // 2\n"
    "    for l in range(L):\n"
    "        parameters['W' + str(l + 1)] = parameters['W' + str(l + 1)] - learning_rate * "
    "grads['dW' + str(l + 1)]\n"
    "        parameters['b' + str(l + 1)] = parameters['b' + str(l + 1)] - learning_rate * "
    "grads['db' + str(l + 1)]\n"
    "    return parameters\n"
)

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


def submit(pytester: pytest.Pytester, submission: str) -> None:
    pytester.makefile(".ini", pytest=(EXAMPLE / "pytest.ini").read_text())
    pytester.makepyfile(
        assignment=submission,
        test_assignment=(EXAMPLE / "test_assignment.py").read_text(),
        solution=(EXAMPLE / "solution.py").read_text(),
    )


def grade(pytester: pytest.Pytester, *args: str, subprocess: bool = False) -> dict[str, Any]:
    run = pytester.runpytest_subprocess if subprocess else pytester.runpytest
    run("--grade-json=results.json", *args)
    return json.loads((pytester.path / "results.json").read_text())


def lost(results: dict[str, Any]) -> dict[str, float]:
    return {
        test["name"].split("::")[-1]: test["max_score"] - test["score"]
        for test in results["tests"]
        if test["score"] < test["max_score"]
    }


def outputs(results: dict[str, Any]) -> dict[str, str]:
    return {test["name"].split("::")[-1]: test["output"] for test in results["tests"]}


def test_every_test_keeps_its_points_and_visibility_whatever_the_submission(
    pytester: pytest.Pytester,
) -> None:
    submit(pytester, SYNTAX_ERROR)
    results = grade(pytester)
    tests = {test["name"].split("::")[-1]: test for test in results["tests"]}
    assert {name: test["max_score"] for name, test in tests.items()} == POINTS
    visibility = {name: test["visibility"] for name, test in tests.items()}
    assert visibility["test_update_parameters_takes_one_gradient_descent_step"] == "after_due_date"
    assert visibility["test_gradients_of_a_deeper_network_match_finite_differences"] == "hidden"


@pytest.mark.parametrize(
    "submission", [CORRECT, COURSE_UPDATE], ids=["example", "the course's update_parameters"]
)
def test_a_correct_submission_scores_full_marks(pytester: pytest.Pytester, submission: str) -> None:
    submit(pytester, submission)
    results = grade(pytester)
    assert results["score"] == sum(POINTS.values()) == 12
    assert lost(results) == {}
    assert all(test["status"] == "passed" for test in results["tests"])


def test_a_missing_one_over_m_loses_exactly_the_gradient_tests_and_names_db(
    pytester: pytest.Pytester,
) -> None:
    submit(pytester, MISSING_ONE_OVER_M)
    results = grade(pytester)
    assert lost(results) == {
        "test_L_model_backward_gradients_match_finite_differences": 3,
        "test_gradients_of_a_deeper_network_match_finite_differences": 2,
    }
    assert results["score"] == 7
    # Checked against the reference's forward and cost (solution.py): the same diagnosis.
    message = outputs(results)["test_L_model_backward_gradients_match_finite_differences"]
    assert message.startswith("Wrong gradient: db[1], db[2], db[3]\n")
    assert "db[1] is m = 7 x the numerical gradient: the 1/m is missing" in message


def test_a_rank_one_db_loses_exactly_the_backward_tests_and_says_keepdims(
    pytester: pytest.Pytester,
) -> None:
    submit(pytester, RANK_ONE_DB)
    results = grade(pytester)
    assert lost(results) == {
        "test_L_model_backward_gradients_match_finite_differences": 3,
        "test_L_model_backward_gradients_have_their_parameters_shapes": 1,
        "test_gradients_of_a_deeper_network_match_finite_differences": 2,
    }
    assert results["score"] == 6
    for name in lost(results):
        message = outputs(results)[name]
        assert message.startswith("Shape error in your code: ")
        assert "returned db[" in message
        assert "keepdims=True" in message


def test_the_example_is_graded_sandboxed_and_says_so_in_the_header(
    pytester: pytest.Pytester,
) -> None:
    submit(pytester, CORRECT)
    result = pytester.runpytest("--grade-json=results.json")
    result.stdout.fnmatch_lines(["dimgrad: *sandbox: 60s per test, 2048 MiB, 16 KiB of output*"])


def test_a_submission_that_does_not_import_scores_zero_with_the_reason(
    pytester: pytest.Pytester,
) -> None:
    submit(pytester, SYNTAX_ERROR)
    results = grade(pytester)
    assert results["score"] == 0
    assert lost(results) == POINTS
    for message in outputs(results).values():
        assert message.startswith(
            "Your module 'assignment' could not be imported, so this test could not run: "
            "SyntaxError: expected ':' (assignment.py, line "
        )


def test_the_grading_profile_is_loaded_for_the_property_test(pytester: pytest.Pytester) -> None:
    submit(pytester, CORRECT)
    pytester.makepyfile(
        test_profile="""
        from hypothesis import settings

        def test_profile():
            current = settings.default
            assert settings.get_current_profile_name() == "dimgrad-grading"
            assert current.derandomize and current.database is None
            assert current.deadline is None and current.max_examples == 25
        """
    )
    results = grade(pytester, "test_profile.py")
    assert results["score"] == 1


@pytest.mark.slow
def test_results_under_xdist_equal_the_serial_ones(pytester: pytest.Pytester) -> None:
    # Shape-checked in each worker. (A submission that does not import is graded under
    # xdist in test_grading.py's test_results_are_the_same_and_complete_under_xdist.)
    submit(pytester, RANK_ONE_DB)
    serial = grade(pytester)
    parallel = grade(pytester, "-n", "2", subprocess=True)
    for results in (serial, parallel):
        del results["execution_time"]
    assert parallel == serial
    assert len(parallel["tests"]) == len(POINTS)
