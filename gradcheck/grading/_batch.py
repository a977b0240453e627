"""Grading a whole class: a folder of submissions against the instructor's tests.

Each submission (a folder, or a single `.py` or `.ipynb` file, per student) is graded by
its own `pytest --grade-json` run of the instructor's tests, the student's module in its
sandboxed process with the run's limits; as many runs at once as there are cores. Each
student's `results.json`, then `gradebook.csv` and `summary.md`, are written to the output
folder. A student whose submission and tests are unchanged since their last grade is not
graded again: an interrupted run picks up where it stopped.
"""

from __future__ import annotations

import configparser
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from ._formats import write_atomically
from ._gradebook import gradebook_csv, summary_text
from ._notebook import notebook_code

# Seconds one student's whole run may take beyond its tests' limits: pytest's start-up,
# collection, the sandbox's start.
_RUN_ALLOWANCE = 120.0
_STAMP = ".dimgrad-stamp"


class ClassGradingError(ValueError):
    """The folder of submissions or the tests cannot be graded as given."""


def _student_module(tests: Path) -> str | None:
    """`dimgrad_student` (or the one module of `dimgrad_modules`) of the tests' pytest.ini."""
    ini = tests / "pytest.ini"
    if not ini.is_file():
        return None
    parser = configparser.ConfigParser()
    parser.read(ini, encoding="utf-8")
    if not parser.has_section("pytest"):
        return None
    student = parser.get("pytest", "dimgrad_student", fallback="").strip()
    modules = parser.get("pytest", "dimgrad_modules", fallback="").replace(",", " ").split()
    return student or (modules[0] if len(modules) == 1 else None)


def submissions_in(folder: Path) -> list[tuple[str, Path]]:
    """(student, path) for each submission: a folder, a `.py` or a `.ipynb` file."""
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "_")):
            continue
        if path.is_dir() or path.suffix in (".py", ".ipynb"):
            found.append((path.stem if path.is_file() else path.name, path))
    names = [name for name, _ in found]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ClassGradingError(
            f"two submissions for the same student: {', '.join(twice)} (a .py and a .ipynb?)"
        )
    return found


def prepare(submission: Path, module: str, work: Path) -> list[str]:
    """Writes the student's module (and the folder's other .py files) to `work`.

    **Returns:** problems worth telling the instructor (a notebook cell that did not parse,
    no file for the module).
    """
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    problems: list[str] = []
    target = work / f"{module}.py"
    if submission.is_file():
        candidates = [submission]
    else:
        for path in submission.glob("*.py"):
            if path.name != "conftest.py":  # never a plugin of the grader's, nor the child's
                shutil.copy2(path, work / path.name)
        candidates = [submission / f"{module}.py", submission / f"{module}.ipynb"]
        candidates += sorted(submission.glob("*.ipynb")) + sorted(submission.glob("*.py"))
    chosen = next((p for p in candidates if p.is_file() and p.name != "conftest.py"), None)
    if chosen is None:
        problems.append(f"no {module}.py or notebook in the submission")
    elif chosen.suffix == ".ipynb":
        try:
            source, bad_cells = notebook_code(chosen)
        except (OSError, ValueError) as error:
            source, bad_cells = "", [f"the notebook could not be read: {error}"]
        target.write_text(source, encoding="utf-8")
        problems += bad_cells
    elif chosen != target:
        shutil.copy2(chosen, target)
    return problems


