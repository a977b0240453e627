"""gradcheck's speed, memory and precision, measured in one run and printed.

    python benchmarks/bench_gradcheck.py              # speed and memory
    python benchmarks/bench_gradcheck.py --precision  # and the choice of eps
    python benchmarks/bench_gradcheck.py --peers      # only check_model beside torch and jax

Peers: `check_model` in every mode beside torch's `gradcheck` on the same
network, parameters and data (float64, one thread): fast mode (one random
direction per parameter) beside our directional and `auto`, slow mode (every
coordinate, timed on a seeded sample and extrapolated) beside our full; and
jax's `check_grads` (jit) when jax is importable. The contenders take turns
round by round and each figure is the median CPU time (`time.process_time`),
so that a busy spell of the shared machine hits them alike. Targets (issue 14):
directional at most torch fast mode; full at most 0.1 s on `[784, 64, 32, 1]`,
m = 32, and 1.5 s on `[784, 128, 64, 10]` softmax, m = 64. A peer that is not
installed is skipped with a note.

Speed: a full `gradcheck.check_model` of `DeepNetwork([784, 64, 32, 1])` with
m = 32 (52,353 parameters) and of `[20, 16, 8, 1]` with m = 64, against the
Course's per-coordinate loop (`gradient_check_n`: copy the parameter vector,
perturb one entry, rebuild the dict, run a forward pass; twice per
coordinate) on the same network, parameters and data. On the large network
the loop is timed on a seeded sample of coordinates and extrapolated (it says
so). An in-place loop (no vector copies) is timed too, as a stricter baseline.
Targets: 50x on the large network, 5x on the small one, same verdict.

Memory: the peak traced by tracemalloc during the check, for several chunk
budgets, next to what the stacked copies would take unchunked.

Precision: the worst relative difference of correct implementations for
several steps eps, and of planted factor-2 and factor-4 bugs.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path

# One BLAS thread for both sides: on a shared 2-core machine a multithreaded
# BLAS under contention slows the per-coordinate loop erratically, which would
# flatter the speedups. Set before numpy is imported.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402

import gradcheck  # noqa: E402
import models  # noqa: E402
from gradcheck._bands import EPS, FAIL_LINE, PASS_LINE  # noqa: E402

HERE = Path(__file__).resolve().parent


def problem(layer_dims: list[int], m: int, seed: int = 0):
    network = models.DeepNetwork(layer_dims, hidden="relu", output="sigmoid", seed=seed)
    rng = np.random.default_rng(seed + 1)
    X = rng.standard_normal((layer_dims[0], m))
    Y = (rng.random((layer_dims[-1], m)) > 0.5).astype(np.float64)
    return network, X, Y


# -- the Course's gradient_check_n, for an L-layer ReLU network ----------------


def dictionary_to_vector(parameters: dict[str, np.ndarray]) -> tuple[np.ndarray, list]:
    keys = list(parameters)
    vector = np.concatenate([parameters[k].reshape(-1, 1) for k in keys])
    return vector, [(k, parameters[k].shape) for k in keys]


def vector_to_dictionary(theta: np.ndarray, layout: list) -> dict[str, np.ndarray]:
    parameters, start = {}, 0
    for key, shape in layout:
        size = int(np.prod(shape))
        parameters[key] = theta[start : start + size].reshape(shape)
        start += size
    return parameters


def forward_propagation_n(X: np.ndarray, Y: np.ndarray, parameters: dict) -> float:
    L = len(parameters) // 2
    A = X
    for l in range(1, L):  # noqa: E741 (the Course's layer index)
        A = np.maximum(0, parameters["W" + str(l)] @ A + parameters["b" + str(l)])
    AL = 1 / (1 + np.exp(-(parameters["W" + str(L)] @ A + parameters["b" + str(L)])))
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)


def course_loop(X, Y, parameters, indices, eps):
    """The Course's loop over `indices`: two forward passes per coordinate."""
    theta, layout = dictionary_to_vector(parameters)
    approx = np.empty(len(indices))
    for position, i in enumerate(indices):
        thetaplus = np.copy(theta)
        thetaplus[i][0] = thetaplus[i][0] + eps
        J_plus = forward_propagation_n(X, Y, vector_to_dictionary(thetaplus, layout))
        thetaminus = np.copy(theta)
        thetaminus[i][0] = thetaminus[i][0] - eps
        J_minus = forward_propagation_n(X, Y, vector_to_dictionary(thetaminus, layout))
        approx[position] = (J_plus - J_minus) / (2 * eps)
    return approx


