"""`dimcheck.instrument` on unmodified Course-style student modules (the corpus, tests/course)."""

import inspect
import types

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dimcheck
from dimcheck import ShapeError
from tests.course import get

DEEP = "c1w4_deep_v3"  # W[l] is (n[l], n[l-1])
TRANSPOSED = "c1w4_deep_v3_transposed"  # W[l] is (n[l-1], n[l]), Z = W.T @ A + b
TWO_LAYER = "c1w3_planar"
ITERATIONS = 3  # the Course trains for thousands; three steps exercise every function
# The Course functions each corpus module defines (the deep v3 file has Week 4's
# two-layer initialize_parameters as well).
WRAPPED = {DEEP: 10, TRANSPOSED: 9, TWO_LAYER: 5}


def load(name: str) -> types.ModuleType:
    """A fresh, unmodified copy of corpus implementation `name`."""
    return get(name).load()


def _tanh(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.tanh(Z), Z


def _tanh_backward(dA: np.ndarray, cache: np.ndarray) -> np.ndarray:
    return dA * (1 - np.tanh(cache) ** 2)


def use_hidden(student: types.ModuleType, hidden: str) -> None:
    """Make the hidden layers `hidden`: the corpus's relu and relu' swapped for tanh's."""
    if hidden == "tanh":
        student.relu, student.relu_backward = _tanh, _tanh_backward  # type: ignore[attr-defined]


def data(n_x: int, m: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_x, m))
    Y = (rng.random((1, m)) > 0.5).astype(np.float64)
    return X, Y


@pytest.mark.parametrize("hidden", ["relu", "tanh"])
@pytest.mark.parametrize(
    "layer_dims", [[5, 4, 3, 1], [4, 4, 4, 1], [3, 1]], ids=["deep", "square", "one"]
)
@pytest.mark.parametrize("name", [DEEP, TRANSPOSED])
def test_correct_modules_train_silently_and_identically(
    name: str, layer_dims: list[int], hidden: str
) -> None:
    convention = get(name).convention
    plain, checked = load(name), load(name)
    use_hidden(plain, hidden)
    use_hidden(checked, hidden)
    wrapped = dimcheck.instrument(checked, convention=convention)  # type: ignore[arg-type]
    assert len(wrapped) == WRAPPED[name]
    X, Y = data(layer_dims[0], 7)
    with dimcheck.strict_broadcasting():
        got, got_costs = checked.L_layer_model(X, Y, layer_dims, num_iterations=ITERATIONS)
    want, want_costs = plain.L_layer_model(X, Y, layer_dims, num_iterations=ITERATIONS)
    np.testing.assert_array_equal(got_costs, want_costs)
    for key in want:
        np.testing.assert_array_equal(got[key], want[key])


def test_correct_two_layer_module_trains_silently() -> None:
    plain, checked = load(TWO_LAYER), load(TWO_LAYER)
    assert len(dimcheck.instrument(checked)) == WRAPPED[TWO_LAYER]
    X, Y = data(5, 9)
    with dimcheck.strict_broadcasting():
        got = checked.nn_model(X, Y, 4, num_iterations=ITERATIONS)
        cost = checked.compute_cost(checked.forward_propagation(X, got)[0], Y)
    want = plain.nn_model(X, Y, 4, num_iterations=ITERATIONS)
    want_cost = plain.compute_cost(plain.forward_propagation(X, want)[0], Y)
    assert cost == want_cost
    np.testing.assert_array_equal(got["W2"], want["W2"])


