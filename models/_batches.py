"""Mini-batches with a seeded shuffle."""

from __future__ import annotations

import numpy as np

from ._errors import ModelInputError


def random_mini_batches(
    X: np.ndarray,
    Y: np.ndarray,
    batch_size: int = 64,
    *,
    seed: int | np.random.Generator = 0,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Shuffle the `m` examples (columns) and cut them into mini-batches.

    **Arguments:**

    - `X`: data, shape `(n[0], m)`.
    - `Y`: labels, shape `(n[L], m)`.
    - `batch_size`: examples per batch; the last batch holds the remainder.
    - `seed`: an `int` seed or a `numpy.random.Generator` for the shuffle.

    **Returns:**

    A list of `(X_batch, Y_batch)` with shapes `(n[0], b)` and `(n[L], b)`;
    together they hold each example exactly once. `X` and `Y` are not modified.
    """
    m = X.shape[-1]
    if Y.shape[-1] != m:
        raise ModelInputError(
            f"X has m = {m} examples (columns) but Y has {Y.shape[-1]}: "
            f"they need one column per example each"
        )
    # np.take gathers columns 2-3x faster than the fancy index X[..., order].
    return [
        (np.take(X, batch, axis=-1), np.take(Y, batch, axis=-1))
        for batch in batch_indices(m, batch_size, seed)
    ]


def batch_indices(m: int, batch_size: int, seed: int | np.random.Generator = 0) -> list[np.ndarray]:
    """The examples of each mini-batch: a seeded permutation of `range(m)` cut in order.

    **Arguments:**

    - `m`: the number of examples.
    - `batch_size`: examples per batch; the last batch holds the remainder.
    - `seed`: an `int` seed or a `numpy.random.Generator` (one `permutation(m)` drawn).

    **Returns:**

    A list of index arrays of shapes `(b,)`, together `range(m)` once each.
    """
    size = checked_batch_size(batch_size)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    order = rng.permutation(m)
    return [order[i : i + size] for i in range(0, m, size)]


def checked_batch_size(batch_size: object) -> int:
    """`batch_size` as an `int`, or `ModelInputError` unless it is a positive integer."""
    # `int(2.5)` would silently train on batches of another size than asked for.
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, int | float | np.integer | np.floating)
        or int(batch_size) != batch_size
        or int(batch_size) < 1
    ):
        raise ModelInputError(f"batch_size must be a positive integer: got {batch_size}")
    return int(batch_size)
