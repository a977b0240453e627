"""DC502: np.matrix."""

import numpy as np
from numpy import matrix

M = np.matrix([[1, 2], [3, 4]])  # DC502
N = np.asmatrix(np.eye(2))  # DC502
P = matrix("1 2; 3 4")  # DC502

# Look-alikes that must stay silent.
is_matrix = isinstance(M, np.matrix)
A = np.array([[1, 2], [3, 4]])
power = np.linalg.matrix_power(A, 2)
