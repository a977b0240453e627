"""One Course implementation: its source, its notebook form, and a fresh import of it.

A correct implementation is a file `tests/course/<assignment>.py`, cells separated by
`# %%` lines (jupytext's percent format), or a variant of one (`_variants.py`): that file
with a few exact text replacements. A planted bug is a correct implementation with a few
more, what a student's diff would show. The notebook form has one cell per
`# %%` block; a cell that is `if __name__ == "__main__":` and its body in the .py form
(data loading, the test cell, training) is unguarded in the notebook, as students have it.
"""

import atexit
import functools
import importlib.util
import itertools
import json
import re
import shutil
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from ._variants import VARIANTS

HERE = Path(__file__).parent

# The tools a planted bug can be expected of: `instrument` (shape rules at run time),
# `dimcheck-check` (the shell shape check), `lint` (static), `gradcheck` (numerical
# gradient check), `update-check` (optimiser steps against the reference optimisers),
# `init-check` (initialiser shapes and scale).
TOOLS = frozenset(
    {"instrument", "dimcheck-check", "lint", "gradcheck", "update-check", "init-check"}
)

# The two tools that run the code and check every shape it makes.
SHAPE = frozenset({"instrument", "dimcheck-check"})

GUARD = 'if __name__ == "__main__":'
_CELL_MARK = re.compile(r"^# %%(?: \[(?P<kind>markdown)\])?\s*$")

_COUNT = itertools.count()
_LOADED = Path(tempfile.mkdtemp(prefix="course-corpus-"))
atexit.register(shutil.rmtree, _LOADED, ignore_errors=True)


def _replaced(text: str, changes: tuple[tuple[str, str], ...], name: str, file: str) -> str:
    """`text` with each `(old, new)` applied; each `old` must stand in it exactly once."""
    for old, new in changes:
        # Exactly once: a change that matches nothing (or twice) would change nothing.
        if text.count(old) != 1:
            raise ValueError(f"{name}: {old!r} is not in {file} once")
        text = text.replace(old, new)
    return text


@dataclass(frozen=True)
class Implementation:
    """A Course implementation, correct (`bug is None`) or with one planted bug.

    **Arguments:**
    - `name`: `"c1w4_deep_v3"`, or `"c1w4_deep_v3__db_no_keepdims"` for a planted bug.
    - `assignment`: the correct implementation it is (or starts from), e.g. `"c1w4_deep_v3"`.
    - `bug`: `None` for correct code, else a short id like `"db_no_keepdims"`.
    - `description`: what the bug is, in words (`""` for correct code).
    - `caught_by`: the tools expected to catch the bug (a subset of `TOOLS`; empty if correct).
    - `function`: the student function the bug is in.
    - `variable`: the course name a message should name, e.g. `"db[1]"`, `"dW[l]"`,
      `"v[dW1]"`. An `l` layer index means any layer: see `variable_pattern`.
    - `changes`: the bug's `(correct text, planted text)` replacements, each of which
      matches the base exactly once.
    """

    name: str
    assignment: str
    bug: str | None = None
    description: str = ""
    caught_by: frozenset[str] = frozenset()
    function: str | None = None
    variable: str | None = None
    changes: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    @property
    def path(self) -> Path:
        """The file of the correct base implementation (for a variant, of what it starts from)."""
        base = VARIANTS[self.assignment][0] if self.assignment in VARIANTS else self.assignment
        return HERE / f"{base}.py"

    def correct_source(self) -> str:
        """The .py text of the correct implementation this one is (or starts from)."""
        text = self.path.read_text()
        if self.assignment in VARIANTS:
            text = _replaced(text, VARIANTS[self.assignment][1], self.assignment, self.path.name)
        return text

    @property
    def convention(self) -> str:
        """How the file stores W[l]: "transposed" ((n[l-1], n[l]), Z = W.T @ A + b) for the
        `_transposed` bases, else "standard"; the shape tools must be told which."""
        return "transposed" if self.assignment.endswith("_transposed") else "standard"

    def source(self) -> str:
        """The full .py text: the correct base with the bug's replacements applied."""
        text = self.correct_source()
        if self.bug is None:
            return text
        return _replaced(text, self.changes, self.name, f"{self.assignment}.py")

    def variable_pattern(self) -> str:
        """A regular expression for `variable` in a message: `[l]`, `[L]`, `dWl` match any layer."""
        if self.variable is None:
            raise ValueError(f"{self.name} is correct code: it names no variable")
        pattern = re.escape(self.variable)
        for layer in (r"\[l\]", r"\[L\]", r"\[l\-1\]"):
            pattern = pattern.replace(layer, r"\[\d+\]")
        return re.sub(r"(dW|db|W|b)l(?=\\?\])", r"\1\\d+", pattern)

    def notebook_cells(self) -> list[tuple[str, str]]:
        """The notebook's cells as `(cell_type, source)`, guards removed, in order."""
        return [(cell.kind, cell.text) for cell in self._cells()]

    def notebook_place(self, line: int) -> tuple[int, int]:
        """Where line `line` of the .py form is in the notebook: `(cell, line)`, both from 1.

        Cells are counted among all cells, markdown included, as `dimcheck lint` and
        Jupyter count them; lines within the cell.
        """
        for number, cell in enumerate(self._cells(), start=1):
            if line in cell.lines:
                return number, cell.lines.index(line) + 1
        raise ValueError(f"{self.name}: line {line} is in no cell (a `# %%` mark or blank)")

    def planted_lines(self) -> tuple[int, ...]:
        """The .py lines (from 1) where the bug's changes are, one per change.

        The first line with text of each planted replacement (for a deletion, the line
        that now stands where the deleted text was).
        """
        text = self.correct_source()
        for index, (correct, planted) in enumerate(self.changes):
            if text.count(correct) != 1:
                raise ValueError(f"{self.name}: {correct!r} is not in {self.assignment}.py once")
            text = text.replace(correct, f"\0{index}\0{planted}")
        lines = []
        for index, (_, planted) in enumerate(self.changes):
            marker = f"\0{index}\0"
            start = text.index(marker) + len(marker) + len(planted) - len(planted.lstrip())
            lines.append(text.count("\n", 0, start) + 1)
        return tuple(lines)

    def _cells(self) -> tuple["_Cell", ...]:
        return _cells_of(self.name, self.source())

    def write_py(self, folder: Path) -> Path:
        """Write `<name>.py` into `folder`; returns its path."""
        path = Path(folder) / f"{self.name}.py"
        path.write_text(self.source())
        return path

    def write_ipynb(self, folder: Path) -> Path:
        """Write `<name>.ipynb` (nbformat 4.5, one cell per `# %%` block); returns its path."""
        cells = []
        for index, (kind, text) in enumerate(self.notebook_cells()):
            cell: dict[str, object] = {
                "cell_type": kind,
                "id": f"cell-{index}",
                "metadata": {},
                "source": text.splitlines(keepends=True),
            }
            if kind == "code":
                cell.update(execution_count=None, outputs=[])
            cells.append(cell)
        notebook = {
            "cells": cells,
            "metadata": {
                "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                "language_info": {"name": "python"},
            },
            "nbformat": 4,
            "nbformat_minor": 5,
        }
        path = Path(folder) / f"{self.name}.ipynb"
        path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
        return path

    def load(self) -> ModuleType:
        """Import a fresh copy (a file of its own, so `inspect.getsource` reads it)."""
        path = _LOADED / f"{self.name}.py"
        if not path.exists():
            self.write_py(_LOADED)
        spec = importlib.util.spec_from_file_location(f"course_{self.name}_{next(_COUNT)}", path)
        assert spec is not None and spec.loader is not None  # the file is ours and exists
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module


