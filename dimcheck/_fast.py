"""The one matcher: straight-line Python generated per annotation and per signature.

For a fixed annotation the axes, their kinds and the slicing are known at decoration
time, so the checks are written out once as source (`MatchWriter`, the only place the
matching rules become code) and compiled; a call runs no loop over axes and no kind
tests. Property tests hold the generated code to a plain interpreter of the same rules
(`tests/dimcheck/_oracle.py`), and the fused wrapper (`_wrapper`) to these matchers.
"""

from collections.abc import Callable, Sequence
from typing import Any

from ._axes import ANON, FIXED, NAMED, NO_VAR, SYMBOLIC, VAR_NAMED, ArraySpec, Dim
from ._match import (
    BAD_AXIS,
    BAD_DTYPE,
    BAD_RANK,
    BAD_STACK,
    BAD_TYPE,
    OK,
    broadcast,
    check_slot,
    deferred_ok,
)

Matcher = Callable[[Any, dict[str, int], dict[str, tuple[int, ...]], list[tuple[Dim, int]]], int]


def compile_matcher(spec: ArraySpec) -> Matcher:
    """The matcher of one array annotation: `(x, memo, stacks, deferred) -> code`.

    **Arguments:**

    - `spec`: the compiled annotation.

    **Returns:** a function that checks `x` against `spec`, binding new dimension names
    into `memo` (sizes) and `stacks` (variadic `*k` shapes; `*#k` keeps the broadcast of
    all stacks seen), appending symbolic axes (`n+1`) with their sizes to `deferred`, and
    returns `OK` (0) or the failure code (on failure the memos may be part-updated).
    """
    namespace: dict[str, Any] = {"broadcast": broadcast}
    writer = MatchWriter(namespace, "    ", in_memo=True)
    writer.array(spec, "", 0, lambda code: f"return {code}", definite=True)
    lines = ["def matcher(x, memo, stacks, deferred):", *writer.lines(), f"    return {OK}"]
    exec(compile("\n".join(lines), f"<dimcheck matcher {spec.text!r}>", "exec"), namespace)
    matcher: Matcher = namespace["matcher"]
    return matcher


