"""The `gradcheck` command: student files, --model, exit codes 0/1/2 and --json."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
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
        ("import numpy as np\n", "no Course function recognised .* Looked for functions named"),
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


# ------------------------------------------- issue 10: the CLI on every output; issue 13


def test_version_prints_the_distribution_version(capsys):
    from importlib.metadata import version

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"gradcheck (dimgrad {version('dimgrad')})"


@pytest.mark.parametrize(
    "args",
    [
        ["--layers", "5,-3,1"],
        ["--layers", "5,0,1"],
        ["--layers", "5"],
        ["--model", "5-x-1"],
        ["--model", "5--3-1"],
    ],
)
def test_malformed_layer_sizes_are_usage_errors(args, capsys):
    path = [] if args[0] == "--model" else [str(EXAMPLES / "fixed_student.py")]
    assert main([*path, *args]) == 2
    assert re.search(
        r"expected layer sizes n\[0\], n\[1\], \.\.\., n\[L\]", capsys.readouterr().err
    )


def test_softmax_with_one_output_unit_is_refused_with_a_hint(capsys):
    assert main(["--model", "5-4-1", "--output", "softmax"]) == 2
    err = capsys.readouterr().err
    assert "--output softmax needs n[L] >= 2 classes" in err
    assert "--model 5-4-3 --output softmax" in err


SOFTMAX = (EXAMPLES / "fixed_student.py").read_text()


def _softmax_student(tmp_path: Path) -> Path:
    """The fixed example with a softmax output and categorical cross-entropy."""
    source = SOFTMAX
    assert "def compute_cost(AL, Y):" in source
    student = tmp_path / "softmax_student.py"
    student.write_text(
        source
        + """

def _softmax(Z):
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def L_model_forward(X, parameters):
    caches, A, L = [], X, len(parameters) // 2
    for l in range(1, L + 1):
        Z = parameters["W" + str(l)] @ A + parameters["b" + str(l)]
        caches.append((A, parameters["W" + str(l)], Z))
        A = np.maximum(Z, 0) if l < L else _softmax(Z)
    return A, caches


def compute_cost(AL, Y):
    return float(-np.sum(Y * np.log(AL)) / Y.shape[1])


def L_model_backward(AL, Y, caches):
    grads, m, L = {}, Y.shape[1], len(caches)
    dZ = AL - Y
    for l in range(L, 0, -1):
        A_prev, W, Z = caches[l - 1]
        if l < L:
            dZ = dZ * (Z > 0)
        grads["dW" + str(l)] = dZ @ A_prev.T / m
        grads["db" + str(l)] = np.sum(dZ, axis=1, keepdims=True) / m
        dZ = W.T @ dZ
    return grads
