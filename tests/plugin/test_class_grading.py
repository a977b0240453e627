"""Grading a class with one command: folders, files and notebooks, in parallel, resumable."""

import csv
import io
import json
from pathlib import Path

import pytest

from gradcheck.grading._batch import ClassGradingError, grade_class, submissions_in
from gradcheck.grading._batch_cli import main
from gradcheck.grading._notebook import notebook_code

from .cheating import CORRECT, RANK_ONE_DB

# A small assignment: two tests, three points, its own pytest.ini naming the module.
TESTS = {
    "pytest.ini": "[pytest]\ndimgrad_student = assignment\n",
    "test_small.py": (
        "import numpy as np\nimport pytest\n\n"
        "@pytest.mark.points(1)\n"
        "def test_linear_forward(student):\n"
        "    Z, _ = student.linear_forward(np.ones((3, 2)), np.ones((2, 3)), np.zeros((2, 1)))\n"
        "    np.testing.assert_allclose(Z, 3 * np.ones((2, 2)))\n\n"
        "@pytest.mark.points(2)\n"
        "def test_db_is_a_column(student):\n"
        "    cache = (np.ones((3, 4)), np.ones((2, 3)), None)\n"
        "    _, _, db = student.linear_backward(np.ones((2, 4)), cache)\n"
        "    assert db.shape == (2, 1)\n"
    ),
}


def notebook(*cells: str) -> str:
    return json.dumps(
        {
            "cells": [{"cell_type": "code", "metadata": {}, "source": c} for c in cells],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


@pytest.fixture
def course(tmp_path: Path) -> tuple[Path, Path, Path]:
    tests = tmp_path / "tests"
    tests.mkdir()
    for name, text in TESTS.items():
        (tests / name).write_text(text)
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    (submissions / "ada.py").write_text(CORRECT)
    (submissions / "bob").mkdir()
    (submissions / "bob" / "assignment.py").write_text(RANK_ONE_DB)
    # A conftest.py shipped with a submission never reaches the grader.
    (submissions / "bob" / "conftest.py").write_text(
        "import pytest\n\n@pytest.hookimpl(wrapper=True)\n"
        "def pytest_runtest_makereport(item, call):\n"
        "    report = yield\n    report.outcome = 'passed'\n    return report\n"
    )
    (submissions / "bob" / "timestamp.txt").write_text("2026-11-20 23:59:01 UTC\n")
    (submissions / "cy.ipynb").write_text(
        notebook("%matplotlib inline\nimport numpy as np\n", CORRECT + "\nwhile True:\n    pass\n")
    )
    return submissions, tests, tmp_path / "grades"


@pytest.mark.slow
def test_a_class_is_graded_into_results_a_gradebook_and_a_summary(
    course: tuple[Path, Path, Path],
) -> None:
    submissions, tests, out = course
    rows = grade_class(submissions, tests, out, jobs=2)
    assert [(row["student"], row["results"]["score"]) for row in rows] == [
        ("ada", 3),
        ("bob", 1),
        ("cy", 3),
    ]
    for student in ("ada", "bob", "cy"):
        results = json.loads((out / "students" / student / "results.json").read_text())
        assert len(results["tests"]) == 2
    book = list(csv.reader(io.StringIO((out / "gradebook.csv").read_text())))
    assert book[0] == [
        "student",
        "score",
        "max_score",
        "test_small.py::test_linear_forward",
        "test_small.py::test_db_is_a_column",
        "status",
        "submitted_at",
    ]
    assert book[2] == ["bob", "1", "3", "1", "0", "graded", "2026-11-20 23:59:01 UTC"]
    summary = (out / "summary.md").read_text()
    assert "3 of 3 submissions graded" in summary
    assert (
        "| test_small.py::test_db_is_a_column | 2 | 2/3 | 1x: Wrong result: AssertionError"
        in summary
    )

    # Run again: nothing changed, nothing is graded again; a changed submission is.
    (submissions / "bob" / "assignment.py").write_text(CORRECT)
    again = grade_class(submissions, tests, out, jobs=2)
    assert [row.get("resumed", False) for row in again] == [True, False, True]
    assert [row["results"]["score"] for row in again] == [3, 3, 3]


def test_a_notebook_gives_its_functions_and_imports_and_runs_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    path.write_text(
        notebook(
            "%matplotlib inline\nimport numpy as np\nprint('training')\n",
            "@staticmethod\ndef f(x):\n    return np.sum(x)\n\nf(3)\nwhile True:\n    pass\n",
            "def broken(:\n",
        )
    )
    source, problems = notebook_code(path)
    assert "import numpy as np" in source and "@staticmethod\ndef f(x):" in source
    assert "print(" not in source and "while True" not in source and "%matplotlib" not in source
    assert problems == ["cell 3: invalid syntax (line 1)"]


def test_two_submissions_of_one_student_are_an_error(tmp_path: Path) -> None:
    (tmp_path / "ada.py").write_text("")
    (tmp_path / "ada.ipynb").write_text("{}")
    with pytest.raises(ClassGradingError, match="two submissions for the same student: ada"):
        submissions_in(tmp_path)


def test_the_command_says_which_module_it_needs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "subs").mkdir()
    (tmp_path / "tests").mkdir()
    code = main([str(tmp_path / "subs"), "--tests", str(tmp_path / "tests"), "--no-progress"])
    assert code == 2
    assert "which module do the students write? Give --module NAME" in capsys.readouterr().err
