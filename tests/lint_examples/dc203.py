"""DC203: a layer's bias gradient summed over every axis."""

import numpy as np


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    db = np.sum(dZ) / m  # DC203
    return db


def backward_propagation(dZ1, dZ2, m):
    db1 = 1 / m * np.sum(dZ1)  # DC203
    db2 = np.sum(dZ2) / m  # DC203
    return db1, db2


# Look-alikes that must stay silent.
def propagate(w, b, X, Y):
    """Logistic regression: b is a single number, so db is one too."""
    m = X.shape[1]
    A = 1 / (1 + np.exp(-(np.dot(w.T, X) + b)))
    dZ = A - Y
    dw = np.dot(X, dZ.T) / m
    db = np.sum(dZ) / m
    cost = -np.sum(Y * np.log(A)) / m
    return dw, db, cost
