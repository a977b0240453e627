"""DC103: a rank-1 array meets a matrix in @, np.dot or arithmetic (course code)."""

import numpy as np


def linear_forward(A_prev, W, b):
    b_flat = b.reshape(-1)
    Z = np.dot(W, A_prev) + b_flat  # DC103
    return Z


def layer_one(W1, X):
    x = X.ravel()
    return W1 @ x  # DC103


def layer_two(W2, A1):
    a = A1.flatten()
    return np.dot(W2, a)  # DC103


v = np.random.randn(4)
Z1 = v + np.ones((4, 3))  # DC103


# Look-alikes that must stay silent.
def softmax(Z):
    e = np.exp(Z)
    return e / np.sum(e, axis=0)  # (m,) lines up with the m columns: right


def column(W, A_prev):
    a = A_prev.reshape(-1, 1)
    return W @ a


row = np.random.randn(3)
ok = row + np.ones((4, 3))  # (3,) lines up with the last axis, 3
