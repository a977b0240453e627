"""gradcheck.strategies: what each strategy promises holds for every example it draws."""

# The course names layers `l`.
# ruff: noqa: E741

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import gradcheck
import models
from gradcheck import strategies as gs

EXAMPLE = Path(__file__).parents[2] / "examples" / "assignment" / "assignment.py"
_spec = importlib.util.spec_from_file_location("example_assignment", EXAMPLE)
assert _spec is not None and _spec.loader is not None
course = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(course)


@given(gs.layer_dims(min_layers=2, max_layers=4, min_units=2, max_units=5, n_x=7, n_y=None))
def test_layer_dims_respect_the_bounds_on_depth_and_width(dims: list[int]) -> None:
    assert 3 <= len(dims) <= 5
    assert dims[0] == 7
    assert all(2 <= n <= 5 for n in dims[1:])


@given(gs.layer_dims(n_x=st.integers(10, 12)))
def test_layer_dims_take_strategies_for_n0_and_default_to_one_output(dims: list[int]) -> None:
    assert 10 <= dims[0] <= 12
    assert dims[-1] == 1
    assert 2 <= len(dims) <= 4


@given(st.data())
def test_parameters_have_the_course_shapes_and_are_well_conditioned(data: st.DataObject) -> None:
    dims = data.draw(gs.layer_dims(max_layers=4))
    parameters = data.draw(gs.parameters(dims))
    assert sorted(parameters) == sorted(
        [f"W{l}" for l in range(1, len(dims))] + [f"b{l}" for l in range(1, len(dims))]
    )
    for l in range(1, len(dims)):
        W, b = parameters[f"W{l}"], parameters[f"b{l}"]
        assert W.shape == (dims[l], dims[l - 1]) and W.dtype == np.float64
        assert b.shape == (dims[l], 1) and b.dtype == np.float64
        scaled = np.abs(W) * np.sqrt(dims[l - 1])
        assert np.all((scaled >= 0.5 - 1e-12) & (scaled <= 1.5 + 1e-12))
        assert np.all((np.abs(b) >= 0.1) & (np.abs(b) <= 0.5))


@given(gs.parameters([3, 2, 1], transposed=True))
def test_parameters_can_store_the_weights_transposed(parameters: dict) -> None:
    assert parameters["W1"].shape == (3, 2)
    assert parameters["W2"].shape == (2, 1)
    assert parameters["b1"].shape == (2, 1)


@given(st.data())
def test_parameters_for_a_batch_keep_the_relu_inputs_away_from_the_kink(
    data: st.DataObject,
) -> None:
    X = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
    parameters = data.draw(gs.parameters([3, 5, 4, 1], X=X, margin=0.01))
    A = X
    for l in (1, 2):
        Z = parameters[f"W{l}"] @ A + parameters[f"b{l}"]
        assert np.min(np.abs(Z)) >= 0.01
        A = np.maximum(Z, 0)


@given(gs.batches(4, st.integers(1, 9)))
def test_binary_batches_have_examples_as_columns_and_labels_0_or_1(batch: tuple) -> None:
    X, Y = batch
    assert X.shape[0] == 4 and Y.shape == (1, X.shape[1])
    assert 1 <= X.shape[1] <= 9
    assert np.all((np.abs(X) >= 0.05) & (np.abs(X) <= 2))
    assert set(np.unique(Y)) <= {0.0, 1.0}


@given(gs.batches(2, 5, n_y=3, labels="categorical"))
def test_categorical_batches_are_one_hot_columns(batch: tuple) -> None:
    X, Y = batch
    assert X.shape == (2, 5) and Y.shape == (3, 5)
    np.testing.assert_array_equal(Y.sum(axis=0), np.ones(5))


@given(gs.problems(m=st.integers(1, 8)))
def test_problems_keep_every_hidden_relu_input_away_from_its_kink(problem: gs.Problem) -> None:
    A = problem.X
    L = len(problem.layer_dims) - 1
    for l in range(1, L):
        Z = problem.parameters[f"W{l}"] @ A + problem.parameters[f"b{l}"]
        assert np.min(np.abs(Z)) >= 1e-3
        A = np.maximum(Z, 0)


class HardTanh(models.Activation):
    """`clip(z, -1, 1)`: kinks at -1 and 1, none at 0. Unregistered (no `name`)."""

    elementwise = True
    columnwise = True
    kinks = (-1.0, 1.0)
    piecewise_linear = True

    def _g(self, Z):
        return np.clip(Z, -1.0, 1.0)

    def _derivative(self, Z, A):
        return (Z > -1.0) & (Z <= 1.0)


