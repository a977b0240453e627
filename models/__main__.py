"""`python -m models`: train a small network on the bundled "flower" data set.

Prints the cost falling and the final training accuracy; takes about a second.
"""

from __future__ import annotations

import argparse

from ._data import flower
from ._network import DeepNetwork


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m models",
        description="Train DeepNetwork([2, 20, 20, 1], hidden='tanh') on the planar flower.",
    )
    parser.add_argument("--epochs", type=int, default=600, help="passes over the data")
    parser.add_argument("--seed", type=int, default=0, help="seed for the data and the weights")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)

    X, Y = flower(400, seed=args.seed)
    net = DeepNetwork([2, 20, 20, 1], hidden="tanh", output="sigmoid", seed=args.seed)
    print(f"data: X {X.shape} = (n[0], m), Y {Y.shape} = (1, m)  (the planar flower)")
    print(net)
    history = net.fit(
        X,
        Y,
        epochs=args.epochs,
        optimizer="adam",
        learning_rate=0.02,
        print_every=max(args.epochs // 6, 1),
        progress=False if args.quiet else None,
    )
    print(f"cost: {history[0]:.4f} -> {history[-1]:.4f}")
    print(f"training accuracy: {net.accuracy(X, Y):.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
