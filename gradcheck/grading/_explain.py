"""Why a test failed, in words for a student: their code, their result, or the tests.

Pure standard library and duck typing on pytest's `ExceptionInfo`, so that the plugin can
call it on every failure without importing numpy, dimcheck or gradcheck's checkers.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import sysconfig
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

# A frame of a traceback rendered as text: `File "/path/assignment.py", line 3`.
_TRACEBACK_FILE = re.compile(r'File "([^"]+)", line \d+')
# pytest-timeout's message when its signal method interrupts a test.
_TIMEOUT_PREFIX = "Timeout (>"
_MAX_LINES = 30


@dataclass(frozen=True)
class Explanation:
    """One failure explained.

    - `kind`: `"timeout"`, `"gradient"`, `"shape"`, `"import"`, `"student"` (the student's
      code raised), `"result"` (a check of the student's result failed) or `"tests"` (an
      error in the tests themselves).
    - `text`: the message for results.json, first line a summary.
    """

    kind: str
    text: str


def module_files(names: Iterable[str]) -> set[str]:
    """The source files of the student's modules, found without importing them.

    **Arguments:**

    - `names`: module names such as `"assignment"` or `"course.week4"`.

    **Returns:** absolute paths; a package contributes its whole directory (as a prefix
    ending in a separator).
    """
    files: set[str] = set()
    for name in names:
        module = sys.modules.get(name)
        origin = getattr(module, "__file__", None)
        if origin is None:
            try:
                spec = importlib.util.find_spec(name)
            except (ImportError, ValueError):
                spec = None
            origin = spec.origin if spec is not None else None
        if not origin or not os.path.exists(origin):
            continue
        origin = os.path.abspath(origin)
        if os.path.basename(origin) == "__init__.py":
            files.add(os.path.dirname(origin) + os.sep)
        else:
            files.add(origin)
    return files


def _library_roots() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    roots = {paths.get(key) for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    ours = Path(__file__).resolve().parents[2]
    roots |= {str(ours / package) for package in ("gradcheck", "dimcheck", "models")}
    return tuple(os.path.abspath(root) + os.sep for root in roots if root)


_LIBRARY = _library_roots()


def is_student_file(path: str, student: set[str], tests: set[str]) -> bool:
    """Whether `path` is code under test.

    With student modules named (`--dimgrad-student`, `--dimcheck-modules`) those alone; else
    any file that is not a test file, a conftest.py, the standard library, an installed
    package or this toolkit.
    """
    if path.startswith("<"):  # <frozen importlib._bootstrap>, <string>: not a file
        return False
    path = os.path.abspath(path)
    if student:
        return any(path == s or (s.endswith(os.sep) and path.startswith(s)) for s in student)
    if path in tests or os.path.basename(path) == "conftest.py":
        return False
    return not path.startswith(_LIBRARY)


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _is_shape_error(error: BaseException) -> bool:
    if getattr(error, "kind", None) == "shape" and hasattr(error, "dimgrad_explanation"):
        return True  # a ShapeError raised in the sandboxed student process
    return any(
        cls.__name__ == "ShapeError" and cls.__module__.startswith("dimcheck")
        for cls in type(error).__mro__
    )


def shape_text(error: BaseException) -> str:
    """dimcheck's message of a shape error, raised here or in the sandboxed process."""
    text = str(error).strip()
    if hasattr(error, "dimgrad_explanation"):  # "Shape error in your code: ShapeError: ..."
        text = text.removeprefix("Shape error in your code: ").partition(": ")[2]
    return text


def shape_error_in(error: BaseException) -> BaseException | None:
    """The first dimcheck `ShapeError` in the exception's chain of causes, if any."""
    return next((e for e in _chain(error) if _is_shape_error(e)), None)


def _message(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}".rstrip()
    notes = getattr(error, "__notes__", None)
    if notes:
        text += "\n" + "\n".join(str(note) for note in notes)
    lines = text.splitlines()
    if len(lines) > _MAX_LINES:
        lines = [*lines[:_MAX_LINES], "..."]
    return "\n".join(lines)


def _frames(excinfo: Any) -> list[tuple[str, int, str]]:
    frames = []
    tb = excinfo.value.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        frames.append((code.co_filename, tb.tb_lineno, code.co_name))
        tb = tb.tb_next
    return frames


