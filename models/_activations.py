"""The activations `g[l]`: sigmoid, tanh, ReLU, leaky ReLU, identity and softmax.

Each has `forward(Z) -> (A, cache)` and `backward(dA, cache) -> dZ`, works on
plain `(n[l], m)` and stacked `(*K, n[l], m)` arrays, and describes itself on
its class: what it is called, whether it is elementwise, where its kinks are,
whether it is linear between them, and (`derivative(Z)`) its slope on the side
of each kink where an input lies. Gradient checks and test strategies ask the
block these questions; none of them tests its type. A class that declares a
`name` registers itself, so adding an activation is one class here (and its
re-export in `models/__init__.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar, NamedTuple

import numpy as np
from jaxtyping import Float

from dimcheck import shapes

from ._errors import ModelInputError, ModelTypeError, require_cache_shape


class ActivationCache(NamedTuple):
    """What an activation's `backward` needs: `Z[l]` and `A[l]`, both `(*K, n[l], m)`."""

    Z: np.ndarray
    A: np.ndarray


# Registered activations by name, in definition order; filled by `Activation.__init_subclass__`.
_REGISTRY: dict[str, type[Activation]] = {}
_ALIASES: dict[str, str] = {}

#: Read-only view of the registered activations: name -> class (aliases not repeated).
ACTIVATIONS: Mapping[str, type[Activation]] = MappingProxyType(_REGISTRY)

# The claims a fast path may act on. A subclass that changes what is computed
# (overrides one of `_COMPUTES`) without restating a claim gets `False` for it:
# a `ReLU` subclass whose `_g` is something else must not be treated as linear
# between kinks because its parent was.
_FAST_PATH_CLAIMS = ("elementwise", "columnwise", "piecewise_linear")
_COMPUTES = frozenset({"_g", "_derivative", "_dZ", "forward", "backward", "derivative"})


