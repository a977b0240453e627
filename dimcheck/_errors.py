"""The two errors of dimcheck: a shape that breaks a rule, and an annotation it cannot read."""

from typeguard import TypeCheckError


class ShapeError(TypeCheckError, TypeError):
    """An array's shape breaks a dimension rule.

    The message names the function, the variable in course notation (`W[2]`), the
    expected shape with its symbols bound (`(n[2], n[1]) = (3, 4)`), the actual shape,
    where each symbol got its value and, where one fits, a fix. It never prints array
    contents.

    A `TypeError` (numpy and Python raise those for wrong operand types), and a
    `typeguard.TypeCheckError`, so `except TypeCheckError` around typeguard-checked code
    catches it too.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)


class AnnotationError(TypeError):
    """A dimension annotation dimcheck cannot read (raised when decorating, not per call)."""
