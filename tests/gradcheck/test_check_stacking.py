"""`check_functions` evaluates perturbed copies through the student's own forward in stacks.

Stacked only when proven equal to one call per copy, with the same verdicts either way;
anything else falls back to one call per copy, silently.
"""

import re
import warnings

import numpy as np
import pytest

import gradcheck
from gradcheck import _stacking
from gradcheck._stacking import Coordinates, Stack
from tests.course import DEEP_BY_HIDDEN, deep_parameters, get, planted


def course(hidden):
    """The Course's deep network (current template) with `hidden` units."""
    return get(DEEP_BY_HIDDEN[hidden]).load()


#: The planted bugs of the deep network that a gradient check is expected to catch.
DEEP_BUGS = sorted(
    bug.name
    for bug in planted()
    if bug.assignment == "c1w4_deep_v3" and "gradcheck" in bug.caught_by
)


@pytest.fixture
def unstacked(monkeypatch):
    """Run the check with every perturbed copy through its own call (the private switch)."""

    def run(**arguments):
        with monkeypatch.context() as patch:
            patch.setattr(_stacking, "ENABLED", False)
            return gradcheck.check_functions(**arguments)

    return run


def verdicts(report):
    return {key: result.verdict for key, result in report.results.items()}


def counted(function, calls):
    def wrapper(*args):
        calls.append(1)
        return function(*args)

    return wrapper


# -- the two array types ----------------------------------------------------------------


@pytest.mark.parametrize("product", ["matmul", "dot"])
def test_coordinate_copies_times_a_matrix_equal_each_copy_times_it(product):
    rng = np.random.default_rng(0)
    W, A = rng.standard_normal((4, 6)), rng.standard_normal((6, 5))
    flat = np.array([0, 7, 23, 7])
    values = W.reshape(-1)[flat] + np.array([1e-5, -1e-5, 2.0, 3.0])
    copies = Coordinates(W, flat, values)
    stacked = copies @ A if product == "matmul" else np.dot(copies, A)
    assert isinstance(stacked, Stack)
    for k in range(flat.size):
        each = W.copy()
        each.reshape(-1)[flat[k]] = values[k]
        # One product and a rank-one change instead of K products: equal to roundoff.
        np.testing.assert_allclose(stacked[k], each @ A, rtol=1e-13, atol=1e-13)


def test_anything_else_done_to_coordinate_copies_sees_them_materialised():
    W = np.arange(6.0).reshape(2, 3)
    copies = Coordinates(W, np.array([1, 5]), np.array([10.0, 20.0]))
    expected = np.array([[[0, 10, 2], [3, 4, 5]], [[0, 1, 2], [3, 4, 20]]], dtype=float)
    np.testing.assert_array_equal(np.asarray(copies), expected)
    np.testing.assert_array_equal(copies * 2, 2 * expected)
    np.testing.assert_array_equal(copies[1], expected[1])
    assert copies.shape == (2, 2, 3)
    assert np.asarray(copies.T).shape == (3, 2, 2)
    assert not np.asarray(copies).flags.writeable


def test_a_stack_multiplies_and_reduces_copy_by_copy():
    rng = np.random.default_rng(1)
    W, A = rng.standard_normal((3, 4)), rng.standard_normal((2, 4, 5)).view(Stack)
    Z = np.dot(W, A)
    assert Z.shape == (2, 3, 5)
    for k in range(2):
        np.testing.assert_allclose(Z[k], np.dot(W, np.asarray(A)[k]))
        np.testing.assert_allclose(np.sum(Z, axis=0)[k], np.sum(np.asarray(Z)[k], axis=0))
        np.testing.assert_allclose(
            Z.max(axis=1, keepdims=True)[k], np.asarray(Z)[k].max(axis=1, keepdims=True)
        )
    np.testing.assert_allclose(np.sum(Z), np.asarray(Z).reshape(2, -1).sum(axis=1))
    assert np.mean(Z).shape == (2,)


# -- same verdicts, stacked or not --------------------------------------------------------


def course_problem(dims, m, init, seed):
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(dims)):  # noqa: E741 (the Course's layer index)
        scale = 0.01 if init == "course" else 1 / np.sqrt(dims[l - 1])
        parameters[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) * scale
        parameters[f"b{l}"] = (
            np.zeros((dims[l], 1)) if init == "course" else 0.1 * rng.standard_normal((dims[l], 1))
        )
    X = rng.standard_normal((dims[0], m))
    Y = (rng.random((dims[-1], m)) > 0.5).astype(float)
    return parameters, X, Y


def layout(parameters, how):
    if how == "F":
        return {k: np.asfortranarray(v) for k, v in parameters.items()}
    if how == "view":
        return {k: np.ascontiguousarray(v.T).T for k, v in parameters.items()}
    return parameters


