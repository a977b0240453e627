"""Doubtful differences get a second look: Richardson extrapolation removes truncation error."""

import numpy as np
import pytest

import gradcheck
import models


def exp_cost(params):
    # Third derivative 27 exp(3W): the central difference's eps^2 term is large.
    return float(np.sum(np.exp(3.0 * params["W"])) / 3.0)


@pytest.fixture
def W():
    return np.random.default_rng(0).standard_normal((3, 4))


def test_truncation_error_alone_is_not_doubtful_after_smaller_steps(W):
    # At eps = 3e-3 the plain central difference is off by about 7e-6 (relative):
    # doubtful. The gradient is right: each value disagreeing with it is measured
    # again at eps/10, eps/100 ... until its estimate settles, and passes.
    report = gradcheck.check(exp_cost, {"W": W}, {"dW": np.exp(3.0 * W)}, eps=3e-3, mode="full")
    result = report.results["W"]
    assert report.passed
    assert result.difference < 1e-9


def test_a_small_real_error_stays_doubtful_after_extrapolation(W):
    # A gradient 2e-5 too large is no truncation error: the second look keeps it.
    report = gradcheck.check(
        exp_cost, {"W": W}, {"dW": np.exp(3.0 * W) * (1 + 2e-5)}, eps=3e-3, mode="full"
    )
    assert not report.passed
    assert report.results["W"].verdict == "doubtful"
    assert report.results["W"].how.endswith(", extrapolated")


def test_a_clear_pass_takes_no_second_look(W):
    report = gradcheck.check(exp_cost, {"W": W}, {"dW": np.exp(3.0 * W)}, mode="full")
    assert report.passed
    assert report.results["W"].how == "full"
    assert not any("Richardson" in note for note in report.notes)


def test_a_trained_network_on_unscaled_data_passes_check_model():
    # The seed's 35 points reach x = 7: W[1]'s third derivatives are large. At
    # eps = 1e-4 the plain differences put the correct W[1] in the doubtful band.
    X, Y = models.course_35_points()
    net = models.DeepNetwork([2, 3, 4, 1], hidden="tanh", output="sigmoid", seed=0)
    net.fit(X, Y, epochs=3000, learning_rate=0.05, progress=False)
    report = gradcheck.check_model(net, X, Y, eps=1e-4)
    assert report.passed, str(report)
    assert report.results["W1"].how.endswith(", extrapolated")
    assert report.results["W1"].difference < 1e-6


def test_a_planted_factor_stays_wrong_on_the_same_network():
    X, Y = models.course_35_points()
    net = models.DeepNetwork([2, 3, 4, 1], hidden="tanh", output="sigmoid", seed=0)
    net.fit(X, Y, epochs=3000, learning_rate=0.05, progress=False)
    params = net.parameters()
    AL, caches = net.forward(X)
    grads = net.backward(AL, Y, caches)
    grads["dW1"] = 2.0 * grads["dW1"]

    def cost(p):
        AL_, _ = net.forward(X, params=p)
        return net.cost(AL_, Y)

    report = gradcheck.check(cost, params, grads, eps=1e-4, mode="full")
    assert report.failed == ["W1"]
    assert report.results["W1"].verdict == "wrong"