class MatchWriter:
    """Writes the checks of arrays against their specs as straight-line Python.

    The one place the matching rules become code, used two ways:

    - `in_memo=True` (`compile_matcher`): names are bound in the call's `memo` and
      `stacks` dicts and symbolic axes (`n+1`) appended to `deferred`, so that several
      matchers and the general checks share them; each failure returns its code.
    - `in_memo=False` (`_wrapper.compile_wrapper`): names live in local variables of one
      generated function, and a name bound on every path to a line (`definite`) is
      compared without testing whether it is bound yet. No symbolic axes.

    `fail(code)` gives the statement a failure runs (`return 4`, `return FAIL(...)`).
    """

    def __init__(self, ns: dict[str, Any], indent: str, in_memo: bool) -> None:
        self.ns = ns
        self.indent = indent
        self.in_memo = in_memo
        self.body: list[str] = []
        self.locals: dict[str, str] = {}  # dimension (or `*stack`) name -> local variable
        self.surely: set[str] = set()  # bound on every path reaching the current line
        self.unset: list[str] = []  # locals read before they are surely bound: set to None

    def add(self, line: str, depth: int = 0) -> None:
        self.body.append(self.indent + "    " * depth + line)

    def lines(self) -> list[str]:
        return [self.indent + f"{local} = None" for local in self.unset] + self.body

    def array(
        self,
        spec: ArraySpec,
        tag: str,
        depth: int,
        fail: Callable[[int], str],
        definite: bool,
    ) -> None:
        """Check `x` against `spec` (`tag` names its constants in the namespace)."""
        add = self.add
        self.ns[f"T{tag}"] = spec.array_type
        add(f"if not isinstance(x, T{tag}):", depth)
        add(fail(BAD_TYPE), depth + 1)
        if spec.dtypes is not None:
            self.ns[f"D{tag}"], self.ns[f"N{tag}"] = spec.dtypes, spec.dtype_names
            # The accepted dtype met most (float64 for `Float`) is tested by identity
            # first: the common case costs an `is`, not a hash.
            self.ns[f"F{tag}"] = _likely_dtype(spec.dtypes)
            add("dt = x.dtype", depth)
            add(f"if dt is not F{tag} and dt not in D{tag} and dt.name not in N{tag}:", depth)
            add(fail(BAD_DTYPE), depth + 1)
        n_pre, n_post = len(spec.pre), len(spec.post)
        sizes: list[tuple[Dim, str]]
        if spec.var_kind == NO_VAR:
            # Unpacking tests the rank and names the sizes in one step.
            names = [f"a{i}" if dim.kind != ANON else "_" for i, dim in enumerate(spec.pre)]
            target = "(" + ", ".join(names) + ",)" if names else "()"
            add("try:", depth)
            add(f"{target} = x.shape", depth + 1)
            add("except ValueError:", depth)
            add(fail(BAD_RANK), depth + 1)
            sizes = list(zip(spec.pre, names, strict=True))
        else:
            add("s = x.shape", depth)
            add(f"if len(s) < {n_pre + n_post}:", depth)
            add(fail(BAD_RANK), depth + 1)
            sizes = [(dim, f"s[{i}]") for i, dim in enumerate(spec.pre)]
            sizes += [(dim, f"s[{i - n_post}]") for i, dim in enumerate(spec.post)]
            if spec.var_kind == VAR_NAMED:
                stop = f"len(s) - {n_post}" if n_post else "len(s)"
                add(f"stack = s[{n_pre}:{stop}]", depth)
                self.stack(spec.var_name, spec.var_broadcastable, depth, fail, definite)
        for number, (dim, size) in enumerate(sizes):
            if dim.kind == ANON:
                continue
            inner = depth
            if dim.broadcastable:  # size 1 fits whatever the axis says, and binds nothing
                add(f"if {size} != 1:", depth)
                inner = depth + 1
            if dim.kind == FIXED:
                add(f"if {size} != {int(dim.value)}:", inner)
                add(fail(BAD_AXIS), inner + 1)
            elif dim.kind == NAMED:
                self.bind(dim.value, size, inner, fail, definite and not dim.broadcastable)
            elif dim.kind == SYMBOLIC:  # judged once every name is bound (memo mode only)
                self.ns[f"DIM{tag}_{number}"] = dim
                add(f"deferred.append((DIM{tag}_{number}, {size}))", inner)

    def bind(
        self, name: str, size: str, depth: int, fail: Callable[[int], str], definite: bool
    ) -> None:
        """Bind the dimension `name` to `size`, or compare it with the size it has."""
        add = self.add
        if self.in_memo:
            add(f"seen = memo.get({name!r})", depth)
            add("if seen is None:", depth)
            add(f"memo[{name!r}] = {size}", depth + 1)
            add(f"elif seen != {size}:", depth)
            add(fail(BAD_AXIS), depth + 1)
            return
        local = self._local(name, definite)
        if local is None:  # the first place the name appears, on every path: bind it
            add(f"{self.locals[name]} = {size}", depth)
        elif name in self.surely:
            add(f"if {local} != {size}:", depth)
            add(fail(BAD_AXIS), depth + 1)
        else:
            add(f"if {local} is None:", depth)
            add(f"{local} = {size}", depth + 1)
            add(f"elif {local} != {size}:", depth)
            add(fail(BAD_AXIS), depth + 1)
        if definite:
            self.surely.add(name)

    def stack(
        self,
        name: str,
        broadcastable: bool,
        depth: int,
        fail: Callable[[int], str],
        definite: bool,
    ) -> None:
        """Bind the variadic `*name` to `stack`; `*#name` keeps the broadcast of all."""
        add = self.add
        if self.in_memo:
            add(f"seen = stacks.get({name!r})", depth)
            slot = f"stacks[{name!r}]"
        else:
            local = self._local("*" + name, definite)
            slot = self.locals["*" + name]
            if local is None:
                add(f"{slot} = stack", depth)
                self.surely.add("*" + name)
                return
            add(f"seen = {slot}", depth)
        add("if seen is None:", depth)
        add(f"{slot} = stack", depth + 1)
        add("elif seen != stack:", depth)
        if broadcastable:
            add("joint = broadcast(seen, stack)", depth + 1)
            add("if joint is None:", depth + 1)
            add(fail(BAD_STACK), depth + 2)
            add(f"{slot} = joint", depth + 1)
        else:
            add(fail(BAD_STACK), depth + 1)
        if definite and not self.in_memo:
            self.surely.add("*" + name)

    def _local(self, name: str, definite: bool) -> str | None:
        """The local variable of `name`; `None` when this is its first, definite binding."""
        local = self.locals.get(name)
        if local is not None:
            return local
        local = self.locals[name] = f"d{len(self.locals)}"
        if definite:
            return None
        self.unset.append(local)
        return local


