"""`gradcheck.check` on black-box costs: keys, shapes first, bad input, modes, safety."""

import json
import re

import numpy as np
import pytest

import gradcheck
from gradcheck import CheckInputError, GradientShapeError, PrecisionWarning


def quadratic_problem(seed=0):
    """J = sum(A * W**2) / 2 + c . b: gradients A * W and c, known exactly."""
    rng = np.random.default_rng(seed)
    A = rng.random((3, 4)) + 0.5
    c = rng.standard_normal((3, 1))
    parameters = {"W1": rng.standard_normal((3, 4)), "b1": rng.standard_normal((3, 1))}

    def cost(p):
        return 0.5 * np.sum(A * p["W1"] ** 2) + float(np.sum(c * p["b1"]))

    gradients = {"dW1": A * parameters["W1"], "db1": c.copy()}
    return cost, parameters, gradients


def test_a_correct_gradient_passes_with_course_keys_or_parameter_keys():
    cost, parameters, gradients = quadratic_problem()
    assert gradcheck.check(cost, parameters, gradients).passed
    by_name = {"W1": gradients["dW1"], "b1": gradients["db1"]}
    assert gradcheck.check(cost, parameters, by_name).passed


def test_extra_gradient_keys_such_as_dA0_are_ignored():
    cost, parameters, gradients = quadratic_problem()
    gradients["dA0"] = np.ones((7, 7))
    report = gradcheck.check(cost, parameters, gradients)
    assert report.passed
    assert set(report.errors) == {"W1", "b1"}


def test_the_difference_is_the_course_formula_over_all_parameters():
    cost, parameters, gradients = quadratic_problem()
    gradients["dW1"] = 3 * gradients["dW1"]
    report = gradcheck.check(cost, parameters, gradients, mode="full")
    g = np.concatenate([gradients["dW1"].ravel(), gradients["db1"].ravel()])
    exact = np.concatenate([(gradients["dW1"] / 3).ravel(), gradients["db1"].ravel()])
    expected = np.linalg.norm(g - exact) / (np.linalg.norm(g) + np.linalg.norm(exact))
    assert report.difference == pytest.approx(expected, rel=1e-6)
    assert report.errors["W1"] == pytest.approx(0.5, rel=1e-6)
    assert report.failed == ["W1"]


def test_a_missing_gradient_is_a_shape_error_naming_it_and_its_expected_shape():
    cost, parameters, gradients = quadratic_problem()
    del gradients["db1"]
    with pytest.raises(
        GradientShapeError,
        match=re.escape(
            "db[1] is missing: the gradients hold dW1. Backward must return "
            'grads["db1"] with the shape of b[1], (n[1], 1) = (3, 1)'
        ),
    ):
        gradcheck.check(cost, parameters, gradients)


def test_a_scalar_db_against_a_column_bias_names_both_shapes_and_the_fix():
    cost, parameters, gradients = quadratic_problem()
    gradients["db1"] = np.float64(0.3)
    with pytest.raises(
        GradientShapeError,
        match=re.escape("db[1] must have the shape of b[1], (n[1], 1) = (3, 1): got ()."),
    ) as caught:
        gradcheck.check(cost, parameters, gradients)
    assert "axis=1, keepdims=True" in str(caught.value)


def test_a_transposed_gradient_gets_a_did_you_mean_hint():
    cost, parameters, gradients = quadratic_problem()
    gradients["dW1"] = gradients["dW1"].T
    with pytest.raises(
        GradientShapeError,
        match=r"\(n\[1\], n\[0\]\) = \(3, 4\): got \(4, 3\)\. "
        r"Did you mean dW1\.T\?",
    ):
        gradcheck.check(cost, parameters, gradients)


def test_shapes_are_checked_before_the_cost_is_ever_called():
    calls = []

    def cost(p):
        calls.append(1)
        return 0.0

    with pytest.raises(GradientShapeError):
        gradcheck.check(cost, {"W1": np.ones((2, 2))}, {"dW1": np.ones(2)})
    assert calls == []


@pytest.mark.parametrize("where", ["parameters", "gradients"])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_inf_in_parameters_or_gradients_is_refused_with_its_position(where, bad):
    cost, parameters, gradients = quadratic_problem()
    target = parameters["W1"] if where == "parameters" else gradients["dW1"]
    target[1, 2] = bad
    name = "W[1]" if where == "parameters" else "dW[1]"
    kind = "NaN" if np.isnan(bad) else "inf"
    with pytest.raises(
        CheckInputError, match=re.escape(f"{name} holds 1 non-finite value(s) ({kind} at [1, 2])")
    ):
        gradcheck.check(cost, parameters, gradients)


