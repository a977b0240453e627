"""The `dimcheck` command. `dimcheck lint PATH...` lints files, directories and notebooks.

Exit status: 0 no findings, 1 findings, 2 usage error or a file that could not be
linted (named on stderr; the other files are still linted and reported).
"""

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ._lint import (
    FORMATS,
    SUMMARIES,
    ConfigError,
    Selection,
    SelectionError,
    find_pyproject,
    format_findings,
    lint_paths,
    load_selection,
)


def _codes(text: str) -> tuple[str, ...]:
    return tuple(part for part in text.replace(" ", ",").split(",") if part)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dimcheck", description="Dimension checks in the notation of the course notes."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    lint = commands.add_parser(
        "lint",
        help="find dimension mistakes in .py files and notebooks without running them",
        description=(
            "Find dimension mistakes (rank-1 arrays, db without keepdims, m from the wrong "
            "axis, ...) without importing or running the code. Findings are printed as "
            "path:line:col: CODE message; in a notebook as path:cell N:line:col, where N "
            "counts every cell from the top (markdown included) and the line is counted "
            "within the cell. Options not given on the command line come from "
            "[tool.dimcheck.lint] (select, ignore) of the nearest pyproject.toml."
        ),
    )
    lint.add_argument("paths", nargs="*", metavar="PATH", help="files and directories to lint")
    lint.add_argument("--format", choices=FORMATS, default="text", help="output format")
    lint.add_argument(
        "--select", type=_codes, help="comma-separated codes or prefixes to report (e.g. DC1)"
    )
    lint.add_argument("--ignore", type=_codes, help="comma-separated codes or prefixes to skip")
    lint.add_argument(
        "--isolated", action="store_true", help="ignore [tool.dimcheck.lint] in pyproject.toml"
    )
    lint.add_argument("--list-rules", action="store_true", help="list the rules and exit")
    return parser


def _selection(args: argparse.Namespace) -> Selection:
    configured = Selection()
    if not args.isolated:
        paths = [Path(p) for p in args.paths]
        start = Path(os.path.commonpath([p.resolve() for p in paths])) if paths else Path.cwd()
        configured = load_selection(find_pyproject(start))
    return Selection(
        args.select if args.select is not None else configured.select,
        args.ignore if args.ignore is not None else configured.ignore,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `dimcheck` command.

    **Arguments:**

    - `argv`: the arguments after the program name (default: `sys.argv[1:]`).

    **Returns:** the exit status, 0, 1 or 2.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command != "lint":
        parser.print_help(sys.stderr)
        return 2
    if args.list_rules:
        for code, summary in SUMMARIES.items():
            print(f"{code}  {summary}")
        return 0
    if not args.paths:
        parser.error("lint: give at least one PATH (a file, a directory or a notebook)")
    try:
        selection = _selection(args)
    except (ConfigError, SelectionError) as error:
        print(f"dimcheck lint: {error}", file=sys.stderr)
        return 2
    report = lint_paths(args.paths, select=selection.select, ignore=selection.ignore)
    sys.stdout.write(format_findings(report.findings, args.format))
    for file_error in report.errors:
        print(f"dimcheck lint: {file_error}", file=sys.stderr)
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
