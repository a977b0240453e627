"""DC401: * between a weight matrix and an activation matrix."""

import numpy as np


def linear_forward(A_prev, W, b):
    Z = W * A_prev + b  # DC401
    return Z


def forward(X, parameters, A1):
    W1 = parameters["W1"]
    Z1 = W1 * X  # DC401
    Z2 = parameters["W2"] * A1  # DC401
    return Z1, Z2


def other(W, A_prev, dZ):
    Z3 = np.multiply(W, A_prev)  # DC401
    dA_prev = W.T * dZ  # DC401
    return Z3, dA_prev


# Look-alikes that must stay silent.
def fine(W, dW, A, dA, keep_prob, learning_rate, lambd, m):
    dZ = dA * (1 - A**2)  # the element-wise derivative: right
    D = np.random.rand(*A.shape) < keep_prob
    A = A * D
    l2 = np.sum(W * W)
    W = W - learning_rate * dW
    reg = lambd / m * W
    return dZ, A, l2, W, reg
