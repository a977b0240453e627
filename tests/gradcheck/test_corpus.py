"""Planted bugs are flagged and blamed on the right gradients; correct code never is.

The student code is the shared Course corpus (tests/course): the deep network of the
current template, its tanh, sigmoid and leaky ReLU variants, and its planted bugs; the
parameters are `deep_parameters` (scaled so every gradient counts), not the Course's.
"""

import re
from types import ModuleType

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gradcheck
from tests.course import DEEP_BY_HIDDEN, deep_parameters, deep_problem, get, place_kink
from tests.course import check_deep as check

EPS = 1e-5

#: planted bug -> (layer_dims, the gradients it must be blamed on)
BUGS: dict[str, tuple[list[int], set[str]]] = {
    "c1w4_deep_v3__dW2_doubled": ([5, 4, 3, 1], {"W2"}),
    "c1w4_deep_v3_tanh__dW1_times_4": ([5, 4, 3, 1], {"W1"}),
    "c1w4_deep_v3__db_missing_1_over_m": ([5, 4, 3, 1], {"b1", "b2", "b3"}),
    "c1w4_deep_v3_tanh__dWL_by_hand_without_1_over_m": ([5, 4, 3, 1], {"W3"}),
    "c1w4_deep_v3__dAL_sign": ([5, 4, 3, 1], {"W1", "b1", "W2", "b2", "W3", "b3"}),
    "c1w4_deep_v3_tanh__tanh_derivative_1_minus_A": ([5, 4, 3, 1], {"W1", "b1", "W2", "b2"}),
    "c1w4_deep_v3__sigmoid_derivative_s": ([5, 4, 3, 1], {"W1", "b1", "W2", "b2", "W3", "b3"}),
    "c1w4_deep_v3__relu_backward_no_mask": ([5, 4, 3, 1], {"W1", "b1", "W2", "b2"}),
    "c1w4_deep_v3_tanh__dW2_transposed": ([4, 4, 4, 1], {"W2"}),
    "c1w4_deep_v3_tanh__activation_cache_holds_A": (
        [5, 4, 3, 1],
        {"W1", "b1", "W2", "b2", "W3", "b3"},
    ),
    "c1w4_deep_v3_tanh__dW2_from_A2": ([4, 4, 4, 1], {"W2"}),
    "c1w4_deep_v3__backward_skips_layer_1": ([5, 4, 3, 1], {"W1", "b1"}),
    "c1w4_deep_v3_tanh__forward_skips_layer_2": ([4, 4, 4, 1], {"W1", "b1", "W2", "b2"}),
    "c1w4_deep_v3_tanh__dA1_from_dW2": ([4, 4, 4, 1], {"W1", "b1"}),
}

#: planted bugs that change a gradient's shape -> (layer_dims, the gradient named first)
SHAPE_BUGS: dict[str, tuple[list[int], str]] = {
    "c1w4_deep_v3__db_axis_0": ([5, 4, 3, 1], "db"),
    "c1w4_deep_v3__db_sum_all": ([5, 4, 3, 1], "db"),
    "c1w4_deep_v3__db_no_keepdims": ([5, 4, 3, 1], "db"),
    "c1w4_deep_v3_tanh__dW2_transposed": ([5, 4, 3, 1], "dW"),
}


def deep(hidden: str = "relu") -> ModuleType:
    """A fresh import of the corpus's correct deep network with `hidden` hidden layers."""
    return get(DEEP_BY_HIDDEN[hidden]).load()


def run(name, dims, m=7, seed=0, **options):
    """Check corpus implementation `name` on the seeded problem of `dims`, `m`, `seed`."""
    X, Y = deep_problem(dims, m, seed)
    return check(get(name).load(), deep_parameters(dims, seed), X, Y, **options)


@pytest.mark.parametrize("bug", sorted(BUGS))
def test_every_planted_bug_is_flagged_and_blamed_on_exactly_the_right_gradients(bug):
    dims, blamed = BUGS[bug]
    report = run(bug, dims)
    assert not report.passed
    assert set(report.failed) == blamed
    for key in blamed:
        result = report.results[key]
        assert result.verdict == "wrong"
        # Far above the fail line, not just over it.
        assert result.difference > 10 * report.fail_line
        assert result.diagnosis
        assert len(result.worst) >= 1
    for key in set(report.results) - blamed:
        assert report.results[key].difference < report.pass_line


