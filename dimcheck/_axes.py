"""What an annotation says, compiled: the kinds of axes, one array's spec, one argument's slot.

Plain data, read once at decoration time (`_spec`), matched on every call (`_fast`,
`_match`) and explained when a call fails (`_explain`).
"""

from dataclasses import dataclass, field
from typing import Any

# Kinds of one axis in a dimension string.
NAMED, FIXED, SYMBOLIC, ANON = 0, 1, 2, 3
# Kinds of the variadic part (`*name`, `*#name`, `...`).
NO_VAR, VAR_ANON, VAR_NAMED = 0, 1, 2

# What a symbolic axis (`n+1`) may call: arithmetic only, no access to anything else.
SAFE_BUILTINS = {"min": min, "max": max, "abs": abs, "int": int}


@dataclass(frozen=True, slots=True)
class Dim:
    """One axis of a dimension string: `n_l`, `3`, `n+1` or `_` (`#` marks it broadcastable)."""

    kind: int
    value: Any  # name (NAMED), size (FIXED), compiled expression (SYMBOLIC), None (ANON)
    text: str  # as written, for messages
    broadcastable: bool


@dataclass(frozen=True, slots=True)
class ArraySpec:
    """One array annotation: type, dtypes and the axes before/after the variadic part."""

    array_type: Any  # a class; typed Any so isinstance does not narrow what it checks
    dtypes: frozenset[Any] | None  # numpy dtype objects; None: any dtype (`Shaped`)
    dtype_names: frozenset[str]  # all names, for dtypes numpy itself does not know
    dtype_label: str  # `Float`, `Shaped`, ...
    pre: tuple[Dim, ...]
    post: tuple[Dim, ...]
    var_kind: int
    var_name: str
    var_broadcastable: bool
    text: str  # the dimension string as written
    has_symbolic: bool
    # The generated matcher `(x, memo, stacks, deferred) -> code` (`_fast.compile_matcher`),
    # set by `_spec` right after construction.
    fast: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Slot:
    """What one argument (or one returned element) may be: arrays, None, other types."""

    arrays: tuple[ArraySpec, ...]
    optional: bool
    others: tuple[Any, ...]  # non-array annotations, checked by isinstance or typeguard
    simple_others: tuple[type, ...] | None  # set when every other is a plain class
    annotation: Any
    # Checks a non-array value against `others` (plain classes, `tuple[Any, Any]`,
    # `Literal[...]` without typeguard; anything else with typeguard's `check_type`).
    accepts: Any = field(default=None, compare=False, repr=False)
