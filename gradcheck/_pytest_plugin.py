"""The dimgrad pytest plugin: gradient and shape checks, and grading, in assignments.

Registered through the `pytest11` entry point of the `dimgrad` distribution and loaded in
every pytest run; `-p no:dimgrad` turns it off. It changes nothing in a run that uses none
of its options, fixtures or markers, and imports nothing heavy until one is used (the
`gradcheck` package imports its public names on first use, so loading the plugin loads
neither numpy nor the checkers).

**Options** (group `dimgrad`; every option has an ini key of the same name with
underscores, e.g. `dimgrad_seed`, and the command line wins):

- `--dimgrad-seed=N`: the seed of the `gradcheck` fixture's sampled checks and of the
  `rng` fixture (default 0).
- `--dimgrad-eps=EPS`, `--dimgrad-mode=full|sample|directional|auto`: the `gradcheck`
  fixture's step and mode (default: gradcheck's own).
- `--dimgrad-student=MODULE`: the student's module, imported by the `student` fixture.
- `--dimcheck-modules=a,b` (also `--dimgrad-modules`): shape-check these modules for the
  whole session with `dimcheck.instrument`, as they are imported.
- `--grade-json=PATH` (also `--dimgrad-grade-json`): write Gradescope's `results.json`.
- `--dimgrad-timeout=SECONDS`: the time limit of each test, through pytest-timeout
  (default 60 when grading, none otherwise; 0 for none).

Ini keys only: `dimgrad_default_points` (the worth of a test without a `points` marker,
default 1) and `dimgrad_visibility` (the top-level visibility in results.json).

**Markers:** `@pytest.mark.points(n)` and `@pytest.mark.visibility(name)` with `name` one
of `visible`, `hidden`, `after_due_date`, `after_published`.

**Fixtures:** `gradcheck`, `shapecheck`, `student`, `rng`.

See `docs/assignments.md` for a worked assignment.
"""

from __future__ import annotations

import fnmatch
import importlib
import importlib.util
import os
import signal
import threading
import time
import types
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NoReturn

import pytest

_MODES = ("full", "sample", "directional", "auto")
_DEFAULT_GRADING_TIMEOUT = 60.0
# Seconds: a results.json rewrite quicker than this is done after every test.
_QUICK_WRITE = 0.005
# The name of gradcheck._grading_profile.GRADING_PROFILE, without importing hypothesis.
_GRADING_PROFILE = "dimgrad-grading"

# name on the command line (dest is the name with underscores, as is the ini key), help
_OPTIONS: dict[str, str] = {
    "dimgrad-seed": "seed of the gradcheck fixture's sampled checks and of the rng fixture "
    "(default 0)",
    "dimgrad-eps": "step of the gradcheck fixture's central differences (default: gradcheck's)",
    "dimgrad-mode": "mode of the gradcheck fixture: " + ", ".join(_MODES) + " (default: auto)",
    "dimgrad-student": "the student's module, imported by the `student` fixture",
    "dimgrad-modules": "comma-separated modules to shape-check with dimcheck.instrument for "
    "the whole session, as they are imported",
    "dimgrad-grade-json": "write Gradescope's results.json to this path",
    "dimgrad-timeout": "time limit of each test in seconds through pytest-timeout "
    "(default 60 when grading, none otherwise; 0 for none)",
}
# pytest-timeout's signal method fails just the test that ran over; its thread method (the
# only one where there is no SIGALRM, e.g. on Windows) ends the whole run.
_TIMEOUT_METHOD = {"method": "signal"} if hasattr(signal, "SIGALRM") else {}
_ALIASES = {"dimgrad-modules": "--dimcheck-modules", "dimgrad-grade-json": "--grade-json"}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("dimgrad", "dimgrad: gradient and shape checks, grading")
    for name, help_text in _OPTIONS.items():
        names = [f"--{name}"] + ([_ALIASES[name]] if name in _ALIASES else [])
        dest = name.replace("-", "_")
        group.addoption(*names, dest=dest, default=None, help=help_text)
        parser.addini(dest, help_text, default=None)
    parser.addini(
        "dimgrad_default_points", "points of a test without @pytest.mark.points (default 1)"
    )
    parser.addini(
        "dimgrad_visibility",
        "top-level visibility of results.json: visible, hidden, after_due_date, "
        "after_published (default visible)",
    )


