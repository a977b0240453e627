"""The grade book of a pytest run: points per test, explanations, Gradescope's results.json.

Pure standard library, so that the pytest plugin can load it only when grading. The book
lives in the process that sees every test report: the only process without pytest-xdist,
the controller with it (xdist replays each worker's reports there through
`pytest_runtest_logreport`, and each worker sends its catalogue of collected tests in
`workeroutput`).
"""

from __future__ import annotations

import ast
import json
import os
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")

# Gradescope shows `output` in a browser; a runaway message must not drown the rest.
_MAX_OUTPUT = 4000
# `<function add at 0x7f...>`: memory addresses differ between runs and processes, and
# the same submission must get the same results.json serially and under pytest-xdist.
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")
# `<module 'assignment' from '/autograder/submission/assignment.py'>` in pytest's assertion
# messages: the grader's directories are no concern of the student's.
_MODULE_PATH = re.compile(r"(<module '[^']*') from '[^']*'>")


@dataclass
class Entry:
    """One test in the grade book.

    **Arguments:**

    - `nodeid`: pytest's id of the test (`test_x.py::test_y[case]`).
    - `points`: what the test is worth (`max_score` in results.json).
    - `visibility`: one of `VISIBILITIES`.
    - `order`: position in collection order, so results.json lists tests as they are written.
    """

    nodeid: str
    points: float
    visibility: str
    order: int = 1 << 30
    outcome: str = "not run"
    output: list[str] = field(default_factory=list)

    def fail(self, explanation: str) -> None:
        self.outcome = "failed"
        if explanation and explanation not in self.output:
            self.output.append(explanation)

    @property
    def score(self) -> float:
        return self.points if self.outcome == "passed" else 0.0

    def to_json(self, final: bool = True) -> dict[str, Any]:
        """The test's entry in results.json.

        **Arguments:**

        - `final`: False for the file rewritten while the run goes on, which stays behind
          when the run never ends normally: a test not yet finished then says so.
        """
        if self.outcome == "not run" and not final:
            output = (
                "This test had not finished when the run stopped (the Python process exited "
                "or was killed: os._exit() or a crash in the code under test, or the time "
                "limit of the whole run?): 0 points."
            )
        elif self.outcome == "not run":
            output = "This test did not run (the run was stopped before it): 0 points."
        else:
            output = _ADDRESS.sub(">", "\n\n".join(self.output))
            output = _MODULE_PATH.sub(r"\1>", output)
        if len(output) > _MAX_OUTPUT:
            output = output[:_MAX_OUTPUT] + "\n... (cut)"
        return {
            "name": self.nodeid,
            "score": self.score,
            "max_score": self.points,
            "status": "passed" if self.outcome == "passed" else "failed",
            "output": output,
            "visibility": self.visibility,
        }