@functools.cache
def _cells_of(name: str, source: str) -> tuple["_Cell", ...]:
    """The cells of a .py form (cached: the tests ask for places line by line)."""
    cells: list[tuple[str, list[tuple[int, str]]]] = []
    for number, line in enumerate(source.splitlines(), start=1):
        mark = _CELL_MARK.match(line)
        if mark:
            cells.append(("markdown" if mark["kind"] else "code", []))
        elif cells:
            cells[-1][1].append((number, line))
        elif line.strip():
            raise ValueError(f"{name}: text before the first `# %%` line")
    return tuple(_cell(kind, numbered) for kind, numbered in cells)


@dataclass(frozen=True)
class _Cell:
    kind: str  # "code" or "markdown"
    text: str
    lines: tuple[int, ...]  # the .py line (from 1) of each line of `text`


def _cell(kind: str, numbered: list[tuple[int, str]]) -> _Cell:
    """A cell: markdown without its `# ` prefixes, code without its main guard."""
    while numbered and not numbered[0][1].strip():
        numbered = numbered[1:]
    while numbered and not numbered[-1][1].strip():
        numbered = numbered[:-1]
    numbers = [number for number, _ in numbered]
    lines = [line for _, line in numbered]
    if kind == "markdown":
        lines = [line.removeprefix("#").removeprefix(" ") for line in lines]
    elif GUARD in lines:
        at = lines.index(GUARD)
        # Only a cell that is the guard and its body (after comments) is a guarded cell.
        if all(not line.strip() or line.startswith("#") for line in lines[:at]):
            body = textwrap.dedent("\n".join(lines[at + 1 :])).split("\n")
            lines = [*lines[:at], *body]
            numbers = [*numbers[:at], *numbers[at + 1 :]]
    return _Cell(kind, "\n".join(lines), tuple(numbers))


def planted(
    base: str,
    bug: str,
    description: str,
    caught_by: set[str] | frozenset[str],
    function: str,
    variable: str,
    *changes: tuple[str, str],
) -> Implementation:
    """The planted bug `<base>__<bug>`: `base` with `changes` applied, expected of `caught_by`."""
    return Implementation(
        name=f"{base}__{bug}",
        assignment=base,
        bug=bug,
        description=description,
        caught_by=frozenset(caught_by),
        function=function,
        variable=variable,
        changes=changes,
    )
