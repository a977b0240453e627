"""Lint source text, files, notebooks and directories; never import or run them."""

import ast
import html
import os
import re
import tokenize
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from ._checker import Checker, RawFinding
from ._finding import FileError, Finding
from ._naming import looks_like_course_code
from ._notebook import NotebookError, code_cells, physical_lines
from ._select import Selection, suppressed

_NUMPY: Final = re.compile(r"\bnumpy\b|\bnp\b")
_SKIPPED_DIRECTORIES: Final = frozenset({"__pycache__", ".ipynb_checkpoints", "node_modules"})


def _worth_checking(source: str, course: bool) -> bool:
    # Every rule needs numpy, course names or a `global`: most files have none of them
    # and are only parsed (so syntax errors are still reported).
    return course or "global" in source or _NUMPY.search(source) is not None


def _parse(source: str, name: str) -> ast.Module:
    # The linted code's own SyntaxWarnings (invalid escapes, ...) are not ours to
    # show, and under `-W error` they would turn into SyntaxErrors.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source, filename=name)


def _check(cells: list[tuple[int | None, ast.Module]], source: str) -> list[RawFinding]:
    course = looks_like_course_code(source)
    if not _worth_checking(source, course):
        return []
    checker = Checker(course=course)
    checker.prepare(tree for _, tree in cells)
    for cell, tree in cells:
        checker.run(tree, cell)
    return checker.findings


def _findings(
    raw: list[RawFinding],
    path: str,
    lines_of: dict[int | None, list[str]],
    selection: Selection,
) -> list[Finding]:
    out: list[Finding] = []
    for line, col, code, message, cell in sorted(raw, key=lambda r: (r[4] or 0, r[0], r[1])):
        if not selection.enabled(code):
            continue
        lines = lines_of[cell]
        if 0 < line <= len(lines) and suppressed(lines[line - 1], code):
            continue
        out.append(Finding(path, line, col + 1, code, message, cell))
    return out


def _codes(codes: str | Iterable[str]) -> tuple[str, ...]:
    # A lone string is one code ("DC1"), not a sequence of one-letter codes.
    return (codes,) if isinstance(codes, str) else tuple(codes)


def lint_source(
    source: str,
    path: str = "<string>",
    *,
    select: str | Iterable[str] = ("DC",),
    ignore: str | Iterable[str] = (),
) -> list[Finding]:
    """Lint Python source text without running it.

    **Arguments:**

    - `source`: the module's text.
    - `path`: the name findings carry.
    - `select`, `ignore`: rule codes or prefixes (`"DC101"`, `"DC1"`).

    **Returns:** the findings, in line order, `# noqa` comments applied. Raises
    `SyntaxError` if `source` is not valid Python, `RecursionError` if it is nested
    too deeply for Python's own `ast` tools.
    """
    selection = Selection(_codes(select), _codes(ignore))
    tree = _parse(source, path)
    raw = _check([(None, tree)], source)
    return _findings(raw, path, {None: physical_lines(source)}, selection)