# The 2017 template asserts `Z.shape == (W.shape[0], A.shape[1])`, false of a stack: it is
# checked one call at a time, after one failed attempt per parameter.
@pytest.mark.parametrize(
    ("name", "stackable"),
    [("c1w4_deep_v3", True), ("c1w4_deep_v3_rng", True), ("c1w4_deep_v2", False)],
)
@pytest.mark.parametrize("init", ["course", "scaled"])
@pytest.mark.parametrize("m", [1, 6])
@pytest.mark.parametrize("how", ["C", "F", "view"])
def test_the_course_corpus_gets_the_same_verdicts_stacked_and_one_call_at_a_time(
    name, stackable, init, m, how, unstacked
):
    deep = get(name).load()
    parameters, X, Y = course_problem([5, 4, 3, 1], m, init, seed=m)
    arguments = {
        "forward": deep.L_model_forward,
        "cost": deep.compute_cost,
        "backward": deep.L_model_backward,
        "parameters": layout(parameters, how),
        "X": X,
        "Y": Y,
        "mode": "full",
    }
    calls, calls_one_by_one = [], []
    stacked = gradcheck.check_functions(
        **{**arguments, "forward": counted(deep.L_model_forward, calls)}
    )
    one_by_one = unstacked(
        **{**arguments, "forward": counted(deep.L_model_forward, calls_one_by_one)}
    )
    assert verdicts(stacked) == verdicts(one_by_one)
    assert stacked.passed == one_by_one.passed
    # The stacks were used: each checked value took less than one call of the forward.
    checked = sum(r.checked for r in stacked.results.values())
    assert (len(calls) < len(calls_one_by_one) - checked) == stackable


@pytest.mark.parametrize("bug", DEEP_BUGS)
def test_planted_bugs_get_the_same_verdicts_stacked_and_one_call_at_a_time(bug, unstacked):
    fns = get(bug).load()
    dims = [5, 4, 3, 1]
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((dims[0], 7)), (rng.random((1, 7)) > 0.5).astype(float)
    arguments = {
        "forward": fns.L_model_forward,
        "cost": fns.compute_cost,
        "backward": fns.L_model_backward,
        "parameters": deep_parameters(dims),
        "X": X,
        "Y": Y,
    }
    try:
        stacked = gradcheck.check_functions(**arguments)
    except gradcheck.CheckInputError as error:
        # A bug that breaks a shape is caught before any numerics, the same way unstacked.
        with pytest.raises(type(error), match=re.escape(str(error).splitlines()[0])):
            unstacked(**arguments)
        return
    assert not stacked.passed
    assert verdicts(stacked) == verdicts(unstacked(**arguments))


@pytest.mark.parametrize("seed", range(12))
def test_random_course_networks_get_the_same_verdicts_stacked_and_one_call_at_a_time(
    seed, unstacked
):
    rng = np.random.default_rng(seed)
    dims = [int(n) for n in rng.integers(1, 7, size=int(rng.integers(3, 5)))]
    dims[-1] = 1
    m = int(rng.choice([1, 2, 5, 16]))
    init = ("course", "scaled")[seed % 2]
    hidden = ("relu", "tanh", "leaky_relu", "sigmoid")[seed % 4]
    fns = course(hidden)
    parameters, X, Y = course_problem(dims, m, init, seed)
    arguments = {
        "forward": fns.L_model_forward,
        "cost": fns.compute_cost,
        "backward": fns.L_model_backward,
        "parameters": layout(parameters, ("C", "F", "view")[seed % 3]),
        "X": X,
        "Y": Y,
        "seed": seed,
    }
    assert verdicts(gradcheck.check_functions(**arguments)) == verdicts(unstacked(**arguments))


# -- code that is not stack-safe falls back, silently -------------------------------------


def loop_over_examples(fns):
    """A forward that computes `Z[l]` one example at a time (writes into a `(n[l], m)` array)."""

    def forward(X, parameters):
        L = len(parameters) // 2
        A, caches = X, []
        for l in range(1, L + 1):  # noqa: E741
            W, b = parameters[f"W{l}"], parameters[f"b{l}"]
            Z = np.zeros((W.shape[-2], A.shape[-1]))
            for i in range(A.shape[-1]):
                Z[:, i] = (W @ A[:, i : i + 1] + b)[:, 0]
            caches.append(((A, W, b), Z))
            A = np.tanh(Z) if l < L else 1 / (1 + np.exp(-Z))
        return A, caches

    return forward


def refuses_stacks(fns):
    def forward(X, parameters):
        if any(np.ndim(p) != 2 for p in parameters.values()):
            raise TypeError("parameters must be matrices")
        return fns.L_model_forward(X, parameters)

    return forward


def transposed_use(fns):
    """`Z = (A.T @ W.T).T + b`: the same for a matrix, nonsense for a stack."""

    def forward(X, parameters):
        L = len(parameters) // 2
        A, caches = X, []
        for l in range(1, L + 1):  # noqa: E741
            W, b = parameters[f"W{l}"], parameters[f"b{l}"]
            Z = (A.T @ W.T).T + b
            caches.append(((A, W, b), Z))
            A = np.tanh(Z) if l < L else 1 / (1 + np.exp(-Z))
        return A, caches

    return forward


