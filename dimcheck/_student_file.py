"""Loading a student's `.py` file or notebook for a check, without running their script.

A `.py` file is imported as a module (under a private name, so its
`if __name__ == "__main__":` part does not run). A notebook is not run: of each
code cell only the statements that define things are executed (imports, `def`,
`class`, and assignments of constants such as `layers_dims = [12288, 20, 7, 1]`);
data loading, test and training cells are skipped. An import that fails in a
notebook (a helper module such as `testCases` that is not beside it) is skipped
and noted. Functions from a notebook know their place as `cell N, line L`:
their code is compiled under the file name `"hw.ipynb, cell N,"`, so tracebacks
read `hw.ipynb, cell 4, line 12`.

Importing is bounded: a file that calls `sys.exit()` or `os._exit()` while being
imported, or that is still running after `timeout` seconds, raises
`StudentFileError` with the reason instead of ending or hanging the checker.
"""

from __future__ import annotations

import ast
import itertools
import linecache
import os
import signal
import sys
import threading
import time
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_COUNT = itertools.count()

#: Seconds a file may take to import before the check gives up on it.
IMPORT_TIMEOUT = 20.0


class StudentFileError(Exception):
    """A student file that cannot be loaded: missing, unreadable, exits or hangs on import."""


class _Stopped(BaseException):
    """Raised inside the student's import to stop it (a `BaseException`, so that the
    student's own `except Exception:` cannot swallow it)."""


@dataclass
class StudentFile:
    """A loaded student file.

    - `module`: the module holding the file's functions.
    - `path`: the file as given.
    - `notebook`: whether it is a notebook.
    - `skipped`: for a notebook, what was not run (`"cell 3: from testCases import *
      (ModuleNotFoundError)"`); statements skipped as not definitions are counted, not listed.
    """

    module: types.ModuleType
    path: str
    notebook: bool
    skipped: list[str] = field(default_factory=list)


def cell_filename(path: str | Path, cell: int) -> str:
    """The file name a notebook cell's code is compiled under: `"/x/hw.ipynb, cell 3,"`."""
    return f"{Path(path).resolve()}, cell {cell},"


def place(filename: str, line: int) -> str:
    """`"hw.ipynb, cell 3, line 5"` or `"student.py, line 5"` for a code location."""
    name = Path(filename).name
    return f"{name} line {line}" if name.endswith(",") else f"{name}, line {line}"


@contextmanager
def _bounded(path: str, timeout: float) -> Iterator[None]:
    """Turn `sys.exit()`, `os._exit()` and running past `timeout` seconds into errors."""
    real_exit = os._exit

    def refuse_exit(status: int = 0) -> None:
        raise _Stopped(f"it calls os._exit({status})")

    def out_of_time(signum: int, frame: Any) -> None:
        raise _Stopped(f"it was still running after {timeout:g} s (an endless loop, or training?)")

    timed = threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGALRM")
    previous: Any = None
    pending = 0.0  # an alarm someone else set (pytest-timeout, say), restored afterwards
    started = time.monotonic()
    if timed:
        pending = signal.getitimer(signal.ITIMER_REAL)[0]
        previous = signal.signal(signal.SIGALRM, out_of_time)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    os._exit = refuse_exit  # type: ignore[assignment]
    try:
        yield
    except SystemExit as stop:
        raise StudentFileError(
            f"{path} calls sys.exit({stop.code if stop.code is not None else ''}) when it is"
            " imported, so its functions cannot be checked: put the script part under"
            ' `if __name__ == "__main__":`'
        ) from None
    except _Stopped as stop:
        raise StudentFileError(
            f"{path} cannot be checked: {stop.args[0]} when it is imported. Put the script"
            ' part under `if __name__ == "__main__":` (or give it more time with --timeout)'
        ) from None
    finally:
        os._exit = real_exit
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            if pending > 0:
                left = pending - (time.monotonic() - started)
                signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3))


