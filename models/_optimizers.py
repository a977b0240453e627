"""Optimisers: gradient descent, momentum, RMSprop and Adam, on the Course's dicts.

`step(params, grads) -> new params` never modifies `params` or `grads`: it
returns new arrays, so a caller's dict stays as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from ._errors import ModelInputError


class Optimizer:
    """Base class. `step` maps `{"W1", "b1", ...}` and `{"dW1", "db1", ...}` to new parameters.

    **Arguments:**

    - `learning_rate`: the step size `α > 0`.
    """

    #: Whether `_direction` always returns a new array that nothing else holds, so
    #: that `step` may subtract into it instead of allocating the new parameter:
    #: one large temporary less per parameter and step. A subclass overriding
    #: `_direction` gets `False` unless it restates the promise.
    _fresh_direction: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "_direction" in vars(cls) and "_fresh_direction" not in vars(cls):
            cls._fresh_direction = False

    def __init__(self, learning_rate: float = 0.01) -> None:
        if not float(learning_rate) > 0:
            raise ModelInputError(f"learning_rate (α) must be > 0: got {learning_rate}")
        self.learning_rate = float(learning_rate)

    def step(
        self, params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray]
    ) -> dict[str, np.ndarray]:
        """One update of every parameter.

        **Arguments:**

        - `params`: `{"W1": (n[1], n[0]), "b1": (n[1], 1), ...}`.
        - `grads`: `{"dW1": (n[1], n[0]), "db1": (n[1], 1), ...}` (extra keys such as
          `"dA0"` are ignored).

        **Returns:**

        New `{"W1", "b1", ...}` of the same shapes.
        """
        new: dict[str, np.ndarray] = {}
        for key, value in params.items():
            grad = grads.get("d" + key)
            if grad is None:
                raise ModelInputError(
                    f"no gradient d{key} for parameter {key}: pass the dict returned by backward"
                )
            direction = self._direction(key, grad)
            if self._fresh_direction and direction.shape == value.shape:
                new[key] = np.subtract(value, direction, out=direction)
            else:
                new[key] = value - direction
        return new

    def _direction(self, key: str, grad: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(learning_rate={self.learning_rate})"


class GradientDescent(Optimizer):
    """`W[l] = W[l] - α dW[l]`, `b[l] = b[l] - α db[l]`."""

    _fresh_direction = True

    def _direction(self, key: str, grad: np.ndarray) -> np.ndarray:
        return self.learning_rate * grad


class Momentum(Optimizer):
    """`v = β v + (1 - β) dW`, `W = W - α v`.

    **Arguments:**

    - `learning_rate`: `α`.
    - `beta`: `β`, in `[0, 1)` (default `0.9`).
    """

    _fresh_direction = True

    def __init__(self, learning_rate: float = 0.01, beta: float = 0.9) -> None:
        super().__init__(learning_rate)
        _check_beta("beta", beta)
        self.beta = float(beta)
        self.v: dict[str, np.ndarray] = {}

    def _direction(self, key: str, grad: np.ndarray) -> np.ndarray:
        v = self.v.get(key, np.zeros_like(grad))
        v = self.beta * v + (1 - self.beta) * grad
        self.v[key] = v
        return self.learning_rate * v


class RMSprop(Optimizer):
    """`s = β s + (1 - β) dW^2`, `W = W - α dW / (sqrt(s) + ε)`.

    **Arguments:**

    - `learning_rate`: `α`.
    - `beta`: `β`, in `[0, 1)` (default `0.999`).
    - `epsilon`: `ε`, keeps the division finite (default `1e-8`).
    """

    _fresh_direction = True

    def __init__(
        self, learning_rate: float = 0.001, beta: float = 0.999, epsilon: float = 1e-8
    ) -> None:
        super().__init__(learning_rate)
        _check_beta("beta", beta)
        self.beta = float(beta)
        self.epsilon = float(epsilon)
        self.s: dict[str, np.ndarray] = {}

    def _direction(self, key: str, grad: np.ndarray) -> np.ndarray:
        s = self.s.get(key, np.zeros_like(grad))
        s = self.beta * s + (1 - self.beta) * grad * grad
        self.s[key] = s
        return self.learning_rate * grad / (np.sqrt(s) + self.epsilon)


class Adam(Optimizer):
    """Adam: momentum and RMSprop with bias correction at step `t`.

    `v = β1 v + (1 - β1) dW`, `s = β2 s + (1 - β2) dW^2`,
    `W = W - α (v / (1 - β1^t)) / (sqrt(s / (1 - β2^t)) + ε)`.

    **Arguments:**

    - `learning_rate`: `α` (default `0.001`).
    - `beta1`, `beta2`: in `[0, 1)` (defaults `0.9`, `0.999`).
    - `epsilon`: `ε` (default `1e-8`).
    """

    _fresh_direction = True

    def __init__(
        self,
        learning_rate: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: float = 1e-8,
    ) -> None:
        super().__init__(learning_rate)
        _check_beta("beta1", beta1)
        _check_beta("beta2", beta2)
        self.beta1, self.beta2, self.epsilon = float(beta1), float(beta2), float(epsilon)
        self.v: dict[str, np.ndarray] = {}
        self.s: dict[str, np.ndarray] = {}
        self.t = 0

    def step(
        self, params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray]
    ) -> dict[str, np.ndarray]:
        self.t += 1
        return super().step(params, grads)

    def _direction(self, key: str, grad: np.ndarray) -> np.ndarray:
        v = self.beta1 * self.v.get(key, np.zeros_like(grad)) + (1 - self.beta1) * grad
        s = self.beta2 * self.s.get(key, np.zeros_like(grad)) + (1 - self.beta2) * grad * grad
        self.v[key], self.s[key] = v, s
        v_hat = v / (1 - self.beta1**self.t)
        s_hat = s / (1 - self.beta2**self.t)
        return self.learning_rate * v_hat / (np.sqrt(s_hat) + self.epsilon)


OPTIMIZERS: dict[str, type[Optimizer]] = {
    "gd": GradientDescent,
    "gradient_descent": GradientDescent,
    "momentum": Momentum,
    "rmsprop": RMSprop,
    "adam": Adam,
}


def get_optimizer(name: str | Optimizer, learning_rate: float | None = None) -> Optimizer:
    """An optimiser from its name (`"gd"`, `"momentum"`, `"rmsprop"`, `"adam"`) or as is."""
    if isinstance(name, Optimizer):
        if learning_rate is not None and float(learning_rate) != name.learning_rate:
            # Silently training with the instance's rate instead would hide the mistake.
            raise ModelInputError(
                f"learning_rate={learning_rate} was given with the optimiser {name!r}, "
                f"which has its own; set it there ({type(name).__name__}"
                f"(learning_rate={learning_rate})) or pass the optimiser by name"
            )
        return name
    if isinstance(name, str) and name.strip().lower() in OPTIMIZERS:
        cls = OPTIMIZERS[name.strip().lower()]
        return cls() if learning_rate is None else cls(learning_rate)
    choices = ", ".join(repr(k) for k in OPTIMIZERS)
    raise ModelInputError(f"unknown optimiser {name!r}: expected one of {choices}")


def _check_beta(name: str, value: float) -> None:
    if not 0.0 <= float(value) < 1.0:
        raise ModelInputError(f"{name} must be in [0, 1): got {value}")
