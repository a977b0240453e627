"""`Dense`: the linear part of a layer, `Z[l] = W[l] @ A[l-1] + b[l]`."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from jaxtyping import Float

from dimcheck import shapes
from dimcheck._vocabulary import rank1_hint, transpose_hint

from ._errors import (
    ModelInputError,
    require_cache_shape,
    require_finite,
    require_float,
    shape_str,
)


class DenseCache(NamedTuple):
    """What `Dense.backward` needs from the forward pass.

    - `A_prev`: `A[l-1]`, shape `(*K, n[l-1], m)`.
    - `W`: the `W[l]` used, shape `(*K, n[l], n[l-1])`.
    """

    A_prev: np.ndarray
    W: np.ndarray


class Dense:
    """A fully connected layer `l` with `n[l-1]` inputs and `n[l]` units.

    **Arguments:**

    - `n_in`: `n[l-1]`, the number of inputs.
    - `n_out`: `n[l]`, the number of units.
    - `W`: optional initial weights, shape `(n[l], n[l-1])`; zeros if omitted
      (networks initialise their layers with an initialiser).
    - `b`: optional initial bias, shape `(n[l], 1)`; zeros if omitted.
    - `index`: the layer number `l`, used in messages (`W[2]`); set by networks
      (`0` while the layer is not in a network: messages then say `W[l]`).

    Attributes `W` `(n[l], n[l-1])`, `b` `(n[l], 1)` and, after `backward`,
    `dW` and `db` of the same shapes. Arrays given to the layer are never
    modified in place: every update replaces them.
    """

    # What a gradient check may rely on (see `Activation`): Z[l] mixes the units
    # of one example, never two examples, and W @ A + b has no kinks.
    elementwise = False
    columnwise = True
    kinks: tuple[float, ...] = ()

    def __init__(
        self,
        n_in: int,
        n_out: int,
        *,
        W: np.ndarray | None = None,
        b: np.ndarray | None = None,
        index: int = 0,
    ) -> None:
        # `int(2.5)` would silently build a layer of another size than asked for.
        if any(isinstance(n, bool) or int(n) != n or int(n) < 1 for n in (n_in, n_out)):
            raise ModelInputError(
                f"Dense(n_in={n_in!r}, n_out={n_out!r}): n[l-1] and n[l] must be positive integers"
            )
        self.n_in = int(n_in)
        self.n_out = int(n_out)
        self.index = int(index)
        self.W: np.ndarray = np.zeros((self.n_out, self.n_in))
        self.b: np.ndarray = np.zeros((self.n_out, 1))
        self.dW: np.ndarray | None = None
        self.db: np.ndarray | None = None
        if W is not None:
            self.set_W(W)
        if b is not None:
            self.set_b(b)

    @property
    def label(self) -> str:
        return str(self.index) if self.index else "l"

    def set_W(self, W: np.ndarray) -> None:
        """Replace `W[l]` after checking it is a float array of shape `(n[l], n[l-1])`."""
        W = np.asarray(W)
        name = f"W[{self.label}]"
        require_float(name, W)
        expected = (self.n_out, self.n_in)
        if W.shape != expected:
            hint = transpose_hint("W") if W.shape == expected[::-1] else ""
            raise ModelInputError(
                f"{name} must be (n[{self.label}], n[{_prev(self.label)}]) = "
                f"{shape_str(expected)}: got {shape_str(W.shape)}.{hint}"
            )
        require_finite(name, W, _PARAMETER_FIX)
        self.W = W

    def set_b(self, b: np.ndarray) -> None:
        """Replace `b[l]` after checking it is a float array of shape `(n[l], 1)`."""
        b = np.asarray(b)
        name = f"b[{self.label}]"
        require_float(name, b)
        expected = (self.n_out, 1)
        if b.shape != expected:
            hint = rank1_hint("b", self.n_out) if b.shape == (self.n_out,) else ""
            raise ModelInputError(
                f"{name} must be (n[{self.label}], 1) = {shape_str(expected)}: "
                f"got {shape_str(b.shape)}.{hint}"
            )
        require_finite(name, b, _PARAMETER_FIX)
        self.b = b

    @shapes
    def forward(
        self,
        A_prev: Float[np.ndarray, "*#k n_prev m"],
        W: Float[np.ndarray, "*#k n_l n_prev"] | None = None,
        b: Float[np.ndarray, "*#k n_l 1"] | None = None,
    ) -> tuple[Float[np.ndarray, "*#k n_l m"], DenseCache]:
        """`Z[l] = W[l] @ A[l-1] + b[l]`.

        **Arguments:**

        - `A_prev`: `A[l-1]`, shape `(n[l-1], m)` or stacked `(*K, n[l-1], m)`.
        - `W`: weights to use instead of the layer's own, shape `(n[l], n[l-1])`
          or stacked `(*K, n[l], n[l-1])`; the layer's `W` is not touched.
        - `b`: bias to use instead of the layer's own, `(n[l], 1)` or `(*K, n[l], 1)`.

        **Returns:**

        `(Z, cache)`: `Z[l]` of shape `(*K, n[l], m)` (the stack axes of the
        inputs broadcast together) and a `DenseCache` for `backward`.
        """
        if W is None and A_prev.shape[-2] != self.n_in:
            # Without this, the mismatch surfaces in `linear_forward` as a complaint
            # about the layer's own W, which the caller never passed.
            l = self.label  # noqa: E741 (the Course's layer index)
            raise ModelInputError(
                f"A[{_prev(l)}] has shape {shape_str(A_prev.shape)}: expected "
                f"(n[{_prev(l)}], m) = ({self.n_in}, {A_prev.shape[-1]}) "
                f"(n[{_prev(l)}] = {self.n_in} from W[{l}]: {shape_str(self.W.shape)}); "
                f"the layer before must have {self.n_in} unit(s), or build this one as "
                f"Dense({A_prev.shape[-2]}, {self.n_out})"
            )
        return linear_forward(A_prev, self.W if W is None else W, self.b if b is None else b)

    @shapes
    def backward(
        self,
        dZ: Float[np.ndarray, "*#k n_l m"],
        cache: DenseCache,
    ) -> tuple[
        Float[np.ndarray, "*#k n_prev m"],
        Float[np.ndarray, "*#k n_l n_prev"],
        Float[np.ndarray, "*#k n_l 1"],
    ]:
        """Gradients of the cost through `Z[l] = W[l] @ A[l-1] + b[l]`.

        **Arguments:**

        - `dZ`: `dZ[l]`, shape `(*K, n[l], m)`, in the Course's convention
          (per example, without the `1/m`).
        - `cache`: the `DenseCache` returned by `forward`.

        **Returns:**

        `(dA_prev, dW, db)`: `dA[l-1] = W[l].T @ dZ[l]` of shape `(*K, n[l-1], m)`,
        `dW[l] = dZ[l] @ A[l-1].T / m` of shape `(*K, n[l], n[l-1])` and
        `db[l] = sum(dZ[l], axis=1, keepdims=True) / m` of shape `(*K, n[l], 1)`.
        Also stored as `self.dW` and `self.db`.
        """
        self._require_cache_shape(dZ, cache)
        dA_prev, dW, db = linear_backward(dZ, cache.A_prev, cache.W)
        self.dW = dW
        self.db = db
        return dA_prev, dW, db

    @shapes
    def parameter_gradients(
        self,
        dZ: Float[np.ndarray, "*#k n_l m"],
        cache: DenseCache,
    ) -> tuple[Float[np.ndarray, "*#k n_l n_prev"], Float[np.ndarray, "*#k n_l 1"]]:
        """`dW[l]` and `db[l]` alone: `backward` without `dA[l-1] = W[l].T @ dZ[l]`.

        For the first layer of a network, whose `dA[0]` training never uses
        (a third of that layer's backward work).

        **Arguments:**

        - `dZ`: `dZ[l]`, shape `(*K, n[l], m)`, per example.
        - `cache`: the `DenseCache` returned by `forward`.

        **Returns:**

        `(dW, db)` of shapes `(*K, n[l], n[l-1])` and `(*K, n[l], 1)`, as in
        `backward`; also stored as `self.dW` and `self.db`.
        """
        self._require_cache_shape(dZ, cache)
        dW, db = _parameter_gradients(dZ, cache.A_prev)
        self.dW = dW
        self.db = db
        return dW, db

    def _require_cache_shape(self, dZ: np.ndarray, cache: DenseCache) -> None:
        expected = (cache.W.shape[-2], cache.A_prev.shape[-1])
        if dZ.shape[-2:] != expected:  # the names are written only for the message
            require_cache_shape(f"dZ[{self.label}]", dZ, expected, f"Z[{self.label}]")

    def __repr__(self) -> str:
        return f"Dense(n_in={self.n_in}, n_out={self.n_out})"


@shapes
def linear_forward(
    A_prev: Float[np.ndarray, "*#k n_prev m"],
    W: Float[np.ndarray, "*#k n_l n_prev"],
    b: Float[np.ndarray, "*#k n_l 1"],
) -> tuple[Float[np.ndarray, "*#k n_l m"], DenseCache]:
    """The Course's `linear_forward`: `Z = W @ A_prev + b`.

    **Arguments:**

    - `A_prev`: `A[l-1]`, shape `(*K, n[l-1], m)`.
    - `W`: `W[l]`, shape `(*K, n[l], n[l-1])`.
    - `b`: `b[l]`, shape `(*K, n[l], 1)`.

    **Returns:**

    `(Z, cache)`: `Z[l]` of shape `(*K, n[l], m)` and a `DenseCache`.
    """
    Z = W @ A_prev
    # Add b into the fresh product (ours, never the caller's) when b broadcasts
    # into Z's shape without enlarging it: one large temporary less per call.
    if b.ndim <= Z.ndim and all(
        nb in (1, nz) for nb, nz in zip(b.shape[::-1], Z.shape[::-1], strict=False)
    ):
        Z += b
    else:
        Z = Z + b
    return Z, DenseCache(A_prev, W)


@shapes
def linear_backward(
    dZ: Float[np.ndarray, "*#k n_l m"],
    A_prev: Float[np.ndarray, "*#k n_prev m"],
    W: Float[np.ndarray, "*#k n_l n_prev"],
) -> tuple[
    Float[np.ndarray, "*#k n_prev m"],
    Float[np.ndarray, "*#k n_l n_prev"],
    Float[np.ndarray, "*#k n_l 1"],
]:
    """The Course's `linear_backward`.

    **Arguments:**

    - `dZ`: `dZ[l]`, shape `(*K, n[l], m)`, per example.
    - `A_prev`: `A[l-1]`, shape `(*K, n[l-1], m)`.
    - `W`: `W[l]`, shape `(*K, n[l], n[l-1])`.

    **Returns:**

    `(dA_prev, dW, db)`: `W.T @ dZ` `(*K, n[l-1], m)`, `dZ @ A_prev.T / m`
    `(*K, n[l], n[l-1])` and `sum(dZ, axis=-1, keepdims=True) / m` `(*K, n[l], 1)`.
    """
    dW, db = _parameter_gradients(dZ, A_prev)
    return W.swapaxes(-1, -2) @ dZ, dW, db


def _parameter_gradients(dZ: np.ndarray, A_prev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`dZ @ A_prev.T / m` `(*K, n[l], n[l-1])` and `sum(dZ, axis=-1, keepdims=True) / m`
    `(*K, n[l], 1)`; the callers have checked the shapes."""
    m = A_prev.shape[-1]
    # The products are fresh arrays of ours: dividing them in place saves one
    # large temporary per call.
    dW = dZ @ A_prev.swapaxes(-1, -2)
    dW /= m
    db = dZ.sum(axis=-1, keepdims=True)
    db /= m
    return dW, db


# A non-finite parameter usually comes from a training run that diverged.
_PARAMETER_FIX = "re-initialise the layer or lower the learning rate of the run that produced it"


def _prev(label: str) -> str:
    return "l-1" if label == "l" else str(int(label) - 1)