@pytest.mark.parametrize("make", [loop_over_examples, refuses_stacks, transposed_use])
def test_code_that_is_not_stack_safe_falls_back_with_the_same_verdicts(make, unstacked):
    fns = course("tanh")
    dims = [4, 3, 1]
    parameters = deep_parameters(dims)
    rng = np.random.default_rng(2)
    X, Y = rng.standard_normal((4, 5)), (rng.random((1, 5)) > 0.5).astype(float)
    arguments = {
        "forward": make(fns),
        "cost": fns.compute_cost,
        "backward": fns.L_model_backward,
        "parameters": parameters,
        "X": X,
        "Y": Y,
        "mode": "full",
    }
    stacked = gradcheck.check_functions(**arguments)
    assert stacked.passed
    assert verdicts(stacked) == verdicts(unstacked(**arguments))
    assert stacked.results["W1"].checked == 12


def test_a_softmax_summing_over_axis_0_is_stacked_and_equal(unstacked):
    # The Course's softmax sums over axis 0 (the classes): on a stack that axis counts
    # in each copy, so the stacked values equal one call per copy.
    rng = np.random.default_rng(3)
    W, b = rng.standard_normal((3, 4)), rng.standard_normal((3, 1))
    X = rng.standard_normal((4, 6))
    Y = np.eye(3)[:, rng.integers(0, 3, 6)]

    def forward(X, p):
        Z = np.dot(p["W1"], X) + p["b1"]
        E = np.exp(Z - np.max(Z, axis=0, keepdims=True))
        return E / np.sum(E, axis=0, keepdims=True), (X, Z)

    def cost(AL, Y):
        return -np.sum(Y * np.log(AL)) / Y.shape[1]

    def backward(AL, Y, caches):
        X, _ = caches
        dZ = AL - Y
        return {"dW1": dZ @ X.T / X.shape[1], "db1": dZ.mean(axis=1, keepdims=True)}

    calls, calls_one_by_one = [], []
    arguments = {"cost": cost, "backward": backward, "parameters": {"W1": W, "b1": b}}
    arguments.update(X=X, Y=Y, mode="full")
    report = gradcheck.check_functions(forward=counted(forward, calls), **arguments)
    one_by_one = unstacked(forward=counted(forward, calls_one_by_one), **arguments)
    assert report.passed, str(report)
    assert verdicts(report) == verdicts(one_by_one)
    # 15 values, 30 perturbed copies: a handful of stacked calls instead of 30.
    assert len(calls) < len(calls_one_by_one) - 15


def test_an_error_at_one_point_still_names_that_point_when_stacks_are_used():
    fns = course("tanh")
    dims = [4, 3, 1]
    parameters = deep_parameters(dims)
    rng = np.random.default_rng(4)
    X, Y = rng.standard_normal((4, 5)), (rng.random((1, 5)) > 0.5).astype(float)
    threshold = parameters["W1"][1, 2] + 5e-6

    def forward(X, p):
        # Beyond the points of the noise measurement (within 3e-6), one copy fails, and
        # so does any stack that holds it: the stack falls back, the single call raises.
        if np.any(np.asarray(p["W1"])[..., 1, 2] > threshold):
            raise FloatingPointError("overflow in exp")
        return fns.L_model_forward(X, p)

    with pytest.raises(
        gradcheck.CheckInputError,
        match=re.escape("forward raised FloatingPointError at W[1][1, 2] + eps"),
    ):
        gradcheck.check_functions(
            forward=forward,
            cost=fns.compute_cost,
            backward=fns.L_model_backward,
            parameters=parameters,
            X=X,
            Y=Y,
            mode="full",
        )


def test_a_warning_raised_only_on_a_stack_never_reaches_the_user(unstacked):
    fns = course("tanh")
    parameters = deep_parameters([4, 3, 1])
    rng = np.random.default_rng(6)
    X, Y = rng.standard_normal((4, 5)), (rng.random((1, 5)) > 0.5).astype(float)

    def forward(X, p):
        if np.ndim(p["W1"]) == 3:
            warnings.warn("a stack went through", RuntimeWarning, stacklevel=2)
        return fns.L_model_forward(X, p)

    arguments = {"cost": fns.compute_cost, "backward": fns.L_model_backward}
    arguments.update(parameters=parameters, X=X, Y=Y, mode="full")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = gradcheck.check_functions(forward=forward, **arguments)
    assert not [w for w in caught if "a stack went through" in str(w.message)]
    assert verdicts(report) == verdicts(unstacked(forward=forward, **arguments))


def test_a_forward_that_writes_its_parameters_is_stopped_stacked_or_not():
    fns = course("tanh")
    parameters = deep_parameters([4, 3, 1])
    rng = np.random.default_rng(5)
    X, Y = rng.standard_normal((4, 5)), (rng.random((1, 5)) > 0.5).astype(float)

    def forward(X, p):
        p["W1"] *= 1.0
        return fns.L_model_forward(X, p)

    with pytest.raises(gradcheck.CheckInputError, match="modifies X, Y or the parameters"):
        gradcheck.check_functions(
            forward=forward,
            cost=fns.compute_cost,
            backward=fns.L_model_backward,
            parameters=parameters,
            X=X,
            Y=Y,
        )
