"""DC403: a matrix product whose inner dimensions cannot agree."""

import numpy as np

W1 = np.random.randn(4, 3)
X = np.random.randn(5, 10)
Z1 = W1 @ X  # DC403
Z1 = np.dot(W1, X)  # DC403
n_x = 3
W = np.random.randn(4, n_x)
A = np.ones((2, 7))
Z = W @ A  # DC403
D = np.random.randn(4, 3) @ np.random.randn(4, 3)  # DC403
s = np.sum(np.ones((4, 6)), axis=1, keepdims=True)
F = np.ones((3, 3)) @ s  # DC403
R = np.ones((3, 4)).reshape(4, 3) @ np.ones((4, 2))  # DC403
P = np.array([[1, 2, 3], [4, 5, 6]]) @ np.ones((2, 2))  # DC403

# Look-alikes that must stay silent.
B = np.zeros((4, 3)).T
C = W1 @ B
E = W1 @ np.random.randn(3, 8)
H = W1.T @ W1
W2 = np.random.randn(n_h, n_y)
A2 = np.random.randn(n_other, m)
G = W2 @ A2  # different symbols may still be equal


def f(W1):
    return W1 @ X  # W1 is the parameter here
