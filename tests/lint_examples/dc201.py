"""DC201: a bias gradient reduced without keepdims=True."""

import numpy as np


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1) / m  # DC201
    db = 1 / m * np.sum(dZ, axis=1, keepdims=False)  # DC201
    db = dZ.sum(axis=1) / m  # DC201
    grads = {}
    grads["db1"] = np.mean(dZ, 1)  # DC201
    grads["db" + str(2)] = (1.0 / m) * np.sum(dZ, axis=-1)  # DC201

    # Look-alikes that must stay silent.
    db = np.sum(dZ, axis=1, keepdims=True) / m
    total = np.sum(dZ, axis=1)
    db_ok = dZ.sum(axis=1, keepdims=True) / m
    keep = True
    db = np.sum(dZ, axis=1, keepdims=keep) / m  # not a constant: cannot tell
    return dW, db, total, db_ok, grads


def conv_backward(dZ, cache):
    # Convolutions hold examples on axis 0 of 4-D arrays; db is (1, 1, 1, n_C) there.
    (A_prev, W, b, hparameters) = cache
    (m, n_H, n_W, n_C) = dZ.shape
    db = np.sum(dZ, axis=(0, 1, 2))
    return db