class Activation:
    """Base class of the activations `g[l]`.

    A subclass defines `_g(Z)` (the forward values) and, when elementwise,
    `_derivative(Z, A)` (`g'(Z)`, from `Z` or from `A = g(Z)` when that is
    given); `backward` is then `dA * g'(Z)`. A non-elementwise activation
    defines `_dZ(dA, Z, A)` instead. It states on the class:

    - `name`: the name `get_activation` and `DeepNetwork(hidden=...)` know it by;
      declaring one registers the class. `aliases`: other accepted names.
    - `elementwise`: each `A[l][i, j]` depends on `Z[l][i, j]` alone.
    - `columnwise`: each example (column) of `A[l]` depends on the same
      column of `Z[l]` alone.
    - `kinks`: the inputs where the derivative jumps (a gradient check must not
      straddle them). An input exactly on a kink takes the derivative of the
      left side, like `ReLU`'s `0` at `0`.
    - `piecewise_linear`: `g` is linear between consecutive kinks, so a change
      of `Z[l]` that moves no input across a kink changes `A[l]` by exactly
      `derivative(Z) * change`.

    The claims default to `False` (and no kinks): a check that cannot rely on
    them takes its exact, slower route.
    """

    name: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()
    elementwise: ClassVar[bool] = False
    columnwise: ClassVar[bool] = False
    kinks: ClassVar[tuple[float, ...]] = ()
    piecewise_linear: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = vars(cls)
        if _COMPUTES & own.keys():
            for claim in _FAST_PATH_CLAIMS:
                if claim not in own:
                    setattr(cls, claim, False)
        if own.get("name"):
            _register(cls)

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

    @shapes
    def derivative(self, Z: Float[np.ndarray, "*#k n_l m"]) -> Float[np.ndarray, "*#k n_l m"]:
        """`g'[l](Z[l])` entry by entry, for an elementwise activation.

        At each input, the slope on the side of the kinks where it lies (an
        input on a kink takes the left side's, as `backward` does).

        **Arguments:**

        - `Z`: `Z[l]`, shape `(n[l], m)` or stacked `(*K, n[l], m)`.

        **Returns:**

        A new float64 array of the shape of `Z`.
        """
        if not self.elementwise:
            raise ModelTypeError(
                f"{self!r} is not elementwise: each entry of A[l] depends on a whole column "
                f"of Z[l], so g'[l] is an (n[l], n[l]) Jacobian per example, not one number "
                f"per entry; use backward(dA, cache) for dZ[l]"
            )
        slope = np.asarray(self._derivative(Z, None), dtype=np.float64)
        if slope.shape != Z.shape or slope is Z:
            slope = np.broadcast_to(slope, Z.shape).copy()
        return slope

    def _g(self, Z: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must define _g(Z), its forward values")

    def _derivative(self, Z: np.ndarray, A: np.ndarray | None) -> Any:
        """`g'(Z)`, broadcastable to `Z` (booleans allowed); `A = g(Z)` when the caller has it."""
        raise NotImplementedError(
            f"{type(self).__name__} must define _derivative(Z, A) (elementwise) or _dZ(dA, Z, A)"
        )

    def _dZ(self, dA: np.ndarray, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
        return dA * self._derivative(Z, A)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _key(name: str) -> str:
    """The form names are compared in: lower case, no dashes or underscores."""
    return name.strip().lower().replace("-", "").replace("_", "")


def _register(cls: type[Activation]) -> None:
    taken = _REGISTRY.get(cls.name) or _REGISTRY.get(_ALIASES.get(_key(cls.name), ""))
    same_class = taken is not None and (taken.__module__, taken.__qualname__) == (
        cls.__module__,
        cls.__qualname__,
    )
    if taken is not None and not same_class:
        # Re-running a notebook cell redefines the same class: that replaces it.
        raise ModelInputError(
            f"activation name {cls.name!r} is taken by {taken.__module__}.{taken.__qualname__}; "
            f"give {cls.__qualname__} another name"
        )
    _REGISTRY[cls.name] = cls
    for alias in (cls.name, *cls.aliases):
        _ALIASES[_key(alias)] = cls.name


class Sigmoid(Activation):
    """`g(z) = 1 / (1 + exp(-z))`, computed without overflow for any `z`."""

    name = "sigmoid"
    elementwise = True
    columnwise = True

    def _g(self, Z: np.ndarray) -> np.ndarray:
        # exp of a non-positive number never overflows: with e = exp(-|z|),
        # g = 1 / (1 + e) for z >= 0 and e / (1 + e) otherwise. In place on our
        # own temporaries: two float arrays instead of six.
        e = np.abs(Z)
        np.negative(e, out=e)
        np.exp(e, out=e)
        A = np.where(Z >= 0, 1.0, e)
        e += 1.0
        A /= e
        return A

    def _derivative(self, Z: np.ndarray, A: np.ndarray | None) -> np.ndarray:
        A = self._g(Z) if A is None else A
        return A * (1.0 - A)


class Tanh(Activation):
    """`g(z) = tanh(z)`, `g'(z) = 1 - tanh(z)^2`."""

    name = "tanh"
    elementwise = True
    columnwise = True

    def _g(self, Z: np.ndarray) -> np.ndarray:
        return np.tanh(Z)

    def _derivative(self, Z: np.ndarray, A: np.ndarray | None) -> np.ndarray:
        A = np.tanh(Z) if A is None else A
        return 1.0 - A * A


class ReLU(Activation):
    """`g(z) = max(0, z)`; the derivative at `0` is taken as `0`."""

    name = "relu"
    elementwise = True
    columnwise = True
    kinks = (0.0,)
    piecewise_linear = True

    def _g(self, Z: np.ndarray) -> np.ndarray:
        return np.maximum(Z, 0.0)

    def _derivative(self, Z: np.ndarray, A: np.ndarray | None) -> np.ndarray:
        return Z > 0


class LeakyReLU(Activation):
    """`g(z) = z` for `z > 0`, `slope * z` otherwise.

    **Arguments:**

    - `slope`: the slope for negative inputs, `0 <= slope < 1` (default `0.01`).
    """

    name = "leaky_relu"
    elementwise = True
    columnwise = True
    kinks = (0.0,)
    piecewise_linear = True

    def __init__(self, slope: float = 0.01) -> None:
        if not 0.0 <= float(slope) < 1.0:
            raise ModelInputError(f"LeakyReLU slope must be in [0, 1): got {slope}")
        self.slope = float(slope)

    def _g(self, Z: np.ndarray) -> np.ndarray:
        return np.where(Z > 0, Z, self.slope * Z)

    def _derivative(self, Z: np.ndarray, A: np.ndarray | None) -> np.ndarray:
        return np.where(Z > 0, 1.0, self.slope)

    def __repr__(self) -> str:
        return f"LeakyReLU(slope={self.slope})"


class Identity(Activation):
    """`g(z) = z` (a linear output, for regression with mean squared error)."""

    name = "identity"
    aliases = ("linear",)
    elementwise = True
    columnwise = True
    piecewise_linear = True

    def _g(self, Z: np.ndarray) -> np.ndarray:
        return Z

    def _derivative(self, Z: np.ndarray, A: np.ndarray | None) -> float:
        return 1.0

    def _dZ(self, dA: np.ndarray, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
        # g' = 1: dZ is dA itself, not a copy (nothing modifies it afterwards).
        return dA


class Softmax(Activation):
    """`A[:, i] = exp(Z[:, i]) / sum(exp(Z[:, i]))` over the `n[l]` units of each example."""

    name = "softmax"
    columnwise = True

    def _g(self, Z: np.ndarray) -> np.ndarray:
        # Subtracting the column maximum keeps exp from overflowing; the result is
        # unchanged. exp and the division work in place on that fresh difference.
        e = Z - Z.max(axis=-2, keepdims=True)
        np.exp(e, out=e)
        e /= e.sum(axis=-2, keepdims=True)
        return e

    def _dZ(self, dA: np.ndarray, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
        return A * (dA - (dA * A).sum(axis=-2, keepdims=True))


def get_activation(
    name: str | Activation | type[Activation], *, role: str = "activation"
) -> Activation:
    """An activation from its name (`"relu"`, `"tanh"`, ...) or an instance as is.

    **Arguments:**

    - `name`: a registered name (`"sigmoid"`, `"tanh"`, `"relu"`, `"leaky_relu"`,
      `"identity"` alias `"linear"`, `"softmax"`, or that of an `Activation`
      subclass defining `name`; case, dashes and underscores do not matter), an
      `Activation`, or an `Activation` class with default settings (`Tanh` for `Tanh()`).
    - `role`: how the caller calls it (`"hidden"`, `"output"`), for the message.

    **Returns:**

    An `Activation` whose `forward` maps `Z[l]` `(*K, n[l], m)` to `A[l]` of the same shape.
    """
    if isinstance(name, Activation):
        return name
    if isinstance(name, type) and issubclass(name, Activation):
        # `hidden=Tanh` for `hidden=Tanh()`: an easy slip with one obvious meaning.
        return name()
    if isinstance(name, str) and _key(name) in _ALIASES:
        return _REGISTRY[_ALIASES[_key(name)]]()
    choices = ", ".join(
        repr(key) + (f" (alias {', '.join(map(repr, cls.aliases))})" if cls.aliases else "")
        for key, cls in _REGISTRY.items()
    )
    raise ModelInputError(
        f"unknown activation {name!r} for {role}: expected one of {choices} "
        f"(or an instance such as LeakyReLU(slope=0.1))"
    )
