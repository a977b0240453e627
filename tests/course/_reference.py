"""Independent references for the corpus's sanity tests: the Course's formulas in plain numpy.

Nothing here is imported from the corpus or from the toolkit: forward passes and costs are
written from the formulas, gradients are central differences of those costs, the
optimisers are their update equations.
"""

from collections.abc import Callable

import numpy as np

Arrays = dict[str, np.ndarray]

# Central differences with eps = 1e-6 in float64: truncation ~eps^2 * J''' and rounding
# ~1e-16 * J / eps, both far below 1e-7 for these O(1) costs; 1e-6 relative leaves room.
EPS = 1e-6
GRAD_RTOL, GRAD_ATOL = 1e-6, 1e-9


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0)


def leaky_relu(z: np.ndarray) -> np.ndarray:
    """Slope 1 above 0, 0.01 below: the corpus's leaky ReLU."""
    return np.maximum(z, 0.01 * z)


def cross_entropy(a: np.ndarray, y: np.ndarray) -> float:
    """J = -(1/m) sum(y log a + (1 - y) log(1 - a)), a and y (1, m)."""
    return float(-np.mean(y * np.log(a) + (1 - y) * np.log(1 - a)))


def dense_forward(
    x: np.ndarray,
    params: Arrays,
    hidden: Callable[[np.ndarray], np.ndarray],
    output: Callable[[np.ndarray], np.ndarray] = sigmoid,
    masks: dict[int, np.ndarray] | None = None,
    keep_prob: float = 1.0,
) -> np.ndarray:
    """A[L] of an L-layer network, W[l] (n[l], n[l-1]); `masks[l]` drops units of A[l]."""
    layers = len(params) // 2
    a = x
    for layer in range(1, layers + 1):
        z = params[f"W{layer}"] @ a + params[f"b{layer}"]
        a = output(z) if layer == layers else hidden(z)
        if masks and layer in masks:
            a = a * masks[layer] / keep_prob
    return a


def numerical_gradients(cost: Callable[[Arrays], float], params: Arrays) -> Arrays:
    """dJ/dθ for every entry of every array, by central differences (float64 copies)."""
    grads = {}
    for key, value in params.items():
        grad = np.zeros(np.shape(value), dtype=np.float64)
        for index in np.ndindex(np.shape(value)):
            shifted = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
            shifted[key][index] = value[index] + EPS
            plus = cost(shifted)
            shifted[key][index] = value[index] - EPS
            minus = cost(shifted)
            grad[index] = (plus - minus) / (2 * EPS)
        grads["d" + key] = grad
    return grads


def assert_gradients(got: dict[str, object], expected: Arrays) -> None:
    """Each expected gradient is in `got` with its shape and values."""
    for key, value in expected.items():
        assert np.shape(got[key]) == value.shape, key
        np.testing.assert_allclose(
            np.asarray(got[key]), value, rtol=GRAD_RTOL, atol=GRAD_ATOL, err_msg=key
        )


def random_params(rng: np.random.Generator, dims: list[int], scale: float = 0.7) -> Arrays:
    """Weights large enough for non-trivial gradients, biases non-zero."""
    params = {}
    for layer in range(1, len(dims)):
        params[f"W{layer}"] = rng.standard_normal((dims[layer], dims[layer - 1])) * scale
        params[f"b{layer}"] = rng.standard_normal((dims[layer], 1)) * 0.1
    return params


def problem(seed: int, n_x: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """X (n_x, m) standard normal, Y (1, m) of 0/1 labels."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_x, m))
    y = (rng.random((1, m)) < 0.5).astype(np.float64)
    return x, y


def momentum_step(
    params: Arrays, grads: Arrays, v: Arrays, beta: float, learning_rate: float
) -> tuple[Arrays, Arrays]:
    """v = beta v + (1 - beta) dθ; θ = θ - α v (new dicts)."""
    new_v = {k: beta * v[k] + (1 - beta) * grads[k] for k in v}
    new_params = {k: p - learning_rate * new_v["d" + k] for k, p in params.items()}
    return new_params, new_v


def adam_step(
    params: Arrays,
    grads: Arrays,
    v: Arrays,
    s: Arrays,
    t: int,
    learning_rate: float = 0.01,
    beta1: float = 0.9,
    beta2: float = 0.999,
    epsilon: float = 1e-8,
) -> tuple[Arrays, Arrays, Arrays]:
    """Adam with bias correction and ε outside the square root (new dicts)."""
    new_v = {k: beta1 * v[k] + (1 - beta1) * grads[k] for k in v}
    new_s = {k: beta2 * s[k] + (1 - beta2) * grads[k] ** 2 for k in s}
    new_params = {}
    for key, value in params.items():
        v_hat = new_v["d" + key] / (1 - beta1**t)
        s_hat = new_s["d" + key] / (1 - beta2**t)
        new_params[key] = value - learning_rate * v_hat / (np.sqrt(s_hat) + epsilon)
    return new_params, new_v, new_s
