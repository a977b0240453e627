"""Issue 14's speed table: every row, ours beside each peer measured in the same run.

    python benchmarks/bench_table.py [--quick] [--rows KEY ...] [--markdown] [--skip-huge]
    python benchmarks/bench_table.py --list

Each row is one piece of work from issue 14, timed for the toolkit and for every peer
doing the same work, side by side: the contenders of a row take turns round by round,
so that a busy spell of this shared machine hits them alike. A figure is the median
over the rounds of the CPU time the work took (`time.process_time`, every thread of
this process: the work done, not the time spent waiting for a core that other
processes hold). The start-up row takes a fresh process's CPU time and prints its
wall clock beside it; the memory rows take the peak resident memory of a subprocess,
under an address-space cap of twice the target, so that a check far over it fails
there instead of pushing a shared machine into swap. One BLAS thread for everyone,
and one thread for torch and for jax's XLA, set before any of them is imported. Each
contender runs once untimed first (imports, jit compilation, caches), and is
repeated only while its rounds stay within a time budget (10 s, 3 s with `--quick`).

Peers that take minutes (the Course's per-coordinate loop, scipy's `check_grad`,
torch's `gradcheck` in slow mode) are timed on one seeded sample of coordinates
(`--peer-sample`), the same for all of them, and extrapolated to every coordinate;
their rows say so. Optional peers (torch, jax, scipy, beartype, pyflakes, ruff;
`pip install -e ".[bench]"`) are skipped with a note when absent; a target that is
stated against a missing peer has no verdict (`SKIP`).

Every row ends with its target and PASS or FAIL; the summary table repeats them, and
`--markdown` prints it as the README's benchmark table with the machine and date.
Exits 1 if a measured row fails.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import itertools
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import timeit
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# One thread for every numeric library, set before any of them is imported: on a
# shared 2-core machine a multithreaded BLAS (or XLA thread pool) under contention
# times noise, and the per-coordinate loops would be slowed erratically.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
os.environ.setdefault(
    "XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
)
os.environ.setdefault("JAX_ENABLE_X64", "1")  # float64, like everyone else here

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]  # the sibling scripts; the Course corpus in tests/

# What this script borrows from the sibling scripts (kept existing by
# tests/test_benchmarks.py, which reads their source without importing them).
BORROWED = {
    "bench_models": ("by_hand", "with_models", "torch_pass_maker"),
    "bench_fit": ("LEARNING_RATE", "data", "hand_written_epoch", "torch_epoch_maker"),
    "bench_dimcheck": ("linear_forward", "linear_forward_asserts", "beartype_checked"),
    "bench_lint": ("_trees", "_timed", "_pyflakes", "_ruff", "_startup_env", "_run_times"),
    "bench_gradcheck": ("peer_problem",),
}

SMALL = [784, 64, 32, 1]  # sigmoid output, m = 32
SOFTMAX = [784, 128, 64, 10]  # softmax output, m = 64
COURSE_STEP = [20, 7, 5, 3, 1]


# -- measuring -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    rounds: int  # rounds of the fast contenders
    peer_sample: int  # coordinates the per-coordinate peers are timed on
    budget: float  # seconds after which a contender is not repeated
    skip_huge: bool


def cpu_seconds(work: Callable[[], object]) -> float:
    start = time.process_time()
    work()
    return time.process_time() - start


def side_by_side(
    contenders: dict[str, Callable[[], object]], settings: Settings, rounds: int | None = None
) -> dict[str, float]:
    """Median CPU seconds of each contender, taking turns round by round.

    Each runs once first, untimed (imports, jit compilation, caches), unless that run
    alone passes the budget: then it is the one timed figure.
    """
    rounds = settings.rounds if rounds is None else rounds
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for name, work in contenders.items():
        first = cpu_seconds(work)
        if first > settings.budget:
            times[name].append(first)
    for _ in range(rounds):
        for name, work in contenders.items():
            if len(times[name]) == 0 or sum(times[name]) < settings.budget:
                times[name].append(cpu_seconds(work))
    return {name: statistics.median(values) for name, values in times.items()}


class Verdicts(dict[str, bool]):
    """What each contender's last run said (a gradient check passed or not)."""

    def keep(self, name: str, work: Callable[[], Any]) -> Callable[[], object]:
        def run() -> object:
            result = work()
            self[name] = bool(getattr(result, "passed", result))
            return result

        return run

    def said(self, name: str) -> list[str]:
        if name not in self:
            return []
        return ["passed" if self[name] else "reported a mismatch"]


def figure(name: str, value: str, remarks: list[str]) -> str:
    """`name value (remark; remark)`; without a name for our own figure."""
    head = f"{name} {value}" if name else value
    return head + (f" ({'; '.join(remarks)})" if remarks else "")


def seconds(value: float) -> str:
    if value >= 1:
        return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.1f} ms"
    return f"{value * 1e6:.2f} µs"


def optional(module: str) -> Any | None:
    """The module, or `None` when it is not installed (a peer then skipped with a note)."""
    try:
        return __import__(module, fromlist=["_"])
    except ImportError:
        return None


