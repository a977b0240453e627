"""DC101: rank-1 array creation."""

import numpy as np
from numpy.random import randn

n_h = 4
n_x = 3

a = np.random.randn(5)  # DC101
b1 = np.random.rand(n_h)  # DC101
b = np.zeros(n_h)  # DC101
W1 = np.ones(4)  # DC101
dw = np.empty((n_x,))  # DC101
db2 = np.zeros([n_h])  # DC101
parameters = {}
parameters["b1"] = np.zeros(n_h)  # DC101
parameters["b" + str(1)] = np.zeros(shape=(n_h,))  # DC101
c = randn(7)  # DC101
w = np.zeros(layer_dims[1])  # DC101
b7 = np.random.randn(n_h) * np.sqrt(2 / n_h)  # DC101
db3 = np.empty(n_h)  # DC101
rng = np.random.default_rng(1)
b8 = rng.standard_normal((n_h,))  # DC101
b9 = rng.standard_normal(n_h) * 0.01  # DC101
b10 = rng.random(size=n_h)  # DC101
b11 = np.random.default_rng(2).normal(0.0, 1.0, n_h)  # DC101
b12 = np.random.RandomState(3).randn(n_h)  # DC101
b13 = np.random.standard_normal(n_h)  # DC101


def initialize_parameters(n_x, n_h, rng):
    # A generator passed in, as the toolkit's own style asks for.
    W1 = rng.standard_normal((n_h, n_x)) * 0.01
    b1 = rng.standard_normal(n_h)  # DC101
    return {"W1": W1, "b1": b1}


def init_bias(n_h, generator: np.random.Generator):
    return generator.uniform(-0.1, 0.1, size=(n_h,))  # DC101


# Look-alikes that must stay silent.
a2 = np.random.randn(5, 1)
b3 = np.zeros((n_h, 1))
costs = np.zeros(100)  # a history of costs is a genuine vector
shape = (n_h, 1)
b4 = np.zeros(shape)
W2 = np.random.randn(*shape)
x = np.random.randn()  # a single number
rng = np.random.default_rng(0)
w2 = rng.standard_normal((n_x, 1))
b5 = np.zeros_like(b3)
import jax.numpy as np  # noqa: E402

b6 = np.zeros(5)  # np is not numpy any more


def load_planar_dataset(N=200, j=0, a=4):
    # The course's own data helper: points along a curve, vectors on purpose.
    t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + np.random.randn(N) * 0.2
    r = a * np.sin(4 * t) + np.random.randn(N) * 0.2
    return np.c_[r * np.sin(t), r * np.cos(t)]


def load_2d_flower(randomness, seed):
    # The Course's reg_utils generator: rank-1 noise on data, outside any parameter code.
    np.random.seed(seed)
    m = 50
    N = int(m / 2)
    X = np.zeros((m, 2))
    for j in range(2):
        t = np.linspace(j, 4 * 3.1415 * (j + 1), N)
        r = 0.3 * np.square(t) + np.random.randn(N) * randomness
        noise = np.random.randn(N)
        X[N * j : N * (j + 1)] = np.c_[r * np.cos(t) + noise, r * np.sin(t)]
    return X


def make_blobs(n_points, rng):
    # A data generator with a Generator: 1-D data is fine.
    radius = rng.standard_normal(n_points)
    angle = rng.uniform(0, 6.28, n_points)
    return np.c_[radius * np.cos(angle), radius * np.sin(angle)]


def shuffled_columns(X, Y, seed):
    # Mini-batches: a permutation of the m column indices is a vector on purpose.
    rng = np.random.default_rng(seed)
    permutation = rng.permutation(X.shape[1])
    return X[:, permutation], Y[:, permutation]


def vectorisation_demo():
    # The vectorisation lecture: two vectors and their dot product; (n, 1) would break it.
    a = np.random.rand(1000000)
    b = np.random.rand(1000000)
    return np.dot(a, b)
