"""`Dropout`: inverted dropout whose mask comes from an explicit seed and can be held."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

import numpy as np
from jaxtyping import Float

from dimcheck import shapes

from ._errors import ModelInputError, require_cache_shape, shape_str


class DropoutCache(NamedTuple):
    """The mask used: `None` (nothing dropped) or `D[l]` of shape `(n[l], m)`, scaled by
    `1 / keep_prob` where kept and `0` where dropped."""

    scaled_mask: np.ndarray | None


class Dropout:
    """Inverted dropout after a layer: keep each unit with probability `keep_prob`.

    **Arguments:**

    - `keep_prob`: probability of keeping a unit, `0 < keep_prob <= 1`.
    - `seed`: an `int` seed or a `numpy.random.Generator`; the only source of
      the masks' randomness.

    In training, `A_out = A * D / keep_prob` with a fresh mask `D` of shape
    `(n[l], m)` per call; outside training `A_out = A`. Inside
    `with dropout.hold_mask():` the first mask drawn is reused by every later
    call on the same `(n[l], m)`, so that a gradient check sees one fixed,
    differentiable function. A stack `(*K, n[l], m)` shares one mask.
    """

    # What a gradient check may rely on (see `Activation`): each output entry is
    # its input entry times the mask's. Not `columnwise`: in training the mask is
    # drawn (or held) for the whole `(n[l], m)`, so a subset of the examples
    # would meet another mask; outside training the block is the identity.
    elementwise = True
    columnwise = False
    kinks: tuple[float, ...] = ()

    def __init__(self, keep_prob: float, *, seed: int | np.random.Generator = 0) -> None:
        if not 0.0 < float(keep_prob) <= 1.0:
            raise ModelInputError(
                f"keep_prob must be in (0, 1]: got {keep_prob} "
                f"(keep_prob is the probability of keeping a unit; 1 means no dropout)"
            )
        self.keep_prob = float(keep_prob)
        self.rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        self._held = False
        self.mask: np.ndarray | None = None

    @contextmanager
    def hold_mask(self, mask: np.ndarray | None = None) -> Iterator[Dropout]:
        """Within the block, reuse one mask instead of drawing a new one per call.

        **Arguments:**

        - `mask`: optionally the boolean keep-mask `D[l]` to hold, shape `(n[l], m)`;
          by default the next mask drawn is held.
        """
        previous = (self._held, self.mask)
        self._held = True
        self.mask = None if mask is None else np.asarray(mask, dtype=bool)
        try:
            yield self
        finally:
            self._held, self.mask = previous

    def _mask_for(self, shape: tuple[int, int]) -> np.ndarray:
        if self._held and self.mask is not None:
            if self.mask.shape != shape:
                raise ModelInputError(
                    f"the held dropout mask has shape {shape_str(self.mask.shape)} but A has "
                    f"(n[l], m) = {shape_str(shape)}; hold a new mask for a different batch"
                )
            return self.mask
        mask = self.rng.random(shape) < self.keep_prob
        if self._held:
            self.mask = mask
        return mask

    @shapes
    def forward(
        self, A: Float[np.ndarray, "*#k n_l m"], training: bool = False
    ) -> tuple[Float[np.ndarray, "*#k n_l m"], DropoutCache]:
        """Drop units in training, pass `A` through otherwise.

        **Arguments:**

        - `A`: `A[l]`, shape `(n[l], m)` or stacked `(*K, n[l], m)`.
        - `training`: apply dropout only when `True`.

        **Returns:**

        `(A_out, cache)`: `A_out` of the same shape as `A` and a `DropoutCache`.
        """
        if not training or self.keep_prob == 1.0:
            return A, DropoutCache(None)
        scaled = self._mask_for((A.shape[-2], A.shape[-1])) / self.keep_prob
        return A * scaled, DropoutCache(scaled)

    @shapes
    def backward(
        self, dA: Float[np.ndarray, "*#k n_l m"], cache: DropoutCache
    ) -> Float[np.ndarray, "*#k n_l m"]:
        """`dA[l]` through the same mask: `dA * D / keep_prob`, shape `(*K, n[l], m)`.

        **Arguments:**

        - `dA`: gradient with respect to the dropout's output, `(*K, n[l], m)`.
        - `cache`: the `DropoutCache` from `forward`.

        **Returns:**

        The gradient with respect to its input, the same shape as `dA`.
        """
        if cache.scaled_mask is None:
            return dA
        require_cache_shape("dA[l]", dA, cache.scaled_mask.shape, "the dropout mask D[l]")
        return dA * cache.scaled_mask

    def __repr__(self) -> str:
        return f"Dropout(keep_prob={self.keep_prob})"
