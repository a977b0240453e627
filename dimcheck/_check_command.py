"""`dimcheck check student.py|hw.ipynb`: run the file's Course functions with every shape checked.

The file is loaded without running its script or its notebook's data, test and
training cells (`_student_file`), its Course functions recognised (`_recognise`) and
instrumented, then run once on a generated problem of each recognised assignment
(`_exercise`). The first wrong shape is printed in course notation with the place of
the function; otherwise that all shapes are right. Exit status as `gradcheck`'s:
0 all shapes right, 1 a shape is wrong (or the student's code raised on right
shapes), 2 the file cannot be loaded or nothing in it was recognised.
"""

from __future__ import annotations

import types
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ._course_functions import ASSIGNMENTS

EXIT_RIGHT, EXIT_WRONG, EXIT_ERROR = 0, 1, 2


@dataclass
class CheckResult:
    """The outcome of `check_file`: an exit status and the lines to print.

    - `status`: 0 all shapes right, 1 a wrong shape (or the code raised), 2 not checkable.
    - `lines`: what to print on stdout (status 0 and 1) or stderr (status 2).
    - `assignments`: the assignment ids recognised; `ran`: the functions run.
    """

    status: int
    lines: list[str] = field(default_factory=list)
    assignments: list[str] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(self.lines)


def _hint(error: BaseException) -> str:
    """What an exception from the student's code on right shapes most likely means."""
    cause = error.__cause__
    if isinstance(cause, KeyError):
        return (
            "  (a key read that was never stored: are the keys numbered one way when stored"
            ' and another when read, as grads["dA" + str(l)] against "dA" + str(l + 1)?)'
        )
    if isinstance(cause, AssertionError):
        return "  (an assert of your own failed: the shape or value it checks is wrong)"
    if isinstance(cause, ValueError | IndexError):
        return "  (numpy refused the shapes: a wrong shape inside the function, at the line shown)"
    return ""


def _defined_at(module: types.ModuleType, message: str) -> str:
    """`"  L_model_backward is at hw.ipynb, cell 12, line 3"` for the function a message names."""
    from ._student_file import place

    name = message.split(":", 1)[0].strip()
    originals: Mapping[str, object] = getattr(module, "__dimcheck_originals__", {}) or {}
    function = originals.get(name) or getattr(module, name, None)
    code = getattr(function, "__code__", None)
    if code is None:
        return ""
    return f"  ({name} is defined at {place(code.co_filename, code.co_firstlineno)})"


def check_file(
    path: str | Path,
    *,
    layer_dims: list[int] | None = None,
    m: int = 7,
    seed: int = 0,
    aliases: Mapping[str, str] | None = None,
    roles: Mapping[str, str | None] | None = None,
    convention: str = "standard",
    timeout: float | None = None,
) -> CheckResult:
    """Shape-check the Course functions of a `.py` file or notebook by running them.

    **Arguments:**

    - `path`: the student's file.
    - `layer_dims`: the sizes of the generated network (defaults per assignment).
    - `m`, `seed`: the number of examples and the seed of the generated problem.
    - `aliases`: the file's own names for Course functions (`{"fwd": "L_model_forward"}`).
    - `roles`: `{"forward": NAME, "backward": NAME, "cost": NAME}` as given on the
      command line; turned into `aliases` from the functions' signatures.
    - `convention`: `"standard"` or `"transposed"` weights.
    - `timeout`: seconds the file may take to import.

    **Returns:** a `CheckResult`.
    """
    from ._errors import ShapeError
    from ._exercise import StudentRaised, exercise
    from ._instrument import instrument, not_recognised
    from ._recognise import recognise, role_aliases
    from ._student_file import IMPORT_TIMEOUT, StudentFileError, load_student_file

    try:
        loaded = load_student_file(path, timeout=IMPORT_TIMEOUT if timeout is None else timeout)
    except StudentFileError as error:
        return CheckResult(EXIT_ERROR, [f"dimcheck check: {error}"])
    module = loaded.module
    try:
        names = dict(aliases or {})
        names.update(role_aliases(module, roles or {}))
    except ValueError as error:
        return CheckResult(EXIT_ERROR, [f"dimcheck check: {error}"])
    if not recognise(module, names):
        return CheckResult(EXIT_ERROR, ["dimcheck check: " + not_recognised(module, str(path))])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        instrument(module, convention=convention, aliases=names)  # type: ignore[arg-type]
    recognised = recognise(module, names)
    found = ", ".join(recognised.assignments)
    head = [f"dimcheck check {path}: recognised {found}"]
    head += [f"  skipped {note}" for note in loaded.skipped]
    try:
        ran = exercise(recognised, layer_dims=layer_dims, m=m, seed=seed)
    except ShapeError as error:
        message = str(error)
        lines = [*head, f"wrong shape: {message}", _defined_at(module, message)]
        return CheckResult(EXIT_WRONG, [x for x in lines if x], recognised.assignments)
    except StudentRaised as error:
        lines = [*head, f"error on a problem whose shapes are right: {error}", _hint(error)]
        return CheckResult(EXIT_WRONG, [x for x in lines if x], recognised.assignments)
    sizes = f"layer_dims {layer_dims}" if layer_dims else "the default sizes"
    lines = [
        *head,
        f"all shapes are right: ran {', '.join(ran)} on {sizes}, m = {m}, seed {seed}",
    ]
    lines += [f"  {a}: {ASSIGNMENTS[a]}" for a in recognised.assignments]
    return CheckResult(EXIT_RIGHT, lines, recognised.assignments, ran)
