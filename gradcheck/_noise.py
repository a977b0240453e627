"""Measuring the noise of a cost: how far its computed values scatter from the true ones.

The roundoff of `J` is not always `u |J|`: `J = -log(a)` with `a` a sigmoid
output rounded near 1 carries an absolute error of about `u`, however small
`J` is. So gradcheck measures it, the way Moré and Wild's ECnoise does
("Estimating computational noise", SIAM J. Sci. Comput. 2011): evaluate `J`
at seven equally spaced points `theta + k delta v` (`k = -3..3`) along a
random unit direction `v`, with `delta` so small that the smooth part of `J`
contributes nothing to the differences of order 3 to 6; what is left of
those differences is noise. For noise of standard deviation `s` the `j`-th
differences have variance `(2j)! / (j!)^2 s^2`, which gives one estimate per
order; gradcheck takes their median, and the largest over two directions.
When `J` barely moves over the seven points (fewer than 4 distinct values),
the points are spread further apart (see `NOISE_STEPS`).
"""

from __future__ import annotations

from math import factorial

import numpy as np

#: The spacings of the seven points along a unit direction, tried in turn. At
#: 1e-6 the smooth part's third difference, about `1e-18 |J'''|`, is far below
#: float64 roundoff. When `J` takes fewer than 4 distinct values there (it is
#: quantised: a sigmoid output rounded near 1 moves `J` in steps of about `u`),
#: the spacing grows a hundredfold, up to 1e-2; a `J` constant even then has
#: no noise to speak of.
NOISE_STEPS = (1e-6, 1e-4, 1e-2)

#: The points, in units of `NOISE_STEP`.
OFFSETS = (-3, -2, -1, 0, 1, 2, 3)

#: How many random directions the noise is measured along.
DIRECTIONS = 2


def noise_from_values(values: np.ndarray) -> float:
    """The standard deviation of the noise in `values`, `J` at `OFFSETS` along one line.

    **Arguments:**

    - `values`: shape `(7,)`, the costs at equally spaced points.

    **Returns:** the median over orders 3 to 6 of `sqrt(mean(D_j**2) (j!)^2 / (2j)!)`,
    where `D_j` are the `j`-th differences.
    """
    estimates = []
    table = np.asarray(values, dtype=np.float64)
    for order in range(1, 7):
        table = np.diff(table)
        if order >= 3:
            gamma = factorial(order) ** 2 / factorial(2 * order)
            estimates.append(float(np.sqrt(gamma * np.mean(table**2))))
    return float(np.median(estimates))


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
