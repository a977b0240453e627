"""The off switches: for the process (`DIMCHECK=0`, `dimcheck.disable()`) and for a block.

`with dimcheck.disabled():` turns the checks off for the code it runs, in this thread or
task only, through a context variable that also carries `strict_broadcasting()`: each
checked call reads one value, `mode()`, for both.
"""

import contextvars
import os
from collections.abc import Iterator
from contextlib import contextmanager

# One mutable cell read by every wrapper on every call: a list lookup costs next to
# nothing, unlike a function call or an environment lookup.
_ON = [os.environ.get("DIMCHECK", "1").strip().lower() not in ("0", "false", "no", "off")]

# What the current thread or task asks of the checks, as bits: SUSPENDED inside
# `disabled()`, STRICT inside `strict_broadcasting()`; 0 (the default) is the common case.
SUSPENDED, STRICT = 1, 2
_MODE: contextvars.ContextVar[int] = contextvars.ContextVar("dimcheck_mode", default=0)
mode = _MODE.get


@contextmanager
def with_mode(bit: int) -> Iterator[None]:
    """Set `bit` of `mode()` for the block (nesting is fine: leaving restores the outer)."""
    token = _MODE.set(_MODE.get() | bit)
    try:
        yield
    finally:
        _MODE.reset(token)


def disable() -> None:
    """Turn dimcheck off.

    Functions decorated with `@dimcheck.shapes` afterwards are returned unchanged (the
    very same object); functions decorated before skip their checks on every call until
    `enable()`. Instrumented modules stop checking too. `DIMCHECK=0` in the environment
    has the same effect from the start. For one block of code, and without touching other
    threads, use `with dimcheck.disabled():` instead.
    """
    _ON[0] = False


def enable() -> None:
    """Turn dimcheck back on (undoes `disable()` or `DIMCHECK=0`)."""
    _ON[0] = True


def is_enabled() -> bool:
    """**Returns:** whether dimcheck currently checks shapes (for the process)."""
    return _ON[0]


@contextmanager
def disabled() -> Iterator[None]:
    """Within this block, functions decorated with `@dimcheck.shapes` check nothing.

    ```python
    with dimcheck.disabled():
        network.forward(X_stack)  # no shape checks, in this thread or task only
    ```

    Unlike `disable()`, it changes nothing outside the block nor in other threads or
    asyncio tasks, and it undoes itself on leaving, also when the block raises. It also
    turns off `strict_broadcasting()` inside the block.
    """
    with with_mode(SUSPENDED):
        yield