@functools.cache
def torch_module() -> Any | None:
    torch = optional("torch")
    if torch is not None:
        torch.set_num_threads(1)
    return torch


def missing(peer: str, package: str) -> str:
    return f"{peer}: not installed, skipped (pip install {package})"


# -- the problems: one network, its data, its parameters as the Course's dict --------------


@dataclass
class Problem:
    layer_dims: list[int]
    output: str  # "sigmoid" or "softmax"
    X: np.ndarray
    Y: np.ndarray
    network: Any
    parameters: dict[str, np.ndarray]

    @property
    def size(self) -> int:
        return sum(value.size for value in self.parameters.values())

    @property
    def m(self) -> int:
        return self.X.shape[1]

    def describe(self) -> str:
        return f"{self.layer_dims}, {self.output}, m = {self.m}: {self.size:,} parameters"


@functools.cache
def problem(layer_dims: tuple[int, ...], output: str, m: int) -> Problem:
    """`DeepNetwork(layer_dims)` with ReLU hidden layers, seeded, and seeded data."""
    from bench_gradcheck import peer_problem

    network, X, Y = peer_problem(list(layer_dims), m, output)
    return Problem(list(layer_dims), output, X, Y, network, network.parameters())


def course_cost(X: np.ndarray, Y: np.ndarray, parameters: dict[str, np.ndarray]) -> float:
    """The Course's `forward_propagation_n`: ReLU layers, then sigmoid or softmax, and `J`."""
    L = len(parameters) // 2
    A = X
    for l in range(1, L):  # noqa: E741 (the Course's layer index)
        A = np.maximum(0, parameters["W" + str(l)] @ A + parameters["b" + str(l)])
    ZL = parameters["W" + str(L)] @ A + parameters["b" + str(L)]
    m = Y.shape[1]
    if Y.shape[0] == 1:
        AL = 1 / (1 + np.exp(-ZL))
        return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)
    E = np.exp(ZL - ZL.max(axis=0, keepdims=True))
    return float(-np.sum(Y * np.log(E / E.sum(axis=0, keepdims=True))) / m)


def flat(parameters: dict[str, np.ndarray]) -> tuple[np.ndarray, list[tuple[str, tuple]]]:
    """The Course's `dictionary_to_vector`, and the layout to undo it."""
    vector = np.concatenate([value.reshape(-1) for value in parameters.values()])
    return vector, [(key, value.shape) for key, value in parameters.items()]


def unflat(theta: np.ndarray, layout: list[tuple[str, tuple]]) -> dict[str, np.ndarray]:
    """The Course's `vector_to_dictionary`."""
    parameters, start = {}, 0
    for key, shape in layout:
        size = int(np.prod(shape))
        parameters[key] = theta[start : start + size].reshape(shape)
        start += size
    return parameters


def sample(total: int, size: int) -> np.ndarray:
    """The seeded coordinates every per-coordinate peer is timed on."""
    if size >= total:
        return np.arange(total)
    return np.sort(np.random.default_rng(0).choice(total, size, replace=False))


def course_loop(cost: Callable[[dict[str, np.ndarray]], float], parameters, indices, eps=1e-7):
    """The Course's `gradient_check_n` over `indices`: copy, perturb, rebuild, two costs."""
    theta, layout = flat(parameters)
    approx = np.empty(len(indices))
    for position, i in enumerate(indices):
        thetaplus = np.copy(theta)
        thetaplus[i] = thetaplus[i] + eps
        J_plus = cost(unflat(thetaplus, layout))
        thetaminus = np.copy(theta)
        thetaminus[i] = thetaminus[i] - eps
        J_minus = cost(unflat(thetaminus, layout))
        approx[position] = (J_plus - J_minus) / (2 * eps)
    return approx


def extrapolated(
    name: str, per_sample: float, indices: np.ndarray, total: int, remarks: list[str]
) -> str:
    if indices.size == total:
        return figure(name, seconds(per_sample), remarks)
    how = f"{indices.size:,} seeded coordinates, extrapolated"
    return figure(name, seconds(per_sample * total / indices.size), [*remarks, how])


# -- torch and jax versions of the same networks -------------------------------------------


def torch_loss(p: Problem) -> Callable[..., Any] | None:
    """`loss(W1, b1, W2, ...)` of `p`'s network in torch float64, Course orientation."""
    torch = torch_module()
    if torch is None:
        return None
    F = torch.nn.functional
    X, Y = torch.from_numpy(p.X), torch.from_numpy(p.Y)
    labels = torch.from_numpy(p.Y.argmax(axis=0))

    def loss(*weights: Any) -> Any:
        A = X
        pairs = list(zip(weights[::2], weights[1::2], strict=True))
        for index, (W, b) in enumerate(pairs):
            Z = W @ A + b
            A = torch.relu(Z) if index < len(pairs) - 1 else Z
        if p.output == "softmax":
            return F.cross_entropy(A.T, labels)
        return F.binary_cross_entropy_with_logits(A, Y)

    return loss


