"""`select`/`ignore`, `# noqa`, and `[tool.dimcheck.lint]` in pyproject.toml."""

from pathlib import Path

import pytest

from dimcheck._lint import (
    ConfigError,
    Selection,
    SelectionError,
    find_pyproject,
    lint_source,
    load_selection,
)

SOURCE = "import numpy as np\nb = np.random.randn(3){comment}\nM = np.matrix([[1]])\n"


def found(comment: str) -> list[str]:
    return [finding.code for finding in lint_source(SOURCE.format(comment=comment))]


@pytest.mark.parametrize(
    ("comment", "codes"),
    [
        ("", ["DC101", "DC502"]),
        ("  # noqa", ["DC502"]),
        ("  # noqa: DC101", ["DC502"]),
        ("  # NOQA:DC1", ["DC502"]),
        ("  # noqa: E501, DC101", ["DC502"]),
        ("  # noqa: DC502", ["DC101", "DC502"]),
        ("  # noqa: E501", ["DC101", "DC502"]),
        ("  # a comment, not a noqa", ["DC101", "DC502"]),
    ],
)
def test_noqa_suppresses_the_codes_it_names_on_its_line(comment: str, codes: list[str]) -> None:
    assert found(comment) == codes


@pytest.mark.parametrize(
    ("select", "ignore", "enabled", "disabled"),
    [
        (("DC",), (), ["DC101", "DC502"], []),
        (("DC1",), (), ["DC101", "DC103"], ["DC201"]),
        (("DC",), ("DC2", "DC502"), ["DC101", "DC501"], ["DC201", "DC502"]),
        (("DC101",), ("DC1",), ["DC101"], ["DC102"]),
        (("DC1",), ("DC101",), ["DC102"], ["DC101"]),
    ],
)
def test_the_more_specific_of_select_and_ignore_wins(
    select: tuple[str, ...], ignore: tuple[str, ...], enabled: list[str], disabled: list[str]
) -> None:
    selection = Selection(select, ignore)
    assert all(selection.enabled(code) for code in enabled)
    assert not any(selection.enabled(code) for code in disabled)


def test_codes_are_case_insensitive() -> None:
    assert Selection(("dc1",)).enabled("DC101")


def test_unknown_code_is_refused_with_the_list_of_rules() -> None:
    with pytest.raises(SelectionError, match=r"select: 'E501' is not a rule code .* DC101"):
        Selection(("E501",))


def write(directory: Path, text: str) -> Path:
    path = directory / "pyproject.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_nearest_pyproject_is_found_from_a_nested_directory(tmp_path: Path) -> None:
    pyproject = write(tmp_path, "[project]\nname = 'x'\n")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    (nested / "m.py").write_text("", encoding="utf-8")
    assert find_pyproject(nested / "m.py") == pyproject.resolve()


def test_selection_is_read_from_tool_dimcheck_lint(tmp_path: Path) -> None:
    pyproject = write(tmp_path, '[tool.dimcheck.lint]\nselect = ["DC1"]\nignore = ["DC102"]\n')
    selection = load_selection(pyproject)
    assert selection.enabled("DC101")
    assert not selection.enabled("DC102")
    assert not selection.enabled("DC201")


def test_no_section_means_every_rule(tmp_path: Path) -> None:
    selection = load_selection(write(tmp_path, "[tool.ruff]\nline-length = 100\n"))
    assert selection == Selection()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[tool.dimcheck.lint]\nselec = ["DC1"]\n', r"unknown key\(s\) selec; the keys are"),
        ('[tool.dimcheck.lint]\nselect = "DC1"\n', r"select must be a list of codes"),
        ('[tool.dimcheck.lint]\nignore = ["XX9"]\n', r"ignore: 'XX9' is not a rule code"),
        ("[tool.dimcheck.lint\n", r"cannot read it"),
    ],
)
def test_malformed_configuration_is_named(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_selection(write(tmp_path, text))


def test_noqa_is_found_on_the_right_line_after_a_form_feed() -> None:
    # A form feed is whitespace to Python but a line break to str.splitlines.
    source = (
        "import numpy as np\n\x0c\nb = np.random.randn(3)  # noqa: DC101\nM = np.matrix([[1]])\n"
    )
    assert [(f.line, f.code) for f in lint_source(source)] == [(4, "DC502")]
