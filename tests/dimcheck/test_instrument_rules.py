"""Each rule `instrument` applies fires on a planted violation, in the function it belongs to."""

import types

import numpy as np
import pytest

import dimcheck
from dimcheck import ShapeError

from .students import load

LAYER_DIMS = [5, 4, 3, 1]


def setup(name: str = "deep_correct", **options: object) -> tuple[types.ModuleType, dict]:
    student = load(name)
    dimcheck.instrument(student, **options)  # type: ignore[arg-type]
    parameters = student.initialize_parameters_deep(LAYER_DIMS)
    return student, parameters


def test_transposed_convention_planted_dw_names_the_convention() -> None:
    student = load("deep_transposed_dw_standard")
    dimcheck.instrument(student, convention="transposed")
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((5, 7)), np.ones((1, 7))
    with pytest.raises(
        ShapeError,
        match=r"^linear_backward: returned dW\[3\] must be \(n\[2\], n\[3\]\) = \(3, 1\):"
        r" got \(1, 3\) .*Did you mean dW\.T\? \(Transposed convention",
    ):
        student.L_layer_model(X, Y, LAYER_DIMS)


def test_L_model_forward_checks_X_against_n0() -> None:
    student, parameters = setup()
    with pytest.raises(
        ShapeError,
        match=r"^L_model_forward: X = A\[0\] must be \(n\[0\], m\) = \(5, m\): got \(4, 7\)"
        r" \(n\[0\] = 5 from the W\[1\] of parameters\)",
    ):
        student.L_model_forward(np.ones((4, 7)), parameters)


def test_L_model_forward_names_the_weight_that_breaks_the_chain() -> None:
    student, parameters = setup()
    parameters = dict(parameters, W2=np.ones((3, 5)))
    with pytest.raises(
        ShapeError,
        match=r"^L_model_forward: parameters: W\[2\] must be \(n\[2\], n\[1\]\) = \(n\[2\], 4\):"
        r" got \(3, 5\) \(n\[1\] = 4 from W\[1\]\)\. \(Standard convention",
    ):
        student.L_model_forward(np.ones((5, 7)), parameters)


def test_linear_activation_backward_checks_dA_against_the_cache() -> None:
    student, parameters = setup()
    X = np.ones((5, 7))
    _, caches = student.L_model_forward(X, parameters)
    with pytest.raises(
        ShapeError,
        match=r"^linear_activation_backward: dA\[2\] must be \(n\[2\], m\) = \(3, 7\):"
        r" got \(3, 6\) \(n\[2\] = 3 from the W\[1\.\.L\] of parameters; m = 7 from A\[1\]",
    ):
        student.linear_activation_backward(np.ones((3, 6)), caches[1], "relu")


def test_update_parameters_checks_the_gradients_it_is_given() -> None:
    student, parameters = setup()
    grads = {"d" + k: np.zeros_like(v) for k, v in parameters.items()}
    grads["db3"] = np.zeros(1)
    with pytest.raises(
        ShapeError,
        match=r"^update_parameters: grads: db\[3\] must be \(n\[3\], 1\) = \(1, 1\): got \(1,\)",
    ):
        student.update_parameters(parameters, grads, 0.1)


def test_update_parameters_checks_what_it_returns() -> None:
    module = types.ModuleType("student")

    def update_parameters(parameters, grads, learning_rate):  # type: ignore[no-untyped-def]
        return {k: (v - learning_rate * grads["d" + k]).sum(axis=1) for k, v in parameters.items()}

    module.update_parameters = update_parameters  # type: ignore[attr-defined]
    dimcheck.instrument(module, layer_dims=[3, 2])
    parameters = {"W1": np.ones((2, 3)), "b1": np.zeros((2, 1))}
    grads = {"dW1": np.ones((2, 3)), "db1": np.ones((2, 1))}
    with pytest.raises(
        ShapeError,
        match=r"^update_parameters: returned parameters: W\[1\] must be \(n\[1\], n\[0\]\) ="
        r" \(2, 3\): got \(2,\)",
    ):
        module.update_parameters(parameters, grads, 0.1)  # type: ignore[attr-defined]


