"""The fixtures (`gradcheck`, `shapecheck`, `student`, `rng`) and `--dimcheck-modules`."""

import importlib
import textwrap
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

CORRECT = (Path(__file__).parents[2] / "examples" / "assignment" / "assignment.py").read_text()
DB = "    db = np.sum(dZ, axis=1, keepdims=True) / m\n"
assert DB in CORRECT, "the planted bugs below edit this line of the example submission"
FACTOR_TWO_DW = CORRECT.replace(
    "    dW = np.dot(dZ, A_prev.T) / m\n", "    dW = 2 * np.dot(dZ, A_prev.T) / m\n"
)
RANK_ONE_DB = CORRECT.replace(DB, "    db = np.sum(dZ, axis=1) / m\n")

PROBLEM = """
import numpy as np

def problem(layer_dims=(4, 3, 1), m=6, seed=0):
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters[f"W{l}"] = rng.standard_normal((layer_dims[l], layer_dims[l - 1]))
        parameters[f"b{l}"] = rng.uniform(0.1, 0.5, (layer_dims[l], 1))
    X = rng.standard_normal((layer_dims[0], m))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    return parameters, X, Y
"""

GRADIENT_TESTS = """
import student
from helpers import problem

def test_module_form(gradcheck):
    parameters, X, Y = problem()
    report = gradcheck(student, parameters, X, Y)
    assert report.passed

def test_keyword_form(gradcheck):
    parameters, X, Y = problem()
    gradcheck(
        forward=student.L_model_forward, cost=student.compute_cost,
        backward=student.L_model_backward, parameters=parameters, X=X, Y=Y,
    )
"""


def make(pytester: pytest.Pytester, submission: str, tests: str) -> None:
    pytester.makepyfile(student=submission, helpers=PROBLEM, test_it=textwrap.dedent(tests))


def test_gradcheck_passes_correct_course_code_and_returns_the_report(
    pytester: pytest.Pytester,
) -> None:
    make(pytester, CORRECT, GRADIENT_TESTS)
    result = pytester.runpytest()
    result.assert_outcomes(passed=2)
    result.stdout.no_fnmatch_line("*= dimgrad =*")


def test_gradcheck_fails_a_wrong_gradient_with_the_table_naming_it(
    pytester: pytest.Pytester,
) -> None:
    make(pytester, FACTOR_TWO_DW, GRADIENT_TESTS)
    result = pytester.runpytest()
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "Wrong gradient: dW[1], dW[2]",
            "gradcheck: FAILED, 2 of 4 gradients not ok*",
            "dW[[]1] * WRONG",
            "*dW[[]1] is 2.00 x the numerical gradient*",
        ]
    )
    # pytrace=False: the report is the message, not a traceback into the plugin.
    result.stdout.no_fnmatch_line("*gradcheck/grading/*")


def test_the_terminal_summary_lists_each_failed_gradient_on_one_line(
    pytester: pytest.Pytester,
) -> None:
    make(pytester, FACTOR_TWO_DW, GRADIENT_TESTS)
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(
        [
            "*= dimgrad =*",
            "gradient: test_it.py::test_module_form: dW[[]1] is 2.00 x the numerical gradient*",
            "gradient: test_it.py::test_module_form: dW[[]2] is 2.00 x the numerical gradient*",
            "gradient: test_it.py::test_keyword_form: dW[[]1] is 2.00 x*",
        ]
    )


def test_gradcheck_reports_a_rank_one_gradient_as_a_shape_error(
    pytester: pytest.Pytester,
) -> None:
    make(pytester, RANK_ONE_DB, GRADIENT_TESTS)
    result = pytester.runpytest()
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["Shape error in your code: *db*"])
    result.stdout.fnmatch_lines(["*= dimgrad =*", "shape: test_it.py::test_module_form: *db*"])
    result.stdout.no_fnmatch_line("gradient: *")


