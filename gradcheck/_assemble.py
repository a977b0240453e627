"""Turning compared values into one parameter's verdict, diagnosis and worst entries."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ._bands import FLOOR_MARGIN, INCONCLUSIVE, relative_difference, roundoff_floor, verdict
from ._diagnosis import diagnose
from ._names import course_name, gradient_name
from ._report import Entry, ParameterResult

_WORST = 3


#: The fewest compared values, as a fraction of those examined, a verdict may rest on.
MAJORITY = 0.5


def independent_of(key: str) -> str:
    """The diagnosis of a parameter the cost does not depend on at all."""
    name = course_name(key)
    return (
        f"the cost does not depend on {name}: its numerical gradient is zero, and J does not "
        f"move even under large changes of {name} (at this point and at far ones), so 0 = 0 "
        f"checks nothing. Does the forward "
        f"pass use {name} (a layer skipped, a parameter read from the wrong key)? If {name} is "
        f'meant to be unused, say so: unused=["{key}"]'
    )


def flat_here(key: str) -> str:
    """The diagnosis of a parameter whose gradient is zero here but not everywhere."""
    name = course_name(key)
    return (
        f"not enough evidence: J is flat in {name} at these parameters (its units are inactive "
        "for every example, e.g. ReLUs dead or the layer after it dead), so 0 = 0 checks "
        f"nothing; check again at other parameters or on more examples"
    )


def too_noisy(key: str, floor: float) -> str:
    """The diagnosis of a parameter whose roundoff floor reaches the fail line."""
    return (
        f"not enough evidence: the roundoff of J alone could produce a relative difference of "
        f"{FLOOR_MARGIN * floor:.0e} on {gradient_name(key)}, which reaches the fail line, so "
        "a bug and noise look alike here, even with larger steps (gradients vanishing "
        "under a small initialiser, or an output A[L] saturated near 0 or 1). Check on "
        "less extreme data or parameters (larger weights, scaled inputs)"
    )


def too_few(key: str, compared: int, examined: int) -> str:
    """The diagnosis of a parameter most of whose values crossed a kink at every step."""
    return (
        f"not enough evidence: only {compared} of the {examined} values of {course_name(key)} "
        "examined could be compared; the others sit on a ReLU-like kink that every step "
        "crossed (Z[l] exactly at the kink, as zero biases and inactive units make it). "
        "No verdict rests on a minority: check again at other parameters (nonzero biases) "
        "or on more examples"
    )


def assemble(
    key: str,
    shape: tuple[int, ...],
    analytic: np.ndarray,
    numeric: np.ndarray,
    *,
    indices: np.ndarray | None,
    kinks: np.ndarray,
    noise: float | np.ndarray,
    how: str,
    m: int | None,
    pass_line: float,
    fail_line: float,
    full_analytic: np.ndarray | None = None,
) -> ParameterResult:
    """The `ParameterResult` of one parameter from its compared values.

    **Arguments:**

    - `key`, `shape`: the parameter's key and shape.
    - `analytic`, `numeric`: compared values, shape `(k,)`.
    - `indices`: flat indices of the coordinates, shape `(k,)`, or `None` for
      directional derivatives.
    - `kinks`: boolean mask `(k,)` of values that crossed a kink (excluded).
    - `noise`: roundoff of one numerical value, or of each `(k,)`.
    - `how`: how the values were obtained, for the report.
    - `m`: the number of examples, when known.
    - `pass_line`, `fail_line`: the verdict bands.
    - `full_analytic`: the whole analytic gradient, of shape `shape`.
    """
    keep = ~kinks
    a, n = analytic[keep], numeric[keep]
    roundoff = np.broadcast_to(np.asarray(noise, dtype=np.float64), analytic.shape)[keep]
    difference = relative_difference(a, n)
    floor = roundoff_floor(a, n, roundoff)
    result_verdict = verdict(difference, floor, pass_line, fail_line)
    enough = a.size > 0 and a.size >= MAJORITY * analytic.size
    diagnosis = None
    worst: tuple[Entry, ...] = ()
    kink_indices: tuple[tuple[int, ...], ...] = ()
    if indices is not None:
        kink_indices = tuple(
            tuple(int(i) for i in np.unravel_index(int(flat), shape)) for flat in indices[kinks]
        )
    if result_verdict == INCONCLUSIVE:
        diagnosis = too_noisy(key, floor)
    elif result_verdict != "ok":
        full_numeric = None
        if indices is not None and keep.all() and indices.size == int(np.prod(shape)):
            full_numeric = np.empty(indices.size)
            full_numeric[indices] = numeric
            full_numeric = full_numeric.reshape(shape)
        diagnosis = diagnose(
            key,
            a,
            n,
            m=m,
            noise=float(np.sqrt(np.mean(roundoff**2))) if roundoff.size else 0.0,
            analytic_full=full_analytic if full_numeric is not None else None,
            numeric_full=full_numeric,
        )
        if indices is not None:
            kept = indices[keep]
            order = np.argsort(-np.abs(a - n), kind="stable")[:_WORST]
            worst = tuple(
                Entry(
                    tuple(int(i) for i in np.unravel_index(int(kept[j]), shape)),
                    float(a[j]),
                    float(n[j]),
                )
                for j in order
            )
    if not enough and analytic.size > 0:
        # A verdict resting on a minority of the values is no verdict, whatever it is.
        result_verdict = INCONCLUSIVE
        diagnosis = too_few(key, int(a.size), int(analytic.size))
    return ParameterResult(
        key=key,
        shape=tuple(shape),
        verdict=result_verdict,
        difference=difference,
        floor=floor,
        checked=int(keep.sum()),
        how=how,
        analytic=a,
        numeric=n,
        diagnosis=diagnosis,
        worst=worst,
        kinks=kink_indices,
    )


FLAT_NOTE = (
    "the cost did not change at all under any perturbation: it is saturated or clipped "
    "(A[L] rounded to 0 or 1, or kept away from them by a clip), where no finite difference "
    "can check a gradient; check again on less extreme data"
)


def when_flat(results: list[ParameterResult]) -> tuple[list[ParameterResult], list[str]]:
    """Verdicts and a note for a cost that no perturbation moved at all.

    Every numerical value exactly 0 while some analytic one is not means the
    check saw nothing: `J` is flat (clipped, or saturated below its
    resolution). That is no evidence either way, so `wrong` becomes
    `inconclusive`, with the reason in the notes.

    **Arguments:**

    - `results`: one `ParameterResult` per parameter.

    **Returns:** `(results, notes)`, unchanged with no notes unless `J` was flat.
    """
    numeric_flat = all(not np.any(r.numeric) for r in results)
    analytic_any = any(np.any(r.analytic) for r in results)
    if not (results and numeric_flat and analytic_any):
        return results, []
    short = "the cost did not change at all under any perturbation (see the note below)"
    changed = [
        replace(r, verdict=INCONCLUSIVE, diagnosis=short) if r.verdict == "wrong" else r
        for r in results
    ]
    return changed, [FLAT_NOTE]
