"""The grade book of a pytest run: each test's points, outcome and explanation.

Pure standard library, so that the plugin loads it only when grading. The book lives in
the process that sees every test report: the only process without pytest-xdist, the
controller with it (xdist replays each worker's reports there through
`pytest_runtest_logreport`, and each worker sends its catalogue of collected tests in
`workeroutput`). How the book is written out is the business of the output formats
(`_formats.py`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")

# Gradescope shows `output` in a browser; a runaway message must not drown the rest.
MAX_OUTPUT = 4000
# `<function add at 0x7f...>`: memory addresses differ between runs and processes, and
# the same submission must get the same results serially and under pytest-xdist.
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")
# `<module 'assignment' from '/autograder/submission/assignment.py'>` in pytest's assertion
# messages: the grader's directories are no concern of the student's.
_MODULE_PATH = re.compile(r"(<module '[^']*') from '[^']*'>")
# What a hidden test's name or source is replaced with where a student could see it.
REDACTED = "[hidden]"

NOT_FINISHED = (
    "This test had not finished when the run stopped (the Python process exited or was "
    "killed: os._exit() or a crash in the code under test, or the time limit of the whole "
    "run?): 0 points."
)
NOT_RUN = "This test did not run (the run was stopped before it): 0 points."


@dataclass
class Entry:
    """One test in the grade book.

    **Arguments:**

    - `nodeid`: pytest's id of the test (`test_x.py::test_y[case]`).
    - `points`: what the test is worth (`max_score` in results.json).
    - `visibility`: one of `VISIBILITIES`.
    - `order`: position in collection order, so results list tests as they are written.
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

    def text(self, final: bool = True, redact: Iterable[str] = ()) -> str:
        """The test's output for the student, at most `MAX_OUTPUT` characters.

        **Arguments:**

        - `final`: False for the file rewritten while the run goes on, which stays behind
          when the run never ends normally: a test not yet finished then says so.
        - `redact`: texts (hidden tests' names and source lines) replaced by `[hidden]`.
        """
        if self.outcome == "not run":
            return NOT_RUN if final else NOT_FINISHED
        output = _ADDRESS.sub(">", "\n\n".join(self.output))
        output = _MODULE_PATH.sub(r"\1>", output)
        if self.visibility != "hidden":
            for secret in redact:
                output = output.replace(secret, REDACTED)
        if len(output) > MAX_OUTPUT:
            output = output[:MAX_OUTPUT] + "\n... (cut)"
        return output


class GradeBook:
    """Collects the outcome of every test of a run.

    **Arguments:**

    - `default_points`: the worth of a test without `@pytest.mark.points(n)`.
    - `visibility`: the top-level visibility of the results.
    """

    def __init__(self, default_points: float = 1.0, visibility: str = "visible") -> None:
        self.default_points = default_points
        self.visibility = visibility
        self.entries: dict[str, Entry] = {}
        self.collection_errors: list[str] = []
        # Tests found by reading the test files before collection: listed when no test is
        # ever collected (the process, or every pytest-xdist worker, died while a test file
        # imported the code under test), and the source of a test's points when its report
        # arrives without them (a worker that crashed).
        self.fallback: list[dict[str, Any]] = []
        # Names and source lines of hidden tests: never shown in another test's output.
        self.secrets: set[str] = set()
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
            if not info or "points" not in info:
                # A report without the plugin's info (a crashed pytest-xdist worker's):
                # the points the test file's source gives, never a default of 1.
                info = next((t for t in self.fallback if t["nodeid"] == nodeid), info or {})
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
        explanation = (info or {}).get("explanation") or longrepr_text(report)
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
        elif report.skipped and hasattr(report, "wasxfail"):
            if not (info or {}).get("xfail_marker"):
                # pytest.xfail() called by the code under test, not the instructor's marker:
                # an expected failure only the instructor may declare.
                entry.fail(
                    "pytest.xfail() was called while this test ran, but only the "
                    "instructor's @pytest.mark.xfail makes a failure expected: 0 points."
                )
            elif entry.outcome != "failed":
                # An expected failure that happened is what the instructor asked for.
                entry.outcome = "passed"
        elif report.skipped:
            if entry.outcome != "failed":
                entry.outcome = "skipped"
                entry.output.append(f"Skipped, so 0 points: {_skip_reason(report)}")
        elif when == "call" and entry.outcome != "failed":
            entry.outcome = "passed"

    def worker_crashed(self, name: str) -> None:
        """Notes a pytest-xdist worker that went down without finishing its tests."""
        if name not in self.crashes:
            self.crashes.append(name)

    def record_collection_error(self, report: Any) -> None:
        """Takes the report of a test file that could not be collected.

        Its tests are found in the source (without importing it) so that they still
        appear in the results with their points and 0 scored.
        """
        info = getattr(report, "dimgrad", None) or {}
        explanation = info.get("explanation") or longrepr_text(report)
        line = f"{report.nodeid}: {(explanation.splitlines() or [''])[0]}"
        if line not in self.collection_errors:  # each xdist worker may report the same file
            self.collection_errors.append(line)
        for test in info.get("tests", ()):
            entry = self._entry(test["nodeid"], test)
            entry.fail(explanation)

    def tests(self) -> list[Entry]:
        """Every test, in collection order; those found in the source when none was
        collected (each failed with the reason when the processes crashed)."""
        entries = sorted(self.entries.values(), key=lambda e: (e.order, e.nodeid))
        if entries:
            return entries
        never = []
        for order, test in enumerate(self.fallback):
            entry = Entry(
                str(test["nodeid"]), float(test["points"]), str(test["visibility"]), order
            )
            if self.crashes:
                entry.fail(
                    "This test could not run: the Python processes running the tests "
                    "crashed while importing the test files (os._exit() or a crash at the "
                    "top level of your code?): 0 points."
                )
            never.append(entry)
        return never


def longrepr_text(report: Any) -> str:
    longrepr = getattr(report, "longrepr", None)
    if longrepr is None:
        return ""
    text = str(longrepr)
    return text if len(text) <= MAX_OUTPUT else "... " + text[-MAX_OUTPUT:]


def _skip_reason(report: Any) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)