def explain(
    excinfo: Any,
    when: str,
    *,
    student: set[str],
    tests: set[str],
    gradient: str | None = None,
) -> Explanation:
    """Explains a failed phase of a test.

    **Arguments:**

    - `excinfo`: pytest's `ExceptionInfo` of the failure.
    - `when`: `"setup"`, `"call"` or `"teardown"`.
    - `student`: files of the student's modules (see `module_files`); empty to guess.
    - `tests`: files of the collected test modules.
    - `gradient`: the message of the `gradcheck` fixture when it failed the test.

    **Returns:** an `Explanation`.
    """
    error = excinfo.value
    told = getattr(error, "dimgrad_explanation", None)
    if isinstance(told, tuple) and gradient is None:
        # Worded where it was raised: the sandbox's stand-in for the student's module.
        return Explanation(str(told[0]), str(told[1]))
    if type(error).__name__ == "Failed" and str(error).startswith(_TIMEOUT_PREFIX):
        return Explanation(
            "timeout",
            f"Time limit exceeded ({str(error).split('(')[1].split(')')[0]}): the test was "
            "stopped, 0 points. Is there an infinite loop, or very slow code, in your "
            "submission?",
        )
    if gradient is not None:
        return Explanation("gradient", gradient)
    if getattr(error, "dimgrad_import", False):
        return Explanation("import", str(error))
    missing = _missing_name(error, student, tests)
    if missing is not None:
        return Explanation("student", missing)
    shape = shape_error_in(error)
    if shape is not None:
        return Explanation("shape", "Shape error in your code: " + _message(shape))
    frames = _frames(excinfo)
    blamed = [f for f in frames if is_student_file(f[0], student, tests)]
    if blamed:
        path, line, function = blamed[-1]
        during = " while the test was being set up" if when == "setup" else ""
        return Explanation(
            "student",
            f"Your code raised an exception{during}: {_message(error)}\n"
            f"  at {os.path.basename(path)}, line {line}, in {function}",
        )
    if when == "call" and isinstance(error, (AssertionError, *_failed_types())):
        return Explanation("result", "Wrong result: " + _message(excinfo.value))
    where = ""
    in_tests = [f for f in frames if os.path.abspath(f[0]) in tests]
    if in_tests:
        path, line, function = in_tests[-1]
        where = f"\n  at {os.path.basename(path)}, line {line}, in {function}"
    phase = {"setup": "setting up", "teardown": "tearing down"}.get(when, "running")
    return Explanation(
        "tests",
        f"Error in the tests themselves while {phase} this test, not raised by your code: "
        f"{_message(error)}{where}\nPlease tell your instructor.",
    )


def _missing_name(error: BaseException, student: set[str], tests: set[str]) -> str | None:
    """The message for a test that asked the student's module for a name it lacks.

    The AttributeError is raised in the test's own line (`student.L_model_forward(...)`),
    yet the fault is the submission's: a function misspelled, renamed or not written.
    """
    if not isinstance(error, AttributeError):
        return None
    module = getattr(error, "obj", None)
    origin = getattr(module, "__file__", None)
    if not isinstance(module, ModuleType) or origin is None:
        return None
    if not is_student_file(origin, student, tests):
        return None
    return (
        f"Your module {module.__name__!r} has no {error.name!r}, which this test "
        "needs: is it misspelled, renamed, or not written yet?"
    )


def exit_hint(error: BaseException) -> str:
    if isinstance(error, SystemExit):
        return (
            "\n(Your code called sys.exit() or exit() while being imported: remove the call, "
            'or put it under `if __name__ == "__main__":`.)'
        )
    return ""


def _failed_types() -> tuple[type[BaseException], ...]:
    import pytest

    return (pytest.fail.Exception,)


def explain_collection(
    excinfo: Any, path: str, *, student: set[str], names: Iterable[str] = ()
) -> Explanation:
    """Explains why a test file could not be imported.

    **Arguments:**

    - `excinfo`: the `ExceptionInfo` of the collection error (pytest wraps import errors
      in its `CollectError`, whose message holds the traceback as text).
    - `path`: the test file.
    - `student`: files of the student's modules (see `module_files`); empty to guess.
    - `names`: the student's module names, for a submission that is missing altogether.
    """
    error = excinfo.value
    text = str(error)
    frames = [f[0] for f in _frames(excinfo)]
    # pytest reports an ImportError while importing a test module as text only, and a
    # SyntaxError's file is an attribute, not a frame.
    frames += _TRACEBACK_FILE.findall(text)
    frames += [e.filename for e in _chain(error) if isinstance(e, SyntaxError) and e.filename]
    name = os.path.basename(path)
    blamed = any(is_student_file(f, student, {os.path.abspath(path)}) for f in frames) or any(
        s.rstrip(os.sep) in text for s in student
    )
    names = list(names)
    if names:
        blamed = blamed or any(f"No module named '{n.split('.')[0]}" in text for n in names)
    else:
        # Nothing says which module is the submission: a module that cannot be found is
        # most likely a submission missing or saved under another name.
        blamed = blamed or "ModuleNotFoundError" in text
    last = [line for line in text.strip().splitlines() if line.strip()][-1:] or [text]
    summary = last[0].strip().removeprefix("E").strip()
    if type(error).__name__ != "CollectError":
        # Only pytest's CollectError carries the traceback as text; others are the error.
        summary = _message(error).splitlines()[0]
    if type(error).__name__ == "CollectionTimeout":
        who = "your code" if blamed else "the test file"
        return Explanation(
            "timeout",
            f"Time limit exceeded while importing {name} ({error}), so none of its tests ran "
            f"(0 points each): {who} never finished loading. Is there an infinite loop, or "
            "a long computation, at the top level of "
            + ("your module?" if blamed else "the test file? Please tell your instructor."),
        )
    if blamed:
        return Explanation(
            "import",
            f"Your code could not be imported by {name}, so none of its tests ran "
            f"(0 points each): {summary}{exit_hint(error)}",
        )
    return Explanation(
        "tests",
        f"Error in the test file {name} itself, so none of its tests ran (0 points each; "
        f"not raised by your code): {summary}\nPlease tell your instructor.",
    )
