"""DC2xx: reductions: a bias gradient without `keepdims=True` (DC201), summed over
every axis (DC203) or squeezed back to rank-1 (DC204), and a per-unit reduction
that meets a matrix (DC202).
"""

import ast
from collections.abc import Iterator
from typing import Final

from .._vocabulary import n, rank1_hint, single_number_hint
from . import _naming as naming
from ._infer import int_constant, keyword, text_of
from ._rule_base import RuleBase, vector_dim
from ._shapes import Fact

_BIAS_REDUCTIONS: Final = frozenset({"sum", "mean", "nansum", "nanmean"})
_FLATTENING_FUNCTIONS: Final = frozenset({"squeeze", "ravel"})


def _keywords_set(call: ast.Call, **values: bool | int) -> ast.Call:
    """The call as the user wrote it, with keyword arguments set: the fix to suggest."""
    keywords = [k for k in call.keywords if k.arg not in values]
    keywords += [ast.keyword(arg=k, value=ast.Constant(v)) for k, v in values.items()]
    return ast.Call(func=call.func, args=call.args, keywords=keywords)


def _with_keywords(call: ast.Call, **values: bool | int) -> str:
    return text_of(_keywords_set(call, **values))


def _method(call: ast.Call) -> str:
    """`"mean"` for `dZ.mean()`; `"sum"` for any other call."""
    return call.func.attr if isinstance(call.func, ast.Attribute) else "sum"


