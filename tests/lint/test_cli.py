"""The `dimcheck lint` command, `python -m dimcheck`, and the flake8 plugin."""

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dimcheck._cli import main

from ._expectations import EXAMPLES

BAD = "import numpy as np\n\nb = np.random.randn(3)\n"
GOOD = "import numpy as np\n\nb = np.random.randn(3, 1)\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "bad.py").write_text(BAD, encoding="utf-8")
    (tmp_path / "pkg" / "good.py").write_text(GOOD, encoding="utf-8")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["lint", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_findings_print_as_path_line_col_code_and_exit_1(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, str(project / "pkg"))
    assert status == 1
    assert out.startswith(f"{project / 'pkg' / 'bad.py'}:3:5: DC101 np.random.randn(3) makes")
    assert out.count("\n") == 1
    assert err == ""


def test_no_findings_exit_0_and_print_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, str(project / "pkg" / "good.py")) == (0, "", "")


def test_linting_leaves_the_files_as_they_were(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, str(project))
    assert (project / "pkg" / "bad.py").read_text(encoding="utf-8") == BAD


def test_json_format_lists_every_field(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--format", "json", str(project))
    (item,) = json.loads(out)
    assert status == 1
    assert item["code"] == "DC101"
    assert (item["line"], item["col"], item["cell"]) == (3, 5, None)
    assert item["path"].endswith("bad.py")
    assert "rank-1" in item["message"]


def test_github_format_writes_workflow_annotations(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "--format", "github", str(project))
    assert out.startswith("::error file=")
    assert ",line=3,col=5,title=dimcheck DC101::np.random.randn(3) makes" in out


def test_unreadable_path_is_named_and_exits_2_but_the_others_are_linted(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "pkg" / "broken.py").write_text("def f(:\n", encoding="utf-8")
    missing = project / "nowhere.py"
    status, out, err = run(capsys, str(project / "pkg"), str(missing))
    assert status == 2
    assert "DC101" in out
    assert f"{project / 'pkg' / 'broken.py'}: syntax error" in err
    assert f"{missing}: cannot read it" in err


def test_select_and_ignore_on_the_command_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "--ignore", "DC1", str(project))[0] == 0
    assert run(capsys, "--select", "DC5,DC4", str(project))[0] == 0
    assert run(capsys, "--select", "DC101", str(project))[0] == 1


def test_pyproject_configuration_applies_unless_isolated(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.dimcheck.lint]\nignore = ["DC101"]\n', encoding="utf-8"
    )
    assert run(capsys, str(project / "pkg"))[0] == 0
    assert run(capsys, "--isolated", str(project / "pkg"))[0] == 1
    assert run(capsys, "--ignore", "DC5", str(project / "pkg"))[0] == 1


def test_bad_configuration_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "pyproject.toml").write_text("[tool.dimcheck.lint]\nnope = 1\n", encoding="utf-8")
    status, _, err = run(capsys, str(project))
    assert status == 2
    assert "unknown key(s) nope" in err


def test_unknown_code_on_the_command_line_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(capsys, "--select", "B007", str(project))
    assert status == 2
    assert "'B007' is not a rule code" in err


def _status(argv: list[str]) -> int:
    """The exit status of `main`, whether it returns it or argparse exits with it."""
    try:
        return main(argv)
    except SystemExit as exit_info:
        return int(exit_info.code or 0)


@pytest.mark.parametrize("argv", [["lint"], ["lint", "--format", "xml", "x.py"], []])
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert _status(argv) == 2
    assert capsys.readouterr().err  # the reason is printed


def test_list_rules_names_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--list-rules"]) == 0
    out = capsys.readouterr().out
    assert "DC101  rank-1 array created" in out
    assert "DC502  np.matrix" in out


def test_python_dash_m_dimcheck_runs_the_same_command(project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dimcheck", "lint", str(project / "pkg" / "bad.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert ":3:5: DC101 " in result.stdout


@pytest.mark.skipif(shutil.which("dimcheck") is None, reason="the console script is not installed")
def test_dimcheck_console_script_is_installed(project: Path) -> None:
    result = subprocess.run(
        ["dimcheck", "lint", str(project / "pkg" / "good.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, "")


def test_flake8_plugin_reports_the_same_findings() -> None:
    pytest.importorskip("flake8")
    path = EXAMPLES / "course_mistakes.py"
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "DC", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    from_flake8 = sorted(result.stdout.splitlines())
    ours = subprocess.run(
        [sys.executable, "-m", "dimcheck", "lint", "--isolated", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert from_flake8 == sorted(ours.stdout.splitlines())
    assert len(from_flake8) == 6


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="needs permissions")
def test_a_directory_that_cannot_be_listed_is_named(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = project / "pkg" / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        status, _, err = run(capsys, str(project / "pkg"))
    finally:
        locked.chmod(0o755)
    assert status == 2
    assert f"{locked}: cannot read it" in err


def test_a_listing_error_becomes_a_named_file_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root can list anything, so the error os.walk reports is simulated here.
    from dimcheck._lint import _runner

    def walk(top: object, onerror: Any = None) -> Iterator[tuple[str, list[str], list[str]]]:
        onerror(PermissionError(13, "Permission denied", str(tmp_path / "locked")))
        return iter(())

    monkeypatch.setattr(_runner.os, "walk", walk)
    report = _runner.lint_paths([tmp_path])
    assert [str(error) for error in report.errors] == [
        f"{tmp_path / 'locked'}: cannot read it: Permission denied"
    ]
    assert report.exit_code == 2
