"""Measuring the noise of a cost: how far its computed values scatter from the true ones.

The roundoff of `J` is not always `u |J|`: `J = -log(a)` with `a` a sigmoid
output rounded near 1 carries an absolute error of about `u`, however small
`J` is. So gradcheck measures it, the way Moré and Wild's ECnoise does
("Estimating computational noise", SIAM J. Sci. Comput. 2011): evaluate `J`
at fifteen equally spaced points `theta + k delta v` (`k = -7..7`) along a
random unit direction `v`, with `delta` so small that the smooth part of `J`
contributes nothing to the differences of order 3 to 6; what is left of
those differences is noise. For noise of standard deviation `s` each `j`-th
difference has variance `(2j)! / (j!)^2 s^2`, which gives one estimate per
order; gradcheck takes their mean, and the largest over two directions.

Two things besides noise move high-order differences, and the estimate is
built to ignore them. A kink (ReLU units whose `Z[l]` sits within `delta` of
0, as deep layers do under the Course's `* 0.01` initialiser, or exactly on it)
spoils the `j` differences of order `j` (at most) whose points straddle it, and leaves
the others alone: when at most that many carry nine tenths of the squares, they
are a kink's, and the estimate comes from the rest. Unless `J` itself jumps
between two neighbours (a rounding step of a quantised `J`, which is noise,
`_jumps`): then every difference is kept. Only orders 3 and 4 are used, where a kink
spoils at most 3 or 4 of 12 or 11. And the smooth part grows with `delta`: so the
points start at the smallest spacing that still moves `J` (at least `DISTINCT`
distinct values; a saturated output quantises `J`).
"""

from __future__ import annotations

from collections.abc import Callable
from math import factorial

import numpy as np

from ._errors import CheckInputError

#: The spacings of the points along a unit direction, tried in turn. At 1e-8
#: the smooth part's third difference, about `1e-24 |J'''|`, is far below
#: float64 roundoff, and few kinks lie that close. When `J` takes fewer than
#: `DISTINCT` values there (it is quantised: a sigmoid output rounded near 1
#: moves `J` in steps of about `u`), the spacing grows a hundredfold, up to
#: 1e-2; a `J` constant even then has no noise to speak of.
NOISE_STEPS = (1e-8, 1e-6, 1e-4, 1e-2)

#: The points, in units of the spacing.
OFFSETS = tuple(range(-7, 8))

#: The fewest distinct values of `J` over `OFFSETS` that show its noise.
DISTINCT = 8

#: How many random directions the noise is measured along.
DIRECTIONS = 2

#: The orders of the differences used: low enough that a kink spoils few of
#: them, high enough that the smooth part has vanished.
ORDERS = (3, 4)

#: The share of the squared differences that marks the largest `j` of order
#: `j` as a kink's: noise spreads evenly, a kink concentrates.
KINK_SHARE = 0.9


def noise_from_values(values: np.ndarray) -> float:
    """The standard deviation of the noise in `values`, `J` at `OFFSETS` along one line.

    **Arguments:**

    - `values`: shape `(len(OFFSETS),)`, the costs at equally spaced points.

    **Returns:** the mean over orders 3 and 4 of
    `sqrt(mean(D_j**2) (j!)^2 / (2j)!)`, where `D_j` are the `j`-th differences,
    without the `j` largest when they carry `KINK_SHARE` of the squares.
    """
    estimates = []
    table = np.asarray(values, dtype=np.float64)
    kinked = not _jumps(table)
    for order in range(1, max(ORDERS) + 1):
        table = np.diff(table)
        if order in ORDERS:
            squares = np.sort(table**2)[::-1]
            spoiled = order
            total = float(squares.sum())
            if kinked and total > 0 and float(squares[:spoiled].sum()) > KINK_SHARE * total:
                squares = squares[spoiled:]
            gamma = factorial(order) ** 2 / factorial(2 * order)
            estimates.append(float(np.sqrt(gamma * np.mean(squares))))
    return float(np.mean(estimates))


def _jumps(values: np.ndarray) -> bool:
    """Whether `J` jumps between neighbouring points: noise, not a kink.

    A kink bends `J` (its first differences take two levels, one each side); a
    rounding step of a quantised `J` (a saturated output) moves `J` itself
    between two neighbours: one or two first differences stand out alone.
    """
    first = np.diff(values)
    deviation = (first - np.median(first)) ** 2
    total = float(deviation.sum())
    return total > 0 and float(np.sort(deviation)[-2:].sum()) > KINK_SHARE * total


def noise_along(values_at: Callable[[float], np.ndarray], *, jumps: bool = True) -> float:
    """The noise of `J` along one direction: the spacing search of `NOISE_STEPS`.

    **Arguments:**

    - `values_at`: `J` at `OFFSETS` times a spacing along the direction, shape
      `(len(OFFSETS),)`.
    - `jumps`: look for rare jumps at larger spacings too (not needed for the
      `models` losses, whose saturation `check_model` handles beforehand).

    **Returns:** the largest estimate at the first spacing where `J` takes at
    least `DISTINCT` values, at the next one, and at any larger one (but the
    last) where `J` visibly jumps between neighbours. Quantised `J` can step by
    exactly one unit of its quantum from point to point at one spacing, a
    staircase so regular that its differences vanish; and a few examples
    saturated in a larger sum step so rarely that only a larger spacing shows
    them. The smooth part, which grows with the spacing, never makes `J` jump.
    """
    estimates: list[float] = []
    values = np.zeros(len(OFFSETS))
    for position, step in enumerate(NOISE_STEPS):
        last = position == len(NOISE_STEPS) - 1
        if last and estimates:
            break
        # Without the jump search, the next spacing is needed only when J was
        # quantised at the first (a staircase can alias at one spacing only).
        if estimates and not jumps and (len(estimates) >= 2 or position == 1):
            break
        if len(estimates) >= 2:
            # Only looking for jumps now: a cost that fails this far out says nothing.
            try:
                values = values_at(step)
            except CheckInputError:
                break
        else:
            values = values_at(step)
        qualifies = len(set(values.tolist())) >= DISTINCT
        if (qualifies and len(estimates) < 2) or (estimates and _jumps(values)):
            estimates.append(noise_from_values(values))
        elif estimates:
            estimates.append(0.0)
    return max(estimates) if estimates else noise_from_values(values)


def unit_directions(
    shapes: dict[str, tuple[int, ...]], rng: np.random.Generator
) -> list[dict[str, np.ndarray]]:
    """`DIRECTIONS` random directions over all parameters together, each of norm 1."""
    result = []
    for _ in range(DIRECTIONS):
        parts = {key: rng.standard_normal(shape) for key, shape in shapes.items()}
        norm = np.sqrt(sum(float(np.sum(p**2)) for p in parts.values()))
        result.append({key: p / norm for key, p in parts.items()})
    return result