PLANTED = [
    (
        "c1w4_deep_v3__b_init_rank1",
        r"^initialize_parameters_deep: returned parameters: "
        r"b\[1\] must be \(n\[1\], 1\) = \(4, 1\):"
        r" got \(4,\) \(n\[1\] = 4, n\[0\] = 5 from the layer_dims given to"
        r" initialize_parameters_deep\)\. b1 is a rank-1 array: .*b1\.reshape\(4, 1\)",
    ),
    (
        "c1w4_deep_v3__db_no_keepdims",
        r"^linear_backward: returned db\[3\] must be \(n\[3\], 1\) = \(1, 1\): got \(1,\) .*"
        r"keepdims=True",
    ),
    (
        "c1w4_deep_v3__W_init_transposed",
        r"^initialize_parameters_deep: returned parameters: W\[1\] must be \(n\[1\], n\[0\]\) ="
        r" \(4, 5\): got \(5, 4\) .*Did you mean W1\.T\? \(Standard convention",
    ),
    (
        "c1w4_deep_v3__dW_from_dZ",
        r"^linear_backward: returned dW\[3\] must be \(n\[3\], n\[2\]\) = \(1, 3\): got \(1, 1\)"
        r" .*\. Rule: dW\[3\] = \(1/m\) dZ\[3\] @ A\[2\]\.T has the shape of W\[3\]\. \(Standard",
    ),
    (
        "c1w4_deep_v3__cost_not_squeezed",
        r"^compute_cost: the cost J must be a scalar \(a float or a 0-d array\): got an array of"
        r" shape \(1, 1\)\. cost is a \(1, 1\) array: squeeze it to a scalar"
        r" \(float\(np\.squeeze\(cost\)\)\)",
    ),
]


@pytest.mark.parametrize(("name", "message"), PLANTED, ids=[p[0] for p in PLANTED])
def test_a_planted_bug_stops_at_the_first_wrong_shape(name: str, message: str) -> None:
    student = load(name)
    dimcheck.instrument(student)
    X, Y = data(5, 7)
    with pytest.raises(ShapeError, match=message):
        student.L_layer_model(X, Y, [5, 4, 3, 1], num_iterations=ITERATIONS)


def test_the_broadcasting_bug_needs_strict_broadcasting() -> None:
    student = load("c1w4_deep_v3__cost_broadcast")
    dimcheck.instrument(student)
    X, Y = data(5, 7)
    # silently wrong: numpy made a (7, 7)
    student.L_layer_model(X, Y, [5, 4, 3, 1], num_iterations=ITERATIONS)
    with (
        dimcheck.strict_broadcasting(),
        pytest.raises(
            ShapeError,
            match=r"^compute_cost \(line \d+\): `\(1 - Y\) \* np\.log\(1 - AL\.T\)` broadcasts"
            r" \(7,\) \* \(7, 1\) to \(7, 7\), larger than both operands"
            r".*\(1 - Y\)\.reshape\(7, 1\)",
        ),
    ):
        student.L_layer_model(X, Y, [5, 4, 3, 1], num_iterations=ITERATIONS)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "c1w3_planar__dW2_uses_A2",
            r"^backward_propagation: grads: "
            r"dW\[2\] must be \(n\[2\], n\[1\]\) = \(1, 4\): got \(1, 1\) .*"
            r"Rule: dW\[2\] = \(1/m\) dZ\[2\] @ A\[1\]\.T",
        ),
        (
            "c1w3_planar__db1_sum_all",
            r"^backward_propagation: grads: db\[1\] must be \(n\[1\], 1\) = \(4, 1\): got \(\)"
            r" .*db1 is a single number: np\.sum without axis= adds up every entry;"
            r" sum over the examples with np\.sum\(\.\.\., axis=1, keepdims=True\)\.$",
        ),
    ],
)
def test_planted_bugs_in_the_two_layer_module(name: str, message: str) -> None:
    student = load(name)
    dimcheck.instrument(student)
    X, Y = data(5, 7)
    with pytest.raises(ShapeError, match=message):
        student.nn_model(X, Y, 4, num_iterations=ITERATIONS)