@pytest.mark.parametrize(
    ("bug", "key", "wording"),
    [
        ("c1w4_deep_v3__dW2_doubled", "W2", r"dW\[2\] is 2\.00 x the numerical gradient: a"),
        ("c1w4_deep_v3_tanh__dW1_times_4", "W1", r"dW\[1\] is 4\.00 x the numerical gradient"),
        (
            "c1w4_deep_v3__db_missing_1_over_m",
            "b2",
            r"db\[2\] is m = 7 x the numerical gradient: the 1/m is missing",
        ),
        (
            "c1w4_deep_v3_tanh__dWL_by_hand_without_1_over_m",
            "W3",
            r"dW\[3\] is m = 7 x .* the 1/m is missing",
        ),
        ("c1w4_deep_v3__dAL_sign", "W1", r"dW\[1\] has the wrong sign: it is -1 x the numerical"),
        (
            "c1w4_deep_v3_tanh__dW2_transposed",
            "W2",
            r"dW\[2\] is the transpose of the numerical gradient",
        ),
        ("c1w4_deep_v3__backward_skips_layer_1", "b1", r"db\[1\] is all zeros .* never computed"),
        ("c1w4_deep_v3_tanh__forward_skips_layer_2", "W2", r"the cost does not depend on W\[2\]"),
        (
            "c1w4_deep_v3_tanh__tanh_derivative_1_minus_A",
            "W1",
            r"no simple pattern .* activation's derivative",
        ),
    ],
)
def test_the_diagnosis_says_how_the_gradient_is_wrong(bug, key, wording):
    dims, _ = BUGS[bug]
    report = run(bug, dims)
    assert report.results[key].diagnosis is not None
    assert re.search(wording, report.results[key].diagnosis)
    assert re.search(wording, str(report))


WHERE_TO_LOOK = {
    "c1w4_deep_v3__relu_backward_no_mask": r"layers 1 and 2 are wrong, those of layer 3 are "
    r"right\. .* error made in layer 2's step .* check dA\[2\] .*g'\[2\]\(Z\[2\]\)",
    "c1w4_deep_v3_tanh__tanh_derivative_1_minus_A": r"layers 1 and 2 are wrong, .* layer 2's step",
    "c1w4_deep_v3_tanh__dA1_from_dW2": r"dW and db of layer 1 are wrong, those of layers 2 and 3"
    r" are right\. .* check dA\[1\] \(computed from W\[2\] and dZ\[2\]\)",
    "c1w4_deep_v3__dAL_sign": r"every layer are wrong\. .* check dA\[3\] \(the derivative of the "
    r"cost\)",
    "c1w4_deep_v3__sigmoid_derivative_s": r"every layer are wrong\. .* dZ\[3\] = dA\[3\] "
    r"\* g'\[3\]",
    # The cache holds A instead of Z in every layer, the output's included.
    "c1w4_deep_v3_tanh__activation_cache_holds_A": r"every layer are wrong\.",
}


@pytest.mark.parametrize("bug", sorted(BUGS))
def test_where_to_look_names_the_layer_whose_backward_step_spoils_the_layers_below(bug):
    # Said only when the wrong gradients are exactly every dW, db of layers
    # 1..l: then the error entered at layer l. A bug confined to one gradient
    # (a factor, a missing 1/m, a transpose), a gradient never computed or a
    # forward bug gets no such line, which would point at the wrong place.
    dims, _ = BUGS[bug]
    report = run(bug, dims)
    text = str(report)
    if bug in WHERE_TO_LOOK:
        assert re.search("where to look: .*" + WHERE_TO_LOOK[bug], text), text
        assert re.search(WHERE_TO_LOOK[bug], report.to_dict()["where_to_look"])
        assert "where to look" in report._repr_html_()
    else:
        assert "where to look" not in text
        assert report.to_dict()["where_to_look"] is None


@pytest.mark.parametrize("bug", sorted(SHAPE_BUGS))
def test_bugs_that_change_a_shape_are_caught_before_any_numerics(bug):
    dims, which = SHAPE_BUGS[bug]
    with pytest.raises(gradcheck.GradientShapeError, match=rf"^{which}\[\d\] must have the shape"):
        run(bug, dims)


CORRECT = [
    ("relu", [5, 4, 3, 1], 7),
    ("tanh", [5, 4, 3, 1], 7),
    ("sigmoid", [5, 4, 3, 1], 7),
    ("leaky_relu", [5, 4, 3, 1], 7),
    ("relu", [4, 4, 4, 4, 1], 5),
    ("tanh", [3, 3, 3, 1], 9),
    ("relu", [6, 5, 4, 3, 2, 1], 4),
    ("tanh", [8, 6, 1], 1),
]


