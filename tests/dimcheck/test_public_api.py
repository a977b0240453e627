"""The public names, their documentation, and what importing dimcheck costs."""

import subprocess
import sys

import pytest

import dimcheck

PUBLIC = [
    "AnnotationError",
    "COURSE_FUNCTIONS",
    "Network",
    "ShapeError",
    "ShapeReport",
    "Violation",
    "check_caches",
    "check_gradients",
    "check_parameters",
    "disable",
    "enable",
    "instrument",
    "is_enabled",
    "network",
    "shapes",
    "strict_broadcasting",
    "uninstrument",
]


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_is_exported_and_documented(name: str) -> None:
    value = getattr(dimcheck, name)
    if callable(value):
        assert value.__doc__ and len(value.__doc__.strip()) > 20


def test_importing_dimcheck_leaves_jaxtyping_pytest_and_the_other_packages_unimported() -> None:
    code = (
        "import sys, dimcheck; "
        "print(','.join(m for m in ('jaxtyping', 'pytest', 'models', 'gradcheck', 'hypothesis')"
        " if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