def torch_parameters(p: Problem) -> tuple[Any, ...]:
    torch = torch_module()
    assert torch is not None
    return tuple(torch.tensor(value, requires_grad=True) for value in p.parameters.values())


def jax_check(p: Problem) -> Callable[[], object] | None:
    """`jax.test_util.check_grads` (jit, reverse mode, order 1) on `p`'s network."""
    jax = optional("jax")
    if jax is None:
        return None
    import jax.numpy as jnp
    from jax.test_util import check_grads

    X, Y = jnp.asarray(p.X), jnp.asarray(p.Y)

    @jax.jit
    def loss(weights: tuple[Any, ...]) -> Any:
        A = X
        pairs = list(zip(weights[::2], weights[1::2], strict=True))
        for index, (W, b) in enumerate(pairs):
            Z = W @ A + b
            A = jax.nn.relu(Z) if index < len(pairs) - 1 else Z
        if p.output == "softmax":
            return -jnp.sum(Y * jax.nn.log_softmax(A, axis=0)) / p.m
        return -jnp.sum(Y * jax.nn.log_sigmoid(A) + (1 - Y) * jax.nn.log_sigmoid(-A)) / p.m

    weights = tuple(jnp.asarray(value) for value in p.parameters.values())

    def run() -> bool:
        # eps as torch's: jax's default (1e-4 in float64) along a random direction of
        # every parameter crosses ReLU kinks and reports a mismatch on correct code.
        try:
            check_grads(loss, (weights,), order=1, modes=("rev",), eps=1e-6)
        except AssertionError:  # raised after the whole check: the time is the same
            return False
        return True

    return run


# -- the rows ------------------------------------------------------------------------------


@dataclass
class Outcome:
    ours: str
    peers: list[str] = field(default_factory=list)
    passed: bool | None = None  # None: no verdict (the peer the target names is missing)
    notes: list[str] = field(default_factory=list)
    error: bool = False  # the row could not be measured (it then counts as failed)


@dataclass(frozen=True)
class Row:
    key: str
    issue_work: str  # the issue's "work" cell this row measures
    work: str
    target: str
    measure: Callable[[Settings], Outcome]


def check_model_full(p: Problem, target: float, settings: Settings, peers: bool) -> Outcome:
    import gradcheck

    verdicts = Verdicts()
    indices = sample(p.size, settings.peer_sample)
    cost = functools.partial(course_cost, p.X, p.Y)
    contenders: dict[str, Callable[[], object]] = {
        "ours": verdicts.keep(
            "ours",
            lambda: gradcheck.check_model(p.network, p.X, p.Y, mode="full", progress_bar=False),
        ),
        "course": lambda: course_loop(cost, p.parameters, indices),
    }
    notes = []
    if peers:
        theta, layout = flat(p.parameters)
        AL, caches = p.network.forward(p.X)
        grads = p.network.backward(AL, p.Y, caches)
        analytic, _ = flat({key: grads["d" + key] for key in p.parameters})
        scipy_optimize = optional("scipy.optimize")
        if scipy_optimize is not None:

            def sampled_cost(values: np.ndarray) -> float:
                point = theta.copy()
                point[indices] = values
                return cost(unflat(point, layout))

            contenders["scipy"] = lambda: scipy_optimize.check_grad(
                sampled_cost, lambda _: analytic[indices], theta[indices]
            )
        else:
            notes.append(missing("scipy check_grad", "scipy"))
        loss = torch_loss(p)
        if loss is not None:
            torch = torch_module()
            base = torch.from_numpy(theta)
            where = torch.from_numpy(indices)
            sizes = [value.size for value in p.parameters.values()]
            shapes = [value.shape for value in p.parameters.values()]

            def torch_sampled(values: Any) -> Any:
                point = base.index_put((where,), values)
                parts = torch.split(point, sizes)
                return loss(
                    *(part.reshape(shape) for part, shape in zip(parts, shapes, strict=True))
                )

            start = torch.tensor(theta[indices], requires_grad=True)
            contenders["torch"] = verdicts.keep(
                "torch",
                lambda: torch.autograd.gradcheck(torch_sampled, (start,), raise_exception=False),
            )
        else:
            notes.append(missing("torch gradcheck", "torch"))
    figures = side_by_side(contenders, settings)
    names = {
        "course": "Course loop",
        "scipy": "scipy check_grad",
        "torch": "torch gradcheck (slow mode)",
    }
    peer_lines = [
        extrapolated(names[name], figures[name], indices, p.size, verdicts.said(name))
        for name in contenders
        if name != "ours"
    ]
    ours = figures["ours"]
    text = figure("", seconds(ours), verdicts.said("ours"))
    return Outcome(text, peer_lines + notes, ours <= target, [p.describe()])


