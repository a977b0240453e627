"""Central differences, independent of the code under test."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

# Step for central differences in float64: truncation error ~ h^2 |f'''| ~ 1e-12
# and rounding ~ 1e-16 |f| / h ~ 1e-10 for the O(1) functions used here, so
# agreement to ~1e-7 (the tolerances below) separates correct from wrong code.
STEP = 1e-6
RTOL = 1e-5
ATOL = 1e-7


def central_difference(f: Callable[[np.ndarray], float], x: np.ndarray) -> np.ndarray:
    """`df/dx` at `x`, one coordinate at a time, on a copy of `x`."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + STEP
        plus = f(x)
        x[i] = old - STEP
        minus = f(x)
        x[i] = old
        grad[i] = (plus - minus) / (2 * STEP)
    return grad


def assert_gradient_close(analytic: np.ndarray, numeric: np.ndarray, what: str) -> None:
    # The rounding of a central difference is ~1e-16 |J| / STEP for every entry alike, and
    # |J| grows with the largest gradient (an identity output with MSE reaches |dW| ~ 1e2):
    # a small entry beside large ones is known only to ATOL times the largest.
    scale = max(1.0, float(np.max(np.abs(numeric), initial=0.0)))
    np.testing.assert_allclose(analytic, numeric, rtol=RTOL, atol=ATOL * scale, err_msg=what)
