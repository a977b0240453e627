"""The dimgrad pytest plugin: gradient and shape checks, and grading, in assignments.

Registered through the `pytest11` entry point `dimgrad` and loaded in every pytest run;
`-p no:dimgrad` turns it off. It changes nothing in a run that uses none of its options,
fixtures or markers, and imports nothing heavy until one is used (loading it loads neither
numpy nor the checkers, nor the grading machinery).

The pieces, one idea each: `_options.py` (options, ini keys and the settings read once),
`_fixtures.py` (`student`, `gradcheck`, `shapecheck`, `rng`), `_summary.py` (the terminal
lines of wrong shapes and gradients), `_session.py` (the grading session, registered only
when grading), `_formats.py` (one module per output format), `_sandbox.py` (the student's
code in a process of its own), `_instrument.py` (`--dimcheck-modules`).

See `docs/assignments.md` for the options and a worked assignment.
"""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest

from ._fixtures import SETTINGS, gradcheck, rng, shapecheck, student
from ._options import Settings, add_options, module_list, points_of, visibility_of
from ._student_module import (
    CLOCK,
    TestClock,
    allow_student_imports,
    refuse_student_imports,
    start_test_clock,
)
from ._summary import Summary

# The name of _profile.GRADING_PROFILE, without importing hypothesis.
_GRADING_PROFILE = "dimgrad-grading"
_FINDER = pytest.StashKey[Any]()


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> Any:
    # Before conftest.py files run: one of them importing the student's module must not
    # get it past the instrumentation (or, sandboxed, into the grader) unnoticed.
    try:
        settings = Settings(early_config, early=True)
    except pytest.UsageError:
        settings = None  # said again, as an error, by pytest_configure
    if settings is not None and settings.sandbox:
        refuse_student_imports(early_config, settings)
    else:
        modules = module_list(
            getattr(early_config.known_args_namespace, "dimgrad_modules", None)
            or early_config.getini("dimgrad_modules")
        )
        _install_instrumentation(early_config, modules)
    try:
        return (yield)
    except Exception as error:
        # pytest stops here, before any other hook of this plugin runs: the grade of a
        # conftest.py that imports a broken submission is written now or never.
        from ._conftest_failure import grade_a_broken_conftest

        grade_a_broken_conftest(early_config, error)
        raise


def _install_instrumentation(config: pytest.Config, modules: list[str]) -> None:
    if not modules or _FINDER in config.stash:
        return
    try:
        import dimcheck

        instrument = dimcheck.instrument
    except (ImportError, AttributeError) as error:
        raise pytest.UsageError(
            f"--dimcheck-modules needs dimcheck.instrument, which could not be loaded: {error}"
        ) from error
    from ._instrument import AlreadyImportedError, install

    try:
        config.stash[_FINDER] = install(modules, instrument)
    except AlreadyImportedError as error:
        raise pytest.UsageError(str(error)) from None


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "points(n): the test is worth n points in --grade-json results "
        "(default: the ini key dimgrad_default_points, 1)",
    )
    config.addinivalue_line(
        "markers",
        "dimgrad_limits(memory_mb=None, output_kb=None): this test's limits on the student's "
        "process (memory at most the run's --dimgrad-memory; output kept per call)",
    )
    config.addinivalue_line(
        "markers",
        "visibility(name): when students see this test in --grade-json results: "
        "visible, hidden, after_due_date or after_published",
    )
    settings = Settings(config)
    config.stash[SETTINGS] = settings
    if settings.sandbox:
        # The student's module is shape-checked in its own process, never imported here.
        refuse_student_imports(config, settings)
        config.stash[CLOCK] = TestClock()
    else:
        _install_instrumentation(config, settings.modules)
    if config.getoption("hypothesis_profile", None) == _GRADING_PROFILE:
        # Registered before hypothesis's own plugin loads the profile by name.
        from ._profile import register_grading_profile

        register_grading_profile()
    summary = Summary(config)
    config.pluginmanager.register(summary, "dimgrad-summary")
    if settings.grading:
        # One broken test file must cost its own tests, not the whole grade.
        config.option.continue_on_collection_errors = True
        _load_grading_profile(config)
        from ._session import GradingSession

        config.pluginmanager.register(GradingSession(config, settings, summary), "dimgrad-grading")


def _load_grading_profile(config: pytest.Config) -> None:
    if (
        config.getoption("hypothesis_profile", None)
        or importlib.util.find_spec("hypothesis") is None
    ):
        return
    from ._profile import load_grading_profile

    load_grading_profile()


def pytest_unconfigure(config: pytest.Config) -> None:
    allow_student_imports(config)
    finder = config.stash.get(_FINDER, None)
    if finder is not None:
        from ._instrument import uninstall

        uninstall(finder)
        del config.stash[_FINDER]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A malformed points or visibility marker is an error in every run, graded or not.
    settings = items[0].config.stash[SETTINGS] if items else None
    for item in items:
        if item.get_closest_marker("points") is not None:
            points_of(item, settings)  # type: ignore[arg-type]
        if item.get_closest_marker("visibility") is not None:
            visibility_of(item)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    settings = item.config.stash.get(SETTINGS, None)
    if settings is not None and settings.sandbox:
        # Before the fixtures: the student fixture's first import counts against this test.
        start_test_clock(item, settings)


def pytest_report_header(config: pytest.Config) -> str | None:
    settings = config.stash.get(SETTINGS, None)
    if settings is None or not settings.explicit:
        return None
    parts = [f"seed={settings.seed}", f"eps={settings.eps or _default_eps()}"]
    parts.append(f"mode={settings.mode or 'auto'}")
    if settings.modules:
        parts.append(f"dimcheck-modules={','.join(settings.modules)}")
    if settings.student:
        parts.append(f"student={settings.student}")
    if settings.grade_json:
        parts.append(f"grade-json={settings.grade_json}")
    from ._session import has_timeout_plugin

    if settings.sandbox:
        memory = f"{settings.memory_mb:g} MiB" if settings.memory_mb > 0 else "no memory limit"
        limit = f"{settings.timeout:g}s per test" if settings.timeout else "no time limit"
        parts.append(f"sandbox: {limit}, {memory}, {settings.output_kb:g} KiB of output")
    elif settings.timeout and has_timeout_plugin(config):
        parts.append(f"timeout={settings.timeout:g}s per test")
    elif settings.timeout:
        parts.append("no time limit (pytest-timeout is not active)")
    return "dimgrad: " + ", ".join(parts)


def _default_eps() -> str:
    try:
        from .._bands import EPS
    except ImportError:
        return "default"
    return f"{EPS:g}"


__all__ = ["gradcheck", "rng", "shapecheck", "student"]
