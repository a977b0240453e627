"""The student's module in a process of its own, called from the grader as plain data.

`Sandbox` starts `_child.py` with the student's files copied to a directory of their own,
sends it calls and reads back plain data (`_codec`): numpy arrays of the base class, dicts,
lists, tuples, numbers, strings. `StudentModule` is the stand-in the `student` fixture
hands to the instructor's tests: `student.L_model_forward(X, parameters)` runs in the
student's process and returns its result to the test, or raises `StudentCodeError`, the
test's failure, with what went wrong in words for the student.

Whatever the student's code does (exit, crash, `os._exit`, fork, hang, print without end,
allocate without limit) stays in its process: the call fails, the process is ended and a
fresh one is started for the next call. The grader's own pytest never runs student code.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import _codec, _reaper, _wire

# Seconds for a student process to start and import numpy before the student's module
# (0.1 s on an idle machine); counted apart from the test's own limit, as a loaded grading
# machine may be slow.
START_ALLOWANCE = 10.0
# A reply larger than this (bytes) is refused: the grader's memory is not the student's.
_MAX_REPLY = 512 << 20
# Files the student's code writes are limited to this many bytes each.
_FILE_LIMIT = 64 << 20
# The first user id of the sandbox when started as root: one per sandbox (8 per grader
# process, from its pid), so that sandboxes running at once never share a user and each
# is ended apart. pid_max is at most 2**22: the ids stay below 2**25 + 200,000.
_UID_BASE = 200_000
_UIDS_PER_PROCESS = 8
_instances = itertools.count()
# Exceptions of the student's that a test may expect with pytest.raises(...): they come
# back as a StudentCodeError that is also of the built-in type.
_BUILTIN_ERRORS = {
    cls.__name__: cls
    for cls in (
        ArithmeticError,
        AssertionError,
        AttributeError,
        FloatingPointError,
        IndexError,
        KeyError,
        LookupError,
        MemoryError,
        NameError,
        NotImplementedError,
        OverflowError,
        RecursionError,
        RuntimeError,
        TypeError,
        ValueError,
        ZeroDivisionError,
    )
}


class StudentCodeError(Exception):
    """A call of the student's code that did not return plain data.

    **Attributes:**

    - `kind`: `"student"` (it raised), `"shape"` (a dimcheck shape error), `"import"`,
      `"timeout"`, `"crash"`, `"memory"` or `"data"` (it returned something not plain data).
    - `explanation`: the message for the student, first line a summary.
    - `type_name`: the student's exception type, when it raised one.
    """

    def __init__(self, kind: str, explanation: str, type_name: str = "") -> None:
        super().__init__(explanation)
        self.kind = kind
        self.explanation = explanation
        self.type_name = type_name
        # Read by the plugin's explanations (`_explain.explain`).
        self.dimgrad_explanation = (kind, explanation)


_ERROR_CLASSES: dict[str, type[StudentCodeError]] = {}


def _error_class(type_name: str) -> type[StudentCodeError]:
    builtin = _BUILTIN_ERRORS.get(type_name)
    if builtin is None:
        return StudentCodeError
    if type_name not in _ERROR_CLASSES:
        _ERROR_CLASSES[type_name] = type(
            f"Student{type_name}",
            (StudentCodeError, builtin),
            {"__module__": __name__, "__str__": StudentCodeError.__str__},
        )
    return _ERROR_CLASSES[type_name]


@dataclass
class Limits:
    """What one student process may use.

    - `memory_mb`: address space in MiB (`RLIMIT_AS`); 0 for no limit.
    - `output_kb`: KiB of printed output kept per call.
    """

    memory_mb: float = 2048.0
    output_kb: float = 16.0


class Sandbox:
    """The student's module running in a separate, limited process.

    **Arguments:**

    - `module`: the student's module name (`"assignment"`).
    - `source`: the file of the module, or the directory that holds it; a file is copied
      alone (never its neighbours: the instructor's solution may sit next to it), a
      directory whole.
    - `limits`: see `Limits`.
    - `instrument`: module names to shape-check with `dimcheck.instrument` in the process.
    """

    def __init__(
        self,
        module: str,
        source: str | os.PathLike[str],
        limits: Limits | None = None,
        instrument: tuple[str, ...] = (),
    ) -> None:
        self.module = module
        self.source = Path(source)
        self.limits = limits or Limits()
        self.instrument = instrument
        self.uid = (
            _UID_BASE + os.getpid() * _UIDS_PER_PROCESS + next(_instances) % _UIDS_PER_PROCESS
            if os.geteuid() == 0
            else None
        )
        self._directory: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._to_child = self._from_child = -1
        self._started: int | None = None
        self.names: list[str] | None = None
        self.import_error: StudentCodeError | None = None
        self.calls = 0

    def __repr__(self) -> str:
        state = "running" if self._process is not None else "stopped"
        return f"Sandbox({self.module!r}, {str(self.source)!r}, {state})"

    # -- the student's directory ------------------------------------------------------

    def _prepare(self) -> Path:
        if self._directory is not None:
            return self._directory
        directory = Path(tempfile.mkdtemp(prefix="dimgrad-student-"))
        if self.source.is_dir():
            shutil.copytree(
                self.source,
                directory,
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns("__pycache__", ".*"),
            )
        elif self.source.is_file():
            shutil.copy2(self.source, directory / self.source.name)
        for path in [directory, *directory.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
            if self.uid is not None:
                # The student's user owns its copy: it may write files next to its module.
                os.chown(path, self.uid, self.uid)
        self._directory = directory
        return directory

    # -- the process ------------------------------------------------------------------

    def _start(self, deadline: float) -> None:
        directory = self._prepare()
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(directory),
            "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": str(directory / ".matplotlib"),
            # One thread each: parallel graders share the cores, and a BLAS thread pool
            # reserves address space the memory limit should leave to the student.
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONHASHSEED": "0",
        }
        _reaper.become_subreaper()  # orphans of the student's come back to the grader
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-I",
                "-m",
                "gradcheck.grading._child",
                str(to_child_r),
                str(from_child_w),
            ],
            pass_fds=(to_child_r, from_child_w),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=directory,
            env=env,
            start_new_session=True,  # its own process group, ended with one signal
        )
        self._started = _reaper.start_time(self._process.pid)
        os.close(to_child_r)
        os.close(from_child_w)
        for fd in (to_child_w, from_child_r):
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
            _widen(fd)
        self._to_child, self._from_child = to_child_w, from_child_r
        config = {
            "directory": str(directory),
            "module": self.module,
            "instrument": list(self.instrument),
            "memory": int(self.limits.memory_mb * (1 << 20)),
            "file_limit": _FILE_LIMIT,
            "output_limit": int(self.limits.output_kb * 1024),
            "uid": self.uid,
        }
        answer = self._exchange(pickle.dumps(config), deadline + START_ALLOWANCE, "import")
        if answer.get("status") == "ok":
            self.names = [str(n) for n in answer.get("value") or ()]
            self.import_error = None
        else:
            self.import_error = self._import_failure(answer)

    def _import_failure(self, answer: dict[str, Any]) -> StudentCodeError:
        kind, text = _describe(answer, self.module)
        if kind == "shape":
            return StudentCodeError("shape", text)
        where = ""
        frames = answer.get("frames") or []
        if frames and answer.get("type") != "SyntaxError":
            where = f" (line {frames[-1][1]})"
        hint = ""
        if answer.get("type") == "SystemExit":
            hint = (
                "\n(Your code called sys.exit() or exit() while being imported: remove the "
                'call, or put it under `if __name__ == "__main__":`.)'
            )
        return StudentCodeError(
            "import",
            f"Your module {self.module!r} could not be imported, so this test could not run: "
            f"{answer.get('type')}: {answer.get('message')}{where}{hint}",
            str(answer.get("type", "")),
        )

    def _exchange(self, request: bytes, deadline: float, what: str) -> dict[str, Any]:
        """Sends one request and returns the child's answer as plain data."""
        __tracebackhide__ = True
        limit = max(deadline - time.monotonic(), 0.0)
        try:
            _wire.send(self._to_child, request, deadline)
            reply = _wire.receive(self._from_child, deadline, _MAX_REPLY)
        except _wire.WireTimeout:
            self.stop()
            raise StudentCodeError(
                "timeout",
                f"Time limit exceeded (>{limit:.3g}s) in {what}: the test was stopped, "
                "0 points. Is there an infinite loop, or very slow code, in your submission?",
            ) from None
        except _wire.WireError as error:
            code = self._returncode()
            self.stop()
            raise StudentCodeError("crash", _crash_text(what, code, str(error))) from None
        except BaseException:
            self.stop()  # the grader was interrupted mid-call: the process is out of step
            raise
        try:
            answer = _codec.decode(reply)
            if not isinstance(answer, dict):
                raise ValueError("not a dict")
        except (ValueError, TypeError, KeyError) as error:
            self.stop()
            raise StudentCodeError(
                "crash", f"The process running your code sent a malformed answer ({error})."
            ) from None
        return answer

    def _returncode(self) -> int | None:
        if self._process is None:
            return None
        try:
            return self._process.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            return None

    # -- calls ------------------------------------------------------------------------

    def ensure_imported(self, deadline: float) -> list[str]:
        """Starts the process if needed; returns the module's names.

        **Raises:** `StudentCodeError` when the module cannot be imported.
        """
        __tracebackhide__ = True
        if self._process is None:
            self._start(deadline)
        if self.import_error is not None:
            raise self.import_error
        return self.names or []

    def call(
        self,
        name: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        deadline: float,
        limits: Limits | None = None,
    ) -> Any:
        """Calls `module.name(*args, **kwargs)` in the student's process.

        **Arguments:**

        - `deadline`: `time.monotonic()` by which the call must return.
        - `limits`: this call's memory and output (a test's own); `None` for the process's.
          Memory above the process's is not granted (its hard limit).

        **Returns:** the result as plain data. **Raises:** `StudentCodeError`.
        """
        __tracebackhide__ = True
        self.ensure_imported(deadline)
        try:
            wanted = (
                None
                if limits is None
                else (int(limits.memory_mb * (1 << 20)), int(limits.output_kb * 1024))
            )
            request = pickle.dumps((name, args, kwargs, wanted), protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError) as error:
            raise TypeError(
                f"the test passed {name}() an argument that cannot be sent to the student's "
                f"process ({error}): pass arrays, numbers, strings, lists, tuples and dicts"
            ) from None
        self.calls += 1
        answer = self._exchange(request, deadline, f"{name}()")
        output = str(answer.get("output") or "")
        status = answer.get("status")
        if status == "ok":
            return answer.get("value")
        if status == "unsupported":
            raise StudentCodeError(
                "data",
                f"Your {name}() returned {answer.get('message')}, which the grader cannot "
                "read: return numpy arrays, numbers, strings, lists, tuples and dicts."
                + _printed(output),
            )
        kind, text = _describe(answer, self.module)
        raise _error_class(str(answer.get("type", "")))(
            kind, text + _printed(output), str(answer.get("type", ""))
        )

    def stop(self) -> None:
        """Ends the student's process and every process it started."""
        process, self._process = self._process, None
        for fd in (self._to_child, self._from_child):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._to_child = self._from_child = -1
        if process is not None:
            _reaper.end_all(process.pid, self.uid, self._started)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5.0)

    def close(self) -> None:
        """`stop`, and removes the student's directory."""
        self.stop()
        if self._directory is not None:
            shutil.rmtree(self._directory, ignore_errors=True)
            self._directory = None