def test_gradcheck_uses_the_seed_eps_and_mode_options(pytester: pytest.Pytester) -> None:
    make(
        pytester,
        CORRECT,
        """
        import student
        from helpers import problem

        def test_options_reach_the_check(gradcheck):
            parameters, X, Y = problem()
            report = gradcheck(student, parameters, X, Y)
            assert (report.seed, report.eps, report.mode) == (5, 1e-4, "sample")
        """,
    )
    result = pytester.runpytest("--dimgrad-seed=5", "--dimgrad-eps=1e-4", "--dimgrad-mode=sample")
    result.assert_outcomes(passed=1)


def test_gradcheck_checks_a_cost_function_of_a_parameters_dict(
    pytester: pytest.Pytester,
) -> None:
    make(
        pytester,
        CORRECT,
        """
        import numpy as np

        def cost(p):
            return float(np.sum(p["W1"] ** 2))

        def test_right(gradcheck):
            W = np.arange(1.0, 7.0).reshape(2, 3)
            gradcheck(cost, {"W1": W}, {"dW1": 2 * W})

        def test_wrong_sign(gradcheck):
            W = np.arange(1.0, 7.0).reshape(2, 3)
            gradcheck(cost, {"W1": W}, {"dW1": -2 * W})
        """,
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["Wrong gradient: dW[1]"])


def test_gradcheck_checks_a_models_network(pytester: pytest.Pytester) -> None:
    make(
        pytester,
        CORRECT,
        """
        import numpy as np
        import models

        def test_network(gradcheck):
            rng = np.random.default_rng(0)
            network = models.DeepNetwork([3, 4, 1], hidden="tanh", output="sigmoid", seed=1)
            X = rng.standard_normal((3, 5))
            Y = (rng.random((1, 5)) > 0.5).astype(float)
            assert gradcheck(network, X, Y).passed
        """,
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


def test_gradcheck_with_an_unknown_target_says_what_it_takes(pytester: pytest.Pytester) -> None:
    make(pytester, CORRECT, "def test_it(gradcheck):\n    gradcheck(42)\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*gradcheck(...) takes a models network, a Course-style module*"])


SHAPE_TESTS = """
import numpy as np
import student
from helpers import problem

def test_parameters(shapecheck):
    shapecheck.parameters(student.initialize_parameters_deep([4, 3, 1]), [4, 3, 1])

def test_gradients_and_caches(shapecheck):
    parameters, X, Y = problem()
    AL, caches = student.L_model_forward(X, parameters)
    shapecheck.caches(caches, [4, 3, 1], X.shape[1])
    shapecheck.gradients(student.L_model_backward(AL, Y, caches), parameters)
"""


def test_shapecheck_passes_correct_code(pytester: pytest.Pytester) -> None:
    make(pytester, CORRECT, SHAPE_TESTS)
    pytester.runpytest().assert_outcomes(passed=2)


def test_shapecheck_fails_with_dimchecks_message_in_course_notation(
    pytester: pytest.Pytester,
) -> None:
    rank_one_b = CORRECT.replace("np.zeros((layer_dims[l], 1))", "np.zeros(layer_dims[l])")
    assert rank_one_b != CORRECT
    make(pytester, rank_one_b, SHAPE_TESTS)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["Shape error: b[[]1]*(n[[]1], 1) = (3, 1)*got (3,)*"])
    result.stdout.fnmatch_lines(["*= dimgrad =*", "shape: test_it.py::test_parameters: b[[]1]*"])


def test_shapecheck_catches_a_rank_one_db(pytester: pytest.Pytester) -> None:
    make(pytester, RANK_ONE_DB, SHAPE_TESTS)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["Shape error: db[[]1]*(n[[]1], 1) = (3, 1)*got (3,)*"])


