"""Every public name of the linter package is importable and documented."""

import pytest

import dimcheck._lint as lint

PUBLIC = [name for name in dir(lint) if not name.startswith("_")]


def test_the_public_names_the_docs_use_are_there() -> None:
    assert {"lint_source", "lint_paths", "lint_file", "Finding", "LintReport"} <= set(PUBLIC)


@pytest.mark.parametrize("name", [n for n in PUBLIC if callable(getattr(lint, n))])
def test_every_public_callable_has_a_docstring(name: str) -> None:
    assert (getattr(lint, name).__doc__ or "").strip()


def test_a_single_code_may_be_given_as_a_string() -> None:
    source = "import numpy as np\na = np.random.randn(3)\nM = np.matrix(a)\n"
    assert [f.code for f in lint.lint_source(source, select="DC1")] == ["DC101"]
    assert [f.code for f in lint.lint_source(source, ignore="DC101")] == ["DC502"]


def test_report_reads_as_text_and_as_html() -> None:
    report = lint.LintReport(
        findings=[lint.Finding("a.py", 2, 5, "DC101", "rank-1")],
        errors=[lint.FileError("b.py", "syntax error: invalid syntax (line 1)")],
        files=2,
    )
    assert str(report).splitlines() == [
        "a.py:2:5: DC101 rank-1",
        "error: b.py: syntax error: invalid syntax (line 1)",
        "1 finding(s), 1 file error(s) in 2 file(s)",
    ]
    html = report._repr_html_()
    assert "<table>" in html
    assert html.count("<tr>") == 3  # the header, the finding, the file error
    assert "<td><code>a.py:2:5</code></td><td><b>DC101</b></td><td>rank-1</td>" in html
    assert "b.py: syntax error" in html
    assert report.exit_code == 2


def test_a_clean_report_renders_its_summary_without_an_empty_table() -> None:
    html = lint.LintReport(findings=[], errors=[], files=3)._repr_html_()
    assert html == "<p>0 finding(s), 0 file error(s) in 3 file(s)</p>"
