"""Lint source text, files, notebooks and directories; never import or run them."""

import ast
import contextlib
import gc
import os
import re
import symtable
import tokenize
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from ._checker import LintChecker, RawFinding
from ._finding import FileError, Finding
from ._naming import looks_like_course_code
from ._notebook import NotebookError, code_cells, physical_lines
from ._select import Selection, suppressed

# DC501 speaks only inside a forward or backward function.
_FORWARD_BACKWARD_DEF: Final = re.compile(r"def\s+\w*(?:forward|backward|propagat)", re.IGNORECASE)
_SKIPPED_DIRECTORIES: Final = frozenset({"__pycache__", ".ipynb_checkpoints", "node_modules"})


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while linting, and restore it after.

    Parsing allocates millions of tree nodes, and each allocation burst sets off a
    collection that walks them all, though the trees hold no cycles and are freed by
    reference counting alone: pausing saves about a tenth of the time on a large tree.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _uses_numpy(source: str) -> bool:
    # Plain substring tests: a regular expression with word boundaries costs more than
    # parsing on a large tree. `np.` also covers a notebook cell that uses `np` without
    # importing it; any other way to reach numpy spells `numpy`.
    return "numpy" in source or "np." in source


def _worth_checking(source: str, course: bool) -> bool:
    # Every rule needs numpy or course names, except DC501 (a `global` in a forward or
    # backward function). Most files have none of them: their syntax is checked, and
    # nothing else.
    return (
        course
        or _uses_numpy(source)
        or ("global" in source and _FORWARD_BACKWARD_DEF.search(source) is not None)
    )


def _parse(source: str, name: str) -> ast.Module:
    # The linted code's own SyntaxWarnings (invalid escapes, ...) are not ours to
    # show, and under `-W error` they would turn into SyntaxErrors.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source, filename=name)


def _check_syntax(source: str, name: str) -> None:
    """Raise what `_parse` would raise, without building the tree when no rule needs it.

    `symtable` parses with Python's own parser and builds only the scopes, never the
    Python objects of the tree, which are most of what `ast.parse` costs (it takes
    about 45% less time on the standard library, `compile` about 25% less). It also
    refuses a few things `ast.parse` accepts (`nonlocal` at module level, ...): on
    any error `_parse` decides, so that the same files pass and fail either way.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            symtable.symtable(source, name, "exec")
        except (SyntaxError, ValueError, RecursionError):
            _parse(source, name)


def _check(cells: list[tuple[int | None, ast.Module]], course: bool) -> list[RawFinding]:
    checker = LintChecker(course=course)
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
    course = looks_like_course_code(source)
    if not _worth_checking(source, course):
        _check_syntax(source, path)
        return []
    raw = _check([(None, _parse(source, path))], course)
    if not raw:
        return []
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
        import html  # only notebooks need it: `dimcheck lint` starts without it

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
    whole = text if path.suffix != ".ipynb" else "\n".join(source for _, source in cells)
    course = looks_like_course_code(whole)
    worth_checking = _worth_checking(whole, course)
    trees: list[tuple[int | None, ast.Module]] = []
    for cell, source in cells:
        try:
            if worth_checking:
                trees.append((cell, _parse(source, name)))
            else:
                _check_syntax(source, name)
        except MemoryError:
            report.errors.append(FileError(name, "too large to parse", cell))
        except (SyntaxError, ValueError, RecursionError) as error:
            report.errors.append(FileError(name, _syntax_reason(error), cell))
    try:
        raw = _check(trees, course) if trees else []
    except RecursionError as error:
        report.errors.append(FileError(name, _syntax_reason(error)))
        return report
    if not raw:
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
    with _no_cycle_collection():
        for path in iter_files(paths, report.errors):
            one = lint_file(path, selection=selection)
            report.findings += one.findings
            report.errors += one.errors
            report.files += one.files
            report.lines += one.lines
    return report