@pytest.mark.parametrize(("hidden", "dims", "m"), CORRECT)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_correct_implementations_are_never_flagged_and_sit_far_below_the_pass_line(
    hidden, dims, m, seed
):
    report = run(DEEP_BY_HIDDEN[hidden], dims, m=m, seed=seed)
    assert report.passed, str(report)
    assert report.failed == []
    assert max(report.errors.values()) < report.pass_line / 50


@pytest.mark.parametrize("hidden", ["relu", "leaky_relu"])
@pytest.mark.parametrize("offset", [0.0, 0.3 * EPS, -0.6 * EPS])
def test_a_relu_input_within_eps_of_the_kink_is_measured_with_smaller_steps(hidden, offset):
    fns = deep(hidden)
    dims = [5, 4, 3, 1]
    parameters = deep_parameters(dims)
    X, Y = deep_problem(dims)
    place_kink(parameters, X, offset)
    # The kink really does spoil the central difference of b1[0, 0].
    Z = parameters["W1"][0] @ X[:, 0] + parameters["b1"][0, 0]
    assert abs(Z) < EPS
    report = check(fns, parameters, X, Y)
    # Measured again with smaller steps until they cross it no more: compared, not
    # excluded; only an input exactly on the kink stays crossed at every step.
    assert report.passed, str(report)
    if offset == 0.0:
        assert ("b1", (0, 0)) in report.kinks
        assert "crossed a kink" in str(report)
    else:
        assert report.kinks == []
        assert report.results["b1"].checked == 4


def test_a_kink_does_not_hide_a_real_bug_on_the_same_parameter():
    fns = get("c1w4_deep_v3__dW2_doubled").load()
    dims = [5, 4, 3, 1]
    parameters = deep_parameters(dims)
    X, Y = deep_problem(dims)
    place_kink(parameters, X, 0.2 * EPS)
    report = check(fns, parameters, X, Y)
    assert report.failed == ["W2"]
    assert report.results["W2"].verdict == "wrong"


def transposed_network():
    """Seed 003's convention on a [3, 4, 1] network, m = 6: W[l] is (n[l-1], n[l]) and
    Z[l] = W[l].T @ A[l-1] + b[l], as the corpus's `c1w4_deep_v3_transposed` computes it."""
    dims = [3, 4, 1]
    parameters = {
        key: value.T.copy() if key.startswith("W") else value
        for key, value in deep_parameters(dims).items()
    }
    X, Y = deep_problem(dims, m=6)
    return get("c1w4_deep_v3_transposed").load(), parameters, X, Y


def test_the_weights_stored_transposed_are_checked_and_the_convention_is_said():
    fns, parameters, X, Y = transposed_network()
    assert parameters["W1"].shape == (3, 4)
    report = check(fns, parameters, X, Y)
    assert report.passed, str(report)
    assert any("(n[l-1], n[l])" in note for note in report.notes)


class MidCheck:
    """Tells the check's step of one entry of W[1], `entry`: `forward` calls `step(p)`.

    However the check evaluates its steps (one call each, or a stack of them in one call),
    the call that moves `entry` of W[1] and nothing else of it is the one; a stack holding
    that step counts too (the check then retries its steps one by one and meets it alone).
    The passes before the steps (unperturbed, determinism, noise directions that move every
    entry at once) never count.
    """

    def __init__(self, W1: np.ndarray, entry: tuple[int, int] = (1, 2)) -> None:
        self.W1, self.entry, self.due = W1.copy(), entry, False

    def step(self, p: dict[str, np.ndarray]) -> bool:
        """Whether this call (with parameters `p`) holds the chosen step; remembered in
        `due` for the cost that follows it."""
        moved = np.asarray(p["W1"]).reshape(-1, *self.W1.shape) != self.W1
        alone = moved.sum(axis=(1, 2)) == 1
        self.due = bool(np.any(alone & moved[(slice(None), *self.entry)]))
        return self.due


def test_check_functions_leaves_everything_unchanged_when_forward_raises_mid_check():
    fns = deep("tanh")
    dims = [4, 3, 1]
    parameters = deep_parameters(dims)
    X, Y = deep_problem(dims)
    X.flags.writeable = False
    mid = MidCheck(parameters["W1"])

    def forward(X, p):
        if mid.step(p):
            raise FloatingPointError("overflow in exp")
        return fns.L_model_forward(X, p)

    before = {k: v.tobytes() for k, v in parameters.items()}
    X0, Y0 = X.tobytes(), Y.tobytes()
    # The message blames forward, the function that raised, not the cost.
    with pytest.raises(
        gradcheck.CheckInputError, match=r"^forward raised FloatingPointError at W\[1\]\[1, 2\]"
    ) as caught:
        gradcheck.check_functions(
            forward=forward,
            cost=fns.compute_cost,
            backward=fns.L_model_backward,
            parameters=parameters,
            X=X,
            Y=Y,
        )
    assert isinstance(caught.value.__cause__, FloatingPointError)
    assert {k: v.tobytes() for k, v in parameters.items()} == before
    assert X.tobytes() == X0 and Y.tobytes() == Y0