class Settings:
    """The plugin's settings, read once from the command line and the ini file."""

    def __init__(self, config: pytest.Config) -> None:
        def value(dest: str) -> str | None:
            given = config.getoption(dest, None)
            if given is None:
                given = config.getini(dest) or None
            return None if given is None else str(given).strip()

        self.explicit = {dest: v for dest in _dests() if (v := value(dest)) is not None}
        self.seed = _parse(
            self.explicit.get("dimgrad_seed", "0"), int, "--dimgrad-seed", "an integer"
        )
        eps = self.explicit.get("dimgrad_eps")
        self.eps = None if eps is None else _parse(eps, float, "--dimgrad-eps", "a number")
        if self.eps is not None and not 0 < self.eps < 1:
            raise pytest.UsageError(f"--dimgrad-eps must be between 0 and 1: got {eps}")
        self.mode = self.explicit.get("dimgrad_mode")
        if self.mode is not None and self.mode not in _MODES:
            raise pytest.UsageError(
                f"--dimgrad-mode must be one of {', '.join(_MODES)}: got {self.mode!r}"
            )
        modules = self.explicit.get("dimgrad_modules", "")
        self.modules = [m.strip() for m in modules.replace("\n", ",").split(",") if m.strip()]
        self.student = self.explicit.get("dimgrad_student")
        if self.student is None and len(self.modules) == 1:
            # One shape-checked module is the submission: the `student` fixture imports it.
            self.student = self.modules[0]
        self.grade_json = self.explicit.get("dimgrad_grade_json")
        if self.grade_json is not None:
            from_ini = config.getoption("dimgrad_grade_json", None) is None
            # An ini file's path is relative to that file, as pytest's own ini paths are.
            base = config.inipath.parent if from_ini and config.inipath else Path.cwd()
            self.grade_json = str(base / self.grade_json)
        timeout = self.explicit.get("dimgrad_timeout")
        if timeout is None:
            self.timeout = _DEFAULT_GRADING_TIMEOUT if self.grade_json else 0.0
        else:
            self.timeout = _parse(timeout, float, "--dimgrad-timeout", "a number of seconds")
        points = config.getini("dimgrad_default_points") or "1"
        self.default_points = _parse(points, float, "dimgrad_default_points", "a number")
        self.visibility = (config.getini("dimgrad_visibility") or "visible").strip()
        from ._grading import VISIBILITIES

        if self.visibility not in VISIBILITIES:
            raise pytest.UsageError(
                f"dimgrad_visibility must be one of {', '.join(VISIBILITIES)}: "
                f"got {self.visibility!r}"
            )


def _dests() -> Iterator[str]:
    return (name.replace("-", "_") for name in _OPTIONS)


def _parse(text: str, kind: type, where: str, what: str) -> Any:
    try:
        return kind(text)
    except ValueError:
        raise pytest.UsageError(f"{where} must be {what}: got {text!r}") from None


_SETTINGS = pytest.StashKey[Settings]()
_FINDER = pytest.StashKey[Any]()
_SESSION = pytest.StashKey["_Session"]()
_GRADIENT = pytest.StashKey[tuple[str, list[str]]]()
_SHAPES = pytest.StashKey[list[str]]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> Any:
    # Before conftest.py files run: one of them importing the student's module must not
    # get it past the instrumentation unnoticed.
    _install_instrumentation(early_config, _modules_early(early_config))
    try:
        return (yield)
    except Exception as error:
        # pytest stops here, before any other hook of this plugin runs: the grade of a
        # conftest.py that imports a broken submission is written now or never.
        _grade_a_broken_conftest(early_config, error)
        raise


