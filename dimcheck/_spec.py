"""Reading jaxtyping annotations once, at decoration time, into plain matching specs."""

import types
import typing
from dataclasses import dataclass, field
from typing import Any

from ._errors import AnnotationError

# Kinds of one axis in a dimension string.
NAMED, FIXED, SYMBOLIC, ANON = 0, 1, 2, 3
# Kinds of the variadic part (`*name`, `*#name`, `...`).
NO_VAR, VAR_ANON, VAR_NAMED = 0, 1, 2

# What a symbolic axis (`n+1`) may call: arithmetic only, no access to anything else.
SAFE_BUILTINS = {"min": min, "max": max, "abs": abs, "int": int}


@dataclass(frozen=True, slots=True)
class Dim:
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
    # `_fast.compile_matcher(self)`, set right after construction (same verdicts as match).
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


def is_array_annotation(annotation: object) -> bool:
    """Whether `annotation` is a jaxtyping array type such as `Float[np.ndarray, "n m"]`."""
    return (
        isinstance(annotation, type)
        and hasattr(annotation, "dim_str")
        and hasattr(annotation, "dtypes")
        and hasattr(annotation, "array_type")
    )


def parse_dims(dim_str: str, where: str) -> tuple[tuple[Dim, ...], tuple[Dim, ...], int, str, bool]:
    """Split a dimension string into (pre, post, variadic kind, variadic name, broadcastable).

    Follows jaxtyping's language: names, integers, expressions (`n+1`), `_`, `#name`
    (size 1 allowed), `*name`, `*#name`, `...`, and `name=3` for a fixed size.
    """
    pre: list[Dim] = []
    post: list[Dim] = []
    var_kind, var_name, var_bc = NO_VAR, "", False
    for token in dim_str.split():
        if "," in token and "(" not in token:
            raise AnnotationError(f"{where}: axes are separated by spaces, not commas: {dim_str!r}")
        elem = token
        broadcastable = variadic = anonymous = False
        if elem == "...":
            variadic = anonymous = True
            elem = ""
        while elem:
            if elem[0] == "#" and not broadcastable:
                broadcastable, elem = True, elem[1:]
            elif elem[0] == "*" and not variadic:
                variadic, elem = True, elem[1:]
            elif elem[0] == "_" and not anonymous:
                anonymous, elem = True, elem[1:]
            elif elem.count("=") == 1 and "==" not in elem:
                elem = elem.split("=")[1]
            else:
                break
        if variadic:
            if var_kind != NO_VAR:
                raise AnnotationError(
                    f"{where}: only one variadic axis (`*name` or `...`) per array: {dim_str!r}"
                )
            if anonymous or not elem:
                var_kind = VAR_ANON
            elif elem.isidentifier():
                var_kind, var_name, var_bc = VAR_NAMED, elem, broadcastable
            else:
                raise AnnotationError(f"{where}: a variadic axis must be a name: {token!r}")
            continue
        target = pre if var_kind == NO_VAR else post
        if anonymous or elem == "":
            target.append(Dim(ANON, None, "_", False))
        elif elem.isidentifier():
            target.append(Dim(NAMED, elem, elem, broadcastable))
        elif elem.isdigit():
            target.append(Dim(FIXED, int(elem), elem, broadcastable))
        else:
            try:
                code = compile(elem, "<dimension>", "eval")
            except SyntaxError as e:
                raise AnnotationError(f"{where}: cannot read the axis {token!r}") from e
            target.append(Dim(SYMBOLIC, code, elem, broadcastable))
    return tuple(pre), tuple(post), var_kind, var_name, var_bc


def array_spec(annotation: Any, where: str) -> ArraySpec:
    """Compile a jaxtyping array annotation into an `ArraySpec`."""
    dim_str = annotation.dim_str
    pre, post, var_kind, var_name, var_bc = parse_dims(dim_str, where)
    raw_dtypes = annotation.dtypes
    names: frozenset[str] = frozenset()
    dtypes = None
    if isinstance(raw_dtypes, tuple | list) and all(isinstance(d, str) for d in raw_dtypes):
        names = frozenset(raw_dtypes)
        # dtype objects compare in ~30 ns; `dtype.name` builds a string (~2 us) each time.
        dtypes = frozenset(_numpy_dtype(name) for name in names) - {None}
    array_type = annotation.array_type
    if not isinstance(array_type, type):
        array_type = object
    label = getattr(getattr(annotation, "dtype", None), "__name__", "Shaped")
    return _with_matcher(
        array_type=array_type,
        dtypes=dtypes,
        dtype_names=names,
        dtype_label=label,
        pre=pre,
        post=post,
        var_kind=var_kind,
        var_name=var_name,
        var_broadcastable=var_bc,
        text=dim_str,
        has_symbolic=any(d.kind == SYMBOLIC for d in pre + post),
    )