def check_model_directional(p: Problem, settings: Settings) -> Outcome:
    import gradcheck

    verdicts = Verdicts()
    contenders: dict[str, Callable[[], object]] = {
        "ours": verdicts.keep(
            "ours",
            lambda: gradcheck.check_model(
                p.network, p.X, p.Y, mode="directional", progress_bar=False
            ),
        )
    }
    notes = []
    loss = torch_loss(p)
    if loss is not None:
        torch = torch_module()
        weights = torch_parameters(p)
        contenders["torch"] = verdicts.keep(
            "torch",
            lambda: torch.autograd.gradcheck(loss, weights, fast_mode=True, raise_exception=False),
        )
    else:
        notes.append(missing("torch gradcheck(fast_mode=True)", "torch"))
    jax_work = jax_check(p)
    if jax_work is not None:
        contenders["jax"] = verdicts.keep("jax", jax_work)
    else:
        notes.append(missing("jax check_grads", "jax"))
    figures = side_by_side(contenders, settings, rounds=3 * settings.rounds)
    labels = {
        "torch": "torch gradcheck(fast_mode=True)",
        "jax": "jax check_grads (jit, rev, order 1)",
    }
    peers = [
        figure(labels[name], seconds(figures[name]), verdicts.said(name))
        for name in contenders
        if name != "ours"
    ]
    passed = figures["ours"] <= figures["torch"] if "torch" in figures else None
    text = figure("", seconds(figures["ours"]), verdicts.said("ours"))
    return Outcome(text, peers + notes, passed, [p.describe()])


@functools.cache
def student() -> Any:
    """The Course's Week 4 assignment as a student writes it (tests/course)."""
    from tests.course import get

    return get("c1w4_deep_v3").load()


@functools.cache
def student_problem() -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """The student's own initialiser (`randn * 0.01`, zero biases) on `SMALL`, m = 32."""
    parameters = student().initialize_parameters_deep(SMALL)
    rng = np.random.default_rng(1)
    X = rng.standard_normal((SMALL[0], 32))
    Y = (rng.random((1, 32)) > 0.5).astype(np.float64)
    return parameters, X, Y


def student_cost(parameters: dict[str, np.ndarray]) -> float:
    course = student()
    _, X, Y = student_problem()
    AL, _ = course.L_model_forward(X, parameters)
    return float(course.compute_cost(AL, Y))


@functools.cache
def student_course_loop(peer_sample: int) -> tuple[float, np.ndarray, int]:
    """CPU seconds of the Course loop through the student's functions on the sample."""
    parameters, _, _ = student_problem()
    total = sum(value.size for value in parameters.values())
    indices = sample(total, peer_sample)
    course_loop(student_cost, parameters, indices[:10])  # warm up
    return cpu_seconds(lambda: course_loop(student_cost, parameters, indices)), indices, total


def check_functions_row(mode: str, settings: Settings) -> Outcome:
    import gradcheck

    course = student()
    parameters, X, Y = student_problem()
    verdicts = Verdicts()

    def check() -> object:
        return gradcheck.check_functions(
            forward=course.L_model_forward,
            cost=course.compute_cost,
            backward=course.L_model_backward,
            parameters=parameters,
            X=X,
            Y=Y,
            mode=mode,
            progress_bar=False,
        )

    ours = side_by_side({"ours": verdicts.keep("ours", check)}, settings)["ours"]
    loop, indices, total = student_course_loop(settings.peer_sample)
    loop_total = loop * total / indices.size
    peer = extrapolated("Course loop (the student's functions)", loop, indices, total, [])
    speedup = f"{loop_total / ours:.1f}x faster than the loop"
    ours_text = figure("", seconds(ours), [*verdicts.said("ours"), speedup])
    passed = loop_total / ours >= 5 if mode == "full" else ours <= 1.0
    notes = [f"c1w4_deep_v3 from tests/course, {SMALL}, m = 32, {total:,} parameters"]
    return Outcome(ours_text, [peer], passed, notes)


def models_row(settings: Settings) -> Outcome:
    from bench_models import by_hand, torch_pass_maker, with_models

    from models import DeepNetwork

    rng = np.random.default_rng(0)
    X = rng.standard_normal((SOFTMAX[0], 256))
    Y = np.eye(SOFTMAX[-1])[:, rng.integers(0, SOFTMAX[-1], size=256)]
    net = DeepNetwork(SOFTMAX, hidden="relu", output="softmax", seed=0)
    # The hand-written pass reads the network's own arrays (bench_models.py says why).
    params = {f"{kind}{layer.index}": getattr(layer, kind) for layer in net.dense for kind in "Wb"}
    ours, ref = with_models(net, X, Y), by_hand(params, X, Y)
    for key, value in ref.items():  # the same work: the same gradients
        np.testing.assert_allclose(ours[key], value, rtol=1e-10, atol=1e-12, err_msg=key)

    def repeated(work: Callable[[], object]) -> Callable[[], object]:
        return lambda: [work() for _ in range(10)]  # one round: 10 passes (~ms each)

    contenders = {
        "hand": repeated(lambda: by_hand(params, X, Y)),
        "ours": repeated(lambda: with_models(net, X, Y)),
    }
    torch_pass = torch_pass_maker(params, X, Y) if torch_module() is not None else None
    if torch_pass is not None:
        contenders["torch"] = repeated(torch_pass)
    figures = side_by_side(contenders, settings, rounds=6 * settings.rounds)
    hand = figures["hand"]
    peers = [f"hand-written numpy {seconds(hand / 10)} per pass"]
    if "torch" in figures:
        peers.append(
            f"torch float64 {seconds(figures['torch'] / 10)} ({figures['torch'] / hand:.2f}x)"
        )
    else:
        peers.append(missing("torch", "torch"))
    ratio = figures["ours"] / hand
    return Outcome(
        f"{ratio:.2f}x hand-written ({seconds(figures['ours'] / 10)})", peers, ratio <= 1.1
    )


