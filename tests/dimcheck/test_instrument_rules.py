"""Each rule `instrument` applies fires on a planted violation, in the function it belongs to."""

import types

import numpy as np
import pytest

import dimcheck
from dimcheck import ShapeError
from tests.course import get

LAYER_DIMS = [5, 4, 3, 1]
DEEP = "c1w4_deep_v3"
TWO_LAYER = "c1w3_planar"


def load(name: str) -> types.ModuleType:
    """A fresh, unmodified copy of corpus implementation `name` (tests/course)."""
    return get(name).load()


def setup(name: str = DEEP, **options: object) -> tuple[types.ModuleType, dict]:
    student = load(name)
    dimcheck.instrument(student, **options)  # type: ignore[arg-type]
    parameters = student.initialize_parameters_deep(LAYER_DIMS)
    return student, parameters


def test_transposed_convention_planted_dw_names_the_convention() -> None:
    student = load("c1w4_deep_v3_transposed__dW_standard")
    dimcheck.instrument(student, convention="transposed")
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((5, 7)), np.ones((1, 7))
    with pytest.raises(
        ShapeError,
        match=r"^linear_backward: returned dW\[3\] must be \(n\[2\], n\[3\]\) = \(3, 1\):"
        r" got \(1, 3\) .*Did you mean dW\.T\? \(Transposed convention",
    ):
        student.L_layer_model(X, Y, LAYER_DIMS, num_iterations=3)


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
    student = load(DEEP)
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
    student = load(TWO_LAYER)
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
    student = load(TWO_LAYER)
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
    student = load(DEEP)
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


# ------------------------------------------------ issue 11: every Course assignment


def _module(name: str, **functions: object) -> types.ModuleType:
    module = types.ModuleType(name)
    for key, value in functions.items():
        setattr(module, key, value)
    return module


def _sigmoid(Z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-Z))


def _three_layer_parameters(dims: list[int], rng: np.random.Generator) -> dict:
    return {
        key: rng.standard_normal(shape)
        for layer in range(1, len(dims))
        for key, shape in (
            (f"W{layer}", (dims[layer], dims[layer - 1])),
            (f"b{layer}", (dims[layer], 1)),
        )
    }


def _course2_forward(X: np.ndarray, parameters: dict) -> tuple:
    """Course 2's provided 3-layer forward pass, its 12-entry tuple cache."""
    W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    Z1 = W1 @ X + b1
    A1 = np.maximum(0, Z1)
    Z2 = W2 @ A1 + b2
    A2 = np.maximum(0, Z2)
    Z3 = W3 @ A2 + b3
    A3 = _sigmoid(Z3)
    return A3, (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)


def _course2_backward(X: np.ndarray, Y: np.ndarray, cache: tuple) -> dict:
    m = X.shape[1]
    (_, A1, _, _, _, A2, W2, _, _, A3, W3, _) = cache
    dZ3 = A3 - Y
    dW3 = dZ3 @ A2.T / m
    db3 = np.sum(dZ3, axis=1, keepdims=True) / m
    dA2 = W3.T @ dZ3
    dZ2 = dA2 * (A2 > 0)
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dA1 = W2.T @ dZ2
    dZ1 = dA1 * (A1 > 0)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3,
            "db3": db3, "dA1": dA1, "dA2": dA2}  # fmt: skip


def test_the_2017_dA_keys_are_read_as_what_they_hold() -> None:
    # dnn_app_utils_v2 stores dA[l] under "dA" + str(l + 1): right shapes, not an error.
    student, parameters = setup()
    original = student.L_model_backward

    def L_model_backward_2017(AL, Y, caches):  # type: ignore[no-untyped-def]
        grads = original(AL, Y, caches)
        shifted = {k: v for k, v in grads.items() if not k.startswith("dA")}
        shifted.update({f"dA{int(k[2:]) + 1}": v for k, v in grads.items() if k.startswith("dA")})
        return shifted

    module = _module(
        "v2", L_model_forward=student.L_model_forward, L_model_backward=L_model_backward_2017
    )
    dimcheck.instrument(module)
    X = np.random.default_rng(0).standard_normal((5, 7))
    AL, caches = module.L_model_forward(X, parameters)  # type: ignore[attr-defined]
    grads = module.L_model_backward(AL, np.ones((1, 7)), caches)  # type: ignore[attr-defined]
    assert "dA3" in grads and "dA0" not in grads


def test_lowercase_keys_are_checked_as_the_course_names_them() -> None:
    def initialize_parameters_deep(layer_dims):  # type: ignore[no-untyped-def]
        return {
            key: np.zeros(shape)
            for l in range(1, len(layer_dims))  # noqa: E741
            for key, shape in (
                (f"w{l}", (layer_dims[l], layer_dims[l - 1])),
                (f"b{l}", (layer_dims[l], 1 if l < len(layer_dims) - 1 else 2)),
            )
        }

    module = _module("lower", initialize_parameters_deep=initialize_parameters_deep)
    dimcheck.instrument(module)
    with pytest.raises(ShapeError, match=r"b\[3\] must be \(n\[3\], 1\) = \(1, 1\): got \(1, 2\)"):
        module.initialize_parameters_deep([5, 4, 3, 1])  # type: ignore[attr-defined]


