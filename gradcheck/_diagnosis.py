"""Saying in words how a wrong gradient is wrong: a factor, a sign, a missing 1/m ..."""

from __future__ import annotations

import numpy as np

from ._names import course_name, gradient_name

# A pattern is named only when it explains the analytic gradient to 1%: the
# planted bugs fit exactly (to roundoff), while a coincidental fit of an
# unrelated bug to within 1% is rare.
_FIT = 1e-2


def _round(c: float) -> bool:
    # 2, 4, 1/2 ...: the factors a slip of the pen produces.
    nearest = round(c) if abs(c) >= 1 else round(1.0 / c) if c != 0 else 0
    target = nearest if abs(c) >= 1 else (1.0 / nearest if nearest else 0.0)
    return nearest != 0 and abs(c / target - 1.0) < _FIT


def _ratio_text(c: float) -> str:
    return f"{c:.2f}" if abs(c) >= 0.01 else f"{c:.2e}"


def diagnose(
    key: str,
    analytic: np.ndarray,
    numeric: np.ndarray,
    *,
    m: int | None,
    noise: float,
    analytic_full: np.ndarray | None = None,
    numeric_full: np.ndarray | None = None,
) -> str:
    """One sentence saying what is most likely wrong with the gradient of `key`.

    **Arguments:**

    - `key`: the parameter's key, e.g. `"W2"`.
    - `analytic`, `numeric`: the compared values, shape `(k,)` (coordinates or
      directional derivatives, kinks excluded).
    - `m`: the number of examples when known, to recognise a missing `1/m`.
    - `noise`: the roundoff of one numerical value, below which a value is zero.
    - `analytic_full`, `numeric_full`: the whole gradients, of the parameter's
      shape, when every coordinate was checked (to recognise a transpose).

    **Returns:** the diagnosis, in course notation.
    """
    grad = gradient_name(key)
    name = course_name(key)
    threshold = 10.0 * noise * np.sqrt(max(analytic.size, 1))
    a_norm = float(np.linalg.norm(analytic))
    n_norm = float(np.linalg.norm(numeric))
    if not np.any(analytic) and n_norm > threshold:
        return (
            f"{grad} is all zeros but the numerical gradient is not: it was never computed "
            f"(or never stored in grads); compute it in backward"
        )
    if n_norm <= threshold and a_norm > threshold:
        return (
            f"the numerical gradient of {name} is zero but {grad} is not: the cost does not "
            f"depend on {name}. Does the forward pass use {name} (a layer skipped)?"
        )
    if n_norm > 0 and a_norm > 0:
        c = float(analytic @ numeric) / float(numeric @ numeric)
        residual = float(np.linalg.norm(analytic - c * numeric)) / a_norm
        if residual < _FIT:
            if abs(c + 1.0) < _FIT:
                return (
                    f"{grad} has the wrong sign: it is -1 x the numerical gradient "
                    "(a sign flipped in dA[L] or in a dZ)"
                )
            if m is not None and m > 1 and abs(c / m - 1.0) < _FIT:
                return (
                    f"{grad} is m = {m} x the numerical gradient: the 1/m is missing "
                    f"({grad} = (1/m) ...)"
                )
            if m is not None and m > 1 and abs(c * m - 1.0) < _FIT:
                return f"{grad} is 1/m = 1/{m} x the numerical gradient: it is divided by m twice"
            # With fewer than 4 values a common ratio is no evidence of a
            # constant factor unless it is a round one.
            if abs(c - 1.0) >= _FIT and (analytic.size >= 4 or _round(c)):
                return f"{grad} is {_ratio_text(c)} x the numerical gradient: a constant factor"
    if (
        analytic_full is not None
        and numeric_full is not None
        and analytic_full.ndim == 2
        and analytic_full.shape[0] == analytic_full.shape[1] > 1
    ):
        flipped = analytic_full.T
        denominator = float(np.linalg.norm(flipped) + np.linalg.norm(numeric_full))
        if denominator > 0 and float(np.linalg.norm(flipped - numeric_full)) < (_FIT * denominator):
            return (
                f"{grad} is the transpose of the numerical gradient: for a square {name} "
                "the shapes agree, so check the order of the product "
                "(dW[l] = (1/m) dZ[l] @ A[l-1].T)"
            )
    return (
        f"{grad} differs from the numerical gradient with no simple pattern "
        "(not a constant factor, a sign, a missing 1/m or a transpose): "
        "look at the worst entries below, then at the activation's derivative and the caches"
    )