def fit_row(batch_size: int, settings: Settings) -> Outcome:
    from bench_fit import LEARNING_RATE, data, hand_written_epoch, torch_epoch_maker

    from models import DeepNetwork

    X, Y = data()
    net = DeepNetwork(SOFTMAX, hidden="relu", output="softmax", seed=0)
    start = net.parameters()
    history = net.fit(X, Y, epochs=1, learning_rate=LEARNING_RATE, batch_size=batch_size, seed=0)
    _, cost = hand_written_epoch(start, X, Y, batch_size, seed=0)
    np.testing.assert_allclose(history[0], cost, rtol=1e-10)  # the same work
    seeds = itertools.count()

    def with_fit() -> object:
        net.set_parameters(start)
        return net.fit(
            X,
            Y,
            epochs=1,
            learning_rate=LEARNING_RATE,
            batch_size=batch_size,
            seed=next(seeds),
            progress=False,
        )

    contenders = {
        "hand": lambda: hand_written_epoch(start, X, Y, batch_size, next(seeds)),
        "ours": with_fit,
    }
    torch_epoch = torch_epoch_maker(start, X, Y, batch_size) if torch_module() else None
    if torch_epoch is not None:
        contenders["torch"] = torch_epoch
    # An epoch is ~0.2 s: twice the rounds, for a steadier median on a loaded machine.
    figures = side_by_side(contenders, settings, rounds=2 * settings.rounds)
    hand, ours = figures["hand"], figures["ours"]
    peers = [f"hand-written loop {seconds(hand)}"]
    passed = ours / hand <= 1.1
    if "torch" in figures:
        peers.append(f"torch float64 {seconds(figures['torch'])} ({figures['torch'] / hand:.2f}x)")
        passed = passed and ours < figures["torch"]
    else:
        peers.append(missing("torch", "torch") + "; judged on the loop alone")
    return Outcome(f"{ours / hand:.2f}x the loop ({seconds(ours)})", peers, passed)


def instrument_row(settings: Settings) -> Outcome:
    import dimcheck
    from tests.course import get

    plain, checked = (get("c1w4_deep_v3").load() for _ in range(2))
    dimcheck.instrument(checked, COURSE_STEP)
    rng = np.random.default_rng(1)
    X = rng.standard_normal((COURSE_STEP[0], 64))
    Y = (rng.random((1, 64)) > 0.5).astype(np.float64)
    start = plain.initialize_parameters_deep(COURSE_STEP)

    def steps(course: Any) -> Callable[[], object]:
        def run() -> None:
            parameters = start
            for _ in range(100):  # one round: 100 training steps (~0.1 ms each)
                AL, caches = course.L_model_forward(X, parameters)
                course.compute_cost(AL, Y)
                grads = course.L_model_backward(AL, Y, caches)
                parameters = course.update_parameters(parameters, grads, 0.0075)

        return run

    figures = side_by_side(
        {"plain": steps(plain), "ours": steps(checked)}, settings, rounds=4 * settings.rounds
    )
    ratio = figures["ours"] / figures["plain"]
    extra = (figures["ours"] - figures["plain"]) / 100
    return Outcome(
        f"{ratio:.2f}x the plain step (+{seconds(extra)} per step)",
        [f"the plain step {seconds(figures['plain'] / 100)}"],
        ratio <= 2.0,
        ["c1w4_deep_v3 from tests/course: forward, cost, backward, update"],
    )


def decorator_row(settings: Settings) -> Outcome:
    from bench_dimcheck import beartype_checked, linear_forward, linear_forward_asserts

    import dimcheck

    rng = np.random.default_rng(0)
    A, W, b = rng.standard_normal((4, 8)), rng.standard_normal((3, 4)), np.zeros((3, 1))
    variants: dict[str, tuple[Callable[..., Any], int]] = {
        "plain": (linear_forward, 500),
        "ours": (dimcheck.shapes(linear_forward), 500),
        "asserts": (linear_forward_asserts, 500),
    }
    with_beartype = beartype_checked()
    if with_beartype is not None:
        variants["beartype"] = (with_beartype, 20)
    # Many short rounds (about a millisecond each), each variant right after the other.
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(40 * settings.rounds):
        for name, (fn, number) in variants.items():
            timer = timeit.Timer(functools.partial(fn, A, W, b), timer=time.process_time)
            times[name].append(timer.timeit(number) / number)
    per_call = {name: statistics.median(values) for name, values in times.items()}
    plain = per_call["plain"]
    overhead = per_call["ours"] - plain
    peers = [f"hand-written asserts +{seconds(per_call['asserts'] - plain)}"]
    if "beartype" in per_call:
        peers.append(f"jaxtyping + beartype +{seconds(per_call['beartype'] - plain)}")
    else:
        peers.append(missing("jaxtyping + beartype", "beartype"))
    return Outcome(
        f"+{seconds(overhead)} per call",
        peers,
        overhead <= 2e-6,
        [f"linear_forward (4, 8), (3, 4), (3, 1); the undecorated call {seconds(plain)}"],
    )


