"""Find and run the code examples of the documentation (the rules are in docs/contributing.md).

- A fenced block whose info string starts with ``python`` is run. The blocks of one page run in
  order, in one namespace, in a fresh temporary working directory.
- A fenced block whose info string starts with ``pycon`` is an interactive session, run by
  doctest in the page's namespace: each ``>>>`` line must print what the block shows under it
  (``...`` matches any text; runs of whitespace compare equal). The output is shown as a reader
  sees it: blank lines in it are blank (no ``<BLANKLINE>``), and a number matches any value
  that rounds to it at the precision written (``3.3e-01`` matches ``0.3312``), so pages show
  real numbers rather than ``...``.
- A fenced block whose info string starts with ``console`` is a terminal session: each line
  ``$ command`` is run in that same directory (after the page's earlier Python blocks), and the
  lines under it are the output it must show, in order (other lines may come between them);
  ``...`` in an expected line matches any text, as in doctest's ELLIPSIS.
- A fenced block whose info string starts with ``ipython`` is a notebook cell, run in one
  IPython shell per page (magics such as ``%load_ext dimcheck`` work). It must run without an
  error, unless ``<!-- raises: ShapeError -->`` on the line before the fence says which
  exception the cell must raise.
- ``<!-- no-run -->`` among the HTML comments just before a fence (blank lines and other
  comments, such as ruff's ``<!-- fmt: off -->``, may come between) keeps that block from
  running: for installation commands, or code that needs a student's files.
- Other languages (``bash``, ``text``, ``toml``, ...) are shown and never run.
"""

from __future__ import annotations

import doctest
import linecache
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
NO_RUN = "<!-- no-run -->"
_RAISES = re.compile(r"^<!-- raises: (\w+) -->$")
_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")


@dataclass(frozen=True)
class Block:
    """One fenced code block of a page: its language, first code line (1-based) and text."""

    page: str
    language: str
    line: int
    code: str
    run: bool
    raises: str | None = None


def blocks(text: str, page: str = "<page>") -> list[Block]:
    """Every fenced block of a Markdown text, in order, with its indentation removed."""
    found: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        info = opening["info"].strip()
        language = info.split()[0].strip("{}.") if info else ""
        markers = _comments_before(lines, i)
        body: list[str] = []
        j = i + 1
        while j < len(lines) and not (
            lines[j].strip().startswith(fence[0] * len(fence)) and lines[j].strip("`~ \t") == ""
        ):
            body.append(lines[j][len(indent) :] if lines[j].startswith(indent) else lines[j])
            j += 1
        expected = next((m for m in map(_RAISES.match, markers) if m), None)
        found.append(
            Block(
                page,
                language,
                i + 2,
                "\n".join(body) + "\n",
                run=NO_RUN not in markers,
                raises=expected.group(1) if expected else None,
            )
        )
        i = j + 1
    return found


def _comments_before(lines: list[str], i: int) -> list[str]:
    """The HTML comments just above line `i` (blank lines between are allowed)."""
    found = []
    for line in reversed(lines[:i]):
        stripped = line.strip()
        if stripped.startswith("<!--") and stripped.endswith("-->"):
            found.append(stripped)
        elif stripped:
            break
    return found


def runnable(text: str, page: str = "<page>") -> list[Block]:
    """The blocks of a page that the docs test runs."""
    return [
        b
        for b in blocks(text, page)
        if b.run and b.language in ("python", "py", "pycon", "console", "ipython")
    ]


_SOURCES: dict[str, list[str]] = {}


def _register(block: Block) -> None:
    """Show the page's code to `linecache`, so tracebacks and `inspect.getsource` work.

    Each block's lines sit at their line numbers in the page; the lines between blocks
    are blank. (Decorators such as `@dimcheck.shapes(strict_broadcasting=True)` read the
    source of the function they wrap.)
    """
    lines = _SOURCES.setdefault(block.page, [])
    code = block.code.splitlines(keepends=True)
    end = block.line - 1 + len(code)
    lines.extend(["\n"] * (end - len(lines)))
    lines[block.line - 1 : end] = code
    linecache.cache[block.page] = (sum(map(len, lines)), None, lines, block.page)


def run_python(block: Block, namespace: dict[str, object]) -> None:
    _register(block)
    # Padding keeps the line numbers of a traceback those of the Markdown page.
    source = "\n" * (block.line - 1) + block.code
    exec(compile(source, block.page, "exec"), namespace)


def _with_blank_lines_marked(code: str) -> str:
    """The session with doctest's ``<BLANKLINE>`` put back where the page shows a blank line.

    A blank line inside an output belongs to it up to the next ``>>>`` line; blank lines at
    the very end of the block are layout.
    """
    lines = code.rstrip("\n").splitlines()
    marked = []
    in_output = False
    for line in lines:
        if line.lstrip().startswith(">>>"):
            in_output = True
        elif in_output and not line.strip():
            line = "<BLANKLINE>"
        marked.append(line)
    return "\n".join(marked) + "\n"