def test_a_cost_that_is_nan_is_refused_saying_where():
    _, parameters, gradients = quadratic_problem()
    with pytest.raises(CheckInputError, match=r"the cost J is nan at the given parameters"):
        gradcheck.check(lambda p: float("nan"), parameters, gradients)


def test_a_cost_that_turns_inf_when_perturbed_names_the_entry():
    _, parameters, gradients = quadratic_problem()
    original = parameters["W1"][0, 0]

    def cost(p):
        # Beyond the points where the noise of J is measured (within 3e-6).
        return np.inf if p["W1"][0, 0] > original + 5e-6 else float(np.sum(p["W1"]))

    with pytest.raises(CheckInputError, match=re.escape("the cost J is inf at W[1][0, 0] + eps")):
        gradcheck.check(cost, parameters, gradients)


def test_a_cost_with_more_than_one_element_is_refused():
    _, parameters, gradients = quadratic_problem()
    with pytest.raises(
        CheckInputError,
        match=re.escape("the cost J must be a scalar: got an array of shape (1, 7) at the given"),
    ):
        gradcheck.check(lambda p: np.zeros((1, 7)), parameters, gradients)


def test_a_cost_of_shape_1_1_is_fine():
    cost, parameters, gradients = quadratic_problem()
    assert gradcheck.check(lambda p: np.array([[cost(p)]]), parameters, gradients).passed


def test_a_cost_that_raises_is_reported_with_the_original_error_chained():
    _, parameters, gradients = quadratic_problem()

    def cost(p):
        raise ZeroDivisionError("division by zero in my forward")

    with pytest.raises(
        CheckInputError,
        match="the cost raised ZeroDivisionError at the given "
        "parameters: division by zero in my forward",
    ) as caught:
        gradcheck.check(cost, parameters, gradients)
    assert isinstance(caught.value.__cause__, ZeroDivisionError)


def snapshot(arrays):
    return {k: (v.copy(), v.dtype, v.flags.writeable) for k, v in arrays.items()}


def assert_unchanged(arrays, before):
    for key, (values, dtype, writeable) in before.items():
        assert arrays[key].dtype == dtype
        assert arrays[key].tobytes() == values.tobytes()
        assert arrays[key].flags.writeable == writeable


def test_parameters_and_gradients_are_bitwise_unchanged_after_a_check():
    cost, parameters, gradients = quadratic_problem()
    gradients["dW1"] = 2 * gradients["dW1"]
    p0, g0 = snapshot(parameters), snapshot(gradients)
    gradcheck.check(cost, parameters, gradients)
    assert_unchanged(parameters, p0)
    assert_unchanged(gradients, g0)


@pytest.mark.parametrize(
    ("call", "where"),
    [
        # 1 unperturbed evaluation, then 12 to measure the noise of J, then the coordinates.
        (6, "while measuring the noise of the cost"),
        (100, r"at W\[1\]\[\d, \d\] [+-] eps"),
    ],
)
def test_nothing_changes_when_the_users_forward_raises_in_the_middle_of_a_check(call, where):
    cost, parameters, gradients = quadratic_problem()
    calls = []

    def flaky(p):
        calls.append(1)
        if len(calls) == call:
            raise RuntimeError("boom")
        return cost(p)

    p0, g0 = snapshot(parameters), snapshot(gradients)
    with pytest.raises(CheckInputError, match=rf"RuntimeError {where}"):
        gradcheck.check(flaky, parameters, gradients)
    assert len(calls) == call
    assert_unchanged(parameters, p0)
    assert_unchanged(gradients, g0)


def test_read_only_arrays_are_checked():
    cost, parameters, gradients = quadratic_problem()
    for array in (*parameters.values(), *gradients.values()):
        array.flags.writeable = False
    assert gradcheck.check(cost, parameters, gradients).passed


def test_a_cost_that_modifies_the_parameters_in_place_is_stopped_with_an_explanation():
    cost, parameters, gradients = quadratic_problem()

    def sneaky(p):
        p["W1"] *= 1.0
        return cost(p)

    with pytest.raises(CheckInputError, match="modifies the parameters in place"):
        gradcheck.check(sneaky, parameters, gradients)


def test_float32_input_is_checked_on_a_float64_copy_with_a_warning_saying_why():
    cost, parameters, gradients = quadratic_problem()
    seen = []

    def spy(p):
        seen.append(p["W1"].dtype)
        return cost(p)

    small = {k: v.astype(np.float32) for k, v in parameters.items()}
    exact = {"dW1": gradients["dW1"], "db1": gradients["db1"]}
    with pytest.warns(
        PrecisionWarning,
        match=r"parameters W\[1\], b\[1\] are float32: checked on a float64 copy, "
        r"because float32's roundoff",
    ):
        report = gradcheck.check(spy, small, exact)
    assert report.passed
    assert set(seen) == {np.dtype(np.float64)}
    assert small["W1"].dtype == np.float32