class GradeBook:
    """Collects the outcome of every test and writes Gradescope's `results.json`.

    **Arguments:**

    - `default_points`: the worth of a test without `@pytest.mark.points(n)`.
    - `visibility`: the top-level visibility of the results.
    """

    def __init__(self, default_points: float = 1.0, visibility: str = "visible") -> None:
        self.default_points = default_points
        self.visibility = visibility
        self.entries: dict[str, Entry] = {}
        self.collection_errors: list[str] = []
        # Tests found by reading the test files before collection, listed only when no test
        # is ever collected: the process (or every pytest-xdist worker) died while a test
        # file imported the code under test.
        self.fallback: list[dict[str, Any]] = []
        self.crashes: list[str] = []
        self.started = time.monotonic()

    def catalogue(self, tests: Iterable[Mapping[str, Any]]) -> None:
        """Registers collected tests (dicts with `nodeid`, `points`, `visibility`)."""
        for order, test in enumerate(tests):
            entry = self._entry(test["nodeid"], test)
            entry.order = min(entry.order, order)

    def _entry(self, nodeid: str, info: Mapping[str, Any] | None) -> Entry:
        entry = self.entries.get(nodeid)
        if entry is None:
            info = info or {}
            entry = Entry(
                nodeid,
                float(info.get("points", self.default_points)),
                str(info.get("visibility", "visible")),
            )
            self.entries[nodeid] = entry
        return entry

    def record(self, report: Any) -> None:
        """Takes one phase report (`setup`, `call`, `teardown`) of one test."""
        info = getattr(report, "dimgrad", None)
        entry = self._entry(report.nodeid, info)
        explanation = (info or {}).get("explanation") or _longrepr_text(report)
        when = report.when
        if when not in ("setup", "call", "teardown"):
            # pytest-xdist makes a report with `when="???"` for a test whose worker died.
            entry.fail(
                "The Python process running this test crashed (a segmentation fault, "
                "os._exit or sys.exit in the code under test?): 0 points.\n" + explanation
            )
            return
        if report.failed:
            entry.fail(explanation)
        elif report.skipped:
            if hasattr(report, "wasxfail"):
                # An expected failure that happened is what the instructor asked for.
                if entry.outcome != "failed":
                    entry.outcome = "passed"
            elif entry.outcome != "failed":
                entry.outcome = "skipped"
                entry.output.append(f"Skipped, so 0 points: {_skip_reason(report)}")
        elif when == "call" and entry.outcome != "failed":
            entry.outcome = "passed"

    def worker_crashed(self, name: str) -> None:
        """Notes a pytest-xdist worker that went down without finishing its tests."""
        if name not in self.crashes:
            self.crashes.append(name)

    def _never_collected(self, order: int, test: dict[str, Any]) -> Entry:
        entry = Entry(
            str(test["nodeid"]), float(test["points"]), str(test["visibility"]), order=order
        )
        if self.crashes:
            entry.fail(
                "This test could not run: the Python processes running the tests crashed "
                "while importing the test files (os._exit() or a crash at the top level of "
                "your code?): 0 points."
            )
        return entry

    def record_collection_error(self, report: Any) -> None:
        """Takes the report of a test file that could not be collected.

        Its tests are found in the source (without importing it) so that they still
        appear in results.json with their points and 0 scored.
        """
        info = getattr(report, "dimgrad", None) or {}
        explanation = info.get("explanation") or _longrepr_text(report)
        line = f"{report.nodeid}: {(explanation.splitlines() or [''])[0]}"
        if line not in self.collection_errors:  # each xdist worker may report the same file
            self.collection_errors.append(line)
        for test in info.get("tests", ()):
            entry = self._entry(test["nodeid"], test)
            entry.fail(explanation)

    def results(self, final: bool = True) -> dict[str, Any]:
        """The results in Gradescope's `results.json` format.

        **Arguments:**

        - `final`: False while the run goes on (see `Entry.to_json`).
        """
        entries = sorted(self.entries.values(), key=lambda e: (e.order, e.nodeid))
        if not entries:
            entries = [
                self._never_collected(order, test) for order, test in enumerate(self.fallback)
            ]
        tests = [entry.to_json(final) for entry in entries]
        score = sum(entry.score for entry in entries)
        total = sum(entry.points for entry in entries)
        failed = sum(1 for entry in entries if entry.outcome != "passed")
        output = f"{_number(score)} / {_number(total)} points; {failed} of {len(entries)} tests"
        output += " not passed."
        if not final:
            output = (
                "The run did not finish: the Python process exited or was killed (os._exit() "
                "or a crash in the code under test, or the time limit of the whole run?). "
                "Tests that had not finished score 0.\n" + output
            )
        if self.crashes:
            output += (
                f"\npytest-xdist workers that crashed: {', '.join(self.crashes)}"
                + ("" if self.entries else " (while importing the test files)")
                + "."
            )
        if self.collection_errors:
            output += "\nTest files that could not be collected:\n" + "\n".join(
                self.collection_errors
            )
        return {
            "score": score,
            "execution_time": round(time.monotonic() - self.started, 3),
            "output": output,
            "visibility": self.visibility,
            # Gradescope shows a test's output in a <pre> block with "text": the gradient
            # check's table keeps its columns.
            "test_output_format": "text",
            "tests": tests,
        }

    def write(self, path: str | os.PathLike[str], final: bool = True) -> dict[str, Any]:
        """Writes results.json atomically (a grader never reads half a file).

        **Arguments:**

        - `path`: where.
        - `final`: False for the file rewritten while the run goes on (see `results`).

        **Returns:** the results written.
        """
        results = self.results(final)
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        os.replace(partial, target)
        return results


def _number(value: float) -> str:
    return f"{value:g}"


def _longrepr_text(report: Any) -> str:
    longrepr = getattr(report, "longrepr", None)
    if longrepr is None:
        return ""
    text = str(longrepr)
    return text if len(text) <= _MAX_OUTPUT else "... " + text[-_MAX_OUTPUT:]


