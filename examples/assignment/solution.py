"""The instructor's reference for the week 4 assignment: forward pass and cost.

The gradient tests check the student's backward pass against central differences of these
functions, never of the student's own forward and cost, and compare the student's values
with theirs. Keep this file out of the students' reach (the sandboxed student process runs
as another user: `chmod 700` the directory of the tests).
"""

import numpy as np


def L_model_forward(X, parameters):
    """`[LINEAR -> RELU] * (L-1) -> LINEAR -> SIGMOID`: `A[L]` `(n[L], m)` and no caches."""
    L = len(parameters) // 2
    A = X
    for layer in range(1, L + 1):
        Z = parameters[f"W{layer}"] @ A + parameters[f"b{layer}"]
        A = 1 / (1 + np.exp(-Z)) if layer == L else np.maximum(0, Z)
    return A, None


def compute_cost(AL, Y):
    """The cross-entropy cost `J`, the mean over the `m` examples, a float."""
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)
