"""The explanation engine: the message for a call whose arrays break their annotations.

Runs only once a check has failed (the checks themselves never build text): the call's
items are replayed from a fresh start, recording where each dimension name got its
value, and the first item that breaks its slot is described in course notation, with
the fix the course vocabulary (`_vocabulary`) gives for that mistake.
"""

import ast
import inspect
import re
import textwrap
import typing
from collections.abc import Callable
from typing import Any

from ._axes import ANON, FIXED, NAMED, NO_VAR, SYMBOLIC, VAR_NAMED, ArraySpec, Dim, Slot
from ._match import (
    BAD_AXIS,
    BAD_DTYPE,
    BAD_RANK,
    BAD_STACK,
    BAD_TYPE,
    OK,
    check_slot,
    evaluate,
    first_bad,
)
from ._spec import typeguard_check
from ._vocabulary import (
    course_dim,
    course_var,
    format_expected,
    rule_note,
    shape_hint,
    transpose_hint,
)


def expected(
    spec: ArraySpec, memo: dict[str, int], stacks: dict[str, tuple[int, ...]], layer: int | None
) -> tuple[list[str], list[int | None]]:
    """The expected shape as course symbols and known values, for messages."""
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


def diagnose(
    function: str,
    items: list[tuple[str, Slot, Any]],
    layer: int | None = None,
    seed: dict[str, int] | None = None,
    sources: dict[str, str] | None = None,
    convention: str | None = None,
) -> str:
    """The message for the first of `items` that breaks its slot, replaying them in order.

    **Arguments:**

    - `function`: the function's name, first in the message.
    - `items`: `(label, slot, value)` in the order they were checked.
    - `layer`: the layer `l`, when known, to print `n[2]` for `n_l`.
    - `seed`: dimension sizes known before the call (`{"n_l": 3}` from `layer_dims`).
    - `sources`: where each seeded size came from (`{"n_l": "layer_dims"}`).
    - `convention`: the weight convention, when known, to quote the course's rule for a
      wrong `Z[l]`, `dW[l]`, `db[l]` or `dA[l-1]` (`dW[3] = (1/m) dZ[3] @ A[2].T`).

    **Returns:** one message in course notation (shapes only, never contents).
    """
    memo: dict[str, int] = dict(seed or {})
    stacks: dict[str, tuple[int, ...]] = {}
    deferred: list[tuple[Dim, int]] = []
    source: dict[str, str] = dict(sources or {})
    owners: list[int] = []  # which item each deferred symbolic axis (`n+1`) came from
    for index, (label, s, value) in enumerate(items):
        before, before_stacks = dict(memo), dict(stacks)
        pending = len(deferred)
        code = check_slot(s, value, memo, stacks, deferred)
        if code != OK:
            why = _describe(label, s, value, code, before, before_stacks, source, layer, convention)
            if code == BAD_AXIS and "Did you mean" not in why:
                why += _earlier_transposed(items, index, seed)
            return f"{function}: {why}"
        owners += [index] * (len(deferred) - pending)
        for key in memo.keys() - before.keys():
            source[key] = _course_label(label)
        for key, stack in stacks.items():
            if before_stacks.get(key) != stack:  # new, or grown by broadcasting
                source["*" + key] = _course_label(label)
        # A size that is wrong now comes first; names still unbound only after the last.
        bad = first_bad(deferred, memo, final=False)
        if bad is None and index == len(items) - 1:
            bad = first_bad(deferred, memo)
        if bad is not None:
            # `n+1` is judged once `n` is bound, maybe by a later item: blame the item
            # that carries the expression, with every size known so far.
            label, s, value = items[owners[bad]]
            why = _describe(label, s, value, BAD_AXIS, memo, stacks, source, layer, convention)
            if evaluate(deferred[bad][0], memo) is None:
                text = deferred[bad][0].text
                unbound = [n for n in deferred[bad][0].value.co_names if n not in memo]
                why += (
                    f" {text} names {', '.join(unbound)}, which no other argument binds:"
                    " annotate one with it, or put the expression in the return annotation."
                )
            return f"{function}: {why}"
    return f"{function}: the shapes do not fit its annotations."