def _skip_reason(report: Any) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def tests_in_source(
    path: Path, relative: str, default_points: float, default_visibility: str = "visible"
) -> list[dict[str, Any]]:
    """The tests of a test file found by reading its source, without importing it.

    For a file whose import failed: its tests must still be listed with their points.
    Finds `test*` functions and `test*` methods of `Test*` classes, `@pytest.mark.points(n)`
    and `@pytest.mark.visibility(name)` with literal arguments, and counts the cases of a
    `@pytest.mark.parametrize` with a literal list (one test when it cannot tell).

    **Arguments:**

    - `path`: the test file.
    - `relative`: its nodeid (the path as pytest names it).
    - `default_points`, `default_visibility`: for tests without markers.

    **Returns:** dicts with `nodeid`, `points` and `visibility`, in source order.
    """
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return []
    module_marks = _module_marks(tree)
    found: list[dict[str, Any]] = []

    def add(prefix: str, node: ast.FunctionDef | ast.AsyncFunctionDef, marks: dict) -> None:
        mine = _marks(node.decorator_list)
        own = {**marks, **mine}
        points = own.get("points", default_points)
        visibility = own.get("visibility", default_visibility)
        cases = marks.get("cases", 1) * mine.get("cases", 1)
        base = f"{relative}::{prefix}{node.name}"
        ids = (
            own.get("ids")
            if marks.get("parametrized", 0) + mine.get("parametrized", 0) == 1
            else None
        )
        if ids:
            # The ids pytest gives: the same names as in a run where the file imports.
            names = [f"{base}[{case}]" for case in ids]
        else:
            names = [base] if cases == 1 else [f"{base}[case {i}]" for i in range(cases)]
        found.extend({"nodeid": n, "points": points, "visibility": visibility} for n in names)

    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test"
        ):
            add("", node, module_marks)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            class_marks = {**module_marks, **_marks(node.decorator_list)}
            for item in node.body:
                if isinstance(
                    item, ast.FunctionDef | ast.AsyncFunctionDef
                ) and item.name.startswith("test"):
                    add(f"{node.name}::", item, class_marks)
    return found


def _module_marks(tree: ast.Module) -> dict[str, Any]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets
        ):
            value = node.value
            marks = value.elts if isinstance(value, ast.List | ast.Tuple) else [value]
            return _marks(marks)
    return {}


def _literal_ids(values: list[ast.expr], keywords: list[ast.keyword]) -> list[str] | None:
    """pytest's ids of a parametrize of literal values (`ids=[...]`, or numbers, plain
    strings, booleans, None, and tuples of them joined by `-`); None when unsure."""
    try:
        for keyword in keywords:
            if keyword.arg == "ids":
                given = ast.literal_eval(keyword.value)
                ids = [str(i) for i in given] if isinstance(given, list | tuple) else None
                return (
                    ids if ids and len(ids) == len(values) and len(set(ids)) == len(ids) else None
                )
        ids = []
        for value in values:
            literal = ast.literal_eval(value)
            parts = literal if isinstance(literal, tuple) else (literal,)
            if not parts or not all(_plain(part) for part in parts):
                return None
            ids.append("-".join(str(part) for part in parts))
    except (ValueError, TypeError, SyntaxError):
        return None
    return ids if len(set(ids)) == len(ids) else None  # pytest renames duplicates


def _plain(value: object) -> bool:
    if isinstance(value, str):
        # pytest escapes other characters; an empty string gets a generated id.
        return value != "" and value.isascii() and value.isprintable()
    return value is None or isinstance(value, bool | int | float)


def _marks(decorators: Iterable[ast.expr]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for decorator in decorators:
        if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Attribute):
            continue
        name = decorator.func.attr
        args = decorator.args
        try:
            if name == "points" and args:
                found["points"] = float(ast.literal_eval(args[0]))
            elif name == "visibility" and args:
                found["visibility"] = str(ast.literal_eval(args[0]))
            elif name == "parametrize" and len(args) >= 2:
                values = args[1]
                found["parametrized"] = found.get("parametrized", 0) + 1
                if isinstance(values, ast.List | ast.Tuple):
                    found["cases"] = found.get("cases", 1) * max(len(values.elts), 1)
                    found["ids"] = _literal_ids(values.elts, decorator.keywords)
        except (ValueError, TypeError, SyntaxError):
            continue
    return found