def _widen(fd: int) -> None:
    """A 1 MiB pipe instead of 64 KiB (Linux): 16 times fewer waits for a large array."""
    setpipe = getattr(fcntl, "F_SETPIPE_SZ", None)
    if setpipe is not None:
        # Above the system's pipe-max-size it fails: the default size works too.
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, setpipe, 1 << 20)


def _printed(output: str) -> str:
    return f"\nYour code printed:\n{output.rstrip()}" if output.strip() else ""


def _crash_text(what: str, code: int | None, detail: str) -> str:
    if code is not None and code < 0:
        try:
            how = f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            how = f"was killed by signal {-code}"
    elif code is not None:
        how = f"exited with status {code} (os._exit() or exit() in your code?)"
    else:
        how = f"stopped answering ({detail})"
    return (
        f"The process running your code {how} during {what}: 0 points for this test. "
        "A crash (a segmentation fault, running out of memory) or exiting the process "
        "costs the test that caused it."
    )


def _describe(answer: dict[str, Any], module: str) -> tuple[str, str]:
    """(kind, explanation) of an exception raised in the student's process."""
    type_name = str(answer.get("type", "Exception"))
    message = str(answer.get("message", ""))
    notes = [str(n) for n in answer.get("notes") or ()]
    text = f"{type_name}: {message}".rstrip()
    if notes:
        text += "\n" + "\n".join(notes)
    lines = text.splitlines()
    if len(lines) > 30:
        text = "\n".join([*lines[:30], "..."])
    causes = [str(c) for c in answer.get("causes") or ()]
    if any(c.startswith("dimcheck") and c.endswith(".ShapeError") for c in causes):
        return "shape", "Shape error in your code: " + text
    if type_name == "MemoryError":
        return "memory", (
            "Your code ran out of memory (it may use at most its limit of address space): "
            "0 points for this test. Is an array far larger than it should be?"
        )
    frames = answer.get("frames") or []
    where = ""
    if frames:
        file, line, function = frames[-1]
        where = f"\n  at {file}, line {line}, in {function}"
    return "student", f"Your code raised an exception: {text}{where}"


