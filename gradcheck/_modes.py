"""Which values a check compares: every coordinate, a seeded sample, or directions."""

from __future__ import annotations

import numpy as np

from ._errors import CheckInputError

MODES = ("auto", "full", "sample", "directional")


def resolve_mode(mode: str, total: int, full_limit: int) -> str:
    """The concrete mode for `mode`: `auto` is `full` up to `full_limit` parameters, else
    directional.

    A sample of coordinates is never `auto`'s choice: a bug confined to one row of
    `dW[1]` passes a sample of 20 coordinates on about half of the seeds, while a
    random direction has a component on every coordinate and sees it.

    **Arguments:**

    - `mode`: one of `"auto"`, `"full"`, `"sample"`, `"directional"`.
    - `total`: the number of scalar parameters.
    - `full_limit`: the largest `total` that `auto` checks in full (from the
      time budget of the check).
    """
    if mode not in MODES:
        raise CheckInputError(f"mode must be one of {', '.join(MODES)}: got {mode!r}")
    if mode != "auto":
        return mode
    return "full" if total <= full_limit else "directional"


def coordinates(size: int, mode: str, k: int, rng: np.random.Generator) -> np.ndarray:
    """Flat indices to check in a parameter of `size` entries.

    **Arguments:**

    - `size`: the parameter's number of entries.
    - `mode`: `"full"` (all of them) or `"sample"` (`k` of them, without repeats).
    - `k`: the sample size per parameter (biases included).
    - `rng`: the seeded generator; the same seed gives the same coordinates.

    **Returns:** sorted flat indices, shape `(min(k, size),)` or `(size,)`.
    """
    if mode == "full" or k >= size:
        return np.arange(size)
    return np.sort(rng.choice(size, size=k, replace=False))


def directions(shape: tuple[int, ...], count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` random unit directions in a parameter's space, shape `(count, *shape)`."""
    v = rng.standard_normal((count, *shape))
    norms = np.sqrt((v.reshape(count, -1) ** 2).sum(axis=1))
    return v / norms.reshape((count,) + (1,) * len(shape))
