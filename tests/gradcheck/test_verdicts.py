"""Verdicts to stake a grade on (issue 10): no false alarm, no false pass.

Each test is a case a user hit: correct Course code called wrong, wrong code called
passed. The regression tests keep the exact shapes, initialiser and data.
"""

import numpy as np
import pytest

import gradcheck
import models
from tests.course import DEEP_BY_HIDDEN, deep_parameters, get
from tests.course import check_deep as run
from tests.course import deep_problem as problem


def course(hidden, bug=None):
    """The corpus's deep network with `hidden` hidden layers, or its planted `bug`."""
    name = DEEP_BY_HIDDEN[hidden]
    return get(name if bug is None else f"{name}__{bug}").load()


def course_initialised(dims, seed=0):
    """The Course's `initialize_parameters_deep`: `randn * 0.01`, zero biases."""
    rng = np.random.default_rng(seed)
    parameters = {}
    for layer in range(1, len(dims)):
        parameters[f"W{layer}"] = rng.standard_normal((dims[layer], dims[layer - 1])) * 0.01
        parameters[f"b{layer}"] = np.zeros((dims[layer], 1))
    return parameters


# -- kinks: the Course's initialiser, zero biases, m = 1 --------------------------------


@pytest.mark.parametrize("hidden", ["relu", "leaky_relu"])
@pytest.mark.parametrize("m", [1, 2, 3, 19])
@pytest.mark.parametrize("dims", [[5, 6, 10, 4, 1], [3, 6, 8, 11, 1], [6, 2, 1], [4, 4, 4, 1]])
def test_correct_course_code_with_the_courses_initialiser_is_never_called_wrong(hidden, m, dims):
    # Deep Z[l] sit within 1e-5 to 1e-8 of the kink, or exactly on it where a whole
    # layer is inactive for an example; a step of b[l] moves a row across it.
    fns = course(hidden)
    parameters = course_initialised(dims, seed=m)
    X, Y = problem(dims, m, seed=m)
    report = run(fns, parameters, X, Y)
    assert report.passed, str(report)


@pytest.mark.parametrize("bug", ["relu_backward_no_mask", "dW2_doubled", "db_missing_1_over_m"])
def test_bugs_are_still_caught_with_the_courses_initialiser(bug):
    dims = [5, 4, 3, 1]
    fns = course("relu", bug)
    X, Y = problem(dims, 7)
    report = run(fns, course_initialised(dims), X, Y)
    assert not report.passed, str(report)


def test_a_nearby_point_is_said_when_the_given_one_holds_no_evidence():
    # [6, 2, 1] with m = 1: both units of layer 1 inactive, so W[1], b[1] and W[2]
    # have a zero gradient here; the check moves the biases and says so.
    dims = [6, 2, 1]
    parameters = course_initialised(dims)
    X = np.abs(np.random.default_rng(1).standard_normal((6, 1)))
    parameters["W1"] = -np.abs(parameters["W1"])
    report = run(course("relu"), parameters, X, np.ones((1, 1)))
    assert report.passed, str(report)
    assert any(note.startswith("checked at a nearby point") for note in report.notes)
    assert any("b[1]" in note and "seed 0" in note for note in report.notes)


# -- any array layout -------------------------------------------------------------------


