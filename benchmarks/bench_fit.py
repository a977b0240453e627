"""One training epoch of `models.fit` against a hand-written numpy loop and torch, side by side.

    python benchmarks/bench_fit.py [--rounds N] [--batch-sizes 64 128 256]

The work: `DeepNetwork([784, 128, 64, 10], hidden="relu", output="softmax")`,
m = 10,000 examples, mini-batch gradient descent, one epoch (a seeded shuffle,
then per mini-batch: forward, cost, backward, update), for each batch size.

- hand-written: the Course's mini-batch loop written out in numpy, on the same
  shuffle, parameters and data; it computes the cost of every mini-batch (as
  `fit` does, for its history) and no `dA[0]`. Its cost and parameters are
  checked to equal `fit`'s, so both do the same work. It shuffles the columns
  of `X` as the Course does (`X[:, permutation]`), which costs about a third of
  the epoch; `fit` gathers mini-batches as rows instead, so the loop is also
  timed with `fit`'s gathers, to show what the blocks themselves cost.
- torch (optional, benchmark-only: `pip install torch`): the idiomatic
  float64 CPU version (`nn.Sequential` of `nn.Linear`/`nn.ReLU`,
  `cross_entropy`, `optim.SGD`), examples as rows as torch expects. Skipped
  with a note when torch is not installed.

One BLAS thread for everyone (set before numpy and torch are imported): on a
shared 2-core machine a multithreaded BLAS under contention times noise. The
runs of the three are interleaved round by round so that a slow spell of the
machine hits all of them, and each figure is the minimum over the rounds (the
least disturbed run), in CPU time (`time.process_time`): the work done, not
the time spent waiting for a core that other processes hold. Targets: `fit` <=
1.1x the hand-written loop, and faster than torch, at every batch size. Exits 1
if a target is missed.
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

from models import DeepNetwork  # noqa: E402

LAYER_DIMS = [784, 128, 64, 10]
M = 10_000
LEARNING_RATE = 0.05
TARGET = 1.1


def data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((LAYER_DIMS[0], M))
    Y = np.eye(LAYER_DIMS[-1])[:, rng.integers(0, LAYER_DIMS[-1], size=M)]
    return X, Y


def hand_written_epoch(
    params: dict[str, np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    batch_size: int,
    seed: int,
    row_gathers: bool = False,
) -> tuple[dict[str, np.ndarray], float]:
    """One epoch of the Course's mini-batch gradient descent: new parameters and the cost.

    The Course shuffles the columns of `X` (`X[:, permutation]`) and slices it;
    with `row_gathers`, each mini-batch is gathered instead as whole rows of a
    row-major copy of `X`, as `fit` does (the copy is made inside the epoch).
    """
    W1, b1, W2, b2, W3, b3 = (params[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    order = np.random.default_rng(seed).permutation(X.shape[1])
    if row_gathers:
        examples = np.ascontiguousarray(X.T)
    else:
        X_shuffled, Y_shuffled = X[:, order], Y[:, order]
    total = 0.0
    for start in range(0, X.shape[1], batch_size):
        if row_gathers:
            batch = order[start : start + batch_size]
            Xb, Yb = np.take(examples, batch, axis=0).T, np.take(Y, batch, axis=1)
        else:
            Xb = X_shuffled[:, start : start + batch_size]
            Yb = Y_shuffled[:, start : start + batch_size]
        m = Xb.shape[1]
        Z1 = W1 @ Xb + b1
        A1 = np.maximum(Z1, 0)
        Z2 = W2 @ A1 + b2
        A2 = np.maximum(Z2, 0)
        Z3 = W3 @ A2 + b3
        E = np.exp(Z3 - Z3.max(axis=0, keepdims=True))
        A3 = E / E.sum(axis=0, keepdims=True)
        total += -np.sum(Yb * np.log(A3))
        dZ3 = A3 - Yb
        dW3 = dZ3 @ A2.T / m
        db3 = dZ3.sum(axis=1, keepdims=True) / m
        dZ2 = (W3.T @ dZ3) * (Z2 > 0)
        dW2 = dZ2 @ A1.T / m
        db2 = dZ2.sum(axis=1, keepdims=True) / m
        dZ1 = (W2.T @ dZ2) * (Z1 > 0)
        dW1 = dZ1 @ Xb.T / m
        db1 = dZ1.sum(axis=1, keepdims=True) / m
        W1, b1 = W1 - LEARNING_RATE * dW1, b1 - LEARNING_RATE * db1
        W2, b2 = W2 - LEARNING_RATE * dW2, b2 - LEARNING_RATE * db2
        W3, b3 = W3 - LEARNING_RATE * dW3, b3 - LEARNING_RATE * db3
    new = {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "W3": W3, "b3": b3}
    return new, float(total / X.shape[1])


def torch_epoch_maker(
    params: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray, batch_size: int
) -> Callable[[], float] | None:
    """A function running one torch epoch from the same start, or `None` without torch."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    torch.manual_seed(0)
    layers = []
    for l in range(1, len(LAYER_DIMS)):  # noqa: E741 (the Course's layer index)
        linear = torch.nn.Linear(LAYER_DIMS[l - 1], LAYER_DIMS[l], dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(params[f"W{l}"]))
            linear.bias.copy_(torch.from_numpy(params[f"b{l}"].ravel()))
        layers.append(linear)
        if l < len(LAYER_DIMS) - 1:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    inputs = torch.from_numpy(np.ascontiguousarray(X.T))  # torch takes examples as rows
    labels = torch.from_numpy(Y.argmax(axis=0))
    generator = torch.Generator().manual_seed(0)

    def epoch() -> float:
        order = torch.randperm(inputs.shape[0], generator=generator)
        shuffled_X, shuffled_y = inputs[order], labels[order]
        total = 0.0
        for start in range(0, inputs.shape[0], batch_size):
            xb = shuffled_X[start : start + batch_size]
            yb = shuffled_y[start : start + batch_size]
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * xb.shape[0]
        return total / inputs.shape[0]

    return epoch


