"""A Course-style L-layer network with the classic dimension mistakes, each marked."""

import numpy as np


def initialize_parameters_deep(layer_dims):
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.random.randn(layer_dims[l])  # DC101
    return parameters


def linear_forward(A, W, b):
    Z = np.dot(W, A) + b
    cache = (A, W, b)
    return Z, cache


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z)), Z


def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m
    return float(np.squeeze(cost))


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[0]  # DC301
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1) / m  # DC201
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def two_layer_backward(X, Y, cache, parameters):
    m = X.shape[0]  # DC301
    W2 = parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = np.dot(dZ2, A1.T) / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = W2.T * dZ2 * (1 - A1**2)  # DC401
    dW1 = np.dot(dZ1, X.T) / m
    db1 = np.sum(dZ1) / m  # DC203
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def update_parameters(parameters, grads, learning_rate):
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] -= learning_rate * grads["dW" + str(l + 1)]
        parameters["b" + str(l + 1)] -= learning_rate * grads["db" + str(l + 1)]
    return parameters