LAYOUTS = {
    "F-order": np.asfortranarray,
    "transposed view": lambda a: np.ascontiguousarray(a.T).T,
    "read-only": lambda a: np.array(a, copy=True),
    "subclass": lambda a: a.view(type("Sub", (np.ndarray,), {})),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_parameters_in_any_layout_reach_the_cost_and_stay_bitwise_intact(layout):
    fns = course("tanh")
    dims = [5, 4, 3, 1]
    parameters = {k: LAYOUTS[layout](v) for k, v in deep_parameters(dims).items()}
    if layout == "read-only":
        for array in parameters.values():
            array.flags.writeable = False
    X, Y = problem(dims)
    before = {
        k: (v.tobytes(order="A"), v.flags.f_contiguous, v.strides) for k, v in parameters.items()
    }
    report = run(fns, parameters, X, Y)
    assert report.passed, str(report)
    after = {
        k: (v.tobytes(order="A"), v.flags.f_contiguous, v.strides) for k, v in parameters.items()
    }
    assert after == before


def test_an_f_order_parameter_is_not_reported_as_unused():
    # Before: "the cost does not depend on W[1]", the perturbation written into a copy.
    fns = course("relu")
    dims = [5, 4, 3, 1]
    parameters = deep_parameters(dims)
    parameters["W1"] = np.asfortranarray(parameters["W1"])
    X, Y = problem(dims)
    report = run(fns, parameters, X, Y)
    assert report.passed, str(report)
    assert "does not depend" not in str(report)


# -- determinism --------------------------------------------------------------------------


@pytest.mark.parametrize("factor", [0.0, 1.0, 2.0])
def test_dropout_without_a_fixed_mask_is_refused_whatever_the_gradients(factor):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3, 8))
    Y = (rng.random((1, 8)) > 0.5).astype(float)
    parameters = {
        "W1": rng.standard_normal((4, 3)),
        "b1": rng.standard_normal((4, 1)),
        "W2": rng.standard_normal((1, 4)),
        "b2": rng.standard_normal((1, 1)),
    }

    def forward(X, p):
        A1 = np.maximum(0, p["W1"] @ X + p["b1"])
        D1 = np.random.default_rng().random(A1.shape) < 0.8  # a new mask on every call
        A1 = A1 * D1 / 0.8
        return 1 / (1 + np.exp(-(p["W2"] @ A1 + p["b2"]))), (X, A1, D1)

    def cost(AL, Y):
        return float(-np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))

    def backward(AL, Y, cache):
        X, A1, D1 = cache
        m = X.shape[1]
        dZ2 = AL - Y
        dZ1 = (parameters["W2"].T @ dZ2) * D1 / 0.8 * (A1 > 0)
        return {
            "dW2": factor * dZ2 @ A1.T / m,
            "db2": factor * dZ2.sum(axis=1, keepdims=True) / m,
            "dW1": factor * dZ1 @ X.T / m,
            "db1": factor * dZ1.sum(axis=1, keepdims=True) / m,
        }

    with pytest.raises(
        gradcheck.NondeterministicCostError,
        match=r"^the cost J is not a function of the parameters alone: evaluated twice .*"
        r"dropout drawing a new mask on every call",
    ):
        gradcheck.check_functions(
            forward=forward, cost=cost, backward=backward, parameters=parameters, X=X, Y=Y
        )


@pytest.mark.parametrize("factor", [0.0, 1.0, 2.0])
def test_a_cost_reading_the_global_rng_is_refused(factor):
    rng = np.random.default_rng(0)
    W = rng.standard_normal((3, 3))

    def cost(p):
        return float(np.sum(p["W1"] ** 2) + 1e-3 * np.random.random())

    with pytest.raises(gradcheck.NondeterministicCostError, match=r"np\.random inside forward"):
        gradcheck.check(cost, {"W1": W}, {"dW1": factor * 2 * W})


def test_a_cost_that_drifts_between_calls_is_refused_at_the_end():
    W = np.random.default_rng(0).standard_normal((3, 3))
    calls = []

    def cost(p):
        # Identical on the first two calls, then drifting: caught before and after.
        calls.append(1)
        return float(np.sum(p["W1"] ** 2)) + 1e-9 * max(0, len(calls) - 2)

    with pytest.raises(gradcheck.NondeterministicCostError, match=r"before and after the check"):
        gradcheck.check(cost, {"W1": W}, {"dW1": 2 * W})


def test_models_dropout_with_held_masks_is_deterministic_and_passes():
    net = models.DeepNetwork([4, 5, 1], keep_prob=0.8, seed=1)
    rng = np.random.default_rng(1)
    X = rng.standard_normal((4, 6))
    Y = (rng.random((1, 6)) > 0.5).astype(float)
    assert gradcheck.check_model(net, X, Y).passed


# -- no vacuous pass -------------------------------------------------------------------


