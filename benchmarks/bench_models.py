"""One forward+backward pass of DeepNetwork([784, 128, 64, 10], relu, softmax) at m = 256
against a plain hand-written numpy version of the same network, measured side by side.

Run: `python benchmarks/bench_models.py [--repeats N]`. Prints the minimum time per
pass of each (minimum over repeats: the least disturbed run on a shared machine) and
their ratio; the target is a ratio of at most 1.2 with the `@dimcheck.shapes`
decorators in place. Exits 1 if the target is missed.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

import dimcheck
from models import DeepNetwork

LAYER_DIMS = [784, 128, 64, 10]
M = 256
TARGET = 1.2


def by_hand(params: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray) -> dict[str, np.ndarray]:
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
    dA0 = W1.T @ dZ1
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3, "dA0": dA0}


def with_models(net: DeepNetwork, X: np.ndarray, Y: np.ndarray) -> dict[str, np.ndarray]:
    AL, caches = net.forward(X)
    return net.backward(AL, Y, caches)


def best_of(fn, repeats: int, number: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--number", type=int, default=10, help="passes per timed repeat")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    X = rng.standard_normal((LAYER_DIMS[0], M))
    Y = np.eye(LAYER_DIMS[-1])[:, rng.integers(0, LAYER_DIMS[-1], size=M)]
    net = DeepNetwork(LAYER_DIMS, hidden="relu", output="softmax", seed=0)
    params = net.parameters()

    ours = with_models(net, X, Y)
    ref = by_hand(params, X, Y)
    for key, value in ref.items():
        np.testing.assert_allclose(ours[key], value, rtol=1e-10, atol=1e-12, err_msg=key)

    # Interleave the two so that a slow spell of the shared machine hits both.
    hand_times, model_times, off_times = [], [], []
    for _ in range(args.repeats):
        hand_times.append(best_of(lambda: by_hand(params, X, Y), 1, args.number))
        model_times.append(best_of(lambda: with_models(net, X, Y), 1, args.number))
        dimcheck.disable()
        off_times.append(best_of(lambda: with_models(net, X, Y), 1, args.number))
        dimcheck.enable()
    hand, model, off = min(hand_times), min(model_times), min(off_times)
    ratio = model / hand
    print(f"DeepNetwork({LAYER_DIMS}, hidden='relu', output='softmax'), m = {M}")
    print(f"hand-written numpy forward+backward: {hand * 1e3:8.3f} ms")
    print(f"models forward+backward (dimcheck on): {model * 1e3:8.3f} ms  ratio {ratio:.3f}")
    print(f"models forward+backward (dimcheck off): {off * 1e3:8.3f} ms  ratio {off / hand:.3f}")
    verdict = "OK" if ratio <= TARGET else "MISSED"
    print(f"target: ratio <= {TARGET}: {verdict}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
