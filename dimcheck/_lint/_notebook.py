"""Jupyter notebooks: the code cells of an `.ipynb` file, with IPython syntax blanked out.

Cells are numbered from 1 among *all* cells of the notebook (markdown included),
counting from the top as they appear; lines are counted within the cell. IPython
lines (`%magic`, `!shell`, `x = !ls`, `obj?`) become `pass` at the same indent, so
line numbers stay right and the Python around them still parses; a cell that starts
with a cell magic other than `%%time`, `%%timeit` or `%%capture` is not Python
and is skipped.
"""

import ast
import re
import warnings
from typing import Final

_NEWLINE: Final = re.compile(r"\r\n|\r|\n")
_PYTHON_CELL_MAGICS: Final = frozenset({"time", "timeit", "capture", "prun"})
_IPYTHON_LINE: Final = re.compile(r"\s*(?:[%!?]|[\w.]+\s*=\s*[%!]|[\w.\[\]]+\?{1,2}\s*$)")


class NotebookError(ValueError):
    """A notebook file that is not a readable notebook."""


def physical_lines(text: str) -> list[str]:
    """Lines as Python counts them: `str.splitlines` also breaks at form feeds and
    other characters that Python's tokenizer takes for whitespace."""
    lines = _NEWLINE.split(text)
    return lines[:-1] if lines and lines[-1] == "" else lines


def _is_python(source: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


def _python_of_cell(source: str) -> str | None:
    # A cell that is already Python is left alone: `% b)` may continue an expression.
    if _is_python(source):
        return source if source.endswith("\n") else source + "\n"
    lines = physical_lines(source)
    if lines and lines[0].lstrip().startswith("%%"):
        magic = lines[0].lstrip()[2:].split(maxsplit=1)
        if not magic or magic[0] not in _PYTHON_CELL_MAGICS:
            return None
        lines[0] = ""
    out: list[str] = []
    continued = False
    for line in lines:
        if continued or _IPYTHON_LINE.match(line):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(indent + "pass" if not continued else "")
            continued = line.rstrip().endswith("\\")
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def code_cells(text: str) -> list[tuple[int, str]]:
    """The code cells of a notebook's JSON text, as Python source.

    **Arguments:**

    - `text`: the `.ipynb` file's contents.

    **Returns:** `(cell number, python source)` pairs; raises `NotebookError` if the
    text is not a notebook.
    """
    import json  # only notebooks need it: `dimcheck lint x.py` starts without it

    try:
        notebook = json.loads(text)
    except ValueError as error:
        raise NotebookError(f"not a notebook: invalid JSON ({error})") from error
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise NotebookError("not a notebook: no list of cells")
    result: list[tuple[int, str]] = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(str(part) for part in source)
        if not isinstance(source, str):
            raise NotebookError(f"not a notebook: cell {number} has no source text")
        python = _python_of_cell(source)
        if python is not None:
            result.append((number, python))
    return result
