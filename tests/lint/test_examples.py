"""Each rule against its annotated example file: true findings and silent look-alikes."""

import pytest

from dimcheck._lint import MESSAGES, lint_file, lint_source

from ._expectations import EXAMPLES, expected

RULES = sorted(MESSAGES)


def test_every_rule_has_an_example_file() -> None:
    files = {path.stem.upper() for path in EXAMPLES.glob("dc*.py")}
    assert files == set(RULES)


@pytest.mark.parametrize("code", RULES)
def test_rule_reports_exactly_the_marked_lines(code: str) -> None:
    path = EXAMPLES / f"{code.lower()}.py"
    marked = expected(path)
    assert marked, f"{path.name} marks no true finding"
    assert {c for _, c in marked} == {code}
    findings = lint_source(path.read_text(encoding="utf-8"), str(path), select=[code])
    found = {(finding.line, finding.code) for finding in findings}
    assert found == marked, "\n".join(str(f) for f in findings)


@pytest.mark.parametrize("code", RULES)
def test_example_file_has_look_alikes_that_stay_silent(code: str) -> None:
    text = (EXAMPLES / f"{code.lower()}.py").read_text(encoding="utf-8")
    _, _, silent_part = text.partition("# Look-alikes that must stay silent.")
    assert silent_part.count("\n") >= 3, "each example needs look-alikes after the marker"


def test_course_module_with_classic_mistakes_reports_each_on_its_line() -> None:
    path = EXAMPLES / "course_mistakes.py"
    report = lint_file(path)
    assert report.errors == []
    found = {(finding.line, finding.code) for finding in report.findings}
    assert found == expected(path)
    # The three the issue names: b from randn(n), m from axis 0, db without keepdims.
    assert {"DC101", "DC301", "DC201"} <= {code for _, code in found}


def test_correct_course_module_reports_nothing() -> None:
    report = lint_file(EXAMPLES / "course_correct.py")
    assert report.errors == []
    assert report.findings == [], "\n".join(str(f) for f in report.findings)
