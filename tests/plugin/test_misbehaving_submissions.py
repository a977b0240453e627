"""--grade-json against submissions that misbehave: each costs its own tests, never the grade."""

import json
from typing import Any

import pytest

pytest_plugins = ["pytester"]


def grade(pytester: pytest.Pytester, *args: str) -> tuple[pytest.RunResult, dict[str, Any]]:
    # In the grader's own process: test_cheating_submissions.py grades them sandboxed.
    result = pytester.runpytest(
        "--grade-json=results.json", "--dimgrad-sandbox=off", "-p", "no:cacheprovider", *args
    )
    return result, json.loads((pytester.path / "results.json").read_text())


def by_name(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {test["name"]: test for test in results["tests"]}


IMPORTS_AT_THE_TOP = """
import pytest
import student

@pytest.mark.points(2)
def test_imports_at_the_top():
    pass
"""

USES_THE_FIXTURE = """
import pytest

@pytest.mark.points(3)
def test_uses_the_fixture(student):
    pass
"""

UNRELATED = "def test_unrelated():\n    pass\n"


def test_sys_exit_at_import_costs_the_tests_that_import_it_not_the_run(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        student="import sys\nprint('x' * 100_000)\nsys.exit('bye')\n",
        test_top=IMPORTS_AT_THE_TOP,
        test_fixture=USES_THE_FIXTURE,
        test_unrelated=UNRELATED,
    )
    result, results = grade(pytester, "--dimgrad-student=student")
    result.stdout.no_fnmatch_line("*INTERNALERROR*")
    tests = by_name(results)
    assert {name: (t["score"], t["max_score"]) for name, t in tests.items()} == {
        "test_top.py::test_imports_at_the_top": (0, 2),
        "test_fixture.py::test_uses_the_fixture": (0, 3),
        "test_unrelated.py::test_unrelated": (1, 1),
    }
    hint = "Your code called sys.exit() or exit() while being imported"
    top = tests["test_top.py::test_imports_at_the_top"]["output"]
    assert top.startswith(
        "Your code could not be imported by test_top.py, so none of its tests ran "
        "(0 points each): SystemExit: bye"
    )
    assert hint in top
    fixture = tests["test_fixture.py::test_uses_the_fixture"]["output"]
    assert fixture.startswith(
        "Your module 'student' could not be imported, so this test could not run: "
        "SystemExit: bye (line 3)"
    )
    assert hint in fixture


def test_sys_exit_at_import_without_grading_is_left_to_pytest(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(student="import sys\nsys.exit('bye')\n", test_top=IMPORTS_AT_THE_TOP)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*INTERNALERROR*SystemExit: bye*"])


def test_an_infinite_loop_at_import_costs_the_tests_of_that_file_not_the_run(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        student="x = 0\nwhile True:\n    x += 1\n",
        test_top=IMPORTS_AT_THE_TOP,
        test_unrelated=UNRELATED,
    )
    result, results = grade(pytester, "--dimgrad-timeout=0.5")
    result.assert_outcomes(passed=1, errors=1)
    tests = by_name(results)
    top = tests["test_top.py::test_imports_at_the_top"]
    assert (top["score"], top["max_score"]) == (0, 2)
    assert top["output"] == (
        "Time limit exceeded while importing test_top.py (>0.5s), so none of its tests ran "
        "(0 points each): your code never finished loading. Is there an infinite loop, or a "
        "long computation, at the top level of your module?"
    )
    assert tests["test_unrelated.py::test_unrelated"]["score"] == 1


def test_a_slow_test_file_of_the_instructor_is_blamed_on_the_tests(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_slow="while True:\n    pass\n\ndef test_one():\n    pass\n")
    _, results = grade(pytester, "--dimgrad-timeout=0.5")
    (test,) = results["tests"]
    assert test["output"].startswith("Time limit exceeded while importing test_slow.py (>0.5s)")
    assert test["output"].endswith("the test file? Please tell your instructor.")


MISSING = """
import pytest

@pytest.mark.points(2)
def test_calls_a_function_the_submission_lacks(student):
    student.L_model_forward(None, None)

@pytest.mark.points(3)
def test_gradient_check_of_a_module_without_the_functions(student, gradcheck):
    gradcheck(student, {}, None, None)

def test_a_typo_in_the_tests_is_still_the_tests(student):
    student.add(1, 2).no_such_attribute
"""


def test_a_function_missing_from_the_submission_is_blamed_on_the_submission(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(student="def add(a, b):\n    return a + b\n", test_missing=MISSING)
    _, results = grade(pytester, "--dimgrad-student=student")
    tests = {name.split("::")[-1]: test for name, test in by_name(results).items()}
    message = (
        "Your module 'student' has no 'L_model_forward', which this test needs: is it "
        "misspelled, renamed, or not written yet?"
    )
    assert tests["test_calls_a_function_the_submission_lacks"]["output"] == message
    assert tests["test_gradient_check_of_a_module_without_the_functions"]["output"] == message
    assert tests["test_a_typo_in_the_tests_is_still_the_tests"]["output"].startswith(
        "Error in the tests themselves while running this test"
    )
    assert results["score"] == 0


def test_a_run_killed_midway_still_leaves_a_complete_results_json(
    pytester: pytest.Pytester,
) -> None:
    # os._exit ends the process at once: no hook runs after it, so what is on disk is what
    # was rewritten as the tests before it finished.
    pytester.makepyfile(
        test_exit="""
        import os
        import pytest

        @pytest.mark.points(2)
        def test_before():
            pass

        @pytest.mark.points(3)
        def test_exits():
            os._exit(3)

        def test_after():
            pass
        """
    )
    result = pytester.runpytest_subprocess(
        "--grade-json=results.json", "--dimgrad-sandbox=off", "-p", "no:cacheprovider"
    )
    assert result.ret == 3
    results = json.loads((pytester.path / "results.json").read_text())
    tests = by_name(results)
    assert {name: (t["score"], t["max_score"]) for name, t in tests.items()} == {
        "test_exit.py::test_before": (2, 2),
        "test_exit.py::test_exits": (0, 3),
        "test_exit.py::test_after": (0, 1),
    }
    assert results["score"] == 2
    assert results["output"].startswith("The run did not finish: the Python process exited")
    assert tests["test_exit.py::test_exits"]["output"].startswith(
        "This test had not finished when the run stopped"
    )


def test_each_case_of_a_parametrized_test_and_each_file_of_a_shared_name_counts_apart(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_one="""
        import pytest

        @pytest.mark.points(2)
        @pytest.mark.parametrize("n", [1, 2, 3])
        def test_case(n):
            assert n != 2

        def test_shared_name():
            pass
        """,
        test_two="def test_shared_name():\n    assert False\n",
    )
    _, results = grade(pytester)
    scores = {name: (t["score"], t["max_score"]) for name, t in by_name(results).items()}
    assert scores == {
        "test_one.py::test_case[1]": (2, 2),
        "test_one.py::test_case[2]": (0, 2),
        "test_one.py::test_case[3]": (2, 2),
        "test_one.py::test_shared_name": (1, 1),
        "test_two.py::test_shared_name": (0, 1),
    }
    assert results["score"] == sum(test["score"] for test in results["tests"]) == 5


def test_the_output_never_shows_a_traceback_of_the_toolkit_or_of_pytest(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        student="def add(a, b):\n    return a + b\n\ndef boom():\n    raise ValueError('no')\n",
        test_many="""
        import pytest

        def test_raises(student):
            student.boom()

        def test_wrong(student):
            assert student.add(1, 1) == 3

        def test_missing(student, gradcheck):
            gradcheck(student, {}, None, None)

        def test_gradient(gradcheck):
            import numpy as np
            W = np.ones((2, 3))
            gradcheck(lambda p: float((p["W1"] ** 2).sum()), {"W1": W}, {"dW1": 4 * W})
        """,
    )
    _, results = grade(pytester, "--dimgrad-student=student")
    outputs = [test["output"] for test in results["tests"]]
    assert len(outputs) == 4 and all(outputs)
    for output in outputs:
        assert "Traceback" not in output
        assert "/_pytest/" not in output and "_pytest_plugin" not in output
        assert "gradcheck/" not in output and "site-packages" not in output
    # pytest's assertion message shows the module; where the grader keeps it is not news.
    wrong = by_name(results)["test_many.py::test_wrong"]["output"]
    assert "<module 'student'>.add" in wrong
    assert str(pytester.path) not in wrong


@pytest.mark.parametrize(
    "args",
    [(), ("-n", "1", "--max-worker-restart=0")],
    ids=["serial", "every xdist worker crashes"],
)
def test_a_submission_that_kills_the_process_at_import_still_lists_every_test(
    pytester: pytest.Pytester, args: tuple[str, ...]
) -> None:
    pytester.makepyfile(
        student="import os\nos._exit(3)\n",
        test_top=IMPORTS_AT_THE_TOP,
        test_unrelated=UNRELATED,
    )
    pytester.runpytest_subprocess(
        "--grade-json=results.json", "--dimgrad-sandbox=off", "-p", "no:cacheprovider", *args
    )
    results = json.loads((pytester.path / "results.json").read_text())
    assert {name: (t["score"], t["max_score"]) for name, t in by_name(results).items()} == {
        "test_top.py::test_imports_at_the_top": (0, 2),
        "test_unrelated.py::test_unrelated": (0, 1),
    }
    outputs = {test["output"] for test in results["tests"]}
    if args:
        assert (
            "pytest-xdist workers that crashed: gw0 (while importing the test files)"
            in (results["output"])
        )
        assert outputs == {
            "This test could not run: the Python processes running the tests crashed while "
            "importing the test files (os._exit() or a crash at the top level of your code?): "
            "0 points."
        }
    else:
        assert results["output"].startswith("The run did not finish")
        assert all(output.startswith("This test had not finished") for output in outputs)


def test_a_conftest_importing_a_broken_submission_still_writes_the_grade(
    pytester: pytest.Pytester,
) -> None:
    # pytest stops while loading conftest.py, before collecting: the tests come from the
    # test files' source.
    pytester.makepyfile(
        student="def add(a, b)\n    return a + b\n",
        conftest="import student\n",
        test_top=IMPORTS_AT_THE_TOP,
        test_unrelated=UNRELATED,
    )
    result, results = grade(pytester)
    assert result.ret != 0
    tests = by_name(results)
    assert {name: (t["score"], t["max_score"]) for name, t in tests.items()} == {
        "test_top.py::test_imports_at_the_top": (0, 2),
        "test_unrelated.py::test_unrelated": (0, 1),
    }
    assert tests["test_unrelated.py::test_unrelated"]["output"] == (
        "Your code could not be imported by conftest.py, so none of its tests ran "
        "(0 points each): SyntaxError: expected ':' (student.py, line 1)"
    )
    assert "conftest.py: Your code could not be imported" in results["output"]


def test_a_broken_conftest_of_the_instructor_is_blamed_on_the_tests(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(conftest="raise RuntimeError('setup broke')\n", test_unrelated=UNRELATED)
    _, results = grade(pytester)
    (test,) = results["tests"]
    message = (
        "Error in the test file conftest.py itself, so none of its tests ran (0 points each; "
        "not raised by your code): RuntimeError: setup broke"
    )
    assert test["output"].startswith(message)
    # A conftest.py below the root is loaded while collecting: its directory's tests are
    # listed, and the tests elsewhere run.
    (pytester.path / "conftest.py").unlink()
    part = pytester.mkdir("part")
    (part / "conftest.py").write_text("raise RuntimeError('setup broke')\n")
    (part / "test_part.py").write_text("def test_in_part():\n    pass\n")
    _, results = grade(pytester)
    tests = by_name(results)
    assert tests["test_unrelated.py::test_unrelated"]["score"] == 1
    assert tests["part/test_part.py::test_in_part"]["output"].startswith(message)
    assert "site-packages" not in results["output"] and "importlib" not in results["output"]
