"""The Report: its table, HTML, dict, raising on request, and the public names."""

import json
import re
import subprocess
import sys

import numpy as np
import pytest

import gradcheck
from tests.course import DEEP_BY_HIDDEN, deep_parameters, deep_problem, get


def buggy_report():
    fns = get("c1w4_deep_v3__dW2_doubled").load()
    dims = [5, 4, 3, 1]
    X, Y = deep_problem(dims)
    return gradcheck.check_functions(
        forward=fns.L_model_forward,
        cost=fns.compute_cost,
        backward=fns.L_model_backward,
        parameters=deep_parameters(dims),
        X=X,
        Y=Y,
    )


def test_every_public_name_is_importable():
    expected = {
        "check",
        "check_functions",
        "check_model",
        "Report",
        "ParameterResult",
        "GradientError",
        "CheckInputError",
        "GradientShapeError",
        "PrecisionWarning",
    }
    assert expected <= set(dir(gradcheck))
    assert all(getattr(gradcheck, name) is not None for name in expected)


def test_importing_gradcheck_imports_neither_pytest_nor_matplotlib():
    code = (
        "import sys, gradcheck; "
        "print(','.join(m for m in ('pytest', 'matplotlib') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_the_table_names_each_gradient_its_verdict_and_the_failed_ones_worst_entries():
    report = buggy_report()
    text = str(report)
    assert text.startswith("gradcheck: FAILED, 1 of 6 gradients not ok (mode full, eps 1e-05")
    assert re.search(r"^dW\[2\]\s+\(3, 4\)\s+12/12\s+3\.3e-01\s+\S+\s+WRONG$", text, re.M)
    assert re.search(r"^dW\[1\]\s+\(4, 5\)\s+20/20\s+\S+\s+\S+\s+ok$", text, re.M)
    assert "dW[2] is wrong: dW[2] is 2.00 x the numerical gradient" in text
    worst = report.results["W2"].worst[0]
    assert worst.analytic == pytest.approx(2 * worst.numeric, rel=1e-6)
    assert f"dW[2][{worst.index[0]}, {worst.index[1]}]" in text
    assert "overall difference" in text


def test_a_passing_report_says_so_and_lists_no_diagnosis():
    fns = get(DEEP_BY_HIDDEN["tanh"]).load()
    dims = [4, 3, 1]
    X, Y = deep_problem(dims)
    report = gradcheck.check_functions(
        forward=fns.L_model_forward,
        cost=fns.compute_cost,
        backward=fns.L_model_backward,
        parameters=deep_parameters(dims),
        X=X,
        Y=Y,
    )
    assert str(report).startswith("gradcheck: PASSED, all 4 gradients ok")
    assert " is wrong:" not in str(report)
    assert bool(report) is True
    assert report.raise_for_failure() is report
    assert "passed" in repr(report)


def test_raise_for_failure_raises_gradient_error_with_the_table():
    report = buggy_report()
    with pytest.raises(gradcheck.GradientError, match=r"dW\[2\] is 2\.00 x") as caught:
        report.raise_for_failure()
    assert str(caught.value) == str(report)
    assert isinstance(caught.value, AssertionError)


def test_the_html_is_a_table_with_the_failed_row_marked_and_text_escaped():
    html = buggy_report()._repr_html_()
    assert html.startswith("<div>") and html.endswith("</div>")
    assert "<table>" in html and html.count("<tr") == 7
    assert re.search(r'<tr style="color:#b00020;font-weight:bold"><td>dW\[2\]</td>', html)
    assert "2.00 x the numerical gradient" in html
    assert "<b>dW[2]</b>" in html


def test_to_dict_is_json_and_carries_what_the_table_shows():
    report = buggy_report()
    data = json.loads(json.dumps(report.to_dict()))
    assert data["failed"] == ["W2"] == report.failed
    assert data["difference"] == pytest.approx(report.difference)
    w2 = data["parameters"]["W2"]
    assert w2["name"] == "W[2]" and w2["shape"] == [3, 4] and w2["checked"] == 12
    assert w2["diagnosis"] == report.results["W2"].diagnosis
    assert len(w2["worst"]) == 3
    assert set(data) >= {"passed", "eps", "mode", "seed", "pass_line", "fail_line", "kinks"}


def test_errors_are_per_parameter_and_failed_lists_names():
    report = buggy_report()
    assert set(report.errors) == {"W1", "b1", "W2", "b2", "W3", "b3"}
    assert report.errors["W2"] == pytest.approx(1 / 3, rel=1e-6)
    assert report.failed == ["W2"]
    assert report.results["W2"].name == "W[2]"
    assert np.all(np.isfinite(report.results["W2"].numeric))


def test_to_dict_is_strict_json_even_when_a_floor_is_unbounded():
    report = gradcheck.check(
        lambda p: 1.0, {"W1": np.ones((2, 2))}, {"dW1": np.zeros((2, 2))}, unused=["W1"]
    )
    assert report.passed
    text = json.dumps(report.to_dict(), allow_nan=False)
    assert json.loads(text)["parameters"]["W1"]["floor"] is None
