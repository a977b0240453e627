"""Seeded problems to run the deep network on: X, Y and parameters that make gradients count.

The Course's own initialiser (`randn * 0.01`, zero biases) makes deep gradients tiny and
hides `db` bugs; these parameters are scaled by `1/sqrt(n[l-1])` with nonzero biases, so a
planted bug shows in every gradient it touches. The tests that want the Course's
initialiser call the implementation's own.
"""

from types import ModuleType
from typing import Any

import numpy as np

import gradcheck

Arrays = dict[str, np.ndarray]


def deep_problem(layer_dims: list[int], m: int = 7, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Seeded inputs `X (n[0], m)` and binary labels `Y (n[L], m)`."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((layer_dims[0], m))
    Y = (rng.random((layer_dims[-1], m)) > 0.5).astype(np.float64)
    return X, Y


def deep_parameters(layer_dims: list[int], seed: int = 3) -> Arrays:
    """`{"W1", "b1", ...}`: `W[l] (n[l], n[l-1])` standard normal over `sqrt(n[l-1])`,
    `b[l] (n[l], 1)` standard normal times 0.1, from a Generator seeded `seed`."""
    rng = np.random.default_rng(seed)
    parameters = {}
    for layer in range(1, len(layer_dims)):
        shape = (layer_dims[layer], layer_dims[layer - 1])
        parameters[f"W{layer}"] = rng.standard_normal(shape) / np.sqrt(layer_dims[layer - 1])
        parameters[f"b{layer}"] = 0.1 * rng.standard_normal((layer_dims[layer], 1))
    return parameters


def place_kink(parameters: Arrays, X: np.ndarray, offset: float) -> None:
    """Move `b1[0, 0]` (in place) so that `Z[1][0, 0]` sits `offset` from the ReLU's kink at 0."""
    W1 = parameters["W1"]
    parameters["b1"][0, 0] = offset - float(W1[0] @ X[:, 0])


def check_deep(
    module: ModuleType, parameters: Arrays, X: np.ndarray, Y: np.ndarray, **options: Any
) -> gradcheck.Report:
    """`gradcheck.check_functions` on the module's `L_model_forward`, `compute_cost` and
    `L_model_backward`."""
    return gradcheck.check_functions(
        forward=module.L_model_forward,
        cost=module.compute_cost,
        backward=module.L_model_backward,
        parameters=parameters,
        X=X,
        Y=Y,
        **options,
    )
