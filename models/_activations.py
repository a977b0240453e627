"""The activations `g[l]`: sigmoid, tanh, ReLU, leaky ReLU, identity and softmax.

Each has `forward(Z) -> (A, cache)` and `backward(dA, cache) -> dZ`, works on
plain `(n[l], m)` and stacked `(*K, n[l], m)` arrays, and lists in `kinks` the
inputs where its derivative jumps (a gradient check must not straddle them).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from jaxtyping import Float

from dimcheck import shapes

from ._errors import ModelInputError, require_cache_shape


class ActivationCache(NamedTuple):
    """What an activation's `backward` needs: `Z[l]` and `A[l]`, both `(*K, n[l], m)`."""

    Z: np.ndarray
    A: np.ndarray


class Activation:
    """Base class: subclasses define `_g(Z)` and `_dZ(dA, Z, A)`."""

    name: str = ""
    kinks: tuple[float, ...] = ()

    @shapes
    def forward(
        self, Z: Float[np.ndarray, "*#k n_l m"]
    ) -> tuple[Float[np.ndarray, "*#k n_l m"], ActivationCache]:
        """`A[l] = g[l](Z[l])`.

        **Arguments:**

        - `Z`: `Z[l]`, shape `(n[l], m)` or stacked `(*K, n[l], m)`.

        **Returns:**

        `(A, cache)`: `A[l]` of the same shape as `Z` and an `ActivationCache`.
        """
        A = self._g(Z)
        return A, ActivationCache(Z, A)

    @shapes
    def backward(
        self, dA: Float[np.ndarray, "*#k n_l m"], cache: ActivationCache
    ) -> Float[np.ndarray, "*#k n_l m"]:
        """`dZ[l] = dA[l] * g'[l](Z[l])` (a Jacobian-vector product for softmax).

        **Arguments:**

        - `dA`: `dA[l]`, shape `(*K, n[l], m)`.
        - `cache`: the `ActivationCache` returned by `forward`.

        **Returns:**

        `dZ[l]`, shape `(*K, n[l], m)`.
        """
        require_cache_shape("dA[l]", dA, cache.Z.shape[-2:], "Z[l]")
        return self._dZ(dA, cache.Z, cache.A)

    def _g(self, Z: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _dZ(self, dA: np.ndarray, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Sigmoid(Activation):
    """`g(z) = 1 / (1 + exp(-z))`, computed without overflow for any `z`."""

    name = "sigmoid"

    def _g(self, Z: np.ndarray) -> np.ndarray:
        # exp of a non-positive number never overflows: use exp(-|z|) on both sides.
        e = np.exp(-np.abs(Z))
        return np.where(Z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    def _dZ(self, dA: np.ndarray, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
        return dA * A * (1.0 - A)


class Tanh(Activation):
    """`g(z) = tanh(z)`, `g'(z) = 1 - tanh(z)^2`."""

    name = "tanh"

    def _g(self, Z: np.ndarray) -> np.ndarray:
        return np.tanh(Z)

    def _dZ(self, dA: np.ndarray, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
        return dA * (1.0 - A * A)


class ReLU(Activation):
    """`g(z) = max(0, z)`; the derivative at `0` is taken as `0`."""

    name = "relu"
    kinks = (0.0,)

    def _g(self, Z: np.ndarray) -> np.ndarray:
        return np.maximum(Z, 0.0)

    def _dZ(self, dA: np.ndarray, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
        return dA * (Z > 0)


class LeakyReLU(Activation):
    """`g(z) = z` for `z > 0`, `slope * z` otherwise.

    **Arguments:**

    - `slope`: the slope for negative inputs, `0 <= slope < 1` (default `0.01`).
    """

    name = "leaky_relu"
    kinks = (0.0,)

    def __init__(self, slope: float = 0.01) -> None:
        if not 0.0 <= float(slope) < 1.0:
            raise ModelInputError(f"LeakyReLU slope must be in [0, 1): got {slope}")
        self.slope = float(slope)

    def _g(self, Z: np.ndarray) -> np.ndarray:
        return np.where(Z > 0, Z, self.slope * Z)

    def _dZ(self, dA: np.ndarray, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
        return np.where(Z > 0, dA, self.slope * dA)

    def __repr__(self) -> str:
        return f"LeakyReLU(slope={self.slope})"


class Identity(Activation):
    """`g(z) = z` (a linear output, for regression with mean squared error)."""

    name = "identity"

    def _g(self, Z: np.ndarray) -> np.ndarray:
        return Z

    def _dZ(self, dA: np.ndarray, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
        return dA


class Softmax(Activation):
    """`A[:, i] = exp(Z[:, i]) / sum(exp(Z[:, i]))` over the `n[l]` units of each example."""

    name = "softmax"

    def _g(self, Z: np.ndarray) -> np.ndarray:
        # Subtracting the column maximum keeps exp from overflowing; the result is unchanged.
        e = np.exp(Z - Z.max(axis=-2, keepdims=True))
        return e / e.sum(axis=-2, keepdims=True)

    def _dZ(self, dA: np.ndarray, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
        return A * (dA - (dA * A).sum(axis=-2, keepdims=True))


ACTIVATIONS: dict[str, type[Activation]] = {
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "identity": Identity,
    "linear": Identity,
    "softmax": Softmax,
}


def get_activation(
    name: str | Activation | type[Activation], *, role: str = "activation"
) -> Activation:
    """An activation from its name (`"relu"`, `"tanh"`, ...) or an instance as is.

    **Arguments:**

    - `name`: one of `"sigmoid"`, `"tanh"`, `"relu"`, `"leaky_relu"`,
      `"identity"` (alias `"linear"`), `"softmax"`, an `Activation`, or an
      `Activation` class with default settings (`Tanh` for `Tanh()`).
    - `role`: how the caller calls it (`"hidden"`, `"output"`), for the message.

    **Returns:**

    An `Activation` whose `forward` maps `Z[l]` `(*K, n[l], m)` to `A[l]` of the same shape.
    """
    if isinstance(name, Activation):
        return name
    if isinstance(name, type) and issubclass(name, Activation):
        # `hidden=Tanh` for `hidden=Tanh()`: an easy slip with one obvious meaning.
        return name()
    if isinstance(name, str):
        key = name.strip().lower().replace("-", "_")
        if key == "leakyrelu":
            key = "leaky_relu"
        if key in ACTIVATIONS:
            return ACTIVATIONS[key]()
    choices = ", ".join(repr(k) for k in ACTIVATIONS)
    raise ModelInputError(
        f"unknown activation {name!r} for {role}: expected one of {choices} "
        f"(or an instance such as LeakyReLU(slope=0.1))"
    )