def test_the_transposed_module_checked_as_standard_says_which_convention() -> None:
    student = load(TRANSPOSED)
    dimcheck.instrument(student)
    X, Y = data(5, 7)
    with pytest.raises(ShapeError, match=r'Did you mean W1\.T\? .*pass convention="transposed"'):
        student.L_layer_model(X, Y, [5, 4, 3, 1], num_iterations=ITERATIONS)


def test_names_signatures_docstrings_kept_and_uninstrument_restores_the_same_objects() -> None:
    student = load(DEEP)
    before = {
        name: getattr(student, name) for name in dimcheck.COURSE_FUNCTIONS if hasattr(student, name)
    }
    dimcheck.instrument(student)
    dimcheck.instrument(student)  # twice is once
    for name, original in before.items():
        wrapped = getattr(student, name)
        assert wrapped is not original
        assert wrapped.__name__ == original.__name__
        assert wrapped.__doc__ == original.__doc__
        assert inspect.signature(wrapped) == inspect.signature(original)
    assert sorted(dimcheck.uninstrument(student)) == sorted(before)
    for name, original in before.items():
        assert getattr(student, name) is original
    assert dimcheck.uninstrument(student) == []


def test_consecutive_layers_are_linked_through_the_network() -> None:
    student = load(DEEP)
    dimcheck.instrument(student)
    X, _ = data(5, 7)
    parameters = student.initialize_parameters_deep([5, 4, 3, 1])
    A1, _ = student.linear_activation_forward(X, parameters["W1"], parameters["b1"], "relu")
    # Layer 2 is recognised by its weights: A[1] must have n[1] = 4 rows, from layer_dims.
    with pytest.raises(
        ShapeError,
        match=r"^linear_activation_forward: A\[1\] must be \(n\[1\], m\) = \(4, m\): got \(3, 7\)"
        r" \(n\[1\] = 4 from the layer_dims given to initialize_parameters_deep\)",
    ):
        student.linear_activation_forward(A1[:3], parameters["W2"], parameters["b2"], "relu")
    # A layer called on the A[1] the previous layer returned is layer 2.
    with pytest.raises(
        ShapeError,
        match=r"^linear_activation_forward: W\[2\] must be \(n\[2\], n\[1\]\) = \(3, 4\):"
        r" got \(4, 3\).*Did you mean W\.T\?",
    ):
        student.linear_activation_forward(A1, parameters["W2"].T.copy(), parameters["b2"], "relu")


def test_a_network_context_fixes_layer_dims() -> None:
    student = load(DEEP)
    dimcheck.instrument(student)
    with (
        dimcheck.network([5, 4, 3, 2]) as net,
        pytest.raises(
            ShapeError,
            match=r"returned parameters: "
            r"W\[3\] must be \(n\[3\], n\[2\]\) = \(2, 3\): got \(1, 3\)",
        ),
    ):
        student.initialize_parameters_deep([5, 4, 3, 1])
    assert net.layer_dims == [5, 4, 3, 2]
    student.initialize_parameters_deep([5, 4, 3, 1])  # outside: learned, no complaint


def test_functions_called_alone_with_unrelated_shapes_get_generic_rules() -> None:
    student = load(DEEP)
    dimcheck.instrument(student, layer_dims=[5, 4, 3, 1])
    A, W, b = np.ones((2, 3)), np.ones((6, 2)), np.ones((6, 1))
    Z, _ = student.linear_forward(A, W, b)  # a unit test of its own: not this network
    assert Z.shape == (6, 3)
    with pytest.raises(
        ShapeError, match=r"^linear_forward: b\[l\] must be \(n\[l\], 1\) = \(6, 1\): got \(6,\)"
    ):
        student.linear_forward(A, W, b.ravel())


def test_cost_with_rank1_labels_gets_the_reshape_hint() -> None:
    student = load(DEEP)
    dimcheck.instrument(student, layer_dims=[5, 4, 3, 1])
    AL, Y = np.full((1, 7), 0.5), np.ones(7)
    with pytest.raises(
        ShapeError,
        match=r"^compute_cost: Y must be \(n\[L\], m\) = \(1, 7\): got \(7,\).*Y\.reshape\(1, 7\)",
    ):
        student.compute_cost(AL, Y)


