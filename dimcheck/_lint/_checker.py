"""The checker: the rule families together, called from one walk of the module.

`LintChecker` combines the rule families (`_rules_rank1`, `_rules_reductions`,
`_rules_examples`, `_rules_products`, `_rules_habits`; each one class of
`check_for_<code>` methods, one per rule) over the abstract interpreter
(`_interpreter.ShapeInterpreter`, which keeps the shape facts of each name), and
adds the `visit_<Node>` methods for the expressions the rules look at. It reports
only what it is sure of: a student must not learn to ignore it.
"""

import ast

from ._infer import ELEMENTWISE_OPS
from ._rule_base import RawFinding as RawFinding
from ._rules_examples import ExampleCountRules
from ._rules_habits import HabitRules
from ._rules_products import ProductRules
from ._rules_rank1 import Rank1Rules
from ._rules_reductions import ReductionRules
from ._scopes import is_vector_call, scaled_call
from ._shapes import Fact, surely_different, surely_equal


class LintChecker(Rank1Rules, ReductionRules, ExampleCountRules, ProductRules, HabitRules):
    """Walks one module (or the cells of one notebook, in order) and collects findings.

    **Arguments:**

    - `course`: the module reads as course code, so course names (`W1`, `A_prev`,
      `dZ`) may be trusted to have their course shapes.
    """

    def visit_Global(self, node: ast.Global) -> None:
        self.check_for_dc501(node)
        super().visit_Global(node)

    # ------------------------------------------------------------- expressions

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "resize"
            and isinstance(func.value, ast.Name)
        ):
            # `x.resize(...)` reshapes x in place.
            self._forget([func.value.id])
        function = self.numpy.resolve(func)
        if function is not None:
            self.check_for_dc101_random(node, function)
            self.check_for_dc502(node, function)
            if function in ("dot", "matmul") and len(node.args) == 2 and not node.keywords:
                self._check_product(node, node.args[0], node.args[1])
            elif function == "multiply" and len(node.args) == 2:
                self.check_for_dc401(node, node.args[0], node.args[1])
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.Div):
            self._note_vector_partners(node)
        if isinstance(node.op, ast.MatMult):
            self._check_product(node, node.left, node.right)
        elif isinstance(node.op, ELEMENTWISE_OPS):
            if isinstance(node.op, ast.Mult) and self.check_for_dc401(node, node.left, node.right):
                pass
            else:
                self._check_broadcast(node, node.left, node.right)
        self.generic_visit(node)

    def _note_vector_partners(self, node: ast.BinOp) -> None:
        for one, other in ((node.left, node.right), (node.right, node.left)):
            call = scaled_call(one)
            if call is None:
                continue
            fact = self.shape_of(other)
            if (fact is not None and fact.rank == 1) or is_vector_call(other):
                self._vector_partners.add(id(call))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr == "T" and isinstance(node.ctx, ast.Load):
            self.check_for_dc102(node)
        self.generic_visit(node)

    def _check_product(self, node: ast.expr, left: ast.expr, right: ast.expr) -> None:
        if self.check_for_dc402(node, left, right):
            return
        left_fact, right_fact = self.shape_of(left), self.shape_of(right)
        if left_fact is None or right_fact is None:
            return
        if self.check_for_dc103(node, left, left_fact, right, right_fact, "a matrix product"):
            return
        self.check_for_dc403(node, left, left_fact, right, right_fact)

    def _check_broadcast(self, node: ast.expr, left: ast.expr, right: ast.expr) -> None:
        left_fact, right_fact = self.shape_of(left), self.shape_of(right)
        if left_fact is None or right_fact is None:
            return
        if left_fact.rank == 1 and right_fact.rank == 2:
            self._check_rank1_meets_matrix(node, left, left_fact, right, right_fact)
        elif left_fact.rank == 2 and right_fact.rank == 1:
            self._check_rank1_meets_matrix(node, right, right_fact, left, left_fact)
        else:
            self.check_for_dc404(node, left, left_fact, right, right_fact)

    def _check_rank1_meets_matrix(
        self, node: ast.expr, vector: ast.expr, fact: Fact, matrix: ast.expr, other: Fact
    ) -> None:
        # (k,) against (a, b) lines k up with b: harmless exactly when k is b.
        if fact.origin == "reduced-first" or surely_equal(fact.dims[0], other.dims[-1]):
            return
        # With examples as rows, a rank-1 (n[l],) lines up with the units axis: by design.
        trusted = self.course and not self.orientation.examples_as_rows
        if not (trusted or surely_different(fact.dims[0], other.dims[-1])):
            return
        if fact.origin == "reduced-last":
            self.check_for_dc202(node, fact, matrix, other)
        else:
            self.check_for_dc103(node, vector, fact, matrix, other, "an element-wise operation")