class ReductionRules(RuleBase):
    """The rules about sums and means, and the bias gradient `db[l]` they make."""

    def check_assignment(self, target: ast.expr, value: ast.expr) -> None:
        name = naming.course_name(target)
        reported = name is not None and (
            self.check_for_dc201_dc203(name, target, value)
            or self.check_for_dc204(name, target, value)
        )
        if reported and isinstance(target, ast.Name):
            # The finding is made; do not report the same bug again where db is used.
            self.untracked.add(id(target))
        super().check_assignment(target, value)

    def check_for_dc201_dc203(self, target_name: str, target: ast.expr, value: ast.expr) -> bool:
        if not naming.is_bias_gradient(target_name):
            return False
        for reduction, receiver_is_arg in self._reductions_in(value):
            axis = keyword(reduction, "axis")
            if axis is None and len(reduction.args) > (1 if receiver_is_arg else 0):
                axis = reduction.args[1 if receiver_is_arg else 0]
            keepdims = keyword(reduction, "keepdims")
            if keepdims is not None and not isinstance(keepdims, ast.Constant):
                continue
            keeps = isinstance(keepdims, ast.Constant) and bool(keepdims.value)
            if axis is not None and not keeps:
                if isinstance(target, ast.Name) and self.facts().reshaped(target.id):
                    return False
                if isinstance(axis, ast.Tuple | ast.List) and len(axis.elts) > 1:
                    return False  # several axes: not the (n[l], m) -> (n[l], 1) reduction
                if self.facts().beyond_two_axes:
                    return False
                if self.orientation.examples_as_rows and int_constant(axis) == 0:
                    return False  # examples as rows: b is (n[l],) and axis 0 is right
                fix = _with_keywords(reduction, keepdims=True)
                self.add_error(
                    "DC201",
                    reduction,
                    expr=text_of(reduction),
                    target=text_of(target),
                    rank1=rank1_hint(self._var(target), n("l"), fix=fix),
                )
                return True
            if (
                axis is None
                and not keeps
                and (naming.is_layer_bias_gradient(target_name) or self.layer_context)
            ):
                fix = _with_keywords(reduction, axis=1, keepdims=True)
                function = self.numpy.resolve(reduction.func) or _method(reduction)
                single = single_number_hint(
                    self._var(target), fix=fix, reduction=f"np.{function.removeprefix('nan')}"
                )
                self.add_error(
                    "DC203",
                    reduction,
                    expr=text_of(reduction),
                    target=text_of(target),
                    single=single,
                )
                return True
        return False

    def check_for_dc202(self, node: ast.expr, fact: Fact, matrix: ast.expr, other: Fact) -> None:
        self.add_error(
            "DC202",
            node,
            expr=fact.source,
            fix=fact.source[:-1] + ", keepdims=True)",
            dim=vector_dim(fact),
            other=self._describe(matrix, other),
        )

    def check_for_dc204(self, target_name: str, target: ast.expr, value: ast.expr) -> bool:
        if not naming.is_bias_gradient(target_name):
            return False
        found = self._flattened_in(value)
        if found is None:
            return False
        call, column = found
        if not self._is_column_of_sums(column):
            return False
        if isinstance(target, ast.Name) and self.facts().reshaped(target.id):
            return False  # made a column again further down
        if self.orientation.examples_as_rows or self.facts().beyond_two_axes:
            return False  # b is rank-1 by design there, or these are not (n[l], m) arrays
        kept = column
        reductions = self._reductions_in(column)
        if len(reductions) == 1 and column is reductions[0][0]:
            kept = _keywords_set(reductions[0][0], keepdims=True)
        fix = ast.unparse(value).replace(ast.unparse(call), ast.unparse(kept), 1)
        self.add_error(
            "DC204",
            call,
            expr=text_of(call),
            column=text_of(column),
            target=text_of(target),
            rank1=rank1_hint(
                self._var(target), n("l"), fix=fix if len(fix) <= 100 else ast.unparse(kept)
            ),
        )
        return True

    def _flattened_in(self, value: ast.expr) -> tuple[ast.Call, ast.expr] | None:
        """`np.squeeze(x)`, `x.squeeze()`, `np.ravel(x)`, `x.ravel()`, `x.flatten()` or
        `x.reshape(-1)` at the top of `value` (under `*`, `/` and `-`): the call and `x`."""
        for node in _calls_at_top(value):
            if node.keywords:
                continue
            function = self.numpy.resolve(node.func)
            if function in _FLATTENING_FUNCTIONS and len(node.args) == 1:
                return node, node.args[0]
            if function is not None or not isinstance(node.func, ast.Attribute):
                continue
            if node.func.attr in _FLATTENING_FUNCTIONS | {"flatten"} and not node.args:
                return node, node.func.value
            if node.func.attr == "reshape" and [int_constant(a) for a in node.args] == [-1]:
                return node, node.func.value
        return None

    def _is_column_of_sums(self, node: ast.expr) -> bool:
        """`np.sum(dZ, axis=1, keepdims=True)`, `dZ.mean(axis=1)`, or a name known to hold
        a column `(k, 1)`: what a bias gradient is before it is squeezed."""
        fact = self.shape_of(node)
        if fact is not None and fact.rank == 2 and fact.dims[1] == 1:
            return True
        for reduction, receiver_is_arg in self._reductions_in(node):
            axis = keyword(reduction, "axis")
            if axis is None and len(reduction.args) > (1 if receiver_is_arg else 0):
                axis = reduction.args[1 if receiver_is_arg else 0]
            if axis is not None:
                return True
        return False

    def _reductions_in(self, value: ast.expr) -> list[tuple[ast.Call, bool]]:
        """Sums/means at the top of `value` (under `*`, `/` and `-`): `np.sum(dZ) / m`."""
        found: list[tuple[ast.Call, bool]] = []
        for node in _calls_at_top(value):
            function = self.numpy.resolve(node.func)
            if function in _BIAS_REDUCTIONS and node.args:
                found.append((node, True))
            elif (
                function is None
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _BIAS_REDUCTIONS
                and naming.role_of(naming.course_name(node.func.value) or "") == "dZ"
            ):
                found.append((node, False))
        return found


def _calls_at_top(value: ast.expr) -> Iterator[ast.Call]:
    """The calls at the top of `value`, under `*`, `/` and unary signs: `np.sum(dZ) / m`."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult | ast.Div):
            stack += [node.left, node.right]
        elif isinstance(node, ast.UnaryOp):
            stack.append(node.operand)
        elif isinstance(node, ast.Call):
            yield node
