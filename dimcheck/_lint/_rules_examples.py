"""DC3xx: the number of examples `m`, read from the wrong axis (DC301)."""

import ast
from typing import Final

from . import _naming as naming
from ._evidence import WATCHED
from ._infer import int_constant, text_of
from ._rule_base import RuleBase

# Course names of arrays with one example per column.
_EXAMPLE_ROLES: Final = frozenset({"activation", "dZ", "Z", "dA", "labels"})


class ExampleCountRules(RuleBase):
    """The rules about `m`, which the course reads from axis 1."""

    def check_assignment(self, target: ast.expr, value: ast.expr) -> None:
        self.check_for_dc301(target, value)
        super().check_assignment(target, value)

    def check_for_dc301(self, target: ast.expr, value: ast.expr) -> None:
        if not (self.course and isinstance(target, ast.Name) and target.id == "m"):
            return
        array: ast.expr | None = None
        if (
            isinstance(value, ast.Subscript)
            and isinstance(value.value, ast.Attribute)
            and value.value.attr == "shape"
            and int_constant(value.slice) == 0
        ):
            array = value.value.value
        elif (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == "len"
            and len(value.args) == 1
        ):
            array = value.args[0]
        name = naming.course_name(array) if array is not None else None
        if name is None or not self._may_have_role(name, made_here_counts=True):
            return
        role = naming.role_of(name)
        if role not in _EXAMPLE_ROLES:
            return
        if name in WATCHED and not self.orientation.columns_only(name):
            return
        if self.orientation.examples_as_rows or self.facts().beyond_two_axes:
            return
        self.add_error(
            "DC301",
            value,
            target="m",
            expr=text_of(value),
            name=text_of(array) if array is not None else name,
            label="the labels" if role == "labels" else naming.label(name),
            shape=naming.shape_label(name),
        )