class StudentModule:
    """The `student` fixture when the sandbox is on: the student's module, at arm's length.

    `student.name(*args, **kwargs)` calls the student's function in its own process and
    returns plain data; `hasattr(student, name)` says whether the module defines `name`.

    **Arguments:**

    - `sandbox`: the `Sandbox` running the module.
    - `deadline`: a callable giving the current test's deadline (`time.monotonic()`).
    - `limits`: a callable giving the current test's `(memory MiB, output KiB)`, or `None`
      for the process's own.
    """

    def __init__(self, sandbox: Sandbox, deadline: Any, limits: Any = None) -> None:
        self._sandbox = sandbox
        self._deadline = deadline
        self._limits = limits or (lambda: None)
        self.__name__ = sandbox.module

    def __repr__(self) -> str:
        return f"<student module {self._sandbox.module!r} (sandboxed)>"

    def __dir__(self) -> list[str]:
        return self._sandbox.ensure_imported(self._deadline())

    def __getattr__(self, name: str) -> Any:
        __tracebackhide__ = True
        if name.startswith("__"):
            raise AttributeError(name)
        names = self._sandbox.ensure_imported(self._deadline())
        if name not in names:
            raise MissingName(self, name)
        return StudentFunction(self, name)


class MissingName(AttributeError):
    """The student's module lacks a name a test asked for: the submission's fault."""

    def __init__(self, module: StudentModule, name: str) -> None:
        super().__init__(f"module {module.__name__!r} has no attribute {name!r}")
        self.name = name
        self.obj = module
        self.dimgrad_explanation = (
            "student",
            f"Your module {module.__name__!r} has no {name!r}, which this test needs: is it "
            "misspelled, renamed, or not written yet?",
        )


class StudentFunction:
    """One function of the student's module, called in the student's process."""

    def __init__(self, module: StudentModule, name: str) -> None:
        self._module = module
        self.__name__ = self.__qualname__ = name

    def __repr__(self) -> str:
        return f"<student function {self.__name__} (sandboxed)>"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        sandbox = self._module._sandbox
        wanted = self._module._limits()
        limits = None if wanted is None else Limits(memory_mb=wanted[0], output_kb=wanted[1])
        return sandbox.call(self.__name__, args, kwargs, self._module._deadline(), limits)