@contextlib.contextmanager
def one_core() -> Iterator[str]:
    """Pin this process (and the peers it starts) to one CPU for the block."""
    if not hasattr(os, "sched_setaffinity"):
        yield "not pinned (no sched_setaffinity here)"
        return
    before = os.sched_getaffinity(0)
    cpu = min(before)
    os.sched_setaffinity(0, {cpu})
    try:
        yield f"pinned to CPU {cpu}"
    finally:
        os.sched_setaffinity(0, before)


def lint_speed_row(settings: Settings) -> Outcome:
    from bench_lint import _pyflakes, _ruff, _timed, _trees

    from dimcheck._lint import lint_paths

    paths = _trees()["stdlib Lib/"]
    lines = lint_paths(paths).lines  # also warms the file cache for everyone
    with one_core() as pinned:
        _, cpus = _timed(functools.partial(lint_paths, paths), max(2, settings.rounds // 2))
        rate = lines / statistics.median(cpus)
        peers = []
        for name, make, package in (
            ("pyflakes", _pyflakes, "pyflakes"),
            ("ruff --select F", _ruff, "ruff"),
        ):
            work = make(paths)
            if work is None:
                peers.append(missing(name, package))
                continue
            _, peer_cpus = _timed(work, 1)
            peers.append(f"{name} {lines / statistics.median(peer_cpus):,.0f} lines/s")
    return Outcome(
        f"{rate:,.0f} lines/s",
        peers,
        rate >= 100_000,
        [f"{lines:,} lines of the standard library's Lib/, one core ({pinned}), CPU time"],
    )


def lint_startup_row(settings: Settings) -> Outcome:
    from bench_lint import _run_times, _startup_env

    runs = 3 * settings.rounds
    with tempfile.TemporaryDirectory() as folder:
        one_line = Path(folder, "one_line.py")
        one_line.write_text("x = 1\n", encoding="utf-8")
        env = _startup_env(Path(folder, "pycache"))
        commands = {
            "ours": [sys.executable, "-m", "dimcheck", "lint", str(one_line)],
            "python -c pass": [sys.executable, "-c", "pass"],
        }
        if optional("pyflakes") is not None:
            commands["pyflakes"] = [sys.executable, "-m", "pyflakes", str(one_line)]
        _run_times(commands["ours"], env, 2)  # fills the bytecode cache, as an install does
        runs_of: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(runs):  # alternating, so that the machine's load hits all alike
            for name, command in commands.items():
                runs_of[name].extend(_run_times(command, env, 1))
    wall = {name: statistics.median(w for w, _ in times) for name, times in runs_of.items()}
    cpu = {name: statistics.median(c for _, c in times) for name, times in runs_of.items()}

    def figure(name: str) -> str:
        return f"{cpu[name]:.3f} s CPU ({wall[name]:.3f} s wall)"

    peers = [f"{name} {figure(name)}" for name in commands if name != "ours"]
    if "pyflakes" not in commands:
        peers.append(missing("pyflakes", "pyflakes"))
    # Judged on CPU time like every other row: on a loaded machine the wall clock
    # mostly counts the wait for a core (compare `python -c pass`).
    return Outcome(
        figure("ours"),
        peers,
        cpu["ours"] < 0.2,
        ["`python -m dimcheck lint one_line.py`, a fresh process with its bytecode cache"],
    )


# Run in a subprocess, so that its peak resident memory is the check's own.
MEMORY_PROBE = textwrap.dedent(
    """
    import os, resource, sys
    import numpy as np
    import gradcheck

    def status(field):
        with open("/proc/self/status") as lines:
            for line in lines:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
        raise LookupError(field)

    size, cap = int(sys.argv[1]), int(sys.argv[2])
    interpreter = status("VmRSS")
    # A safety cap on the address space: a check that needs far more than its target
    # fails here with MemoryError instead of pushing a shared machine into swap.
    limit = status("VmSize") + cap
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    rng = np.random.default_rng(0)
    rows = 10_000
    parameters = {
        "W1": rng.standard_normal((rows, size // rows - 1)),
        "b1": rng.standard_normal((rows, 1)),
    }
    gradients = {key: value.copy() for key, value in parameters.items()}  # of J below

    def cost(parameters):  # J = |theta|^2 / 2, without temporaries of theta's size
        return 0.5 * sum(float(np.einsum("ij,ij->", v, v)) for v in parameters.values())

    holding = status("VmRSS")
    try:
        report = gradcheck.check(cost, parameters, gradients, progress_bar=False)
        verdict = ("passed" if report.passed else "failed") + "," + report.mode
    except Exception as error:  # the cap's MemoryError, perhaps wrapped by the check
        chain = [error]
        while chain[-1].__cause__ or chain[-1].__context__:
            chain.append(chain[-1].__cause__ or chain[-1].__context__)
        if not any(isinstance(link, MemoryError) for link in chain):
            raise
        verdict = "MemoryError"
    # VmHWM, this program's own peak: ru_maxrss would also count the parent's memory,
    # which Linux carries over through fork and exec.
    peak = status("VmHWM")
    inputs = sum(v.nbytes for v in (*parameters.values(), *gradients.values()))
    print(interpreter, holding, peak, inputs, verdict)
    """
)

MEMORY_CONSTANT = 64 * 2**20  # bookkeeping that does not grow with the parameters


def memory_row(size: int, settings: Settings) -> Outcome:
    if size > 10**7 and settings.skip_huge:
        return Outcome("skipped (--skip-huge)", passed=None)
    params_bytes = size * 8
    # Target: the check's peak above the bare interpreter is at most 2x the parameters
    # (and their gradients, the 1.6 GB the issue names at 10^8) plus a constant.
    target = 2 * 2 * params_bytes + MEMORY_CONSTANT
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(size), str(2 * target)],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    if result.returncode != 0:
        tail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return Outcome(f"the probe failed: {tail}", passed=False, error=True)
    *numbers, verdict = result.stdout.split()
    interpreter, holding, peak, inputs = map(int, numbers)
    gib = 2**30
    if verdict == "MemoryError":
        ours = f"over {2 * target / gib:.1f} GiB (stopped by the probe's cap)"
        return Outcome(ours, passed=False, notes=[f"{wall:.0f} s"])
    above = peak - interpreter
    return Outcome(
        f"{above / gib:.2f} GiB peak, {above / inputs:.1f}x the {inputs / gib:.2f} GiB of "
        f"parameters and gradients (check {verdict.replace(',', ' in mode ')}, {wall:.0f} s)",
        [],
        above <= target,
        [
            "gradcheck.check, mode auto, J = |θ|²/2; resident memory above the interpreter",
            f"the check's own: {(peak - holding) / gib:.2f} GiB above the inputs "
            f"({(peak - holding) / (size * 8):.1f}x the parameters)",
        ],
    )


ROWS = (
    Row(
        "full-small",
        "`check_model`, full, `[784, 64, 32, 1]`, m = 32",
        "`check_model`, full, `[784, 64, 32, 1]`, m = 32",
        "≤ 0.1 s",
        lambda s: check_model_full(problem(tuple(SMALL), "sigmoid", 32), 0.1, s, peers=True),
    ),
    Row(
        "directional-small",
        "`check_model`, directional, same net",
        "`check_model`, directional, same net",
        "≤ torch fast mode",
        lambda s: check_model_directional(problem(tuple(SMALL), "sigmoid", 32), s),
    ),
    Row(
        "directional-softmax",
        "`check_model`, directional, `[784, 128, 64, 10]`, m = 64",
        "`check_model`, directional, `[784, 128, 64, 10]` softmax, m = 64",
        "≤ torch fast mode",
        lambda s: check_model_directional(problem(tuple(SOFTMAX), "softmax", 64), s),
    ),
    Row(
        "full-softmax",
        "`check_model`, full, `[784, 128, 64, 10]`, m = 64",
        "`check_model`, full, `[784, 128, 64, 10]` softmax, m = 64",
        "≤ 1.5 s",
        lambda s: check_model_full(problem(tuple(SOFTMAX), "softmax", 64), 1.5, s, peers=False),
    ),
    Row(
        "functions-full",
        "`check_functions` (student code), full, `[784, 64, 32, 1]`",
        "`check_functions` (student code), full, `[784, 64, 32, 1]`, m = 32",
        "≥ 5x faster than the Course loop",
        lambda s: check_functions_row("full", s),
    ),
    Row(
        "functions-auto",
        "`check_functions` (student code), full, `[784, 64, 32, 1]`",
        "`check_functions` (student code), `auto`, same network",
        "≤ 1 s",
        lambda s: check_functions_row("auto", s),
    ),
    Row(
        "models",
        "`models` forward+backward, `[784, 128, 64, 10]`, m = 256",
        "`models` forward+backward, `[784, 128, 64, 10]`, m = 256",
        "≤ 1.1x hand-written numpy",
        models_row,
    ),
    *(
        Row(
            f"fit-{batch}",
            "one `fit` epoch, m = 10,000, batch 64",
            f"one `fit` epoch, m = 10,000, batch {batch}",
            "≤ 1.1x the loop, faster than torch",
            functools.partial(fit_row, batch),
        )
        for batch in (64, 128, 256)
    ),
    Row(
        "instrument",
        "`dimcheck.instrument`, one training step, `[20, 7, 5, 3, 1]`, m = 64",
        "`dimcheck.instrument`, one Course training step, `[20, 7, 5, 3, 1]`, m = 64",
        "≤ 2x the plain step",
        instrument_row,
    ),
    Row(
        "decorator",
        "`@dimcheck.shapes` per call",
        "`@dimcheck.shapes` per call",
        "≤ 2 µs",
        decorator_row,
    ),
    Row(
        "lint-speed",
        "`dimcheck lint`, the standard library",
        "`dimcheck lint`, the standard library",
        "≥ 100,000 lines/s",
        lint_speed_row,
    ),
    Row(
        "lint-startup",
        "`dimcheck lint`, the standard library",
        "`dimcheck lint` start-up, a one-line file",
        "< 0.2 s",
        lint_startup_row,
    ),
    *(
        Row(
            f"memory-1e{exponent}",
            "`check()` on 10^8 parameters (1.6 GB)",
            f"`check()` on 10^{exponent} parameters, peak memory",
            "≤ 2x parameters and gradients + 64 MiB",
            functools.partial(memory_row, 10**exponent),
        )
        for exponent in (7, 8)
    ),
)


# -- running and printing ------------------------------------------------------------------


def verdict(outcome: Outcome) -> str:
    if outcome.error:
        return "ERROR"
    return {True: "PASS", False: "FAIL", None: "SKIP"}[outcome.passed]


def measured(row: Row, settings: Settings) -> Outcome:
    """The row's outcome; a row that raises is reported (and fails), the others still run."""
    try:
        return row.measure(settings)
    except Exception as error:
        traceback.print_exc()
        text = f"could not be measured: {type(error).__name__}: {error}"
        return Outcome(text, passed=False, error=True)


def machine() -> str:
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, numpy {np.__version__}, one BLAS thread, "
        f"load average {load}"
    )


