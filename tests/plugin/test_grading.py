"""--grade-json: Gradescope's results.json, complete whatever the submission does."""

import json
from typing import Any

import pytest

pytest_plugins = ["pytester"]

STUDENT = """
def add(a, b):
    return a + b

def sub(a, b):
    return a + b

def boom():
    raise ValueError("the student's own error")

def spin():
    while True:
        pass
"""

TESTS = """
import pytest
import student

@pytest.mark.points(2)
def test_add_adds():
    assert student.add(1, 2) == 3

@pytest.mark.points(3)
@pytest.mark.visibility("hidden")
def test_sub_subtracts():
    assert student.sub(3, 2) == 1

def test_boom_is_called():
    student.boom()

def test_with_a_typo_in_the_test():
    undefined_name_in_the_test

@pytest.fixture
def broken_fixture():
    raise RuntimeError("the fixture broke")

@pytest.mark.points(4)
def test_using_a_broken_fixture(broken_fixture):
    pass
"""


# In the grader's own process: the sandbox has tests of its own (test_sandbox.py).
IN_PROCESS = "--dimgrad-sandbox=off"


def grade(pytester: pytest.Pytester, *args: str) -> tuple[pytest.RunResult, dict[str, Any]]:
    result = pytester.runpytest("--grade-json=out/results.json", IN_PROCESS, *args)
    results = json.loads((pytester.path / "out" / "results.json").read_text())
    return result, results