def test_integer_parameters_are_accepted_and_objects_refused():
    with pytest.raises(CheckInputError, match=r"W\[1\] has dtype object"):
        gradcheck.check(lambda p: 0.0, {"W1": np.array([[None]])}, {"dW1": np.zeros((1, 1))})
    report = gradcheck.check(
        lambda p: float(np.sum(p["W1"] ** 2)), {"W1": np.array([[1, 2]])}, {"dW1": [[2.0, 4.0]]}
    )
    assert report.passed


@pytest.mark.parametrize("mode", ["full", "sample", "directional", "auto"])
def test_every_mode_passes_correct_gradients_and_fails_a_factor_2(mode):
    cost, parameters, gradients = quadratic_problem()
    assert gradcheck.check(cost, parameters, gradients, mode=mode).passed
    gradients["dW1"] = 2 * gradients["dW1"]
    report = gradcheck.check(cost, parameters, gradients, mode=mode)
    assert report.failed == ["W1"]
    assert "2.00 x the numerical gradient" in report.results["W1"].diagnosis


def test_sample_mode_checks_k_coordinates_of_every_parameter_biases_included():
    rng = np.random.default_rng(1)
    parameters = {"W1": rng.standard_normal((30, 40)), "b1": rng.standard_normal((30, 1))}
    gradients = {"dW1": 2 * parameters["W1"], "db1": 2 * parameters["b1"]}

    def cost(p):
        return float(np.sum(p["W1"] ** 2) + np.sum(p["b1"] ** 2))

    report = gradcheck.check(cost, parameters, gradients, mode="sample", samples=7)
    assert report.mode == "sample"
    assert {k: r.checked for k, r in report.results.items()} == {"W1": 7, "b1": 7}
    again = gradcheck.check(cost, parameters, gradients, mode="sample", samples=7)
    assert again.to_dict() == report.to_dict()


def test_auto_checks_in_full_within_its_time_budget_and_by_directions_beyond():
    cost, parameters, gradients = quadratic_problem()
    assert gradcheck.check(cost, parameters, gradients).mode == "full"
    big = {"W1": np.ones((60, 60))}
    grads = {"dW1": np.ones((60, 60))}
    report = gradcheck.check(lambda p: float(np.sum(p["W1"])), big, grads, time_budget=1e-6)
    assert report.mode == "directional"
    assert report.passed
    assert gradcheck.check(lambda p: float(np.sum(p["W1"])), big, grads).mode == "full"


@pytest.mark.slow
def test_auto_beyond_its_budget_catches_a_bug_confined_to_one_row_on_every_seed():
    # A sample of 20 coordinates of a (40, 60) dW[1] misses a bug in one row on
    # about half of the seeds; a random direction has a part in every row.
    rng = np.random.default_rng(0)
    A = rng.random((40, 60)) + 0.5
    parameters = {"W1": rng.standard_normal((40, 60))}
    wrong = A * parameters["W1"]
    wrong[7] *= 2.0

    def cost(p):
        return 0.5 * float(np.sum(A * p["W1"] ** 2))

    for seed in range(10):
        report = gradcheck.check(cost, parameters, {"dW1": wrong}, seed=seed, time_budget=1e-6)
        assert report.results["W1"].verdict == "wrong", str(report)
        assert report.results["W1"].worst[0].index[0] == 7


def test_directional_mode_escalates_to_coordinates_to_localise_a_failure():
    cost, parameters, gradients = quadratic_problem()
    gradients["dW1"] = gradients["dW1"].copy()
    gradients["dW1"][2, 1] += 5.0
    report = gradcheck.check(cost, parameters, gradients, mode="directional", seed=3)
    result = report.results["W1"]
    assert result.how == "directional, then full"
    assert result.worst[0].index == (2, 1)
    assert report.results["b1"].how == "directional"


def test_the_same_seed_gives_the_same_report_and_another_seed_other_samples():
    rng = np.random.default_rng(2)
    parameters = {"W1": rng.standard_normal((20, 20))}
    grads = {"dW1": 3 * parameters["W1"] ** 2}

    def cost(p):
        return float(np.sum(p["W1"] ** 3))

    a = gradcheck.check(cost, parameters, grads, mode="sample", samples=5, seed=4)
    b = gradcheck.check(cost, parameters, grads, mode="sample", samples=5, seed=4)
    c = gradcheck.check(cost, parameters, grads, mode="sample", samples=5, seed=5)
    assert np.array_equal(a.results["W1"].numeric, b.results["W1"].numeric)
    assert not np.array_equal(a.results["W1"].numeric, c.results["W1"].numeric)