def _union_members(annotation: Any) -> tuple[Any, ...] | None:
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        return typing.get_args(annotation)
    return None


def slot(annotation: Any, where: str) -> Slot | None:
    """Compile one annotation; `None` when it asks for no check at all (`Any`, `object`)."""
    if annotation is Any or annotation is object:
        return None
    members = _union_members(annotation) or (annotation,)
    arrays: list[ArraySpec] = []
    others: list[Any] = []
    optional = False
    for member in members:
        if member is None or member is type(None):
            optional = True
        elif is_array_annotation(member):
            arrays.append(array_spec(member, where))
        elif member is Any or member is object:
            return None
        else:
            others.append(member)
    simple = None
    if all(isinstance(o, type) and typing.get_origin(o) is None for o in others):
        expanded: list[type] = []
        for o in others:
            expanded.append(o)
            # PEP 484's numeric tower, as typeguard applies it: an int is a fine float.
            if o is float:
                expanded.append(int)
            if o is complex:
                expanded += [float, int]
        simple = tuple(expanded)
    result = Slot(tuple(arrays), optional, tuple(others), simple, annotation)
    object.__setattr__(result, "accepts", _acceptor(others))
    return result


def _acceptor(others: list[Any]) -> Any:
    """A predicate `value -> bool` for the non-array members of an annotation."""
    checks = [_member_check(o) for o in others]
    if len(checks) == 1:
        return checks[0]
    return lambda value: any(check(value) for check in checks)


def _member_check(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if isinstance(annotation, type) and origin is None:
        kinds: tuple[type, ...] = (annotation,)
        if annotation is float:
            kinds = (float, int)
        elif annotation is complex:
            kinds = (complex, float, int)
        return lambda value: isinstance(value, kinds)
    if origin is typing.Literal:
        allowed = [(type(a), a) for a in args]
        return lambda value: any(type(value) is t and value == a for t, a in allowed)
    if origin is tuple and args and all(a is Any for a in args):
        count = len(args)
        return lambda value: isinstance(value, tuple) and len(value) == count
    if isinstance(origin, type) and all(a is Any or a is Ellipsis for a in args):
        return lambda value: isinstance(value, origin)

    def with_typeguard(value: Any) -> bool:
        from typeguard import check_type

        try:
            check_type(value, annotation)
        except Exception:
            return False
        return True

    return with_typeguard


def return_slots(
    annotation: Any, where: str
) -> tuple[Slot | None, tuple[Slot | None, ...] | None, bool]:
    """Compile a return annotation: one slot, or one per element of a `tuple[...]`.

    **Returns:** `(slot, elements, homogeneous)`: `elements` is set for a tuple holding
    arrays (`homogeneous` for `tuple[X, ...]`, whose one element slot applies to all).
    """
    if typing.get_origin(annotation) is tuple:
        args = typing.get_args(annotation)
        if len(args) == 2 and args[1] is Ellipsis and _has_array(args[0]):
            return None, (slot(args[0], where),), True
        if args and any(_has_array(a) for a in args):
            return None, tuple(slot(a, f"{where}[{i}]") for i, a in enumerate(args)), False
    return slot(annotation, where), None, False


def _has_array(annotation: Any) -> bool:
    members = _union_members(annotation) or (annotation,)
    return any(is_array_annotation(m) for m in members)


def _numpy_dtype(name: str) -> Any:
    import numpy as np

    try:
        return np.dtype(name)
    except TypeError:
        return None


def rule_slot(dim_str: str, where: str = "rule") -> Slot:
    """A slot for a numpy array of any dtype with the given dimension string (`"n_l 1"`)."""
    import numpy as np

    pre, post, var_kind, var_name, var_bc = parse_dims(dim_str, where)
    spec = _with_matcher(
        array_type=np.ndarray,
        dtypes=None,
        dtype_names=frozenset(),
        dtype_label="Shaped",
        pre=pre,
        post=post,
        var_kind=var_kind,
        var_name=var_name,
        var_broadcastable=var_bc,
        text=dim_str,
        has_symbolic=any(d.kind == SYMBOLIC for d in pre + post),
    )
    return Slot((spec,), False, (), None, None)


def _with_matcher(**fields: Any) -> ArraySpec:
    from ._fast import compile_matcher

    spec = ArraySpec(**fields)
    object.__setattr__(spec, "fast", compile_matcher(spec))
    return spec
