"""Which way round a module holds `X` and `Y`: examples as columns, or as rows.

`A_prev`, `AL` and `dZ` always hold one example per column in course code, but
`X` and `Y` are often loaded one example per row and transposed on the way in
(`cache = {"A0": X.T}`); then `m = X.shape[0]` is right. So the rule about `m`
speaks of `X` or `Y` only when the module itself uses them as columns (`W1 @ X`,
`dZ1 @ X.T`, `AL - Y`) and never as rows (`W1 @ X.T`, `A0 = X.T`, `AL - Y.T`).
"""

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import _naming as naming

WATCHED = ("X", "Y")


@dataclass
class Orientation:
    """Evidence, per watched name, that it holds examples as columns or as rows."""

    columns: set[str] = field(default_factory=set)
    rows: set[str] = field(default_factory=set)
    # Some product puts the weights on the left (`W1 @ X`, `W.T @ dZ`), as the course does.
    course_order: bool = False
    # How many products put the weights on the right (`X @ W1`, `dZ @ W.T`): examples as rows.
    row_order: int = 0

    @property
    def examples_as_rows(self) -> bool:
        """The module multiplies only the rows way round (`A1 @ W2`, `dZ2 @ W2.T`), and
        more than once: a convention of its own, in which `b` is rank-1, `m` is
        `shape[0]` and biases sum over axis 0, so the rules about the course's layout
        stay silent. A single such product with no other evidence is the classic
        mistake `np.dot(A_prev, W)`, which DC402 must still report."""
        return self.row_order >= 2 and not self.course_order

    def columns_only(self, name: str) -> bool:
        return name in self.columns and name not in self.rows


def _watched(node: ast.expr) -> tuple[str, bool] | None:
    """`X` -> `("X", False)`, `X.T` -> `("X", True)`."""
    transposed = isinstance(node, ast.Attribute) and node.attr == "T"
    if transposed:
        node = node.value  # type: ignore[attr-defined]
    if isinstance(node, ast.Name) and node.id in WATCHED:
        return node.id, transposed
    return None


def _role(node: ast.expr) -> str | None:
    if isinstance(node, ast.Attribute) and node.attr == "T":
        node = node.value
    name = naming.course_name(node)
    return naming.role_of(name) if name is not None else None


def _transposed_role(node: ast.expr) -> str | None:
    """The role of `A_prev` in `A_prev.T`; `None` when the value is not transposed."""
    if isinstance(node, ast.Attribute) and node.attr == "T":
        return _role(node.value)
    return None


def _involves_activation(node: ast.expr, depth: int = 3) -> bool:
    """`AL`, `np.log(AL)`, `1 - AL`: a value with the shape of an activation."""
    if _role(node) == "activation":
        return True
    if depth == 0:
        return False
    if isinstance(node, ast.BinOp):
        return _involves_activation(node.left, depth - 1) or _involves_activation(
            node.right, depth - 1
        )
    if isinstance(node, ast.Call) and len(node.args) == 1:
        return _involves_activation(node.args[0], depth - 1)
    return False


def _elementwise_operands(node: ast.AST) -> tuple[ast.expr, ast.expr] | None:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub | ast.Mult | ast.Div):
        return node.left, node.right
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("divide", "multiply", "subtract")
        and len(node.args) == 2
    ):
        return node.args[0], node.args[1]
    return None


def _is_small_w(node: ast.expr) -> bool:
    """`w.T`: the logistic-regression weights `(n[x], 1)`, always on the left of `X`."""
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "T"
        and isinstance(node.value, ast.Name)
        and node.value.id == "w"
    )


def _product_operands(node: ast.AST) -> tuple[ast.expr, ast.expr] | None:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
        return node.left, node.right
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("dot", "matmul")
        and len(node.args) == 2
    ):
        return node.args[0], node.args[1]
    return None


def _bindings(node: ast.AST) -> list[tuple[ast.expr, ast.expr]]:
    """`A0 = X.T` and `{"A0": X.T}`: a name or key bound to a value."""
    if isinstance(node, ast.Assign):
        return [(target, node.value) for target in node.targets]
    if isinstance(node, ast.Dict):
        return [(k, v) for k, v in zip(node.keys, node.values, strict=True) if k is not None]
    return []


def _reshaped_like_activation(value: ast.expr) -> bool:
    """`Y.reshape(AL.shape)`: Y takes the course shape of an activation, columns."""
    if not (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "reshape"
        and len(value.args) == 1
    ):
        return False
    shape = value.args[0]
    return (
        isinstance(shape, ast.Attribute)
        and shape.attr == "shape"
        and _role(shape.value) == "activation"
    )


def _reoriented(node: ast.AST, found: Orientation) -> None:
    """`X = X.T` (or a reshape or transpose of X): before and after, X is held both
    ways round, so which one a given line sees cannot be told."""
    if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
        return
    target = node.targets[0]
    if not (isinstance(target, ast.Name) and target.id in WATCHED):
        return
    if _reshaped_like_activation(node.value):
        return
    for part in ast.walk(node.value):
        turned = (isinstance(part, ast.Attribute) and part.attr == "T") or (
            isinstance(part, ast.Call)
            and isinstance(part.func, ast.Attribute | ast.Name)
            and (part.func.attr if isinstance(part.func, ast.Attribute) else part.func.id)
            in ("transpose", "reshape")
        )
        if turned and any(
            isinstance(name, ast.Name) and name.id == target.id for name in ast.walk(part)
        ):
            found.rows.add(target.id)
            return


def orientation(trees: Iterable[ast.AST]) -> Orientation:
    """Scan whole modules (or every cell of a notebook) for how `X` and `Y` are used."""
    found = Orientation()
    for tree in trees:
        for node in ast.walk(tree):
            operands = _product_operands(node)
            if operands is not None:
                left, right = operands
                if _role(left) == "weight" and _role(right) in ("activation", "dZ"):
                    found.course_order = True
                if _role(left) == "dZ" and _transposed_role(right) == "activation":
                    found.course_order = True  # `dW = dZ @ A_prev.T`
                if (
                    _role(right) == "weight"
                    and _role(left) in ("activation", "dZ")
                    and not (isinstance(left, ast.Attribute) and left.attr == "T")
                ):
                    found.row_order += 1
                watched = _watched(right)
                if watched is not None:
                    name, transposed = watched
                    if _role(left) == "weight":
                        (found.rows if transposed else found.columns).add(name)
                    elif (_role(left) == "dZ" and transposed) or (
                        _is_small_w(left) and not transposed
                    ):
                        # `dZ1 @ X.T` and `w.T @ X` both take X as (n[0], m).
                        found.columns.add(name)
                watched = _watched(left)
                if (
                    watched is not None
                    and not watched[1]
                    and isinstance(right, ast.Attribute)
                    and right.attr == "T"
                    and _involves_activation(right.value)
                ):
                    # `dw = np.dot(X, (A - Y).T)`: X is (n[x], m) against (m, 1).
                    found.columns.add(watched[0])
                continue
            elementwise = _elementwise_operands(node)
            if elementwise is not None:
                left, right = elementwise
                for one, other in ((left, right), (right, left)):
                    watched = _watched(one)
                    if watched is not None and _involves_activation(other):
                        (found.rows if watched[1] else found.columns).add(watched[0])
            else:
                _reoriented(node, found)
                for target, value in _bindings(node):
                    watched = _watched(value)
                    if watched is not None and watched[1] and _role(target) == "activation":
                        found.rows.add(watched[0])
    return found
