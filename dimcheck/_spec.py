"""Reading jaxtyping annotations once, at decoration time, into specs with their matchers.

The data (`ArraySpec`, `Slot`, the axis kinds) is defined in `_axes` and re-exported here
for this module's importers; each `ArraySpec` gets its generated matcher (`_fast`) here.
"""

import functools
import types
import typing
from collections.abc import Callable
from typing import Any

from ._axes import ANON as ANON
from ._axes import FIXED as FIXED
from ._axes import NAMED as NAMED
from ._axes import NO_VAR as NO_VAR
from ._axes import SAFE_BUILTINS as SAFE_BUILTINS
from ._axes import SYMBOLIC as SYMBOLIC
from ._axes import VAR_ANON as VAR_ANON
from ._axes import VAR_NAMED as VAR_NAMED
from ._axes import ArraySpec as ArraySpec
from ._axes import Dim as Dim
from ._axes import Slot as Slot
from ._errors import AnnotationError
from ._fast import compile_matcher


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
        try:
            typeguard_check()(value, annotation)
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


# Slots are immutable: a rule asked for on every call (instrumentation) is read and
# compiled once, not once per call.
@functools.lru_cache(maxsize=512)
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


@functools.cache
def typeguard_check() -> Callable[..., Any]:
    """typeguard's `check_type`, imported at the first annotation that needs it.

    Only annotations dimcheck cannot read itself (`dict[str, np.ndarray]`) need it; the
    decorator asks for it when it compiles such a signature, so that no call pays for
    the import.
    """
    from typeguard import check_type

    return check_type


def _with_matcher(**fields: Any) -> ArraySpec:
    spec = ArraySpec(**fields)
    object.__setattr__(spec, "fast", compile_matcher(spec))
    return spec
