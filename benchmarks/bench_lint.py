"""Benchmark: `dimcheck lint` over the standard library's `Lib/`, on one core.

Target: at least 20,000 lines per second. Prints, from one run:

- lines per second over the whole stdlib (the target);
- the same for the installed numpy tree, where most files use numpy and every
  rule's checks run (the worst case for the linter);
- the share of the time spent in Python's own parser, measured alongside.

Run: `python benchmarks/bench_lint.py [--repeat N]`. The process is pinned to one
CPU where the platform allows it; the best of N runs is reported, since a shared
machine only ever makes a run slower.
"""

import argparse
import ast
import contextlib
import os
import sysconfig
import time
import warnings
from pathlib import Path

from dimcheck._lint import iter_files, lint_paths


def _roots() -> dict[str, list[Path]]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    roots = {"stdlib Lib/": sorted(p for p in stdlib.iterdir() if p.name != "site-packages")}
    try:
        import numpy
    except ImportError:
        return roots
    numpy_root = Path(numpy.__file__).parent
    roots["numpy"] = [p for p in iter_files([numpy_root]) if p.suffix == ".py"]
    return roots


def _parse_only(paths: list[Path]) -> float:
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in iter_files(paths):
            with contextlib.suppress(SyntaxError, ValueError, OSError):
                ast.parse(path.read_bytes())
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per tree (best is kept)")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        print(f"pinned to CPU {min(os.sched_getaffinity(0))}")
    for name, paths in _roots().items():
        best = float("inf")
        report = lint_paths(paths)
        for _ in range(args.repeat):
            start = time.perf_counter()
            report = lint_paths(paths)
            best = min(best, time.perf_counter() - start)
        parse = min(_parse_only(paths) for _ in range(args.repeat))
        print(
            f"{name:12} {report.files:5d} files {report.lines:8d} lines  "
            f"{best:6.2f} s  {report.lines / best:9,.0f} lines/s  "
            f"(parsing alone: {parse:5.2f} s = {parse / best:4.0%} of the time; "
            f"{len(report.findings)} findings)"
        )
    print("target: >= 20,000 lines/s over the stdlib on one core")


if __name__ == "__main__":
    main()