@pytest.mark.parametrize(
    "hidden", [*models.ACTIVATIONS, models.LeakyReLU(0.3), HardTanh()], ids=str
)
@settings(max_examples=15)
@given(data=st.data())
def test_problems_keep_the_hidden_inputs_away_from_the_kinks_the_activation_declares(
    hidden, data: st.DataObject
) -> None:
    # The strategy asks the activation for its kinks and its forward pass: a new
    # activation, or one with kinks elsewhere than 0, needs no change to it.
    activation = models.get_activation(hidden)
    problem = data.draw(gs.problems(gs.layer_dims(min_layers=2), hidden=hidden, margin=0.05))
    A = problem.X
    for l in range(1, len(problem.layer_dims) - 1):
        Z = problem.parameters[f"W{l}"] @ A + problem.parameters[f"b{l}"]
        for kink in activation.kinks:
            assert np.min(np.abs(Z - kink)) >= 0.05
        A = activation.forward(Z)[0]


@given(gs.problems(gs.layer_dims(max_units=2), m=st.integers(1, 2)))
def test_problems_leave_no_parameter_unused(problem: gs.Problem) -> None:
    # An all-zero X, or a hidden layer off for every example, would leave the next
    # W[l] without influence on the cost: a gradient check of it checks nothing.
    A = problem.X
    assert np.any(A != 0)
    for l in range(1, len(problem.layer_dims) - 1):
        A = np.maximum(problem.parameters[f"W{l}"] @ A + problem.parameters[f"b{l}"], 0)
        assert np.any(A != 0)


def test_an_unknown_hidden_activation_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match=r"unknown activation 'relu6' for hidden: expected one of"):
        gs.problems(hidden="relu6")


@given(gs.problems(m=st.integers(1, 8)))
def test_L_model_forward_returns_AL_of_shape_nL_m_and_one_cache_per_layer(
    problem: gs.Problem,
) -> None:
    # The property test of docs/assignments.md, on the example's correct submission.
    AL, caches = course.L_model_forward(problem.X, problem.parameters)
    assert AL.shape == (problem.layer_dims[-1], problem.X.shape[1])
    assert len(caches) == len(problem.layer_dims) - 1


@settings(max_examples=10)
@given(gs.problems(m=st.integers(2, 6)))
def test_a_correct_course_backprop_passes_gradcheck_on_every_problem(
    problem: gs.Problem,
) -> None:
    report = gradcheck.check_functions(
        forward=course.L_model_forward,
        cost=course.compute_cost,
        backward=course.L_model_backward,
        parameters=problem.parameters,
        X=problem.X,
        Y=problem.Y,
    )
    assert report.passed, str(report)
    assert report.kinks == []


@settings(max_examples=10)
@given(gs.networks(gs.layer_dims(n_x=3), hidden="tanh"), gs.batches(3, 4))
def test_networks_are_models_networks_with_the_drawn_shapes(network, batch: tuple) -> None:
    X, Y = batch
    parameters = network.parameters()
    assert network.layer_dims[0] == 3
    for l in range(1, len(network.layer_dims)):
        assert parameters[f"W{l}"].shape == (network.layer_dims[l], network.layer_dims[l - 1])
    assert gradcheck.check_model(network, X, Y).passed


def test_the_grading_profile_is_derandomised_without_deadline_or_database() -> None:
    profile = settings.get_profile(gs.GRADING_PROFILE)
    assert gs.GRADING_PROFILE == "dimgrad-grading"
    assert profile.derandomize is True
    assert profile.deadline is None
    assert profile.database is None
    assert profile.max_examples == 25
    assert Phase.explain not in profile.phases
    assert Phase.shrink in profile.phases


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: gs.layer_dims(min_layers=0), "need 1 <= min_layers <= max_layers: got 0, 3"),
        (lambda: gs.layer_dims(min_units=3, max_units=2), "need 1 <= min_units <= max_units"),
        (lambda: gs.parameters([3]), r"layer_dims must be \[n\[0\], ..., n\[L\]\] with L >= 1"),
        (lambda: gs.batches(3, 0), "m must be an integer >= 1 or a strategy: got 0"),
        (
            lambda: gs.parameters([3, 1], X=np.zeros((2, 4))),
            r"X must be \(n\[0\], m\) = \(3, m\) for these layer_dims: got \(2, 4\)",
        ),
        (lambda: gs.batches(3, 4, labels="ordinal"), "labels must be one of binary, "),
    ],
)
def test_bad_arguments_are_refused_with_the_reason(make, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()