def test_rng_is_seeded_by_the_option_and_the_test_id(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_one(rng):
            print("DRAW", rng.integers(10**9))

        def test_two(rng):
            print("DRAW", rng.integers(10**9))
        """
    )

    def draws(*args: str) -> list[str]:
        result = pytester.runpytest("-s", *args)
        return [line.split("DRAW")[1] for line in result.outlines if "DRAW" in line]

    first = draws()
    assert len(first) == 2
    assert first[0] != first[1]
    assert draws() == first
    assert draws("--dimgrad-seed=1") != first
    # Each test's stream depends on its id, not on which tests ran before it.
    assert draws("-k", "test_two") == first[1:]


INSTRUMENTED = """
import student
from helpers import problem

def test_runs_forward_and_backward():
    parameters, X, Y = problem()
    AL, caches = student.L_model_forward(X, parameters)
    student.L_model_backward(AL, Y, caches)
"""


def test_dimcheck_modules_stops_a_shape_bug_at_the_first_wrong_shape(
    pytester: pytest.Pytester,
) -> None:
    make(pytester, RANK_ONE_DB, INSTRUMENTED)
    result = pytester.runpytest("--dimcheck-modules=student")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*ShapeError: linear_backward: returned db[[]*] must be*"])
    result.stdout.fnmatch_lines(
        ["*= dimgrad =*", "shape: test_it.py::test_runs_forward_and_backward: *db*"]
    )
    # Without the option the same bug passes silently: numpy broadcasts it away.
    pytester.runpytest().assert_outcomes(passed=1)


def test_dimcheck_modules_leaves_correct_code_alone(pytester: pytest.Pytester) -> None:
    make(pytester, CORRECT, INSTRUMENTED)
    pytester.runpytest("--dimcheck-modules=student").assert_outcomes(passed=1)


def test_dimcheck_modules_is_an_error_when_the_module_was_imported_before(
    pytester: pytest.Pytester,
) -> None:
    make(pytester, CORRECT, INSTRUMENTED)
    pytester.syspathinsert()
    importlib.import_module("student")  # pytester restores sys.modules afterwards
    result = pytester.runpytest("--dimcheck-modules=student")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--dimcheck-modules: student was imported before dimgrad could instrument it*"]
    )


def test_dimcheck_modules_instruments_a_module_a_conftest_imports(
    pytester: pytest.Pytester,
) -> None:
    make(pytester, RANK_ONE_DB, INSTRUMENTED)
    pytester.makeconftest("import student\n")
    result = pytester.runpytest("--dimcheck-modules=student")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*ShapeError: linear_backward: returned db[[]*] must be*"])


def test_the_student_fixture_defaults_to_the_one_shape_checked_module(
    pytester: pytest.Pytester,
) -> None:
    make(
        pytester,
        RANK_ONE_DB,
        """
        from helpers import problem

        def test_backward(student):
            parameters, X, Y = problem()
            AL, caches = student.L_model_forward(X, parameters)
            student.L_model_backward(AL, Y, caches)
        """,
    )
    result = pytester.runpytest("--dimcheck-modules=student")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*ShapeError: linear_backward: returned db[[]*] must be*"])


def test_an_instrumented_module_keeps_its_source_and_its_functions_signatures(
    pytester: pytest.Pytester,
) -> None:
    make(
        pytester,
        CORRECT,
        """
        import inspect
        import student

        def test_source_and_signature():
            assert "def linear_backward(dZ, cache):" in inspect.getsource(student)
            assert str(inspect.signature(student.linear_backward)) == "(dZ, cache)"
            assert "def linear_backward" in student.__spec__.loader.get_source("student")
        """,
    )
    pytester.runpytest("--dimcheck-modules=student").assert_outcomes(passed=1)


TWO_LAYER = """
import numpy as np

def forward_propagation(X, parameters):
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = 1 / (1 + np.exp(-Z2))
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}

def compute_cost(A2, Y):
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m)

def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dW2 = dZ2 @ cache["A1"].T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = (parameters["W2"].T @ dZ2) * (1 - np.power(cache["A1"], 2))
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
"""


def test_gradcheck_checks_a_two_layer_course_module(pytester: pytest.Pytester) -> None:
    # The classic slip of the two-layer exercise: tanh'(Z1) written as 1 - A1.
    wrong = TWO_LAYER.replace('(1 - np.power(cache["A1"], 2))', '(1 - cache["A1"])')
    assert wrong != TWO_LAYER
    tests = """
        import student
        from helpers import problem

        def test_two_layer(gradcheck):
            parameters, X, Y = problem((3, 4, 1))
            assert gradcheck(student, parameters, X, Y).passed
        """
    make(pytester, TWO_LAYER, tests)
    pytester.runpytest().assert_outcomes(passed=1)
    make(pytester, wrong, tests)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["Wrong gradient: dW[[]1], db[[]1]"])
