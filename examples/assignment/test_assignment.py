"""The instructor's tests of the week 4 assignment, graded with the dimgrad pytest plugin.

Run them on a submission (`assignment.py` next to this file) with::

    pytest examples/assignment --grade-json results.json

`pytest.ini` names the student's module (`dimgrad_student`), shape-checks it while the tests
run (`dimgrad_modules`, like `--dimcheck-modules`) and loads the hypothesis grading profile,
so students running `pytest` at home see the same counterexamples as the grader. When
grading, the student's module runs in a sandboxed process of its own: `student` is a
stand-in whose calls return plain data. The gradients are checked against the instructor's
reference (`solution.py`), so a cost that returns a constant, or that notices the check,
earns nothing.
"""

import numpy as np
import pytest
import solution
from hypothesis import given
from hypothesis import strategies as st

from gradcheck import strategies as gs

LAYER_DIMS = [5, 4, 3, 1]


def problem(rng, layer_dims, m=7):
    """Parameters, `X` `(n[0], m)` and `Y` `(1, m)` drawn from the test's own seeded `rng`."""
    parameters = {}
    for l in range(1, len(layer_dims)):  # noqa: E741 - the course's name for a layer
        parameters[f"W{l}"] = rng.standard_normal((layer_dims[l], layer_dims[l - 1])) * 0.7
        # Biases away from 0 keep ReLU inputs away from their kink.
        parameters[f"b{l}"] = rng.uniform(0.1, 0.5, (layer_dims[l], 1))
    X = rng.standard_normal((layer_dims[0], m))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    return parameters, X, Y


@pytest.mark.points(1)
def test_initialize_parameters_deep_gives_W_and_b_the_course_shapes(student, shapecheck):
    for layer_dims in ([3, 1], LAYER_DIMS, [4, 4, 4, 2]):
        shapecheck.parameters(student.initialize_parameters_deep(layer_dims), layer_dims)


@pytest.mark.points(1)
def test_linear_forward_computes_W_A_plus_b(student):
    A = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    W = np.array([[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]])
    b = np.array([[1.0], [-1.0]])
    Z, _ = student.linear_forward(A, W, b)
    np.testing.assert_allclose(Z, [[-3.0, -3.0], [3.5, 5.0]])


@pytest.mark.points(2)
@given(gs.problems(m=st.integers(1, 8)))
def test_L_model_forward_returns_AL_of_shape_nL_m_and_one_cache_per_layer(student, problem):
    AL, caches = student.L_model_forward(problem.X, problem.parameters)
    n_L, m = problem.layer_dims[-1], problem.X.shape[1]
    assert AL.shape == (n_L, m), f"A[L] must be (n[L], m) = ({n_L}, {m})"
    assert len(caches) == len(problem.layer_dims) - 1, "one cache per layer"
    expected, _ = solution.L_model_forward(problem.X, problem.parameters)
    np.testing.assert_allclose(AL, expected, rtol=1e-7, err_msg="A[L]")


@pytest.mark.points(1)
def test_compute_cost_is_the_mean_cross_entropy(student):
    AL = np.array([[0.8, 0.9, 0.4]])
    Y = np.array([[1.0, 1.0, 0.0]])
    expected = -np.mean(np.log([0.8, 0.9, 0.6]))
    assert student.compute_cost(AL, Y) == pytest.approx(expected, rel=1e-12)


@pytest.mark.points(3)
def test_L_model_backward_gradients_match_finite_differences(student, gradcheck, rng):
    parameters, X, Y = problem(rng, LAYER_DIMS)
    gradcheck(student, parameters, X, Y, reference=solution)


@pytest.mark.points(1)
def test_L_model_backward_gradients_have_their_parameters_shapes(student, shapecheck, rng):
    parameters, X, Y = problem(rng, LAYER_DIMS)
    AL, caches = student.L_model_forward(X, parameters)
    shapecheck.gradients(student.L_model_backward(AL, Y, caches), parameters)


@pytest.mark.points(1)
@pytest.mark.visibility("after_due_date")
def test_update_parameters_takes_one_gradient_descent_step(student, rng):
    parameters, _, _ = problem(rng, [3, 2, 1])
    grads = {"d" + key: np.ones_like(value) for key, value in parameters.items()}
    # Compared with a copy taken before the step: the course's own update_parameters
    # writes the new values into the dict it was given, which is fine.
    before = {key: value.copy() for key, value in parameters.items()}
    updated = student.update_parameters(parameters, grads, 0.1)
    for key, value in before.items():
        np.testing.assert_allclose(updated[key], value - 0.1, err_msg=key)


@pytest.mark.points(2)
@pytest.mark.visibility("hidden")
def test_gradients_of_a_deeper_network_match_finite_differences(student, gradcheck, rng):
    parameters, X, Y = problem(rng, [6, 5, 4, 3, 1], m=9)
    gradcheck(student, parameters, X, Y, reference=solution)
