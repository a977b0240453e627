"""The student's backward checked against the instructor's reference forward and cost.

The finite differences are those of the reference, never of the student's own forward and
cost: a cost that returns a constant, or that notices it is being checked (a read-only
`Y`, a stacked call, the call stack) and returns something else, decides nothing. The
student's forward and cost are compared with the reference's values instead, and each
can fail the test on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

# Relative and absolute tolerance of the student's A[L] and J against the reference: both
# are float64 computations of the same formula, equal to rounding (~1e-15 relative); a
# different order of operations (np.dot vs @, mean vs sum/m) stays far below 1e-7, while
# any real mistake (a missing bias, a wrong activation) is far above it.
VALUE_RTOL = 1e-7
VALUE_ATOL = 1e-10


class ReferenceMismatch(AssertionError):
    """The student's forward or cost differs from the reference's."""


def reference_functions(reference: Any) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """(forward, cost) of a reference: a module or object with the Course's names
    (`L_model_forward` or `forward_propagation`, and `compute_cost`), or a pair."""
    if isinstance(reference, tuple | list) and len(reference) == 2:
        return reference[0], reference[1]
    forward = getattr(reference, "L_model_forward", None) or getattr(
        reference, "forward_propagation", None
    )
    cost = getattr(reference, "compute_cost", None)
    if forward is None or cost is None:
        raise TypeError(
            "reference= takes a module with L_model_forward (or forward_propagation) and "
            f"compute_cost, or a pair (forward, cost): got {type(reference).__name__}"
        )
    return forward, cost


def _compare(what: str, got: Any, expected: Any, hint: str) -> None:
    import numpy as np

    got_ = np.asarray(got, dtype=np.float64)
    expected_ = np.asarray(expected, dtype=np.float64)
    if got_.shape != expected_.shape:
        # A scalar cost given as (1, 1) is the same number; any other shape is not.
        if not (got_.size == expected_.size == 1):
            raise ReferenceMismatch(
                f"{what} has shape {got_.shape}, the reference's {expected_.shape}. {hint}"
            )
        got_, expected_ = got_.reshape(()), expected_.reshape(())
    if not np.allclose(got_, expected_, rtol=VALUE_RTOL, atol=VALUE_ATOL, equal_nan=False):
        worst = float(np.max(np.abs(got_ - expected_))) if got_.size else 0.0
        raise ReferenceMismatch(
            f"{what} differs from the reference's (largest difference {worst:.3g}). {hint}"
        )


def check_against_reference(
    student: Mapping[str, Callable[..., Any]],
    reference: Any,
    parameters: Mapping[str, Any],
    X: Any,
    Y: Any,
    check: Callable[..., Any],
    **options: Any,
) -> Any:
    """Checks the student's forward, cost and backward against a reference.

    **Arguments:**

    - `student`: `forward(X, parameters) -> (AL, caches)`, `cost(AL, Y) -> J` and
      `backward(AL, Y, caches) -> grads` (`{"dW1", "db1", ...}`), the student's.
    - `reference`: see `reference_functions`; the instructor's, trusted.
    - `parameters`: `{"W1": (n[1], n[0]), "b1": (n[1], 1), ...}`. `X`: `(n[0], m)`.
      `Y`: `(n[L], m)`.
    - `check`: `gradcheck.check`, given the reference's cost of the parameters, the
      parameters and the student's gradients; `options` go to it.

    **Returns:** the `gradcheck.Report` of the student's gradients.

    **Raises:** `ReferenceMismatch` when the student's `A[L]` or `J` differs from the
    reference's.
    """
    forward_ref, cost_ref = reference_functions(reference)
    AL_ref = forward_ref(X, dict(parameters))[0]
    AL, caches = student["forward"](X, dict(parameters))
    _compare(
        "Your forward pass's A[L]",
        AL,
        AL_ref,
        "The gradients were not checked: they are only right for the right forward pass.",
    )
    _compare(
        "Your cost J (computed from the reference's A[L])",
        student["cost"](AL_ref, Y),
        cost_ref(AL_ref, Y),
        "The gradients were not checked: check the cost's formula and its 1/m.",
    )
    grads = student["backward"](AL, Y, caches)
    if not isinstance(grads, Mapping):
        raise ReferenceMismatch(
            f"Your backward pass must return a dict of gradients: got {type(grads).__name__}"
        )

    def cost_of(values: Mapping[str, Any]) -> Any:
        return cost_ref(forward_ref(X, dict(values))[0], Y)

    shape: tuple[int, ...] = tuple(getattr(X, "shape", ()))
    if len(shape) == 2:
        options.setdefault("m", shape[1])  # to recognise a missing 1/m
    return check(cost_of, parameters, grads, **options)
