"""The gradient-check chart: relative difference per parameter, verdict bands, failures marked.

matplotlib is an optional extra (`pip install "dimgrad[plot]"`): it is imported
inside the function, so importing `gradcheck` never imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._names import course_name
from ._report import Report

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: A difference of exactly 0 (a gradient that agrees to the last bit) has no
#: place on a log scale: its bar is drawn down to here instead.
_ZERO = 1e-18

_BAND_COLOURS = {"ok": "#c8e6c9", "doubtful": "#fff3c4", "wrong": "#ffcdd2"}
_BAR_COLOURS = {"ok": "#2e7d32", "doubtful": "#f9a825", "wrong": "#c62828"}


def plot_report(report: Report, *, title: str | None = None, ax: Axes | None = None) -> Figure:
    """The chart of a gradient check: one bar per parameter, on a log scale.

    Each bar is the relative difference `||g - g~|| / (||g|| + ||g~||)` of one
    parameter (`W[1]`, `b[1]`, ...). The background shows the verdict bands of
    the report: green below the pass line (`ok`), yellow up to the fail line
    (`doubtful`), red above it (`wrong`). A black tick on each bar marks ten
    times its roundoff floor (below it, roundoff alone could explain the
    difference). The parameters that are not `ok` are drawn in red or yellow,
    hatched, and labelled with their verdict.

    **Arguments:**

    - `report`: the `gradcheck.Report` of a check.
    - `title`: the axes title; by default the report's verdict.
    - `ax`: draw into these matplotlib axes instead of a new figure.

    **Returns:** the matplotlib `Figure` (save it with `fig.savefig("gradcheck.png")`).
    """
    if not isinstance(report, Report):
        raise TypeError(
            f"report is a {type(report).__name__}: pass the gradcheck.Report that "
            "gradcheck.check, check_functions or check_model returned"
        )
    results = list(report.results.values())
    if not results:
        raise ValueError("the report checked no parameters: there is nothing to plot")
    if ax is None:
        plt = _matplotlib("pyplot")
        fig, axes = plt.subplots(
            figsize=(max(5.0, 0.9 * len(results) + 3.5), 4.5), layout="constrained"
        )
    else:
        fig, axes = ax.figure, ax

    heights = [max(r.difference, _ZERO) for r in results]
    floors = [10.0 * r.floor for r in results]
    shown = [h for h in heights + floors if h > 0]
    low = min(min(shown) / 10.0, report.pass_line / 100.0)
    # Headroom above the tallest bar for its verdict label.
    high = max(max(shown) * 100.0, report.fail_line * 100.0, 2.0)

    axes.set_yscale("log")
    axes.axhspan(low, report.pass_line, color=_BAND_COLOURS["ok"], zorder=0, label="ok")
    axes.axhspan(
        report.pass_line,
        report.fail_line,
        color=_BAND_COLOURS["doubtful"],
        zorder=0,
        label="doubtful",
    )
    axes.axhspan(report.fail_line, high, color=_BAND_COLOURS["wrong"], zorder=0, label="wrong")

    positions = list(range(len(results)))
    # A bar spans bottom..bottom + height: start it at the axis floor, end it at the difference.
    bars = axes.bar(
        positions,
        [h - low for h in heights],
        bottom=low,
        width=0.6,
        color=[_BAR_COLOURS[_verdict(r.verdict)] for r in results],
        edgecolor="black",
        linewidth=0.8,
        zorder=2,
    )
    for bar, r, h in zip(bars, results, heights, strict=True):
        if r.difference == 0.0:
            axes.annotate(
                "= 0",
                (bar.get_x() + bar.get_width() / 2, h),
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                fontsize=8,
            )
        if r.verdict != "ok":
            bar.set_hatch("//")
            axes.annotate(
                r.verdict.upper(),
                (bar.get_x() + bar.get_width() / 2, h),
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                fontsize=8,
                fontweight="bold",
            )
    axes.scatter(
        positions,
        [f if f > 0 else float("nan") for f in floors],
        marker="_",
        s=300,
        color="black",
        zorder=3,
        label="10 × roundoff floor",
    )
    axes.set_ylim(low, high)
    axes.set_xticks(positions, [course_name(r.key) for r in results])
    axes.set_xlabel("parameter")
    axes.set_ylabel("relative difference ‖g − g̃‖ / (‖g‖ + ‖g̃‖)")
    if title is None:
        title = "gradient check: " + (
            "passed" if report.passed else "not ok: " + ", ".join(map(course_name, report.failed))
        )
    axes.set_title(title)
    # Outside the axes, so that it never hides a bar or its label.
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return fig


def _matplotlib(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module("matplotlib." + module)
    except ImportError as e:
        raise ImportError(
            'the gradient-check chart needs matplotlib: pip install "dimgrad[plot]" '
            "(or pip install matplotlib)"
        ) from e


def _verdict(verdict: str) -> str:
    return verdict if verdict in _BAR_COLOURS else "wrong"


def save_report_plot(report: Report, path: Any) -> None:
    """Save the chart of `report` as an image (the format follows the file name, e.g. `.png`).

    **Arguments:**

    - `report`: the `gradcheck.Report` of a check.
    - `path`: where to write the image.

    Uses matplotlib's non-interactive Agg canvas, so it works without a display.
    """
    fig = _matplotlib("figure").Figure(layout="constrained")
    _matplotlib("backends.backend_agg").FigureCanvasAgg(fig)
    plot_report(report, ax=fig.add_subplot())
    fig.set_size_inches(max(5.0, 0.9 * len(report.results) + 3.5), 4.5)
    fig.savefig(path, bbox_inches="tight")