def in_place_loop(X, Y, parameters, indices, eps):
    """The same loop without the vector copies: perturb in place and restore."""
    params = {k: v.copy() for k, v in parameters.items()}
    flats = [(k, params[k].reshape(-1)) for k in params]
    offsets = np.cumsum([0] + [f.size for _, f in flats])
    approx = np.empty(len(indices))
    for position, i in enumerate(indices):
        which = int(np.searchsorted(offsets, i, side="right") - 1)
        flat, j = flats[which][1], i - offsets[which]
        original = flat[j]
        flat[j] = original + eps
        J_plus = forward_propagation_n(X, Y, params)
        flat[j] = original - eps
        J_minus = forward_propagation_n(X, Y, params)
        flat[j] = original
        approx[position] = (J_plus - J_minus) / (2 * eps)
    return approx


def loop_verdict(numeric: np.ndarray, analytic: np.ndarray) -> tuple[float, bool]:
    difference = float(
        np.linalg.norm(analytic - numeric) / (np.linalg.norm(analytic) + np.linalg.norm(numeric))
    )
    return difference, difference < PASS_LINE


def speed(layer_dims: list[int], m: int, sample: int | None, repeats: int) -> None:
    network, X, Y = problem(layer_dims, m)
    parameters = network.parameters()
    AL, caches = network.forward(X)
    grads = network.backward(AL, Y, caches)
    analytic, _ = dictionary_to_vector({k: grads["d" + k] for k in parameters})
    total = analytic.shape[0]
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        report = gradcheck.check_model(network, X, Y, mode="full", progress_bar=False)
        timings.append(time.perf_counter() - start)
    fast = min(timings)
    rng = np.random.default_rng(0)
    if sample is None or sample >= total:
        indices = np.arange(total)
        how = f"all {total} coordinates"
    else:
        indices = np.sort(rng.choice(total, size=sample, replace=False))
        how = f"a seeded sample of {sample} of {total} coordinates, extrapolated"
    # Every side is timed best of `repeats`, so the machine's load flatters none.
    course, in_place = float("inf"), float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        numeric = course_loop(X, Y, parameters, indices, EPS)
        course = min(course, (time.perf_counter() - start) * total / indices.size)
        start = time.perf_counter()
        in_place_loop(X, Y, parameters, indices, EPS)
        in_place = min(in_place, (time.perf_counter() - start) * total / indices.size)
    difference, loop_passed = loop_verdict(numeric, analytic[indices, 0])
    print(f"DeepNetwork({layer_dims}), m = {m}: {total} parameters")
    print(f"  gradcheck.check_model, mode full:  {fast:8.3f} s  (best of {repeats})")
    print(f"  the Course's loop ({how}, best of {repeats}): {course:8.3f} s")
    print(f"  an in-place loop (same coordinates):  {in_place:8.3f} s")
    print(f"  speedup vs the Course's loop:  {course / fast:7.1f}x")
    print(f"  speedup vs the in-place loop:  {in_place / fast:7.1f}x")
    print(
        f"  verdicts: check_model {'PASSED' if report.passed else 'FAILED'} "
        f"(difference {report.difference:.1e}), loop "
        f"{'PASSED' if loop_passed else 'FAILED'} (difference {difference:.1e}), "
        f"{'the same' if loop_passed == report.passed else 'DIFFERENT'}"
    )


# -- beside torch and jax -------------------------------------------------------


def peer_problem(layer_dims: list[int], m: int, output: str):
    """`DeepNetwork(layer_dims)`, ReLU hidden layers, seeded, with seeded data."""
    network = models.DeepNetwork(layer_dims, hidden="relu", output=output, seed=0)
    rng = np.random.default_rng(1)
    X = rng.standard_normal((layer_dims[0], m))
    if output == "softmax":
        Y = np.eye(layer_dims[-1])[:, rng.integers(0, layer_dims[-1], size=m)]
    else:
        Y = (rng.random((layer_dims[-1], m)) > 0.5).astype(np.float64)
    return network, X, Y


