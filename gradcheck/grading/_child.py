"""The student's process: imports the student's module and runs the calls the grader asks for.

Started by `_sandbox.Sandbox` as `python -I -m gradcheck.grading._child FD_IN FD_OUT`. It
reads the grader's requests (pickled: they come from the trusted side) and answers with
plain data only (`_codec`), so that nothing the student's code does can turn into anything
but data in the grader. Before the student's module is imported it:

- imports numpy and the modules the submission imports (from the installed packages only,
  as the student directory is not yet on the path), since once the user is dropped the
  interpreter's own directories may no longer be readable;
- sets its limits: address space (`RLIMIT_AS`), size of any file it writes
  (`RLIMIT_FSIZE`), no core files;
- when started as root, drops to the unprivileged user the grader chose;
- replaces `sys.stdout` and `sys.stderr` with writers that keep the first
  `output_limit` characters of each call and drop the rest.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import io
import os
import pickle
import resource
import sys
import traceback
from typing import Any

from . import _codec, _wire

# Modules a Course submission commonly imports, loaded before the user is dropped.
_WARM = ("numpy", "numpy.linalg", "numpy.random", "numpy.testing", "math", "copy", "random")


class _CappedWriter(io.TextIOBase):
    """Keeps the first `limit` characters written since the last `take()`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.size = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        text = str(text)
        room = self.limit - self.size
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(len(text), room)
        self.dropped += max(len(text) - max(room, 0), 0)
        return len(text)

    def take(self) -> str:
        text = "".join(self.parts)
        if self.dropped:
            text += f"\n... ({self.dropped} more characters of output dropped)"
        self.parts, self.size, self.dropped = [], 0, 0
        return text


def _imports_of(path: str) -> list[str]:
    """Absolute imports at any level of the student's file: the installed packages it uses."""
    try:
        with open(path, encoding="utf-8") as file:
            tree = ast.parse(file.read())
    except (OSError, SyntaxError, ValueError):
        return []
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return names


def _warm_up(files: list[str]) -> None:
    wanted = list(_WARM) + [name for path in files for name in _imports_of(path)]
    for name in dict.fromkeys(wanted):
        # A module it cannot import fails later, in the call that needs it.
        with contextlib.suppress(BaseException):
            importlib.import_module(name)


def _for_this_call(memory_bytes: int, output_chars: int, writer: _CappedWriter) -> None:
    """A test's own limits: memory as the soft limit (never above the hard one, which the
    process can no longer raise), output as the writer's cap."""
    if memory_bytes > 0:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        soft = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    writer.limit = output_chars


def _after_this_call(output_chars: int, writer: _CappedWriter) -> None:
    """Back to the process's own limits: memory up to the hard limit, the run's output."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    writer.limit = output_chars


def _limit(memory_bytes: int, file_bytes: int) -> None:
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _drop_user(uid: int | None) -> None:
    if uid is None or os.geteuid() != 0:
        return
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def _failure(error: BaseException, student_dir: str, output: str) -> dict[str, Any]:
    frames = []
    for frame in traceback.extract_tb(error.__traceback__):
        if os.path.abspath(frame.filename).startswith(student_dir):
            frames.append([os.path.basename(frame.filename), frame.lineno or 0, frame.name])
    if isinstance(error, SyntaxError) and error.filename:
        frames.append([os.path.basename(error.filename), error.lineno or 0, "<module>"])
    notes = [str(note) for note in getattr(error, "__notes__", None) or ()]
    # Every class along the chain of causes: a dimcheck ShapeError wrapped in another
    # exception is still a shape error.
    causes: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen and len(seen) < 10:
        seen.add(id(current))
        causes.extend(f"{c.__module__}.{c.__qualname__}" for c in type(current).__mro__)
        current = current.__cause__ or current.__context__
    try:
        message = str(error)
    except BaseException:
        message = "(its message could not be shown)"
    return {
        "status": "error",
        "type": type(error).__name__,
        "causes": causes,
        "message": message[:20_000],
        "notes": notes[:20],
        "frames": frames[-20:],
        "output": output,
    }


def _reply(fd: int, answer: dict[str, Any]) -> None:
    try:
        payload = _codec.encode(answer)
    except _codec.UnsupportedValue as error:
        payload = _codec.encode(
            {
                "status": "unsupported",
                "message": str(error),
                "output": answer.get("output", ""),
            }
        )
    except MemoryError:
        payload = _codec.encode({"status": "error", "type": "MemoryError"})
    _wire.send_blocking(fd, payload)


def main(fd_in: int, fd_out: int) -> None:
    config = pickle.loads(_wire.receive_blocking(fd_in))
    student_dir = os.path.abspath(config["directory"]) + os.sep
    files = [
        os.path.join(root, f)
        for root, _, names in os.walk(student_dir)
        for f in names
        if f.endswith(".py")
    ]
    _warm_up(files)
    instrument = None
    if config["instrument"]:
        import dimcheck

        from ._instrument import install

        instrument = install(config["instrument"], dimcheck.instrument)
    writer = _CappedWriter(config["output_limit"])
    sys.stdout = sys.stderr = writer
    _limit(config["memory"], config["file_limit"])
    _drop_user(config["uid"])
    os.chdir(student_dir)
    sys.path.insert(0, student_dir)
    try:
        module = importlib.import_module(config["module"])
    except BaseException as error:
        _reply(fd_out, _failure(error, student_dir, writer.take()))
        return
    del instrument
    names = sorted(n for n in dir(module) if not n.startswith("__"))
    _reply(fd_out, {"status": "ok", "value": names, "output": writer.take()})
    while True:
        try:
            request = pickle.loads(_wire.receive_blocking(fd_in))
        except _wire.WireError:
            return
        name, args, kwargs, limits = request
        default_output = writer.limit
        if limits is not None:
            _for_this_call(limits[0], limits[1], writer)
        try:
            value = getattr(module, name)(*args, **kwargs)
        except BaseException as error:
            _reply(fd_out, _failure(error, student_dir, writer.take()))
            continue
        finally:
            if limits is not None:
                _after_this_call(default_output, writer)
        _reply(fd_out, {"status": "ok", "value": value, "output": writer.take()})


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
