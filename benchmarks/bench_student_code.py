"""Student code (`check_functions`, `check`): speed against the Course's loop, and memory.

    python benchmarks/bench_student_code.py            # speed, auto, memory at 10^7
    python benchmarks/bench_student_code.py --big      # and memory at 10^8 (3.5 GB, ~2 min)
    python benchmarks/bench_student_code.py --quick    # fewer coordinates, one round

Speed: the Course's own deep-network code (`L_model_forward`, `compute_cost`,
`L_model_backward` of `tests/course/c1w4_deep_v3.py`, with `np.dot`) on `[784, 64, 32, 1]`,
m = 32 (52,353 parameters), checked in full by `gradcheck.check_functions`, against the
Course's `gradient_check_n` loop on the same functions (copy the parameter vector, perturb
one entry, rebuild the dict, forward and cost; twice per coordinate), timed on a seeded
sample of coordinates and extrapolated (it says so). gradcheck's own one-call-per-copy
path (the private switch `gradcheck._stacking.ENABLED = False`) is timed the same way, in
the same run. Target: full mode at least 5x faster than the Course's loop, same verdict.

Auto: `check_functions` with its defaults on the same network, correct and with each
confined planted bug (one wrong row of `dW[1]`, one wrong entry of `db[2]`, a factor 2
on `dW[2]`, a sign on `db[3]`). Target: at most 1 s each, every bug caught.

Memory: `gradcheck.check` of `J = (||W[1]||^2 + ||b[1]||^2) / 2` with `10^7` (and with
`--big`, `10^8`) parameters, in a subprocess: the growth of its peak resident memory
(`VmHWM`, its own high-water mark) during the check, in units of the parameters' size
(8 bytes each).
Target: at most 2x the parameters' size plus 64 MB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

# One BLAS thread for every side: on a shared machine a multithreaded BLAS under
# contention slows the one-at-a-time loops erratically. Set before numpy is imported.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import gradcheck  # noqa: E402
from gradcheck import _stacking  # noqa: E402
from gradcheck._bands import EPS, PASS_LINE  # noqa: E402
from tests.course import get  # noqa: E402

LAYERS = [784, 64, 32, 1]
M = 32
SPEEDUP_TARGET = 5.0
AUTO_SECONDS = 1.0
MEMORY_FACTOR = 2.0
MEMORY_CONSTANT = 64 * 2**20


def problem(seed: int = 0):
    """Parameters scaled by `1/sqrt(n[l-1])`, small biases, pixel-like inputs, seeded."""
    rng = np.random.default_rng(seed)
    parameters = {}
    for layer in range(1, len(LAYERS)):
        shape = (LAYERS[layer], LAYERS[layer - 1])
        parameters[f"W{layer}"] = rng.standard_normal(shape) / np.sqrt(shape[1])
        parameters[f"b{layer}"] = 0.1 * rng.standard_normal((LAYERS[layer], 1))
    X = rng.random((LAYERS[0], M))
    Y = (rng.random((1, M)) > 0.5).astype(np.float64)
    return parameters, X, Y


# -- the Course's gradient_check_n, on the student's own functions ---------------------


def course_loop(deep, parameters, X, Y, indices):
    """The Course's loop over `indices`: vector copies, two forwards and costs each."""
    keys = list(parameters)
    theta = np.concatenate([parameters[k].reshape(-1, 1) for k in keys])
    shapes = [(k, parameters[k].shape) for k in keys]

    def to_dict(vector):
        result, start = {}, 0
        for key, shape in shapes:
            size = int(np.prod(shape))
            result[key] = vector[start : start + size].reshape(shape)
            start += size
        return result

    approx = np.empty(len(indices))
    for position, i in enumerate(indices):
        plus = np.copy(theta)
        plus[i][0] += EPS
        J_plus = deep.compute_cost(deep.L_model_forward(X, to_dict(plus))[0], Y)
        minus = np.copy(theta)
        minus[i][0] -= EPS
        J_minus = deep.compute_cost(deep.L_model_forward(X, to_dict(minus))[0], Y)
        approx[position] = (J_plus - J_minus) / (2 * EPS)
    return approx


