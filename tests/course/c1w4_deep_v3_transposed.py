# %% [markdown]
# # Building your Deep Neural Network: Step by Step (current template, transposed weights)
#
# The convention of some course notes: W[l] is stored (n[l-1], n[l]) and Z = W.T @ A + b,
# so dW[l] = A[l-1] @ dZ[l].T / m and dA[l-1] = W[l] @ dZ[l].
#
# Caches are `(linear_cache, activation_cache)` tuples and `L_model_backward` stores
# the gradient of layer l's input under `"dA" + str(l - 1)`, as in `dnn_app_utils_v3`.

# %%
"""Course 1 Week 4, current template, weights stored transposed: W[l] is (n[l-1], n[l])."""
# ruff: noqa: E741, RUF059  (the Course's names: layer index `l`, unused `b`)

import copy

import numpy as np

np.random.seed(1)


# %%
def sigmoid(Z):
    A = 1 / (1 + np.exp(-Z))
    cache = Z
    return A, cache


def relu(Z):
    A = np.maximum(0, Z)
    cache = Z
    return A, cache


def sigmoid_backward(dA, cache):
    Z = cache
    s = 1 / (1 + np.exp(-Z))
    dZ = dA * s * (1 - s)
    return dZ


def relu_backward(dA, cache):
    Z = cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


# %%
if __name__ == "__main__":
    train = np.load("datasets/train_catvnoncat.npz")
    train_x = train["x"].reshape(train["x"].shape[0], -1).T / 255.0
    train_y = train["y"].reshape(1, -1)


# %%
# GRADED FUNCTION: initialize_parameters_deep


def initialize_parameters_deep(layer_dims):
    np.random.seed(3)
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l - 1], layer_dims[l]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


# %%
# GRADED FUNCTION: linear_forward


def linear_forward(A, W, b):
    Z = np.dot(W.T, A) + b
    cache = (A, W, b)
    return Z, cache


# %%
# GRADED FUNCTION: linear_activation_forward


def linear_activation_forward(A_prev, W, b, activation):
    if activation == "sigmoid":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = sigmoid(Z)
    elif activation == "relu":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = relu(Z)
    cache = (linear_cache, activation_cache)
    return A, cache


# %%
# GRADED FUNCTION: L_model_forward


def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        A, cache = linear_activation_forward(
            A_prev, parameters["W" + str(l)], parameters["b" + str(l)], activation="relu"
        )
        caches.append(cache)
    AL, cache = linear_activation_forward(
        A, parameters["W" + str(L)], parameters["b" + str(L)], activation="sigmoid"
    )
    caches.append(cache)
    return AL, caches


# %%
# GRADED FUNCTION: compute_cost


def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = -1 / m * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    cost = np.squeeze(cost)
    return cost


# %%
# GRADED FUNCTION: linear_backward


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1 / m * np.dot(A_prev, dZ.T)
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W, dZ)
    return dA_prev, dW, db


# %%
# GRADED FUNCTION: linear_activation_backward


def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
        dA_prev, dW, db = linear_backward(dZ, linear_cache)
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, activation_cache)
        dA_prev, dW, db = linear_backward(dZ, linear_cache)
    return dA_prev, dW, db


# %%
# GRADED FUNCTION: L_model_backward


def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    dA_prev_temp, dW_temp, db_temp = linear_activation_backward(dAL, current_cache, "sigmoid")
    grads["dA" + str(L - 1)] = dA_prev_temp
    grads["dW" + str(L)] = dW_temp
    grads["db" + str(L)] = db_temp
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev_temp, dW_temp, db_temp = linear_activation_backward(
            grads["dA" + str(l + 1)], current_cache, "relu"
        )
        grads["dA" + str(l)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    return grads


# %%
# GRADED FUNCTION: update_parameters


def update_parameters(params, grads, learning_rate):
    parameters = copy.deepcopy(params)
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] = (
            parameters["W" + str(l + 1)] - learning_rate * grads["dW" + str(l + 1)]
        )
        parameters["b" + str(l + 1)] = (
            parameters["b" + str(l + 1)] - learning_rate * grads["db" + str(l + 1)]
        )
    return parameters


# %%
if __name__ == "__main__":
    from public_tests import L_model_backward_test, linear_forward_test

    linear_forward_test(linear_forward)
    L_model_backward_test(L_model_backward)


# %%
def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    costs = []
    parameters = initialize_parameters_deep(layers_dims)
    for i in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
        if print_cost and i % 100 == 0:
            print(f"Cost after iteration {i}: {cost}")
        costs.append(cost)
    return parameters, costs


# %%
if __name__ == "__main__":
    layers_dims = [12288, 20, 7, 5, 1]
    parameters, costs = L_layer_model(
        train_x, train_y, layers_dims, num_iterations=2500, print_cost=True
    )
