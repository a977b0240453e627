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
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from ._bands import FAIL_LINE, FLOOR_MARGIN, INCONCLUSIVE

if TYPE_CHECKING:
    from ._report import ParameterResult

#: One measurement of a parameter's coordinates at a step: the central differences
#: `(k,)`, which of them crossed a kink `(k,)` (boolean), and their roundoff (a
#: number, or one per coordinate `(k,)`).
Measurement = tuple[np.ndarray, np.ndarray, Any]


class ResultOf(Protocol):
    """Builds a parameter's result from its numerical values (`assemble`, partly applied)."""

    def __call__(
        self, numeric: np.ndarray, *, kinks: np.ndarray, noise: Any, how: str
    ) -> ParameterResult: ...


#: How a result that took the second look is described in the report's `how` column.
SUFFIX = ", extrapolated"

NOTE = (
    "a doubtful difference was checked again at eps/2 and Richardson-extrapolated, "
    "(4 g(eps/2) - g(eps)) / 3, which removes the eps^2 truncation error of the central "
    "difference; the extrapolated values are the ones reported"
)


#: How a result measured with larger steps is described in the report's `how` column.
GROWN = ", larger steps, extrapolated"

GROWN_NOTE = (
    "the roundoff of J reached the fail line at eps for some gradients (vanishing gradients "
    "under a small initialiser, or a saturated output); they were measured again with larger "
    "steps h, extrapolated from h, h/2 and h/4, with the extrapolation's own truncation "
    "estimate added to the roundoff floor; reported at the first step where they agree"
)

#: The larger steps tried, in units of `eps`, when roundoff reaches the fail line:
#: roundoff falls as `1 / h` while the twice-extrapolated truncation grows as `h^4`.
GROWTH = (10.0, 100.0, 1_000.0, 10_000.0)

#: The largest step tried: beyond it few activations stay smooth over the step.
LARGEST_STEP = 0.1


def judged(
    first: Measurement,
    remeasure: Callable[[float], Measurement],
    eps: float,
    result_of: ResultOf,
    how: str,
) -> tuple[ParameterResult, bool]:
    """A parameter's result, with a second look when it is doubtful or inconclusive.

    **Arguments:**

    - `first`: the measurement at `eps`.
    - `remeasure`: takes a step and measures the same coordinates at it.
    - `eps`: the step of `first`.
    - `result_of`: builds the result from values, kinks, floor and `how`.
    - `how`: how the coordinates were chosen (`"full"`, `"sample"`, ...).

    **Returns:** `(result, extrapolated)`: the result, and whether it took the
    second look (so that the report can carry `NOTE` or `GROWN_NOTE`).

    A doubtful result is measured again at `eps / 2` and extrapolated. An
    inconclusive one whose roundoff floor reaches the fail line is measured at
    larger steps (`grown`): the floor of the best one decides.
    """
    values, kinks, floor = first
    result = result_of(values, kinks=kinks, noise=floor, how=how)
    if result.verdict == INCONCLUSIVE and _noise_bound(result):
        return grown(result, remeasure, eps, result_of, how), True
    if result.verdict != "doubtful":
        return result, False
    half, kinks_half, floor_half = remeasure(eps / 2)
    values, floor = extrapolate(values, half, floor, floor_half)
    result = result_of(values, kinks=kinks | kinks_half, noise=floor, how=how + SUFFIX)
    if result.verdict == INCONCLUSIVE and _noise_bound(result):
        return grown(result, remeasure, eps, result_of, how), True
    return result, True


def second_look_notes(results: list[ParameterResult]) -> list[str]:
    """The notes explaining the second looks that `results` took, once each."""
    notes = []
    if any(r.how.endswith(SUFFIX) for r in results):
        notes.append(NOTE)
    if any(GROWN in r.how for r in results):
        notes.append(GROWN_NOTE)
    return notes


def _noise_bound(result: ParameterResult) -> bool:
    # Inconclusive because roundoff could explain the difference (not for want of values).
    return (
        result.checked > 0
        and np.isfinite(result.floor)
        and result.difference <= FLOOR_MARGIN * result.floor
    )


def grown(
    result: ParameterResult,
    remeasure: Callable[[float], Measurement],
    eps: float,
    result_of: ResultOf,
    how: str,
) -> ParameterResult:
    """The result at the first larger step where the gradient is ok, or `result` if none is.

    At each step `h` the coordinates are measured at `h`, `h/2` and `h/4`; two
    Richardson extrapolations `R1` (from `h`, `h/2`) and `R2` (from `h/2`, `h/4`)
    differ by about fifteen times the truncation error of `R2`, so `R2` is
    reported with the bound `roundoff(R2) + |R1 - R2| / 15` per coordinate.
    A verdict other than ok at a larger step is not taken: such a step may cross
    kinks on both sides, so it can confirm agreement but not establish a bug.
    """
    for factor in GROWTH:
        h = eps * factor
        if h > LARGEST_STEP:
            break
        # Roundoff falls as 1 / h and the extrapolation triples it: skip the steps
        # too small to bring ten times the floor under the (default) fail line.
        if 3.0 * FLOOR_MARGIN * result.floor / factor >= FAIL_LINE:
            continue
        (c1, k1, r1), (c2, k2, r2), (c4, k4, r4) = (remeasure(h / d) for d in (1, 2, 4))
        R1, _ = extrapolate(c1, c2, r1, r2)
        R2, roundoff = extrapolate(c2, c4, r2, r4)
        bound = roundoff + np.abs(R1 - R2) / 15.0
        candidate = result_of(R2, kinks=k1 | k2 | k4, noise=bound, how=how + GROWN)
        # Large steps may cross kinks a black box cannot see on both sides at once:
        # they can clear a gradient whose values agree, never blame one.
        if candidate.verdict == "ok":
            return candidate
    return result


def extrapolate(
    at_eps: np.ndarray, at_half: np.ndarray, roundoff: Any, roundoff_half: Any
) -> tuple[np.ndarray, Any]:
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
