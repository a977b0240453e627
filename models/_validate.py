"""Checks of user data `X` and `Y` at a network's edge, with messages in course notation."""

from __future__ import annotations

import numpy as np

from dimcheck._vocabulary import transpose_hint

from ._errors import ModelInputError, ModelTypeError, require_finite, require_float, shape_str


def check_X(X: object, n0: int, source: str) -> np.ndarray:
    """`X` as a float array of shape `(n[0], m)` (or stacked `(*K, n[0], m)`), or an error.

    **Arguments:**

    - `X`: the data, one example per column.
    - `n0`: `n[0]`, the number of input features the network expects.
    - `source`: where `n[0]` comes from, for the message (e.g. `"W[1]: (4, 2)"`).

    **Returns:**

    `X` itself (never a modified copy).
    """
    if not isinstance(X, np.ndarray):
        raise ModelInputError(
            f"X must be a numpy array of shape (n[0], m) with n[0] = {n0}: got "
            f"{type(X).__name__}; use np.asarray(X, dtype=float)"
        )
    require_float("X", X)
    if X.ndim < 2:
        raise ModelInputError(
            f"X has shape {shape_str(X.shape)}: expected (n[0], m) with n[0] = {n0} "
            f"({source}); one example per column: use X.reshape({n0}, -1)"
        )
    if X.shape[-2] != n0:
        rows = X.ndim == 2 and X.shape[1] == n0
        # Examples as rows: there are X.shape[0] of them, and that is the m to show.
        m = X.shape[0] if rows else X.shape[-1]
        hint = (
            "; the examples look like rows." + transpose_hint("X")
            if rows
            else f"; the network was built for {n0} input feature(s)"
        )
        raise ModelInputError(
            f"X has shape {shape_str(X.shape)}: expected (n[0], m) = ({n0}, {m}) "
            f"(n[0] = {n0} from {source}){hint}"
        )
    if X.shape[-1] == 0:
        raise ModelInputError(
            f"X has shape {shape_str(X.shape)}: no examples (m = 0); X needs one column per example"
        )
    require_finite("X", X)
    return X


def check_Y(Y: object, n_L: int, m: int, source: str) -> np.ndarray:
    """`Y` as a float array of shape `(n[L], m)`, or an error saying how to fix it.

    **Arguments:**

    - `Y`: labels, one column per example.
    - `n_L`: `n[L]`, the number of output units.
    - `m`: the number of examples (from `X` or `A[L]`).
    - `source`: where `m` comes from, for the message (e.g. `"X"`).

    **Returns:**

    `Y`, or a float64 copy if it held integers or booleans (labels often do);
    the caller's array is never modified.
    """
    if not isinstance(Y, np.ndarray):
        raise ModelInputError(
            f"Y must be a numpy array of shape (n[L], m) = ({n_L}, {m}): got "
            f"{type(Y).__name__}; use np.asarray(Y, dtype=float).reshape({n_L}, -1)"
        )
    expected = (n_L, m)
    if Y.ndim == 1:
        fix = "Y.reshape(1, -1)" if n_L == 1 else f"one-hot labels, e.g. np.eye({n_L})[:, y]"
        raise ModelInputError(
            f"Y has shape {shape_str(Y.shape)}: expected (n[L], m) = {shape_str(expected)}; "
            f"use {fix}"
        )
    if Y.shape != expected:
        if Y.shape == expected[::-1]:
            hint = "; the labels look transposed: use Y.T"
        elif Y.shape[0] == n_L:
            hint = f"; Y needs one column per example of {source}"
        elif Y.shape == (1, m) and n_L > 1:
            # A row of class indices is the usual way to arrive here with a softmax output.
            hint = (
                f"; for {n_L} classes Y must be one-hot: from class indices y of shape "
                f"(1, m), use np.eye({n_L})[:, y.ravel().astype(int)]"
            )
        else:
            hint = f"; n[L] = {n_L} output unit(s) need {n_L} row(s) in Y"
        raise ModelInputError(
            f"Y has shape {shape_str(Y.shape)}: expected (n[L], m) = {shape_str(expected)} "
            f"(n[L] = {n_L} from the output layer, m = {m} from {source}){hint}"
        )
    if Y.dtype == bool or np.issubdtype(Y.dtype, np.integer):
        Y = Y.astype(np.float64)
    elif Y.dtype.kind in "USO":
        # astype(float) would fail on class names: the fix is a mapping, not a cast.
        raise ModelTypeError(
            f"Y has dtype {Y.dtype}: expected numeric labels; map the classes to numbers, "
            f"e.g. Y = (Y == positive_class).astype(float) for two classes"
        )
    require_float("Y", Y)
    require_finite("Y", Y)
    return Y