def load_student_file(path: str | Path, *, timeout: float = IMPORT_TIMEOUT) -> StudentFile:
    """Load a `.py` file or an `.ipynb` notebook for checking.

    **Arguments:**

    - `path`: the file.
    - `timeout`: seconds the import may take.

    **Returns:** a `StudentFile`. **Raises:** `StudentFileError` for a missing file,
    one that raises, exits or runs out of time while being imported.
    """
    file = Path(path)
    if not file.is_file():
        raise StudentFileError(f"no such file: {path}")
    name = f"_dimcheck_student_{next(_COUNT)}_{file.stem.replace('-', '_')}"
    folder = str(file.resolve().parent)
    # Course files import their helpers (dnn_utils, testCases) from their own folder.
    sys.path.insert(0, folder)
    try:
        if file.suffix == ".ipynb":
            return _load_notebook(file, name, timeout)
        return StudentFile(_import_py(file, name, timeout), str(path), notebook=False)
    finally:
        if folder in sys.path:
            sys.path.remove(folder)


def _import_py(file: Path, name: str, timeout: float) -> types.ModuleType:
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise StudentFileError(f"{file} is not a Python file that can be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        with _bounded(str(file), timeout):
            spec.loader.exec_module(module)
    except StudentFileError:
        del sys.modules[name]
        raise
    except Exception as error:
        del sys.modules[name]
        raise StudentFileError(
            f"importing {file} raised {type(error).__name__}: {error}{_where(error)}"
        ) from error
    return module


def _where(error: BaseException) -> str:
    import traceback

    frames = [
        f for f in traceback.extract_tb(error.__traceback__) if not f.filename.startswith("<")
    ]
    if not frames:
        return ""
    frame = frames[-1]
    return f" (at {place(frame.filename, frame.lineno or 0)})"


def _is_constant(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def definitions(source: str) -> list[ast.stmt]:
    """The top-level statements of a cell that only define things.

    Imports, `def`, `class`, and assignments of constants (literals) to plain names;
    everything else (loading data, calling functions, printing, training) is left out.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    kept: list[ast.stmt] = []
    for node in tree.body:
        if (
            isinstance(
                node,
                ast.Import | ast.ImportFrom | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef,
            )
            or (
                isinstance(node, ast.Assign)
                and all(isinstance(t, ast.Name) for t in node.targets)
                and _is_constant(node.value)
            )
            or (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and node.value is not None
                and _is_constant(node.value)
            )
        ):
            kept.append(node)
    return kept


def _load_notebook(file: Path, name: str, timeout: float) -> StudentFile:
    from ._lint._notebook import NotebookError, code_cells

    try:
        cells = code_cells(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, NotebookError) as error:
        raise StudentFileError(f"{file}: {error}") from error
    module = types.ModuleType(name, f"the definitions of {file.name}")
    module.__file__ = str(file)
    sys.modules[name] = module
    loaded = StudentFile(module, str(file), notebook=True)
    namespace = module.__dict__
    with _bounded(str(file), timeout):
        for number, source in cells:
            filename = cell_filename(file, number)
            lines = source.splitlines(keepends=True)
            # Registered so that tracebacks and `inspect.getsource` can show the lines.
            linecache.cache[filename] = (len(source), None, lines, filename)
            for node in definitions(source):
                code = compile(ast.Module(body=[node], type_ignores=[]), filename, "exec")
                try:
                    exec(code, namespace)
                except Exception as error:
                    if not isinstance(node, ast.Import | ast.ImportFrom):
                        del sys.modules[name]
                        raise StudentFileError(
                            f"{file}, cell {number}, line {node.lineno}: defining it raised"
                            f" {type(error).__name__}: {error}"
                        ) from error
                    statement = ast.get_source_segment(source, node) or "an import"
                    loaded.skipped.append(
                        f"cell {number}: {statement} ({type(error).__name__}: {error})"
                    )
    return loaded
