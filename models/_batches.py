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
    if int(batch_size) < 1:
        raise ModelInputError(f"batch_size must be a positive integer: got {batch_size}")
    m = X.shape[-1]
    if Y.shape[-1] != m:
        raise ModelInputError(
            f"X has m = {m} examples (columns) but Y has {Y.shape[-1]}: "
            f"they need one column per example each"
        )
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    order = rng.permutation(m)
    X_shuffled = X[..., order]
    Y_shuffled = Y[..., order]
    return [
        (X_shuffled[..., i : i + batch_size], Y_shuffled[..., i : i + batch_size])
        for i in range(0, m, int(batch_size))
    ]