@pytest.mark.parametrize(
    ("failing", "wording"),
    [
        ("cost", r"^cost raised ZeroDivisionError at W\[1\]\[1, 2\] [+-] eps: bad m"),
        ("forward", r"^forward raised KeyError at W\[1\]\[1, 2\] [+-] eps: 'W3'"),
        ("pair", r"^forward raised TypeError at W\[1\]\[1, 2\] [+-] eps: .*\(AL, caches\)"),
    ],
)
def test_an_error_mid_check_is_blamed_on_the_student_function_that_raised(failing, wording):
    fns = deep("tanh")
    dims = [4, 3, 1]
    parameters = deep_parameters(dims)
    X, Y = deep_problem(dims)
    mid = MidCheck(parameters["W1"])

    def forward(X, p):
        if mid.step(p) and failing == "forward":
            return p["W3"]
        if mid.due and failing == "pair":
            return fns.L_model_forward(X, p)[0]
        return fns.L_model_forward(X, p)

    def cost(AL, Y):
        if mid.due and failing == "cost":
            raise ZeroDivisionError("bad m")
        return fns.compute_cost(AL, Y)

    before = {k: v.tobytes() for k, v in parameters.items()}
    with pytest.raises(gradcheck.CheckInputError, match=wording) as caught:
        gradcheck.check_functions(
            forward=forward,
            cost=cost,
            backward=fns.L_model_backward,
            parameters=parameters,
            X=X,
            Y=Y,
        )
    assert {k: v.tobytes() for k, v in parameters.items()} == before
    if failing != "pair":
        # The line of the user's code that raised, not one of gradcheck's.
        expected = 'return p["W3"]' if failing == "forward" else 'raise ZeroDivisionError("bad m")'
        assert "raised at test_corpus.py line " in str(caught.value)
        assert f"in {failing}: {expected}" in str(caught.value)


def test_a_forward_that_fails_at_once_or_returns_no_pair_gets_a_clear_message():
    fns = deep("tanh")
    dims = [4, 3, 1]
    parameters = deep_parameters(dims)
    X, Y = deep_problem(dims)
    common = {
        "cost": fns.compute_cost,
        "backward": fns.L_model_backward,
        "parameters": parameters,
        "Y": Y,
    }
    with pytest.raises(
        gradcheck.InputShapeError, match=r"^W\[1\] must be \(n\[1\], n\[0\]\) with n\[0\] = 2"
    ):
        gradcheck.check_functions(forward=fns.L_model_forward, X=X[:2], **common)

    def broken(X, p):
        return np.ones((2, 2)) @ np.ones((3, 3)), []

    with pytest.raises(gradcheck.CheckInputError, match=r"forward raised ValueError at the given"):
        gradcheck.check_functions(forward=broken, X=X, **common)
    with pytest.raises(gradcheck.CheckInputError, match=r"forward must return \(AL, caches\)"):
        gradcheck.check_functions(forward=lambda X, p: fns.L_model_forward(X, p)[0], X=X, **common)

    def in_place(X, p):
        X *= 2
        return fns.L_model_forward(X, p)

    with pytest.raises(gradcheck.CheckInputError, match=r"modifies X, Y or the parameters"):
        gradcheck.check_functions(forward=in_place, X=X, **common)