def _earlier_transposed(
    items: list[tuple[str, Slot, Any]], failed: int, seed: dict[str, int] | None
) -> str:
    """The hint when an earlier item, transposed, makes the failed one fit, or `""`.

    `X` given as `(m, n[0])` binds the sizes the wrong way round, and the blame falls on
    the next array (`W`), which is right: replaying the items with one earlier 2-d array
    transposed finds the one at fault.
    """
    for culprit in range(failed):
        label, s, value = items[culprit]
        shape = getattr(value, "shape", None)
        square = isinstance(shape, tuple) and len(shape) == 2 and shape[0] == shape[1]
        if not s.arrays or square or not (isinstance(shape, tuple) and len(shape) == 2):
            continue
        if not hasattr(value, "T"):
            continue
        memo: dict[str, int] = dict(seed or {})
        stacks: dict[str, tuple[int, ...]] = {}
        deferred: list[tuple[Dim, int]] = []
        if (
            all(
                check_slot(s_, value_.T if i == culprit else value_, memo, stacks, deferred) == OK
                for i, (_, s_, value_) in enumerate(items[: failed + 1])
            )
            and first_bad(deferred, memo, final=False) is None
        ):
            return (
                f" With {label}, which is {shape}, transposed every shape fits."
                + transpose_hint(_variable(label))
            )
    return ""


def check_items(
    function: str,
    items: list[tuple[str, Slot, Any]],
    layer: int | None = None,
    seed: dict[str, int] | None = None,
    sources: dict[str, str] | None = None,
    convention: str | None = None,
) -> str | None:
    """Check `items` in order with names shared between them.

    **Returns:** `None` when all fit, else the message for the first that does not
    (see `diagnose` for the arguments).
    """
    memo: dict[str, int] = dict(seed or {})
    stacks: dict[str, tuple[int, ...]] = {}
    deferred: list[tuple[Dim, int]] = []
    for _, s, value in items:
        if check_slot(s, value, memo, stacks, deferred):
            return diagnose(function, items, layer, seed, sources, convention)
    if deferred and first_bad(deferred, memo) is not None:
        return diagnose(function, items, layer, seed, sources, convention)
    return None


def _describe(
    label: str,
    s: Slot,
    value: Any,
    code: int,
    memo: dict[str, int],
    stacks: dict[str, tuple[int, ...]],
    source: dict[str, str],
    layer: int | None,
    convention: str | None = None,
) -> str:
    var = _variable(label)
    if not s.arrays or (code == BAD_TYPE and not hasattr(value, "shape")):
        options = [f"an array {_symbols(a, memo, stacks, layer)}" for a in s.arrays]
        options += [_type_name(o) for o in s.others]
        options += ["None"] if s.optional else []
        want = " or ".join(options)
        detail = ""
        if s.simple_others is None:
            try:
                typeguard_check()(value, s.annotation)
            except Exception as e:  # typeguard says which part of a container is wrong
                detail = f" (typeguard: {e})"
        text = f"{label} must be {want}: got {type(value).__name__}{detail}."
        if s.arrays and isinstance(value, list | tuple) and var.isidentifier():
            text += f" Convert it with np.asarray({var}, dtype=np.float64)."
        shape = getattr(value, "shape", None)
        if isinstance(shape, tuple) and any(o in (float, int) for o in s.others):
            text += shape_hint(var, shape, [])  # a (1, 1) cost: squeeze it
        return text
    spec = s.arrays[0]
    symbols, values = expected(spec, memo, stacks, layer)
    shape = tuple(value.shape)
    if code == BAD_TYPE:
        # A numpy scalar where an array belongs: a sum over every entry, most often.
        return (
            f"{label} must be {_article(spec.array_type.__name__)}"
            f" {format_expected(symbols, values)}:"
            f" got a {type(value).__name__} of shape {shape}."
        ) + shape_hint(var, shape, values)
    if code == BAD_DTYPE:
        return (
            f"{label} must hold {spec.dtype_label} values ({_dtype_family(spec)}):"
            f" got dtype {value.dtype}. Convert it with {var}.astype(np.float64)."
            if spec.dtype_label == "Float"
            else f"{label} must hold {spec.dtype_label} values: got dtype {value.dtype}."
        )
    text = f"{label} must be {format_expected(symbols, values)}: got {shape}"
    used = _used_names(spec)
    # "n[2] = 3, n[1] = 4 from layer_dims; m = 7 from A[1]": one group per source.
    groups: dict[str, list[str]] = {}
    for key in used:
        if key in memo and key in source:
            groups.setdefault(source[key], []).append(f"{course_dim(key, layer)} = {memo[key]}")
    origins = [", ".join(parts) + f" from {where}" for where, parts in groups.items()]
    if spec.var_name and stacks.get(spec.var_name) and "*" + spec.var_name in source:
        origins.append(
            f"stack {spec.var_name} = {stacks[spec.var_name]} from {source['*' + spec.var_name]}"
        )
    if origins:
        text += " (" + "; ".join(origins) + ")"
    text += "."
    if code == BAD_STACK:
        text += f" Its stacked axes {spec.var_name} do not broadcast with the others'."
    elif code != BAD_RANK and all(v is None or v == g for v, g in zip(values, shape, strict=False)):
        text += _conflict(spec, shape, layer)
    hint = ""
    if not any(d.kind == SYMBOLIC for d in spec.pre + spec.post):
        # An unbound (possibly empty) stack `*k` or `...`: hint on the core axes alone.
        core = [
            v
            for sym, v in zip(symbols, values, strict=True)
            if not (v is None and (sym.startswith("*") or sym == "..."))
        ]
        hint = shape_hint(var, shape, core)
        # A transposed view (no copy) answers whether the transpose would fit.
        if (
            not hint
            and len(shape) >= 2
            and code != BAD_RANK
            and spec.fast(value.swapaxes(-1, -2), dict(memo), dict(stacks), []) == OK
        ):
            hint = (
                f" Did you mean {var}.T?"
                if len(shape) == 2
                else f" Did you mean np.swapaxes({var}, -1, -2)?"
            )
        text += hint
    if not hint and convention is not None:
        text += rule_note(_course_label(label).removeprefix("returned "), convention)
    return text