def markdown(results: list[tuple[Row, Outcome]], header: str, settings: Settings) -> str:
    lines = [
        f"Measured by `python benchmarks/bench_table.py` on {header}; medians of up to "
        f"{settings.rounds} rounds of CPU time, peers in the same run.",
        "",
        "| work | ours | peers on the same work | target | |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row, outcome in results:
        peers = " · ".join(outcome.peers) or "—"
        lines.append(
            f"| {row.work} | {outcome.ours} | {peers} | {row.target} | {verdict(outcome)} |"
        )
    return "\n".join(lines)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="rows: " + ", ".join(row.key for row in ROWS),
    )
    parser.add_argument("--quick", action="store_true", help="fewer rounds and a smaller sample")
    parser.add_argument(
        "--rows",
        nargs="+",
        metavar="KEY",
        help="only these rows (a key, or its start: 'fit' is fit-64, fit-128 and fit-256)",
    )
    parser.add_argument("--markdown", action="store_true", help="print the README's table")
    parser.add_argument("--skip-huge", action="store_true", help="skip the 10^8 memory row")
    parser.add_argument("--rounds", type=int, help="rounds of the fast contenders")
    parser.add_argument(
        "--peer-sample", type=int, help="coordinates the per-coordinate peers are timed on"
    )
    parser.add_argument("--list", action="store_true", help="list the rows, measure nothing")
    return parser.parse_args(argv)


