"""Grading a whole class with `dimgrad-grade`, and what the sandbox's round trips cost.

    python benchmarks/bench_grading.py           # 200 submissions
    python benchmarks/bench_grading.py --quick   # 40 submissions

Generates a class from the example assignment (examples/assignment): correct submissions,
buggy ones (the 1/m missing from db, a rank-1 db, no backpropagation), crashing ones
(os._exit, a segmentation fault, sys.exit at import) and hanging ones (an infinite loop
that catches BaseException), as `.py` files, folders and notebooks. Grades it with the
batch command on every core and prints the wall time, the throughput, and whether every
score equals its expected value; then grades the same subset on 1 core and on all cores
and prints the speed-up. Each test has a 2 s limit here (a hang costs 2 s per test).

Also times a round trip to the sandboxed student process (a call of linear_forward with
small arrays, and one with a 784 x 4096 array) against the same call in-process.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gradcheck.grading._batch import grade_class  # noqa: E402
from tests.plugin.cheating import (  # noqa: E402
    CHEATS,
    CORRECT,
    DB,
    NO_BACKPROP,
    RANK_ONE_DB,
)

EXAMPLE = ROOT / "examples" / "assignment"
LIMIT = ["--dimgrad-timeout=2"]


def _kinds() -> list[tuple[str, str, float]]:
    """(kind, source, expected score) of the generated submissions, in proportion."""
    by_name = {cheat.name: cheat for cheat in CHEATS}
    missing_m = CORRECT.replace(DB, "    db = np.sum(dZ, axis=1, keepdims=True)\n")
    return [
        ("correct", CORRECT, 12),
        ("correct", CORRECT, 12),
        ("correct", CORRECT, 12),
        ("no 1/m in db", missing_m, 7),
        ("rank-1 db", RANK_ONE_DB, 6),
        ("no backprop", NO_BACKPROP, 7),
        ("os._exit", by_name["os._exit in a function"].source, 6),
        ("segfault", by_name["a crash (segmentation fault)"].source, 6),
        ("sys.exit at import", by_name["sys.exit at import"].source, 0),
        ("hang", by_name["an infinite loop that catches BaseException"].source, 6),
    ]


def _notebook(source: str) -> str:
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Week 4"]},
        {"cell_type": "code", "metadata": {}, "source": source.splitlines(True)},
        {"cell_type": "code", "metadata": {}, "source": ["print(L_model_forward)\n"]},
    ]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def make_class(folder: Path, n: int) -> dict[str, float]:
    """Writes `n` submissions; returns the expected score of each student."""
    kinds = _kinds()
    expected = {}
    for i in range(n):
        kind, source, score = kinds[i % len(kinds)]
        student = f"student{i:03d}"
        form = i % 3
        if form == 0:
            (folder / f"{student}.py").write_text(source)
        elif form == 1:
            (folder / student).mkdir()
            (folder / student / "assignment.py").write_text(source)
        elif kind != "sys.exit at import":  # a notebook's top-level code never runs
            (folder / f"{student}.ipynb").write_text(_notebook(source))
        else:
            (folder / f"{student}.py").write_text(source)
        expected[student] = score
    return expected


def grade(folder: Path, jobs: int, expected: dict[str, float]) -> tuple[float, int]:
    """Grades the class; returns (wall seconds, scores that differ from expected)."""
    out = Path(tempfile.mkdtemp(prefix="dimgrad-bench-out-"))
    started = time.perf_counter()
    rows = grade_class(folder, EXAMPLE, out, jobs=jobs, pytest_args=LIMIT)
    wall = time.perf_counter() - started
    wrong = 0
    for row in rows:
        score = (row.get("results") or {}).get("score")
        if score != expected[row["student"]]:
            wrong += 1
            print(
                f"  {row['student']}: {score} (expected {expected[row['student']]}), "
                f"{row['status']}"
            )
    shutil.rmtree(out, ignore_errors=True)
    return wall, wrong


def round_trips() -> None:
    import numpy as np

    from gradcheck.grading._sandbox import Sandbox

    folder = Path(tempfile.mkdtemp(prefix="dimgrad-bench-rt-"))
    (folder / "assignment.py").write_text(CORRECT)
    sys.path.insert(0, str(folder))
    import assignment  # in-process, for the comparison

    sandbox = Sandbox("assignment", folder / "assignment.py")
    started = time.perf_counter()
    sandbox.ensure_imported(time.monotonic() + 60)
    print(f"student process start and import: {1e3 * (time.perf_counter() - started):.0f} ms")
    rng = np.random.default_rng(0)
    for label, shape in (("small (5 x 7)", (5, 7)), ("large (784 x 4096)", (784, 4096))):
        A = rng.standard_normal(shape)
        W = rng.standard_normal((4, shape[0]))
        b = np.zeros((4, 1))
        calls = 200 if shape[1] < 100 else 10
        started = time.perf_counter()
        for _ in range(calls):
            sandbox.call("linear_forward", (A, W, b), {}, time.monotonic() + 60)
        remote = (time.perf_counter() - started) / calls
        started = time.perf_counter()
        for _ in range(calls):
            assignment.linear_forward(A, W, b)
        local = (time.perf_counter() - started) / calls
        print(
            f"linear_forward, {label}: sandboxed {1e3 * remote:.3f} ms per call, in-process "
            f"{1e3 * local:.3f} ms: {1e3 * (remote - local):.3f} ms per round trip"
        )
    sandbox.close()
    shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40 submissions, not 200")
    args = parser.parse_args()
    n = 40 if args.quick else 200
    cores = os.cpu_count() or 1
    round_trips()
    with tempfile.TemporaryDirectory(prefix="dimgrad-bench-class-") as tmp:
        folder = Path(tmp)
        expected = make_class(folder, n)
        print(f"class: {n} submissions from {len(_kinds())} kinds; {cores} cores")
        wall, wrong = grade(folder, cores, expected)
        print(
            f"all cores: {wall:.1f} s wall, {60 * n / wall:.1f} submissions/minute, "
            f"{n - wrong}/{n} scores as expected" + ("" if wrong else " (every one)")
        )
    # The speed-up on a subset: one core against all, same submissions, side by side.
    subset = max(len(_kinds()), n // 10)
    with tempfile.TemporaryDirectory(prefix="dimgrad-bench-subset-") as tmp:
        folder = Path(tmp)
        expected = make_class(folder, subset)
        one, wrong_one = grade(folder, 1, expected)
        every, wrong_every = grade(folder, cores, expected)
        print(
            f"speed-up on {subset} submissions: 1 core {one:.1f} s, {cores} cores "
            f"{every:.1f} s: {one / every:.2f}x ({wrong_one + wrong_every} scores off)"
        )


if __name__ == "__main__":
    main()
