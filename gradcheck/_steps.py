"""A step per value: shrink it where a central difference crossed a kink, until it no longer does.

With the Course's initialiser (`randn * 0.01`, zero biases) many `Z[l]` sit within
`eps` of a ReLU's kink, deeper layers closer than shallower ones, and a step of a
bias moves a whole row of `Z[l]` across it. A central difference that crosses a
kink is wrong by about half the jump of the slope, however correct the code. A
kink at distance `d` is not crossed by a step below `d`, so every value whose
difference crossed one is measured again at `step / 10`, `step / 100`, ... (its
roundoff grows as `1 / step`, and each value carries its own floor), until it no
longer crosses; only a kink that no step down to `eps / 10**SHRINKS` clears
(an input sitting exactly on it) is excluded.

Which values crossed a kink is known exactly for `models` blocks (the stacked
path sees every mask flip); for black-box code it is inferred from the one-sided
differences and from how the estimate moves as the step shrinks (`refined`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._bands import FLOOR_MARGIN, PASS_LINE, roundoff_per_coordinate

#: How many times the step is divided by `SHRINK`: eps 1e-5 goes down to 1e-9,
#: where the roundoff of a cost of order one, `8 u |J| / h`, is about 2e-6.
SHRINKS = 4
SHRINK = 10.0

#: How closely, relative to the value, the one-sided differences must agree and
#: the estimate must repeat itself from one step to the next: a smooth function
#: gives a gap of `h |J''|` and a change of `h^2 |J'''|`, far below it at the
#: steps tried, while a crossed kink moves both by a fraction of the slope's jump.
SETTLED = 1e-4

#: How many roundoffs of the two steps compared the one-sided gap and the change of
#: the estimate may reach before a value still counts as crossing a kink. Each
#: roundoff is already `NOISE_UNITS` (4) times the noise of `J` over the step, so 3
#: of them sit about five standard deviations out for roundoff alone; a larger
#: multiple lets the kinks of a deep ReLU stack under the `* 0.01` initialiser, which
#: also inflate the measured noise, pass for agreement at a step that still crosses
#: them (a whole row of `Z[4]` within `1e-7` of 0, a step of `1e-6`).
SLACK_ROUNDOFFS = 3.0

#: `(central, forward, backward, crossed, scale)` of some values at a step:
#: arrays `(k,)`, `crossed` a boolean `(k,)` of exactly known kink crossings or
#: `None` (a black box), and the largest `|J|` seen.
Differences = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, float]

#: Measures the values at the given positions `(k,)` with the given step.
Measure = Callable[[np.ndarray, float], Differences]


def disagreeing(
    analytic: np.ndarray, central: np.ndarray, roundoff: float | np.ndarray
) -> np.ndarray:
    """Which central differences disagree with backprop beyond the pass line and roundoff.

    **Arguments:**

    - `analytic`, `central`: values of shape `(k,)`.
    - `roundoff`: the roundoff of one central difference (a number or `(k,)`).

    **Returns:** a boolean mask of shape `(k,)`.
    """
    error = np.abs(central - analytic)
    return np.asarray(
        error > PASS_LINE * (np.abs(analytic) + np.abs(central)) + FLOOR_MARGIN * roundoff
    )


def refined(
    measure: Measure,
    analytic: np.ndarray,
    step: float,
    noise: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Central differences of `k` values, each at a step that crosses no kink.

    Black box: every value that disagrees with backprop at `step` is measured at
    `step / 10`, `step / 100`, ... until, at one step, its one-sided differences
    agree *and* its central difference stopped changing since the step before
    (a bug passes both at once and keeps its difference; a kink at distance `d`
    passes them once the step is below `d`; a kink exactly at the value never
    does). `models` blocks: every value whose copies flipped a mask is measured
    again at smaller steps until they flip none.

    **Arguments:**

    - `measure`: measures a subset of the values at a step (see `Measure`).
    - `analytic`: the analytic values, shape `(k,)`.
    - `step`: the first step tried (`eps`).
    - `noise`: the measured noise of `J` (`_noise.py`).

    **Returns:** `(values, kinks, roundoff)`, each of shape `(k,)`: the central
    differences, which values no step cleared of a kink (to exclude), and the
    roundoff of each value at the step it was taken with.
    """
    everything = np.arange(analytic.size)
    central, _, _, crossed, scale = measure(everything, step)
    roundoff = np.full(analytic.size, roundoff_per_coordinate(scale, step, noise))
    known = crossed is not None
    suspect = np.array(crossed, dtype=bool) if known else disagreeing(analytic, central, roundoff)
    previous, previous_roundoff = central.copy(), roundoff.copy()
    for _ in range(SHRINKS):
        if not suspect.any():
            break
        step /= SHRINK
        which = np.flatnonzero(suspect)
        c, f, b, crossed_here, scale_here = measure(which, step)
        r = roundoff_per_coordinate(scale_here, step, noise)
        if known:
            clear = ~np.asarray(crossed_here, dtype=bool)
        else:
            scale_of = np.abs(c) + np.abs(analytic[which])
            slack = SETTLED * scale_of + SLACK_ROUNDOFFS * (r + previous_roundoff[which])
            agree = np.abs(f - b) <= slack
            settled = np.abs(c - previous[which]) <= slack
            clear = agree & settled
            previous[which], previous_roundoff[which] = c, r
        central[which[clear]] = c[clear]
        roundoff[which[clear]] = r
        suspect[which[clear]] = False
    return central, suspect, roundoff