def selected(keys: list[str] | None) -> list[Row]:
    if not keys:
        return list(ROWS)
    rows = []
    for key in keys:
        matching = [row for row in ROWS if row.key == key or row.key.startswith(key + "-")]
        if not matching:
            known = ", ".join(row.key for row in ROWS)
            raise SystemExit(f"bench_table.py: no row {key!r}; the rows are: {known}")
        rows.extend(row for row in matching if row not in rows)
    return rows


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    rows = selected(args.rows)
    if args.list:
        for row in rows:
            print(f"{row.key:20} {row.work}  (target {row.target})")
        return 0
    settings = Settings(
        rounds=args.rounds or (2 if args.quick else 5),
        peer_sample=args.peer_sample or (300 if args.quick else 1000),
        budget=3.0 if args.quick else 10.0,
        skip_huge=args.skip_huge,
    )
    header = machine()
    print(header, flush=True)
    results = []
    for row in rows:
        print(f"\n[{row.key}] {row.work}", flush=True)
        outcome = measured(row, settings)
        print(f"  ours: {outcome.ours}")
        for line in [*outcome.peers, *outcome.notes]:
            print(f"  {line}")
        print(f"  target {row.target}: {verdict(outcome)}", flush=True)
        results.append((row, outcome))
    print("\nsummary")
    for row, outcome in results:
        print(f"  {verdict(outcome):5}  {row.key:20} {outcome.ours}  (target {row.target})")
    print(f"load average at the end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    if args.markdown:
        print()
        print(markdown(results, header, settings))
    return 1 if any(outcome.passed is False for _, outcome in results) else 0


if __name__ == "__main__":
    sys.exit(main())