def test_a_forward_that_ignores_the_parameters_with_zero_gradients_fails():
    fns = course("relu")
    dims = [5, 4, 1]
    parameters = deep_parameters(dims)
    X, Y = problem(dims)
    AL0 = fns.L_model_forward(X, parameters)[0]

    def forward(X, p):
        return AL0, []

    def backward(AL, Y, caches):
        return {f"d{k}": np.zeros_like(v) for k, v in parameters.items()}

    report = gradcheck.check_functions(
        forward=forward, cost=fns.compute_cost, backward=backward, parameters=parameters, X=X, Y=Y
    )
    assert not report.passed
    assert report.results["W1"].verdict == "inconclusive"
    assert report.results["W1"].diagnosis.startswith(
        "the cost does not depend on W[1]: its numerical gradient is zero"
    )
    assert 'unused=["W1"]' in report.results["W1"].diagnosis


def test_a_parameter_said_to_be_unused_may_have_a_zero_gradient():
    W = np.random.default_rng(0).standard_normal((3, 3))
    gradients = {"dW1": 2 * W, "dW2": np.zeros((2, 2))}
    parameters = {"W1": W, "W2": np.ones((2, 2))}

    def cost(p):
        return float(np.sum(p["W1"] ** 2))

    failed = gradcheck.check(cost, parameters, gradients)
    assert failed.failed == ["W2"]
    assert "the cost does not depend on W[2]" in str(failed)
    assert gradcheck.check(cost, parameters, gradients, unused=["W2"]).passed
    with pytest.raises(gradcheck.CheckInputError, match=r"unused names 'W3', which is not a"):
        gradcheck.check(cost, parameters, gradients, unused=["W3"])


# -- an honest noise floor ---------------------------------------------------------------


def test_a_floor_that_reaches_the_fail_line_is_inconclusive_never_ok():
    # J quantised to steps of 1e-9: a gradient of 1e-6 per coordinate cannot be
    # told from noise at any step the check tries. Wrong gradients (here 0) must
    # not pass: the verdict is inconclusive, and the report says why.
    W = np.random.default_rng(0).standard_normal((2, 3))

    def cost(p):
        return float(np.round(1.0 + 1e-6 * np.sum(p["W1"]), 9))

    for gradient in (np.full((2, 3), 1e-6), np.zeros((2, 3)), np.full((2, 3), 2e-6)):
        report = gradcheck.check(cost, {"W1": W}, {"dW1": gradient})
        result = report.results["W1"]
        assert not report.passed
        assert result.verdict in ("inconclusive", "wrong"), str(report)
    report = gradcheck.check(cost, {"W1": W}, {"dW1": np.full((2, 3), 1e-6)})
    assert report.results["W1"].verdict == "inconclusive"
    assert "the roundoff of J alone could produce" in report.results["W1"].diagnosis
    assert "INCONCLUSIVE" in str(report)


def test_a_saturated_output_with_the_label_on_the_wrong_side_is_not_called_wrong():
    # [60, 40, 1], |Z[L]| up to 25 and random labels: log(1 - A[L]) loses most of
    # its digits where A[L] rounds near 1.
    fns = course("relu")
    bad = []
    for seed in range(6):
        rng = np.random.default_rng(seed)
        dims, m = [60, 40, 1], [1, 2, 4, 8][seed % 4]
        parameters = {}
        for layer in (1, 2):
            shape = (dims[layer], dims[layer - 1])
            parameters[f"W{layer}"] = rng.standard_normal(shape) * np.sqrt(2 / shape[1])
            parameters[f"b{layer}"] = np.zeros((dims[layer], 1))
        X = rng.standard_normal((60, m))
        Z = fns.L_model_forward(X, parameters)[1][-1][1]
        parameters["W2"] = parameters["W2"] * (25.0 / np.max(np.abs(Z)))
        Y = (rng.random((1, m)) > 0.5).astype(float)
        report = run(fns, parameters, X, Y)
        bad += [str(report)] if any(r.verdict == "wrong" for r in report.results.values()) else []
    assert not bad, bad[0]