def torch_peers(network, X, Y, output: str, sample: np.ndarray):
    """torch's fast and slow `gradcheck` on the network's cost, or `None` without torch."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    F = torch.nn.functional
    tX, tY = torch.from_numpy(X), torch.from_numpy(Y)
    parameters = network.parameters()
    m = X.shape[1]

    def loss(*weights):
        A = tX
        pairs = list(zip(weights[::2], weights[1::2], strict=True))
        for index, (W, b) in enumerate(pairs):
            Z = W @ A + b
            A = torch.relu(Z) if index < len(pairs) - 1 else Z
        if output == "softmax":
            return -(tY * torch.log_softmax(A, dim=0)).sum() / m
        return F.binary_cross_entropy_with_logits(A, tY, reduction="sum") / m

    weights = tuple(torch.tensor(value, requires_grad=True) for value in parameters.values())
    theta = torch.cat([w.detach().reshape(-1) for w in weights])
    sizes = [w.numel() for w in weights]
    shapes = [tuple(w.shape) for w in weights]
    where = torch.from_numpy(sample)

    def on_sample(values):
        # The slow mode's work on the sampled coordinates only: two costs per coordinate.
        parts = torch.split(theta.index_put((where,), values), sizes)
        return loss(*(part.reshape(shape) for part, shape in zip(parts, shapes, strict=True)))

    start = theta[where].clone().requires_grad_(True)
    # torch's eps 1e-6 (its default) and tolerances; it raises nothing, says True or False.
    return (
        lambda: torch.autograd.gradcheck(loss, weights, fast_mode=True, raise_exception=False),
        lambda: torch.autograd.gradcheck(on_sample, (start,), raise_exception=False),
    )


def jax_peer(network, X, Y, output: str):
    """jax's `check_grads` (jit, reverse mode, order 1), or `None` without jax."""
    try:
        import jax
        import jax.numpy as jnp
        from jax.test_util import check_grads
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    jX, jY = jnp.asarray(X), jnp.asarray(Y)
    m = X.shape[1]

    @jax.jit
    def loss(weights):
        A = jX
        pairs = list(zip(weights[::2], weights[1::2], strict=True))
        for index, (W, b) in enumerate(pairs):
            Z = W @ A + b
            A = jax.nn.relu(Z) if index < len(pairs) - 1 else Z
        if output == "softmax":
            return -jnp.sum(jY * jax.nn.log_softmax(A, axis=0)) / m
        return -jnp.sum(jY * jax.nn.log_sigmoid(A) + (1 - jY) * jax.nn.log_sigmoid(-A)) / m

    weights = tuple(jnp.asarray(value) for value in network.parameters().values())

    def run() -> bool:
        try:  # eps as torch's: 1e-4 along a random direction crosses ReLU kinks
            check_grads(loss, (weights,), order=1, modes=("rev",), eps=1e-6)
        except AssertionError:
            return False
        return True

    return run


def side_by_side(contenders: dict, rounds: int) -> tuple[dict[str, float], dict[str, bool]]:
    """Median CPU seconds of each contender, taking turns round by round, and its verdict."""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    said: dict[str, bool] = {}
    for name, work in contenders.items():
        said[name] = bool(getattr(work(), "passed", True))  # warm-up: imports, jit, caches
    for _ in range(rounds):
        for name, work in contenders.items():
            start = time.process_time()
            result = work()
            times[name].append(time.process_time() - start)
            said[name] = bool(getattr(result, "passed", result))
    return {name: float(np.median(t)) for name, t in times.items()}, said


def peers(rounds: int, sample_size: int) -> None:
    cases = [([784, 64, 32, 1], 32, "sigmoid", 0.1), ([784, 128, 64, 10], 64, "softmax", 1.5)]
    for layer_dims, m, output, full_target in cases:
        network, X, Y = peer_problem(layer_dims, m, output)
        total = sum(value.size for value in network.parameters().values())
        sample = np.sort(np.random.default_rng(0).choice(total, sample_size, replace=False))
        print(f"DeepNetwork({layer_dims}), {output}, m = {m}: {total:,} parameters")

        def ours(mode: str, network=network, X=X, Y=Y):
            return lambda: gradcheck.check_model(network, X, Y, mode=mode, progress_bar=False)

        quick = {"directional": ours("directional")}
        slow = {"full": ours("full"), "auto": ours("auto")}
        notes = []
        found = torch_peers(network, X, Y, output, sample)
        if found is None:
            notes.append("torch: not installed, skipped (pip install torch)")
        else:
            quick["torch fast mode"], slow["torch slow mode"] = found
        jax_work = jax_peer(network, X, Y, output)
        if jax_work is None:
            notes.append("jax: not installed, skipped (pip install jax)")
        else:
            quick["jax check_grads (jit)"] = jax_work
        figures, said = side_by_side(quick, 5 * rounds)
        more, more_said = side_by_side(slow, rounds)
        figures.update(more)
        said.update(more_said)
        if "torch slow mode" in figures:
            figures["torch slow mode"] *= total / sample_size  # extrapolated
        for name, figure in figures.items():
            verdict = "passed" if said[name] else "reported a mismatch"
            extra = (
                f"  (timed on {sample_size} seeded coordinates, extrapolated)"
                if name == "torch slow mode"
                else ""
            )
            print(f"  {name:<24}{figure * 1000:10.1f} ms  {verdict}{extra}")
        for note in notes:
            print(f"  {note}")
        if "torch fast mode" in figures:
            ratio = figures["directional"] / figures["torch fast mode"]
            print(
                f"  directional / torch fast mode: {ratio:.2f}  (target <= 1: "
                f"{'PASS' if ratio <= 1 else 'FAIL'})"
            )
        print(
            f"  full: {figures['full']:.3f} s  (target <= {full_target} s: "
            f"{'PASS' if figures['full'] <= full_target else 'FAIL'})"
        )
        print()


