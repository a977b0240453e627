"""The `gradcheck` command: student files, --model, exit codes 0/1/2 and --json."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gradcheck._cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

TWO_LAYER = """
import numpy as np

def initialize_parameters(n_x, n_h, n_y):
    return {"W1": np.random.randn(n_h, n_x) * 0.01, "b1": np.zeros((n_h, 1)),
            "W2": np.random.randn(n_y, n_h) * 0.01, "b2": np.zeros((n_y, 1))}

def forward_propagation(X, parameters):
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = 1 / (1 + np.exp(-Z2))
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}

def compute_cost(A2, Y, parameters):
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


def test_the_buggy_example_fails_with_exit_1_naming_the_bug(capsys):
    assert main([str(EXAMPLES / "buggy_student.py"), "--no-progress"]) == 1
    out = capsys.readouterr().out
    assert "gradcheck: FAILED, 3 of 6 gradients not ok" in out
    assert "db[1] is m = 7 x the numerical gradient: the 1/m is missing" in out
    assert "layer_dims [5, 4, 3, 1], m = 7, seed 0" in out


def test_the_fixed_example_passes_with_exit_0(capsys):
    assert main([str(EXAMPLES / "fixed_student.py")]) == 0
    assert "gradcheck: PASSED, all 6 gradients ok" in capsys.readouterr().out


def test_json_prints_the_report_as_json(capsys):
    assert main([str(EXAMPLES / "buggy_student.py"), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["passed"] is False
    assert data["failed"] == ["b1", "b2", "b3"]
    assert "buggy_student.py" in data["checked"]


def test_layers_examples_and_seed_build_the_problem(capsys):
    args = [str(EXAMPLES / "fixed_student.py"), "--layers", "3,6,2,1", "-m", "4", "--seed", "9"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "layer_dims [3, 6, 2, 1], m = 4, seed 9" in out
    assert "dW[2]     (2, 6)" in out


def test_the_two_layer_course_functions_are_found_and_checked(tmp_path, capsys):
    student = tmp_path / "planar.py"
    student.write_text(TWO_LAYER)
    assert main([str(student)]) == 0
    out = capsys.readouterr().out
    assert "forward_propagation / backward_propagation, layer_dims [5, 4, 1]" in out
    buggy = tmp_path / "planar_buggy.py"
    buggy.write_text(TWO_LAYER.replace("dW1 = dZ1 @ X.T / m", "dW1 = 2 * dZ1 @ X.T / m"))
    assert main([str(buggy)]) == 1
    assert "dW[1] is 2.00 x the numerical gradient" in capsys.readouterr().out


def test_a_shape_error_in_the_student_file_exits_2_with_the_message(tmp_path, capsys):
    student = tmp_path / "student.py"
    source = (EXAMPLES / "fixed_student.py").read_text()
    student.write_text(source.replace("np.sum(dZ, axis=1, keepdims=True)", "np.sum(dZ)"))
    assert main([str(student)]) == 2
    err = capsys.readouterr().err
    assert "gradcheck: error: db[1] must have the shape of b[1], (n[1], 1) = (4, 1): got ()" in err


@pytest.mark.parametrize(
    ("bug", "function", "line"),
    [
        ("dA_prev = W.T @ dZ", "linear_backward", "dA_prev = W @ dZ"),
        ("Z = W @ A + b", "linear_forward", "Z = W @ A.T + b"),
    ],
)
def test_an_error_raised_in_the_student_file_names_its_line(tmp_path, capsys, bug, function, line):
    # A numpy error alone does not say which of the student's lines failed.
    student = tmp_path / "student.py"
    source = (EXAMPLES / "fixed_student.py").read_text()
    assert bug in source
    student.write_text(source.replace(bug, line))
    number = student.read_text().splitlines().index("    " + line) + 1
    assert main([str(student)]) == 2
    err = capsys.readouterr().err
    assert re.search(r"gradcheck: error: (backward|forward) raised ValueError", err), err
    assert f"raised at student.py line {number}, in {function}: {line}" in err


@pytest.mark.parametrize(
    ("source", "wording"),
    [
        ("import numpy as np\n", "has neither the deep Course functions"),
        ("raise ImportError('no module named helpers')\n", "importing .* raised ImportError"),
    ],
)
def test_a_file_without_the_functions_or_that_fails_to_import_exits_2(
    tmp_path, capsys, source, wording
):
    student = tmp_path / "student.py"
    student.write_text(source)
    assert main([str(student)]) == 2
    assert re.search(wording, capsys.readouterr().err)


def test_usage_errors_exit_2(capsys, tmp_path):
    assert main([]) == 2
    assert "give either a student file or --model" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.py")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["--model", "5"]) == 2
    assert main(["--model", "5-4-1", "--mode", "fast"]) == 2
    assert main(["--model", "5-4-1", "--hidden", "nope"]) == 2
    assert "unknown activation 'nope'" in capsys.readouterr().err


def test_model_checks_a_network_of_blocks(capsys):
    assert main(["--model", "5-4-3-1", "--hidden", "tanh"]) == 0
    out = capsys.readouterr().out
    assert "DeepNetwork([5, 4, 3, 1], hidden='tanh'" in out
    assert "gradcheck: PASSED, all 6 gradients ok" in out


def test_model_with_softmax_l2_and_dropout(capsys):
    args = ["--model", "6-5-3", "--output", "softmax", "--lambd", "0.2", "--keep-prob", "0.8"]
    assert main([*args, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["passed"] is True


@pytest.mark.skipif(shutil.which("gradcheck") is None, reason="the console script is installed")
def test_the_installed_command_runs_the_example_and_prints_no_progress_bar_when_piped():
    result = subprocess.run(
        ["gradcheck", str(EXAMPLES / "buggy_student.py")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert "the 1/m is missing" in result.stdout
    assert result.stderr == ""


def test_python_dash_m_style_invocation_matches_main():
    result = subprocess.run(
        [sys.executable, "-m", "gradcheck._cli", str(EXAMPLES / "fixed_student.py"), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0
    assert json.loads(result.stdout)["passed"] is True


def test_plot_saves_the_chart_next_to_the_printed_report(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    chart = tmp_path / "chart.png"
    assert main([str(EXAMPLES / "buggy_student.py"), "--plot", str(chart)]) == 1
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert "the 1/m is missing" in capsys.readouterr().out


def test_a_student_file_can_import_helpers_from_its_own_folder(tmp_path, capsys):
    (tmp_path / "dnn_helpers_for_test.py").write_text(
        "import numpy as np\n\ndef sigmoid(Z):\n    return 1 / (1 + np.exp(-Z)), Z\n"
    )
    source = (EXAMPLES / "fixed_student.py").read_text()
    source = source.replace(
        "def sigmoid(Z):\n    return 1 / (1 + np.exp(-Z)), Z\n",
        "from dnn_helpers_for_test import sigmoid\n",
    )
    assert "from dnn_helpers_for_test import sigmoid" in source
    (tmp_path / "student.py").write_text(source)
    assert main([str(tmp_path / "student.py")]) == 0
    assert str(tmp_path) not in sys.path