def _grade_a_broken_conftest(config: pytest.Config, error: Exception) -> None:
    namespace = config.known_args_namespace
    given = getattr(namespace, "dimgrad_grade_json", None)
    ini = config.getini("dimgrad_grade_json")
    if given:
        path = config.invocation_params.dir / str(given).strip()
    elif ini:
        path = (config.inipath.parent if config.inipath else Path.cwd()) / str(ini).strip()
    else:
        return
    from ._grading import VISIBILITIES, GradeBook
    from ._grading_explain import explain_collection, module_files

    try:
        points = float(config.getini("dimgrad_default_points") or 1)
    except ValueError:
        points = 1.0
    names = [
        name.strip()
        for key in ("dimgrad_student", "dimgrad_modules")
        for name in str(getattr(namespace, key, None) or config.getini(key) or "")
        .replace("\n", ",")
        .split(",")
        if name.strip()
    ]
    cause = getattr(error, "cause", None) or error
    conftest = str(getattr(error, "path", "conftest.py"))
    text = explain_collection(
        pytest.ExceptionInfo.from_exception(cause),
        conftest,
        student=module_files(names),
        names=names,
    ).text
    visibility = (config.getini("dimgrad_visibility") or "visible").strip()
    book = GradeBook(points, visibility if visibility in VISIBILITIES else "visible")
    paths = list(getattr(namespace, "file_or_dir", None) or config.getini("testpaths") or ["."])
    try:
        tests = _tests_from_source(config, paths, points)
    except (OSError, ValueError):
        tests = []
    book.collection_errors.append(f"{os.path.basename(conftest)}: {text.splitlines()[0]}")
    book.catalogue(tests)
    for entry in book.entries.values():
        entry.fail(text)
    book.write(path)


def _modules_early(config: pytest.Config) -> list[str]:
    value = getattr(config.known_args_namespace, "dimgrad_modules", None)
    if value is None:
        value = config.getini("dimgrad_modules") or ""
    return [m.strip() for m in str(value).replace("\n", ",").split(",") if m.strip()]


def _install_instrumentation(config: pytest.Config, modules: list[str]) -> None:
    if not modules or _FINDER in config.stash:
        return
    try:
        import dimcheck

        instrument = dimcheck.instrument
    except (ImportError, AttributeError) as error:
        raise pytest.UsageError(
            f"--dimcheck-modules needs dimcheck.instrument, which could not be loaded: {error}"
        ) from error
    from ._grading_instrument import AlreadyImportedError, install

    try:
        config.stash[_FINDER] = install(modules, instrument)
    except AlreadyImportedError as error:
        raise pytest.UsageError(str(error)) from None


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "points(n): the test is worth n points in --grade-json results "
        "(default: the ini key dimgrad_default_points, 1)",
    )
    config.addinivalue_line(
        "markers",
        "visibility(name): when students see this test in --grade-json results: "
        "visible, hidden, after_due_date or after_published",
    )
    settings = Settings(config)
    config.stash[_SETTINGS] = settings
    _install_instrumentation(config, settings.modules)
    if config.getoption("hypothesis_profile", None) == _GRADING_PROFILE:
        # Registered before hypothesis's own plugin loads the profile by name.
        from ._grading_profile import register_grading_profile

        register_grading_profile()
    if settings.grade_json is not None:
        # One broken test file must cost its own tests, not the whole grade.
        config.option.continue_on_collection_errors = True
        _load_grading_profile(config)
    session = _Session(config, settings)
    config.stash[_SESSION] = session
    config.pluginmanager.register(session, "dimgrad-session")


def _load_grading_profile(config: pytest.Config) -> None:
    if (
        config.getoption("hypothesis_profile", None)
        or importlib.util.find_spec("hypothesis") is None
    ):
        return
    from ._grading_profile import load_grading_profile

    load_grading_profile()


def pytest_unconfigure(config: pytest.Config) -> None:
    finder = config.stash.get(_FINDER, None)
    if finder is not None:
        from ._grading_instrument import uninstall

        uninstall(finder)
        del config.stash[_FINDER]


