"""The terminal summary of shape violations and wrong gradients, one line each.

Registered in every run that uses the plugin's fixtures: the `gradcheck` and `shapecheck`
fixtures leave their findings in the test's stash, and this collects them.
"""

from __future__ import annotations

from typing import Any

import pytest

GRADIENT = pytest.StashKey[tuple[str, list[str]]]()
SHAPES = pytest.StashKey[list[str]]()


class Summary:
    """Collects the one-line findings of the fixtures and prints them at the end."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.is_worker = hasattr(config, "workerinput")
        self.shape_lines: list[str] = []
        self.gradient_lines: list[str] = []
        self.grade_line: str | None = None

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        report = yield
        if not (report.failed and call.excinfo is not None):
            return report
        from ._explain import shape_error_in, shape_text

        gradient = item.stash.get(GRADIENT, None)
        shapes: list[str] = list(item.stash.get(SHAPES, None) or ())
        # Taken once: a teardown failing after the call must not list them again.
        if GRADIENT in item.stash:
            del item.stash[GRADIENT]
        if SHAPES in item.stash:
            del item.stash[SHAPES]
        shape = shape_error_in(call.excinfo.value)
        if shape is not None and not shapes:
            text = shape_text(shape)
            shapes.append(text.splitlines()[0] if text else "")
        info: dict[str, Any] = {}
        if gradient is not None:
            info["gradients"] = [f"{item.nodeid}: {line}" for line in gradient[1]]
            info["gradient_message"] = gradient[0]
        if shapes:
            info["shapes"] = [f"{item.nodeid}: {line}" for line in shapes]
        if info:
            report.dimgrad = {**(getattr(report, "dimgrad", None) or {}), **info}
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.is_worker:
            return
        info = getattr(report, "dimgrad", None) or {}
        self.shape_lines.extend(info.get("shapes", ()))
        self.gradient_lines.extend(info.get("gradients", ()))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.is_worker or not (self.shape_lines or self.gradient_lines or self.grade_line):
            return
        terminalreporter.section("dimgrad")
        for line in self.shape_lines:
            terminalreporter.line(f"shape: {line}")
        for line in self.gradient_lines:
            terminalreporter.line(f"gradient: {line}")
        if self.grade_line:
            terminalreporter.line(self.grade_line)
