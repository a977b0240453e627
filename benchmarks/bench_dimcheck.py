"""What `@dimcheck.shapes` costs per call, and on whole training steps, measured in one run.

Run: `python benchmarks/bench_dimcheck.py [--repeats N]`. Prints

1. the time per call of `linear_forward(A_prev, W, b)` undecorated, with
   `@dimcheck.shapes`, and with `jaxtyping.jaxtyped(typechecker=...)` (jaxtyping's own
   run-time checking), and the overheads (target: dimcheck <= 5 us). The checker given to
   jaxtyping is typeguard 4's `check_type` applied to every parameter: typeguard's
   `@typechecked` re-parses the function's source and fails on dimension strings
   (`SyntaxError` on `"n_l m"`), the limitation the project works around;
2. a Course-style 4-layer training step (forward, cost, backward, update) at m = 64,
   with every function decorated vs the same functions undecorated, for the course's
   4-layer network `[12288, 20, 7, 5, 1]` (target: ratio <= 1.3) and for a small
   `[20, 7, 5, 3, 1]` one, where the fixed per-call cost weighs most;
3. a `models.DeepNetwork` training step at m = 64 with its `@dimcheck.shapes` checks on
   vs off (`dimcheck.disable()` at run time; and `DIMCHECK=0`, in a subprocess, where the
   decorators return the plain functions).

Times are the minimum over repeats (the least disturbed run on a shared machine);
ratios compare figures measured side by side in this run. Exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import functools
import inspect
import itertools
import os
import subprocess
import sys
import timeit
from collections.abc import Callable
from typing import Any

import numpy as np
from jaxtyping import Float, jaxtyped
from typeguard import check_type

import dimcheck

M = 64
COURSE_4_LAYER = [12288, 20, 7, 5, 1]
SMALL_4_LAYER = [20, 7, 5, 3, 1]
CALL_TARGET_US = 5.0
STEP_TARGET = 1.3


def linear_forward(
    A_prev: Float[np.ndarray, "n_prev m"],
    W: Float[np.ndarray, "n_l n_prev"],
    b: Float[np.ndarray, "n_l 1"],
) -> tuple[Float[np.ndarray, "n_l m"], tuple[Any, Any, Any]]:
    Z = W @ A_prev + b
    return Z, (A_prev, W, b)


def relu(Z: Float[np.ndarray, "n m"]) -> Float[np.ndarray, "n m"]:
    return np.maximum(Z, 0)


def sigmoid(Z: Float[np.ndarray, "n m"]) -> Float[np.ndarray, "n m"]:
    return 1 / (1 + np.exp(-Z))


def compute_cost(AL: Float[np.ndarray, "1 m"], Y: Float[np.ndarray, "1 m"]) -> float:
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)


def linear_backward(
    dZ: Float[np.ndarray, "n_l m"],
    A_prev: Float[np.ndarray, "n_prev m"],
    W: Float[np.ndarray, "n_l n_prev"],
) -> tuple[
    Float[np.ndarray, "n_prev m"], Float[np.ndarray, "n_l n_prev"], Float[np.ndarray, "n_l 1"]
]:
    m = A_prev.shape[1]
    dW = dZ @ A_prev.T / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = W.T @ dZ
    return dA_prev, dW, db


def relu_backward(
    dA: Float[np.ndarray, "n m"], Z: Float[np.ndarray, "n m"]
) -> Float[np.ndarray, "n m"]:
    return dA * (Z > 0)


def update(
    W: Float[np.ndarray, "n_l n_prev"],
    dW: Float[np.ndarray, "n_l n_prev"],
    learning_rate: float,
) -> Float[np.ndarray, "n_l n_prev"]:
    return W - learning_rate * dW


OPS = (linear_forward, relu, sigmoid, compute_cost, linear_backward, relu_backward, update)


def training_step(ops: dict[str, Callable[..., Any]], params: list[Any], X: Any, Y: Any) -> float:
    """One step of the Course's L-layer model: forward, cost, backward, update."""
    L = len(params)
    A, caches = X, []
    for index, (W, b) in enumerate(params):
        Z, (A_prev, _, _) = ops["linear_forward"](A, W, b)
        caches.append((A_prev, W, Z))
        A = ops["sigmoid"](Z) if index == L - 1 else ops["relu"](Z)
    cost = ops["compute_cost"](A, Y)
    dZ = A - Y
    for index in reversed(range(L)):
        A_prev, W, Z = caches[index]
        if index < L - 1:
            dZ = ops["relu_backward"](dA, Z)  # noqa: F821 (set by the layer above)
        dA, dW, db = ops["linear_backward"](dZ, A_prev, W)  # noqa: RUF059 (dA[0] unused)
        W_new = ops["update"](W, dW, 0.01)
        params[index] = (W_new, params[index][1] - 0.01 * db)
    return cost


