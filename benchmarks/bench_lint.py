"""Benchmark: `dimcheck lint` speed and start-up, beside pyflakes and ruff, in one run.

Prints, from one run on one core:

- lines per second of `dimcheck lint` over the standard library's `Lib/` (the
  target: at least 100,000) and over the installed numpy, where every file uses
  numpy and every rule runs (the worst case); Python's own parser alone on the same
  files; pyflakes and ruff (`--select F`, one thread) on the same files, when
  installed (skipped with a note otherwise);
- the start-up of `python -m dimcheck lint one_line.py` (target: under 0.2 s),
  beside a bare `python -c pass`, with the bytecode cache a normal install has, and
  which modules it loads that the linter does not need.

Every figure is the median of several rounds (min and max beside it), wall-clock
and CPU time both: on a shared machine the wall clock also counts time spent
waiting for the CPU, so the load average is printed before and after, and the
speed target is judged on CPU time (one core's work), the start-up on both.

Run: `python benchmarks/bench_lint.py [--rounds 5] [--peer-rounds 1] [--startup-runs 15]`.
"""

import argparse
import ast
import contextlib
import io
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from dimcheck._lint import iter_files, lint_paths

LINES_TARGET = 100_000  # lines per second over the stdlib, one core (issue 14)
STARTUP_TARGET = 0.2  # seconds for `dimcheck lint` on a one-line file (issue 14)
# Modules the linter never needs; if `dimcheck lint` loads them, start-up pays for them.
NOT_NEEDED = ("numpy", "typeguard", "jaxtyping", "dimcheck._instrument", "dimcheck._decorator")


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def _trees() -> dict[str, list[Path]]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    trees = {
        "stdlib Lib/": sorted(
            p
            for p in stdlib.iterdir()
            if p.name != "site-packages" and (p.is_dir() or p.suffix == ".py")
        )
    }
    try:
        import numpy
    except ImportError:
        print("numpy is not installed: its tree is skipped")
        return trees
    trees["numpy"] = [Path(numpy.__file__).parent]
    return trees


