"""A second look at doubtful gradients: Richardson extrapolation of the central differences.

The central difference `(J(theta + eps) - J(theta - eps)) / 2 eps` is the derivative
plus a truncation error `c eps^2` from the third derivative of `J`. With large inputs
or saturating units (a trained network on unscaled data) that term alone can reach the
doubtful band on correct code. Halving the step and combining the two estimates,
`(4 g(eps/2) - g(eps)) / 3`, cancels the `eps^2` term: truncation error then vanishes,
while a wrong gradient keeps its difference. The roundoff of the combination is
`(4 r(eps/2) + r(eps)) / 3`, about three times a single step's, and the floor says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from ._report import ParameterResult

#: One measurement of a parameter's coordinates at a step: the central differences
#: `(k,)`, which of them crossed a kink `(k,)` (boolean), and their roundoff floor.
Measurement = tuple[np.ndarray, np.ndarray, float]


class ResultOf(Protocol):
    """Builds a parameter's result from its numerical values (`assemble`, partly applied)."""

    def __call__(
        self, numeric: np.ndarray, *, kinks: np.ndarray, noise: float, how: str
    ) -> ParameterResult: ...


#: How a result that took the second look is described in the report's `how` column.
SUFFIX = ", extrapolated"

NOTE = (
    "a doubtful difference was checked again at eps/2 and Richardson-extrapolated, "
    "(4 g(eps/2) - g(eps)) / 3, which removes the eps^2 truncation error of the central "
    "difference; the extrapolated values are the ones reported"
)


def judged(
    first: Measurement,
    remeasure: Callable[[float], Measurement],
    eps: float,
    result_of: ResultOf,
    how: str,
) -> tuple[ParameterResult, bool]:
    """A parameter's result, with a second look at `eps / 2` when it is doubtful.

    **Arguments:**

    - `first`: the measurement at `eps`.
    - `remeasure`: takes a step and measures the same coordinates at it.
    - `eps`: the step of `first`.
    - `result_of`: builds the result from values, kinks, floor and `how`.
    - `how`: how the coordinates were chosen (`"full"`, `"sample"`, ...).

    **Returns:** `(result, extrapolated)`: the result, and whether it took the
    second look (so that the report can carry `NOTE`).
    """
    values, kinks, floor = first
    result = result_of(values, kinks=kinks, noise=floor, how=how)
    if result.verdict != "doubtful":
        return result, False
    half, kinks_half, floor_half = remeasure(eps / 2)
    values, floor = extrapolate(values, half, floor, floor_half)
    return result_of(values, kinks=kinks | kinks_half, noise=floor, how=how + SUFFIX), True


def extrapolate(
    at_eps: np.ndarray, at_half: np.ndarray, roundoff: float, roundoff_half: float
) -> tuple[np.ndarray, float]:
    """Combine central differences at `eps` and `eps / 2`.

    **Arguments:**

    - `at_eps`, `at_half`: the central differences of the same coordinates at the two
      steps, shape `(k,)`.
    - `roundoff`, `roundoff_half`: the roundoff floor of one difference at each step.

    **Returns:** `(values, floor)`: the extrapolated values, shape `(k,)`, and their
    roundoff floor.
    """
    values = (4.0 * at_half - at_eps) / 3.0
    return values, (4.0 * roundoff_half + roundoff) / 3.0
