"""A nearby point to check at, when the given one holds too little evidence.

With the Course's initialiser (`randn * 0.01`, zero biases) and few examples,
whole layers can sit on a ReLU's kink (`Z[l]` exactly 0 where `A[l-1]` is 0) or
be inactive for every example: no step gives a trustworthy difference there, or
the gradient is `0 = 0`. Backprop is the same code at every point, so
`check_functions` checks it again at a nearby point: attempt `k` (1, 2, 3) moves
every hidden bias `b[l]` by `NUDGE * 10**(k-1) * (z + 1)` and the output bias
`b[L]` by `NUDGE * z`, with `z` standard normal from a generator seeded by the
check's seed. The `+ 1` moves most hidden units to the active side (off the kink
and alive), while the spread leaves some inactive, so a wrong derivative still
shows; the output bias only jitters, so that the output does not saturate.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from ._assemble import too_noisy
from ._bands import INCONCLUSIVE
from ._errors import CheckInputError
from ._names import course_name
from ._report import Report

#: The size of the nudge: small next to the `Z[l]` of a trained or He-initialised
#: network (order one), large next to the `1e-4` to `1e-7` of deep layers under
#: the Course's `* 0.01` initialiser, which it moves well away from the kink.
NUDGE = 0.1

#: How many nearby points are tried before the check reports too little evidence.
ATTEMPTS = 3

_BIAS = re.compile(r"^b\d+$")


def nudged(
    parameters: dict[str, np.ndarray], rng: np.random.Generator, attempt: int = 1
) -> tuple[dict[str, np.ndarray], list[str]]:
    """A copy of `parameters` with every bias nudged (every parameter when there are no biases).

    **Arguments:**

    - `parameters`: the Course's dict form, e.g. `{"W1": (n[1], n[0]), "b1": (n[1], 1)}`;
      never modified.
    - `rng`: the seeded generator of the nudge.
    - `attempt`: 1, 2, 3 ...: each attempt nudges the hidden biases ten times further.

    **Returns:** `(new parameters, keys nudged)`.
    """
    biases = [key for key in parameters if _BIAS.match(key)]
    keys = biases or list(parameters)
    last = max(biases, key=lambda key: int(key[1:])) if biases else None
    moved = dict(parameters)
    for key in keys:
        value = parameters[key]
        z = rng.standard_normal(value.shape)
        if key == last and len(keys) > 1:
            moved[key] = value + NUDGE * z
        else:
            moved[key] = value + NUDGE * 10.0 ** (attempt - 1) * (z + 1.0)
    return moved, keys


def at_nearby_points(
    report: Report,
    parameters: dict[str, np.ndarray],
    check_at: Callable[[dict[str, np.ndarray], str], Report],
    seed: int,
) -> Report:
    """`report`, or the report at a nearby point when the given one held too little evidence.

    **Arguments:**

    - `report`: the check at the given parameters.
    - `parameters`: those parameters (never modified).
    - `check_at`: runs the same check at other parameters; its second argument
      says where, for messages.
    - `seed`: the check's seed (the nudges come from `default_rng([seed, 3])`).

    **Returns:** the report at the first nearby point that leaves nothing
    inconclusive, with a note saying where; the given report when none does.
    A wrong gradient at the given point is evidence enough: no other point is tried.
    """
    given = report
    attempts = np.random.default_rng([seed, 3])
    for attempt in range(1, ATTEMPTS + 1):
        if not _wants_another_point(report):
            break
        point, keys = nudged(parameters, attempts, attempt)
        described = ", ".join(course_name(k) for k in keys)
        try:
            nearby = check_at(point, f"at a nearby point ({described} nudged)")
        except CheckInputError as error:
            # The code fails there (log(0) of a saturated output ...): the given
            # point's report stands, with the reason no other was used.
            report.notes.append(f"a nearby point could not be checked: {error}")
            continue
        if _blames_the_noisy(nearby, report):
            report.notes.append(
                "a nearby point was checked too, but the gradients whose roundoff reached the "
                "fail line here were not judged there"
            )
            break
        unclear = [r.name for r in report.results.values() if r.verdict != "ok"]
        nearby.notes.append(
            f"checked at a nearby point: at the given parameters {', '.join(unclear)} had too "
            f"little evidence (values on a ReLU-like kink, or 0 = 0), so {described} were moved "
            f"by {NUDGE * 10.0 ** (attempt - 1):g} * (z + 1) (the output bias by {NUDGE} * z), "
            f"z standard normal (seed {seed}, attempt {attempt}); backprop is the same code at "
            "every point"
        )
        report = nearby
    if report is not given and _wants_another_point(report):
        # No nearby point did better: the given point's report, which says why.
        given.notes.append(
            f"{ATTEMPTS} nearby points (biases nudged, seed {seed}) left it inconclusive too"
        )
        return given
    return report


def _wants_another_point(report: Report) -> bool:
    # A wrong gradient is evidence enough; inconclusive ones deserve another point.
    results = report.results.values()
    return all(r.verdict != "wrong" for r in results) and any(r.verdict != "ok" for r in results)


def _blames_the_noisy(nearby: Report, given: Report) -> bool:
    # A gradient whose roundoff reached the fail line at the given point is not
    # called wrong at another: that point's noise may only be harder to see.
    return any(
        r.verdict == "wrong"
        and given.results[key].verdict == INCONCLUSIVE
        and given.results[key].diagnosis == too_noisy(key, given.results[key].floor)
        for key, r in nearby.results.items()
    )
