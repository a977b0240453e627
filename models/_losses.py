"""The losses: binary cross-entropy, mean squared error, categorical cross-entropy.

Each has `cost(AL, Y)`, reducing over the last two axes `(n[L], m)` only (a
Python float for plain input, a `(*K,)` array for a stack of `K` predictions),
and `gradient(AL, Y) -> dA[L]` in the Course's per-example convention (the
`1/m` is applied by `Dense.backward`). Cross-entropies also give the fused
`dZ[L] = A[L] - Y` for the output activation they pair with.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from jaxtyping import Float

from dimcheck import shapes

from ._activations import Activation, Identity, Sigmoid, Softmax
from ._errors import ModelInputError

# Predictions are kept this far from 0 and 1 inside the logarithms and the
# divisions: log(1e-15) = -34.5 is finite and 1/1e-15 cannot overflow, while
# any prediction a float64 sigmoid/softmax gives away from saturation
# (|Z| < ~34) is untouched, so the cost stays exact where a gradient check looks.
EPS = 1e-15


def _reduce(total: np.ndarray, m: int) -> float | np.ndarray:
    """Sum over the last two axes, divided by `m`: a float, or a `(*K,)` array."""
    J = total.sum(axis=(-2, -1)) / m
    return float(J) if np.ndim(J) == 0 else J


def _scaled(ours: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """`ours * factor`, in place when `ours` (a fresh array of this module) can hold it.

    A stack of `K` predictions makes every temporary `K` times larger; the
    losses reuse theirs rather than allocate one per operation.
    """
    # `factor` fits into `ours` when its shape is a tail of ours (the usual case: Y
    # (n[L], m) against a plain or stacked A[L]); other shapes take the plain product.
    if factor.ndim <= ours.ndim and factor.shape == ours.shape[ours.ndim - factor.ndim :]:
        ours *= factor
        return ours
    return ours * factor


class Loss:
    """Base class of the losses."""

    name = ""
    #: The output activation whose derivative cancels with this loss's: with it,
    #: `dZ[L] = A[L] - Y` directly (the fused path).
    fused_activation: type[Activation] | None = None
    #: Whether `cost` is the mean over the `m` examples (columns) of a loss of each
    #: example alone: the cost of some columns, times their number, is then their
    #: sum, and gradcheck's fast path recomputes only the examples a change touched.
    #: A subclass that overrides `cost` without restating it claims nothing.
    per_example: bool = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = vars(cls)
        if "cost" in own and "per_example" not in own:
            cls.per_example = False

    def cost(
        self, AL: Float[np.ndarray, "*#k n_L m"], Y: Float[np.ndarray, "*#k n_L m"]
    ) -> float | np.ndarray:
        raise NotImplementedError

    def gradient(
        self, AL: Float[np.ndarray, "*#k n_L m"], Y: Float[np.ndarray, "*#k n_L m"]
    ) -> Float[np.ndarray, "*#k n_L m"]:
        raise NotImplementedError

    @shapes
    def fused_dZ(
        self, AL: Float[np.ndarray, "*#k n_L m"], Y: Float[np.ndarray, "*#k n_L m"]
    ) -> Float[np.ndarray, "*#k n_L m"]:
        """`dZ[L] = A[L] - Y`, valid after `fused_activation` only.

        **Arguments:**

        - `AL`: `A[L]`, shape `(*K, n[L], m)`.
        - `Y`: labels, shape `(n[L], m)` or `(*K, n[L], m)`.

        **Returns:**

        `dZ[L]`, shape `(*K, n[L], m)`, per example (no `1/m`).
        """
        return AL - Y

    def check_labels(self, Y: np.ndarray) -> None:
        """Raise `ModelInputError` if `Y` holds values this loss cannot take.

        **Arguments:**

        - `Y`: labels, shape `(n[L], m)`, already checked for shape and finiteness.
        """

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class BinaryCrossEntropy(Loss):
    """`J = -(1/m) sum(Y log A[L] + (1 - Y) log(1 - A[L]))`, labels in `{0, 1}`."""

    name = "binary_cross_entropy"
    fused_activation = Sigmoid
    per_example = True

    @shapes
    def cost(
        self, AL: Float[np.ndarray, "*#k n_L m"], Y: Float[np.ndarray, "*#k n_L m"]
    ) -> float | np.ndarray:
        """The cost `J`.

        **Arguments:**

        - `AL`: `A[L]`, predictions in `(0, 1)`, shape `(n[L], m)` or `(*K, n[L], m)`.
        - `Y`: labels in `{0, 1}`, shape `(n[L], m)` (or stacked).

        **Returns:**

        A Python float, or a `(*K,)` array of costs for stacked input.
        """
        A = np.clip(AL, EPS, 1.0 - EPS)
        log_1_minus_A = np.negative(A)
        np.log1p(log_1_minus_A, out=log_1_minus_A)
        np.log(A, out=A)
        # -(Y log A + (1 - Y) log(1 - A)), each step in place on a fresh array.
        total = _scaled(A, Y)
        total += _scaled(log_1_minus_A, 1.0 - Y)
        np.negative(total, out=total)
        return _reduce(total, AL.shape[-1])

    @shapes
    def gradient(
        self, AL: Float[np.ndarray, "*#k n_L m"], Y: Float[np.ndarray, "*#k n_L m"]
    ) -> Float[np.ndarray, "*#k n_L m"]:
        """`dA[L] = -(Y / A[L] - (1 - Y) / (1 - A[L]))`, shape `(*K, n[L], m)`.

        **Arguments:**

        - `AL`: `A[L]`, shape `(*K, n[L], m)`.
        - `Y`: labels, shape `(n[L], m)` (or stacked).

        **Returns:**

        `dA[L]`, the same shape as `AL`.
        """
        A = np.clip(AL, EPS, 1.0 - EPS)
        return (1.0 - Y) / (1.0 - A) - Y / A

    def check_labels(self, Y: np.ndarray) -> None:
        bad = (Y != 0) & (Y != 1)
        if bad.any():
            values = ", ".join(repr(float(v)) for v in np.unique(Y[bad])[:5])
            raise ModelInputError(
                f"Y must hold labels in {{0, 1}} for binary cross-entropy: found "
                f"{int(bad.sum())} other value(s), e.g. {values}; "
                f"map the classes to 0 and 1 (e.g. Y = (Y == positive_class).astype(float)) "
                f"or use output='softmax' with one-hot labels for more than two classes"
            )


class CategoricalCrossEntropy(Loss):
    """`J = -(1/m) sum(Y log A[L])` with one-hot columns of `Y`, `(n[L], m)`."""

    name = "categorical_cross_entropy"
    fused_activation = Softmax
    per_example = True

    @shapes
    def cost(
        self, AL: Float[np.ndarray, "*#k n_L m"], Y: Float[np.ndarray, "*#k n_L m"]
    ) -> float | np.ndarray:
        """The cost `J`.

        **Arguments:**

        - `AL`: `A[L]`, each column a probability vector, shape `(n[L], m)` or `(*K, n[L], m)`.
        - `Y`: one-hot labels, shape `(n[L], m)` (or stacked).

        **Returns:**

        A Python float, or a `(*K,)` array of costs for stacked input.
        """
        logs = np.clip(AL, EPS, None)
        np.log(logs, out=logs)
        total = _scaled(logs, Y)
        np.negative(total, out=total)
        return _reduce(total, AL.shape[-1])

    @shapes
    def gradient(
        self, AL: Float[np.ndarray, "*#k n_L m"], Y: Float[np.ndarray, "*#k n_L m"]
    ) -> Float[np.ndarray, "*#k n_L m"]:
        """`dA[L] = -Y / A[L]`, shape `(*K, n[L], m)`.

        **Arguments:**

        - `AL`: `A[L]`, shape `(*K, n[L], m)`.
        - `Y`: one-hot labels, shape `(n[L], m)` (or stacked).

        **Returns:**

        `dA[L]`, the same shape as `AL`.
        """
        return -Y / np.clip(AL, EPS, None)

    def check_labels(self, Y: np.ndarray) -> None:
        bad = (Y != 0) & (Y != 1)
        if bad.any() or not np.all(Y.sum(axis=-2) == 1):
            raise ModelInputError(
                f"Y must be one-hot for categorical cross-entropy: each column of "
                f"Y {Y.shape} needs exactly one 1 and n[L] - 1 zeros; from class "
                f"indices y of shape (m,), use np.eye(n_L)[:, y]"
            )


class MeanSquaredError(Loss):
    """`J = (1/(2m)) sum((A[L] - Y)^2)`: the `1/2` makes `dA[L] = A[L] - Y`."""

    name = "mean_squared_error"
    fused_activation = Identity
    per_example = True

    @shapes
    def cost(
        self, AL: Float[np.ndarray, "*#k n_L m"], Y: Float[np.ndarray, "*#k n_L m"]
    ) -> float | np.ndarray:
        """The cost `J`.

        **Arguments:**

        - `AL`: `A[L]`, shape `(n[L], m)` or `(*K, n[L], m)`.
        - `Y`: targets, shape `(n[L], m)` (or stacked).

        **Returns:**

        A Python float, or a `(*K,)` array of costs for stacked input.
        """
        D = AL - Y
        D *= D
        D *= 0.5  # exact: a power of two
        return _reduce(D, AL.shape[-1])

    @shapes
    def gradient(
        self, AL: Float[np.ndarray, "*#k n_L m"], Y: Float[np.ndarray, "*#k n_L m"]
    ) -> Float[np.ndarray, "*#k n_L m"]:
        """`dA[L] = A[L] - Y`, shape `(*K, n[L], m)`.

        **Arguments:**

        - `AL`: `A[L]`, shape `(*K, n[L], m)`.
        - `Y`: targets, shape `(n[L], m)` (or stacked).

        **Returns:**

        `dA[L]`, the same shape as `AL`.
        """
        return AL - Y


LOSSES: dict[str, type[Loss]] = {
    "binary_cross_entropy": BinaryCrossEntropy,
    "bce": BinaryCrossEntropy,
    "categorical_cross_entropy": CategoricalCrossEntropy,
    "cross_entropy": CategoricalCrossEntropy,
    "mean_squared_error": MeanSquaredError,
    "mse": MeanSquaredError,
}

#: The loss a network uses when none is given, by output activation.
DEFAULT_LOSS: dict[str, type[Loss]] = {
    "sigmoid": BinaryCrossEntropy,
    "softmax": CategoricalCrossEntropy,
}


def get_loss(name: str | Loss | type[Loss]) -> Loss:
    """A loss from its name (`"binary_cross_entropy"`/`"bce"`, `"mse"`, ...) or as is.

    **Arguments:**

    - `name`: `"binary_cross_entropy"` (`"bce"`), `"categorical_cross_entropy"`
      (`"cross_entropy"`), `"mean_squared_error"` (`"mse"`), a `Loss`, or a
      `Loss` class (`MeanSquaredError` for `MeanSquaredError()`).

    **Returns:**

    A `Loss` whose `cost(AL, Y)` takes `A[L]` and `Y` of shape `(n[L], m)` (or
    stacked `(*K, n[L], m)`).
    """
    if isinstance(name, Loss):
        return name
    if isinstance(name, type) and issubclass(name, Loss):
        return name()
    if isinstance(name, str) and name.strip().lower() in LOSSES:
        return LOSSES[name.strip().lower()]()
    choices = ", ".join(repr(k) for k in LOSSES)
    raise ModelInputError(f"unknown loss {name!r}: expected one of {choices}")
