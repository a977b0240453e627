"""Straight-line Python for one array annotation: `_match.match`, unrolled per spec.

`match` walks a spec's axes in a loop; for a fixed spec the loop, the kind tests and
the slicing are known at decoration time, so they are written out once as source and
compiled. Same inputs, same result codes (a property test holds the two together).
"""

from collections.abc import Callable, Sequence
from typing import Any

from ._match import BAD_AXIS, BAD_DTYPE, BAD_RANK, BAD_STACK, BAD_TYPE, OK, broadcast
from ._spec import ANON, FIXED, NAMED, NO_VAR, SYMBOLIC, VAR_NAMED, ArraySpec, Dim

Matcher = Callable[[Any, dict[str, int], dict[str, tuple[int, ...]], list[tuple[Dim, int]]], int]


def compile_matcher(spec: ArraySpec) -> Matcher:
    """A function `(x, memo, stacks, deferred) -> code` equivalent to `match(spec, ...)`."""
    lines = ["def matcher(x, memo, stacks, deferred):"]
    add = lines.append
    add("    if not isinstance(x, ARRAY_TYPE):")
    add(f"        return {BAD_TYPE}")
    if spec.dtypes is not None:
        add("    if x.dtype not in DTYPES and x.dtype.name not in DTYPE_NAMES:")
        add(f"        return {BAD_DTYPE}")
    add("    s = x.shape")
    n_pre, n_post = len(spec.pre), len(spec.post)
    if spec.var_kind == NO_VAR:
        add(f"    if len(s) != {n_pre}:")
    else:
        add(f"    if len(s) < {n_pre + n_post}:")
    add(f"        return {BAD_RANK}")
    if spec.var_kind == VAR_NAMED:
        stop = f"len(s) - {n_post}" if n_post else "len(s)"
        add(f"    stack = s[{n_pre}:{stop}]")
        add(f"    seen = stacks.get({spec.var_name!r})")
        add("    if seen is None:")
        add(f"        stacks[{spec.var_name!r}] = stack")
        add("    elif seen != stack:")
        if spec.var_broadcastable:
            add("        joint = broadcast(seen, stack)")
            add("        if joint is None:")
            add(f"            return {BAD_STACK}")
            add(f"        stacks[{spec.var_name!r}] = joint")
        else:
            add(f"        return {BAD_STACK}")
    constants: dict[str, Any] = {}
    axes = [(dim, str(i)) for i, dim in enumerate(spec.pre)]
    axes += [(dim, str(i - n_post)) for i, dim in enumerate(spec.post)]
    for number, (dim, index) in enumerate(axes):
        if dim.kind == ANON:
            continue
        add(f"    v = s[{index}]")
        indent = "    "
        if dim.broadcastable:
            add("    if v != 1:")
            indent = "        "
        if dim.kind == NAMED:
            add(f"{indent}seen_size = memo.get({dim.value!r})")
            add(f"{indent}if seen_size is None:")
            add(f"{indent}    memo[{dim.value!r}] = v")
            add(f"{indent}elif seen_size != v:")
            add(f"{indent}    return {BAD_AXIS}")
        elif dim.kind == FIXED:
            add(f"{indent}if v != {int(dim.value)}:")
            add(f"{indent}    return {BAD_AXIS}")
        elif dim.kind == SYMBOLIC:
            constants[f"DIM{number}"] = dim
            # match() defers a broadcastable symbolic axis of size 1 too; deferred_ok
            # then accepts it, so skipping it here gives the same verdict.
            add(f"{indent}deferred.append((DIM{number}, v))")
    add(f"    return {OK}")
    namespace: dict[str, Any] = {
        "ARRAY_TYPE": spec.array_type,
        "DTYPES": spec.dtypes,
        "DTYPE_NAMES": spec.dtype_names,
        "broadcast": broadcast,
        **constants,
    }
    exec(compile("\n".join(lines), f"<dimcheck matcher {spec.text!r}>", "exec"), namespace)
    matcher: Matcher = namespace["matcher"]
    return matcher


def compile_calls(
    params: Sequence[tuple[str, int, Any, bool, Any]],
    result: Any,
    elements: tuple[Any, ...] | None,
    homogeneous: bool,
    check_slot: Callable[..., int],
    deferred_ok: Callable[..., bool],
) -> tuple[Callable[..., Any], Callable[..., bool]]:
    """Straight-line checks of one signature: `(check_in, check_out)`.

    **Arguments:**

    - `params`: `(name, position, single array spec or None, optional, slot)` per checked
      parameter, `position` past any real one for keyword-only parameters.
    - `result`, `elements`, `homogeneous`: the compiled return annotation (one slot, or
      one per tuple element; `homogeneous` for `tuple[X, ...]`).
    - `check_slot`, `deferred_ok`: the general checks, for slots with no single spec.

    **Returns:** `check_in(args, kwargs)`, giving `(memo, stacks, deferred)` or `None` on
    a failure, and `check_out(out, memo, stacks, deferred) -> bool`.
    """
    ns: dict[str, Any] = {"MISSING": _MISSING, "check_slot": check_slot, "deferred_ok": deferred_ok}
    lines = ["def check_in(args, kwargs):", "    memo = {}", "    stacks = {}", "    deferred = []"]
    add = lines.append
    if params:
        add("    count = len(args)")
    for i, (name, position, spec, optional, slot) in enumerate(params):
        add(f"    if count > {position}:")
        add(f"        x = args[{position}]")
        add("    elif kwargs:")
        add(f"        x = kwargs.get({name!r}, MISSING)")
        add("    else:")
        add("        x = MISSING")
        if spec is not None:
            ns[f"M{i}"] = spec.fast
            test = f"M{i}(x, memo, stacks, deferred)"
            if optional:
                add(f"    if x is not MISSING and x is not None and {test}:")
            else:
                add(f"    if x is not MISSING and {test}:")
        else:
            ns[f"S{i}"] = slot
            add(f"    if x is not MISSING and check_slot(S{i}, x, memo, stacks, deferred):")
        add("        return None")
    # Not final: `n+1` in an argument may name an `n` that only the return value binds.
    add("    if deferred and not deferred_ok(deferred, memo, False):")
    add("        return None")
    add("    return memo, stacks, deferred")

    add("def check_out(out, memo, stacks, deferred):")
    if result is not None:
        ns["RESULT"] = result
        add("    if check_slot(RESULT, out, memo, stacks, deferred):")
        add("        return False")
    elif elements is not None:
        add("    if not isinstance(out, tuple):")
        add("        return False")
        if homogeneous:
            ns["ELEMENT"] = elements[0]
            add("    for x in out:")
            add("        if check_slot(ELEMENT, x, memo, stacks, deferred):")
            add("            return False")
        else:
            add(f"    if len(out) != {len(elements)}:")
            add("        return False")
            for i, slot in enumerate(elements):
                if slot is None:
                    continue
                single = slot.arrays[0] if len(slot.arrays) == 1 and not slot.others else None
                if single is not None and not slot.optional:
                    ns[f"E{i}"] = single.fast
                    add(f"    if E{i}(out[{i}], memo, stacks, deferred):")
                else:
                    ns[f"T{i}"] = slot
                    add(f"    if check_slot(T{i}, out[{i}], memo, stacks, deferred):")
                add("        return False")
    add("    return not deferred or deferred_ok(deferred, memo)")
    exec(compile("\n".join(lines), "<dimcheck signature>", "exec"), ns)
    return ns["check_in"], ns["check_out"]


_MISSING = object()
