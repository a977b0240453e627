"""DC1xx: rank-1 arrays, made (DC101), transposed (DC102), or meeting a matrix (DC103)."""

import ast
from typing import Final

from .._vocabulary import parse_name, rank1_hint
from . import _naming as naming
from ._infer import (
    FILLED,
    RANDOM_RANK1,
    RANDOM_SIZED,
    int_constant,
    keyword,
    size_argument,
    text_of,
)
from ._rule_base import RuleBase, vector_dim
from ._shapes import Fact

# The letters of parameters and their gradients, whose names (`W1`, `b`, `db2`, `b_l`, and
# logistic regression's lowercase `w`, `dw`) the vocabulary reads (`parse_name`).
_PARAMETER_LETTERS: Final = frozenset({"W", "b", "dW", "db"})


def is_parameter_name(name: str) -> bool:
    """`W1`, `b`, `db2`, `dw`, `b_l`: a parameter or its gradient, which is never data."""
    parsed = parse_name(name, lowercase=True)
    return parsed is not None and parsed[0] in _PARAMETER_LETTERS


def _before_flattening(node: ast.expr) -> ast.expr | None:
    """`b1` in `b1.ravel()`, `b1.flatten()` or `b1.reshape(-1)`; otherwise `None`."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    method = node.func.attr
    flattens = (method in ("ravel", "flatten") and not node.args) or (
        method == "reshape" and len(node.args) == 1 and int_constant(node.args[0]) == -1
    )
    return node.func.value if flattens else None


class Rank1Rules(RuleBase):
    """The rules about arrays of shape `(n,)`, neither a column nor a row."""

    def check_assignment(self, target: ast.expr, value: ast.expr) -> None:
        name = naming.course_name(target)
        if name is not None:
            self.check_for_dc101_filled(name, target, value)
        super().check_assignment(target, value)

    def check_for_dc101_random(self, node: ast.Call, function: str) -> None:
        found = self._rank1_random(node, function)
        if found is None:
            return
        dim_node, fix = found
        target = self.created_for.get(id(node), "")
        if self.facts().reshaped(target):
            return  # `a = np.random.randn(5)` then `a = a.reshape(5, 1)`, as the notes allow
        if id(node) in self._vector_partners or self.facts().vector(target):
            return
        if self._rows_bias(target) or self._data_not_parameters(target):
            return
        var = target or text_of(node)
        rank1 = rank1_hint(var, text_of(dim_node), fix=fix)
        self.add_error("DC101", node, expr=text_of(node), dim=text_of(dim_node), rank1=rank1)

    def _rank1_random(self, node: ast.Call, function: str) -> tuple[ast.expr, str] | None:
        """The dimension of a random call that makes a rank-1 array, and the fix."""
        if function in RANDOM_RANK1:
            if node.keywords or len(node.args) != 1:
                return None
            (arg,) = node.args
            # randn(n) must get an int: a name or call may be one, a literal list never is.
            maybe_int = isinstance(arg, ast.Name | ast.Attribute | ast.Subscript | ast.Call)
            if not (maybe_int or self._is_scalar_like(arg)):
                return None
            return arg, f"{text_of(node.func)}({text_of(arg)}, 1)"
        if function not in RANDOM_SIZED:
            return None
        size = size_argument(node, function)
        if isinstance(size, ast.Tuple | ast.List):
            if len(size.elts) != 1 or isinstance(size.elts[0], ast.Starred):
                return None
            dim_node = size.elts[0]
        elif size is not None and self.is_count(size):
            dim_node = size  # unlike randn's argument, a `size` may be a tuple
        else:
            return None
        column = ast.Tuple(elts=[dim_node, ast.Constant(1)], ctx=ast.Load())
        args = [column if arg is size else arg for arg in node.args]
        keywords = [
            ast.keyword(arg=k.arg, value=column) if k.value is size else k for k in node.keywords
        ]
        return dim_node, ast.unparse(ast.Call(func=node.func, args=args, keywords=keywords))

    def _data_not_parameters(self, target: str) -> bool:
        """Inside a function that neither makes nor changes parameters or gradients (a
        data generator such as the Course's `load_planar_dataset(randomness, seed)`,
        with its `np.random.randn(N) * randomness`), a rank-1 random array is data,
        not a bias. A parameter name (`b1 = ...`) is a parameter wherever it is made."""
        if is_parameter_name(target):
            return False
        scope = self.scopes[-1]
        if not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
            return False  # a module or notebook cell: the lecture's `a = np.random.randn(5)`
        return not self.facts().parameter_code

    def check_for_dc101_filled(self, target_name: str, target: ast.expr, value: ast.expr) -> None:
        if not (isinstance(value, ast.Call) and is_parameter_name(target_name)):
            return
        function = self.numpy.resolve(value.func)
        if function not in FILLED or self.facts().reshaped(self.created_for.get(id(value), "")):
            return
        if self._rows_bias(target_name):
            return
        shape = value.args[0] if value.args else keyword(value, "shape")
        if shape is None:
            return
        if isinstance(shape, ast.Tuple | ast.List):
            if len(shape.elts) != 1 or isinstance(shape.elts[0], ast.Starred):
                return
            dim_node = shape.elts[0]
        elif self._is_scalar_like(shape):
            dim_node = shape
        else:
            return
        dim = text_of(dim_node)
        rank1 = rank1_hint(self._var(target), dim, fix=f"{text_of(value.func)}(({dim}, 1))")
        self.add_error("DC101", value, expr=text_of(value), dim=dim, rank1=rank1)

    def check_for_dc102(self, node: ast.Attribute) -> None:
        fact = self.shape_of(node.value)
        if fact is None or fact.rank != 1:
            return
        self.add_error(
            "DC102",
            node,
            expr=text_of(node),
            name=text_of(node.value),
            dim=vector_dim(fact),
            line=fact.line,
        )

    def check_for_dc103(
        self,
        node: ast.expr,
        left: ast.expr,
        left_fact: Fact,
        right: ast.expr,
        right_fact: Fact,
        op: str,
    ) -> bool:
        if {left_fact.rank, right_fact.rank} != {1, 2} or not self.course:
            return False
        if self.orientation.examples_as_rows:
            return False  # `X @ w` with w (n[0],) is that convention's linear model
        vector, fact, matrix, other = (
            (left, left_fact, right, right_fact)
            if left_fact.rank == 1
            else (right, right_fact, left, left_fact)
        )
        if fact.origin == "reduced-first" and op != "a matrix product":
            return False
        name, dim = text_of(vector), vector_dim(fact)
        made = "" if fact.source == name else f" (from {fact.source} on line {fact.line})"
        unflattened = _before_flattening(vector)
        if unflattened is not None:
            fix = f"use {text_of(unflattened)} as it is, without flattening it"
        else:
            fix = f"{name}.reshape(-1, 1) for a column ({dim}, 1)"
        self.add_error(
            "DC103",
            node,
            name=name,
            dim=dim,
            made=made,
            op=op,
            other=self._describe(matrix, other),
            fix=fix,
        )
        return True
