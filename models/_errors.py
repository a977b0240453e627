"""The error raised for bad input to the building blocks, and shared wording helpers."""

from __future__ import annotations

import numpy as np

# The shape text of the course vocabulary, shared by the three packages.
from dimcheck._vocabulary import shape_text as shape_str


class ModelInputError(ValueError):
    """Data or parameters that do not fit the network, explained in course notation.

    A `ValueError`, so code that already catches `ValueError` keeps working.
    """


class ModelTypeError(TypeError):
    """An array of the wrong kind (integers where floats are needed), in course notation."""


def require_float(name: str, array: np.ndarray) -> None:
    """Raise `ModelTypeError` unless `array` holds floating-point numbers.

    **Arguments:**

    - `name`: the array's name in course notation, e.g. `"X"` or `"W[2]"`.
    - `array`: any array.
    """
    if not np.issubdtype(array.dtype, np.floating):
        raise ModelTypeError(
            f"{name} has dtype {array.dtype}: expected floating-point numbers; "
            f"use {_base(name)}.astype(np.float64)"
        )


def require_finite(name: str, array: np.ndarray, fix: str = "") -> None:
    """Raise `ModelInputError` if `array` holds NaN or inf, saying how many and where first.

    **Arguments:**

    - `name`: the array's name in course notation.
    - `array`: a floating-point array of any shape.
    - `fix`: what to do about it; by default, for data: remove or impute the values.
    """
    # One reduction is much cheaper than a full boolean mask on the hot path;
    # the mask is built only when the sum says something is off (an overflowing
    # sum of finite values is re-checked and passes).
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.add.reduce(array, axis=None)
    if np.isfinite(total):
        return
    bad = ~np.isfinite(array)
    count = int(bad.sum())
    if count == 0:
        return
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    n_nan = int(np.isnan(array).sum())
    raise ModelInputError(
        f"{name} contains NaN or inf: {count} of {array.size} entries "
        f"({n_nan} NaN, {count - n_nan} inf), the first at index {first}; "
        f"{fix or 'remove or impute those values before training'} "
        f"(np.isfinite({_base(name)}).all() must be True)"
    )


def require_cache_shape(name: str, array: np.ndarray, expected: tuple[int, ...], what: str) -> None:
    """Raise `ModelInputError` unless `array`'s last two axes are `expected` = `(n[l], m)`.

    A gradient must come from the same batch as the forward pass whose cache it
    goes with; numpy's own broadcasting error would not say so.

    **Arguments:**

    - `name`: the gradient's name in course notation, e.g. `"dA[l]"`.
    - `array`: the gradient, shape `(*K, n[l], m)`.
    - `expected`: `(n[l], m)` as recorded in the cache.
    - `what`: the forward quantity of that shape, e.g. `"Z[l]"`.
    """
    if array.ndim < 2 or array.shape[-2:] != expected:
        raise ModelInputError(
            f"{name} has shape {shape_str(array.shape)}: expected (n[l], m) = "
            f"{shape_str(expected)}, the shape of {what} in the cache; pass the cache "
            f"returned by forward on the same batch"
        )


def _base(name: str) -> str:
    """`W[2]` -> `W2` style names are not Python; keep only a usable identifier."""
    return name.split("[")[0]
