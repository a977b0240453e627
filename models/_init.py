"""Initialisers for `W[l]`: zeros, the Course's small random, He and Xavier.

`b[l]` always starts at zeros. Every draw comes from the explicit `rng`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ._errors import ModelInputError

Initializer = Callable[[int, int, np.random.Generator], np.ndarray]


def zeros(n_l: int, n_prev: int, rng: np.random.Generator) -> np.ndarray:
    """`W[l] = 0`, shape `(n[l], n[l-1])`: every unit of a layer stays identical
    in training (the symmetry problem), kept to demonstrate it."""
    return np.zeros((n_l, n_prev))


def small_random(n_l: int, n_prev: int, rng: np.random.Generator) -> np.ndarray:
    """The Course's `randn(n[l], n[l-1]) * 0.01`, shape `(n[l], n[l-1])`."""
    return rng.standard_normal((n_l, n_prev)) * 0.01


def he(n_l: int, n_prev: int, rng: np.random.Generator) -> np.ndarray:
    """He: `randn(n[l], n[l-1]) * sqrt(2 / n[l-1])`, for ReLU layers."""
    return rng.standard_normal((n_l, n_prev)) * np.sqrt(2.0 / n_prev)


def xavier(n_l: int, n_prev: int, rng: np.random.Generator) -> np.ndarray:
    """Xavier: `randn(n[l], n[l-1]) * sqrt(1 / n[l-1])`, for tanh and sigmoid layers."""
    return rng.standard_normal((n_l, n_prev)) * np.sqrt(1.0 / n_prev)


INITIALIZERS: dict[str, Initializer] = {
    "zeros": zeros,
    "random": small_random,
    "small_random": small_random,
    "he": he,
    "xavier": xavier,
}


def get_initializer(name: str | Initializer) -> Initializer:
    """An initialiser from its name (`"zeros"`, `"random"`, `"he"`, `"xavier"`) or as is."""
    if callable(name):
        return name
    if isinstance(name, str) and name.strip().lower() in INITIALIZERS:
        return INITIALIZERS[name.strip().lower()]
    choices = ", ".join(repr(k) for k in INITIALIZERS)
    raise ModelInputError(f"unknown initialiser {name!r}: expected one of {choices}")


def initialize_parameters(
    layer_dims: Sequence[int],
    method: str | Initializer = "he",
    *,
    seed: int | np.random.Generator = 0,
) -> dict[str, np.ndarray]:
    """The Course's `initialize_parameters_deep`, with a choice of scale.

    **Arguments:**

    - `layer_dims`: `[n[0], n[1], ..., n[L]]`.
    - `method`: `"zeros"`, `"random"` (`* 0.01`), `"he"` or `"xavier"`, or a
      function `(n[l], n[l-1], rng) -> W[l]`.
    - `seed`: an `int` seed or a `numpy.random.Generator`.

    **Returns:**

    `{"W1": (n[1], n[0]), "b1": (n[1], 1), ..., "WL": (n[L], n[L-1]), "bL": (n[L], 1)}`.
    """
    init = get_initializer(method)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    params: dict[str, np.ndarray] = {}
    for l in range(1, len(layer_dims)):  # noqa: E741 (l is the Course's layer index)
        params[f"W{l}"] = np.asarray(init(layer_dims[l], layer_dims[l - 1], rng), dtype=float)
        params[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return params
