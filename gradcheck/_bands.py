"""The step, the verdict bands and the roundoff-floor estimate, with their reasons.

The relative difference `||g - g~|| / (||g|| + ||g~||)` of a central difference
with step `eps` has two error sources:

- truncation, about `eps**2 * |J'''| / 6` per coordinate;
- roundoff: `J` is known to about `u * |J|` (`u = 2.2e-16` in float64), so the
  difference quotient carries about `u * |J| / eps`.

Their sum is smallest near `eps = (3 u |J| / |J'''|) ** (1/3)`, about `1e-5`
for costs and derivatives of order one. The Course's `eps = 1e-7` sits a
hundred times below that, deep in the roundoff regime (`u / 1e-7 = 2e-9` of
absolute error on gradient entries that are often `1e-3` to `1e-2`, hence the
`3e-7` correct code can show). `EPS` below is measured, not guessed: over the
correct implementations of the test corpus the worst relative difference is
1.5e-7 at eps = 1e-7, 1.5e-8 at 1e-6, 1.5e-9 at 1e-5, 1.6e-9 at 3e-5 and 1.8e-8
at 1e-4 (`benchmarks/bench_gradcheck.py --precision`, `docs/gradcheck.md`).
"""

from __future__ import annotations

import numpy as np

#: The default step of the central differences (see the module docstring).
EPS = 1e-5

#: Below this relative difference a gradient is right. Correct float64 code on
#: the test corpus lands below 1e-8 with `EPS` (1.5e-9 at worst when measured),
#: so this line leaves a margin of a hundred and more.
PASS_LINE = 1e-6

#: At or above this relative difference a gradient is wrong. The classic bugs
#: sit far above it: a factor 2 gives 1/3, a factor 4 gives 3/5, a sign flip 1.
FAIL_LINE = 1e-3

#: Float64 unit roundoff.
UNIT_ROUNDOFF = float(np.finfo(np.float64).eps)

#: The error of one central difference in units of `u * |J| / eps`. Measured on
#: the corpus in the roundoff regime (eps = 1e-7, 1e-6) the largest deviation is
#: 1.2 units; 8 leaves room for costs summed over more examples and layers.
COST_ROUNDOFF_UNITS = 8.0

#: The error of one central difference in units of `s / eps`, where `s` is the
#: measured noise of `J` (see `_noise.py`): the difference of two values each
#: off by `s`, over `2 eps`, is about `0.7 s / eps`; 4 covers the spread of
#: the estimate (a factor 2.5 either way in 9 cases out of 10).
NOISE_UNITS = 4.0

#: How far above the roundoff floor a difference must be before it counts.
FLOOR_MARGIN = 10.0


def roundoff_per_coordinate(cost_scale: float, eps: float, noise: float = 0.0) -> float:
    """The roundoff error of one central difference of a cost of size `cost_scale`.

    **Arguments:**

    - `cost_scale`: the largest `|J|` the difference used.
    - `eps`: the step.
    - `noise`: the measured noise of `J` (`_noise.py`); it takes over when larger
      than the `u |J|` model, as for a saturated sigmoid where `J` is tiny but
      its absolute error is not.

    **Returns:** `max(COST_ROUNDOFF_UNITS * u * |J|, NOISE_UNITS * noise) / eps`:
    `J(theta + eps)` and
    `J(theta - eps)` each carry a few `u * |J|` of rounding error, and their
    difference is divided by `2 eps`.
    """
    model = COST_ROUNDOFF_UNITS * UNIT_ROUNDOFF * abs(cost_scale)
    return max(model, NOISE_UNITS * noise) / eps


def relative_difference(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """The Course's `||g - g~|| / (||g|| + ||g~||)`; 0 when both are exactly zero."""
    denominator = float(np.linalg.norm(analytic) + np.linalg.norm(numeric))
    if denominator == 0.0:
        return 0.0
    return float(np.linalg.norm(analytic - numeric)) / denominator


def roundoff_floor(
    analytic: np.ndarray, numeric: np.ndarray, per_coordinate: float | np.ndarray
) -> float:
    """The relative difference that roundoff alone can produce on these values.

    **Arguments:**

    - `analytic`, `numeric`: the compared values, shape `(k,)`.
    - `per_coordinate`: the roundoff of one difference, from `roundoff_per_coordinate`:
      one number for all, or one per value `(k,)` when the steps differ.

    **Returns:** `||r|| / (||g|| + ||g~||)` with `r` the roundoff of each value
    (`sqrt(k) r` for a common one), or `inf` when both are zero.
    """
    denominator = float(np.linalg.norm(analytic) + np.linalg.norm(numeric))
    each = np.broadcast_to(np.asarray(per_coordinate, dtype=np.float64), analytic.shape)
    noise = float(np.linalg.norm(each))
    if denominator == 0.0:
        return float("inf") if noise > 0 else 0.0
    return noise / denominator


#: The verdict of a parameter that cannot be checked here: the noise of the
#: cost reaches the fail line, or too few of its coordinates could be compared.
INCONCLUSIVE = "inconclusive"


def verdict(difference: float, floor: float, pass_line: float, fail_line: float) -> str:
    """`"ok"`, `"doubtful"`, `"wrong"` or `"inconclusive"` for one parameter.

    **Arguments:**

    - `difference`: the relative difference.
    - `floor`: its roundoff floor (`roundoff_floor`).
    - `pass_line`, `fail_line`: the bands.

    **Returns:**

    - `"ok"` at or below `pass_line`, or below `FLOOR_MARGIN * floor` when that
      is still below `fail_line` (a difference roundoff can explain is no
      evidence of a bug);
    - `"wrong"` at or above `fail_line` when roundoff cannot explain it;
    - `"inconclusive"` when only roundoff that reaches the fail line could
      explain the difference: the check cannot tell a bug from noise, so it is
      never a pass;
    - `"doubtful"` otherwise.
    """
    explained = difference <= FLOOR_MARGIN * floor
    if difference <= pass_line:
        return "ok"
    if explained:
        return "ok" if FLOOR_MARGIN * floor < fail_line else INCONCLUSIVE
    if difference >= fail_line:
        return "wrong"
    return "doubtful"
