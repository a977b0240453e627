"""Collecting when grading: the tests found in the source, and a time limit on importing.

A test file that cannot be imported must still list its tests in the grade (read from
its source), and importing one must not hang the run (pytest-timeout limits tests, not
collection).
"""

from __future__ import annotations

import fnmatch
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest


def tests_from_source(
    config: pytest.Config, args: list[str], default_points: float
) -> list[dict[str, Any]]:
    """The tests of the files and directories `args`, found by reading them (see
    `tests_in_source`)."""
    from ._source import tests_in_source

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


def collection_time_limit(seconds: float) -> Any:
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
