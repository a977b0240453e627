"""A student's notebook as a module: its definitions, nothing else run.

A notebook's other cells (training loops, plots, prints, a test of the student's own)
would run at import and may take minutes or fail: the grade is of the functions. Which
statements count as definitions is the same rule as `dimcheck check` and `gradcheck`
use on a notebook (`dimcheck._student_file.definitions`): imports, `def`, `class` and
constants; the cells come from the linter's notebook reader, IPython syntax blanked out.
"""

from __future__ import annotations

import ast
from pathlib import Path

from dimcheck._lint._notebook import NotebookError, code_cells
from dimcheck._student_file import definitions


def notebook_code(path: str | Path) -> tuple[str, list[str]]:
    """The definitions of a notebook's code cells, as the source of one module.

    **Arguments:**

    - `path`: the `.ipynb` file (nbformat 4).

    **Returns:** `(source, problems)`: the module's source, the definitions in cell order
    (a later definition of the same name wins, as when the cells run in order), and a line
    per cell that could not be read (a syntax error: its definitions are missing). Cells
    are numbered as the notebook shows them, markdown cells included.
    """
    try:
        cells = code_cells(Path(path).read_text(encoding="utf-8"))
    except NotebookError as error:
        raise ValueError(str(error)) from error
    pieces: list[str] = []
    problems: list[str] = []
    for number, source in cells:
        try:
            ast.parse(source)
        except SyntaxError as error:
            problems.append(f"cell {number}: {error.msg} (line {error.lineno})")
            continue
        lines = source.splitlines()
        for node in definitions(source):
            decorators = getattr(node, "decorator_list", [])
            first = min([node.lineno] + [d.lineno for d in decorators])
            end = node.end_lineno or node.lineno
            pieces.append("\n".join(lines[first - 1 : end]))
    header = f'"""Definitions of {Path(path).name}: its other cells do not run."""\n'
    return header + "\n\n".join(pieces) + "\n", problems
