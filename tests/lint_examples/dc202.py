"""DC202: a reduction over the last axis without keepdims=True meets a matrix."""

import numpy as np


def normalize(A_prev, W):
    mu = np.mean(A_prev, axis=1)
    centred = A_prev - mu  # DC202
    Z = W @ A_prev
    shifted = Z - np.max(Z, axis=1)  # DC202
    return centred, shifted


data = np.ones((4, 6))
scaled = data / data.sum(axis=1)  # DC202


# Look-alikes that must stay silent.
def softmax(Z):
    e = np.exp(Z - np.max(Z, axis=0))
    return e / np.sum(e, axis=0)


def centre(A_prev):
    return A_prev - np.mean(A_prev, axis=1, keepdims=True)


square = np.ones((4, 4))
fine = square - square.sum(axis=1)  # (4,) against (4, 4): the sizes agree
