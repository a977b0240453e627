"""Turning compared values into one parameter's verdict, diagnosis and worst entries."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ._bands import relative_difference, roundoff_floor, verdict
from ._diagnosis import diagnose
from ._report import Entry, ParameterResult

_WORST = 3


def kink_crossed(
    analytic: np.ndarray,
    central: np.ndarray,
    forward: np.ndarray,
    backward: np.ndarray,
    noise: float,
) -> np.ndarray:
    """Which central differences are wrong because the step crossed a kink.

    A kink at distance `d < eps` on one side of `theta` leaves the one-sided
    difference on the other side equal to the analytic derivative, while the
    one crossing it is off by `jump * (eps - d) / eps` and the central
    difference by half that. A smooth bug instead moves all three together.

    **Arguments:**

    - `analytic`, `central`, `forward`, `backward`: values of shape `(k,)`.
    - `noise`: the roundoff of one central difference.

    **Returns:** a boolean mask of shape `(k,)`.
    """
    error = np.abs(central - analytic)
    # Only differences that would matter are examined: a relative error of
    # 1e-3 (the fail line) on that coordinate, well above roundoff.
    disagree = error > 1e-3 * (np.abs(analytic) + np.abs(central)) + 10.0 * noise
    one_sided_gap = np.abs(forward - backward)
    closest = np.minimum(np.abs(forward - analytic), np.abs(backward - analytic))
    # One-sided differences carry twice the central roundoff.
    return disagree & (one_sided_gap > 0.5 * error) & (closest < 0.25 * error + 20.0 * noise)


def assemble(
    key: str,
    shape: tuple[int, ...],
    analytic: np.ndarray,
    numeric: np.ndarray,
    *,
    indices: np.ndarray | None,
    kinks: np.ndarray,
    noise: float,
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
    - `noise`: roundoff of one numerical value.
    - `how`: how the values were obtained, for the report.
    - `m`: the number of examples, when known.
    - `pass_line`, `fail_line`: the verdict bands.
    - `full_analytic`: the whole analytic gradient, of shape `shape`.
    """
    keep = ~kinks
    a, n = analytic[keep], numeric[keep]
    difference = relative_difference(a, n)
    floor = roundoff_floor(a, n, noise)
    result_verdict = verdict(difference, floor, pass_line, fail_line)
    diagnosis = None
    worst: tuple[Entry, ...] = ()
    kink_indices: tuple[tuple[int, ...], ...] = ()
    if indices is not None:
        kink_indices = tuple(
            tuple(int(i) for i in np.unravel_index(int(flat), shape)) for flat in indices[kinks]
        )
    if result_verdict != "ok":
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
            noise=noise,
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
    `doubtful`, with the reason in the notes.

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
        replace(r, verdict="doubtful", diagnosis=short) if r.verdict == "wrong" else r
        for r in results
    ]
    return changed, [FLAT_NOTE]
