"""The grading session: registered only when a grade is asked for (`--grade-json`, ...).

It keeps the grade book in the process that sees every report (the only one, or
pytest-xdist's controller), explains each failure, limits the time of collecting each test
file, and writes every output format asked for: rewritten as tests finish, so that a run
that never ends normally still leaves a complete grade, and written for the last time
only after every process running student code has ended.
"""

from __future__ import annotations

import inspect
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from ._options import Settings, points_of, visibility_of

# Seconds: a rewrite of the grade quicker than this is done after every test.
_QUICK_WRITE = 0.005
# pytest-timeout's signal method fails just the test that ran over; its thread method (the
# only one where there is no SIGALRM, e.g. on Windows) ends the whole run.
_TIMEOUT_METHOD = {"method": "signal"} if hasattr(signal, "SIGALRM") else {}
# Seconds pytest-timeout waits beyond a sandboxed test's own limit: the sandbox stops the
# student's call first (and may take its start-up allowance, 10 s, to import the module);
# this only bounds the instructor's own code.
SANDBOX_GRACE = 15.0
# Seconds: the least time to import a test file when the student's code runs apart.
_SANDBOXED_COLLECTION_FLOOR = 60.0
# Source lines of a hidden test shorter than this are too common to hide (`pass`, `)`).
_SECRET_LINE = 12


def has_timeout_plugin(config: pytest.Config) -> bool:
    return config.pluginmanager.hasplugin("timeout")


def _secrets_of(item: pytest.Item) -> list[str]:
    """A hidden test's name and the lines of its source, kept out of other tests' output."""
    function = getattr(item, "function", None)
    name = getattr(item, "originalname", None) or item.name
    secrets = [name]
    try:
        source = inspect.getsource(function) if function is not None else ""
    except (OSError, TypeError):
        source = ""
    secrets += [line.strip() for line in source.splitlines() if len(line.strip()) >= _SECRET_LINE]
    return secrets


