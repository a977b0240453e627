"""The `dimcheck` command: `dimcheck lint PATH...` and `dimcheck check FILE`.

`lint` finds dimension mistakes in files, directories and notebooks without running
them. Exit status: 0 no findings, 1 findings, 2 usage error or a file that could not
be linted (named on stderr; the other files are still linted and reported).

`check` runs a student file's Course functions on a generated problem with every shape
checked. Exit status: 0 all shapes right, 1 a wrong shape, 2 usage error or a file that
cannot be checked. It imports numpy and the instrumentation inside its function, so
that `lint` stays light.
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
from ._version import VersionAction


def _codes(text: str) -> tuple[str, ...]:
    return tuple(part for part in text.replace(" ", ",").split(",") if part)


def _sizes(text: str) -> list[int]:
    parts = [part.strip() for part in text.split(",")]
    if len(parts) < 2 or not all(part.isdigit() and int(part) > 0 for part in parts):
        raise argparse.ArgumentTypeError(
            f"expected layer sizes n[0],n[1],...,n[L] (at least two positive integers): {text!r}"
        )
    return [int(part) for part in parts]


def _add_check(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    check = commands.add_parser(
        "check",
        help="run a student file's Course functions with every shape checked",
        description=(
            "Load a .py file or a notebook (a notebook's data-loading, test and training "
            "cells are not run), recognise the Course assignment it implements, and run its "
            "functions once on a generated problem with every shape checked. Prints the "
            "first wrong shape in course notation, or that all shapes are right."
        ),
        epilog="exit status: 0 all shapes right, 1 a shape is wrong, 2 the file cannot be checked",
    )
    check.add_argument("path", metavar="FILE", help="a .py file or an .ipynb notebook")
    check.add_argument(
        "--layers", type=_sizes, metavar="5,4,3,1", help="layer_dims of the generated problem"
    )
    check.add_argument(
        "--examples", "-m", type=int, default=7, metavar="M", help="the number of examples m (7)"
    )
    check.add_argument("--seed", type=int, default=0, help="seeds the generated problem (0)")
    check.add_argument("--forward", metavar="NAME", help="your forward pass, if renamed")
    check.add_argument("--backward", metavar="NAME", help="your backward pass, if renamed")
    check.add_argument("--cost", metavar="NAME", help="your cost function, if renamed")
    check.add_argument(
        "--transposed", action="store_true", help="weights stored (n[l-1], n[l]), Z = W.T @ A + b"
    )
    check.add_argument(
        "--timeout", type=float, default=20.0, metavar="S", help="seconds the import may take (20)"
    )


def _check(args: argparse.Namespace) -> int:
    from ._check_command import check_file

    if args.examples < 1:
        print("dimcheck check: error: --examples (m) must be at least 1", file=sys.stderr)
        return 2
    result = check_file(
        args.path,
        layer_dims=args.layers,
        m=args.examples,
        seed=args.seed,
        roles={"forward": args.forward, "backward": args.backward, "cost": args.cost},
        convention="transposed" if args.transposed else "standard",
        timeout=args.timeout,
    )
    print(str(result), file=sys.stderr if result.status == 2 else sys.stdout)
    return result.status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dimcheck", description="Dimension checks in the notation of the course notes."
    )
    parser.add_argument("--version", action=VersionAction)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_check(commands)
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
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0) and 2
    if args.command == "check":
        return _check(args)
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