def memory() -> None:
    network, X, Y = problem([784, 64, 32, 1], 32)
    total = sum(p.size for p in network.parameters().values())
    unchunked = 2 * total * 4 * 64 * 32 * 8
    print("peak memory of check_model on DeepNetwork([784, 64, 32, 1]), m = 32 (tracemalloc):")
    # The first check of a process maps and frees one unwritten 16 MiB block (see
    # gradcheck._stacks.reuse_freed_memory): no resident memory, but tracemalloc counts it.
    from gradcheck._stacks import reuse_freed_memory

    reuse_freed_memory()
    for budget in (1 * 2**20, 4 * 2**20, 8 * 2**20, 32 * 2**20, 128 * 2**20):
        tracemalloc.start()
        gradcheck.check_model(network, X, Y, mode="full", memory=budget, progress_bar=False)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  chunk budget {budget / 2**20:5.0f} MiB: peak {peak / 2**20:7.1f} MiB")
    print(f"  all {2 * total} perturbed copies stacked at once: ~{unchunked / 2**30:.1f} GiB")
    print(
        f"  (the rest is bookkeeping that grows with the {total} parameters: copies of the "
        "parameters and gradients, the numerical values, the noise directions)"
    )


def precision() -> None:
    sys.path.insert(0, str(HERE.parent))  # the Course corpus in tests/course
    from tests.course import DEEP_BY_HIDDEN, deep_parameters, deep_problem, get

    def course(hidden: str, bug: str = ""):
        return get(DEEP_BY_HIDDEN[hidden] + (f"__{bug}" if bug else "")).load()

    cases = [
        ("relu", [5, 4, 3, 1], 7),
        ("tanh", [5, 4, 3, 1], 7),
        ("sigmoid", [5, 4, 3, 1], 7),
        ("leaky_relu", [6, 5, 4, 3, 1], 7),
        ("tanh", [4, 4, 4, 1], 7),
        ("tanh", [20, 16, 8, 1], 64),
        ("relu", [20, 16, 8, 1], 64),
    ]
    print("worst relative difference over correct implementations (3 seeds each):")
    print(f"  {'eps':>8}  {'correct':>9}  {'factor 2':>9}  {'factor 4':>9}")
    for eps in (1e-7, 1e-6, 1e-5, 3e-5, 1e-4):
        worst = 0.0
        for hidden, dims, m in cases:
            for seed in range(3):
                fns = course(hidden)
                params = deep_parameters(dims, seed)
                X, Y = deep_problem(dims, m, seed)
                report = gradcheck.check_functions(
                    forward=fns.L_model_forward,
                    cost=fns.compute_cost,
                    backward=fns.L_model_backward,
                    parameters=params,
                    X=X,
                    Y=Y,
                    eps=eps,
                    mode="full",
                )
                worst = max(worst, max(report.errors.values()))
        bugs = []
        for bug in ("dW2_doubled", "dW1_times_4"):
            fns = course("relu" if bug == "dW2_doubled" else "tanh", bug)
            dims = [5, 4, 3, 1]
            params = deep_parameters(dims)
            X, Y = deep_problem(dims)
            report = gradcheck.check_functions(
                forward=fns.L_model_forward,
                cost=fns.compute_cost,
                backward=fns.L_model_backward,
                parameters=params,
                X=X,
                Y=Y,
                eps=eps,
            )
            bugs.append(max(report.errors.values()))
        print(f"  {eps:8.0e}  {worst:9.1e}  {bugs[0]:9.1e}  {bugs[1]:9.1e}")
    print(f"  bands: ok below {PASS_LINE:.0e}, wrong from {FAIL_LINE:.0e}; default eps {EPS:.0e}")


def main() -> None:
    print(f"BLAS threads: {os.environ['OPENBLAS_NUM_THREADS']}, numpy {np.__version__}")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--precision", action="store_true", help="also measure the choice of eps")
    parser.add_argument("--sample", type=int, default=2000, help="loop sample on the big network")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--peers", action="store_true", help="only check_model beside peers")
    parser.add_argument("--peer-sample", type=int, default=200, help="torch slow-mode sample")
    args = parser.parse_args()
    if args.peers:
        peers(args.repeats, args.peer_sample)
        return
    speed([784, 64, 32, 1], 32, args.sample, args.repeats)
    print()
    speed([20, 16, 8, 1], 64, None, args.repeats)
    print()
    memory()
    if args.precision:
        print()
        precision()


if __name__ == "__main__":
    main()