def timed(fn: Callable[..., object], *args: object) -> float:
    """The CPU time of `fn(*args)`: what a run costs, not how long it waited for a core."""
    start = time.process_time()
    fn(*args)
    return time.process_time() - start


def measure(batch_size: int, rounds: int) -> dict[str, float | None]:
    X, Y = data()
    net = DeepNetwork(LAYER_DIMS, hidden="relu", output="softmax", seed=0)
    start = net.parameters()

    # Same shuffle, same start: the hand-written loop must give fit's cost and parameters.
    history = net.fit(X, Y, epochs=1, learning_rate=LEARNING_RATE, batch_size=batch_size, seed=0)
    by_hand, cost = hand_written_epoch(start, X, Y, batch_size, seed=0)
    np.testing.assert_allclose(history[0], cost, rtol=1e-10)
    for key, value in net.parameters().items():
        np.testing.assert_allclose(value, by_hand[key], rtol=1e-8, atol=1e-12, err_msg=key)

    _, tuned_cost = hand_written_epoch(start, X, Y, batch_size, seed=0, row_gathers=True)
    np.testing.assert_allclose(tuned_cost, cost, rtol=1e-10)

    torch_epoch = torch_epoch_maker(start, X, Y, batch_size)
    times: dict[str, list[float]] = {"hand": [], "rows": [], "fit": [], "torch": []}

    def by_hand(seed: int) -> object:
        return hand_written_epoch(start, X, Y, batch_size, seed)

    def by_hand_with_row_gathers(seed: int) -> object:
        return hand_written_epoch(start, X, Y, batch_size, seed, row_gathers=True)

    def with_fit(seed: int) -> object:
        net.set_parameters(start)
        return net.fit(
            X,
            Y,
            epochs=1,
            learning_rate=LEARNING_RATE,
            batch_size=batch_size,
            seed=seed,
            progress=False,
        )

    for seed in range(rounds):
        times["hand"].append(timed(by_hand, seed))
        times["rows"].append(timed(by_hand_with_row_gathers, seed))
        times["fit"].append(timed(with_fit, seed))
        if torch_epoch is not None:
            times["torch"].append(timed(torch_epoch))
    return {key: (min(values) if values else None) for key, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[64, 128, 256])
    args = parser.parse_args()

    print(
        f"one epoch of DeepNetwork({LAYER_DIMS}, hidden='relu', output='softmax'), m = {M}, "
        f"gradient descent; minimum of {args.rounds} interleaved rounds, one BLAS thread"
    )
    missed = False
    torch_missing = False
    for batch_size in args.batch_sizes:
        figures = measure(batch_size, args.rounds)
        hand, rows, fit = figures["hand"], figures["rows"], figures["fit"]
        torch_time = figures["torch"]
        assert hand is not None and rows is not None and fit is not None
        ratio = fit / hand
        line = (
            f"batch {batch_size:4d}: hand-written {hand * 1e3:6.1f} ms | "
            f"models.fit {fit * 1e3:6.1f} ms ({ratio:.3f}x, target <= {TARGET}x: "
            f"{'OK' if ratio <= TARGET else 'MISSED'}) | hand-written with fit's row "
            f"gathers {rows * 1e3:6.1f} ms (fit {fit / rows:.3f}x)"
        )
        missed |= ratio > TARGET
        if torch_time is None:
            torch_missing = True
        else:
            faster = fit < torch_time
            line += (
                f" | torch float64 {torch_time * 1e3:6.1f} ms ({torch_time / hand:.3f}x; "
                f"fit faster: {'OK' if faster else 'MISSED'})"
            )
            missed |= not faster
        print(line, flush=True)
    if torch_missing:
        print("torch is not installed: its column is skipped (pip install torch to compare)")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