# -- inputs checked first, in course notation ---------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda p, X, Y: (p, X.T, Y),
            r"^X must be \(n\[0\], m\) = \(5, 7\): got \(7, 5\) \(n\[0\] = 5 from W\[1\] "
            r"\(4, 5\)\), one example per row .*Did you mean X\.T\?$",
        ),
        (
            lambda p, X, Y: (p, X, Y.T),
            r"^Y must be \(n\[L\], m\) = \(1, 7\): got \(7, 1\), one example per row"
            r".*Did you mean Y\.T\?$",
        ),
        (
            lambda p, X, Y: ({**p, "b1": p["b1"].reshape(-1)}, X, Y),
            r"^b\[1\] must be \(n\[1\], 1\) = \(4, 1\): got \(4,\), .*b1 is a rank-1 array",
        ),
        (
            lambda p, X, Y: ({**p, "W2": p["W2"].T.copy()}, X, Y),
            r"^W\[2\] must be \(n\[2\], n\[1\]\) \(as W\[1\] is\) with n\[1\] = 4 \(n\[1\] from "
            r"W\[1\]\): got \(4, 3\)\. Did you mean W2\.T\? It looks initialised as \(4, 3\)"
            r" the other way round",
        ),
    ],
    ids=["X as (m, n0)", "Y as (m, 1)", "rank-1 b", "W[2] as (n[1], n[2])"],
)
def test_inputs_break_a_dimension_rule_before_any_student_code_runs(change, message):
    fns = course("relu")
    dims = [5, 4, 3, 1]
    parameters = deep_parameters(dims)
    X, Y = problem(dims)
    parameters, X, Y = change(parameters, X, Y)
    calls = []

    def forward(X, p):
        calls.append(1)
        return fns.L_model_forward(X, p)

    with pytest.raises(gradcheck.InputShapeError, match=message):
        gradcheck.check_functions(
            forward=forward,
            cost=fns.compute_cost,
            backward=fns.L_model_backward,
            parameters=parameters,
            X=X,
            Y=Y,
        )
    assert calls == []


def two_layer(bug=None):
    """The Course's two-layer planar-data network: tanh hidden, sigmoid output."""

    def forward_propagation(X, parameters):
        Z1 = parameters["W1"] @ X + parameters["b1"]
        A1 = np.tanh(Z1)
        Z2 = parameters["W2"] @ A1 + parameters["b2"]
        A2 = 1 / (1 + np.exp(-Z2))
        return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}

    def compute_cost(A2, Y):
        m = Y.shape[1]
        return float(np.squeeze(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m))

    def backward_propagation(parameters, cache, X, Y):
        m = X.shape[1]
        A1, A2 = cache["A1"], cache["A2"]
        dZ2 = A2 - Y
        dW2 = dZ2 @ A1.T / m
        db2 = np.sum(dZ2, axis=1, keepdims=True) / m
        dZ1 = (parameters["W2"].T @ dZ2) * (1 - A1 if bug else 1 - np.power(A1, 2))
        dW1 = dZ1 @ X.T / m
        db1 = np.sum(dZ1, axis=1, keepdims=True) / m
        return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}

    return forward_propagation, compute_cost, backward_propagation


@pytest.mark.parametrize("bug", [None, "tanh derivative 1 - A"])
def test_the_two_layer_courses_backward_signature_is_accepted(bug):
    forward, cost, backward = two_layer(bug)
    rng = np.random.default_rng(2)
    X = rng.standard_normal((2, 9))
    Y = (rng.random((1, 9)) > 0.5).astype(float)
    parameters = {
        "W1": rng.standard_normal((4, 2)) * 0.01,
        "b1": np.zeros((4, 1)),
        "W2": rng.standard_normal((1, 4)) * 0.01,
        "b2": np.zeros((1, 1)),
    }
    report = gradcheck.check_functions(
        forward=forward, cost=cost, backward=backward, parameters=parameters, X=X, Y=Y
    )
    assert report.passed is (bug is None), str(report)
    if bug:
        assert set(report.failed) == {"W1", "b1"}