def pytest_report_header(config: pytest.Config) -> str | None:
    settings = config.stash.get(_SETTINGS, None)
    if settings is None or not settings.explicit:
        return None
    parts = [f"seed={settings.seed}", f"eps={settings.eps or _default_eps()}"]
    parts.append(f"mode={settings.mode or 'auto'}")
    if settings.modules:
        parts.append(f"dimcheck-modules={','.join(settings.modules)}")
    if settings.student:
        parts.append(f"student={settings.student}")
    if settings.grade_json:
        parts.append(f"grade-json={settings.grade_json}")
    if settings.timeout and _has_timeout_plugin(config):
        parts.append(f"timeout={settings.timeout:g}s per test")
    elif settings.timeout:
        parts.append("no time limit (pytest-timeout is not active)")
    return "dimgrad: " + ", ".join(parts)


def _default_eps() -> str:
    try:
        from ._bands import EPS
    except ImportError:
        return "default"
    return f"{EPS:g}"


def _marker_value(item: pytest.Item, name: str, default: Any) -> Any:
    marker = item.get_closest_marker(name)
    if marker is None:
        return default
    args = marker.args or tuple(marker.kwargs.values())
    if len(args) != 1:
        raise pytest.UsageError(
            f"{item.nodeid}: @pytest.mark.{name} takes one argument: got {len(args)}"
        )
    return args[0]


def _points(item: pytest.Item, settings: Settings) -> float:
    points = _marker_value(item, "points", settings.default_points)
    if isinstance(points, bool) or not isinstance(points, int | float) or not points >= 0:
        raise pytest.UsageError(
            f"{item.nodeid}: @pytest.mark.points(n) needs a number n >= 0: got {points!r}"
        )
    return float(points)


def _visibility(item: pytest.Item) -> str:
    from ._grading import VISIBILITIES

    visibility = _marker_value(item, "visibility", "visible")
    if visibility not in VISIBILITIES:
        raise pytest.UsageError(
            f"{item.nodeid}: @pytest.mark.visibility(name) needs one of "
            f"{', '.join(VISIBILITIES)}: got {visibility!r}"
        )
    return str(visibility)


def _has_timeout_plugin(config: pytest.Config) -> bool:
    return config.pluginmanager.hasplugin("timeout")


def _tests_from_source(
    config: pytest.Config, args: list[str], default_points: float
) -> list[dict[str, Any]]:
    """The tests of the files and directories `args`, found by reading them (see
    `tests_in_source`)."""
    from ._grading import tests_in_source

    patterns = config.getini("python_files")
    skip = {"__pycache__", "node_modules", "venv"}
    files: list[Path] = []
    for arg in args:
        path = config.invocation_params.dir / arg.split("::")[0]
        found = [path] if path.is_file() else sorted(path.rglob("*.py")) if path.is_dir() else []
        files.extend(
            f
            for f in found
            if any(fnmatch.fnmatch(f.name, pattern) for pattern in patterns)
            and not any(part.startswith(".") or part in skip for part in f.parts)
        )
    tests: list[dict[str, Any]] = []
    for file in dict.fromkeys(files):
        try:
            nodeid = file.resolve().relative_to(config.rootpath.resolve()).as_posix()
        except ValueError:
            nodeid = file.name
        tests.extend(tests_in_source(file, nodeid, default_points))
    return tests


class CollectionTimeout(BaseException):
    """Importing a test file (and the student's module it imports) ran over the time limit.

    A BaseException, as pytest-timeout's is: a submission's `except Exception:` around its
    loop must not swallow the limit.
    """


def _collection_time_limit(seconds: float) -> Any:
    """Arms SIGALRM for one test file's import; returns the function that disarms it.

    pytest-timeout limits tests, not collection: without this, an infinite loop at the top
    level of a submission that a test file imports would hang the whole grading run.
    """
    if (
        seconds <= 0
        or not hasattr(signal, "SIGALRM")
        or threading.current_thread() is not threading.main_thread()
    ):
        return None

    def on_alarm(signum: int, frame: Any) -> None:
        raise CollectionTimeout(f">{seconds:g}s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    # An outer timer (pytest-timeout of an enclosing run) is put back with what it had left.
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()

    def cancel() -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer > 0:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 1e-3))

    return cancel


