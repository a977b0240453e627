"""DC301: m read from axis 0 of an examples-as-columns array."""

import numpy as np


def L_model_backward(AL, Y, caches):
    m = AL.shape[0]  # DC301
    return m


def compute_cost(AL, Y):
    m = Y.shape[0]  # DC301
    dAL = AL - Y  # Y is used as (n[L], m) here, like AL
    return m, dAL


def L_model_backward_reshaping(AL, Y):
    Y = Y.reshape(AL.shape)  # Y takes the shape of AL: still one example per column
    return Y


def model(X, Y, W1, b1, layer_dims):
    m = X.shape[0]  # DC301
    m = len(X)  # DC301
    Z1 = np.dot(W1, X) + b1  # X is used as A[0], examples as columns
    return m, Z1


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[0]  # DC301
    return m


# Look-alikes that must stay silent.
def shapes(X, costs):
    n_x = X.shape[0]
    m = X.shape[1]
    m = len(costs)
    return n_x, m


def made_here():
    X = np.random.randn(10, 3)  # the code says what X is: trust it, not the name
    m = X.shape[0]
    return m


def conv_backward(dZ, cache):
    # Convolutions hold examples on axis 0: A_prev is (m, n_H, n_W, n_C).
    (A_prev, W, b, hparameters) = cache
    m = A_prev.shape[0]
    (m, n_H, n_W, n_C) = dZ.shape
    return m, n_H, n_W, n_C


def pool_forward(A_prev, f):
    m = A_prev.shape[0]
    n_C = A_prev.shape[3]
    return m, n_C