def _timed(work: Callable[[], object], rounds: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds (this process and its children) of each round."""
    walls, cpus = [], []
    for _ in range(rounds):
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu, wall = time.process_time(), time.perf_counter()
        work()
        wall = time.perf_counter() - wall
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = time.process_time() - cpu
        cpu += (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
        walls.append(wall)
        cpus.append(cpu)
    return walls, cpus


def _rate(lines: int, walls: list[float], cpus: list[float]) -> str:
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    spread = f"[{min(walls):.2f}-{max(walls):.2f}]"
    return (
        f"{wall:6.2f} s {spread:13} {lines / wall:9,.0f} lines/s wall, "
        f"{lines / cpu:9,.0f} lines/s CPU"
    )


def _parse_only(paths: list[Path]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in iter_files(paths):
            if path.suffix == ".py":
                with contextlib.suppress(SyntaxError, ValueError, OSError):
                    ast.parse(path.read_bytes())


def _pyflakes(paths: list[Path]) -> Callable[[], object] | None:
    try:
        from pyflakes.api import checkRecursive
        from pyflakes.reporter import Reporter
    except ImportError:
        return None

    def run() -> object:
        sink = io.StringIO()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return checkRecursive([str(p) for p in paths], Reporter(sink, sink))

    return run


def _ruff(paths: list[Path]) -> Callable[[], object] | None:
    ruff = shutil.which("ruff")
    if ruff is None:
        return None
    command = [ruff, "check", "--isolated", "--no-cache", "--select", "F", "--exit-zero"]
    command += ["--quiet", *map(str, paths)]
    # One thread, on the CPU this process is pinned to (the affinity is inherited).
    env = {**os.environ, "RAYON_NUM_THREADS": "1"}

    def run() -> object:
        return subprocess.run(command, env=env, capture_output=True, check=False)

    return run


def speed(rounds: int, peer_rounds: int) -> bool:
    print(f"\nlint speed, one core, median of {rounds} rounds [min-max wall]")
    passed = True
    for name, paths in _trees().items():
        report = lint_paths(paths)  # warm the file cache; its counts are the same
        lines = report.lines
        print(f"{name}: {report.files} files, {lines:,} lines, {len(report.findings)} findings")
        # Rounds of the linter and of the parser alone alternate, so that a change in
        # the machine's load weighs on both alike.
        ours: tuple[list[float], list[float]] = ([], [])
        parse: tuple[list[float], list[float]] = ([], [])
        alternating: list[tuple[Callable[[], object], tuple[list[float], list[float]]]] = [
            (partial(lint_paths, paths), ours),
            (partial(_parse_only, paths), parse),
        ]
        for _ in range(rounds):
            for job, into in alternating:
                walls, cpus = _timed(job, 1)
                into[0].extend(walls)
                into[1].extend(cpus)
        print(f"  dimcheck lint    {_rate(lines, *ours)}")
        share = statistics.median(parse[1]) / statistics.median(ours[1])
        print(f"  ast.parse alone  {_rate(lines, *parse)}  ({share:.0%} of the linter's CPU time)")
        for peer, make in (("pyflakes", _pyflakes), ("ruff --select F", _ruff)):
            peer_work = make(paths)
            if peer_work is None:
                print(f"  {peer:16} not installed: skipped")
                continue
            print(f"  {peer:16} {_rate(lines, *_timed(peer_work, peer_rounds))}")
        if name.startswith("stdlib"):
            wall_rate = lines / statistics.median(ours[0])
            cpu_rate = lines / statistics.median(ours[1])
            passed = cpu_rate >= LINES_TARGET
            print(
                f"  target >= {LINES_TARGET:,} lines/s: CPU {_verdict(cpu_rate >= LINES_TARGET)} "
                f"({cpu_rate:,.0f}), wall {_verdict(wall_rate >= LINES_TARGET)} "
                f"({wall_rate:,.0f}; the wall clock also counts waiting for a busy CPU)"
            )
    return passed


def _startup_env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache)  # a cache of our own: the tree stays clean
    return env


def _run_times(command: list[str], env: dict[str, str], runs: int) -> list[tuple[float, float]]:
    """`(wall, CPU)` seconds of each run of `command`."""
    times = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=False)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        times.append((wall, cpu))
    return times


def _loaded(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Cumulative import milliseconds of every module the command loads."""
    result = subprocess.run(
        [command[0], "-X", "importtime", *command[1:]],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    found: dict[str, float] = {}
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|(\s*)(\S+)", line)
        if match:
            found[match.group(3)] = int(match.group(1)) / 1000
    return found


def startup(runs: int) -> bool:
    print(f"\nstart-up on a one-line file, median of {runs} runs [min-max]")
    with tempfile.TemporaryDirectory() as folder:
        one_line = Path(folder, "one_line.py")
        one_line.write_text("x = 1\n", encoding="utf-8")
        env = _startup_env(Path(folder, "pycache"))
        lint = [sys.executable, "-m", "dimcheck", "lint", str(one_line)]
        bare = [sys.executable, "-c", "pass"]
        _run_times(lint, env, 2)  # fills the bytecode cache, as an install does
        rows = {
            "python -c pass": _run_times(bare, env, runs),
            "python -m dimcheck lint one_line.py": _run_times(lint, env, runs),
        }
        cold_env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        cold_env.pop("PYTHONPYCACHEPREFIX", None)
        rows["  same, no bytecode cache"] = _run_times(lint, cold_env, max(3, runs // 3))
        for label, times in rows.items():
            walls = [wall for wall, _ in times]
            cpu = statistics.median(cpu for _, cpu in times)
            spread = f"[{min(walls):.3f}-{max(walls):.3f}]"
            print(f"  {label:38} {statistics.median(walls):.3f} s {spread}  CPU {cpu:.3f} s")
        times = rows["python -m dimcheck lint one_line.py"]
        wall = statistics.median(wall for wall, _ in times)
        cpu = statistics.median(cpu for _, cpu in times)
        passed = wall < STARTUP_TARGET
        print(
            f"  target < {STARTUP_TARGET} s: wall {_verdict(passed)} ({wall:.3f} s), "
            f"CPU {_verdict(cpu < STARTUP_TARGET)} ({cpu:.3f} s)"
        )
        loaded = _loaded(lint, env)
        heavy = [f"{name} ({loaded[name]:.0f} ms)" for name in NOT_NEEDED if name in loaded]
        print(
            f"  imports: the package dimcheck {loaded.get('dimcheck', 0):.1f} ms, the linter "
            f"dimcheck._lint {loaded.get('dimcheck._lint', 0):.1f} ms"
        )
        print(f"  loaded but not needed: {', '.join(heavy) if heavy else 'nothing'}")
    return passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds of dimcheck lint")
    parser.add_argument("--peer-rounds", type=int, default=1, help="rounds of each peer")
    parser.add_argument("--startup-runs", type=int, default=15, help="start-up runs")
    args = parser.parse_args()
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, load {_load()}"
    )
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        print(f"pinned to CPU {cpu} (the peers inherit it; ruff runs one thread)")
    fast = speed(args.rounds, args.peer_rounds)
    quick = startup(args.startup_runs)
    print(f"\nload average at the end: {_load()}")
    print(f"speed (CPU time): {_verdict(fast)}, start-up (wall clock): {_verdict(quick)}")


if __name__ == "__main__":
    main()
