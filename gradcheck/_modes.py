"""Which values a check compares: every coordinate, a seeded sample, or directions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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


#: Directions of a parameter are kept in memory up to this many entries in all; beyond
#: it each one is drawn again from its generator's saved state whenever it is used, so
#: that a check of a parameter of 10^8 entries holds one direction at a time.
KEPT_ENTRIES = 2**22


def directions(shape: tuple[int, ...], count: int, rng: np.random.Generator) -> Directions:
    """`count` random unit directions in a parameter's space (see `Directions`)."""
    return Directions(shape, count, rng)


class Directions:
    """`count` random unit directions of a parameter of shape `shape`, seeded by `rng`.

    Direction `i` is `v / ||v||` with `v = rng.standard_normal(shape)`, drawn one after
    the other (the same numbers as one draw of `(count, *shape)`). Small sets are kept as
    one `(count, *shape)` array; large ones (over `KEPT_ENTRIES` entries) keep each
    direction's generator state and norm, and draw it again when asked.

    **Arguments:**

    - `shape`: the parameter's shape.
    - `count`: how many directions.
    - `rng`: the seeded generator (advanced past the directions).
    """

    def __init__(self, shape: tuple[int, ...], count: int, rng: np.random.Generator) -> None:
        self.shape = tuple(shape)
        self.count = count
        self._kept: np.ndarray | None = None
        self._states: list[tuple[type[np.random.BitGenerator], Mapping[str, Any]]] = []
        self._norms: list[float] = []
        # The last direction drawn again, `[(generator state index, direction)]`, shared
        # with every subset: however the directions are taken, one is held at a time.
        self._held: list[tuple[int, np.ndarray]] = []
        self._origin: list[int] = list(range(count))
        size = int(np.prod(shape))
        if count * size <= KEPT_ENTRIES:
            v = rng.standard_normal((count, *shape))
            norms = np.sqrt((v.reshape(count, -1) ** 2).sum(axis=1))
            self._kept = v / norms.reshape((count,) + (1,) * len(shape))
            return
        for _ in range(count):
            self._states.append((type(rng.bit_generator), rng.bit_generator.state))
            v = rng.standard_normal(shape)
            self._norms.append(_norm(v))
            del v  # before the next is drawn: one direction in memory at a time

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, i: int) -> np.ndarray:
        """Direction `i`, shape `shape`, of norm 1."""
        if self._kept is not None:
            return self._kept[i]
        origin = self._origin[i]
        if self._held and self._held[0][0] == origin:
            return self._held[0][1]
        # The one held is let go before the next is drawn: one direction in memory.
        self._held.clear()
        kind, state = self._states[origin]
        bit_generator = kind()
        bit_generator.state = dict(state)
        v = np.random.Generator(bit_generator).standard_normal(self.shape)
        v /= self._norms[origin]
        v.flags.writeable = False
        self._held.append((origin, v))
        return v

    def subset(self, which: np.ndarray) -> Directions:
        """The directions `which` (indices into these), in that order."""
        chosen = Directions.__new__(Directions)
        chosen.shape, chosen.count = self.shape, len(which)
        chosen._kept = None if self._kept is None else self._kept[which]
        chosen._states, chosen._norms, chosen._held = self._states, self._norms, self._held
        chosen._origin = [self._origin[int(i)] for i in which]
        return chosen

    def release(self) -> None:
        """Let go of the direction held (it is drawn again if asked for)."""
        self._held.clear()

    def dot(self, gradient: np.ndarray) -> np.ndarray:
        """The analytic directional derivatives `<gradient, direction i>`, shape `(count,)`."""
        if self._kept is not None:
            return np.tensordot(self._kept, gradient, axes=gradient.ndim).reshape(-1)
        return np.array([np.vdot(self[i], gradient) for i in range(self.count)])


def _norm(v: np.ndarray) -> float:
    # Chunk by chunk: `v**2` of a parameter of 10^8 entries would be another 0.8 GB.
    flat = v.reshape(-1)
    chunk = 2**20
    return float(
        np.sqrt(
            sum(
                float(np.dot(flat[i : i + chunk], flat[i : i + chunk]))
                for i in range(0, flat.size, chunk)
            )
        )
    )
