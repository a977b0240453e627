"""The `student` fixture's module: imported in the grader, or run apart in a sandbox.

When the sandbox is on (by default when grading with the student's module named), the
grader's own process never imports the student's module: an import hook refuses it (a
test file or conftest.py that imports it directly is an error in the tests, said so), and
the fixture hands the tests a `StudentModule` whose calls run in the student's process.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ._options import Settings, limits_of, time_limit_of

CLOCK = pytest.StashKey["TestClock"]()
REFUSER = pytest.StashKey["RefuseStudentImports"]()
# Seconds: "no limit" still ends, a day later.
_NO_LIMIT = 86_400.0


class SubmissionImportError(Exception):
    """The student's module could not be imported (raised by the `student` fixture)."""

    dimgrad_import = True


class TestClock:
    """What the running test allows the sandbox's calls: a deadline, memory and output.

    `limits` is `(memory in MiB, output in KiB)`, or `None` for the run's.
    """

    __test__ = False  # not a test class, whatever its name

    def __init__(self) -> None:
        self.deadline = time.monotonic() + _NO_LIMIT
        self.limits: tuple[float, float] | None = None

    def start(self, seconds: float, limits: tuple[float, float] | None = None) -> None:
        self.deadline = time.monotonic() + (seconds if seconds > 0 else _NO_LIMIT)
        self.limits = limits


def start_test_clock(item: pytest.Item, settings: Settings) -> None:
    clock = item.config.stash.get(CLOCK, None)
    if clock is not None:
        clock.start(time_limit_of(item, settings), limits_of(item, settings))


class RefuseStudentImports(importlib.abc.MetaPathFinder):
    """Makes importing the student's module in the grader an error that says what to do."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = tuple(names)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if any(fullname == n or fullname.startswith(n + ".") for n in self.names):
            raise ImportError(
                f"dimgrad: the student's module {fullname!r} runs in its own process when "
                "grading (the sandbox): use the `student` fixture instead of importing it "
                "in a test file or conftest.py (or grade with --dimgrad-sandbox=off)",
                name=fullname,
            )
        return None


def refuse_student_imports(config: pytest.Config, settings: Settings) -> None:
    names = [settings.student] if settings.student else []
    if not settings.sandbox or not names or REFUSER in config.stash:
        return
    refuser = RefuseStudentImports(names)
    sys.meta_path.insert(0, refuser)
    config.stash[REFUSER] = refuser


def allow_student_imports(config: pytest.Config) -> None:
    refuser = config.stash.get(REFUSER, None)
    if refuser is not None:
        if refuser in sys.meta_path:
            sys.meta_path.remove(refuser)
        del config.stash[REFUSER]


def _source_of(name: str, settings: Settings) -> Path:
    """The file (or package directory, or submission directory) to copy to the sandbox."""
    if settings.submission is not None:
        return Path(settings.submission)
    top = name.split(".")[0]
    # PathFinder only looks: it never runs the module (nor a package's __init__).
    spec = importlib.machinery.PathFinder.find_spec(top, sys.path)
    if spec is None or spec.origin is None:
        raise SubmissionImportError(
            f"Your module {name!r} could not be found, so this test could not run: is the "
            f"file {top}.py missing, or saved under another name?"
        )
    origin = Path(spec.origin)
    return origin.parent if origin.name == "__init__.py" else origin


def sandboxed_student(config: pytest.Config, settings: Settings, finalizers: Any) -> Any:
    """The stand-in for the student's module, its process started and the module imported.

    **Raises:** `SubmissionImportError` when the module cannot be imported.
    """
    __tracebackhide__ = True
    from ._sandbox import Limits, Sandbox, StudentCodeError, StudentModule

    name = str(settings.student)
    sandbox = Sandbox(
        name,
        _source_of(name, settings),
        Limits(memory_mb=settings.memory_mb, output_kb=settings.output_kb),
        instrument=tuple(settings.modules),
    )
    finalizers(sandbox.close)
    session = config.pluginmanager.get_plugin("dimgrad-grading")
    if session is not None:
        session.sandboxes.append(sandbox)
    clock = config.stash[CLOCK]
    try:
        sandbox.ensure_imported(clock.deadline)
    except StudentCodeError as error:
        if error.kind == "import":
            raise SubmissionImportError(error.explanation) from None
        raise
    return StudentModule(sandbox, lambda: clock.deadline, lambda: clock.limits)


def imported_student(name: str) -> ModuleType:
    """The student's module imported in this process (the sandbox is off)."""
    __tracebackhide__ = True
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
        from ._explain import exit_hint

        raise SubmissionImportError(
            f"Your module {name!r} could not be imported, so this test could not run: "
            f"{type(error).__name__}: {error}{where}{exit_hint(error)}"
        ) from error
