"""The checked call as one generated function: matchers, call and return check, inlined.

For the common signature (each checked parameter and returned element one array
annotation of names, sizes and `_`, possibly with a `*k`/`...` part, or a non-array type)
`@dimcheck.shapes` needs no dicts and no calls besides the wrapped one: the dimension
names live in local variables, and a call that passes its arguments by position, all of
them, binds each name at a place known when the code is written (`n_l = shape[0]`), so
that the checks are plain comparisons. Other calls (keywords, defaults left out) run a
second body that tests whether each name is bound yet. Anything else (`n+1`, unions of
arrays, `tuple[X, ...]`) is left to `_fast.compile_calls`'s general checks.

No text is built on either path: a failing check calls `fail`, which explains the call
from scratch (`_explain`).
"""

from collections.abc import Callable, Sequence
from typing import Any

from ._axes import ArraySpec
from ._fast import MISSING, MatchWriter
from ._match import broadcast
from ._switch import SUSPENDED

# One checked value: (where it comes from, array spec or None, may be None, acceptor).
# The acceptor of a non-array is `(True, classes)` for an isinstance test, or
# `(False, predicate)`.
_Item = tuple[int, str, Any, bool, Any]


def compile_wrapper(
    params: Sequence[tuple[str, int, Any, bool, Any]],
    result: Any,
    elements: tuple[Any, ...] | None,
    homogeneous: bool,
    *,
    positional: int | None,
    target: Callable[..., Any],
    on: list[bool],
    mode: Callable[[], int],
    run_strict: Callable[[tuple[Any, ...], dict[str, Any]], Any],
    fail: Callable[[tuple[Any, ...], dict[str, Any], Any], Any],
) -> Callable[..., Any] | None:
    """`checked(*args, **kwargs)` for one signature, or `None` if it needs the general checks.

    **Arguments:**

    - `params`: `(name, position, single array spec or None, optional, slot)` per checked
      parameter (as for `_fast.compile_calls`).
    - `result`, `elements`, `homogeneous`: the compiled return annotation.
    - `positional`: how many parameters can be passed by position (`None`: no fast body);
      a call with exactly that many positional arguments and no keywords takes the body
      whose names are bound at known places.
    - `target`: the function to call (possibly its strict-broadcasting copy).
    - `on`: the switch cell (`_switch._ON`): when off, the call goes straight through.
    - `mode`: `_switch.mode`, read once per call: inside `with dimcheck.disabled():` the
      call goes straight through; inside `with dimcheck.strict_broadcasting():`
      `run_strict(args, kwargs)` makes the call instead of `target`.
    - `fail(args, kwargs, out)`: raises the explained `ShapeError` (`out` is `MISSING` when
      an argument failed).

    **Returns:** the wrapper, or `None`.
    """
    if homogeneous or (result is not None and elements is not None):
        return None
    inputs: list[_Item] = []
    for name, position, spec, optional, slot in params:
        item = _item(spec, slot)
        if item is None:
            return None
        inputs.append((position, name, item[0], optional or item[1], item[2]))
    outputs: list[_Item] = []
    if result is not None:
        item = _item(None, result)
        if item is None:
            return None
        outputs.append((-1, "out", item[0], item[1], item[2]))
    for index, element in enumerate(elements or ()):
        if element is None:
            continue
        item = _item(None, element)
        if item is None:
            return None
        outputs.append((-1, f"out[{index}]", item[0], item[1], item[2]))

    ns: dict[str, Any] = {
        "MISSING": MISSING,
        "ON": on,
        "TARGET": target,
        "MODE": mode,
        "RUN_STRICT": run_strict,
        "FAIL": fail,
        "broadcast": broadcast,
    }
    # `mode` is 0 unless a `disabled()` or `strict_broadcasting()` block is active.
    lines = [
        "def checked(*args, **kwargs):",
        "    if not ON[0]:",
        "        return TARGET(*args, **kwargs)",
        "    mode = MODE()",
        f"    if mode and mode & {SUSPENDED}:",
        "        return TARGET(*args, **kwargs)",
    ]
    positions_known = positional is not None and all(p < positional for p, *_ in inputs)
    if positions_known:
        lines.append(f"    if not kwargs and len(args) == {positional}:")
        lines += _body(inputs, outputs, elements, ns, "        ", by_position=True)
    lines += _body(inputs, outputs, elements, ns, "    ", by_position=False)
    exec(compile("\n".join(lines), "<dimcheck wrapper>", "exec"), ns)
    wrapper: Callable[..., Any] = ns["checked"]
    return wrapper