@given(
    hidden=st.sampled_from(["relu", "tanh", "sigmoid", "leaky_relu"]),
    sizes=st.lists(st.integers(1, 5), min_size=2, max_size=4),
    m=st.integers(1, 8),
    seed=st.integers(0, 1000),
)
def test_correct_course_code_passes_on_any_architecture_and_inputs_stay_unchanged(
    hidden, sizes, m, seed
):
    dims = [*sizes, 1]
    fns = deep(hidden)
    parameters = deep_parameters(dims, seed)
    X, Y = deep_problem(dims, m, seed)
    before = {k: v.tobytes() for k, v in parameters.items()}
    X0, Y0 = X.tobytes(), Y.tobytes()
    AL, caches = fns.L_model_forward(X, parameters)
    grads = fns.L_model_backward(AL, Y, caches)
    grads_before = {k: v.tobytes() for k, v in grads.items()}
    report = gradcheck.check(
        lambda p: fns.compute_cost(fns.L_model_forward(X, p)[0], Y), parameters, grads, m=m
    )
    # A black box cannot move to another point: units inactive for every example
    # leave no evidence, which it says, but it never calls correct code wrong.
    assert all(r.verdict in ("ok", "inconclusive") for r in report.results.values()), str(report)
    assert {k: v.tobytes() for k, v in parameters.items()} == before
    assert {k: v.tobytes() for k, v in grads.items()} == grads_before
    assert X.tobytes() == X0 and Y.tobytes() == Y0
    # check_functions can: it checks such code at nearby points, and passes it or
    # says why there is not enough evidence (a chain of single units all inactive).
    report = check(fns, parameters, X, Y)
    for result in report.results.values():
        assert result.verdict == "ok" or (
            result.verdict == "inconclusive" and "not enough evidence" in result.diagnosis
        ), str(report)
    if min(sizes[1:]) > 1 and m > 1:
        assert report.passed, str(report)
    assert {k: v.tobytes() for k, v in parameters.items()} == before


TRANSPOSED_SHAPE_BUGS = [
    (
        {"dW1": np.zeros((4, 3))},
        "dW[1] must have the shape of W[1], (n[0], n[1]) = (3, 4): got (4, 3). "
        "Did you mean dW1.T? (dW[l] = (1/m) A[l-1] @ dZ[l].T has the shape of W[l])",
    ),
    (
        {"dW2": np.zeros((1, 4))},
        "dW[2] must have the shape of W[2], (n[1], n[2]) = (4, 1): got (1, 4). "
        "Did you mean dW2.T? (dW[l] = (1/m) A[l-1] @ dZ[l].T",
    ),
    ({"db1": np.float64(0.0)}, "db[1] must have the shape of b[1], (n[1], 1) = (4, 1): got (). "),
    (
        {"db1": np.zeros(4)},
        "db[1] must have the shape of b[1], (n[1], 1) = (4, 1): got (4,). db1 is a rank-1 array",
    ),
    (
        {"db1": np.zeros((1, 6))},
        "db[1] must have the shape of b[1], (n[1], 1) = (4, 1): got (1, 6)",
    ),
    (
        {"db2": np.zeros((1, 6))},
        "db[2] must have the shape of b[2], (n[2], 1) = (1, 1): got (1, 6)",
    ),
    (
        {"dW2": None},
        "dW[2] is missing: the gradients hold dW1, db1, db2. Backward must return "
        'grads["dW2"] with the shape of W[2], (n[1], n[2]) = (4, 1)',
    ),
]


@pytest.mark.parametrize(
    ("changed", "message"),
    TRANSPOSED_SHAPE_BUGS,
    ids=["dW1.T", "dW2.T", "db1-scalar", "db1-rank1", "db1-axis0", "db2-axis0", "dW2-missing"],
)
def test_shape_errors_speak_the_transposed_convention_when_the_weights_use_it(changed, message):
    fns, parameters, X, Y = transposed_network()
    calls = []

    def cost(AL, Y):
        calls.append(1)
        return fns.compute_cost(AL, Y)

    def backward(AL, Y, caches):
        grads = {key: np.zeros_like(value) for key, value in parameters.items()}
        grads = {"d" + key: value for key, value in grads.items()}
        grads.update(changed)
        return {key: value for key, value in grads.items() if value is not None}

    with pytest.raises(gradcheck.GradientShapeError, match="^" + re.escape(message)):
        gradcheck.check_functions(
            forward=fns.L_model_forward,
            cost=cost,
            backward=backward,
            parameters=parameters,
            X=X,
            Y=Y,
        )
    # Shapes first: the cost ran once, for the unperturbed pass, and no numerics followed.
    assert len(calls) == 1


def test_a_transposed_dW_in_the_standard_convention_names_the_standard_product():
    fns = get("c1w4_deep_v3_tanh__dW2_transposed").load()
    dims = [5, 4, 3, 1]
    parameters = deep_parameters(dims)
    X, Y = deep_problem(dims)
    with pytest.raises(
        gradcheck.GradientShapeError,
        match=re.escape(
            "dW[2] must have the shape of W[2], (n[2], n[1]) = (3, 4): got (4, 3). "
            "Did you mean dW2.T? (dW[l] = (1/m) dZ[l] @ A[l-1].T has the shape of W[l])"
        ),
    ):
        check(fns, parameters, X, Y)
