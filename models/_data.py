"""Toy data sets, numpy only and seeded, shaped `X: (n[0], m)` and `Y: (1, m)`."""

from __future__ import annotations

import numpy as np

from ._errors import ModelInputError

Seed = int | np.random.Generator


def _rng(seed: Seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _check_m(m: int, minimum: int = 2) -> int:
    if int(m) < minimum:
        raise ModelInputError(f"m (the number of examples) must be >= {minimum}: got {m}")
    return int(m)


def circles(
    m: int = 200, *, noise: float = 0.05, factor: float = 0.5, seed: Seed = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two concentric circles: label 0 on the outer (radius 1), 1 on the inner (`factor`).

    **Arguments:**

    - `m`: the number of examples (half on each circle, the outer one gets the odd one).
    - `noise`: standard deviation of Gaussian noise added to each coordinate.
    - `factor`: the inner radius, `0 < factor < 1`.
    - `seed`: an `int` seed or a `numpy.random.Generator`.

    **Returns:**

    `(X, Y)`: `X` of shape `(2, m)`, `Y` of shape `(1, m)` with labels in `{0, 1}`.
    """
    m = _check_m(m)
    rng = _rng(seed)
    m_out = m - m // 2
    t_out = np.linspace(0, 2 * np.pi, m_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, m // 2, endpoint=False)
    t = np.concatenate([t_out, t_in])
    r = np.concatenate([np.ones(m_out), np.full(m // 2, factor)])
    X = np.stack([r * np.cos(t), r * np.sin(t)]) + rng.normal(0.0, noise, size=(2, m))
    Y = np.concatenate([np.zeros(m_out), np.ones(m // 2)]).reshape(1, m)
    return X, Y


def moons(m: int = 200, *, noise: float = 0.1, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: label 0 on the upper moon, 1 on the lower.

    **Arguments:**

    - `m`: the number of examples.
    - `noise`: standard deviation of Gaussian noise added to each coordinate.
    - `seed`: an `int` seed or a `numpy.random.Generator`.

    **Returns:**

    `(X, Y)`: `X` of shape `(2, m)`, `Y` of shape `(1, m)`.
    """
    m = _check_m(m)
    rng = _rng(seed)
    m_up = m - m // 2
    t_up = np.linspace(0, np.pi, m_up)
    t_down = np.linspace(0, np.pi, m // 2)
    up = np.stack([np.cos(t_up), np.sin(t_up)])
    down = np.stack([1 - np.cos(t_down), 0.5 - np.sin(t_down)])
    X = np.concatenate([up, down], axis=1) + rng.normal(0.0, noise, size=(2, m))
    Y = np.concatenate([np.zeros(m_up), np.ones(m // 2)]).reshape(1, m)
    return X, Y


def flower(
    m: int = 400, *, noise: float = 0.2, petals: float = 4.0, seed: Seed = 0
) -> tuple[np.ndarray, np.ndarray]:
    """The Course's planar "flower": two classes on the petals of `r = a sin(4 t)`.

    **Arguments:**

    - `m`: the number of examples (half per class).
    - `noise`: standard deviation of the noise on the angle and on the radius.
    - `petals`: `a`, the maximum petal length.
    - `seed`: an `int` seed or a `numpy.random.Generator`.

    **Returns:**

    `(X, Y)`: `X` of shape `(2, m)`, `Y` of shape `(1, m)`.
    """
    m = _check_m(m)
    rng = _rng(seed)
    X = np.zeros((2, m))
    Y = np.zeros((1, m))
    half = m // 2
    for j, (start, stop) in enumerate([(0, m - half), (m - half, m)]):
        n = stop - start
        t = np.linspace(j * 3.12, (j + 1) * 3.12, n) + rng.normal(0.0, noise, n)
        r = petals * np.sin(4 * t) + rng.normal(0.0, noise, n)
        X[:, start:stop] = np.stack([r * np.sin(t), r * np.cos(t)])
        Y[0, start:stop] = j
    return X, Y


def xor(m: int = 200, *, noise: float = 0.25, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """XOR: four clusters at `(±1, ±1)`; label 1 where the two signs differ.

    **Arguments:**

    - `m`: the number of examples (spread over the four corners in turn).
    - `noise`: standard deviation of each cluster.
    - `seed`: an `int` seed or a `numpy.random.Generator`.

    **Returns:**

    `(X, Y)`: `X` of shape `(2, m)`, `Y` of shape `(1, m)`.
    """
    m = _check_m(m, 4)
    rng = _rng(seed)
    corners = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    which = np.arange(m) % 4
    X = corners[which].T + rng.normal(0.0, noise, size=(2, m))
    Y = (which >= 2).astype(np.float64).reshape(1, m)
    return X, Y


# Seed 003's 15 class-0 points, verbatim from its x1 and x2 lists.
_SEED_CLASS_0 = (
    (0.4, 1.2, 1.1, 1.9, 1.8, 1.5, 2.6, 2.2, 3.3, 3.0, 4.1, 4.2, 5.6, 0.7, 0.7),
    (4.1, 1.5, 4.8, 0.7, 2.2, 3.8, 1.8, 4.8, 1.0, 4.3, 1.8, 3.1, 6.0, 5.9, 7.0),
)
# The seed's listing is cut off before the 20 class-1 points: this is a completion
# chosen for the toolkit, a cluster at x1 in [5.4, 8.0], x2 in [0.4, 4.8].
# fmt: off
_COMPLETION_CLASS_1 = (
    (5.5, 0.6), (5.8, 2.0), (6.0, 3.5), (6.2, 1.2), (6.4, 4.6),
    (6.6, 0.4), (6.7, 2.7), (6.9, 3.9), (7.0, 1.6), (7.2, 4.8),
    (7.3, 0.9), (7.4, 3.2), (7.6, 2.2), (7.7, 4.2), (7.8, 0.5),
    (7.9, 1.4), (8.0, 3.6), (6.1, 2.4), (5.7, 4.0), (5.4, 3.0),
)
# fmt: on


def course_35_points() -> tuple[np.ndarray, np.ndarray]:
    """The two-class, 35-point set of the Course's 3-layer exercise (seed `003_...`).

    Columns 0-14 are the 15 class-0 points exactly as the seed lists them
    (`x1 = [0.4, 1.2, ..., 0.7, 0.7]`, `x2 = [4.1, 1.5, ..., 5.9, 7.0]`).
    Columns 15-34 are the 20 class-1 points, which the seed does not show
    legibly: they are a fixed completion chosen for this toolkit, a cluster at
    `x1` in `[5.4, 8.0]`, `x2` in `[0.4, 4.8]`:
    `(5.5, 0.6), (5.8, 2.0), (6.0, 3.5), (6.2, 1.2), (6.4, 4.6), (6.6, 0.4),
    (6.7, 2.7), (6.9, 3.9), (7.0, 1.6), (7.2, 4.8), (7.3, 0.9), (7.4, 3.2),
    (7.6, 2.2), (7.7, 4.2), (7.8, 0.5), (7.9, 1.4), (8.0, 3.6), (6.1, 2.4),
    (5.7, 4.0), (5.4, 3.0)`. No randomness.

    **Returns:**

    `(X, Y)`: `X = A[0]` of shape `(2, 35)`, `Y` of shape `(1, 35)`: 15 zeros then 20 ones.
    """
    X = np.concatenate([np.array(_SEED_CLASS_0), np.array(_COMPLETION_CLASS_1).T], axis=1)
    Y = np.concatenate([np.zeros(15), np.ones(20)]).reshape(1, 35)
    return X, Y
