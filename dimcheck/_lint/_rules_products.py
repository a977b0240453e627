"""DC4xx: matrix products and broadcasting: `*` for a product (DC401), operands in
the wrong order (DC402), inner dimensions that cannot agree (DC403), shapes that
cannot broadcast (DC404).
"""

import ast

from .._vocabulary import formula as course_formula
from .._vocabulary import shape_text
from . import _naming as naming
from ._infer import text_of
from ._rule_base import RuleBase
from ._shapes import Fact, broadcast, surely_different


class ProductRules(RuleBase):
    """The rules about `W[l] A[l-1]`, `W[l].T dZ[l]` and element-wise operations."""

    def check_for_dc401(self, node: ast.expr, left: ast.expr, right: ast.expr) -> bool:
        if not self.course:
            return False
        for weight, other in ((left, right), (right, left)):
            weight_name, weight_t = self._plain_course_name(weight)
            other_name, _ = self._plain_course_name(other)
            if weight_name is None or other_name is None:
                continue
            if not (self._may_have_role(weight_name) and self._may_have_role(other_name)):
                continue
            other_role = naming.role_of(other_name)
            if naming.role_of(weight_name) != "weight" or other_role not in ("activation", "dZ"):
                continue
            w_text, o_text = text_of(weight), text_of(other)
            if other_role == "dZ":
                formula = course_formula("dA")
                fix = f"np.dot({w_text if weight_t else w_text + '.T'}, {o_text})"
            else:
                formula = course_formula("Z")
                fix = f"np.dot({w_text}, {o_text})"
            self.add_error(
                "DC401",
                node,
                expr=text_of(node),
                weight=w_text,
                wlabel=f"{naming.label(weight_name)} {naming.shape_label(weight_name)}",
                other=o_text,
                olabel=f"{naming.label(other_name)} {naming.shape_label(other_name)}",
                formula=formula,
                fix=fix,
            )
            return True
        return False

    def check_for_dc402(self, node: ast.expr, left: ast.expr, right: ast.expr) -> bool:
        if not self.course:
            return False
        left_name, left_t = self._plain_course_name(left)
        right_name, right_t = self._plain_course_name(right)
        if left_name is None or right_name is None or left_t or right_t:
            return False
        if not (self._may_have_role(left_name) and self._may_have_role(right_name)):
            return False
        left_role = naming.role_of(left_name)
        if naming.role_of(right_name) != "weight" or left_role not in ("activation", "dZ"):
            return False
        if self.orientation.examples_as_rows or (
            left_name in ("X", "A") and not self.orientation.course_order
        ):
            # Examples as rows (`X @ W1` throughout) is a convention of its own; only a
            # module that also multiplies the course's way round has made a mistake here.
            return False
        w_text, o_text = text_of(right), text_of(left)
        if left_role == "dZ":
            formula, fix = course_formula("dA"), f"np.dot({w_text}.T, {o_text})"
        else:
            formula, fix = course_formula("Z"), f"np.dot({w_text}, {o_text})"
        self.add_error(
            "DC402",
            node,
            expr=text_of(node),
            other=o_text,
            olabel=f"{naming.label(left_name)} {naming.shape_label(left_name)}",
            weight=w_text,
            wlabel=f"{naming.label(right_name)} {naming.shape_label(right_name)}",
            inner=naming.rows_label(right_name),
            formula=formula,
            fix=fix,
        )
        return True

    def check_for_dc403(
        self, node: ast.expr, left: ast.expr, left_fact: Fact, right: ast.expr, right_fact: Fact
    ) -> None:
        if left_fact.rank != 2 or right_fact.rank != 2:
            return
        ldim, rdim = left_fact.dims[1], right_fact.dims[0]
        if not surely_different(ldim, rdim):
            return
        self.add_error(
            "DC403",
            node,
            expr=text_of(node),
            left=text_of(left),
            lshape=shape_text(left_fact.dims),
            right=text_of(right),
            rshape=shape_text(right_fact.dims),
            ldim=ldim,
            rdim=rdim,
        )

    def check_for_dc404(
        self, node: ast.expr, left: ast.expr, left_fact: Fact, right: ast.expr, right_fact: Fact
    ) -> None:
        if left_fact.rank == 0 or right_fact.rank == 0:
            return
        result = broadcast(left_fact.dims, right_fact.dims)
        if not isinstance(result, int):
            return
        width = max(left_fact.rank, right_fact.rank)
        ldims = (1,) * (width - left_fact.rank) + left_fact.dims
        rdims = (1,) * (width - right_fact.rank) + right_fact.dims
        self.add_error(
            "DC404",
            node,
            expr=text_of(node),
            left=text_of(left),
            lshape=shape_text(left_fact.dims),
            right=text_of(right),
            rshape=shape_text(right_fact.dims),
            axis=result,
            ldim=ldims[result],
            rdim=rdims[result],
        )
