"""Matching values against compiled annotations at run time: result codes, shared helpers.

The per-array matching itself is generated code (`_fast.compile_matcher`, one function per
annotation). This module holds what those functions and the decorator share: the result
codes, numpy's broadcast of two shapes, a slot's check (unions, `None`, non-array types)
and the symbolic axes (`n+1`) judged once every name is bound.
"""

from typing import Any

from ._axes import SAFE_BUILTINS, Dim, Slot

# Result codes of a matcher; 0 means the array fits.
OK, BAD_TYPE, BAD_DTYPE, BAD_RANK, BAD_AXIS, BAD_STACK = 0, 1, 2, 3, 4, 5


def broadcast(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...] | None:
    """numpy's broadcast of two shapes, or `None` when they do not broadcast."""
    if len(a) < len(b):
        a, b = b, a
    b = (1,) * (len(a) - len(b)) + b
    out = []
    for x, y in zip(a, b, strict=True):
        if x == y or y == 1:
            out.append(x)
        elif x == 1:
            out.append(y)
        else:
            return None
    return tuple(out)


def check_slot(
    s: Slot,
    x: Any,
    memo: dict[str, int],
    stacks: dict[str, tuple[int, ...]],
    deferred: list[tuple[Dim, int]],
) -> int:
    """Check `x` against a slot, binding names as the matchers do.

    **Returns:** `OK` (0) or a failure code (`BAD_TYPE` for a non-array that fits none of
    the slot's types); on failure the memos may be part-updated, so callers explain from a
    fresh start.
    """
    if x is None and s.optional:
        return OK
    if s.arrays:
        if len(s.arrays) == 1 and isinstance(x, s.arrays[0].array_type):
            code: int = s.arrays[0].fast(x, memo, stacks, deferred)
            return code
        for spec in s.arrays:
            if isinstance(x, spec.array_type):
                trial, trial_stacks, trial_deferred = dict(memo), dict(stacks), list(deferred)
                if spec.fast(x, trial, trial_stacks, trial_deferred) == OK:
                    memo.update(trial)
                    stacks.update(trial_stacks)
                    deferred[:] = trial_deferred
                    return OK
        if not s.others:
            code = s.arrays[0].fast(x, memo, stacks, deferred)
            return code
    if not s.others:
        return BAD_TYPE
    if s.simple_others is not None:
        return OK if isinstance(x, s.simple_others) else BAD_TYPE
    return OK if s.accepts(x) else BAD_TYPE


def evaluate(dim: Dim, memo: dict[str, int]) -> int | None:
    """The size a symbolic axis (`n+1`) stands for, or `None` if a name is not bound."""
    try:
        return int(eval(dim.value, {"__builtins__": SAFE_BUILTINS}, dict(memo)))
    except NameError:
        return None


def deferred_ok(deferred: list[tuple[Dim, int]], memo: dict[str, int], final: bool = True) -> bool:
    """Whether every symbolic axis met so far has the size its expression gives.

    With `final=False` (the arguments are checked, the return value is still to come), an
    expression naming a dimension no argument bound waits for the return value to bind it.
    """
    return first_bad(deferred, memo, final) is None


def first_bad(
    deferred: list[tuple[Dim, int]], memo: dict[str, int], final: bool = True
) -> int | None:
    """The index in `deferred` of the first symbolic axis of the wrong size, or `None`."""
    for index, (dim, size) in enumerate(deferred):
        if size == 1 and dim.broadcastable:
            continue
        value = evaluate(dim, memo)
        if value != size and (final or value is not None):
            return index
    return None
