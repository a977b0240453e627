"""The off switch: `DIMCHECK=0` in the environment, or `dimcheck.disable()`."""

import os

# One mutable cell read by every wrapper on every call: a list lookup costs next to
# nothing, unlike a function call or an environment lookup.
_ON = [os.environ.get("DIMCHECK", "1").strip().lower() not in ("0", "false", "no", "off")]


def disable() -> None:
    """Turn dimcheck off.

    Functions decorated with `@dimcheck.shapes` afterwards are returned unchanged (the
    very same object); functions decorated before skip their checks on every call until
    `enable()`. Instrumented modules stop checking too. `DIMCHECK=0` in the environment
    has the same effect from the start.
    """
    _ON[0] = False


def enable() -> None:
    """Turn dimcheck back on (undoes `disable()` or `DIMCHECK=0`)."""
    _ON[0] = True


def is_enabled() -> bool:
    """**Returns:** whether dimcheck currently checks shapes."""
    return _ON[0]