def functions_of(deep, bug=None):
    def backward(AL, Y, caches):
        grads = deep.L_model_backward(AL, Y, caches)
        grads = {k: np.array(v) for k, v in grads.items()}
        if bug == "one wrong row of dW[1]":
            grads["dW1"][5] *= 1.5
        elif bug == "one wrong entry of db[2]":
            grads["db2"][3] += 0.01
        elif bug == "a factor 2 on dW[2]":
            grads["dW2"] *= 2.0
        elif bug == "a sign on db[3]":
            grads["db3"] *= -1.0
        return grads

    return {"forward": deep.L_model_forward, "cost": deep.compute_cost, "backward": backward}


def timed(function, repeats):
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def speed(sample: int, repeats: int, quick: bool) -> bool:
    deep = get("c1w4_deep_v3").load()
    parameters, X, Y = problem()
    functions = functions_of(deep)
    total = sum(p.size for p in parameters.values())

    def full():
        return gradcheck.check_functions(
            **functions, parameters=parameters, X=X, Y=Y, mode="full", progress_bar=False
        )

    ours, report = timed(full, repeats)
    indices = np.sort(np.random.default_rng(0).choice(total, size=sample, replace=False))
    loop, numeric = timed(lambda: course_loop(deep, parameters, X, Y, indices), repeats)
    loop *= total / sample
    # gradcheck's one-call-per-copy path, the same full check, in the same run (once: it
    # takes as long as the loop).
    one_by_one = None
    if not quick:
        _stacking.ENABLED = False
        try:
            one_by_one, unstacked = timed(full, 1)
        finally:
            _stacking.ENABLED = True
        assert unstacked.passed == report.passed
    grads = _grads(deep, parameters, X, Y, parameters)
    analytic = np.concatenate([grads[k].reshape(-1) for k in parameters])[indices]
    difference = float(
        np.linalg.norm(analytic - numeric) / (np.linalg.norm(analytic) + np.linalg.norm(numeric))
    )
    loop_passed = difference < PASS_LINE
    speedup = loop / ours
    ok = speedup >= SPEEDUP_TARGET and loop_passed == report.passed
    print(f"check_functions, full, the Course's code on {LAYERS}, m = {M}: {total} parameters")
    print(f"  gradcheck, stacked copies:               {ours:8.2f} s  (best of {repeats})")
    if one_by_one is not None:
        print(f"  gradcheck, one call per copy (switch):   {one_by_one:8.2f} s  (same verdict)")
    print(f"  the Course's loop ({sample} coordinates):  {loop:8.2f} s  (extrapolated)")
    versus = "" if one_by_one is None else f"; vs one call per copy: {one_by_one / ours:.1f}x"
    print(
        f"  speedup vs the Course's loop: {speedup:6.1f}x (target >= {SPEEDUP_TARGET:g}x){versus}"
    )
    print(
        f"  verdicts: gradcheck {'PASSED' if report.passed else 'FAILED'}, loop "
        f"{'PASSED' if loop_passed else 'FAILED'} (difference {difference:.1e}): "
        f"{'the same' if loop_passed == report.passed else 'DIFFERENT'}"
    )
    print(f"  {'PASS' if ok else 'FAIL'}")
    return ok


def _grads(deep, parameters, X, Y, keys):
    """The correct gradients, keyed like the parameters."""
    AL, caches = deep.L_model_forward(X, parameters)
    grads = deep.L_model_backward(AL, Y, caches)
    return {k: grads["d" + k] for k in keys}