def _item(spec: ArraySpec | None, slot: Any) -> tuple[Any, bool, Any] | None:
    """`(array spec or None, optional, acceptor or None)`, or `None` when not inlinable."""
    if spec is None and len(slot.arrays) == 1 and not slot.others:
        spec = slot.arrays[0]
    if spec is not None:
        return None if spec.has_symbolic else (spec, slot.optional, None)
    if slot.arrays or not slot.others:
        return None
    if slot.simple_others is not None:
        return None, slot.optional, (True, slot.simple_others)
    return None, slot.optional, (False, slot.accepts)


def _body(
    inputs: list[_Item],
    outputs: list[_Item],
    elements: tuple[Any, ...] | None,
    ns: dict[str, Any],
    indent: str,
    by_position: bool,
) -> list[str]:
    """The checks, the call and the return checks, for one way of passing the arguments."""
    writer = MatchWriter(ns, indent, in_memo=False)
    add = writer.add

    def fail_in(code: int) -> str:
        return "return FAIL(args, kwargs, MISSING)"

    for number, (position, name, spec, optional, acceptor) in enumerate(inputs):
        if by_position:
            add(f"x = args[{position}]")
            present = "x is not None" if optional else ""
        else:
            add(f"if len(args) > {position}:")
            add(f"    x = args[{position}]")
            add("else:")
            add(f"    x = kwargs.get({name!r}, MISSING)")
            present = "x is not MISSING" + (" and x is not None" if optional else "")
        _value(writer, spec, acceptor, f"P{number}", present, fail_in)
    add("if mode:")  # not suspended (that returned above): strict broadcasting
    add("    out = RUN_STRICT(args, kwargs)")
    add("else:")
    add("    out = TARGET(*args)" if by_position else "    out = TARGET(*args, **kwargs)")

    def fail_out(code: int) -> str:
        return "return FAIL(args, kwargs, out)"

    if elements is not None:
        # `type(...) is tuple` first: exact tuples (the common case) skip the isinstance.
        add(f"if type(out) is not tuple or len(out) != {len(elements)}:")
        add(f"    if not isinstance(out, tuple) or len(out) != {len(elements)}:")
        add(f"        {fail_out(0)}")
    for number, (_, expression, spec, optional, acceptor) in enumerate(outputs):
        add(f"x = {expression}")
        present = "x is not None" if optional else ""
        _value(writer, spec, acceptor, f"R{number}", present, fail_out)
    add("return out")
    return writer.lines()


def _value(
    writer: MatchWriter,
    spec: ArraySpec | None,
    acceptor: Any,
    tag: str,
    present: str,
    fail: Callable[[int], str],
) -> None:
    """Check `x`: against `spec`, or with `acceptor` for a non-array; `present` guards."""
    if spec is None:
        plain, what = acceptor
        writer.ns[tag] = what
        test = f"not isinstance(x, {tag})" if plain else f"not {tag}(x)"
        writer.add(f"if {present + ' and ' if present else ''}{test}:")
        writer.add(fail(0), 1)
        return
    depth = 0
    if present:
        writer.add(f"if {present}:")
        depth = 1
    writer.array(spec, tag, depth, fail, definite=not present)
