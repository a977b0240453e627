"""One forward+backward pass of DeepNetwork([784, 128, 64, 10], relu, softmax) at m = 256
against a plain hand-written numpy version of the same network, measured side by side.

Run: `python benchmarks/bench_models.py [--repeats N]`. Prints the minimum CPU time
per pass of each (minimum over interleaved repeats: the least disturbed run on a
shared machine) and their ratio. Neither side computes `dA[0] = W[1].T @ dZ[1]`,
which training never uses (`backward` leaves it out unless asked with `dA0=True`;
that variant is printed too, against the hand-written pass that computes it). The
target is a ratio of at most 1.1 with the `@dimcheck.shapes` checks on; torch
float64 on CPU (optional, benchmark-only: `pip install torch`) is printed beside
them, or skipped with a note. One BLAS thread for everyone (set before numpy is
imported): a multithreaded BLAS on a shared 2-core machine times contention.
Exits 1 if the target is missed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402

import dimcheck  # noqa: E402
from models import DeepNetwork  # noqa: E402

LAYER_DIMS = [784, 128, 64, 10]
M = 256
TARGET = 1.1


def by_hand(
    params: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray, dA0: bool = False
) -> dict[str, np.ndarray]:
    """The same network written out: ReLU, ReLU, softmax, cross-entropy, fused dZ3 = A3 - Y."""
    W1, b1, W2, b2, W3, b3 = (params[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    m = X.shape[1]
    Z1 = W1 @ X + b1
    A1 = np.maximum(Z1, 0)
    Z2 = W2 @ A1 + b2
    A2 = np.maximum(Z2, 0)
    Z3 = W3 @ A2 + b3
    E = np.exp(Z3 - Z3.max(axis=0, keepdims=True))
    A3 = E / E.sum(axis=0, keepdims=True)
    dZ3 = A3 - Y
    dW3 = dZ3 @ A2.T / m
    db3 = dZ3.sum(axis=1, keepdims=True) / m
    dA2 = W3.T @ dZ3
    dZ2 = dA2 * (Z2 > 0)
    dW2 = dZ2 @ A1.T / m
    db2 = dZ2.sum(axis=1, keepdims=True) / m
    dA1 = W2.T @ dZ2
    dZ1 = dA1 * (Z1 > 0)
    dW1 = dZ1 @ X.T / m
    db1 = dZ1.sum(axis=1, keepdims=True) / m
    grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}
    if dA0:
        grads["dA0"] = W1.T @ dZ1
    return grads


def with_models(
    net: DeepNetwork, X: np.ndarray, Y: np.ndarray, dA0: bool = False
) -> dict[str, np.ndarray]:
    AL, caches = net.forward(X)
    return net.backward(AL, Y, caches, dA0=dA0)


def torch_pass_maker(
    params: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray
) -> Callable[[], object] | None:
    """Forward+backward of the same network in torch float64, or `None` without torch."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    weights = []
    for l in range(1, len(LAYER_DIMS)):  # noqa: E741 (the Course's layer index)
        W = torch.tensor(params[f"W{l}"], requires_grad=True)
        b = torch.tensor(params[f"b{l}"].ravel(), requires_grad=True)
        weights.append((W, b))
    inputs = torch.from_numpy(np.ascontiguousarray(X.T))  # torch takes examples as rows
    labels = torch.from_numpy(Y.argmax(axis=0))

    def one_pass() -> object:
        A = inputs
        for l, (W, b) in enumerate(weights, start=1):  # noqa: E741
            A = torch.nn.functional.linear(A, W, b)
            if l < len(weights):
                A = torch.relu(A)
        loss = torch.nn.functional.cross_entropy(A, labels)
        return torch.autograd.grad(loss, [p for pair in weights for p in pair])

    return one_pass


def best_of(fn: Callable[[], object], repeats: int, number: int) -> float:
    """The least CPU time per call of `fn` over `repeats` runs of `number` calls.

    CPU time (`time.process_time`), not wall time: on a shared machine the wall
    clock also counts the time spent waiting for a core.
    """
    times = []
    for _ in range(repeats):
        start = time.process_time()
        for _ in range(number):
            fn()
        times.append((time.process_time() - start) / number)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--number", type=int, default=10, help="passes per timed repeat")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    X = rng.standard_normal((LAYER_DIMS[0], M))
    Y = np.eye(LAYER_DIMS[-1])[:, rng.integers(0, LAYER_DIMS[-1], size=M)]
    net = DeepNetwork(LAYER_DIMS, hidden="relu", output="softmax", seed=0)
    # The hand-written pass reads the network's own arrays: the same memory, so
    # that neither side pays for the other's cache misses.
    params = {f"{kind}{layer.index}": getattr(layer, kind) for layer in net.dense for kind in "Wb"}

    for dA0 in (False, True):
        ours = with_models(net, X, Y, dA0)
        ref = by_hand(params, X, Y, dA0)
        assert sorted(ours) == sorted([*ref, "dA1", "dA2"]), sorted(ours)
        for key, value in ref.items():
            np.testing.assert_allclose(ours[key], value, rtol=1e-10, atol=1e-12, err_msg=key)
    torch_pass = torch_pass_maker(params, X, Y)

    # Interleave them so that a slow spell of the shared machine hits all.
    runs: dict[str, Callable[[], object]] = {
        "hand": lambda: by_hand(params, X, Y),
        "models": lambda: with_models(net, X, Y),
        "hand_dA0": lambda: by_hand(params, X, Y, True),
        "models_dA0": lambda: with_models(net, X, Y, True),
    }
    if torch_pass is not None:
        runs["torch"] = torch_pass
    times: dict[str, list[float]] = {key: [] for key in [*runs, "off"]}
    for _ in range(args.repeats):
        for key, run in runs.items():
            times[key].append(best_of(run, 1, args.number))
        dimcheck.disable()
        try:
            times["off"].append(best_of(runs["models"], 1, args.number))
        finally:
            dimcheck.enable()
    best = {key: min(values) for key, values in times.items()}
    hand = best["hand"]
    ratio = best["models"] / hand
    print(f"DeepNetwork({LAYER_DIMS}, hidden='relu', output='softmax'), m = {M}, one BLAS thread")
    print(f"hand-written numpy forward+backward:    {hand * 1e3:8.3f} ms")
    print(
        f"models (dimcheck on):                   {best['models'] * 1e3:8.3f} ms  ratio {ratio:.3f}"
    )
    print(
        f"models (dimcheck off):                  {best['off'] * 1e3:8.3f} ms  "
        f"ratio {best['off'] / hand:.3f}"
    )
    print(
        f"with dA[0]: hand-written {best['hand_dA0'] * 1e3:.3f} ms, models "
        f"{best['models_dA0'] * 1e3:.3f} ms, ratio {best['models_dA0'] / best['hand_dA0']:.3f}"
    )
    if "torch" in best:
        print(
            f"torch float64 (CPU, autograd):          {best['torch'] * 1e3:8.3f} ms  "
            f"ratio {best['torch'] / hand:.3f}"
        )
    else:
        print("torch is not installed: its row is skipped (pip install torch to compare)")
    verdict = "OK" if ratio <= TARGET else "MISSED"
    print(f"target: models / hand-written <= {TARGET}: {verdict}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
