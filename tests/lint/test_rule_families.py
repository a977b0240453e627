"""Every rule of the message table has its check, in the module of its family."""

import inspect

import pytest

from dimcheck._lint import MESSAGES
from dimcheck._lint._checker import LintChecker

FAMILIES = {
    "DC1": "dimcheck._lint._rules_rank1",
    "DC2": "dimcheck._lint._rules_reductions",
    "DC3": "dimcheck._lint._rules_examples",
    "DC4": "dimcheck._lint._rules_products",
    "DC5": "dimcheck._lint._rules_habits",
}


def _checks() -> dict[str, object]:
    """`check_for_<code>` methods by the codes they name (`dc201_dc203` names two)."""
    found: dict[str, object] = {}
    for name, method in inspect.getmembers(LintChecker, inspect.isfunction):
        if name.startswith("check_for_"):
            for part in name.removeprefix("check_for_").split("_"):
                if part.startswith("dc") and part[2:].isdigit():
                    found[part.upper()] = method
    return found


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_each_rule_has_a_check_in_its_family_module(code: str) -> None:
    method = _checks().get(code)
    assert method is not None, f"no check_for_{code.lower()} method"
    assert method.__module__ == FAMILIES[code[:3]]  # type: ignore[attr-defined]


def test_every_check_reports_a_rule_of_the_table() -> None:
    assert set(_checks()) == set(MESSAGES)
