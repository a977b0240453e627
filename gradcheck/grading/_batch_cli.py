"""`dimgrad-grade`: grade a folder of submissions with the instructor's pytest tests."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from ._batch import ClassGradingError, grade_class


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dimgrad-grade",
        description="Grade every submission in SUBMISSIONS (one folder, .py or .ipynb file "
        "per student) with the pytest tests in TESTS, each student's code sandboxed, on "
        "every core. Writes OUT/students/<student>/results.json, OUT/gradebook.csv and "
        "OUT/summary.md; a second run grades only what changed.",
        epilog="Options after -- go to each pytest run, e.g. -- --dimgrad-timeout=10",
    )
    parser.add_argument("submissions", help="folder of the students' submissions")
    parser.add_argument("--tests", required=True, help="folder of the instructor's tests")
    parser.add_argument("--out", default="grades", help="output folder (default: grades)")
    parser.add_argument("--module", help="the students' module (default: from pytest.ini)")
    parser.add_argument("--jobs", type=int, help="submissions at once (default: every core)")
    parser.add_argument("--restart", action="store_true", help="grade everything again")
    parser.add_argument("--run-limit", type=float, help="seconds for one student's run")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--version", action="version", version=_version())
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"dimgrad-grade {version('dimgrad')}"
    except PackageNotFoundError:
        return "dimgrad-grade (not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    pytest_args: list[str] = []
    if "--" in args_list:
        at = args_list.index("--")
        args_list, pytest_args = args_list[:at], args_list[at + 1 :]
    args = _parser().parse_args(args_list)
    from pathlib import Path

    from models._progress import progress

    try:
        total = len([p for p in Path(args.submissions).iterdir() if not p.name.startswith(".")])
    except OSError:
        total = 0
    with progress(total, description="grading", enabled=False if args.no_progress else None) as bar:

        def done(row: dict[str, Any]) -> None:
            score = (row.get("results") or {}).get("score")
            bar.set_postfix(f"{row['student']}: {score:g}" if score is not None else row["student"])
            bar.update()

        try:
            rows = grade_class(
                args.submissions,
                args.tests,
                args.out,
                module=args.module,
                jobs=args.jobs,
                restart=args.restart,
                pytest_args=pytest_args,
                run_limit=args.run_limit,
                on_done=done,
            )
        except ClassGradingError as error:
            print(f"dimgrad-grade: {error}", file=sys.stderr)
            return 2
    resumed = sum(1 for row in rows if row.get("resumed"))
    problems = sum(1 for row in rows if row.get("status") != "graded")
    print(
        f"{len(rows)} submissions ({resumed} unchanged since their last grade), "
        f"{problems} not graded normally; {args.out}/gradebook.csv, {args.out}/summary.md"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