"""
    )
    return student


def test_a_softmax_student_file_gets_one_hot_labels_and_passes(tmp_path, capsys):
    student = _softmax_student(tmp_path)
    assert main([str(student), "--layers", "5,4,3,3", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "gradcheck: PASSED, all 6 gradients ok" in out
    assert "softmax output recognised (each column of A[L] sums to 1): Y is one-hot" in out


def test_a_softmax_over_one_unit_in_a_student_file_is_refused(tmp_path, capsys):
    student = _softmax_student(tmp_path)
    assert main([str(student), "--layers", "5,4,1", "--no-progress"]) == 2
    assert "a softmax over n[L] = 1 unit" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        ("import sys\nsys.exit(3)\n", r"calls sys\.exit\(3\) when it is imported"),
        ("import os\nos._exit(0)\n", r"it calls os\._exit\(0\) when it is imported"),
        ("while True:\n    pass\n", r"still running after 1 s \(an endless loop, or training\?\)"),
    ],
)
def test_a_file_that_exits_or_hangs_on_import_exits_2_with_the_reason(
    tmp_path, capsys, script, reason
):
    student = tmp_path / "student.py"
    student.write_text((EXAMPLES / "fixed_student.py").read_text() + "\n" + script)
    assert main([str(student), "--timeout", "1"]) == 2
    err = capsys.readouterr().err
    assert re.search(reason, err), err
    assert 'if __name__ == "__main__":' in err


def _notebook(tmp_path: Path, source: str, name: str = "hw.ipynb") -> Path:
    """A notebook of one cell per function of `source`, after a data-loading cell."""
    cells = ["import numpy as np\ndata = np.load('train_catvnoncat.npz')\n"]
    cells += ["def " + chunk for chunk in source.split("\ndef ")[1:]]
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "source": cell,
                "outputs": [],
                "execution_count": None,
            }
            for cell in cells
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / name
    path.write_text(json.dumps(notebook))
    return path


def test_a_notebook_is_checked_without_running_its_data_cells(tmp_path, capsys):
    notebook = _notebook(tmp_path, (EXAMPLES / "fixed_student.py").read_text())
    assert main([str(notebook), "--no-progress"]) == 0
    assert "gradcheck: PASSED, all 6 gradients ok" in capsys.readouterr().out


def test_an_error_in_a_notebook_is_placed_by_cell_and_line(tmp_path, capsys):
    source = (
        (EXAMPLES / "fixed_student.py")
        .read_text()
        .replace("dA_prev = W.T @ dZ", "dA_prev = W @ dZ")
    )
    notebook = _notebook(tmp_path, source)
    cell = next(
        number
        for number, cell in enumerate(json.loads(notebook.read_text())["cells"], start=1)
        if "dA_prev = W @ dZ" in cell["source"]
    )
    line = (
        json.loads(notebook.read_text())["cells"][cell - 1]["source"]
        .splitlines()
        .index("    dA_prev = W @ dZ")
        + 1
    )
    assert main([str(notebook)]) == 2
    assert (
        f"raised at hw.ipynb, cell {cell}, line {line}, in linear_backward"
        in capsys.readouterr().err
    )


def test_renamed_functions_are_checked_when_named_on_the_command_line(tmp_path, capsys):
    source = (EXAMPLES / "buggy_student.py").read_text()
    for name in ("L_model_forward", "L_model_backward", "compute_cost"):
        source = source.replace(name, "my_" + name)
    student = tmp_path / "renamed.py"
    student.write_text(source)
    assert main([str(student)]) == 2
    assert "--forward NAME --backward NAME --cost NAME" in capsys.readouterr().err
    args = ["--forward", "my_L_model_forward", "--backward", "my_L_model_backward"]
    assert main([str(student), *args, "--cost", "my_compute_cost", "--no-progress"]) == 1
    assert "the 1/m is missing" in capsys.readouterr().out
    assert main([str(student), "--forward", "nope"]) == 2
    assert "--forward nope: the file defines no function 'nope'" in capsys.readouterr().err


DROPOUT = """
import numpy as np

def forward_propagation_with_dropout(X, parameters, keep_prob=0.5):
    rng = np.random.default_rng()  # a fresh, unseeded generator on every call
    W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    Z1 = W1 @ X + b1
    D1 = rng.random(Z1.shape) < keep_prob
    A1 = np.maximum(Z1, 0) * D1 / keep_prob
    Z2 = W2 @ A1 + b2
    D2 = rng.random(Z2.shape) < keep_prob
    A2 = np.maximum(Z2, 0) * D2 / keep_prob
    Z3 = W3 @ A2 + b3
    A3 = 1 / (1 + np.exp(-Z3))
    return A3, (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)

def compute_cost(a3, Y):
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(a3) + (1 - Y) * np.log(1 - a3)) / m)

