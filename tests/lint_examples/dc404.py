"""DC404: an element-wise operation whose shapes cannot broadcast."""

import numpy as np

A = np.ones((3, 4))
B = np.ones((4, 3))
C = A + B  # DC404
D = A * np.random.randn(3, 5)  # DC404
E = np.maximum(A, 0) - B  # DC404

# Look-alikes that must stay silent.
F = A + B.T
G = A * np.ones((3, 1))
H = A + np.ones((1, 4))
K = A + 1.0
L = np.ones((2, 1, 4)) + A
M = A + np.ones((n, 4))
