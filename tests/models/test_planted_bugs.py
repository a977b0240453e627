"""The gradient comparisons these tests rely on catch real bugs (and pass correct code)."""

from __future__ import annotations

import numpy as np
import pytest

import models
from models import DeepNetwork, Dense, LeakyReLU, Sigmoid, Tanh
from models._dense import DenseCache

from ._numeric import assert_gradient_close, central_difference


class SigmoidMissingOneMinusA(Sigmoid):
    """The classic slip: g'(z) written as A instead of A (1 - A)."""

    def _dZ(self, dA, Z, A):
        return dA * A


class TanhUsingZ(Tanh):
    """g'(z) computed from Z instead of A: 1 - Z^2."""

    def _dZ(self, dA, Z, A):
        return dA * (1.0 - Z * Z)


class SigmoidDerivativeFromZ(Sigmoid):
    """g'(z) written as sigmoid(z) (1 - z), mixing up Z and A in the declared derivative."""

    def _derivative(self, Z, A):
        A = self._g(Z) if A is None else A
        return A * (1.0 - Z)


class LeakyReLUWithoutSlope(LeakyReLU):
    """g'(z) = 1 for z > 0 and 0 otherwise: the slope forgotten for negative inputs."""

    def _derivative(self, Z, A):
        return Z > 0


class DenseWithoutOneOverM(Dense):
    """dW = dZ @ A_prev.T, forgetting the 1/m (the notes' db[1] slip is the same kind)."""

    def backward(self, dZ, cache: DenseCache):
        dA_prev, dW, db = super().backward(dZ, cache)
        m = cache.A_prev.shape[-1]
        return dA_prev, dW * m, db


def activation_gradient_error(activation) -> float:
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((3, 4))
    G = rng.standard_normal((3, 4))
    _, cache = activation.forward(Z)
    analytic = activation.backward(G, cache)
    numeric = central_difference(lambda Z_: float(np.sum(G * activation.forward(Z_)[0])), Z)
    try:
        assert_gradient_close(analytic, numeric, repr(activation))
    except AssertionError:
        return float(np.max(np.abs(analytic - numeric)))
    return 0.0


@pytest.mark.parametrize(
    "bug",
    [SigmoidMissingOneMinusA(), TanhUsingZ(), SigmoidDerivativeFromZ(), LeakyReLUWithoutSlope(0.2)],
    ids=lambda bug: type(bug).__name__,
)
def test_a_wrong_activation_derivative_is_caught(bug):
    assert activation_gradient_error(bug) > 1e-2


@pytest.mark.parametrize(
    "correct", [cls() for cls in models.ACTIVATIONS.values()] + [LeakyReLU(0.2)], ids=repr
)
def test_the_correct_activation_derivative_passes(correct):
    assert activation_gradient_error(correct) == 0.0


def test_a_dense_layer_without_one_over_m_is_caught_and_the_correct_one_passes():
    rng = np.random.default_rng(0)
    A_prev = rng.standard_normal((3, 5))
    G = rng.standard_normal((2, 5))
    W = rng.standard_normal((2, 3))
    for layer, should_pass in [(Dense(3, 2, W=W), True), (DenseWithoutOneOverM(3, 2, W=W), False)]:
        _, cache = layer.forward(A_prev)
        _, dW, _ = layer.backward(G, cache)
        numeric = central_difference(
            lambda W_, layer=layer: float(np.sum(G * layer.forward(A_prev, W_)[0]) / 5), W
        )
        if should_pass:
            assert_gradient_close(dW, numeric, "dW")
        else:
            with pytest.raises(AssertionError):
                assert_gradient_close(dW, numeric, "dW")


def test_a_network_whose_l2_term_is_missing_from_dW_is_caught():
    net = DeepNetwork([2, 3, 1], hidden="tanh", seed=0, lambd=0.5)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2, 4))
    Y = np.array([[0.0, 1.0, 1.0, 0.0]])
    AL, caches = net.forward(X)
    grads = net.backward(AL, Y, caches)
    params = net.parameters()

    def J(W1):
        AL_, _ = net.forward(X, params={**params, "W1": W1})
        return net.cost(AL_, Y, weights=[W1, params["W2"]])

    numeric = central_difference(J, params["W1"])
    assert_gradient_close(grads["dW1"], numeric, "dW1")
    without_l2 = grads["dW1"] - 0.5 / 4 * params["W1"]
    with pytest.raises(AssertionError):
        assert_gradient_close(without_l2, numeric, "dW1 without the L2 term")