class _Session:
    """The plugin's per-run state and its hooks that need it."""

    def __init__(self, config: pytest.Config, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        self.is_worker = hasattr(config, "workerinput")
        self.grading = settings.grade_json is not None
        self.book: Any = None
        if self.grading and not self.is_worker:
            from ._grading import GradeBook

            self.book = GradeBook(settings.default_points, settings.visibility)
        self.catalogue: list[dict[str, Any]] = []
        self.test_files: set[str] = set()
        self.shape_lines: list[str] = []
        self.gradient_lines: list[str] = []
        self.results: dict[str, Any] | None = None
        # The grade is rewritten as tests finish, so that a run that never ends normally
        # (os._exit in a submission, a segfault, the platform's overall time limit) still
        # leaves a complete results.json. After each test while a rewrite is quick (an
        # assignment's tens of tests); past that, a rewrite waits ten times as long as the
        # last one took, so at most a tenth of the run goes to it, however many tests.
        self._next_write = 0.0

    def _write_partial(self) -> None:
        path = self.settings.grade_json
        if self.book is None or path is None or self.config.option.collectonly:
            return
        now = time.monotonic()
        if now < self._next_write:
            return
        self.book.write(path, final=False)
        cost = time.monotonic() - now
        self._next_write = time.monotonic() + (10 * cost if cost > _QUICK_WRITE else 0.0)

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        if self.book is not None:
            try:
                self.book.fallback = _tests_from_source(
                    self.config, self.config.args, self.settings.default_points
                )
            except (OSError, ValueError):  # a fallback only: it must never stop the run
                self.book.fallback = []
        self._write_partial()

    # -- collection -------------------------------------------------------------------

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        timeout = self.settings.timeout
        apply_timeout = timeout > 0 and _has_timeout_plugin(self.config)
        if apply_timeout and (
            self.config.getoption("timeout", None) is not None
            or self.config.getini("timeout") not in (None, "", "0", 0)
        ):
            # The user set pytest-timeout's own limit: theirs wins.
            apply_timeout = False
        for item in items:
            points = _points(item, self.settings)
            visibility = _visibility(item)
            if self.grading:
                self.catalogue.append(
                    {"nodeid": item.nodeid, "points": points, "visibility": visibility}
                )
            if apply_timeout and item.get_closest_marker("timeout") is None:
                item.add_marker(pytest.mark.timeout(timeout, **_TIMEOUT_METHOD))
            path = getattr(item, "path", None)
            if path is not None:
                self.test_files.add(os.path.abspath(path))

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if not self.grading:
            return
        names = {item.nodeid for item in session.items}
        catalogue = [test for test in self.catalogue if test["nodeid"] in names]
        if self.is_worker:
            self.config.workeroutput["dimgrad_catalogue"] = catalogue  # type: ignore[attr-defined]
        else:
            self.book.catalogue(catalogue)
            self._next_write = 0.0
            self._write_partial()

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        output = getattr(node, "workeroutput", None) or {}
        if self.book is not None and "dimgrad_catalogue" in output:
            self.book.catalogue(output["dimgrad_catalogue"])
        elif self.book is not None and error:
            self.book.worker_crashed(str(getattr(getattr(node, "gateway", None), "id", node)))

    @pytest.hookimpl(wrapper=True)
    def pytest_make_collect_report(self, collector: pytest.Collector) -> Any:
        graded = self.grading and isinstance(collector, pytest.Module)
        cancel = _collection_time_limit(self.settings.timeout) if graded else None
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
        if not (self.grading and report.failed and (graded or directory)):
            return report
        from ._grading import tests_in_source
        from ._grading_explain import explain_collection, module_files

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
            tests = _tests_from_source(self.config, [str(collector.path)], points)
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

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        report = yield
        info: dict[str, Any] = {}
        if self.grading:
            info["points"] = _points(item, self.settings)
            info["visibility"] = _visibility(item)
        excinfo = call.excinfo
        if report.failed and excinfo is not None:
            try:
                info.update(self._describe_failure(item, call.when, excinfo))
            except Exception as error:  # the grade must survive a bug in an explanation
                info["explanation"] = f"{report.longreprtext}\n(dimgrad: {error!r})"
        if info:
            report.dimgrad = info
        return report

    def _describe_failure(self, item: pytest.Item, when: str, excinfo: Any) -> dict[str, Any]:
        from ._grading_explain import explain, module_files, shape_error_in

        info: dict[str, Any] = {}
        gradient = item.stash.get(_GRADIENT, None)
        shapes: list[str] = list(item.stash.get(_SHAPES, None) or ())
        # Taken once: a teardown failing after the call must not list them again.
        if _GRADIENT in item.stash:
            del item.stash[_GRADIENT]
        if _SHAPES in item.stash:
            del item.stash[_SHAPES]
        shape = shape_error_in(excinfo.value)
        if shape is not None and not shapes:
            shapes.append(str(shape).strip().splitlines()[0] if str(shape).strip() else "")
        if gradient is not None:
            info["gradients"] = [f"{item.nodeid}: {line}" for line in gradient[1]]
        if shapes:
            info["shapes"] = [f"{item.nodeid}: {line}" for line in shapes]
        if self.grading:
            explanation = explain(
                excinfo,
                when,
                student=module_files(self._student_modules()),
                tests=self.test_files | {os.path.abspath(item.path)},
                gradient=gradient[0] if gradient is not None else None,
            )
            info["explanation"] = explanation.text
            info["kind"] = explanation.kind
        return info

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.is_worker:
            return
        info = getattr(report, "dimgrad", None) or {}
        self.shape_lines.extend(info.get("shapes", ()))
        self.gradient_lines.extend(info.get("gradients", ()))
        if self.book is not None:
            self.book.record(report)
            if report.when not in ("setup", "call"):  # the test is done: teardown, or crashed
                self._write_partial()

    # -- the end ----------------------------------------------------------------------

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        path = self.settings.grade_json
        if self.book is None or path is None or self.is_worker or self.config.option.collectonly:
            return
        self.results = self.book.write(path)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.is_worker or not (self.shape_lines or self.gradient_lines or self.results):
            return
        terminalreporter.section("dimgrad")
        for line in self.shape_lines:
            terminalreporter.line(f"shape: {line}")
        for line in self.gradient_lines:
            terminalreporter.line(f"gradient: {line}")
        if self.results is not None:
            total = sum(test["max_score"] for test in self.results["tests"])
            terminalreporter.line(
                f"grade: {self.results['score']:g} / {total:g} points, "
                f"written to {self.settings.grade_json}"
            )


# -- fixtures --------------------------------------------------------------------------


class SubmissionImportError(Exception):
    """The student's module could not be imported (raised by the `student` fixture)."""

    dimgrad_import = True


@pytest.fixture(scope="session")
def student(pytestconfig: pytest.Config) -> Any:
    """The student's module named by `--dimgrad-student` (or the ini key `dimgrad_student`;
    by default the module of `--dimcheck-modules` when it names just one).

    Imported once for the session. When it cannot be imported, every test that uses it fails
    with an explanation of why (and 0 points when grading) instead of the whole test file
    failing to load.
    """
    name = pytestconfig.stash[_SETTINGS].student
    if not name:
        pytest.fail(
            "the `student` fixture needs the module's name: --dimgrad-student=MODULE or the "
            "ini key dimgrad_student",
            pytrace=False,
        )
    try:
        return importlib.import_module(name)
    except (Exception, SystemExit) as error:
        where = ""
        if not isinstance(error, SyntaxError):  # whose message gives the line already
            tb = error.__traceback__
            while tb is not None:
                if tb.tb_frame.f_code.co_filename.endswith(name.replace(".", os.sep) + ".py"):
                    where = f" (line {tb.tb_lineno})"
                tb = tb.tb_next
        from ._grading_explain import exit_hint

        raise SubmissionImportError(
            f"Your module {name!r} could not be imported, so this test could not run: "
            f"{type(error).__name__}: {error}{where}{exit_hint(error)}"
        ) from error


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> Any:
    """A `numpy.random.Generator` seeded from `--dimgrad-seed` and the test's id.

    Each test gets its own stream, the same in every run with the same seed, whatever the
    order or the process (pytest-xdist) the tests run in.
    """
    import numpy as np

    seed = request.config.stash[_SETTINGS].seed
    return np.random.default_rng([seed, zlib.crc32(request.node.nodeid.encode())])


class GradientCheck:
    """The `gradcheck` fixture: a gradient check that fails the test with the report's table.

    Call it as one of:

    - `gradcheck(network, X, Y)`: a `models` network (`gradcheck.check_model`).
    - `gradcheck(module, parameters, X, Y)`: a Course-style module with `L_model_forward`,
      `compute_cost` and `L_model_backward`, or the two-layer `forward_propagation`,
      `compute_cost` and `backward_propagation` (`gradcheck.check_functions`).
    - `gradcheck(forward=..., cost=..., backward=..., parameters=..., X=..., Y=...)`.
    - `gradcheck(cost, parameters, gradients)`: a cost of a dict of parameters
      (`gradcheck.check`).

    **Arguments:** as the checks above, plus their options (`eps`, `mode`, `seed`, ...);
    the defaults come from `--dimgrad-eps`, `--dimgrad-mode` and `--dimgrad-seed`.

    **Returns:** the `gradcheck.Report` when every gradient is right; otherwise fails the
    test with the report (which gradient, where, the likely cause).
    """

    def __init__(self, node: pytest.Item, settings: Settings) -> None:
        self._node = node
        self._settings = settings

    def __call__(self, target: Any = None, *args: Any, **kwargs: Any) -> Any:
        import gradcheck as api

        kwargs.setdefault("seed", self._settings.seed)
        if self._settings.eps is not None:
            kwargs.setdefault("eps", self._settings.eps)
        if self._settings.mode is not None:
            kwargs.setdefault("mode", self._settings.mode)
        try:
            report = self._run(api, target, args, kwargs)
        except api.CheckInputError as error:
            from ._grading_explain import shape_error_in

            shape = shape_error_in(error)
            if isinstance(error, api.GradientShapeError) or shape is not None:
                # A shape bug is reported as one: the numerical check never started.
                message = str(shape if shape is not None else error)
                self._node.stash[_SHAPES] = [message.splitlines()[0]]
                self._fail(f"Shape error in your code: {message}", [])
            # Not a wrong gradient (a forward that raised, NaN ...): no summary line for it.
            self._fail(f"The gradient check could not run on your code: {error}", [])
        if not report.passed:
            lines = []
            for key in report.failed:
                result = report.results[key]
                name = "d" + result.name
                why = result.diagnosis or f"relative difference {result.difference:.2e}"
                lines.append(why if why.startswith(name) else f"{name} {result.verdict}: {why}")
            names = ", ".join("d" + report.results[key].name for key in report.failed)
            self._fail(f"Wrong gradient: {names}\n{report}", lines)
        return report

    def _run(self, api: Any, target: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if target is None:
            return api.check_functions(**kwargs)
        if all(hasattr(target, name) for name in ("forward", "backward", "parameters")):
            return api.check_model(target, *args, **kwargs)
        if isinstance(target, types.ModuleType) or hasattr(target, "L_model_forward"):
            kwargs.update(zip(("parameters", "X", "Y"), args, strict=False))
            return api.check_functions(**_course_functions(target, kwargs), **kwargs)
        if callable(target):
            return api.check(target, *args, **kwargs)
        raise TypeError(
            "gradcheck(...) takes a models network, a Course-style module, a cost function, "
            f"or forward=, cost=, backward= keywords: got {type(target).__name__}"
        )

    def _fail(self, message: str, lines: list[str]) -> NoReturn:
        self._node.stash[_GRADIENT] = (message, lines)
        pytest.fail(message, pytrace=False)


def _course_functions(module: Any, kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """forward/cost/backward of a deep (`L_model_*`) or a two-layer Course module.

    A module with neither raises the AttributeError of a missing `L_model_forward`, which
    the grade blames on the submission (see `_grading_explain`), not on the tests.
    """
    if not hasattr(module, "forward_propagation"):
        return {
            "forward": module.L_model_forward,
            "cost": module.compute_cost,
            "backward": module.L_model_backward,
        }
    # The two-layer API: backward_propagation(parameters, cache, X, Y). check_functions
    # runs backward once, at the parameters given, so they and X can be bound here.
    parameters, X = kwargs.get("parameters"), kwargs.get("X")
    return {
        "forward": module.forward_propagation,
        "cost": module.compute_cost,
        "backward": lambda AL, Y, cache: module.backward_propagation(parameters, cache, X, Y),
    }


@pytest.fixture
def gradcheck(request: pytest.FixtureRequest) -> GradientCheck:
    """A gradient check that fails the test with the report's table; see `GradientCheck`."""
    return GradientCheck(request.node, request.config.stash[_SETTINGS])


class ShapeCheck:
    """The `shapecheck` fixture: the course's shape rules, failing the test on a violation.

    - `shapecheck.parameters(parameters, layer_dims)`: `W[l]` is `(n[l], n[l-1])` and `b[l]`
      is `(n[l], 1)` for every layer `l = 1..L`.
    - `shapecheck.gradients(grads, parameters)`: every `dW[l]`, `db[l]` has the shape of
      its parameter.
    - `shapecheck.caches(caches, layer_dims=None, m=None)`: one cache per layer, each
      `((A[l-1], W[l], b[l]), Z[l])` with `A[l-1]` `(n[l-1], m)` and `Z[l]` `(n[l], m)`.

    Keyword options (`convention="transposed"` for weights stored `(n[l-1], n[l])`) go to
    `dimcheck.check_parameters`, `check_gradients` and `check_caches`.

    **Returns:** dimcheck's `ShapeReport` when every shape is right; otherwise fails the
    test with every violation, each naming the variable in course notation with the
    expected and the actual shape.
    """

    def __init__(self, node: pytest.Item) -> None:
        self._node = node

    def parameters(self, parameters: Mapping[str, Any], layer_dims: Any, **options: Any) -> Any:
        import dimcheck

        return self._run(dimcheck.check_parameters, parameters, layer_dims, **options)

    def gradients(
        self, grads: Mapping[str, Any], parameters: Mapping[str, Any], **options: Any
    ) -> Any:
        import dimcheck

        return self._run(dimcheck.check_gradients, grads, parameters, **options)

    def caches(
        self, caches: Any, layer_dims: Any = None, m: int | None = None, **options: Any
    ) -> Any:
        import dimcheck

        return self._run(dimcheck.check_caches, caches, layer_dims, m, **options)

    def _run(self, check: Any, *args: Any, **options: Any) -> Any:
        from ._grading_explain import shape_error_in

        try:
            result = check(*args, **options)
        except Exception as error:
            shape = shape_error_in(error)
            if shape is None:
                raise
            violations = [str(shape)]
        else:
            violations = [str(v) for v in getattr(result, "violations", ())]
            if not violations:
                return result
        firsts = [v.strip().splitlines()[0] for v in violations if v.strip()]
        self._node.stash[_SHAPES] = [*(self._node.stash.get(_SHAPES, None) or ()), *firsts]
        pytest.fail("Shape error: " + "\n".join(violations), pytrace=False)


@pytest.fixture
def shapecheck(request: pytest.FixtureRequest) -> ShapeCheck:
    """Shape checks of parameters, gradients and caches; see `ShapeCheck`."""
    return ShapeCheck(request.node)


__all__ = ["GradientCheck", "ShapeCheck", "SubmissionImportError"]
