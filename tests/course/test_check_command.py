"""`dimcheck check FILE`: the Course functions run with every shape checked, exit 0/1/2."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dimcheck._cli import main
from tests.course import get

ROOT = Path(__file__).resolve().parents[2]


def test_correct_code_prints_that_all_shapes_are_right(tmp_path: Path, capsys) -> None:
    path = get("c1w4_deep_v2").write_py(tmp_path)
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "recognised c1w4_deep" in out
    assert re.search(r"all shapes are right: ran initialize_parameters.*L_model_backward", out)


@pytest.mark.parametrize("kind", ["py", "ipynb"])
def test_a_wrong_shape_exits_1_in_course_notation_with_the_place(
    tmp_path: Path, capsys, kind: str
) -> None:
    bug = get("c1w4_deep_v3__db_no_keepdims")
    path = bug.write_py(tmp_path) if kind == "py" else bug.write_ipynb(tmp_path)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert re.search(r"wrong shape: linear_backward: returned db\[3\] must be \(n\[3\], 1\)", out)
    assert "keepdims=True" in out
    if kind == "py":
        line = bug.source().splitlines().index("def linear_backward(dZ, cache):") + 1
        assert f"(linear_backward is defined at {path.name}, line {line})" in out
    else:
        cells = json.loads(path.read_text())["cells"]
        number = next(
            n
            for n, cell in enumerate(cells, start=1)
            if "def linear_backward(" in "".join(cell["source"])
        )
        lines = "".join(cells[number - 1]["source"]).splitlines()
        line = lines.index("def linear_backward(dZ, cache):") + 1
        assert f"(linear_backward is defined at {path.name}, cell {number}, line {line})" in out


def test_an_exception_on_right_shapes_exits_1_with_its_line(tmp_path: Path, capsys) -> None:
    path = get("c1w4_deep_v3__dA_prev_W_not_transposed").write_ipynb(tmp_path)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "error on a problem whose shapes are right: L_model_backward raised ValueError" in out
    assert re.search(r"raised at .*\.ipynb, cell \d+, line \d+, in linear_backward", out)
    assert "numpy refused the shapes" in out


def test_a_notebook_data_cell_is_not_run(tmp_path: Path, capsys) -> None:
    # The notebook form loads datasets/train_catvnoncat.npz, which does not exist.
    path = get("c1w4_deep_v3").write_ipynb(tmp_path)
    assert main(["check", str(path)]) == 0
    assert "all shapes are right" in capsys.readouterr().out


def test_nothing_recognised_exits_2_and_lists_the_names_looked_for(tmp_path: Path, capsys) -> None:
    path = tmp_path / "other.py"
    path.write_text("def forward(X, params):\n    return X\n")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "no Course function recognised" in err
    assert "L_model_forward, compute_cost" in err
    assert "--forward NAME --backward NAME --cost NAME" in err


def test_renamed_functions_are_checked_when_named(tmp_path: Path, capsys) -> None:
    source = get("c1w4_deep_v3__db_no_keepdims").source()
    source = source.replace("L_model_backward", "backprop").replace(
        "L_model_forward", "forwardprop"
    )
    path = tmp_path / "renamed.py"
    path.write_text(source)
    assert main(["check", str(path), "--forward", "forwardprop", "--backward", "backprop"]) == 1
    assert re.search(r"returned db\[\d\] must be \(n\[\d\], 1\)", capsys.readouterr().out)
    assert main(["check", str(path), "--backward", "nope"]) == 2
    assert "--backward nope: the file defines no function 'nope'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        ("import sys\nsys.exit()\n", r"calls sys\.exit\(\) when it is imported"),
        ("import os\nos._exit(1)\n", r"calls os\._exit\(1\) when it is imported"),
        ("while True:\n    pass\n", r"still running after 0\.5 s"),
    ],
)
def test_a_file_that_exits_or_hangs_on_import_exits_2(
    tmp_path: Path, capsys, script: str, reason: str
) -> None:
    path = tmp_path / "student.py"
    path.write_text(get("c1w3_planar").source() + "\n" + script)
    assert main(["check", str(path), "--timeout", "0.5"]) == 2
    assert re.search(reason, capsys.readouterr().err)


def test_usage_errors_exit_2(tmp_path: Path, capsys) -> None:
    assert main(["check", str(tmp_path / "missing.py")]) == 2
    assert "no such file" in capsys.readouterr().err
    path = get("c1w4_deep_v3").write_py(tmp_path)
    assert main(["check", str(path), "--layers", "5,-3,1"]) == 2
    assert main(["check", str(path), "-m", "0"]) == 2


def test_layers_and_examples_set_the_problem(tmp_path: Path, capsys) -> None:
    path = get("c1w4_deep_v3").write_py(tmp_path)
    assert main(["check", str(path), "--layers", "3,6,2,1", "-m", "1"]) == 0
    assert "on layer_dims [3, 6, 2, 1], m = 1, seed 0" in capsys.readouterr().out


def test_version_prints_the_distribution_version(capsys) -> None:
    from importlib.metadata import version

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"dimcheck (dimgrad {version('dimgrad')})"


def test_the_command_module_does_not_load_what_check_needs() -> None:
    # `dimcheck lint` must stay light: the check machinery is imported by `check` alone.
    code = (
        "import sys, dimcheck._cli\n"
        "heavy = [m for m in ('dimcheck._check_command', 'dimcheck._exercise',"
        " 'dimcheck._student_file', 'dimcheck._recognise') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_notebook_import_that_fails_is_skipped_and_said(tmp_path: Path, capsys) -> None:
    path = get("c1w4_deep_v3").write_ipynb(tmp_path)
    assert main(["check", str(path)]) == 0
    assert re.search(
        r"skipped cell \d+: from public_tests import .* \(ModuleNotFoundError",
        capsys.readouterr().out,
    )


@pytest.mark.parametrize(
    ("cell", "kept"),
    [
        ("import numpy as np\nfrom math import sqrt\n", 2),
        ("layers_dims = [12288, 20, 7, 5, 1]\nlearning_rate: float = 0.0075\n", 2),
        ("def f(x):\n    return x\n\nclass Net:\n    pass\n", 2),
        ("train_x = load()\nnp.random.seed(1)\nprint(f(2))\nparameters = f(layers_dims)\n", 0),
        ("for i in range(3000):\n    train()\nif True:\n    x = 1\n", 0),
        ("def broken(:\n", 0),
    ],
)
def test_only_definitions_of_a_notebook_cell_are_run(cell: str, kept: int) -> None:
    from dimcheck._student_file import definitions

    assert len(definitions(cell)) == kept


def test_transposed_weights_are_checked_in_their_convention(capsys, tmp_path) -> None:
    # W[l] stored (n[l-1], n[l]) and used as W.T @ A: right with --transposed.
    student = get("c1w4_deep_v3_transposed").write_py(tmp_path)
    assert main(["check", str(student), "--transposed"]) == 0
    assert "all shapes are right" in capsys.readouterr().out
    assert main(["check", str(student)]) == 1
    assert 'pass convention="transposed"' in capsys.readouterr().out
