"""The plugin's registration, options, ini keys, markers and report header."""

import subprocess
import sys

import pytest

pytest_plugins = ["pytester"]

PASSING = "def test_nothing():\n    pass\n"


def test_the_plugin_is_loaded_through_its_entry_point(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(PASSING)
    result = pytester.runpytest("--co", "-q", "--dimgrad-seed=1")
    assert result.ret == 0
    config = pytester.parseconfig()
    assert config.pluginmanager.get_plugin("dimgrad") is not None


def test_p_no_dimgrad_turns_the_plugin_off(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(PASSING)
    result = pytester.runpytest("-p", "no:dimgrad", "--grade-json=results.json")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*unrecognized arguments: --grade-json*"])
    assert not (pytester.path / "results.json").exists()


def test_options_share_one_group_and_prefix_and_each_has_an_ini_key(
    pytester: pytest.Pytester,
) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        [
            "dimgrad: gradient and shape checks, grading:",
            "*--dimgrad-seed=DIMGRAD_SEED*",
            "*--dimgrad-eps=DIMGRAD_EPS*",
            "*--dimgrad-mode=DIMGRAD_MODE*",
            "*--dimgrad-student=DIMGRAD_STUDENT*",
            "*--dimgrad-modules=DIMGRAD_MODULES, --dimcheck-modules=DIMGRAD_MODULES*",
            "*--dimgrad-grade-json=DIMGRAD_GRADE_JSON, --grade-json=DIMGRAD_GRADE_JSON*",
            "*--dimgrad-timeout=DIMGRAD_TIMEOUT*",
        ]
    )
    for key in (
        "dimgrad_seed",
        "dimgrad_eps",
        "dimgrad_mode",
        "dimgrad_student",
        "dimgrad_modules",
        "dimgrad_grade_json",
        "dimgrad_timeout",
        "dimgrad_default_points",
        "dimgrad_visibility",
    ):
        result.stdout.fnmatch_lines([f"  {key} *"])


def test_the_header_says_nothing_when_no_option_is_used(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(PASSING)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("dimgrad:*")
    result.stdout.no_fnmatch_line("*= dimgrad =*")


def test_the_header_prints_seed_eps_and_mode_on_one_line(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(PASSING)
    result = pytester.runpytest("--dimgrad-seed=7", "--dimgrad-eps=1e-4", "--dimgrad-mode=sample")
    result.stdout.fnmatch_lines(["dimgrad: seed=7, eps=0.0001, mode=sample"])


def test_the_header_reads_the_ini_keys_and_the_command_line_wins(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini("[pytest]\ndimgrad_seed = 3\ndimgrad_mode = full\n")
    pytester.makepyfile(PASSING)
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(["dimgrad: seed=3, eps=*, mode=full"])
    result = pytester.runpytest("--dimgrad-seed=4")
    result.stdout.fnmatch_lines(["dimgrad: seed=4, eps=*, mode=full"])


def test_the_header_names_the_grade_file_and_the_time_limit(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(PASSING)
    result = pytester.runpytest("--grade-json=out/results.json")
    result.stdout.fnmatch_lines(
        ["dimgrad: seed=0, eps=*, mode=auto, grade-json=*results.json, timeout=60s per test"]
    )


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("--dimgrad-mode=exhaustive", "--dimgrad-mode must be one of full, sample, *"),
        ("--dimgrad-seed=one", "--dimgrad-seed must be an integer: got 'one'"),
        ("--dimgrad-eps=2", "--dimgrad-eps must be between 0 and 1: got 2"),
        ("--dimgrad-timeout=soon", "--dimgrad-timeout must be a number of seconds: got 'soon'"),
    ],
)
def test_a_bad_option_value_is_a_usage_error_that_says_what_is_expected(
    pytester: pytest.Pytester, option: str, message: str
) -> None:
    pytester.makepyfile(PASSING)
    result = pytester.runpytest(option)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*{message}*"])


def test_markers_are_registered_so_strict_markers_accepts_them(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.points(2)
        @pytest.mark.visibility("hidden")
        def test_marked():
            pass
        """
    )
    result = pytester.runpytest("--strict-markers")
    result.assert_outcomes(passed=1)
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.points(n): *", "@pytest.mark.visibility(name): *"])


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        ("points(-1)", "@pytest.mark.points(n) needs a number n >= 0: got -1"),
        ("points('two')", "@pytest.mark.points(n) needs a number n >= 0: got 'two'"),
        ("points(1, 2)", "@pytest.mark.points takes one argument: got 2"),
        ("visibility('secret')", "@pytest.mark.visibility(name) needs one of visible, *"),
    ],
)
def test_a_malformed_marker_is_an_error_naming_the_test(
    pytester: pytest.Pytester, marker: str, message: str
) -> None:
    pytester.makepyfile(f"import pytest\n\n@pytest.mark.{marker}\ndef test_marked():\n    pass\n")
    result = pytester.runpytest()
    assert result.ret != 0
    result.stderr.fnmatch_lines(
        [f"*test_a_malformed_marker_is_an_error_naming_the_test.py::test_marked: {message}"]
    )


def test_importing_the_plugin_imports_nothing_heavy_of_its_own() -> None:
    # `gradcheck` itself is imported first: what the plugin module adds is measured.
    code = (
        "import sys, gradcheck; before = set(sys.modules); "
        "import gradcheck.grading._plugin; "
        "new = set(sys.modules) - before; "
        "heavy = ('numpy', 'models', 'dimcheck', 'hypothesis', 'gradcheck.strategies', "
        "'gradcheck.grading._book', 'gradcheck.grading._explain', "
        "'gradcheck.grading._session', 'gradcheck.grading._sandbox', 'xdist'); "
        "print(','.join(sorted(m for m in new if m.split('.')[0] in heavy or m in heavy)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_the_header_says_when_there_is_no_time_limit_without_pytest_timeout(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(PASSING)
    result = pytester.runpytest("--grade-json=results.json", "-p", "no:timeout")
    result.stdout.fnmatch_lines(["dimgrad: *, no time limit (pytest-timeout is not active)"])


def test_a_grade_file_named_in_the_ini_file_is_relative_to_it(pytester: pytest.Pytester) -> None:
    course = pytester.mkdir("course")
    (course / "pytest.ini").write_text("[pytest]\ndimgrad_grade_json = out/results.json\n")
    (course / "test_one.py").write_text(PASSING)
    pytester.runpytest("-c", "course/pytest.ini", "course")
    assert (course / "out" / "results.json").exists()
    assert not (pytester.path / "out").exists()


def test_a_run_that_uses_nothing_of_the_plugin_reads_the_same_without_it(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest

        def test_passes():
            pass

        def test_fails():
            raise ValueError("plain failure")

        @pytest.fixture
        def broken():
            raise RuntimeError("plain error")

        def test_errors(broken):
            pass
        """
    )

    def lines(*args: str) -> list[str]:
        result = pytester.runpytest("-p", "no:randomly", *args)
        return [
            line
            for line in result.outlines
            if not line.startswith(("plugins:", "platform", "rootdir", "benchmark", "cachedir"))
            and " in " not in line
        ]

    assert lines() == lines("-p", "no:dimgrad")