def backward_propagation_with_dropout(X, Y, cache, keep_prob):
    m = X.shape[1]
    (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dA2 = W3.T @ dZ3 * D2 / keep_prob
    dZ2 = dA2 * (A2 > 0)
    dA1 = W2.T @ dZ2 * D1 / keep_prob
    dZ1 = dA1 * (A1 > 0)
    return {"dW3": dZ3 @ A2.T / m, "db3": dZ3.sum(axis=1, keepdims=True) / m,
            "dW2": dZ2 @ A1.T / m, "db2": dZ2.sum(axis=1, keepdims=True) / m,
            "dW1": dZ1 @ X.T / m, "db1": dZ1.sum(axis=1, keepdims=True) / m}
"""


def test_a_dropout_that_cannot_be_made_deterministic_is_refused_never_passed(tmp_path, capsys):
    student = tmp_path / "dropout.py"
    student.write_text(DROPOUT)
    assert main([str(student), "--no-progress"]) == 2
    captured = capsys.readouterr()
    assert "PASSED" not in captured.out
    assert "gives another output on each call at the same parameters" in captured.err
    assert "Draw the masks with np.random.rand" in captured.err
    seeded = tmp_path / "dropout_seeded.py"
    seeded.write_text(DROPOUT.replace("np.random.default_rng()", "np.random.default_rng(1)"))
    assert main([str(seeded), "--no-progress"]) == 0
    assert "dropout, keep_prob = 0.5" in capsys.readouterr().out


def test_check_file_runs_every_check_of_a_course2_file_from_python(tmp_path):
    from gradcheck._file_check import check_file
    from tests.course import get

    path = get("c2w1_reg").write_ipynb(tmp_path)
    report = check_file(str(path), lambd=0.3)
    assert report.passed, str(report)
    assert report.assignments == ["c2w1_reg"]
    titles = [title for title, _ in report.sections]
    assert "L2 regularisation, lambd = 0.3 (against the regularised cost)" in titles
    assert any(title.startswith("dropout, keep_prob = 0.5") for title in titles)
    buggy = get("c2w1_reg__l2_over_2m_in_dW").write_py(tmp_path)
    report = check_file(str(buggy))
    assert not report.passed
    assert re.search(
        r"the L2 term of dW\[\d\] in backward_propagation_with_regularization is lambd / \(2 m\)",
        str(report),
    ), str(report)


def test_lambd_and_keep_prob_reach_a_files_l2_and_dropout_functions(tmp_path, capsys):
    from tests.course import get

    path = get("c2w1_reg").write_py(tmp_path)
    assert main([str(path), "--lambd", "0.2", "--keep-prob", "0.7", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "-- L2 regularisation, lambd = 0.2" in out
    assert "-- dropout, keep_prob = 0.7 " in out


def test_a_transposed_initialiser_is_a_convention_not_a_mistake(capsys, tmp_path):
    from tests.course import get

    student = get("c1w4_deep_v3_transposed").write_py(tmp_path)
    assert main([str(student), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "ok     initialize_parameters_deep (weights stored (n[l-1], n[l])" in out


def _report(*verdicts: str) -> Any:
    from gradcheck._report import ParameterResult, Report

    results = [
        ParameterResult(f"W{i}", (1, 1), v, 0.0, 0.0, 1, "full", np.zeros(1), np.zeros(1))
        for i, v in enumerate(verdicts, start=1)
    ]
    return Report(results, eps=1e-5, mode="full", seed=0, pass_line=1e-6, fail_line=1e-3)


@pytest.mark.parametrize(
    ("verdicts", "only_inconclusive"),
    [
        (("ok", "inconclusive"), True),
        (("inconclusive",), True),
        (("wrong", "inconclusive"), False),
        (("doubtful", "inconclusive"), False),
        (("ok", "ok"), False),
    ],
)
def test_an_inconclusive_gradient_is_not_reported_as_a_bug(verdicts, only_inconclusive):
    # Exit 2 (could not check), not 1 (wrong), when nothing was found wrong.
    from gradcheck._cli import _only_inconclusive

    assert _only_inconclusive([_report(*verdicts)]) is only_inconclusive
