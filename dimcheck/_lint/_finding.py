"""`Finding`: one rule violation at one place in one file (or notebook cell)."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding of the linter.

    **Arguments:**

    - `path`: the file linted, as given (`"<string>"` for source text).
    - `line`: 1-based line, counted within the cell for a notebook.
    - `col`: 1-based column, as editors count them.
    - `code`: the rule, e.g. `"DC101"`.
    - `message`: what is wrong, why it matters and how to fix it.
    - `cell`: for a notebook, the 1-based index of the cell among all cells
      (markdown included, as they appear from the top); `None` for a `.py` file.
    """

    path: str
    line: int
    col: int
    code: str
    message: str
    cell: int | None = None

    @property
    def location(self) -> str:
        """`path:line:col`, or `path:cell N:line:col` for a notebook cell."""
        if self.cell is None:
            return f"{self.path}:{self.line}:{self.col}"
        return f"{self.path}:cell {self.cell}:{self.line}:{self.col}"

    def __str__(self) -> str:
        return f"{self.location}: {self.code} {self.message}"

    def _repr_html_(self) -> str:
        import html  # only notebooks need it: `dimcheck lint` starts without it

        return (
            f"<code>{html.escape(self.location)}</code>: "
            f"<b>{html.escape(self.code)}</b> {html.escape(self.message)}"
        )


@dataclass(frozen=True, slots=True)
class FileError:
    """A file that could not be linted: unreadable, or not valid Python.

    **Arguments:**

    - `path`: the file, as given.
    - `reason`: what went wrong, e.g. `"syntax error: invalid syntax (line 3)"`.
    - `cell`: for a notebook, the cell that failed; the other cells are still linted.
    """

    path: str
    reason: str
    cell: int | None = None

    def __str__(self) -> str:
        where = self.path if self.cell is None else f"{self.path}:cell {self.cell}"
        return f"{where}: {self.reason}"