def by_name(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {test["name"].split("::")[-1]: test for test in results["tests"]}


def test_each_test_scores_its_points_when_it_passes_and_zero_otherwise(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(student=STUDENT, test_graded=TESTS)
    result, results = grade(pytester)
    result.assert_outcomes(passed=1, failed=3, errors=1)
    tests = by_name(results)
    assert [t["name"] for t in results["tests"]] == [
        "test_graded.py::test_add_adds",
        "test_graded.py::test_sub_subtracts",
        "test_graded.py::test_boom_is_called",
        "test_graded.py::test_with_a_typo_in_the_test",
        "test_graded.py::test_using_a_broken_fixture",
    ]
    assert {name: (t["score"], t["max_score"], t["status"]) for name, t in tests.items()} == {
        "test_add_adds": (2, 2, "passed"),
        "test_sub_subtracts": (0, 3, "failed"),
        "test_boom_is_called": (0, 1, "failed"),
        "test_with_a_typo_in_the_test": (0, 1, "failed"),
        "test_using_a_broken_fixture": (0, 4, "failed"),
    }
    assert results["score"] == 2
    assert results["output"].startswith("2 / 11 points; 4 of 5 tests not passed.")
    assert set(results) >= {"score", "tests", "output", "visibility", "execution_time"}
    assert results["test_output_format"] == "text"
    assert results["score"] == sum(test["score"] for test in results["tests"])


def test_the_visibility_marker_reaches_each_test_and_the_ini_key_the_whole(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini("[pytest]\ndimgrad_visibility = after_due_date\n")
    pytester.makepyfile(student=STUDENT, test_graded=TESTS)
    _, results = grade(pytester)
    tests = by_name(results)
    assert tests["test_sub_subtracts"]["visibility"] == "hidden"
    assert tests["test_add_adds"]["visibility"] == "visible"
    assert results["visibility"] == "after_due_date"


def test_messages_separate_your_code_raised_from_an_error_in_the_tests(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(student=STUDENT, test_graded=TESTS)
    _, results = grade(pytester)
    tests = by_name(results)
    assert tests["test_boom_is_called"]["output"] == (
        "Your code raised an exception: ValueError: the student's own error\n"
        "  at student.py, line 8, in boom"
    )
    assert tests["test_sub_subtracts"]["output"].startswith(
        "Wrong result: AssertionError: assert 5 == 1"
    )
    typo = tests["test_with_a_typo_in_the_test"]["output"]
    assert typo.startswith(
        "Error in the tests themselves while running this test, not raised by your code: "
        "NameError: name 'undefined_name_in_the_test' is not defined"
    )
    assert typo.endswith("Please tell your instructor.")
    fixture = tests["test_using_a_broken_fixture"]["output"]
    assert fixture.startswith(
        "Error in the tests themselves while setting up this test, not raised by your code: "
        "RuntimeError: the fixture broke"
    )
    assert tests["test_add_adds"]["output"] == ""


def test_the_student_module_named_by_student_files_is_blamed_even_from_a_fixture(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        student=STUDENT,
        test_graded="""
        import pytest
        import student

        @pytest.fixture
        def value():
            return student.boom()

        def test_uses_the_value(value):
            pass
        """,
    )
    _, results = grade(pytester, "--dimgrad-student=student")
    (test,) = results["tests"]
    assert test["output"].startswith(
        "Your code raised an exception while the test was being set up: "
        "ValueError: the student's own error"
    )


def test_a_test_file_that_cannot_import_the_submission_still_lists_every_test(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_graded="""
        import pytest
        import missing_submission

        @pytest.mark.points(4)
        def test_one():
            pass

        @pytest.mark.parametrize("case", [1, 2, 3])
        def test_cases(case):
            pass

        @pytest.mark.parametrize("case", [[1], [2]])
        def test_computed_cases(case):
            pass

        class TestGroup:
            @pytest.mark.points(2)
            @pytest.mark.visibility("hidden")
            def test_in_a_class(self):
                pass
        """,
        test_other="def test_unrelated():\n    pass\n",
    )
    result, results = grade(pytester)
    result.assert_outcomes(passed=1, errors=1)
    tests = {t["name"]: t for t in results["tests"]}
    assert {name: (t["score"], t["max_score"]) for name, t in tests.items()} == {
        "test_graded.py::test_one": (0, 4),
        # The ids pytest gives the cases when the file imports.
        "test_graded.py::test_cases[1]": (0, 1),
        "test_graded.py::test_cases[2]": (0, 1),
        "test_graded.py::test_cases[3]": (0, 1),
        "test_graded.py::test_computed_cases[case 0]": (0, 1),
        "test_graded.py::test_computed_cases[case 1]": (0, 1),
        "test_graded.py::TestGroup::test_in_a_class": (0, 2),
        "test_other.py::test_unrelated": (1, 1),
    }
    assert tests["test_graded.py::TestGroup::test_in_a_class"]["visibility"] == "hidden"
    assert tests["test_graded.py::test_one"]["output"] == (
        "Your code could not be imported by test_graded.py, so none of its tests ran "
        "(0 points each): ModuleNotFoundError: No module named 'missing_submission'"
    )
    assert "test_graded.py" in results["output"]


def test_a_broken_test_file_is_blamed_on_the_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_graded="""
        import pytest

        pytestmark = [pytest.mark.points(3), pytest.mark.visibility("hidden")]

        raise RuntimeError("the instructor's file is broken")

        def test_one():
            pass
        """
    )
    _, results = grade(pytester)
    (test,) = results["tests"]
    assert (test["max_score"], test["visibility"]) == (3, "hidden")
    assert test["output"].startswith("Error in the test file test_graded.py itself")
    assert "RuntimeError: the instructor's file is broken" in test["output"]


def test_the_student_fixture_turns_an_import_failure_into_zero_points_per_test(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        student="def add(a, b)\n    return a + b\n",
        test_graded="""
        import pytest

        @pytest.mark.points(2)
        def test_add(student):
            assert student.add(1, 2) == 3

        @pytest.mark.points(5)
        def test_add_again(student):
            assert student.add(2, 2) == 4
        """,
    )
    result, results = grade(pytester, "--dimgrad-student=student")
    result.assert_outcomes(errors=2)
    assert [(t["score"], t["max_score"]) for t in results["tests"]] == [(0, 2), (0, 5)]
    for test in results["tests"]:
        assert test["output"] == (
            "Your module 'student' could not be imported, so this test could not run: "
            "SyntaxError: expected ':' (student.py, line 1)"
        )


def test_the_student_fixture_without_a_module_name_says_how_to_give_one(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile("def test_add(student):\n    pass\n")
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*the `student` fixture needs the module's name: *"])


def test_an_infinite_loop_costs_one_test_not_the_whole_run(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        student=STUDENT,
        test_graded="""
        import student

        def test_spins():
            student.spin()

        def test_adds():
            assert student.add(1, 1) == 2
        """,
    )
    result, results = grade(pytester, "--dimgrad-timeout=0.5")
    result.assert_outcomes(passed=1, failed=1)
    spins, adds = results["tests"]
    assert spins["score"] == 0
    assert spins["output"].startswith("Time limit exceeded (>0.5s): the test was stopped")
    assert adds["score"] == 1


def test_pytest_timeouts_own_setting_wins_over_the_default_limit(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile("def test_quick():\n    pass\n")
    result = pytester.runpytest("--grade-json=r.json", "--timeout=5", "-v")
    result.stdout.fnmatch_lines(["*timeout: 5.0s*"])


def test_skipped_and_xfailed_tests_score_as_their_outcome_says(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        def test_skipped():
            pytest.skip("not today")

        @pytest.mark.xfail(reason="known")
        def test_expected_failure():
            assert False

        @pytest.mark.xfail(strict=True, reason="must fail")
        def test_unexpected_pass():
            pass
        """
    )
    _, results = grade(pytester)
    tests = by_name(results)
    assert tests["test_skipped"]["score"] == 0
    assert tests["test_skipped"]["output"] == "Skipped, so 0 points: not today"
    assert tests["test_expected_failure"]["score"] == 1
    assert tests["test_unexpected_pass"]["score"] == 0


def test_tests_not_run_after_maxfail_are_listed_with_zero(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_fails():
            assert False

        def test_never_runs():
            pass
        """
    )
    _, results = grade(pytester, "-x")
    tests = by_name(results)
    assert tests["test_never_runs"]["max_score"] == 1
    assert tests["test_never_runs"]["score"] == 0
    assert "did not run" in tests["test_never_runs"]["output"]


def test_the_default_points_come_from_the_ini_key(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ndimgrad_default_points = 2.5\n")
    pytester.makepyfile("def test_one():\n    pass\n")
    _, results = grade(pytester)
    assert results["tests"][0]["max_score"] == 2.5
    assert results["score"] == 2.5


def test_the_terminal_summary_gives_the_grade(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(student=STUDENT, test_graded=TESTS)
    result, _ = grade(pytester)
    result.stdout.fnmatch_lines(["*= dimgrad =*", "grade: 2 / 11 points, written to *results.json"])


def test_a_results_file_is_written_atomically_to_a_new_directory(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile("def test_one():\n    pass\n")
    pytester.runpytest("--grade-json=deep/er/results.json")
    assert json.loads((pytester.path / "deep/er/results.json").read_text())["score"] == 1
    assert not list((pytester.path / "deep/er").glob("*.partial"))


CRASH = """
import os
import pytest

@pytest.mark.points(2)
def test_crashes_its_worker():
    os._exit(3)

@pytest.mark.points(3)
def test_after_the_crash():
    pass
"""


SHAPE_BUG = """
import dimcheck
import student

def test_raises_a_shape_error():
    student.shape_error()

def test_gradcheck_fails(gradcheck):
    gradcheck(lambda p: float((p["W1"] ** 2).sum()), {"W1": student.W}, {"dW1": 4 * student.W})

def test_spins_until_its_time_limit():
    student.spin()
"""


def test_results_are_the_same_and_complete_under_xdist(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        student=STUDENT
        + "\nimport dimcheck, numpy\nW = numpy.ones((2, 3))\n"
        + "def shape_error():\n    raise dimcheck.ShapeError('db[1] must be (n[1], 1)')\n",
        test_graded=TESTS,
        test_broken="import missing_submission\n\ndef test_one():\n    pass\n",
        test_shapes=SHAPE_BUG,
        # The `student` fixture of a submission that does not import, in each worker.
        unimportable="def f(:\n",
        test_fixture="def test_uses_the_fixture(student):\n    pass\n",
    )
    pytester.makeini("[pytest]\ndimgrad_student = unimportable\n")
    limit = "--dimgrad-timeout=0.5"
    serial_run = pytester.runpytest("--grade-json=serial.json", limit, IN_PROCESS)
    result = pytester.runpytest_subprocess(
        "--grade-json=parallel.json", limit, IN_PROCESS, "-n", "2"
    )
    result.stdout.fnmatch_lines(["*grade: 2 / 16 points*"])
    serial = json.loads((pytester.path / "serial.json").read_text())
    parallel = json.loads((pytester.path / "parallel.json").read_text())
    for results in (serial, parallel):
        del results["execution_time"]
    assert parallel == serial
    assert len(parallel["tests"]) == 10
    assert by_name(parallel)["test_uses_the_fixture"]["output"].startswith(
        "Your module 'unimportable' could not be imported, so this test could not run: "
        "SyntaxError: invalid syntax"
    )
    assert by_name(parallel)["test_spins_until_its_time_limit"]["output"].startswith(
        "Time limit exceeded (>0.5s)"
    )
    # The terminal summary is gathered in the xdist controller as well.
    summary = [
        "shape: test_shapes.py::test_raises_a_shape_error: db[[]1] must be (n[[]1], 1)",
        "gradient: test_shapes.py::test_gradcheck_fails: dW[[]1] is 2.00 x*",
    ]
    serial_run.stdout.fnmatch_lines(summary, consecutive=False)
    result.stdout.fnmatch_lines(summary, consecutive=False)


def test_a_crashed_xdist_worker_costs_only_its_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_crash=CRASH)
    result = pytester.runpytest_subprocess("--grade-json=results.json", IN_PROCESS, "-n", "2")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    results = json.loads((pytester.path / "results.json").read_text())
    tests = by_name(results)
    assert (
        tests["test_crashes_its_worker"]["score"],
        tests["test_crashes_its_worker"]["max_score"],
    ) == (0, 2)
    assert tests["test_crashes_its_worker"]["output"].startswith(
        "The Python process running this test crashed"
    )
    assert tests["test_after_the_crash"]["score"] == 3


def test_collecting_only_writes_no_grade(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_one():\n    pass\n")
    pytester.runpytest("--grade-json=results.json", "--collect-only")
    assert not (pytester.path / "results.json").exists()


def test_a_missing_library_in_a_test_file_is_not_blamed_on_a_named_submission(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        student=STUDENT,
        test_graded="import student\nimport a_library_the_grader_lacks\n\n"
        "def test_one():\n    pass\n",
    )
    _, results = grade(pytester, "--dimgrad-student=student")
    assert results["tests"][0]["output"].startswith("Error in the test file test_graded.py itself")
    pytester.makepyfile(test_graded="import student_misnamed\n\ndef test_one():\n    pass\n")
    _, results = grade(pytester, "--dimgrad-student=student_misnamed")
    assert results["tests"][0]["output"].startswith("Your code could not be imported")
