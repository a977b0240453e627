"""The reference interpreter for one array annotation, kept only as a test oracle.

dimcheck matches with generated straight-line code (`dimcheck._fast.compile_matcher`);
this loop over a spec's axes is the plain reading of the same rules, and the property
tests in `test_matchers.py` hold the two together.
"""

from typing import Any

from dimcheck._axes import FIXED, NAMED, NO_VAR, SYMBOLIC, VAR_NAMED, ArraySpec, Dim
from dimcheck._match import BAD_AXIS, BAD_DTYPE, BAD_RANK, BAD_STACK, BAD_TYPE, OK, broadcast


def match(
    spec: ArraySpec,
    x: Any,
    memo: dict[str, int],
    stacks: dict[str, tuple[int, ...]],
    deferred: list[tuple[Dim, int]],
) -> int:
    """Check `x` against `spec`, binding new dimension names into `memo`/`stacks`.

    **Returns:** `OK` (0) or the failure code; symbolic axes (`n+1`) are appended to
    `deferred` with their actual sizes, to be judged once every name is bound.
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
    for dim, size in zip(dims, sizes, strict=True):
        if dim.kind == NAMED:
            if size == 1 and dim.broadcastable:
                continue
            seen_size = memo.get(dim.value)
            if seen_size is None:
                memo[dim.value] = size
            elif seen_size != size:
                return BAD_AXIS
        elif dim.kind == FIXED:
            if size != dim.value and not (size == 1 and dim.broadcastable):
                return BAD_AXIS
        elif dim.kind == SYMBOLIC:
            deferred.append((dim, size))
    return OK
