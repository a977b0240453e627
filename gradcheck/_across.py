"""Diagnoses across parameters: one cause behind the differences of several gradients.

A wrong gradient is diagnosed on its own (`_diagnosis.py`), but some bugs show
only in the pattern across all of them: every gradient `1/m` of the numerical
one points to the cost, not to backprop; factors `m / n[l-1]` that change from
layer to layer point to `m` read from the wrong axis of `A[l-1]`.
"""

from __future__ import annotations

import numpy as np

from dimcheck._vocabulary import parse_key

from ._report import ParameterResult

# A ratio is named only when it explains every value to 1% (as in `_diagnosis.py`).
_FIT = 1e-2


def ratio(result: ParameterResult) -> float | None:
    """The constant `c` with `analytic = c * numerical` to 1%, or `None` when there is none."""
    a, n = result.analytic, result.numeric
    if a.size == 0 or not np.any(n) or not np.any(a):
        return None
    c = float(a @ n) / float(n @ n)
    if float(np.linalg.norm(a - c * n)) > _FIT * float(np.linalg.norm(a)):
        return None
    return c


def _close(c: float | None, target: float) -> bool:
    return c is not None and abs(c / target - 1.0) < _FIT


def across(results: dict[str, ParameterResult], m: int | None) -> list[str]:
    """What the differences of all the gradients together say, in course notation.

    **Arguments:**

    - `results`: a `ParameterResult` per parameter key (`"W1"`, `"b1"`, ...).
    - `m`: the number of examples, when known.

    **Returns:** sentences for the report's notes (none when no pattern fits).
    """
    wrong = {key: r for key, r in results.items() if r.verdict in ("wrong", "doubtful")}
    if len(wrong) < 2 or m is None or m < 2:
        return []
    ratios = {key: ratio(r) for key, r in results.items()}
    if all(_close(c, 1.0 / m) for c in ratios.values()):
        return [
            f"every gradient is 1/m = 1/{m} of the numerical one: backprop agrees with itself, "
            "so the cost is m times too large. Is compute_cost missing its 1/m? "
            "(J = -(1/m) np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))"
        ]
    layers: dict[int, list[str]] = {}
    for key in results:
        parsed = parse_key(key, lowercase=False)
        if parsed is None or parsed[0] not in ("W", "b"):
            return []
        layers.setdefault(parsed[1], []).append(key)
    n_before = {}
    for layer in layers:
        W = results.get(f"W{layer}")
        if W is None or len(W.shape) != 2:
            return []
        n_before[layer] = int(W.shape[1])
    fits = all(
        _close(ratios[key], m / n_before[layer]) for layer, keys in layers.items() for key in keys
    )
    if fits and len({n_before[layer] for layer in layers}) > 1:
        return [
            "every layer's dW[l] and db[l] is m / n[l-1] x the numerical gradient: the 1/m of "
            "backprop divides by n[l-1] instead, so m is read from the wrong axis of A[l-1]; "
            "use m = A_prev.shape[1] (one example per column)"
        ]
    return []
