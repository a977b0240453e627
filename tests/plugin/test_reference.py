"""The gradient fixture with the instructor's reference: only the reference decides."""

import json
from typing import Any

import pytest

from .cheating import CORRECT, EXAMPLE

pytest_plugins = ["pytester"]

TESTS = """
import numpy as np
import pytest
import solution

def problem(rng):
    parameters = {
        "W1": rng.standard_normal((3, 4)) * 0.7, "b1": rng.uniform(0.1, 0.5, (3, 1)),
        "W2": rng.standard_normal((1, 3)) * 0.7, "b2": rng.uniform(0.1, 0.5, (1, 1)),
    }
    X = rng.standard_normal((4, 5))
    Y = (rng.random((1, 5)) > 0.5).astype(float)
    return parameters, X, Y

def test_against_the_reference(student, gradcheck, rng):
    gradcheck(student, *problem(rng), reference=solution)

def test_against_a_pair_of_functions(student, gradcheck, rng):
    gradcheck(
        student, *problem(rng), reference=(solution.L_model_forward, solution.compute_cost)
    )
"""


def grade(pytester: pytest.Pytester, submission: str, *args: str) -> dict[str, Any]:
    pytester.makepyfile(
        assignment=submission, solution=(EXAMPLE / "solution.py").read_text(), test_it=TESTS
    )
    pytester.runpytest("--grade-json=results.json", "--dimgrad-student=assignment", *args)
    return json.loads((pytester.path / "results.json").read_text())


def outputs(results: dict[str, Any]) -> list[str]:
    return [test["output"] for test in results["tests"]]


@pytest.mark.parametrize("sandbox", ["on", "off"])
def test_correct_code_passes_against_the_reference(pytester: pytest.Pytester, sandbox: str) -> None:
    results = grade(pytester, CORRECT, f"--dimgrad-sandbox={sandbox}")
    assert results["score"] == 2, outputs(results)


def test_a_constant_cost_earns_nothing_and_is_named(pytester: pytest.Pytester) -> None:
    constant = CORRECT.replace(
        "    m = Y.shape[1]\n    cost = -np.sum(",
        "    return 0.5\n    m = Y.shape[1]\n    cost = -np.sum(",
    )
    assert constant != CORRECT
    results = grade(pytester, constant)
    assert results["score"] == 0
    for output in outputs(results):
        assert output.startswith(
            "Wrong result: Your cost J (computed from the reference's A[L]) differs from the "
            "reference's (largest difference "
        )


def test_a_forward_that_ignores_the_parameters_earns_nothing(pytester: pytest.Pytester) -> None:
    ignores = CORRECT.replace(
        "    caches = []\n    A = X\n",
        "    caches = []\n    A = X\n    parameters = {k: v * 0 for k, v in parameters.items()}\n",
    )
    assert ignores != CORRECT
    results = grade(pytester, ignores)
    assert results["score"] == 0
    assert outputs(results)[0].startswith("Wrong result: Your forward pass's A[L] differs")


def test_a_missing_one_over_m_is_diagnosed_against_the_reference(
    pytester: pytest.Pytester,
) -> None:
    missing = CORRECT.replace(
        "    db = np.sum(dZ, axis=1, keepdims=True) / m\n",
        "    db = np.sum(dZ, axis=1, keepdims=True)\n",
    )
    results = grade(pytester, missing)
    assert results["score"] == 0
    assert "db[1] is m = 5 x the numerical gradient: the 1/m is missing" in outputs(results)[0]


def test_a_reference_without_the_course_functions_is_an_error_of_the_tests(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        assignment=CORRECT,
        test_it="def test_it(student, gradcheck):\n"
        "    gradcheck(student, {}, None, None, reference=object())\n",
    )
    pytester.runpytest("--grade-json=results.json", "--dimgrad-student=assignment")
    (test,) = json.loads((pytester.path / "results.json").read_text())["tests"]
    assert test["output"].startswith("Error in the tests themselves")
    assert "reference= takes a module with L_model_forward" in test["output"]