def test_a_black_box_kink_within_the_step_is_measured_with_a_smaller_step_and_passes():
    # |w| at w = 3e-6, inside the step eps = 1e-5: the central difference at eps is
    # wrong there, at eps/10 it is exact.
    parameters = {"W1": np.array([[3e-6, 0.7, -0.4]])}
    gradients = {"dW1": np.sign(parameters["W1"])}

    def cost(p):
        return float(np.sum(np.abs(p["W1"])))

    report = gradcheck.check(cost, parameters, gradients)
    assert report.passed, str(report)
    assert report.kinks == []
    assert report.results["W1"].checked == 3


def test_a_kink_that_no_step_clears_is_excluded_and_a_minority_is_no_verdict():
    # max(0, w) exactly at its kink, with the Course's derivative 0 there (dZ[Z <= 0] = 0):
    # every step crosses it. Two of three coordinates sit there, so the verdict would
    # rest on one: not enough evidence, never wrong.
    parameters = {"W1": np.array([[0.0, 0.0, 0.4]])}
    gradients = {"dW1": np.array([[0.0, 0.0, 1.0]])}

    def cost(p):
        return float(np.sum(np.maximum(0.0, p["W1"])))

    report = gradcheck.check(cost, parameters, gradients)
    result = report.results["W1"]
    assert result.verdict == "inconclusive"
    assert not report.passed
    assert sorted(report.kinks) == [("W1", (0, 0)), ("W1", (0, 1))]
    assert "only 1 of the 3 values of W[1]" in result.diagnosis
    assert "crossed a kink" in str(report)


def test_a_smooth_wrong_gradient_is_not_mistaken_for_a_kink():
    parameters = {"W1": np.array([[3e-6, 0.7, -0.4]])}
    gradients = {"dW1": 2 * parameters["W1"] + 1.0}

    def cost(p):
        return float(np.sum(p["W1"] ** 2))

    report = gradcheck.check(cost, parameters, gradients)
    assert report.kinks == []
    assert report.failed == ["W1"]


@pytest.mark.parametrize(
    ("options", "wording"),
    [
        ({"eps": 0.0}, "eps must be a positive number below 1"),
        ({"eps": float("nan")}, "eps must be a positive number below 1"),
        ({"mode": "fast"}, "mode must be one of auto, full, sample, directional: got 'fast'"),
        ({"pass_line": 1e-2, "fail_line": 1e-3}, "the bands need 0 < pass_line < fail_line"),
        ({"samples": 0}, "samples must be at least 1"),
    ],
)
def test_bad_options_are_refused_with_the_rule(options, wording):
    cost, parameters, gradients = quadratic_problem()
    with pytest.raises(CheckInputError, match=re.escape(wording)):
        gradcheck.check(cost, parameters, gradients, **options)


def test_parameters_must_be_a_non_empty_dict():
    with pytest.raises(CheckInputError, match="parameters must be a non-empty dict"):
        gradcheck.check(lambda p: 0.0, {}, {})
    with pytest.raises(CheckInputError, match="gradients must be a dict"):
        gradcheck.check(lambda p: 0.0, {"W1": np.ones((1, 1))}, [np.ones((1, 1))])


def test_a_tiny_gradient_dominated_by_roundoff_is_not_called_wrong():
    # J is large and its gradient tiny: roundoff in J / eps swamps the difference.
    parameters = {"W1": np.array([[0.3, -0.2]])}
    gradients = {"dW1": 1e-12 * np.array([[1.0, 1.0]])}

    def cost(p):
        return 1e4 + 1e-12 * float(np.sum(p["W1"]))

    report = gradcheck.check(cost, parameters, gradients)
    assert report.results["W1"].verdict != "wrong"
    assert report.results["W1"].floor > report.fail_line


def test_the_report_serialises_to_json():
    cost, parameters, gradients = quadratic_problem()
    gradients["db1"] = -gradients["db1"]
    data = json.loads(json.dumps(gradcheck.check(cost, parameters, gradients).to_dict()))
    assert data["passed"] is False
    assert data["failed"] == ["b1"]
    assert data["parameters"]["b1"]["verdict"] == "wrong"
    assert "wrong sign" in data["parameters"]["b1"]["diagnosis"]
    assert data["parameters"]["b1"]["worst"][0]["index"] in ([0, 0], [1, 0], [2, 0])


def test_a_progress_bar_is_drawn_only_when_asked_or_in_a_terminal(capsys):
    pytest.importorskip("models._progress")
    cost, parameters, gradients = quadratic_problem()
    gradcheck.check(cost, parameters, gradients, progress_bar=True)
    assert "gradcheck |" in capsys.readouterr().err
    # Under pytest stderr is no terminal: the default draws nothing.
    big = {"W1": np.ones((50, 50))}
    gradcheck.check(lambda p: float(np.sum(p["W1"])), big, {"dW1": np.ones((50, 50))}, mode="full")
    assert capsys.readouterr().err == ""
