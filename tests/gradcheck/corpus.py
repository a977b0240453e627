"""Course-style L-layer implementations, correct and with planted bugs, as test fixtures.

`course(hidden, bug)` returns the four Course functions written the way the
Course's assignment writes them, with at most one bug planted. Every bug is a
mistake learners (or the course notes themselves) make; `BUGS` says which
gradients each one breaks, for the tests to check the blame.
"""

# ruff: noqa: E741
# (the Course's code names its layer index `l`; this file imitates it)

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

#: bug -> (hidden activation, layer_dims, gradients it must be blamed on)
BUGS: dict[str, tuple[str, list[int], set[str]]] = {
    "factor_2_dW2": ("relu", [5, 4, 3, 1], {"W2"}),
    "factor_4_dW1": ("tanh", [5, 4, 3, 1], {"W1"}),
    "no_1_over_m_db": ("relu", [5, 4, 3, 1], {"b1", "b2", "b3"}),
    "no_1_over_m_dW3": ("tanh", [5, 4, 3, 1], {"W3"}),
    "sign_flip_dAL": ("tanh", [5, 4, 3, 1], {"W1", "b1", "W2", "b2", "W3", "b3"}),
    "tanh_derivative_1_minus_A": ("tanh", [5, 4, 3, 1], {"W1", "b1", "W2", "b2"}),
    "sigmoid_derivative_s": ("relu", [5, 4, 3, 1], {"W1", "b1", "W2", "b2", "W3", "b3"}),
    "relu_derivative_missing": ("relu", [5, 4, 3, 1], {"W1", "b1", "W2", "b2"}),
    "transposed_square_dW": ("tanh", [4, 4, 4, 1], {"W2"}),
    "wrong_cache_tanh_of_A": ("tanh", [5, 4, 3, 1], {"W1", "b1", "W2", "b2", "W3", "b3"}),
    "dW_uses_A_not_A_prev": ("tanh", [4, 4, 4, 1], {"W2"}),
    "backward_skips_layer_1": ("relu", [5, 4, 3, 1], {"W1", "b1"}),
    "forward_skips_square_layer": ("tanh", [4, 4, 4, 1], {"W1", "b1", "W2", "b2"}),
    "dA_prev_uses_dW": ("tanh", [4, 4, 4, 1], {"W1", "b1"}),
}

#: bugs that change a gradient's shape: caught before any numerics.
SHAPE_BUGS: dict[str, tuple[str, list[int], str]] = {
    "db_over_axis_0": ("relu", [5, 4, 3, 1], "db"),
    "db_without_axis": ("relu", [5, 4, 3, 1], "db"),
    "db_without_keepdims": ("tanh", [5, 4, 3, 1], "db"),
    "transposed_dW": ("relu", [5, 4, 3, 1], "dW"),
}


