"""Week 4 assignment: a deep neural network, step by step (a correct submission).

Course-style functions: parameters in a dict `{"W1": (n[1], n[0]), "b1": (n[1], 1), ...}`,
ReLU hidden layers and a sigmoid output layer, the cross-entropy cost averaged over the `m`
examples, and backpropagation returning `{"dW1", "db1", "dA0", ...}`.
"""

# The course names layers `l`, and so does this submission.
# ruff: noqa: E741

import numpy as np


def initialize_parameters_deep(layer_dims, seed=1):
    """`W[l]` of shape `(n[l], n[l-1])` scaled by `sqrt(2 / n[l-1])`, `b[l]` zeros `(n[l], 1)`."""
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = rng.standard_normal(
            (layer_dims[l], layer_dims[l - 1])
        ) * np.sqrt(2.0 / layer_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def linear_forward(A, W, b):
    """`Z = W A + b`: `A` is `(n[l-1], m)`, `W` `(n[l], n[l-1])`, `b` `(n[l], 1)`."""
    Z = np.dot(W, A) + b
    cache = (A, W, b)
    return Z, cache


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z)), Z


def relu(Z):
    return np.maximum(0, Z), Z


def linear_activation_forward(A_prev, W, b, activation):
    """One layer: `A = g(W A_prev + b)`, with the caches needed by backpropagation."""
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A, activation_cache = sigmoid(Z)
    else:
        A, activation_cache = relu(Z)
    cache = (linear_cache, activation_cache)
    return A, cache


def L_model_forward(X, parameters):
    """`[LINEAR -> RELU] * (L-1) -> LINEAR -> SIGMOID`; returns `A[L]` `(n[L], m)`, `L` caches."""
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(
            A, parameters["W" + str(l)], parameters["b" + str(l)], "relu"
        )
        caches.append(cache)
    AL, cache = linear_activation_forward(
        A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid"
    )
    caches.append(cache)
    return AL, caches


def compute_cost(AL, Y):
    """The cross-entropy cost `J`, a Python float (mean over the `m` examples)."""
    m = Y.shape[1]
    cost = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m
    return float(np.squeeze(cost))


def linear_backward(dZ, cache):
    """`dW = dZ A_prev.T / m`, `db = sum(dZ, axis=1, keepdims=True) / m`, `dA_prev = W.T dZ`."""
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def relu_backward(dA, Z):
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def sigmoid_backward(dA, Z):
    s = 1 / (1 + np.exp(-Z))
    return dA * s * (1 - s)


def linear_activation_backward(dA, cache, activation):
    """One layer backwards: `dZ = dA * g'(Z)`, then `linear_backward`."""
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    else:
        dZ = sigmoid_backward(dA, activation_cache)
    return linear_backward(dZ, linear_cache)


def L_model_backward(AL, Y, caches):
    """Backpropagation through the whole network; `grads` holds `dA[l-1]`, `dW[l]`, `db[l]`."""
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    dA_prev, dW, db = linear_activation_backward(dAL, current_cache, "sigmoid")
    grads["dA" + str(L - 1)] = dA_prev
    grads["dW" + str(L)] = dW
    grads["db" + str(L)] = db
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev, dW, db = linear_activation_backward(
            grads["dA" + str(l + 1)], current_cache, "relu"
        )
        grads["dA" + str(l)] = dA_prev
        grads["dW" + str(l + 1)] = dW
        grads["db" + str(l + 1)] = db
    return grads


def update_parameters(parameters, grads, learning_rate):
    """One step of gradient descent: `W[l] -= alpha dW[l]`, `b[l] -= alpha db[l]`."""
    updated = {}
    L = len(parameters) // 2
    for l in range(1, L + 1):
        updated["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        updated["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return updated
