"""`@dimcheck.shapes`: placeholder until the shape checker lands (returns the function)."""

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])


def shapes(fn: F) -> F:
    return fn
