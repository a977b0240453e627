"""`%load_ext dimcheck` in a real IPython shell: later cells' Course functions are checked."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

pytest.importorskip("IPython")

import dimcheck
from dimcheck import _ipython
from tests.docs._shell import ipython_shell

FORWARD = """
import numpy as np

def linear_forward(A, W, b):
    Z = W @ A + b
    return Z, (A, W, b)
"""

# The classic: b initialised as a rank-1 (n[1],) array instead of the column (n[1], 1).
BUGGY_INIT = """
def initialize_parameters_deep(layer_dims):
    rng = np.random.default_rng(1)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = rng.standard_normal((layer_dims[l], layer_dims[l - 1]))
        parameters["b" + str(l)] = np.zeros(layer_dims[l])
    return parameters
"""


@pytest.fixture
def shell() -> Iterator[Any]:
    with ipython_shell() as ip:
        yield ip


def run(ip: Any, code: str) -> Any:
    result = ip.run_cell(code, store_history=False)
    return result


def load(ip: Any) -> None:
    result = run(ip, "%load_ext dimcheck._ipython")
    assert result.success, result.error_in_exec


def test_a_function_defined_after_loading_is_checked(shell: Any) -> None:
    load(shell)
    assert run(shell, FORWARD).success
    result = run(shell, "linear_forward(np.ones((3, 5)), np.ones((3, 4)), np.ones((4, 1)))")
    assert isinstance(result.error_in_exec, dimcheck.ShapeError)
    assert re.search(
        r"linear_forward: W\[l\] must be \(n\[l\], n\[l-1\]\).*got \(3, 4\)",
        str(result.error_in_exec),
    )


def test_correct_calls_pass_and_return_the_same_values(shell: Any) -> None:
    load(shell)
    run(shell, FORWARD)
    result = run(shell, "linear_forward(np.ones((3, 5)), np.ones((4, 3)), np.ones((4, 1)))[0]")
    assert result.success, result.error_in_exec
    assert np.array_equal(result.result, np.full((4, 5), 4.0))


def test_the_checked_function_keeps_its_name_signature_and_docstring(shell: Any) -> None:
    load(shell)
    run(shell, FORWARD.replace("    Z = W @ A + b", '    """Z = W A + b."""\n    Z = W @ A + b'))
    checked = shell.user_ns["linear_forward"]
    assert checked.__name__ == "linear_forward"
    assert checked.__doc__ == "Z = W A + b."
    assert list(inspect.signature(checked).parameters) == ["A", "W", "b"]
    assert checked is not _ipython._STATE[id(shell)].wrapped["linear_forward"][0]


def test_the_rank_1_bias_of_an_initialisation_cell_is_named(shell: Any) -> None:
    load(shell)
    run(shell, "import numpy as np")
    run(shell, BUGGY_INIT)
    result = run(shell, "initialize_parameters_deep([2, 3, 1])")
    assert isinstance(result.error_in_exec, dimcheck.ShapeError)
    assert re.search(
        r"b\[1\] must be \(n\[1\], 1\) = \(3, 1\): got \(3,\)", str(result.error_in_exec)
    )


def test_functions_defined_before_loading_are_left_alone_until_dimcheck_on(shell: Any) -> None:
    run(shell, FORWARD)
    before = shell.user_ns["linear_forward"]
    load(shell)
    run(shell, "x = 1")
    assert shell.user_ns["linear_forward"] is before
    assert run(shell, "%dimcheck on").success
    assert shell.user_ns["linear_forward"] is not before
    result = run(shell, "linear_forward(np.ones((3, 5)), np.ones((3, 4)), np.ones((4, 1)))")
    assert isinstance(result.error_in_exec, dimcheck.ShapeError)


def test_a_redefinition_in_a_later_cell_is_checked_in_its_new_form(shell: Any) -> None:
    load(shell)
    run(shell, FORWARD)
    first = shell.user_ns["linear_forward"]
    run(shell, FORWARD.replace("W @ A + b", "b + W @ A"))
    second = shell.user_ns["linear_forward"]
    assert second is not first
    original = _ipython._STATE[id(shell)].wrapped["linear_forward"][0]
    assert "b + W @ A" in inspect.getsource(original)
    result = run(shell, "linear_forward(np.ones((3, 5)), np.ones((3, 4)), np.ones((4, 1)))")
    assert isinstance(result.error_in_exec, dimcheck.ShapeError)


def test_dimcheck_off_restores_the_very_function_and_stops_checking(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    load(shell)
    run(shell, FORWARD)
    original = _ipython._STATE[id(shell)].wrapped["linear_forward"][0]
    assert run(shell, "%dimcheck off").success
    assert shell.user_ns["linear_forward"] is original
    run(shell, FORWARD.replace("W @ A + b", "b + W @ A"))
    result = run(shell, "linear_forward(np.ones((3, 5)), np.ones((4, 3)), np.ones((4, 1)))")
    assert result.success
    assert "dimcheck: off" in capsys.readouterr().out


def test_unloading_the_extension_restores_the_functions(shell: Any) -> None:
    load(shell)
    run(shell, FORWARD)
    original = _ipython._STATE[id(shell)].wrapped["linear_forward"][0]
    assert run(shell, "%unload_ext dimcheck._ipython").success
    assert shell.user_ns["linear_forward"] is original
    run(shell, FORWARD)
    assert "dimcheck" not in shell.magics_manager.magics["line"]
    assert id(shell) not in _ipython._STATE


def test_the_status_magic_names_the_checked_functions_and_options(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    load(shell)
    run(shell, FORWARD)
    capsys.readouterr()
    run(shell, "%dimcheck")
    assert capsys.readouterr().out.strip() == (
        "dimcheck: on (standard weights); checking linear_forward"
    )
    run(shell, "%dimcheck on transposed 2,3,1")
    assert capsys.readouterr().out.strip() == (
        "dimcheck: on (transposed weights, layer_dims [2, 3, 1]); checking linear_forward"
    )


def test_a_bad_magic_option_is_explained(shell: Any) -> None:
    load(shell)
    result = run(shell, "%dimcheck on 2,x")
    assert isinstance(result.error_in_exec, ValueError)
    assert "expected layer_dims such as 2,3,4,1" in str(result.error_in_exec)
    result = run(shell, "%dimcheck of")
    assert "unknown command; use %dimcheck on, %dimcheck off" in str(result.error_in_exec)


def test_load_ext_dimcheck_by_the_package_name(shell: Any) -> None:
    assert run(shell, "%load_ext dimcheck").success
    run(shell, FORWARD)
    result = run(shell, "linear_forward(np.ones((3, 5)), np.ones((3, 4)), np.ones((4, 1)))")
    assert isinstance(result.error_in_exec, dimcheck.ShapeError)
    assert run(shell, "%unload_ext dimcheck").success


def test_a_gradient_check_report_renders_as_an_html_table(shell: Any) -> None:
    import gradcheck

    W1 = np.array([[1.0, 2.0]])
    report = gradcheck.check(lambda p: float(np.sum(p["W1"] ** 2)), {"W1": W1}, {"dW1": W1})
    formats, _ = shell.display_formatter.format(report)
    assert "<table>" in formats["text/html"]
    assert "dW[1]" in formats["text/html"]


def test_lint_results_render_as_html_in_a_notebook(shell: Any) -> None:
    finding = dimcheck.lint_source("import numpy as np\nb1 = np.zeros(4)\n")[0]
    formats, _ = shell.display_formatter.format(finding)
    assert "DC101" in formats["text/html"]


def test_the_test_shell_leaves_no_trace_in_the_interpreter() -> None:
    import builtins
    import sys

    main = sys.modules["__main__"]
    with ipython_shell() as ip:
        run(ip, "%load_ext dimcheck._ipython")
        assert hasattr(builtins, "__IPYTHON__")
    assert sys.modules["__main__"] is main
    assert not hasattr(builtins, "__IPYTHON__")
    assert id(ip) not in _ipython._STATE


def test_functions_of_different_cells_are_linked_as_one_network(shell: Any) -> None:
    load(shell)
    run(shell, FORWARD)
    run(
        shell,
        "def L_model_forward(X, parameters):\n"
        "    Z1, c1 = linear_forward(X, parameters['W1'], parameters['b1'])\n"
        "    A1 = np.tanh(Z1)\n"
        "    Z2, c2 = linear_forward(A1.T, parameters['W2'], parameters['b2'])\n"
        "    return 1 / (1 + np.exp(-Z2)), [(c1, Z1), (c2, Z2)]\n",
    )
    result = run(
        shell,
        "rng = np.random.default_rng(0)\n"
        "parameters = {'W1': rng.standard_normal((3, 2)), 'b1': np.zeros((3, 1)),\n"
        "              'W2': rng.standard_normal((1, 3)), 'b2': np.zeros((1, 1))}\n"
        "L_model_forward(rng.standard_normal((2, 5)), parameters)\n",
    )
    assert isinstance(result.error_in_exec, dimcheck.ShapeError)
    # The layer number comes from L_model_forward's parameters, defined in another cell.
    assert re.search(
        r"A\[1\] must be \(n\[1\], m\) = \(3, m\): got \(5, 3\)", str(result.error_in_exec)
    )