def _likely_dtype(dtypes: frozenset[Any]) -> Any:
    for dtype in dtypes:
        if getattr(dtype, "name", "") == "float64":
            return dtype
    return next(iter(dtypes), None)


def compile_calls(
    params: Sequence[tuple[str, int, Any, bool, Any]],
    result: Any,
    elements: tuple[Any, ...] | None,
    homogeneous: bool,
) -> tuple[Callable[..., Any], Callable[..., bool]]:
    """Straight-line checks of one signature: `(check_in, check_out)`.

    **Arguments:**

    - `params`: `(name, position, single array spec or None, optional, slot)` per checked
      parameter, `position` past any real one for keyword-only parameters.
    - `result`, `elements`, `homogeneous`: the compiled return annotation (one slot, or
      one per tuple element; `homogeneous` for `tuple[X, ...]`).

    **Returns:** `check_in(args, kwargs)`, giving `(memo, stacks, deferred)` or `None` on
    a failure, and `check_out(out, memo, stacks, deferred) -> bool`.
    """
    ns: dict[str, Any] = {"MISSING": MISSING, "check_slot": check_slot, "deferred_ok": deferred_ok}
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


# Stands for an argument not passed (and, to `fail`, for "no return value yet").
MISSING = object()


def compile_fits(slots: Sequence[Any]) -> Callable[..., dict[str, int] | None] | None:
    """One yes-or-no check of several values against their slots, names shared.

    For the instrument rules' fixed lists of slots (`rule_slot`: one array annotation of
    names and sizes each), the checks are written out once as straight-line code, with
    the dimension names in local variables seeded from a dict of known sizes.

    **Arguments:**

    - `slots`: the slots, in the order their values will be passed.

    **Returns:** `fits(seed, *values)`, giving the sizes of every dimension name the slots
    use (a new dict) when every value fits its slot with the sizes in `seed` (`{"n_l":
    3}`, not modified) and the names bound in order, as `check_items` would find, and
    `None` otherwise; or `None` when a slot is not of that simple kind (optional, a
    union, non-arrays, `*k`, `...` or `n+1`), which callers then leave to the general
    checks.
    """
    specs = []
    for slot in slots:
        if slot.optional or slot.others or len(slot.arrays) != 1:
            return None
        spec = slot.arrays[0]
        if spec.var_kind != NO_VAR or spec.has_symbolic:
            return None
        specs.append(spec)
    namespace: dict[str, Any] = {"broadcast": broadcast}
    writer = MatchWriter(namespace, "    ", in_memo=False)
    seeded = []
    for spec in specs:
        for dim in spec.pre:
            if dim.kind == NAMED and dim.value not in writer.locals:
                local = writer.locals[dim.value] = f"d{len(writer.locals)}"
                seeded.append(f"    {local} = seed.get({dim.value!r})")
    for number, spec in enumerate(specs):
        writer.add(f"x = x{number}")
        writer.array(spec, str(number), 0, lambda code: "return None", definite=False)
    arguments = "".join(f", x{number}" for number in range(len(specs)))
    sizes = ", ".join(f"{name!r}: {local}" for name, local in writer.locals.items())
    lines = [
        f"def fits(seed{arguments}):",
        *seeded,
        *writer.lines(),
        f"    return {{{sizes}}}",
    ]
    exec(compile("\n".join(lines), "<dimcheck fits>", "exec"), namespace)
    fits: Callable[..., dict[str, int] | None] = namespace["fits"]
    return fits
