"""The plots render headlessly and show what they claim: bars, bands, labels, points."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

import gradcheck  # noqa: E402
from gradcheck._plot import plot_report, save_report_plot  # noqa: E402
from models import ModelInputError  # noqa: E402
from models._plot import plot_cost_history, plot_decision_boundary  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def close_figures() -> object:
    yield
    plt.close("all")


def saved_png(fig: object, path: Path) -> bytes:
    fig.savefig(path)  # type: ignore[attr-defined]
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    return data


def quadratic_check(bug: float) -> gradcheck.Report:
    """A check of J = sum(W1**2)/2 + sum(sin(b1)) whose db1 is `bug` times the right one."""
    rng = np.random.default_rng(0)
    parameters = {"W1": rng.standard_normal((3, 2)), "b1": rng.standard_normal((3, 1))}

    def cost(p: dict[str, np.ndarray]) -> float:
        return float(np.sum(p["W1"] ** 2) / 2 + np.sum(np.sin(p["b1"])))

    gradients = {"dW1": parameters["W1"].copy(), "db1": bug * np.cos(parameters["b1"])}
    return gradcheck.check(cost, parameters, gradients, mode="full")


# -- the gradient-check chart ---------------------------------------------------------


def test_gradient_chart_has_one_bar_per_parameter_on_a_log_scale(tmp_path: Path) -> None:
    report = quadratic_check(bug=1.0)
    fig = plot_report(report)
    ax = fig.axes[0]
    bars = ax.containers[0]
    assert len(bars) == len(report.results) == 2
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["W[1]", "b[1]"]
    tops = [bar.get_y() + bar.get_height() for bar in bars]
    # The bar reaches the parameter's difference, or the axis floor for an exact 0.
    for top, key in zip(tops, ("W1", "b1"), strict=True):
        assert top == pytest.approx(max(report.errors[key], 1e-18), rel=1e-9)
    assert "passed" in ax.get_title()
    assert not any(bar.get_hatch() for bar in bars)
    saved_png(fig, tmp_path / "ok.png")


def test_gradient_chart_shades_the_three_verdict_bands_at_the_report_lines() -> None:
    report = quadratic_check(bug=1.0)
    ax = plot_report(report).axes[0]
    bands = {p.get_label(): p for p in ax.patches if p.get_label() in ("ok", "doubtful", "wrong")}
    assert set(bands) == {"ok", "doubtful", "wrong"}

    def span(name: str) -> tuple[float, float]:
        extents = bands[name].get_bbox()
        return extents.y0, extents.y1

    assert span("ok")[1] == pytest.approx(report.pass_line)
    assert span("doubtful") == pytest.approx((report.pass_line, report.fail_line))
    assert span("wrong")[0] == pytest.approx(report.fail_line)


def test_gradient_chart_marks_the_failed_parameter(tmp_path: Path) -> None:
    report = quadratic_check(bug=2.0)
    assert report.failed == ["b1"]
    fig = plot_report(report)
    ax = fig.axes[0]
    ok_bar, failed_bar = ax.containers[0]
    assert failed_bar.get_hatch() == "//" and not ok_bar.get_hatch()
    assert to_hex(failed_bar.get_facecolor()) == "#c62828"
    assert to_hex(ok_bar.get_facecolor()) == "#2e7d32"
    labels = [t.get_text() for t in ax.texts]
    assert "WRONG" in labels
    assert ax.get_title() == "gradient check: not ok: b[1]"
    saved_png(fig, tmp_path / "failed.png")


def test_gradient_chart_saved_from_the_command_line_helper_without_pyplot(tmp_path: Path) -> None:
    path = tmp_path / "chart.png"
    save_report_plot(quadratic_check(bug=2.0), path)
    assert path.read_bytes().startswith(PNG_SIGNATURE)
    assert not plt.get_fignums(), "the helper must not leave a pyplot figure open"


def test_gradient_chart_refuses_what_is_not_a_report() -> None:
    with pytest.raises(TypeError, match=r"report is a dict: pass the gradcheck.Report"):
        plot_report({"W1": 1e-9})  # type: ignore[arg-type]


# -- the cost history -----------------------------------------------------------------


def test_cost_history_plots_every_cost_against_its_iteration(tmp_path: Path) -> None:
    history = [0.69, 0.5, 0.3, 0.1, 0.04]
    kept = list(history)
    fig = plot_cost_history(history, every=100, target=0.05)
    ax = fig.axes[0]
    line = ax.lines[0]
    assert list(line.get_xdata()) == [0, 100, 200, 300, 400]
    assert list(line.get_ydata()) == history
    assert ax.get_xlabel() == "iteration" and ax.get_ylabel() == "cost J"
    target = ax.lines[1]
    assert list(target.get_ydata()) == [0.05, 0.05]
    assert ax.get_title() == "cost 0.69 → 0.04"
    assert history == kept
    saved_png(fig, tmp_path / "cost.png")


def test_cost_history_on_a_log_scale() -> None:
    ax = plot_cost_history(np.geomspace(1.0, 1e-6, 50), log=True).axes[0]
    assert ax.get_yscale() == "log"


@pytest.mark.parametrize(
    ("history", "options", "message"),
    [
        ([], {}, r"the cost history is empty: pass the list of costs"),
        ([0.5], {"every": 0}, r"every must be a whole number of iterations >= 1: got 0"),
        ([0.5, 0.0], {"log": True}, r"log=True needs positive costs"),
    ],
)
def test_cost_history_bad_input_is_explained(
    history: list[float], options: dict[str, object], message: str
) -> None:
    with pytest.raises(ModelInputError, match=message):
        plot_cost_history(history, **options)  # type: ignore[arg-type]


# -- the decision boundary -----------------------------------------------------------


def diagonal(A0: np.ndarray) -> np.ndarray:
    """A[L] = sigmoid(4 (x1 - x2)): class 1 below the diagonal."""
    return 1.0 / (1.0 + np.exp(-4.0 * (A0[0:1] - A0[1:2])))


def two_clusters() -> tuple[np.ndarray, np.ndarray]:
    X = np.array([[0.0, 0.5, 1.0, 3.0, 3.5, 4.0, 0.2], [3.0, 3.5, 4.0, 0.0, 0.5, 1.0, 3.9]])
    Y = np.array([[0, 0, 0, 1, 1, 1, 1]])
    return X, Y


def test_decision_boundary_shows_every_example_by_class(tmp_path: Path) -> None:
    X, Y = two_clusters()
    X_before, Y_before = X.copy(), Y.copy()
    fig = plot_decision_boundary(diagonal, X, Y, resolution=50)
    ax = fig.axes[0]
    zero, one = ax.collections[-2], ax.collections[-1]
    assert zero.get_offsets().shape == (3, 2) and one.get_offsets().shape == (4, 2)
    assert np.array_equal(np.asarray(one.get_offsets())[:, 0], X[0, 3:])
    # The last class-1 point sits on the class-0 side: 6 of 7 right.
    assert ax.get_title() == "decision boundary, accuracy 86%"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x1", "x2")
    assert np.array_equal(X, X_before) and np.array_equal(Y, Y_before)
    saved_png(fig, tmp_path / "boundary.png")


def test_decision_boundary_draws_the_half_probability_line_where_the_model_puts_it() -> None:
    X, Y = two_clusters()
    ax = plot_decision_boundary(diagonal, X, Y, resolution=60).axes[0]
    boundary = next(c for c in ax.collections if hasattr(c, "levels") and list(c.levels) == [0.5])
    points = np.concatenate([p.vertices for p in boundary.get_paths()])
    # The model's boundary is the diagonal x2 = x1, up to the grid's spacing.
    assert len(points) > 10
    assert np.max(np.abs(points[:, 0] - points[:, 1])) < 0.2


def test_decision_boundary_of_a_models_network() -> None:
    from models import DeepNetwork

    X, Y = two_clusters()
    net = DeepNetwork([2, 3, 1], hidden="tanh", output="sigmoid", seed=0)
    ax = plot_decision_boundary(net, X, Y, resolution=20).axes[0]
    assert ax.get_title().startswith("decision boundary, accuracy ")


@pytest.mark.parametrize(
    ("X", "Y", "message"),
    [
        (np.zeros((7, 2)), np.zeros((1, 7)), r"X has shape \(7, 2\): expected \(n\[0\], m\).*X\.T"),
        (np.zeros((3, 7)), np.zeros((1, 7)), r"X has shape \(3, 7\): expected \(n\[0\], m\)"),
        (np.zeros((2, 7)), np.zeros(7), r"Y has shape \(7,\): expected \(1, m\) = \(1, 7\); use"),
        (np.zeros((2, 2)), np.array([[0, 2]]), r"Y holds \[0, 2\]: a binary classifier's labels"),
    ],
)
def test_decision_boundary_bad_input_is_explained(
    X: np.ndarray, Y: np.ndarray, message: str
) -> None:
    with pytest.raises(ModelInputError, match=message):
        plot_decision_boundary(diagonal, X, Y)


def test_decision_boundary_needs_one_output_unit() -> None:
    X, Y = two_clusters()
    with pytest.raises(ModelInputError, match=r"expected \(n\[L\], m\) = \(1, 49\)"):
        plot_decision_boundary(lambda A0: np.vstack([A0, A0]), X, Y, resolution=7)


# -- importing the packages stays light ------------------------------------------------


def test_importing_the_packages_imports_neither_matplotlib_nor_ipython() -> None:
    code = (
        "import sys, dimcheck, models, gradcheck; "
        "print(','.join(m for m in ('matplotlib', 'IPython') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_without_matplotlib_the_plots_say_how_to_install_it() -> None:
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "from models._plot import plot_cost_history\n"
        "from gradcheck._plot import save_report_plot\n"
        "for call in (lambda: plot_cost_history([1.0]), lambda: save_report_plot(None, 'x.png')):\n"
        "    try:\n"
        "        call()\n"
        "    except ImportError as e:\n"
        "        print(e)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert all('pip install "dimgrad[plot]"' in line for line in lines)


def test_the_gradcheck_command_saves_the_chart_with_plot(tmp_path: Path) -> None:
    from gradcheck._cli import _parser

    if "--plot" not in _parser().format_help():
        pytest.skip("the --plot flag is wired into gradcheck/_cli.py by the lead at the merge")
    from gradcheck._cli import main

    chart = tmp_path / "chart.png"
    status = main(["--model", "3-2-1", "--hidden", "tanh", "--plot", str(chart)])
    assert status == 0
    assert chart.read_bytes().startswith(PNG_SIGNATURE)