def test_course2_tuple_caches_are_checked_not_taken_for_the_two_layer_network() -> None:
    rng = np.random.default_rng(0)
    module = _module(
        "course2", forward_propagation=_course2_forward, backward_propagation=_course2_backward
    )
    assert dimcheck.instrument(module) == ["forward_propagation", "backward_propagation"]
    parameters = _three_layer_parameters([4, 5, 3, 1], rng)
    X, Y = rng.standard_normal((4, 7)), np.ones((1, 7))
    _, cache = module.forward_propagation(X, parameters)  # type: ignore[attr-defined]
    assert len(cache) == 12
    module.backward_propagation(X, Y, cache)  # type: ignore[attr-defined]
    bad = list(cache)
    bad[4] = bad[4].T  # Z2 transposed
    with pytest.raises(
        ShapeError,
        match=r"backward_propagation: .*Z\[2\] must be \(n\[2\], m\) = \(3, 7\): got \(7, 3\)",
    ):
        module.backward_propagation(X, Y, tuple(bad))  # type: ignore[attr-defined]


def test_the_1d_toy_forward_propagation_runs_unchecked() -> None:
    module = _module(
        "toy",
        forward_propagation=lambda x, theta: theta * x,
        backward_propagation=lambda x, theta: x,
    )
    dimcheck.instrument(module)
    assert module.forward_propagation(2, 4) == 8  # type: ignore[attr-defined]
    assert module.backward_propagation(2, 4) == 2  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "returned", "message"),
    [
        (
            "initialize_with_zeros",
            lambda dim: (np.zeros(dim), 0.0),
            r"w must be \(dim, 1\) = \(4, 1\): got \(4,\)",
        ),
        (
            "initialize_with_zeros",
            lambda dim: (np.zeros((dim, 1)), np.zeros((1, 1))),
            r"the bias b must be a scalar",
        ),
    ],
)
def test_logistic_regression_initialiser(name: str, returned: object, message: str) -> None:
    module = _module("logreg", **{name: returned})
    dimcheck.instrument(module)
    with pytest.raises(ShapeError, match=message):
        getattr(module, name)(4)


def test_propagate_checks_w_dw_and_the_scalar_cost() -> None:
    def propagate(w, b, X, Y):  # type: ignore[no-untyped-def]
        m = X.shape[1]
        A = _sigmoid(w.T @ X + b)
        cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A), axis=1, keepdims=True) / m
        return {"dw": X @ (A - Y).T / m, "db": np.sum(A - Y) / m}, cost

    module = _module("logreg", propagate=propagate)
    dimcheck.instrument(module)
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((4, 7)), np.ones((1, 7))
    with pytest.raises(
        ShapeError,
        match=r"propagate: the cost J must be a scalar .* got an array of shape \(1, 1\)",
    ):
        module.propagate(np.zeros((4, 1)), 0.0, X, Y)  # type: ignore[attr-defined]
    with pytest.raises(ShapeError, match=r"propagate: w must be \(n_x, 1\) = \(4, 1\): got \(4,\)"):
        module.propagate(np.zeros(4), 0.0, X, Y)  # type: ignore[attr-defined]


def test_optimiser_moments_are_shaped_like_the_gradients() -> None:
    def initialize_velocity(parameters):  # type: ignore[no-untyped-def]
        return {"d" + k: np.zeros(parameters["W" + k[1:]].shape) for k in parameters}

    module = _module("optim", initialize_velocity=initialize_velocity)
    dimcheck.instrument(module)
    parameters = _three_layer_parameters([4, 5, 3, 1], np.random.default_rng(0))
    with pytest.raises(
        ShapeError,
        match=r"initialize_velocity: the returned v: db\[1\] must be \(n\[1\], 1\) = \(5, 1\):"
        r" got \(5, 4\)",
    ):
        module.initialize_velocity(parameters)  # type: ignore[attr-defined]


def test_renamed_functions_are_checked_through_aliases() -> None:
    student = load("c1w4_deep_v3__db_no_keepdims")
    module = _module(
        "renamed",
        forward=student.L_model_forward,
        backward=student.L_model_backward,
    )
    assert dimcheck.instrument(
        module, aliases={"forward": "L_model_forward", "backward": "L_model_backward"}
    ) == ["forward", "backward"]
    parameters = load(DEEP).initialize_parameters_deep(LAYER_DIMS)
    X = np.random.default_rng(0).standard_normal((5, 7))
    AL, caches = module.forward(X, parameters)  # type: ignore[attr-defined]
    with pytest.raises(ShapeError, match=r"^backward: returned grads: db\[\d\] must be"):
        module.backward(AL, np.ones((1, 7)), caches)  # type: ignore[attr-defined]


def test_an_alias_to_no_course_function_is_an_error() -> None:
    module = _module("renamed", forward=lambda X, p: None)
    with pytest.raises(
        ValueError, match=r"'forward_pass' is not a Course function; expected one of"
    ):
        dimcheck.instrument(module, aliases={"forward": "forward_pass"})


def test_a_module_with_nothing_recognised_says_so_and_lists_the_names() -> None:
    module = _module("renamed", my_forward=lambda X, parameters: None)
    with pytest.warns(
        UserWarning,
        match=r"no Course function recognised in module 'renamed'.* Looked for functions named"
        r" initialize_parameters_deep, .*L_model_forward.*update_parameters_with_adam",
    ):
        assert dimcheck.instrument(module) == []


def test_the_course_function_table_has_a_rule_for_every_entry() -> None:
    from dimcheck._course_functions import ASSIGNMENTS, FUNCTIONS
    from dimcheck._instrument import _RULES

    for entry in FUNCTIONS:
        assert entry.rule == "" or entry.rule in _RULES, entry
        assert set(entry.assignments) <= set(ASSIGNMENTS), entry
        assert entry.arity >= 1
