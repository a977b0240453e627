"""DC204: a bias gradient squeezed or flattened back to rank-1."""

import numpy as np


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.squeeze(np.sum(dZ, axis=1, keepdims=True)) / m  # DC204
    db = np.sum(dZ, axis=1, keepdims=True).squeeze() / m  # DC204
    db = (1 / m) * np.sum(dZ, axis=1, keepdims=True).ravel()  # DC204
    db = np.mean(dZ, axis=1, keepdims=True).flatten()  # DC204
    db = np.sum(dZ, axis=1, keepdims=True).reshape(-1) / m  # DC204
    db = np.ravel(np.sum(dZ, axis=1)) / m  # DC204
    column = np.sum(dZ, axis=1, keepdims=True) / m
    grads = {}
    grads["db1"] = np.squeeze(column)  # DC204

    # Look-alikes that must stay silent.
    db = np.sum(dZ, axis=1, keepdims=True) / m
    cost = np.squeeze(np.sum(dZ, axis=1, keepdims=True))  # not a bias gradient
    total = np.squeeze(np.sum(dZ))  # a single number squeezed: not db
    db_unknown = np.squeeze(cache)  # cannot tell what the cache holds
    return dW, db, grads, cost, total, db_unknown


def propagate(w, b, X, Y):
    # Logistic regression: b is a scalar, so db summed over everything and squeezed is right.
    m = X.shape[1]
    A = 1 / (1 + np.exp(-(np.dot(w.T, X) + b)))
    dw = np.dot(X, (A - Y).T) / m
    db = np.squeeze(np.sum(A - Y)) / m
    return {"dw": dw, "db": db}


def backward_then_reshaped(dZ, m):
    # Squeezed, then made a column again before it is used.
    db = np.squeeze(np.sum(dZ, axis=1, keepdims=True)) / m
    db = db.reshape(-1, 1)
    return db