def auto(repeats: int) -> bool:
    deep = get("c1w4_deep_v3").load()
    parameters, X, Y = problem()
    bugs = (
        None,
        "one wrong row of dW[1]",
        "one wrong entry of db[2]",
        "a factor 2 on dW[2]",
        "a sign on db[3]",
    )
    ok = True
    print(f"check_functions, auto (the defaults), same network: target <= {AUTO_SECONDS:g} s")
    for bug in bugs:
        seconds, report = timed(
            lambda bug=bug: gradcheck.check_functions(
                **functions_of(deep, bug), parameters=parameters, X=X, Y=Y, progress_bar=False
            ),
            repeats,
        )
        right = report.passed if bug is None else not report.passed
        failed = ", ".join(
            f"d{report.results[k].name} {report.results[k].verdict}" for k in report.failed
        )
        ok = ok and right and seconds <= AUTO_SECONDS
        print(
            f"  {bug or 'correct':26s} {seconds:6.2f} s  {report.mode:11s} "
            f"{'passed' if report.passed else 'caught: ' + failed}"
            f"  {'PASS' if right and seconds <= AUTO_SECONDS else 'FAIL'}"
        )
    return ok


# -- memory ------------------------------------------------------------------------------

CHILD = r"""
import os, resource, sys, time
sys.path.insert(0, {root!r})
import numpy as np
import gradcheck
n = {n}
rng = np.random.default_rng(0)
W1 = rng.standard_normal((n // 1000, 1000))
b1 = rng.standard_normal((n // 1000, 1))
parameters = {{"W1": W1, "b1": b1}}
gradients = {{"dW1": W1.copy(), "db1": b1.copy()}}

def cost(p):
    # vdot of contiguous arrays allocates nothing: the memory measured is gradcheck's.
    return 0.5 * (np.vdot(p["W1"], p["W1"]) + np.vdot(p["b1"], p["b1"]))

def high_water_mark():
    # This process's own peak (VmHWM): ru_maxrss would also count the parent's
    # memory, which Linux carries over through fork and exec.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

cost(parameters)
before = high_water_mark()
start = time.perf_counter()
report = gradcheck.check(cost, parameters, gradients, progress_bar=False)
seconds = time.perf_counter() - start
peak = high_water_mark()
print(before, peak, seconds, report.passed, report.mode)
"""


def memory(n: int) -> bool:
    code = CHILD.format(root=str(ROOT), n=n)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if run.returncode != 0:
        print(f"  10^{len(str(n)) - 1} parameters: the child failed: {run.stderr.strip()[-300:]}")
        return False
    before, peak, seconds, passed, mode = run.stdout.split()
    size = 8 * n
    grown = int(peak) - int(before)
    limit = MEMORY_FACTOR * size + MEMORY_CONSTANT
    ok = grown <= limit and passed == "True"
    print(
        f"  10^{len(str(n)) - 1} parameters ({size / 1e9:.2f} GB): peak grew by "
        f"{grown / 1e9:.2f} GB = {grown / size:.2f}x the parameters' size "
        f"(limit {limit / 1e9:.2f} GB), {float(seconds):.1f} s, mode {mode}, "
        f"{'passed' if passed == 'True' else 'NOT passed'}  {'PASS' if ok else 'FAIL'}"
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer coordinates, one round, no unstacked run"
    )
    parser.add_argument("--big", action="store_true", help="memory at 10^8 parameters too")
    parser.add_argument("--no-speed", action="store_true", help="memory only")
    arguments = parser.parse_args()
    repeats = 1 if arguments.quick else 3
    sample = 200 if arguments.quick else 1000
    import platform

    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, one BLAS thread, "
        f"numpy {np.__version__}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n"
    )
    results = []
    if not arguments.no_speed:
        results.append(speed(sample, repeats, arguments.quick))
        print()
        results.append(auto(repeats))
        print()
    print(
        f"memory of gradcheck.check (target: the peak grows by at most {MEMORY_FACTOR:g}x "
        f"the parameters' size + {MEMORY_CONSTANT // 2**20} MB)"
    )
    for n in (10**7, 10**8) if arguments.big else (10**7,):
        results.append(memory(n))
    print(f"\n{sum(results)} of {len(results)} rows meet their targets")


if __name__ == "__main__":
    main()
