"""Matching one array against one compiled annotation; names bound once per call."""

from typing import Any

from ._spec import ANON, FIXED, NAMED, NO_VAR, SAFE_BUILTINS, SYMBOLIC, VAR_NAMED, ArraySpec, Dim

# Failure codes of `match`; 0 means the array fits.
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


def match(
    spec: ArraySpec,
    x: Any,
    memo: dict[str, int],
    stacks: dict[str, tuple[int, ...]],
    deferred: list[tuple[Dim, int]],
) -> int:
    """Check `x` against `spec`, binding new dimension names into `memo`/`stacks`.

    **Arguments:**

    - `spec`: the compiled annotation.
    - `x`: the value passed.
    - `memo`: sizes of the dimension names bound so far in this call (updated).
    - `stacks`: shapes bound by variadic names (`*k`) so far (updated; broadcastable
      `*#k` keeps the broadcast of all stacks seen).
    - `deferred`: symbolic axes (`n+1`) with their actual sizes, to evaluate once every
      argument has bound its names (appended to).

    **Returns:** `OK` (0) or the failure code; on failure the memos may be part-updated,
    so callers diagnose from a fresh start.
    """
    if not isinstance(x, spec.array_type):
        return BAD_TYPE
    if (
        spec.dtypes is not None
        and x.dtype not in spec.dtypes
        and x.dtype.name not in spec.dtype_names
    ):
        return BAD_DTYPE
    shape = x.shape
    pre = spec.pre
    if spec.var_kind == NO_VAR:
        if len(shape) != len(pre):
            return BAD_RANK
        dims = pre
        sizes = shape
    else:
        post = spec.post
        stop = len(shape) - len(post)
        if stop < len(pre):
            return BAD_RANK
        if spec.var_kind == VAR_NAMED:
            stack = shape[len(pre) : stop]
            seen = stacks.get(spec.var_name)
            if seen is None:
                stacks[spec.var_name] = stack
            elif seen != stack:
                if not spec.var_broadcastable:
                    return BAD_STACK
                joint = broadcast(seen, stack)
                if joint is None:
                    return BAD_STACK
                stacks[spec.var_name] = joint
        dims = pre + post
        sizes = shape[: len(pre)] + shape[stop:]
    for dim, size in zip(dims, sizes):  # noqa: B905 (lengths checked above; strict costs time)
        kind = dim.kind
        if kind == NAMED:
            if size == 1 and dim.broadcastable:
                continue
            seen_size = memo.get(dim.value)
            if seen_size is None:
                memo[dim.value] = size
            elif seen_size != size:
                return BAD_AXIS
        elif kind == FIXED:
            if size != dim.value and not (size == 1 and dim.broadcastable):
                return BAD_AXIS
        elif kind == SYMBOLIC:
            deferred.append((dim, size))
    return OK


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


def expected(
    spec: ArraySpec, memo: dict[str, int], stacks: dict[str, tuple[int, ...]], layer: int | None
) -> tuple[list[str], list[int | None]]:
    """The expected shape as course symbols and known values, for messages."""
    from ._notation import course_dim

    symbols: list[str] = []
    values: list[int | None] = []

    def add(dims: tuple[Dim, ...]) -> None:
        for dim in dims:
            if dim.kind == NAMED:
                symbols.append(("#" if dim.broadcastable else "") + course_dim(dim.value, layer))
                values.append(memo.get(dim.value))
            elif dim.kind == FIXED:
                symbols.append(str(dim.value))
                values.append(dim.value)
            elif dim.kind == SYMBOLIC:
                symbols.append(dim.text)
                values.append(evaluate(dim, memo))
            elif dim.kind == ANON:
                symbols.append("_")
                values.append(None)

    add(spec.pre)
    if spec.var_kind == VAR_NAMED and stacks.get(spec.var_name):
        for size in stacks[spec.var_name]:
            symbols.append(f"*{spec.var_name}")
            values.append(size)
    elif spec.var_kind != NO_VAR:
        symbols.append(f"*{spec.var_name}" if spec.var_kind == VAR_NAMED else "...")
        values.append(None)
    add(spec.post)
    return symbols, values
