"""The dimension rules on `X`, `Y` and the parameters, checked before the student's code runs.

A shape mistake in the inputs (`X` given as `(m, n[0])`, a rank-1 `b[l]`, a `W[l]`
initialised as `(n[l-1], n[l])`) otherwise surfaces as numpy's broadcast error
from deep inside the student's forward pass, or not at all: a rank-1 `b[l]`
broadcasts silently into a wrong `Z[l]`. So `check_functions` checks them first
and names the culprit, the rule, and the fix, in course notation.

Both weight conventions are understood: `W[l]` of shape `(n[l], n[l-1])` with
`Z[l] = W[l] @ A[l-1] + b[l]` (the Course's), and `(n[l-1], n[l])` with
`Z[l] = W[l].T @ A[l-1] + b[l]` (some course material); the convention is read
from `W[1]` and `X`, and every layer must then follow it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from dimcheck._vocabulary import parse_key, rank1_hint, transpose_hint

from ._errors import InputShapeError
from ._names import shape_text


def layers_of(parameters: Mapping[str, np.ndarray]) -> int | None:
    """`L` when the keys are exactly `W1, b1, ..., WL, bL` (the Course's dict form), else `None`."""
    found: dict[str, set[int]] = {"W": set(), "b": set()}
    for key in parameters:
        parsed = parse_key(key, lowercase=False)
        if parsed is None or parsed[0] not in found:
            return None
        found[parsed[0]].add(parsed[1])
    L = len(found["W"])
    if L == 0 or found["W"] != set(range(1, L + 1)) or found["b"] != found["W"]:
        return None
    return L


def check_inputs(
    parameters: Mapping[str, np.ndarray], X: np.ndarray, Y: np.ndarray
) -> tuple[bool, list[int]] | None:
    """Check `X (n[0], m)`, `Y (n[L], m)`, `W[l]` and `b[l] (n[l], 1)` against one another.

    **Arguments:**

    - `parameters`: gradcheck's float64 copies, `{"W1": (n[1], n[0]), "b1": (n[1], 1), ...}`.
    - `X`: the inputs, `(n[0], m)`. `Y`: the labels, `(n[L], m)`.

    **Returns:** `(transposed, layer_dims)`: whether the weights are stored
    `(n[l-1], n[l])`, and `[n[0], ..., n[L]]`; `None` when the parameters are
    not the Course's `W1, b1, ...` (nothing to check them against).

    **Raises:** `InputShapeError` naming the first array that breaks a rule.
    """
    if X.ndim != 2:
        fix = " X = X.reshape(1, -1) for one feature" if X.ndim == 1 else ""
        raise InputShapeError(
            f"X must be (n[0], m), one example per column: got {shape_text(X.shape)}.{fix}"
        )
    L = layers_of(parameters)
    if L is None:
        return None
    W = {layer: parameters[f"W{layer}"] for layer in range(1, L + 1)}
    for layer, weights in W.items():
        if weights.ndim != 2:
            raise InputShapeError(
                f"W[{layer}] must be (n[{layer}], n[{layer - 1}]): got "
                f"{shape_text(weights.shape)}, a rank-{weights.ndim} array; initialise it with "
                f"np.random.randn(n[{layer}], n[{layer - 1}]) * 0.01"
            )
    n0, m = X.shape
    rows, cols = W[1].shape
    if n0 not in (rows, cols):
        if n0 != m and m in (rows, cols):
            n_zero = cols if cols == m else rows
            raise InputShapeError(
                f"X must be (n[0], m) = ({n_zero}, {n0}): got {shape_text(X.shape)} (n[0] = "
                f"{n_zero} from W[1] {shape_text(W[1].shape)}), one example per row where the "
                "course puts one example per column." + transpose_hint("X")
            )
        raise InputShapeError(
            f"W[1] must be (n[1], n[0]) with n[0] = {n0} (the rows of X {shape_text(X.shape)}): "
            f"got {shape_text(W[1].shape)}; W[1] needs one column per input feature"
        )
    # The convention W[1] suggests first; a square W[1] suggests both.
    conventions = [False, True] if cols == n0 else [True, False]
    failures = []
    for transposed in conventions:
        if W[1].shape[0 if transposed else 1] != n0:
            continue
        dims, failure = _chain(W, n0, transposed)
        if failure is None:
            break
        failures.append(failure)
    else:
        raise InputShapeError(failures[0])
    for layer in range(1, L + 1):
        _check_bias(layer, parameters[f"b{layer}"], dims[layer])
    _check_labels(Y, dims[-1], m)
    return transposed, dims


def _chain(W: dict[int, np.ndarray], n0: int, transposed: bool) -> tuple[list[int], str | None]:
    """`[n[0], ..., n[L]]` read along the weights, or the message of the first that breaks it."""
    dims = [n0]
    for layer in range(1, len(W) + 1):
        n_here, n_before = W[layer].shape[::-1] if transposed else W[layer].shape
        if n_before != dims[-1]:
            return dims, _weight_message(layer, W[layer].shape, dims[-1], transposed)
        dims.append(int(n_here))
    return dims, None


def _weight_message(layer: int, got: tuple[int, ...], n_before: int, transposed: bool) -> str:
    before, here = f"n[{layer - 1}]", f"n[{layer}]"
    expected = f"({before}, {here})" if transposed else f"({here}, {before})"
    where = "from X" if layer == 1 else f"from W[{layer - 1}]"
    swapped = got[1] == n_before if transposed else got[0] == n_before
    hint = (
        transpose_hint(f"W{layer}")
        + f" It looks initialised as ({got[0]}, {got[1]}) the other way round: swap the two "
        f"dimensions in its initialisation, np.random.randn{expected}"
        if swapped
        else ""
    )
    convention = "(weights stored (n[l-1], n[l]), as W[1] is)" if transposed else "(as W[1] is)"
    return (
        f"W[{layer}] must be {expected} {convention} with {before} = {n_before} ({before} "
        f"{where}): got {shape_text(got)}.{hint}"
    )


def _check_bias(layer: int, b: np.ndarray, n_here: int) -> None:
    expected = (n_here, 1)
    if b.shape == expected:
        return
    name, symbols = f"b[{layer}]", f"(n[{layer}], 1) = ({n_here}, 1)"
    if b.shape == (n_here,):
        fix = (
            f"which broadcasts into a wrong Z[{layer}] (initialise it as "
            f"np.zeros((n[{layer}], 1))).{rank1_hint(f'b{layer}', n_here)}"
        )
    elif b.shape == (1, n_here) and n_here != 1:
        fix = f"a row where a column belongs.{transpose_hint(f'b{layer}')}"
    else:
        fix = f"one bias per unit of layer {layer}: np.zeros((n[{layer}], 1))"
    raise InputShapeError(f"{name} must be {symbols}: got {shape_text(b.shape)}, {fix}")


def _check_labels(Y: np.ndarray, n_last: int, m: int) -> None:
    if Y.shape == (n_last, m):
        return
    expected = f"(n[L], m) = ({n_last}, {m})"
    if Y.shape == (m, n_last):
        fix = "one example per row where the course puts one example per column." + transpose_hint(
            "Y"
        )
    elif Y.ndim == 1 and Y.size == n_last * m:
        fix = f"a rank-1 array: reshape it, Y.reshape({n_last}, {m})"
    elif Y.ndim == 2 and Y.shape[1] == m and n_last > 1 and Y.shape[0] == 1:
        fix = (
            f"one label per column, but the output has n[L] = {n_last} units: one-hot encode "
            "Y, one column per example with a 1 in the row of its class"
        )
    else:
        fix = f"n[L] = {n_last} from the last W, m = {m} from X"
    raise InputShapeError(f"Y must be {expected}: got {shape_text(Y.shape)}, {fix}")