@dataclass
class LintReport:
    """The result of linting files: findings, and files that could not be linted.

    **Arguments:**

    - `findings`: every finding, file by file in the order linted.
    - `errors`: unreadable files, syntax errors (a notebook cell that fails is named
      and its other cells are still linted).
    - `files`: how many files were read; `lines`: how many lines they had.
    """

    findings: list[Finding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    files: int = 0
    lines: int = 0

    @property
    def exit_code(self) -> int:
        """2 if a file could not be linted, else 1 if there are findings, else 0."""
        if self.errors:
            return 2
        return 1 if self.findings else 0

    def __str__(self) -> str:
        lines = [str(finding) for finding in self.findings]
        lines += [f"error: {error}" for error in self.errors]
        lines.append(
            f"{len(self.findings)} finding(s), {len(self.errors)} file error(s) "
            f"in {self.files} file(s)"
        )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """A table for notebooks: one row per finding, then one per unreadable file."""
        rows = [
            f"<tr><td><code>{html.escape(f.location)}</code></td>"
            f"<td><b>{html.escape(f.code)}</b></td><td>{html.escape(f.message)}</td></tr>"
            for f in self.findings
        ]
        rows += [
            f'<tr><td colspan="2">error</td><td>{html.escape(str(error))}</td></tr>'
            for error in self.errors
        ]
        summary = html.escape(str(self).splitlines()[-1])
        head = "<tr><th>where</th><th>code</th><th>what is wrong, why, and the fix</th></tr>"
        table = f"<table>{head}{''.join(rows)}</table>" if rows else ""
        return f"<p>{summary}</p>{table}"


def _read_text(path: Path) -> str:
    if path.suffix == ".ipynb":
        return path.read_text(encoding="utf-8")
    with tokenize.open(path) as file:
        return file.read()


def _syntax_reason(error: SyntaxError | ValueError | RecursionError) -> str:
    if isinstance(error, RecursionError):
        return "nested too deeply to lint"
    if isinstance(error, SyntaxError):
        where = f" (line {error.lineno})" if error.lineno else ""
        return f"syntax error: {error.msg}{where}"
    return f"cannot parse: {error}"


def lint_file(path: Path | str, *, selection: Selection | None = None) -> LintReport:
    """Lint one `.py` file or `.ipynb` notebook.

    **Arguments:**

    - `path`: the file; a notebook is recognised by its `.ipynb` suffix.
    - `selection`: the rules to report (every rule by default).

    **Returns:** a `LintReport` for that file.
    """
    selection = selection or Selection()
    path = Path(path)
    name = str(path)
    report = LintReport(files=1)
    try:
        text = _read_text(path)
    except (OSError, SyntaxError, UnicodeDecodeError) as error:
        report.errors.append(FileError(name, f"cannot read it: {error}"))
        return report
    report.lines = text.count("\n") + 1
    cells: list[tuple[int | None, str]]
    if path.suffix == ".ipynb":
        try:
            cells = [(number, source) for number, source in code_cells(text)]
        except NotebookError as error:
            report.errors.append(FileError(name, str(error)))
            return report
        report.lines = sum(source.count("\n") for _, source in cells)
    else:
        cells = [(None, text)]
    trees: list[tuple[int | None, ast.Module]] = []
    for cell, source in cells:
        try:
            trees.append((cell, _parse(source, name)))
        except MemoryError:
            report.errors.append(FileError(name, "too large to parse", cell))
        except (SyntaxError, ValueError, RecursionError) as error:
            report.errors.append(FileError(name, _syntax_reason(error), cell))
    try:
        raw = _check(trees, "\n".join(source for _, source in cells))
    except RecursionError as error:
        report.errors.append(FileError(name, _syntax_reason(error)))
        return report
    lines_of = {cell: physical_lines(source) for cell, source in cells}
    report.findings = _findings(raw, name, lines_of, selection)
    return report


def iter_files(
    paths: Iterable[Path | str], errors: list[FileError] | None = None
) -> Iterator[Path]:
    """The files to lint: each file given, and every `.py`/`.ipynb` under each directory
    (sorted; hidden directories and `__pycache__` skipped). A path that does not exist
    is yielded as is, so that it is reported as unreadable; a directory that cannot be
    listed is added to `errors`."""

    def unreadable(error: OSError) -> None:
        if errors is not None:
            errors.append(FileError(str(error.filename), f"cannot read it: {error.strerror}"))

    for given in paths:
        path = Path(given)
        if not path.is_dir():
            yield path
            continue
        for root, directories, files in os.walk(path, onerror=unreadable):
            directories[:] = sorted(
                d for d in directories if not d.startswith(".") and d not in _SKIPPED_DIRECTORIES
            )
            for file in sorted(files):
                if file.endswith((".py", ".ipynb")):
                    yield Path(root, file)


def lint_paths(
    paths: Iterable[Path | str],
    *,
    select: str | Iterable[str] = ("DC",),
    ignore: str | Iterable[str] = (),
) -> LintReport:
    """Lint files, notebooks and directories.

    **Arguments:**

    - `paths`: files and directories.
    - `select`, `ignore`: rule codes or prefixes (`"DC101"`, `"DC1"`).

    **Returns:** one `LintReport` for all of them; a syntax error in one file does
    not stop the others from being linted.
    """
    selection = Selection(_codes(select), _codes(ignore))
    report = LintReport()
    for path in iter_files(paths, report.errors):
        one = lint_file(path, selection=selection)
        report.findings += one.findings
        report.errors += one.errors
        report.files += one.files
        report.lines += one.lines
    return report