def typeguard_checker(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A jaxtyping `typechecker`: typeguard's `check_type` on every annotated parameter."""
    signature = inspect.signature(fn)
    hints = dict(fn.__annotations__)

    @functools.wraps(fn)
    def checked(*args: Any, **kwargs: Any) -> Any:
        for name, value in signature.bind(*args, **kwargs).arguments.items():
            if name in hints:
                check_type(value, hints[name])
        return fn(*args, **kwargs)

    return checked


def best(fn: Callable[[], object], number: int, repeats: int) -> float:
    """Seconds per call, minimum over `repeats` rounds of `number` calls."""
    return min(timeit.repeat(fn, number=number, repeat=repeats)) / number


def per_call(repeats: int) -> tuple[float, float, float]:
    rng = np.random.default_rng(0)
    A, W, b = rng.standard_normal((4, 8)), rng.standard_normal((3, 4)), np.zeros((3, 1))
    checked = dimcheck.shapes(linear_forward)
    jax_checked = jaxtyped(typechecker=typeguard_checker)(linear_forward)
    try:  # jaxtyping really checks: a transposed W is refused
        jax_checked(A, W.T, b)
    except Exception:
        pass
    else:
        raise AssertionError("the jaxtyping baseline does not check shapes")
    for fn in (linear_forward, checked, jax_checked):
        fn(A, W, b)  # warm up, and prove each accepts the call
    plain_t, checked_t, jax_t = [], [], []
    for _ in range(repeats):  # interleaved, so a noisy moment hits all three alike
        plain_t.append(best(lambda: linear_forward(A, W, b), 20000, 1))
        checked_t.append(best(lambda: checked(A, W, b), 20000, 1))
        jax_t.append(best(lambda: jax_checked(A, W, b), 2000, 1))
    return min(plain_t), min(checked_t), min(jax_t)


def step_ratio(layer_dims: list[int], repeats: int) -> tuple[float, float]:
    rng = np.random.default_rng(1)
    X = rng.standard_normal((layer_dims[0], M))
    Y = (rng.random((1, M)) > 0.5).astype(np.float64)
    initial = [
        (rng.standard_normal((n, p)) * 0.01, np.zeros((n, 1)))
        for p, n in itertools.pairwise(layer_dims)
    ]
    plain = {fn.__name__: fn for fn in OPS}
    checked = {fn.__name__: dimcheck.shapes(fn) for fn in OPS}
    # Many short interleaved rounds: on a shared machine the minimum of each then comes
    # from a quiet moment, which a few long rounds rarely give a 13 ms step. One step per
    # round for the big network, so that plain and checked steps alternate closely.
    number, rounds = (1, 20 * repeats) if layer_dims[0] > 1000 else (500, 4 * repeats)
    plain_t, checked_t = [], []
    for _ in range(rounds):
        plain_t.append(best(lambda: training_step(plain, list(initial), X, Y), number, 1))
        checked_t.append(best(lambda: training_step(checked, list(initial), X, Y), number, 1))
    return min(plain_t), min(checked_t)


MODELS_STEP = """
import sys, timeit
import numpy as np
import dimcheck
from models import DeepNetwork
net = DeepNetwork({dims}, seed=0)
rng = np.random.default_rng(2)
X = rng.standard_normal(({n0}, {m}))
Y = (rng.random((1, {m})) > 0.5).astype(np.float64)
def step():
    AL, caches = net.forward(X, training=True)
    net.cost(AL, Y)
    grads = net.backward(AL, Y, caches)
    params = net.parameters()
    net.set_parameters({{k: v - 0.01 * grads["d" + k] for k, v in params.items()}})
step()
def timed():
    return min(timeit.repeat(step, number={number}, repeat=1)) / {number}
on, off = [], []
for _ in range({repeats}):
    dimcheck.enable(); on.append(timed())
    dimcheck.disable(); off.append(timed())
print(min(on), min(off))
"""


def models_step(layer_dims: list[int], repeats: int) -> tuple[float, float, float] | None:
    """(checks on, switched off at run time, DIMCHECK=0) seconds per models training step."""
    try:
        import models

        models.DeepNetwork  # noqa: B018 (is the network there yet?)
    except (ImportError, AttributeError):
        return None
    number = 5 if layer_dims[0] > 1000 else 200
    code = MODELS_STEP.format(
        dims=layer_dims, n0=layer_dims[0], m=M, number=number, repeats=repeats
    )
    # Subprocesses alternate (on, DIMCHECK=0, on, ...) so that a busy moment on a shared
    # machine hits both alike; each figure is the minimum over all rounds.
    on_t, off_runtime_t, off_env_t = [], [], []
    for _ in range(3):
        for value in ("1", "0"):
            env = {**os.environ, "DIMCHECK": value}
            out = subprocess.run(
                [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
            )
            first, second = (float(x) for x in out.stdout.split())
            if value == "1":
                on_t.append(first)
                off_runtime_t.append(second)
            else:
                off_env_t.append(min(first, second))
    on, off_runtime, off_env = min(on_t), min(off_runtime_t), min(off_env_t)
    return on, off_runtime, off_env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    repeats = parser.parse_args().repeats
    ok = True

    plain, checked, jax = per_call(repeats)
    overhead = (checked - plain) * 1e6
    print(f"linear_forward(A_prev (4, 8), W (3, 4), b (3, 1)), per call, min of {repeats}:")
    print(f"  undecorated                         {plain * 1e6:8.2f} us")
    print(f"  @dimcheck.shapes                    {checked * 1e6:8.2f} us  (+{overhead:.2f} us)")
    jax_overhead = (jax - plain) * 1e6
    print(f"  jaxtyped(typechecker=check_type)    {jax * 1e6:8.2f} us  (+{jax_overhead:.2f} us)")
    met = "met" if overhead <= CALL_TARGET_US else "MISSED"
    print(f"  dimcheck overhead target <= {CALL_TARGET_US} us: {met}")
    ok &= overhead <= CALL_TARGET_US

    for dims, has_target in ((COURSE_4_LAYER, True), (SMALL_4_LAYER, False)):
        plain_s, checked_s = step_ratio(dims, repeats)
        ratio = checked_s / plain_s
        verdict = (
            f"target <= {STEP_TARGET}: {'met' if ratio <= STEP_TARGET else 'MISSED'}"
            if has_target
            else "no target: the fixed per-call cost at its most visible"
        )
        calls = 5 * (len(dims) - 1)  # per layer 2 forward, 2 backward (relu' below L), + cost
        print(f"Course-style training step {dims}, m = {M}, {calls} decorated calls:")
        print(
            f"  undecorated {plain_s * 1e6:9.1f} us, decorated {checked_s * 1e6:9.1f} us,"
            f" ratio {ratio:.3f} ({verdict})"
        )
        ok &= ratio <= STEP_TARGET or not has_target

    for dims in (COURSE_4_LAYER, SMALL_4_LAYER):
        figures = models_step(dims, 2 * repeats)
        if figures is None:
            print("models.DeepNetwork not available: no models figure.")
            break
        on, off_runtime, off_env = figures
        print(f"models.DeepNetwork{dims} training step, m = {M}:")
        print(
            f"  checks on {on * 1e6:9.1f} us, disable() {off_runtime * 1e6:9.1f} us,"
            f" DIMCHECK=0 {off_env * 1e6:9.1f} us; on / DIMCHECK=0 = {on / off_env:.3f}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
