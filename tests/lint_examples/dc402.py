"""DC402: a matrix product in the wrong order."""

import numpy as np


def linear_forward(A_prev, W, b):
    Z = np.dot(A_prev, W) + b  # DC402
    Z = A_prev @ W + b  # DC402
    return Z


def forward(X, parameters):
    Z1 = np.matmul(X, parameters["W1"])  # DC402
    return Z1


def linear_backward(dZ, W):
    dA_prev = np.dot(dZ, W)  # DC402
    return dA_prev


# Look-alikes that must stay silent.
def right(A_prev, W, b, dZ, m):
    Z = np.dot(W, A_prev) + b
    Z = W.T @ A_prev + b  # the transposed-weights convention of some notes
    dA_prev = np.dot(W.T, dZ)
    dW = np.dot(dZ, A_prev.T) / m
    rows = np.dot(A_prev.T, W)  # row-wise formulation, transposed on purpose
    return Z, dA_prev, dW, rows