@pytest.mark.slow
def test_directional_mode_does_not_flag_a_correct_wide_relu_network():
    # [784, 64, 32, 1], m = 32, weights scaled by 1/sqrt(n[l-1]), small random biases:
    # a unit near its kink used to leave dW[1] doubtful.
    rng = np.random.default_rng(0)
    net = models.DeepNetwork([784, 64, 32, 1], seed=0)
    params = net.parameters()
    for layer in (1, 2, 3):
        n_prev = params[f"W{layer}"].shape[1]
        params[f"W{layer}"] = rng.standard_normal(params[f"W{layer}"].shape) / np.sqrt(n_prev)
        params[f"b{layer}"] = 0.01 * rng.standard_normal(params[f"b{layer}"].shape)
    net.set_parameters(params)
    X = rng.standard_normal((784, 32))
    Y = (rng.random((1, 32)) > 0.5).astype(float)
    report = gradcheck.check_model(net, X, Y, mode="directional", progress_bar=False)
    assert report.passed, str(report)


# -- diagnoses across parameters ------------------------------------------------------------


def test_every_gradient_1_over_m_of_the_numerical_one_blames_the_cost():
    fns = course("tanh")
    dims = [5, 4, 3, 1]
    X, Y = problem(dims, 7)
    parameters = deep_parameters(dims)

    def cost_without_1_over_m(AL, Y):
        return 7 * fns.compute_cost(AL, Y)

    report = gradcheck.check_functions(
        forward=fns.L_model_forward,
        cost=cost_without_1_over_m,
        backward=fns.L_model_backward,
        parameters=parameters,
        X=X,
        Y=Y,
    )
    assert not report.passed
    assert report.notes[0].startswith("every gradient is 1/m = 1/7 of the numerical one")
    assert "Is compute_cost missing its 1/m?" in report.notes[0]


def test_per_layer_factors_m_over_n_prev_say_m_was_read_from_the_wrong_axis():
    fns = course("tanh")
    dims = [5, 4, 3, 1]
    X, Y = problem(dims, 7)
    parameters = deep_parameters(dims)

    def backward(AL, Y, caches):
        grads = fns.L_model_backward(AL, Y, caches)
        for layer in range(1, 4):
            n_prev = parameters[f"W{layer}"].shape[1]
            grads[f"dW{layer}"] = grads[f"dW{layer}"] * 7 / n_prev
            grads[f"db{layer}"] = grads[f"db{layer}"] * 7 / n_prev
        return grads

    report = run(SimpleNamespace_of(fns, backward), parameters, X, Y)
    assert any("m is read from the wrong axis of A[l-1]" in note for note in report.notes)


def SimpleNamespace_of(fns, backward):
    from types import SimpleNamespace

    return SimpleNamespace(
        L_model_forward=fns.L_model_forward,
        compute_cost=fns.compute_cost,
        L_model_backward=backward,
    )


def test_a_gradient_with_another_parameters_shape_says_the_keys_are_off_by_one():
    fns = course("tanh")
    dims = [5, 4, 4, 1]
    X, Y = problem(dims, 7)
    parameters = deep_parameters(dims)

    def backward(AL, Y, caches):
        grads = fns.L_model_backward(AL, Y, caches)
        grads["dW1"] = grads["dW3"]  # one layer off
        return grads

    with pytest.raises(
        gradcheck.GradientShapeError,
        match=r"got \(1, 4\)\. That is the shape of W\[3\]: are the grads keys off by one",
    ):
        run(SimpleNamespace_of(fns, backward), parameters, X, Y)


def test_all_zeros_is_said_only_of_a_gradient_that_is_zero():
    W = np.random.default_rng(0).standard_normal((3, 3))

    def cost(p):
        return float(np.sum(p["W1"] ** 2))

    tiny = gradcheck.check(cost, {"W1": W}, {"dW1": 1e-12 * W})
    zero = gradcheck.check(cost, {"W1": W}, {"dW1": np.zeros((3, 3))})
    assert "all zeros" not in tiny.results["W1"].diagnosis
    assert "dW[1] is all zeros" in zero.results["W1"].diagnosis


def test_the_same_diagnosis_of_several_gradients_is_said_once():
    report = gradcheck.check(
        lambda p: 1.0,
        {"W1": np.ones((2, 2)), "W2": np.ones((2, 2))},
        {"dW1": np.ones((2, 2)), "dW2": np.ones((2, 2))},
    )
    text = str(report)
    assert text.count("the cost did not change at all under any perturbation (see") == 1
    assert "dW[1] and dW[2] are inconclusive" in text
