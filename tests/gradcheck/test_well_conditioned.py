"""Points where float64 cannot judge a gradient: the well-conditioned point, and the noise
estimate that kinks must not inflate.

The Course's own code and initialiser (`initialize_parameters_deep`: `randn * 0.01`, zero
biases) from the shared corpus, composed into the stacks users build with it: deep sigmoid
layers (whose `dW[1]` is about `1e-11` next to `J` about `0.7`), outputs saturated near 0
or 1, chains of one-unit ReLU layers on two examples. Correct code passes, with a note
saying where it was checked; planted bugs are not passed.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import gradcheck
from gradcheck._conditioned import SHIFTS, conditioned
from gradcheck._noise import NOISE_STEPS, OFFSETS, _jumps, noise_along
from tests.course import get

WELL_CONDITIONED = "checked at a well-conditioned point"


@pytest.fixture(scope="module")
def course() -> ModuleType:
    return get("c1w4_deep_v3").load()


def stack(course: ModuleType, hidden: str, bug: str | None = None) -> dict[str, Callable[..., Any]]:
    """The Course's `L_model_forward` and `L_model_backward` with `hidden` activations,
    composed from its own `linear_activation_forward` / `_backward`, and one bug or none."""

    def forward(X: np.ndarray, parameters: dict) -> tuple[np.ndarray, list]:
        L = len(parameters) // 2
        A, caches = X, []
        for l in range(1, L + 1):  # noqa: E741 (the Course's layer index)
            activation = hidden if l < L else "sigmoid"
            A, cache = course.linear_activation_forward(
                A, parameters["W" + str(l)], parameters["b" + str(l)], activation
            )
            caches.append(cache)
        return A, caches

    def backward(AL: np.ndarray, Y: np.ndarray, caches: list) -> dict:
        L = len(caches)
        grads = {}
        dA = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
        for l in reversed(range(1, L + 1)):  # noqa: E741
            activation = hidden if l < L else "sigmoid"
            dA_prev, dW, db = course.linear_activation_backward(dA, caches[l - 1], activation)
            if bug == "double_dW1" and l == 1:
                dW = 2 * dW
            if bug == "sign" and l == L:
                dW, db = -dW, -db
            grads["dW" + str(l)], grads["db" + str(l)] = dW, db
            dA = dA_prev
        return grads

    return {"forward": forward, "cost": course.compute_cost, "backward": backward}


def course_problem(
    course: ModuleType, layer_dims: list[int], m: int, seed: int
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    np.random.seed(seed)
    parameters = course.initialize_parameters_deep(layer_dims)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((layer_dims[0], m))
    Y = (rng.random((1, m)) > 0.5).astype(np.float64)
    return parameters, X, Y


def check(course: ModuleType, hidden: str, parameters, X, Y, bug: str | None = None):
    functions = stack(course, hidden, bug)
    return gradcheck.check_functions(
        **functions, parameters=parameters, X=X, Y=Y, progress_bar=False
    )


@pytest.mark.slow
@pytest.mark.parametrize("hidden", ["sigmoid", "relu"])
@pytest.mark.parametrize("m", [1, 2, 7])
def test_a_deep_stack_under_the_courses_initialiser_passes_at_a_well_conditioned_point(
    course: ModuleType, hidden: str, m: int
) -> None:
    parameters, X, Y = course_problem(course, [6, 6, 6, 6, 9, 1], m, seed=3)
    before = {key: value.copy() for key, value in parameters.items()}
    report = check(course, hidden, parameters, X, Y)
    assert report.passed, str(report)
    if hidden == "sigmoid":
        # dW[1] is a product of four tiny weights: float64 cannot resolve it at the given point.
        assert any(WELL_CONDITIONED in note for note in report.notes), report.notes
    for key, value in parameters.items():
        np.testing.assert_array_equal(value, before[key])


@pytest.mark.slow
@pytest.mark.parametrize("bug", ["double_dW1", "sign"])
def test_a_planted_bug_in_a_deep_sigmoid_stack_is_not_passed(course: ModuleType, bug: str) -> None:
    parameters, X, Y = course_problem(course, [6, 6, 6, 6, 9, 1], 2, seed=3)
    report = check(course, "sigmoid", parameters, X, Y, bug)
    assert not report.passed, str(report)
    # The doubled dW[1] hid under roundoff at the given point: never called wrong on the
    # evidence of another point, it is not passed, with the reason.
    culprit = "W1" if bug == "double_dW1" else "W5"
    assert report.results[culprit].verdict in ("wrong", "inconclusive")


@pytest.mark.slow
def test_a_saturated_output_passes(course: ModuleType) -> None:
    parameters, X, Y = course_problem(course, [4, 5, 1], 8, seed=5)
    parameters["b2"] = np.full((1, 1), 23.0)  # A[L] within 1e-10 of 1 for every example
    Y = np.ones((1, 8))
    report = check(course, "relu", parameters, X, Y)
    assert report.passed, str(report)


@pytest.mark.slow
def test_a_chain_of_one_unit_relu_layers_on_two_examples_passes(course: ModuleType) -> None:
    # Dead one-unit layers cut every gradient below them at most points: the draws of
    # the well-conditioned points (shifted hidden biases) find one where they live.
    parameters, X, Y = course_problem(course, [2, 11, 1, 2, 1, 1], 2, seed=0)
    report = check(course, "relu", parameters, X, Y)
    assert report.passed, str(report)


@pytest.mark.slow
@pytest.mark.parametrize("bug", [None, "double_dW1", "sign"])
def test_a_wrong_verdict_among_unjudged_gradients_is_confirmed_elsewhere(
    course: ModuleType, bug: str | None
) -> None:
    # Zero biases put units of the deep layers within 1e-10 of their kink for both
    # examples: every usable step crosses them, the one-sided differences agree beyond
    # the kinks, and db[4] looked wrong beside gradients that could not be judged. A bug
    # shows at any ordinary point; this one did not.
    parameters, X, Y = course_problem(course, [9, 11, 6, 9, 8, 1], 2, seed=5)
    report = check(course, "relu", parameters, X, Y, bug)
    if bug is None:
        assert report.passed, str(report)
        assert any("disagreed beside gradients that could not be judged" in n for n in report.notes)
    else:
        assert not report.passed, str(report)


def test_the_well_conditioned_point_scales_weights_and_redraws_biases() -> None:
    rng = np.random.default_rng(0)
    parameters = {
        "W1": 0.01 * rng.standard_normal((4, 9)),
        "b1": np.zeros((4, 1)),
        "W2": 0.01 * rng.standard_normal((1, 4)),
        "b2": np.zeros((1, 1)),
    }
    before = {key: value.copy() for key, value in parameters.items()}
    first, keys = conditioned(parameters, np.random.default_rng([0, 4]), attempt=1)
    again, _ = conditioned(parameters, np.random.default_rng([0, 4]), attempt=1)
    assert sorted(keys) == ["W1", "W2", "b1", "b2"]
    for key in parameters:
        np.testing.assert_array_equal(parameters[key], before[key])  # never modified
        np.testing.assert_array_equal(first[key], again[key])  # seeded
        assert first[key].shape == parameters[key].shape
    # Root mean square 1/sqrt(max(n[l], n[l-1])), the direction kept at the first attempt.
    assert np.sqrt(np.mean(first["W1"] ** 2)) == pytest.approx(1 / 3)
    ratio = first["W1"] / parameters["W1"]
    np.testing.assert_allclose(ratio, ratio[0, 0])
    # Hidden biases shifted from the third attempt's value on; the output bias never.
    draws = np.random.default_rng([0, 4])
    for attempt in range(1, 4):
        point, _ = conditioned(parameters, draws, attempt)
    assert SHIFTS[2] == 1.0
    assert float(np.mean(point["b1"])) > 0.5
    assert abs(float(point["b2"][0, 0])) < 0.5


def test_parameters_without_weights_get_no_well_conditioned_point() -> None:
    point, keys = conditioned({"theta": np.ones(3)}, np.random.default_rng(0))
    assert (point, keys) == ({}, [])


# -- the noise of J: kinks crowding the given point are not noise -----------------------------


def line(function: Callable[[float], float]) -> Callable[[float], np.ndarray]:
    return lambda step: np.array([function(k * step) for k in OFFSETS])


def test_a_kink_at_the_given_point_is_not_a_jump() -> None:
    # Zero biases put every Z[l] of a deep layer within 1e-7 of 0: at a larger spacing the
    # line through the point bends there, which must not pass for a rounding jump.
    values = line(lambda t: 0.7 + 3e-4 * t + 2e-4 * abs(t))(1e-4)
    assert not _jumps(values)


def test_a_rounding_jump_is_one() -> None:
    values = line(lambda t: 0.7 + 1e-9 * t + (1e-13 if t > 2.5e-4 else 0.0))(1e-4)
    assert _jumps(values)


def test_the_noise_is_measured_where_kinks_do_not_crowd() -> None:
    # Roundoff about 1e-16 at the smallest spacing; a crowd of kinks at the point bends J
    # at larger spacings. The estimate is the roundoff, not the kinks.
    rng = np.random.default_rng(1)

    def cost(t: float) -> float:
        kinks = 3e-3 * abs(t) + 1e-3 * max(0.0, t - 2e-7)
        return 0.7 + 1e-3 * t + kinks + 1e-16 * rng.standard_normal()

    estimate = noise_along(line(cost))
    assert NOISE_STEPS[0] == 1e-8
    assert estimate < 1e-14
