"""Which values a check compares: every coordinate, a seeded sample, or directions."""

from __future__ import annotations

import numpy as np

from ._errors import CheckInputError

MODES = ("auto", "full", "sample", "directional")

#: `auto` checks every coordinate up to this many parameters in total when each
#: coordinate costs two evaluations of the user's cost...
AUTO_FULL_LIMIT = 2_000
#: ... and samples coordinates up to this many, beyond which directions are cheaper.
AUTO_SAMPLE_LIMIT = 200_000


def resolve_mode(mode: str, total: int, full_limit: int = AUTO_FULL_LIMIT) -> str:
    """The concrete mode for `mode` (`auto` picks by the total number of parameters).

    **Arguments:**

    - `mode`: one of `"auto"`, `"full"`, `"sample"`, `"directional"`.
    - `total`: the number of scalar parameters.
    - `full_limit`: the largest `total` that `auto` checks in full.
    """
    if mode not in MODES:
        raise CheckInputError(f"mode must be one of {', '.join(MODES)}: got {mode!r}")
    if mode != "auto":
        return mode
    if total <= full_limit:
        return "full"
    return "sample" if total <= AUTO_SAMPLE_LIMIT else "directional"


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