_NUMBER = r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?"


def _numbers_agree(shown: str, printed: str) -> bool:
    """`printed` rounds to `shown` at the precision `shown` is written with."""
    mantissa, _, exponent = shown.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    if "." not in mantissa:
        return float(shown) == float(printed)
    unit = 10.0 ** (int(exponent or 0) - decimals)
    return abs(float(printed) - float(shown)) <= 0.5 * unit * (1 + 1e-9)


class _ReaderChecker(doctest.OutputChecker):
    """doctest's checker, plus numbers compared at the precision the page writes them."""

    def check_output(self, want: str, got: str, optionflags: int) -> bool:
        if super().check_output(want, got, optionflags):
            return True
        want = want.replace("<BLANKLINE>", "").strip()
        numbers = re.findall(_NUMBER, want)
        if not numbers:
            return False
        pattern = []
        for piece in re.split(f"({_NUMBER})", want):
            if re.fullmatch(_NUMBER, piece):
                pattern.append(f"({_NUMBER})")
            else:
                # `...` is any text; a run of white space is any run of white space.
                parts = [r"\s+".join(map(re.escape, p.split())) for p in piece.split("...")]
                edges = (
                    r"\s*" if piece[:1].isspace() else "",
                    r"\s*" if piece[-1:].isspace() else "",
                )
                pattern.append(edges[0] + ".*?".join(parts) + edges[1])
        found = re.fullmatch("".join(pattern), got.strip(), re.DOTALL)
        if found is None:
            return False
        return all(map(_numbers_agree, numbers, found.groups()))


def run_pycon(block: Block, namespace: dict[str, object]) -> None:
    """Run an interactive session with doctest; its names stay in the page's namespace."""
    test = doctest.DocTestParser().get_doctest(
        _with_blank_lines_marked(block.code), namespace, block.page, block.page, block.line - 1
    )
    runner = doctest.DocTestRunner(
        checker=_ReaderChecker(),
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        verbose=False,
    )
    report: list[str] = []
    runner.run(test, out=report.append, clear_globs=False)
    namespace.update(test.globs)
    if runner.failures:
        raise AssertionError("".join(report))


def run_ipython(block: Block, shell: Any) -> None:
    """Run a notebook cell in `shell`; it must raise exactly what the page says it raises."""
    result = shell.run_cell(block.code, store_history=True)
    error = result.error_in_exec or result.error_before_exec
    raised = type(error).__name__ if error is not None else None
    if raised != block.raises:
        expected = f"raise {block.raises}" if block.raises else "run without an error"
        raise AssertionError(
            f"{block.page}:{block.line}: the cell should {expected}, but it "
            + (f"raised {raised}: {error}" if error is not None else "ran without an error")
        )


@dataclass(frozen=True)
class Session:
    command: str
    expected: list[str]


def sessions(block: Block) -> list[Session]:
    """The commands of a console block, each with the output lines it must show."""
    found: list[Session] = []
    for line in block.code.splitlines():
        if line.startswith("$ "):
            found.append(Session(line[2:].strip(), []))
        elif found and line.strip():
            found[-1].expected.append(line.rstrip())
    return found


def run_console(block: Block, cwd: Path) -> None:
    env = {**os.environ, "MPLBACKEND": "Agg", "COLUMNS": "100"}
    for session in sessions(block):
        argv = shlex.split(session.command)
        # The console scripts of this environment, even when its bin/ is not on PATH.
        if argv[0] == "python":
            argv[0] = sys.executable
        elif argv[0] in ("dimcheck", "gradcheck"):
            argv = [sys.executable, "-c", _entry_point(argv[0]), *argv[1:]]
        result = subprocess.run(
            argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
        )
        shown = (result.stdout + result.stderr).splitlines()
        missing = _unmatched(session.expected, shown)
        if missing is not None:
            raise AssertionError(
                f"{block.page}:{block.line}: `{session.command}` (exit {result.returncode}) "
                f"did not print a line matching {missing!r}; it printed:\n" + "\n".join(shown)
            )


def _entry_point(name: str) -> str:
    return f"import sys; from {name}._cli import main; sys.argv[0] = {name!r}; sys.exit(main())"


def _unmatched(patterns: list[str], lines: list[str]) -> str | None:
    """The first pattern with no matching line after the previous match, or None."""
    position = 0
    for pattern in patterns:
        regex = re.compile(".*?".join(re.escape(part) for part in pattern.split("...")))
        while position < len(lines) and not regex.fullmatch(lines[position].rstrip()):
            position += 1
        if position == len(lines):
            return pattern
        position += 1
    return None


def pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))
