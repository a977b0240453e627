"""The grade's output formats: one module each, one line each below.

Adding a format is one new module with `write(book, path, final=...)` (see
`_format_gradescope.py`) and its line in `FORMATS`: the plugin then has the option, its
ini key, and writes the format at the end of every graded run (and while it goes on).
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import NamedTuple


class OutputFormat(NamedTuple):
    option: str  # on the command line, without the dashes; the ini key is it in underscores
    alias: str | None  # a second name on the command line
    help: str
    module: str  # the module whose write(book, path, final=...) writes it

    @property
    def dest(self) -> str:
        return self.option.replace("-", "_")

    def write(self, book: object, path: str, final: bool = True) -> None:
        importlib.import_module(self.module).write(book, path, final=final)


FORMATS = (
    OutputFormat(
        "dimgrad-grade-json",
        "--grade-json",
        "write Gradescope's results.json to this path",
        "gradcheck.grading._format_gradescope",
    ),
)


def write_atomically(path: str | os.PathLike[str], text: str) -> None:
    """Writes `text` to `path` through a temporary file renamed over it: a reader never
    sees half a file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, target)