def test_L_model_backward_checks_the_grads_it_returns() -> None:
    student = load("deep_correct")
    correct = student.L_model_backward

    def L_model_backward(AL, Y, caches):  # type: ignore[no-untyped-def]
        grads = correct(AL, Y, caches)
        grads["dW1"] = grads["dW1"].T  # planted: the wrong orientation
        return grads

    student.L_model_backward = L_model_backward
    dimcheck.instrument(student)
    parameters = student.initialize_parameters_deep(LAYER_DIMS)
    X, Y = np.ones((5, 7)), np.ones((1, 7))
    AL, caches = student.L_model_forward(X, parameters)
    with pytest.raises(
        ShapeError,
        match=r"^L_model_backward: returned grads: dW\[1\] must be \(n\[1\], n\[0\]\) = \(4, 5\):"
        r" got \(5, 4\) .*Did you mean dW1\.T\?",
    ):
        student.L_model_backward(AL, Y, caches)


def test_forward_propagation_checks_its_cache_dict() -> None:
    student = load("two_layer_correct")
    correct = student.forward_propagation

    def forward_propagation(X, parameters):  # type: ignore[no-untyped-def]
        A2, cache = correct(X, parameters)
        cache["A1"] = cache["A1"][:, 0]  # planted: a rank-1 slice
        return A2, cache

    student.forward_propagation = forward_propagation
    dimcheck.instrument(student)
    parameters = student.initialize_parameters(5, 4, 1)
    with pytest.raises(
        ShapeError,
        match=r"^forward_propagation: the cache: "
        r"A\[1\] must be \(n\[1\], m\) = \(4, 7\): got \(4,\)",
    ):
        student.forward_propagation(np.ones((5, 7)), parameters)


def test_initialize_parameters_two_layer_checks_against_nx_nh_ny() -> None:
    module = types.ModuleType("student")

    def initialize_parameters(n_x, n_h, n_y):  # type: ignore[no-untyped-def]
        return {
            "W1": np.zeros((n_h, n_x)),
            "b1": np.zeros((n_h, 1)),
            "W2": np.zeros((n_h, n_y)),  # planted: transposed
            "b2": np.zeros((n_y, 1)),
        }

    module.initialize_parameters = initialize_parameters  # type: ignore[attr-defined]
    dimcheck.instrument(module)
    with pytest.raises(
        ShapeError,
        match=r"^initialize_parameters: returned parameters: W\[2\] must be \(n\[2\], n\[1\]\) ="
        r" \(1, 4\): got \(4, 1\) \(n\[2\] = 1, n\[1\] = 4 from n_x, n_h, n_y given to"
        r" initialize_parameters\)\. Did you mean W2\.T\?",
    ):
        module.initialize_parameters(5, 4, 1)  # type: ignore[attr-defined]


def test_backward_propagation_checks_X_and_Y() -> None:
    student = load("two_layer_correct")
    dimcheck.instrument(student)
    parameters = student.initialize_parameters(5, 4, 1)
    X = np.ones((5, 7))
    _, cache = student.forward_propagation(X, parameters)
    with pytest.raises(
        ShapeError, match=r"^backward_propagation: Y must be \(n\[L\], m\) = \(1, 7\): got \(7,\)"
    ):
        student.backward_propagation(parameters, cache, X, np.ones(7))


def test_checked_and_unchecked_results_are_the_same_objects_values() -> None:
    student, parameters = setup()
    X = np.ones((5, 7))
    AL, caches = student.L_model_forward(X, parameters)
    dimcheck.uninstrument(student)
    AL_plain, _ = student.L_model_forward(X, parameters)
    np.testing.assert_array_equal(AL, AL_plain)
    assert len(caches) == 3


def test_linear_forward_checks_the_Z_it_returns_and_quotes_the_rule() -> None:
    student = load("deep_correct")
    correct = student.linear_forward

    def linear_forward(A, W, b):  # type: ignore[no-untyped-def]
        Z, cache = correct(A, W, b)
        return Z[:, :-1], cache  # planted: one example dropped

    student.linear_forward = linear_forward
    dimcheck.instrument(student)
    parameters = student.initialize_parameters_deep(LAYER_DIMS)
    with pytest.raises(
        ShapeError,
        match=r"^linear_forward: returned Z\[1\] must be \(n\[1\], m\) = \(4, 7\): got \(4, 6\)"
        r" .*m = 7 from A\[0\]\)\. Rule: Z\[1\] = W\[1\] @ A\[0\] \+ b\[1\], so it is"
        r" \(n\[1\], m\)\.$",
    ):
        student.L_model_forward(np.ones((5, 7)), parameters)