def _digest(paths: Sequence[Path], extra: str) -> str:
    digest = hashlib.sha256(extra.encode())
    for root in paths:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" in path.parts or path.name.startswith("."):
                continue
            digest.update(str(path.relative_to(root.parent)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _submitted_at(submission: Path) -> str:
    stamp = submission / "timestamp.txt" if submission.is_dir() else None
    if stamp is not None and stamp.is_file():
        return stamp.read_text(encoding="utf-8").strip().splitlines()[0]
    return ""


def grade_one(
    student: str,
    submission: Path,
    tests: Path,
    out: Path,
    module: str,
    pytest_args: Sequence[str],
    run_limit: float,
    key: str,
) -> dict[str, Any]:
    """Grades one submission; returns its gradebook row."""
    folder = out / "students" / student
    folder.mkdir(parents=True, exist_ok=True)
    results_path = folder / "results.json"
    stamp = folder / _STAMP
    row: dict[str, Any] = {"student": student, "submitted_at": _submitted_at(submission)}
    if key and stamp.is_file() and stamp.read_text() == key and results_path.is_file():
        row.update(json.loads((folder / "row.json").read_text()))  # its status
        row["results"] = json.loads(results_path.read_text())
        row["resumed"] = True
        return row
    work = out / "work" / student
    problems = prepare(submission, module, work)
    results_path.unlink(missing_ok=True)
    command = [
        sys.executable, "-m", "pytest", str(tests), "-q", "-p", "no:cacheprovider",
        f"--rootdir={tests}", f"--grade-json={results_path}", f"--dimgrad-student={module}",
        f"--dimgrad-submission={work}", "--dimgrad-sandbox=on", *pytest_args,
    ]  # fmt: skip
    status = "graded"
    process = subprocess.Popen(
        command,
        cwd=tests,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # one signal ends the run and its xdist workers
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    try:
        log, _ = process.communicate(timeout=run_limit)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        log, _ = process.communicate()
        status = f"the grading run took more than {run_limit:g}s and was stopped"
    (folder / "pytest.log").write_bytes(log[-200_000:])
    if results_path.is_file():
        row["results"] = json.loads(results_path.read_text())
    else:
        row["results"] = None
        if status == "graded":
            status = f"pytest wrote no results (exit {process.returncode}): see pytest.log"
    if status == "graded" and problems:
        status = "graded; " + "; ".join(problems)
    row["status"] = status
    write_atomically(folder / "row.json", json.dumps({k: row[k] for k in ("status",)}))
    if key and status.startswith("graded"):
        stamp.write_text(key)
    shutil.rmtree(work, ignore_errors=True)
    return row


def grade_class(
    submissions: str | os.PathLike[str],
    tests: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    module: str | None = None,
    jobs: int | None = None,
    restart: bool = False,
    pytest_args: Sequence[str] = (),
    run_limit: float | None = None,
    on_done: Callable[[dict[str, Any]], None] | None = None,
) -> list[dict[str, Any]]:
    """Grades every submission in `submissions` with the tests in `tests`.

    **Arguments:**

    - `submissions`: a folder with one folder, `.py` or `.ipynb` file per student.
    - `tests`: the instructor's tests folder (its `pytest.ini` names the student's module).
    - `out`: where `students/<student>/results.json`, `gradebook.csv` and `summary.md` go.
    - `module`: the student's module name (default: `dimgrad_student` of the tests'
      `pytest.ini`).
    - `jobs`: submissions graded at once (default: every core).
    - `restart`: grade again even what is unchanged since its last grade.
    - `pytest_args`: more options for each run (`--dimgrad-timeout=10`, `-n 2`, ...).
    - `run_limit`: seconds for one student's whole run (default: generous).
    - `on_done`: called with each student's row as it is graded (a progress bar).

    **Returns:** the gradebook rows, one per student in name order: `student`, `status`,
    `submitted_at`, `results` (the student's results.json) and `resumed`.
    """
    submissions, tests, out = Path(submissions), Path(tests).resolve(), Path(out).resolve()
    if not submissions.is_dir():
        raise ClassGradingError(f"the submissions folder {submissions} does not exist")
    if not tests.is_dir():
        raise ClassGradingError(f"the tests folder {tests} does not exist")
    module = module or _student_module(tests)
    if not module:
        raise ClassGradingError(
            "which module do the students write? Give --module NAME, or dimgrad_student = NAME "
            f"in {tests / 'pytest.ini'}"
        )
    found = submissions_in(submissions)
    jobs = max(1, jobs or os.cpu_count() or 1)
    limit = run_limit or _RUN_ALLOWANCE + 60.0 * 20
    tests_digest = _digest([tests], " ".join([module, *pytest_args]))
    rows: dict[str, dict[str, Any]] = {}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {
            pool.submit(
                grade_one,
                student,
                path.resolve(),
                tests,
                out,
                module,
                list(pytest_args),
                limit,
                "" if restart else _digest([path], tests_digest),
            ): student
            for student, path in found
        }
        for future in as_completed(futures):
            row = future.result()
            rows[row["student"]] = row
            if on_done is not None:
                on_done(row)
    ordered = [rows[student] for student, _ in found]
    write_atomically(out / "gradebook.csv", gradebook_csv(ordered))
    write_atomically(out / "summary.md", summary_text(ordered))
    shutil.rmtree(out / "work", ignore_errors=True)
    return ordered