def test_disable_turns_instrumented_functions_off() -> None:
    student = load("c1w4_deep_v3__cost_not_squeezed")
    dimcheck.instrument(student)
    X, Y = data(5, 7)
    dimcheck.disable()
    try:
        _, costs = student.L_layer_model(X, Y, [5, 4, 3, 1], num_iterations=ITERATIONS)
    finally:
        dimcheck.enable()
    assert np.shape(costs[0]) == (1, 1)


def test_disabled_block_turns_instrumented_functions_off_inside_it_only() -> None:
    student = load("c1w4_deep_v3__cost_not_squeezed")
    dimcheck.instrument(student)
    X, Y = data(5, 7)
    with dimcheck.disabled():
        _, costs = student.L_layer_model(X, Y, [5, 4, 3, 1], num_iterations=ITERATIONS)
    assert np.shape(costs[0]) == (1, 1)
    with pytest.raises(ShapeError, match=r"the cost J must be a scalar"):
        student.L_layer_model(X, Y, [5, 4, 3, 1], num_iterations=ITERATIONS)


def test_instrument_skips_what_is_not_a_course_function() -> None:
    module = types.ModuleType("empty")
    module.linear_forward = 3  # type: ignore[attr-defined]
    with pytest.warns(UserWarning, match="no Course function recognised in module 'empty'"):
        assert dimcheck.instrument(module) == []
    assert module.linear_forward == 3  # type: ignore[attr-defined]


def test_functions_tested_alone_after_training_are_not_held_to_the_trained_network() -> None:
    student = load(DEEP)
    dimcheck.instrument(student)
    X, Y = data(5, 7)
    student.L_layer_model(X, Y, [5, 4, 3, 1], num_iterations=ITERATIONS)  # learns n[L] = 1
    cost = student.compute_cost(np.full((3, 2), 0.5), np.ones((3, 2)))  # another network's
    assert cost > 0
    with pytest.raises(ShapeError, match=r"^compute_cost: Y must be \(n\[L\], m\) = \(3, 2\)"):
        student.compute_cost(np.full((3, 2), 0.5), np.ones((2, 3)))


def test_a_network_context_can_switch_the_convention() -> None:
    student = load(TRANSPOSED)
    dimcheck.instrument(student)  # standard by default
    X, Y = data(5, 7)
    with dimcheck.network(convention="transposed") as net:
        student.L_layer_model(X, Y, [5, 4, 3, 1], num_iterations=ITERATIONS)
    assert net.layer_dims == [5, 4, 3, 1]
    assert repr(net).startswith("Network(layer_dims=[5, 4, 3, 1], convention='transposed'")
    with pytest.raises(ValueError, match='convention must be "standard"'):
        dimcheck.instrument(student, convention="rows")  # type: ignore[arg-type]


@given(
    st.lists(st.integers(1, 5), min_size=2, max_size=5),
    st.integers(1, 6),
    st.sampled_from([DEEP, TRANSPOSED]),
    st.sampled_from(["relu", "tanh"]),
)
def test_correct_code_never_raises_for_any_layer_sizes(
    layer_dims: list[int], m: int, name: str, hidden: str
) -> None:
    layer_dims[-1] = 1  # a sigmoid output with binary labels, as in the module
    student = load(name)
    use_hidden(student, hidden)
    convention = get(name).convention
    dimcheck.instrument(student, convention=convention)  # type: ignore[arg-type]
    X, Y = data(layer_dims[0], m)
    with dimcheck.strict_broadcasting():
        parameters, costs = student.L_layer_model(X, Y, layer_dims, num_iterations=ITERATIONS)
    assert len(costs) == ITERATIONS
    assert dimcheck.check_parameters(parameters, layer_dims, convention=convention).ok  # type: ignore[arg-type]
