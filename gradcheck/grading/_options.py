"""The plugin's options and ini keys, and the settings read from them once per run.

Every option is in the group `dimgrad` with the prefix `--dimgrad-`, and has an ini key of
the same name in underscores; the command line wins. The grade's output formats add their
own options (see `_formats.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ._formats import FORMATS

MODES = ("full", "sample", "directional", "auto")
SANDBOX_CHOICES = ("auto", "on", "off")
# Seconds. Sixty is what an assignment's test needs many times over, and what a grading
# platform's overall limit (Gradescope: 10 minutes by default) affords for a few hangs.
DEFAULT_GRADING_TIMEOUT = 60.0
# MiB of address space of the process running student code: numpy and the toolkit take
# about 0.6 GiB of it before any array exists, leaving room for an assignment's arrays,
# not for an allocation without end.
DEFAULT_MEMORY_MB = 2048.0
# KiB of the student's printed output kept per test: enough to read, too little to drown.
DEFAULT_OUTPUT_KB = 16.0

# name on the command line (dest is the name with underscores, as is the ini key), help
OPTIONS: dict[str, str] = {
    "dimgrad-seed": "seed of the gradcheck fixture's sampled checks and of the rng fixture "
    "(default 0)",
    "dimgrad-eps": "step of the gradcheck fixture's central differences (default: gradcheck's)",
    "dimgrad-mode": "mode of the gradcheck fixture: " + ", ".join(MODES) + " (default: auto)",
    "dimgrad-student": "the student's module, imported by the `student` fixture",
    "dimgrad-modules": "comma-separated modules to shape-check with dimcheck.instrument for "
    "the whole session, as they are imported",
    **{f.option: f.help for f in FORMATS},
    "dimgrad-timeout": "time limit of each test in seconds (default 60 when grading, none "
    "otherwise; 0 for none)",
    "dimgrad-sandbox": "run the student's module in a separate, limited process: "
    "auto (when grading with a student module named), on or off",
    "dimgrad-submission": "the directory (or file) holding the student's module when it is "
    "not on the tests' path (the sandbox copies it)",
    "dimgrad-memory": "address space of the sandboxed student process in MiB "
    f"(default {DEFAULT_MEMORY_MB:g}; 0 for no limit)",
    "dimgrad-output-limit": "KiB of the student's printed output kept per test "
    f"(default {DEFAULT_OUTPUT_KB:g})",
}
ALIASES = {"dimgrad-modules": "--dimcheck-modules"} | {
    f.option: f.alias for f in FORMATS if f.alias
}


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("dimgrad", "dimgrad: gradient and shape checks, grading")
    for name, help_text in OPTIONS.items():
        names = [f"--{name}"] + ([ALIASES[name]] if name in ALIASES else [])
        dest = name.replace("-", "_")
        group.addoption(*names, dest=dest, default=None, help=help_text)
        parser.addini(dest, help_text, default=None)
    parser.addini(
        "dimgrad_default_points", "points of a test without @pytest.mark.points (default 1)"
    )
    parser.addini(
        "dimgrad_visibility",
        "top-level visibility of results.json: visible, hidden, after_due_date, "
        "after_published (default visible)",
    )


def module_list(text: str | None) -> list[str]:
    return [m.strip() for m in (text or "").replace("\n", ",").split(",") if m.strip()]


class Settings:
    """The plugin's settings, read once from the command line and the ini file.

    **Arguments:**

    - `config`: pytest's config.
    - `early`: read the command line pytest has parsed so far (`known_args_namespace`), for
      hooks that run before `pytest_configure`.
    """

    def __init__(self, config: pytest.Config, early: bool = False) -> None:
        namespace = config.known_args_namespace if early else config.option

        def given(dest: str) -> str | None:
            value = getattr(namespace, dest, None)
            return None if value is None else str(value).strip()

        def value(dest: str) -> str | None:
            found = given(dest)
            if found is None:
                found = str(config.getini(dest) or "").strip() or None
            return found

        self.explicit = {
            dest: v for name in OPTIONS if (v := value(dest := name.replace("-", "_")))
        }
        get = self.explicit.get
        self.seed = _parse(get("dimgrad_seed", "0"), int, "--dimgrad-seed", "an integer")
        eps = get("dimgrad_eps")
        self.eps = None if eps is None else _parse(eps, float, "--dimgrad-eps", "a number")
        if self.eps is not None and not 0 < self.eps < 1:
            raise pytest.UsageError(f"--dimgrad-eps must be between 0 and 1: got {eps}")
        self.mode = get("dimgrad_mode")
        _choice(self.mode, MODES, "--dimgrad-mode")
        self.modules = module_list(get("dimgrad_modules"))
        self.student = get("dimgrad_student")
        if self.student is None and len(self.modules) == 1:
            # One shape-checked module is the submission: the `student` fixture imports it.
            self.student = self.modules[0]

        def path(dest: str) -> str | None:
            text = get(dest)
            if text is None:
                return None
            # An ini file's path is relative to that file, as pytest's own ini paths are; a
            # path on the command line to the directory pytest was started in.
            ini = config.inipath
            base = ini.parent if given(dest) is None and ini is not None else None
            return str((base or config.invocation_params.dir) / text)

        # dest of each output format asked for -> its path
        self.outputs = {f.dest: p for f in FORMATS if (p := path(f.dest)) is not None}
        self.grading = bool(self.outputs)
        self.grade_json = self.outputs.get("dimgrad_grade_json")
        self.submission = path("dimgrad_submission")
        timeout = get("dimgrad_timeout")
        if timeout is None:
            self.timeout = DEFAULT_GRADING_TIMEOUT if self.grading else 0.0
        else:
            self.timeout = _parse(timeout, float, "--dimgrad-timeout", "a number of seconds")
        sandbox = get("dimgrad_sandbox") or "auto"
        _choice(sandbox, SANDBOX_CHOICES, "--dimgrad-sandbox")
        # The sandbox needs the student's module named: it is what runs apart.
        self.sandbox = self.student is not None and (
            sandbox == "on" or (sandbox == "auto" and self.grading)
        )
        memory = get("dimgrad_memory") or f"{DEFAULT_MEMORY_MB:g}"
        self.memory_mb = _parse(memory, float, "--dimgrad-memory", "a number of MiB")
        output = get("dimgrad_output_limit") or f"{DEFAULT_OUTPUT_KB:g}"
        self.output_kb = _parse(output, float, "--dimgrad-output-limit", "a number of KiB")
        points = str(config.getini("dimgrad_default_points") or "1")
        self.default_points = _parse(points, float, "dimgrad_default_points", "a number")
        self.visibility = str(config.getini("dimgrad_visibility") or "visible").strip()
        from ._book import VISIBILITIES

        _choice(self.visibility, VISIBILITIES, "dimgrad_visibility")


def _choice(value: str | None, choices: tuple[str, ...], where: str) -> None:
    if value is not None and value not in choices:
        raise pytest.UsageError(f"{where} must be one of {', '.join(choices)}: got {value!r}")


def _parse(text: str, kind: Callable[[str], Any], where: str, what: str) -> Any:
    try:
        return kind(text)
    except ValueError:
        raise pytest.UsageError(f"{where} must be {what}: got {text!r}") from None


def marker_value(item: pytest.Item, name: str, default: Any) -> Any:
    marker = item.get_closest_marker(name)
    if marker is None:
        return default
    args = marker.args or tuple(marker.kwargs.values())
    if len(args) != 1:
        raise pytest.UsageError(
            f"{item.nodeid}: @pytest.mark.{name} takes one argument: got {len(args)}"
        )
    return args[0]


def points_of(item: pytest.Item, settings: Settings) -> float:
    points = marker_value(item, "points", settings.default_points)
    if isinstance(points, bool) or not isinstance(points, int | float) or not points >= 0:
        raise pytest.UsageError(
            f"{item.nodeid}: @pytest.mark.points(n) needs a number n >= 0: got {points!r}"
        )
    return float(points)


def visibility_of(item: pytest.Item) -> str:
    from ._book import VISIBILITIES

    visibility = marker_value(item, "visibility", "visible")
    if visibility not in VISIBILITIES:
        raise pytest.UsageError(
            f"{item.nodeid}: @pytest.mark.visibility(name) needs one of "
            f"{', '.join(VISIBILITIES)}: got {visibility!r}"
        )
    return str(visibility)


def limits_of(item: pytest.Item, settings: Settings) -> tuple[float, float]:
    """The test's `(memory in MiB, output in KiB)` for the student's process.

    `@pytest.mark.dimgrad_limits(memory_mb=..., output_kb=...)` sets them for one test;
    what it leaves out is the run's (`--dimgrad-memory`, `--dimgrad-output-limit`). The
    run's memory is also the process's hard limit, which a test can lower, not raise
    (the student's process has given up the right to raise it): a larger value is
    refused with a usage error that says so.
    """
    marker = item.get_closest_marker("dimgrad_limits")
    memory, output = settings.memory_mb, settings.output_kb
    if marker is None:
        return memory, output
    unknown = set(marker.kwargs) - {"memory_mb", "output_kb"}
    if marker.args or unknown:
        raise pytest.UsageError(
            f"{item.nodeid}: dimgrad_limits takes memory_mb= and output_kb= only: got "
            f"{', '.join(map(repr, marker.args)) or ', '.join(sorted(unknown))}"
        )
    try:
        memory = float(marker.kwargs.get("memory_mb", memory))
        output = float(marker.kwargs.get("output_kb", output))
    except (TypeError, ValueError):
        raise pytest.UsageError(
            f"{item.nodeid}: dimgrad_limits(memory_mb=..., output_kb=...) takes numbers"
        ) from None
    if memory <= 0 or output < 0:
        raise pytest.UsageError(
            f"{item.nodeid}: dimgrad_limits needs memory_mb > 0, output_kb >= 0"
        )
    if settings.memory_mb > 0 and memory > settings.memory_mb:
        raise pytest.UsageError(
            f"{item.nodeid}: dimgrad_limits(memory_mb={memory:g}) is above the run's "
            f"{settings.memory_mb:g} MiB, which a test can lower but not raise: raise the "
            "run's with --dimgrad-memory (or the ini key dimgrad_memory)"
        )
    return memory, output


def time_limit_of(item: pytest.Item, settings: Settings) -> float:
    """The test's time limit in seconds (0 for none): its `@pytest.mark.timeout(s)`, else
    the run's."""
    marker = item.get_closest_marker("timeout")
    if marker is not None and (marker.args or "timeout" in marker.kwargs):
        seconds = marker.args[0] if marker.args else marker.kwargs["timeout"]
        try:
            return float(seconds or 0)
        except (TypeError, ValueError):
            return settings.timeout
    return settings.timeout
