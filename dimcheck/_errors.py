"""The two errors of dimcheck: a shape that breaks a rule, and an annotation it cannot read.

`ShapeError` is also caught by `except typeguard.TypeCheckError` (and by jaxtyping's
`except jaxtyping.TypeCheckError`), as users of those checkers expect, without dimcheck
importing either: typeguard alone takes longer to import than numpy, and
`import dimcheck` must stay cheap (`dimcheck lint` starts in well under 0.2 s).

How: an `except` clause tests the real class hierarchy (never `__subclasscheck__`), so a
`ShapeError` created while typeguard (or jaxtyping) is loaded is an instance of a
subclass that also derives from their `TypeCheckError`. Whoever names
`typeguard.TypeCheckError` in an `except` clause has imported typeguard before the error
is raised, so the clause catches it; code that never imports typeguard never pays for it.

typeguard: the range pyproject.toml allows, `>=4.4,<5`, is the one these two uses need.
`TypeCheckError(message)` and `check_type(value, expected_type)`, which the decorator
calls for annotations it cannot read itself (`dict[str, np.ndarray]`, protocols), exist
since 3.0 with these signatures; 4.4 is the first release whose protocol checks look at
the value rather than its class (earlier ones gave wrong verdicts for attribute members);
the tests run against 4.6. typeguard follows semantic versioning, so 5 may change either
signature, hence the upper bound.
"""

import sys
from typing import Any, cast

# The modules whose `TypeCheckError` a ShapeError joins when they are loaded.
_ALSO_CATCHABLE_AS = ("typeguard", "jaxtyping")
# One subclass per class and combination of loaded modules, made at the first error that
# needs it; and each joined class's plain one.
_JOINED: dict[tuple[type, ...], "type[ShapeError]"] = {}
_JOINED_CLASSES: dict[type, type] = {}


class ShapeError(TypeError):
    """An array's shape breaks a dimension rule.

    The message names the function, the variable in course notation (`W[2]`), the
    expected shape with its symbols bound (`(n[2], n[1]) = (3, 4)`), the actual shape,
    where each symbol got its value and, where one fits, a fix. It never prints array
    contents.

    A `TypeError` (numpy and Python raise those for wrong operand types). While
    typeguard is loaded, a `ShapeError` is also a `typeguard.TypeCheckError` (and while
    jaxtyping is, a `jaxtyping.TypeCheckError`), so `except TypeCheckError` around
    typeguard- or jaxtyping-checked code catches it too; dimcheck itself never imports
    typeguard to make that so.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> "ShapeError":
        if cls not in _JOINED_CLASSES:
            bases = tuple(b for b in _loaded_type_check_errors() if not issubclass(cls, b))
            if bases:
                cls = _joined(cls, bases)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, message: str) -> None:
        super().__init__(message)
        # When joined, `TypeError` comes before the type-check errors in the method
        # order and does not pass `__init__` on, so theirs is called here: typeguard's
        # sets the (empty) path its `__str__` puts before the message.
        for joined_in in type(self).__bases__[1:]:
            cast(Any, joined_in).__init__(self, message)

    def __reduce__(self) -> tuple[Any, ...]:
        # Unpickled through the plain class, which joins what is loaded in that process.
        return (_JOINED_CLASSES.get(type(self), type(self)), self.args)


class AnnotationError(TypeError):
    """A dimension annotation dimcheck cannot read (raised when decorating, not per call)."""


def _loaded_type_check_errors() -> tuple[type, ...]:
    found = []
    for name in _ALSO_CATCHABLE_AS:
        module = sys.modules.get(name)
        error = getattr(module, "TypeCheckError", None) if module is not None else None
        if isinstance(error, type) and issubclass(error, BaseException):
            found.append(error)
    return tuple(found)


def _joined(cls: "type[ShapeError]", bases: tuple[type, ...]) -> "type[ShapeError]":
    joined = _JOINED.get((cls, *bases))
    if joined is None:
        # Named like its parent, so tracebacks and reprs read `ShapeError` as before.
        names = {"__module__": cls.__module__, "__qualname__": cls.__qualname__}
        joined = type(cls.__name__, (cls, *bases), names)
        _JOINED[(cls, *bases)] = joined
        _JOINED_CLASSES[joined] = cls
    return joined