# A label that carries the code's name after the course's: `A[l-1] (A_prev)`.
_WRITTEN = re.compile(r"^(.*) \((\w+)\)$")


def _variable(label: str) -> str:
    """The name to use in a fix (`W.T`, `db.reshape(3, 1)`): `W[2]` -> `W`, and the code's
    own name where the label carries it (`A[l-1] (A_prev)` -> `A_prev`)."""
    written = _WRITTEN.match(label)
    if written:
        return written.group(2)
    var = label.removeprefix("returned ").split("[")[0]
    return var.split(" ")[0] if not var.startswith("the ") else var


def _code_label(name: str) -> str:
    """`A_prev` -> `A[l-1] (A_prev)`, `W1` -> `W[1] (W1)`; `W`, `db`, `X` stay as written.

    Bare course letters keep their spelling (the layer is unknown to a decorator, and
    `W` says as much as `W[l]`); other names get the course's form, with the code's
    name after it so that the student finds the variable.
    """
    course = course_var(name)
    if course == name or course.startswith(name + "["):
        return name
    return f"{course} ({name})"


def _course_label(label: str) -> str:
    """The label without the code's name: where a size came from reads `from A[l-1]`."""
    written = _WRITTEN.match(label)
    return written.group(1) if written else label


def _conflict(spec: ArraySpec, shape: tuple[int, ...], layer: int | None) -> str:
    seen: dict[str, int] = {}
    sizes = shape[: len(spec.pre)] + (shape[len(shape) - len(spec.post) :] if spec.post else ())
    for dim, size in zip(spec.pre + spec.post, sizes, strict=False):
        if dim.kind == 0 and not (size == 1 and dim.broadcastable):
            if dim.value in seen and seen[dim.value] != size:
                return (
                    f" {course_dim(dim.value, layer)} cannot be both {seen[dim.value]} and {size}."
                )
            seen[dim.value] = size
    return ""


def _used_names(spec: ArraySpec) -> list[str]:
    names: list[str] = []
    for dim in spec.pre + spec.post:
        if dim.kind == 0 and dim.value not in names:
            names.append(dim.value)
        elif dim.kind == SYMBOLIC:
            names += [n for n in dim.value.co_names if n not in names]
    return names


def _symbols(spec: ArraySpec, memo: dict[str, int], stacks: Any, layer: int | None) -> str:
    return format_expected(*expected(spec, memo, stacks, layer))


def _article(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def _dtype_family(spec: ArraySpec) -> str:
    return "float16, float32 or float64" if spec.dtype_label == "Float" else spec.dtype_label


def _type_name(annotation: Any) -> str:
    if isinstance(annotation, type) and typing.get_origin(annotation) is None:
        return annotation.__name__
    return repr(annotation).replace("typing.", "")


def _return_names(fn: Callable[..., Any]) -> list[str] | None:
    """The names in `return dA_prev, dW, db`, read from the source, so messages say `dW`."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return None
    func = tree.body[0] if tree.body else None
    if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    found: list[str] | None = None
    stack: list[ast.AST] = list(func.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
            # Only plain names make good labels (`dW`); an expression gives its position.
            names = [
                ast.unparse(e) if isinstance(e, ast.Name | ast.Attribute) else ""
                for e in node.value.elts
            ]
            if found is None:
                found = names
            elif found != names:
                return None
        stack.extend(ast.iter_child_nodes(node))
    return found