def course(hidden: str = "relu", bug: str | None = None, leak: float = 0.01) -> SimpleNamespace:
    """The Course's functions for an L-layer network with `hidden` units and a sigmoid output."""

    def initialize_parameters_deep(layer_dims: list[int], seed: int = 3) -> dict[str, Any]:
        rng = np.random.default_rng(seed)
        parameters = {}
        for l in range(1, len(layer_dims)):
            parameters["W" + str(l)] = rng.standard_normal(
                (layer_dims[l], layer_dims[l - 1])
            ) / np.sqrt(layer_dims[l - 1])
            parameters["b" + str(l)] = 0.1 * rng.standard_normal((layer_dims[l], 1))
        return parameters

    def g(Z: np.ndarray, name: str) -> np.ndarray:
        if name == "sigmoid":
            return 1 / (1 + np.exp(-Z))
        if name == "tanh":
            return np.tanh(Z)
        if name == "leaky_relu":
            return np.where(Z > 0, Z, leak * Z)
        return np.maximum(0, Z)

    def linear_activation_forward(A_prev, W, b, activation):
        Z = W @ A_prev + b
        A = g(Z, activation)
        return A, ((A_prev, W, b), (A if bug == "wrong_cache_tanh_of_A" else Z))

    def L_model_forward(X, parameters):
        caches = []
        A = X
        L = len(parameters) // 2
        for l in range(1, L):
            if bug == "forward_skips_square_layer" and l == 2:
                # The layer's cache is stored but A passes through unchanged.
                caches.append(((A, parameters["W2"], parameters["b2"]), A))
                continue
            A, cache = linear_activation_forward(
                A, parameters["W" + str(l)], parameters["b" + str(l)], hidden
            )
            caches.append(cache)
        AL, cache = linear_activation_forward(
            A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid"
        )
        caches.append(cache)
        return AL, caches

    def compute_cost(AL, Y):
        m = Y.shape[1]
        cost = -(1 / m) * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
        return np.squeeze(cost)

    def activation_backward(dA, Z, activation):
        if activation == "sigmoid":
            s = 1 / (1 + np.exp(-Z))
            return dA * s if bug == "sigmoid_derivative_s" else dA * s * (1 - s)
        if activation == "tanh":
            if bug == "wrong_cache_tanh_of_A":
                return dA * (1 - np.tanh(Z) ** 2)  # Z holds A here: tanh applied twice
            if bug == "tanh_derivative_1_minus_A":
                return dA * (1 - np.tanh(Z))
            return dA * (1 - np.tanh(Z) ** 2)
        if activation == "leaky_relu":
            return dA * np.where(Z > 0, 1.0, leak)
        if bug == "relu_derivative_missing":
            return np.array(dA, copy=True)
        dZ = np.array(dA, copy=True)
        dZ[Z <= 0] = 0
        return dZ

    def linear_backward(dZ, cache, l, A_out):
        A_prev, W, _ = cache
        m = A_prev.shape[1]
        dW = (1 / m) * dZ @ A_prev.T
        if bug == "factor_2_dW2" and l == 2:
            dW = (2 / m) * dZ @ A_prev.T
        if bug == "factor_4_dW1" and l == 1:
            dW = 4 * dW
        if bug == "no_1_over_m_dW3" and l == 3:
            dW = dZ @ A_prev.T
        if bug == "transposed_square_dW" and l == 2:
            dW = (1 / m) * A_prev @ dZ.T
        if bug == "transposed_dW" and l == 2:
            dW = (1 / m) * A_prev @ dZ.T
        if bug == "dW_uses_A_not_A_prev" and l == 2:
            dW = (1 / m) * dZ @ A_out.T
        db = (1 / m) * np.sum(dZ, axis=1, keepdims=True)
        if bug == "no_1_over_m_db":
            db = np.sum(dZ, axis=1, keepdims=True)
        if bug == "db_over_axis_0" and l == 1:
            db = (1 / m) * np.sum(dZ, axis=0, keepdims=True)
        if bug == "db_without_axis" and l == 1:
            db = (1 / m) * np.sum(dZ)
        if bug == "db_without_keepdims" and l == 2:
            db = (1 / m) * np.sum(dZ, axis=1)
        dA_prev = W.T @ dZ
        if bug == "dA_prev_uses_dW" and l == 2:
            dA_prev = dW.T @ dZ
        return dA_prev, dW, db

    def L_model_backward(AL, Y, caches):
        grads: dict[str, np.ndarray] = {}
        L = len(caches)
        Y = Y.reshape(AL.shape)
        dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
        if bug == "sign_flip_dAL":
            dAL = np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)
        if bug == "backward_skips_layer_1":
            for l in range(1, L + 1):
                W = caches[l - 1][0][1]
                grads["dW" + str(l)] = np.zeros_like(W)
                grads["db" + str(l)] = np.zeros((W.shape[0], 1))
        dA = dAL
        for l in reversed(range(1, L + 1)):
            if bug == "backward_skips_layer_1" and l == 1:
                break
            linear_cache, Z = caches[l - 1]
            activation = "sigmoid" if l == L else hidden
            dZ = activation_backward(dA, Z, activation)
            A_out = caches[l][0][0] if l < L else AL
            dA, grads["dW" + str(l)], grads["db" + str(l)] = linear_backward(
                dZ, linear_cache, l, A_out
            )
            grads["dA" + str(l - 1)] = dA
        return grads

    return SimpleNamespace(
        initialize_parameters_deep=initialize_parameters_deep,
        L_model_forward=L_model_forward,
        compute_cost=compute_cost,
        L_model_backward=L_model_backward,
    )


def problem(layer_dims: list[int], m: int = 7, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Seeded inputs `X (n[0], m)` and binary labels `Y (1, m)`."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((layer_dims[0], m))
    Y = (rng.random((layer_dims[-1], m)) > 0.5).astype(np.float64)
    return X, Y


def place_kink(parameters: dict[str, np.ndarray], X: np.ndarray, offset: float) -> None:
    """Move `b1[0]` so that `Z[1][0, 0]` sits `offset` from the ReLU's kink at 0."""
    W1 = parameters["W1"]
    parameters["b1"][0, 0] = offset - float(W1[0] @ X[:, 0])
