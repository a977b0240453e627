"""Shape-first validation: parameters, gradients and costs, before any numerics."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from dimcheck._vocabulary import rank1_hint, single_number_hint, squeeze_hint, transpose_hint

from ._errors import CheckInputError, GradientShapeError, PrecisionWarning
from ._names import course_name, gradient_key, gradient_name, shape_symbols, shape_text


def _symbolic(key: str, shape: tuple[int, ...], transposed: bool) -> str:
    symbols = shape_symbols(key, len(shape), transposed)
    if symbols is None:
        return shape_text(shape)
    return "(" + ", ".join(symbols) + ") = " + shape_text(shape)


def _first_bad(array: np.ndarray) -> tuple[int, str]:
    bad = ~np.isfinite(array)
    count = int(bad.sum())
    first = tuple(int(i) for i in np.argwhere(bad)[0]) if array.ndim else ()
    kind = "NaN" if np.isnan(array[first] if array.ndim else array) else "inf"
    where = "[" + ", ".join(map(str, first)) + "]" if first else ""
    return count, f"{kind} at {where}" if where else kind


def warn_low_precision(names: list[str], dtype: Any, what: str) -> None:
    """One `PrecisionWarning` for every array of less than float64 precision."""
    dtype = np.dtype(dtype)
    subject = f"{what} {names[0]} is" if len(names) == 1 else f"{what}s {', '.join(names)} are"
    warnings.warn(
        f"{subject} {dtype}: checked on a float64 copy, because {dtype}'s roundoff "
        f"(about {np.finfo(dtype).eps:.0e} of the cost) divided by the step eps would swamp "
        "the differences a gradient check measures; compute in float64 to silence this warning",
        PrecisionWarning,
        stacklevel=5,
    )


def as_float64(
    name: str, value: Any, what: str, *, warn: bool = True, copy: bool = True
) -> np.ndarray:
    """A float64 copy of `value` after checking it is a finite numeric array.

    **Arguments:**

    - `name`: the array's name in course notation, e.g. `"W[1]"`.
    - `value`: the user's array (never modified).
    - `what`: `"parameter"` or `"gradient"`, for the messages.
    - `copy`: `False` returns a read-only view of `value` when it already is a
      C-contiguous float64 array (what is only read need not be copied: a check of
      10^8 parameters saves 0.8 GB).

    **Returns:** a float64 array of the same shape: new and owned by gradcheck, or a
    read-only view of `value`.
    """
    array = np.asarray(value)
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)
    ):
        raise CheckInputError(
            f"{what} {name} has dtype {array.dtype}: expected an array of floats; "
            f"use np.asarray({name}, dtype=np.float64)"
        )
    if warn and np.issubdtype(array.dtype, np.floating) and array.dtype.itemsize < 8:
        warn_low_precision([name], array.dtype, what)
    # C order, always: the finite differences perturb entries through a flat
    # view (`reshape(-1)`), which is a copy, not a view, of an F-order or
    # transposed array; a perturbation written there would never reach the cost.
    if not copy and array.dtype == np.float64 and array.flags.c_contiguous:
        result = array.view(np.ndarray)
        result.flags.writeable = False
    else:
        result = np.array(array, dtype=np.float64, order="C", copy=True)
    if not np.all(np.isfinite(result)):
        count, where = _first_bad(result)
        raise CheckInputError(
            f"{what} {name} holds {count} non-finite value(s) ({where}): a gradient check "
            "needs finite numbers; look for a division by zero or a log of 0 upstream"
        )
    return result


def prepare_parameters(parameters: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """Float64 copies of every parameter, keyed as given.

    **Arguments:**

    - `parameters`: the Course's dict form, e.g. `{"W1": (n[1], n[0]), "b1": (n[1], 1)}`.

    **Returns:** a new dict of new float64 arrays with the same keys and shapes.
    """
    if not isinstance(parameters, Mapping) or len(parameters) == 0:
        raise CheckInputError(
            "parameters must be a non-empty dict of arrays, e.g. "
            '{"W1": W1, "b1": b1, ...}: got ' + type(parameters).__name__
        )
    low = [
        (course_name(str(key)), np.asarray(value).dtype)
        for key, value in parameters.items()
        if np.issubdtype(np.asarray(value).dtype, np.floating)
        and np.asarray(value).dtype.itemsize < 8
    ]
    if low:
        warn_low_precision([name for name, _ in low], low[0][1], "parameter")
    return {
        str(key): as_float64(course_name(str(key)), value, "parameter", warn=False)
        for key, value in parameters.items()
    }


def _hint(key: str, expected: tuple[int, ...], got: tuple[int, ...], transposed: bool) -> str:
    letter = key[:1]
    if len(expected) == 2 and got == expected[::-1] and expected[0] != expected[1]:
        if letter == "W":
            # The product that has W[l]'s shape depends on how W[l] is stored.
            product = "A[l-1] @ dZ[l].T" if transposed else "dZ[l] @ A[l-1].T"
            return transpose_hint(f"d{key}") + f" (dW[l] = (1/m) {product} has the shape of W[l])"
        return transpose_hint(f"d{key}")
    if letter == "b" and len(expected) == 2 and expected[1] == 1:
        if got == ():
            return single_number_hint(f"d{key}")
        if got == (expected[0],):
            return rank1_hint(f"d{key}", expected[0])
        if len(got) == 2 and got[0] == 1:
            return " Sum over the examples, axis=1, not axis=0: np.sum(dZ, axis=1, keepdims=True)"
        if len(got) == 2 and got[0] == expected[0]:
            return " Sum over the m examples: np.sum(dZ, axis=1, keepdims=True)"
    if len(got) == 1 and len(expected) == 2 and got[0] in expected and 1 in expected:
        return rank1_hint(f"d{key}", got[0], column=expected[1] == 1)
    if len(got) == 1:
        return f" A rank-1 array: reshape it to {shape_text(expected)}."
    return ""


def _shape_of_another(key: str, got: tuple[int, ...], parameters: Mapping[str, Any]) -> str:
    """A hint when a gradient has the shape of another parameter: its key is off."""
    others = [k for k, p in parameters.items() if k != key and np.shape(p) == got]
    if not others:
        return ""
    other = others[0]
    return (
        f" That is the shape of {course_name(other)}: are the grads keys off by one "
        f'(grads["{gradient_key(key)}"] holding {gradient_name(other)})?'
    )


def match_gradients(
    parameters: Mapping[str, np.ndarray],
    gradients: Mapping[str, Any],
    *,
    transposed: bool = False,
    copy: bool = True,
) -> dict[str, np.ndarray]:
    """Float64 copies of the gradients, keyed like the parameters, shapes checked first.

    **Arguments:**

    - `parameters`: the (already prepared) parameters, e.g. `W1` of shape `(n[1], n[0])`.
    - `gradients`: keyed like the parameters (`"W1"`) or the Course's way
      (`"dW1"`); other keys (`"dA0"`) are ignored.
    - `transposed`: the weights are stored `(n[l-1], n[l])`, for the messages.
    - `copy`: `False` uses C-contiguous float64 gradients as they are, read-only views.

    **Returns:** a dict with one float64 array per parameter, of its shape.

    **Raises:** `GradientShapeError` naming the gradient, the expected shape
    with its symbols bound and the actual shape.
    """
    if not isinstance(gradients, Mapping):
        raise CheckInputError(
            "gradients must be a dict of arrays, e.g. "
            '{"dW1": dW1, "db1": db1, ...}: got ' + type(gradients).__name__
        )
    result: dict[str, np.ndarray] = {}
    for key, parameter in parameters.items():
        if key in gradients:
            value = gradients[key]
        elif gradient_key(key) in gradients:
            value = gradients[gradient_key(key)]
        else:
            have = ", ".join(sorted(map(str, gradients))) or "nothing"
            raise GradientShapeError(
                f"{gradient_name(key)} is missing: the gradients hold {have}. Backward must "
                f'return grads["{gradient_key(key)}"] with the shape of {course_name(key)}, '
                f"{_symbolic(key, parameter.shape, transposed)}"
            )
        name = gradient_name(key)
        got = np.shape(value)
        if got != parameter.shape:
            raise GradientShapeError(
                f"{name} must have the shape of {course_name(key)}, "
                f"{_symbolic(key, parameter.shape, transposed)}: got {shape_text(got)}."
                + (
                    _hint(key, parameter.shape, got, transposed)
                    or _shape_of_another(key, got, parameters)
                )
            )
        result[key] = as_float64(name, value, "gradient", copy=copy)
    return result


def cost_shape_note(value: Any) -> str:
    """A note for a cost that holds one number but is not a scalar (`(1, 1)`), or `""`."""
    shape = np.shape(value)
    if shape == () or np.size(value) != 1:
        return ""
    return (
        "compute_cost returned J as a "
        + shape_text(shape)
        + " array."
        + squeeze_hint("cost", shape)
    )


def scalar_cost(value: Any, where: str) -> float:
    """The cost `J` as a Python float, refusing arrays of more than one element.

    **Arguments:**

    - `value`: what the user's cost returned: a float, a 0-d array or a `(1, 1)` array.
    - `where`: where it was evaluated, e.g. `"at the given parameters"`.

    **Returns:** `J` as a float.
    """
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise CheckInputError(
            f"the cost J must be a number: got {type(value).__name__} {where}"
        ) from error
    if array.size != 1:
        raise CheckInputError(
            f"the cost J must be a scalar: got an array of shape {shape_text(array.shape)} "
            f"{where}. Average the per-example losses over m (np.sum(...) / m) and "
            "np.squeeze the result"
        )
    cost = float(array.reshape(()))
    if not np.isfinite(cost):
        raise CheckInputError(
            f"the cost J is {cost} {where}: look for np.log(0) (clip A[L] away from 0 and 1) "
            "or an overflowing exp"
        )
    return cost