class GradingSession:
    """The grade book of the run and the hooks that fill and write it."""

    def __init__(self, config: pytest.Config, settings: Settings, summary: Any) -> None:
        self.config = config
        self.settings = settings
        self.summary = summary
        self.is_worker = hasattr(config, "workerinput")
        self.book: Any = None
        if not self.is_worker:
            from ._book import GradeBook

            self.book = GradeBook(settings.default_points, settings.visibility)
        self.catalogue: list[dict[str, Any]] = []
        self.secrets: set[str] = set()
        self.test_files: set[str] = set()
        # Closed before the last write: every process running student code has ended.
        self.sandboxes: list[Any] = []
        # After each test while a rewrite is quick (an assignment's tens of tests); past
        # that, a rewrite waits ten times as long as the last one took, so at most a tenth
        # of the run goes to it, however many tests.
        self._next_write = 0.0

    def _write(self, final: bool) -> None:
        if self.book is None or self.config.option.collectonly:
            return
        from ._formats import FORMATS

        for output in FORMATS:
            path = self.settings.outputs.get(output.dest)
            if path is not None:
                output.write(self.book, path, final=final)

    def _write_partial(self) -> None:
        now = time.monotonic()
        if now < self._next_write:
            return
        self._write(final=False)
        cost = time.monotonic() - now
        self._next_write = time.monotonic() + (10 * cost if cost > _QUICK_WRITE else 0.0)

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        if self.book is not None:
            from ._collection import tests_from_source

            try:
                self.book.fallback = tests_from_source(
                    self.config, self.config.args, self.settings.default_points
                )
            except (OSError, ValueError):  # a fallback only: it must never stop the run
                self.book.fallback = []
        self._write_partial()

    # -- collection -------------------------------------------------------------------

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        timeout = self.settings.timeout
        apply_timeout = timeout > 0 and has_timeout_plugin(self.config)
        if apply_timeout and (
            self.config.getoption("timeout", None) is not None
            or self.config.getini("timeout") not in (None, "", "0", 0)
        ):
            # The user set pytest-timeout's own limit: theirs wins.
            apply_timeout = False
        # Sandboxed, the student's calls have the limit; pytest-timeout bounds the rest.
        limit = timeout + SANDBOX_GRACE if self.settings.sandbox else timeout
        for item in items:
            visibility = visibility_of(item)
            self.catalogue.append(
                {
                    "nodeid": item.nodeid,
                    "points": points_of(item, self.settings),
                    "visibility": visibility,
                }
            )
            if visibility == "hidden":
                self.secrets.update(_secrets_of(item))
            if apply_timeout and item.get_closest_marker("timeout") is None:
                item.add_marker(pytest.mark.timeout(limit, **_TIMEOUT_METHOD))
            path = getattr(item, "path", None)
            if path is not None:
                self.test_files.add(os.path.abspath(path))

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        names = {item.nodeid for item in session.items}
        catalogue = [test for test in self.catalogue if test["nodeid"] in names]
        if self.is_worker:
            output = self.config.workeroutput  # type: ignore[attr-defined]
            output["dimgrad_catalogue"] = catalogue
            output["dimgrad_secrets"] = sorted(self.secrets)
        else:
            self.book.catalogue(catalogue)
            self.book.secrets |= self.secrets
            self._next_write = 0.0
            self._write_partial()

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        output = getattr(node, "workeroutput", None) or {}
        if self.book is not None and "dimgrad_catalogue" in output:
            self.book.catalogue(output["dimgrad_catalogue"])
            self.book.secrets |= set(output.get("dimgrad_secrets", ()))
        elif self.book is not None and error:
            self.book.worker_crashed(str(getattr(getattr(node, "gateway", None), "id", node)))

    @pytest.hookimpl(wrapper=True)
    def pytest_make_collect_report(self, collector: pytest.Collector) -> Any:
        from ._collection import collection_time_limit

        graded = isinstance(collector, pytest.Module)
        limit = self.settings.timeout
        if self.settings.sandbox and limit > 0:
            # Only the instructor's code runs while collecting: a test's short limit (a few
            # seconds for a hang) must not fail the import of numpy and hypothesis.
            limit = max(limit, _SANDBOXED_COLLECTION_FLOOR)
        cancel = collection_time_limit(limit) if graded else None
        excinfo = None
        try:
            report = yield
        except SystemExit:
            # pytest lets SystemExit from an imported module end the whole run (an internal
            # error, no grade); a submission calling sys.exit() at import must cost only
            # the tests of the files that import it.
            if not graded:
                raise
            excinfo = pytest.ExceptionInfo.from_current()
            report = pytest.CollectReport(
                collector.nodeid, "failed", collector.repr_failure(excinfo), []
            )
        finally:
            if cancel is not None:
                cancel()
        directory = isinstance(collector, pytest.Directory)  # its conftest.py failed
        if not (report.failed and (graded or directory)):
            return report
        from ._collection import tests_from_source
        from ._explain import explain_collection, module_files
        from ._source import tests_in_source

        call = report.__dict__.get("call")
        if excinfo is None and call is not None:
            excinfo = call.excinfo
        cause = getattr(excinfo.value, "cause", None) if excinfo is not None else None
        if isinstance(cause, BaseException):  # pytest's ConftestImportFailure wraps it
            excinfo = pytest.ExceptionInfo.from_exception(cause)
        where = Path(collector.path) / "conftest.py" if directory else Path(collector.path)
        student = module_files(self._student_modules())
        if excinfo is not None:
            text = explain_collection(
                excinfo, str(where), student=student, names=self._student_modules()
            ).text
        else:
            text = f"The test file {where.name} could not be collected: {report.longrepr}"
        points = self.settings.default_points
        if directory:
            tests = tests_from_source(self.config, [str(collector.path)], points)
        else:
            tests = tests_in_source(Path(collector.path), collector.nodeid, points, "visible")
        report.dimgrad = {"explanation": text, "tests": tests}
        return report

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if self.book is not None and report.failed:
            self.book.record_collection_error(report)

    # -- running ----------------------------------------------------------------------

    def _student_modules(self) -> list[str]:
        return ([self.settings.student] if self.settings.student else []) + self.settings.modules

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        # tryfirst: the outermost wrapper, so the summary's findings are in the report.
        report = yield
        info: dict[str, Any] = dict(getattr(report, "dimgrad", None) or {})
        info["points"] = points_of(item, self.settings)
        info["visibility"] = visibility_of(item)
        # Only the instructor's marker makes a failure expected (pytest.xfail() called by
        # the code under test does not).
        info["xfail_marker"] = item.get_closest_marker("xfail") is not None
        excinfo = call.excinfo
        if report.failed and excinfo is not None:
            from ._explain import explain, module_files

            try:
                explanation = explain(
                    excinfo,
                    call.when,
                    student=module_files(self._student_modules()),
                    tests=self.test_files | {os.path.abspath(item.path)},
                    gradient=info.pop("gradient_message", None),
                )
                info["explanation"] = explanation.text
                info["kind"] = explanation.kind
            except Exception as error:  # the grade must survive a bug in an explanation
                info["explanation"] = f"{report.longreprtext}\n(dimgrad: {error!r})"
        info.pop("gradient_message", None)
        report.dimgrad = info
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.is_worker or self.book is None:
            return
        self.book.record(report)
        if report.when not in ("setup", "call"):  # the test is done: teardown, or crashed
            self._write_partial()

    # -- the end ----------------------------------------------------------------------

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        for sandbox in self.sandboxes:
            sandbox.close()  # every student process ends before the last write
        if self.book is None or self.config.option.collectonly:
            return
        self._write(final=True)
        entries = self.book.tests()
        score = sum(entry.score for entry in entries)
        total = sum(entry.points for entry in entries)
        where = ", ".join(self.settings.outputs.values())
        self.summary.grade_line = f"grade: {score:g} / {total:g} points, written to {where}"
