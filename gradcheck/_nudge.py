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

A nudge cannot help where the roundoff of `J` hides a gradient (deep layers
under the `* 0.01` initialiser, a saturated output), nor where a wrong verdict
sits beside inconclusive ones (kinks closer than any step): there the check is
made at well-conditioned points instead (`_conditioned.py`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dimcheck._vocabulary import parse_key

from ._assemble import too_noisy
from ._bands import INCONCLUSIVE
from ._conditioned import SHIFTS, conditioned_reports, described_point
from ._errors import CheckInputError
from ._names import course_name
from ._report import Report

#: The size of the nudge: small next to the `Z[l]` of a trained or He-initialised
#: network (order one), large next to the `1e-4` to `1e-7` of deep layers under
#: the Course's `* 0.01` initialiser, which it moves well away from the kink.
NUDGE = 0.1

#: How many nearby points are tried before the check reports too little evidence.
ATTEMPTS = 3


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
    parsed = {key: parse_key(key, lowercase=False) for key in parameters}
    layer_of = {key: p[1] for key, p in parsed.items() if p is not None and p[0] == "b"}
    biases = list(layer_of)
    keys = biases or list(parameters)
    last = max(biases, key=layer_of.__getitem__) if biases else None
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
    """`report`, or the report at another point when the given one held too little evidence.

    **Arguments:**

    - `report`: the check at the given parameters.
    - `parameters`: those parameters (never modified).
    - `check_at`: runs the same check at other parameters; its second argument
      says where, for messages.
    - `seed`: the check's seed (the nudges come from `default_rng([seed, 3])`, the
      well-conditioned point from `default_rng([seed, 4])`).

    **Returns:** the report at the first nearby point that leaves nothing
    inconclusive, else at the well-conditioned point (`conditioned`) when that
    one does, with a note saying where; the given report, with a note, when none
    does. A wrong gradient at the given point is evidence enough, unless it sits
    beside inconclusive ones: then it must show at a well-conditioned point too
    (`_confirmed`). Nudges are skipped when roundoff alone is what held the
    evidence back: moving the biases cannot help there.
    """
    crowded = _wrong_among_the_unjudged(report)
    if not (_wants_another_point(report) or crowded):
        return report
    given = report
    if crowded:
        return _confirmed(given, parameters, check_at, seed)
    if not _only_roundoff(given):
        nearby = _nudged_report(given, parameters, check_at, seed)
        if nearby is not None:
            return nearby
    unclear = ", ".join(r.name for r in given.results.values() if r.verdict != "ok")
    for attempt, other in conditioned_reports(parameters, check_at, seed):
        if isinstance(other, CheckInputError):
            given.notes.append(f"a well-conditioned point could not be checked: {other}")
            continue
        if _blames_the_noisy(other, given):
            break
        if _wants_another_point(other):
            continue
        other.notes.append(
            f"checked at a well-conditioned point: at the given parameters {unclear} had too "
            "little evidence (the roundoff of J hid them, or units inactive for every "
            f"example), so {described_point(seed, attempt)}; backprop is the same code at "
            "every point"
        )
        return other
    given.notes.append(
        f"{len(SHIFTS)} well-conditioned points (weights rescaled, biases redrawn, seed {seed}) "
        "left it inconclusive too"
    )
    return given


def _nudged_report(
    given: Report,
    parameters: dict[str, np.ndarray],
    check_at: Callable[[dict[str, np.ndarray], str], Report],
    seed: int,
) -> Report | None:
    """The report at the first nudged point that leaves nothing inconclusive, or `None`."""
    attempts = np.random.default_rng([seed, 3])
    for attempt in range(1, ATTEMPTS + 1):
        point, keys = nudged(parameters, attempts, attempt)
        described = ", ".join(course_name(k) for k in keys)
        try:
            nearby = check_at(point, f"at a nearby point ({described} nudged)")
        except CheckInputError as error:
            # The code fails there (log(0) of a saturated output ...): the given
            # point's report stands, with the reason no other was used.
            given.notes.append(f"a nearby point could not be checked: {error}")
            continue
        if _blames_the_noisy(nearby, given):
            given.notes.append(
                "a nearby point was checked too, but the gradients whose roundoff reached the "
                "fail line here were not judged there"
            )
            return None
        if _wants_another_point(nearby):
            continue
        unclear = [r.name for r in given.results.values() if r.verdict != "ok"]
        nearby.notes.append(
            f"checked at a nearby point: at the given parameters {', '.join(unclear)} had too "
            f"little evidence (values on a ReLU-like kink, or 0 = 0), so {described} were moved "
            f"by {NUDGE * 10.0 ** (attempt - 1):g} * (z + 1) (the output bias by {NUDGE} * z), "
            f"z standard normal (seed {seed}, attempt {attempt}); backprop is the same code at "
            "every point"
        )
        return nearby
    given.notes.append(
        f"{ATTEMPTS} nearby points (biases nudged, seed {seed}) left it inconclusive too"
    )
    return None


def _only_roundoff(report: Report) -> bool:
    # Every gradient that is not ok is hidden by the roundoff of J.
    unclear = [r for r in report.results.values() if r.verdict != "ok"]
    return bool(unclear) and all(r.diagnosis == too_noisy(r.key, r.floor) for r in unclear)


def _wrong_among_the_unjudged(report: Report) -> bool:
    # Wrong gradients beside inconclusive ones: a point where kinks may sit closer
    # than any step (a ReLU unit within 1e-10 of 0 for every example, under zero
    # biases), so that one-sided differences agree beyond them and not at the point.
    verdicts = {r.verdict for r in report.results.values()}
    return "wrong" in verdicts and INCONCLUSIVE in verdicts


def _confirmed(
    given: Report,
    parameters: dict[str, np.ndarray],
    check_at: Callable[[dict[str, np.ndarray], str], Report],
    seed: int,
) -> Report:
    """`given`, whose wrong gradients sit beside inconclusive ones, or the report at a
    well-conditioned point when every gradient is ok there.

    A bug is in the code, so it shows at any ordinary point; a wrong verdict that
    vanishes at a point where everything can be judged came from the given point's
    kinks, and the report says so. A wrong verdict seen there too stands.
    """
    wrong = ", ".join(r.name for r in given.results.values() if r.verdict == "wrong")
    for attempt, other in conditioned_reports(parameters, check_at, seed):
        if isinstance(other, CheckInputError):
            return given
        verdicts = {r.verdict for r in other.results.values()}
        if "wrong" in verdicts:
            given.notes.append(
                f"the wrong verdict of {wrong} was confirmed at a well-conditioned point "
                f"(seed {seed}, attempt {attempt}): a bug shows wherever it is checked"
            )
            return given
        if verdicts == {"ok"}:
            other.notes.append(
                f"checked at a well-conditioned point: at the given parameters {wrong} "
                "disagreed beside gradients that could not be judged, a sign of kinks closer "
                "to the point than any step (ReLU inputs within 1e-10 of 0 under zero biases); "
                f"{described_point(seed, attempt)}, and every gradient agrees there"
            )
            return other
    return given


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
