"""The checker: one `ast.NodeVisitor`, one `check_for_<code>` method per rule.

It keeps a small abstract environment per function (names -> `Fact`, see
`_infer.ShapeInference`) built from the calls whose shapes the source spells
out, and reports only what it is sure of: a student must not learn to ignore it.
"""

import ast
import re
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, Final

from . import _naming as naming
from ._evidence import WATCHED, Orientation, orientation
from ._infer import (
    ELEMENTWISE_OPS,
    FILLED,
    RANDOM_RANK1,
    ShapeInference,
    int_constant,
    keyword,
    text_of,
)
from ._messages import MESSAGES
from ._shapes import Fact, broadcast, shape_text, surely_different, surely_equal

RawFinding = tuple[int, int, str, str, int | None]
"""`(line, col_offset, code, message, cell)`; the column is 0-based as in `ast`."""

_BIAS_REDUCTIONS: Final = frozenset({"sum", "mean", "nansum", "nanmean"})
_PARAMETER_NAMES: Final = re.compile(r"d?[wWb](\d+|_?l)?")
_FORWARD_BACKWARD: Final = re.compile(r"forward|backward|propagat", re.IGNORECASE)
_EXAMPLE_ROLES: Final = frozenset({"activation", "dZ", "Z", "dA", "labels"})


def _vector_dim(fact: Fact) -> str:
    """The length of a rank-1 array for a message; `k` when the source does not say."""
    dim = fact.dims[0]
    return "k" if dim is None else str(dim)


def _with_keywords(call: ast.Call, **values: bool | int) -> str:
    """The call as the user wrote it, with keyword arguments set: the fix to suggest."""
    keywords = [k for k in call.keywords if k.arg not in values]
    keywords += [ast.keyword(arg=k, value=ast.Constant(v)) for k, v in values.items()]
    return text_of(ast.Call(func=call.func, args=call.args, keywords=keywords))


def _assigned_names(nodes: Iterable[ast.AST]) -> set[str]:
    names: set[str] = set()
    for root in nodes:
        for node in ast.walk(root):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                names.add(node.id)
            elif isinstance(node, ast.Global | ast.Nonlocal):
                names.update(node.names)
    return names


def _gives_new_axes(value: ast.expr) -> bool:
    for node in ast.walk(value):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            if name in ("reshape", "expand_dims", "atleast_2d"):
                return True
        elif isinstance(node, ast.Subscript):
            parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            for part in parts:
                if isinstance(part, ast.Constant) and part.value is None:
                    return True
                if isinstance(part, ast.Attribute) and part.attr == "newaxis":
                    return True
    return False


def _scaled_call(node: ast.expr) -> ast.Call | None:
    """`np.random.randn(N)` or `np.random.randn(N) * 0.2`: the call, else `None`."""
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult | ast.Div):
        if isinstance(node.right, ast.Constant):
            node = node.left
        elif isinstance(node.left, ast.Constant):
            node = node.right
        else:
            break
    return node if isinstance(node, ast.Call) else None


def _is_vector_call(node: ast.expr) -> bool:
    """`np.linspace(0, 1, N)`, `np.arange(N)`, another `np.random.randn(N)`: a vector
    that a rank-1 random vector is added to on purpose."""
    call = _scaled_call(node)
    if call is None or not isinstance(call.func, ast.Attribute):
        return False
    if call.func.attr in ("linspace", "arange"):
        return True
    return call.func.attr in ("randn", "rand") and len(call.args) == 1


def _walk_scope(scope: ast.AST) -> Iterable[ast.AST]:
    """Every node of one scope, without the bodies of the functions and classes in it
    (their names are their own)."""
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            stack.extend(ast.iter_child_nodes(node))


_VECTOR_CALLS: Final = frozenset({"randn", "rand", "zeros", "ones", "empty"})
_VECTOR_PRODUCTS: Final = frozenset({"dot", "inner", "outer", "vdot", "multiply", "add"})


def _names_used_as_vectors(scope: ast.AST) -> set[str]:
    """Names made with one length (`a = np.random.rand(1000000)`) that meet each other
    in `np.dot(a, b)`, `np.outer(a, b)` or `a * b`: vectors on purpose, as in the
    vectorisation demo, where making them columns would break the dot product."""
    made: set[str] = set()
    for node in _walk_scope(scope):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr in _VECTOR_CALLS
            and len(node.value.args) == 1
            and not isinstance(node.value.args[0], ast.Tuple | ast.List)
        ):
            made.add(node.targets[0].id)
    if len(made) < 2:
        return set()
    used: set[str] = set()
    for node in _walk_scope(scope):
        pair: tuple[ast.expr, ...] = ()
        if isinstance(node, ast.BinOp) and isinstance(
            node.op, ast.Mult | ast.MatMult | ast.Add | ast.Sub
        ):
            pair = (node.left, node.right)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _VECTOR_PRODUCTS
            and len(node.args) == 2
        ):
            pair = (node.args[0], node.args[1])
        names = [p.id for p in pair if isinstance(p, ast.Name) and p.id in made]
        if len(names) == 2 and names[0] != names[1]:
            used.update(names)
    return used


def _before_flattening(node: ast.expr) -> ast.expr | None:
    """`b1` in `b1.ravel()`, `b1.flatten()` or `b1.reshape(-1)`; otherwise `None`."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return None
    method = node.func.attr
    flattens = (method in ("ravel", "flatten") and not node.args) or (
        method == "reshape" and len(node.args) == 1 and int_constant(node.args[0]) == -1
    )
    return node.func.value if flattens else None


def _names_reshaped_from_themselves(scope: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in _walk_scope(scope):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target = node.targets[0]
        if isinstance(target, ast.Attribute) and target.attr == "shape":
            if isinstance(target.value, ast.Name):
                names.add(target.value.id)
        elif isinstance(target, ast.Name) and _gives_new_axes(node.value):
            used = {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)}
            if target.id in used:
                names.add(target.id)
    return names


def _handles_more_than_two_axes(scope: ast.AST) -> bool:
    """Convolution or image code (`(m, n_H, n_W, n_C) = A_prev.shape`, `X[i, h, w, c]`,
    `A_prev.shape[3]`): its arrays hold examples on axis 0 and are not the course's
    2-D `(n[l], m)` matrices, so the rules about `m` and `db` do not apply."""
    for node in _walk_scope(scope):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Attribute):
            if node.value.attr == "shape" and any(
                isinstance(t, ast.Tuple | ast.List) and len(t.elts) > 2 for t in node.targets
            ):
                return True
        elif isinstance(node, ast.Subscript):
            index = node.slice
            if isinstance(index, ast.Tuple) and len(index.elts) > 2:
                return True
            if isinstance(node.value, ast.Attribute) and node.value.attr == "shape":
                axis = int_constant(index)
                if axis is not None and axis >= 2:
                    return True
    return False


class Checker(ShapeInference, ast.NodeVisitor):
    """Walks one module (or the cells of one notebook, in order) and collects findings.

    **Arguments:**

    - `course`: the module reads as course code, so course names (`W1`, `A_prev`,
      `dZ`) may be trusted to have their course shapes.
    """

    def __init__(self, *, course: bool) -> None:
        super().__init__(course=course)
        self.findings: list[RawFinding] = []
        self.functions: list[str] = []
        self.layer_context = False
        self.cell: int | None = None
        self._untracked: set[int] = set()
        self.orientation = Orientation()
        self.scopes: list[ast.AST] = []
        self._reshaped: dict[int, set[str]] = {}
        self._created_for: dict[int, str] = {}
        self._beyond_2d: dict[int, bool] = {}
        self._vectors: dict[int, set[str]] = {}
        # randn(n) calls combined element-wise with another vector (`np.linspace(0, 1, N)
        # + np.random.randn(N) * 0.2`): a vector on purpose, not a parameter.
        self._vector_partners: set[int] = set()

    def prepare(self, trees: Iterable[ast.AST]) -> None:
        """Read, before checking, what the whole module says about `X` and `Y`."""
        if self.course:
            trees = list(trees)
            self.orientation = orientation(trees)
            self.layer_context = any(self._is_layer_context(tree) for tree in trees)

    def run(self, tree: ast.Module, cell: int | None = None) -> None:
        """Check one parsed module or cell; names carry over between cells."""
        self.cell = cell
        self.scopes.append(tree)
        try:
            self.visit(tree)
        finally:
            self.scopes.pop()

    # ------------------------------------------------------------- traversal
    # `ast.NodeVisitor.visit` looks its method up by name on every node; on large
    # trees that lookup is most of the time, so the method is cached per node type.

    _dispatch: ClassVar[dict[type, Callable[["Checker", Any], None]]] = {}

    def visit(self, node: ast.AST) -> None:
        method = self._dispatch.get(type(node))
        if method is None:
            method = self._method_for(type(node))
        method(self, node)

    @classmethod
    def _method_for(cls, node_type: type) -> Callable[["Checker", Any], None]:
        method: Callable[[Checker, Any], None] = getattr(
            cls, "visit_" + node_type.__name__, Checker.generic_visit
        )
        cls._dispatch[node_type] = method
        return method

    def generic_visit(self, node: ast.AST) -> None:
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        self.visit(item)
            elif isinstance(value, ast.AST):
                self.visit(value)

    def _leaf(self, node: ast.AST) -> None:
        """Names, constants and contexts hold nothing to check."""

    visit_Name = visit_Constant = visit_Load = visit_Store = visit_Del = _leaf

    def add_error(self, code: str, node: ast.AST, **fields: object) -> None:
        message = MESSAGES[code].format(**fields)
        line = getattr(node, "lineno", 1)
        col = getattr(node, "col_offset", 0)
        self.findings.append((line, col, code, message, self.cell))

    # ------------------------------------------------------------------ scopes

    def _is_layer_context(self, scope: ast.AST) -> bool:
        """Course layer code (`W`, `dW`, `A_prev`), not logistic regression (`w`, `dw`)."""
        names = {node.id for node in ast.walk(scope) if isinstance(node, ast.Name)}
        if names & {"w", "dw"}:
            return False
        return any(
            naming.role_of(name) in ("weight", "dZ") or name in ("dW", "A_prev", "dA_prev")
            for name in names
        )

    def _enter_scope(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        if not isinstance(node, ast.ClassDef):
            self.visit(node.args)
            if node.returns is not None:
                self.visit(node.returns)
        else:
            for base in node.bases:
                self.visit(base)
        saved = (self.env, self.ints, self.layer_context)
        self.env, self.ints = {}, {}
        if self.course and not isinstance(node, ast.ClassDef):
            self.layer_context = self._is_layer_context(node)
        self.functions.append("" if isinstance(node, ast.ClassDef) else node.name)
        self.scopes.append(node)
        try:
            for statement in node.body:
                self.visit(statement)
        finally:
            self.functions.pop()
            self.scopes.pop()
            self.env, self.ints, self.layer_context = saved

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._enter_scope(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._enter_scope(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._enter_scope(node)

    def visit_arguments(self, node: ast.arguments) -> None:
        for default in [*node.defaults, *node.kw_defaults]:
            if default is not None:
                self.visit(default)

    def _forget(self, names: Iterable[str]) -> None:
        for name in names:
            self.env.pop(name, None)
            self.ints.pop(name, None)
            prefix = name + "["
            for key in [key for key in self.ints if key.startswith(prefix)]:
                del self.ints[key]
            self.numpy.forget(name)

    def _visit_hiding(self, node: ast.AST, names: set[str]) -> None:
        """Visit an expression scope (comprehension, lambda) whose names shadow ours."""
        saved = (self.env, self.ints)
        self.env = {k: v for k, v in self.env.items() if k not in names}
        self.ints = {k: v for k, v in self.ints.items() if k not in names}
        try:
            self.generic_visit(node)
        finally:
            self.env, self.ints = saved

    def _visit_comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp
    ) -> None:
        self._visit_hiding(node, _assigned_names(gen.target for gen in node.generators))

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _visit_comprehension

    def visit_Lambda(self, node: ast.Lambda) -> None:
        args = node.args
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        self._visit_hiding(node, {arg.arg for arg in every if arg is not None})

    # -------------------------------------------------------------- statements

    def visit_Import(self, node: ast.Import) -> None:
        self._forget(alias.asname or alias.name.partition(".")[0] for alias in node.names)
        self.numpy.see_import(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self._forget(alias.asname or alias.name for alias in node.names)
        self.numpy.see_import_from(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        target = node.targets[0]
        if isinstance(target, ast.Name) and isinstance(node.value, ast.Call):
            self._created_for[id(node.value)] = target.id
        self.visit(node.value)
        if len(node.targets) == 1:
            self._check_assignment(node.targets[0], node.value)
        for target in node.targets:
            self._bind(target, node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)
            self._check_assignment(node.target, node.value)
        self._bind(node.target, node.value)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.generic_visit(node)
        self._bind(node.target, None)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.generic_visit(node)
        self._forget([node.target.id])

    def visit_Delete(self, node: ast.Delete) -> None:
        self.generic_visit(node)
        self._forget(_assigned_names(node.targets))

    def _bind(self, target: ast.expr, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            self._forget([target.id])
            if value is None:
                return
            fact = None if id(target) in self._untracked else self.shape_of(value)
            if fact is not None:
                self.env[target.id] = fact
            self._bind_ints(target.id, value)
        else:
            if not isinstance(target, ast.Tuple | ast.List | ast.Starred):
                self.visit(target)
            self._forget(_assigned_names([target]))
            if (
                isinstance(target, ast.Tuple | ast.List)
                and isinstance(value, ast.Tuple | ast.List)
                and len(target.elts) == len(value.elts)
            ):
                # `n_x, n_h, n_y = 2, 4, 1`
                for name, item in zip(target.elts, value.elts, strict=True):
                    if isinstance(name, ast.Name) and not isinstance(item, ast.Starred):
                        self._bind_ints(name.id, item)
            if (
                isinstance(target, ast.Attribute)
                and target.attr == "shape"
                and isinstance(target.value, ast.Name)
            ):
                # `x.shape = (4, 3)` reshapes x in place.
                self._forget([target.value.id])

    def _bind_ints(self, name: str, value: ast.expr) -> None:
        """Numbers the source spells out: `n_x = 3`, `layer_dims = [2, 3, 4, 1]`."""
        number = int_constant(value)
        if number is not None:
            self.ints[name] = number
        elif isinstance(value, ast.List | ast.Tuple):
            numbers = [int_constant(item) for item in value.elts]
            for index, item in enumerate(numbers):
                if item is not None:
                    self.ints[f"{name}[{index}]"] = item
                    self.ints[f"{name}[{index - len(numbers)}]"] = item

    def _visit_branches(self, branches: list[list[ast.stmt]]) -> None:
        """Visit alternative branches from the same facts; keep what all agree on."""
        start_env, start_ints = self.env, self.ints
        ends: list[tuple[dict[str, Fact], dict[str, int]]] = []
        for branch in branches:
            self.env, self.ints = dict(start_env), dict(start_ints)
            for statement in branch:
                self.visit(statement)
            ends.append((self.env, self.ints))
        first_env, first_ints = ends[0]
        self.env = {k: v for k, v in first_env.items() if all(e.get(k) == v for e, _ in ends)}
        self.ints = {k: v for k, v in first_ints.items() if all(i.get(k) == v for _, i in ends)}

    def visit_If(self, node: ast.If) -> None:
        self.visit(node.test)
        self._visit_branches([node.body, node.orelse])

    def _visit_loop(self, node: ast.For | ast.AsyncFor | ast.While) -> None:
        # A later pass through the body may see what an earlier pass assigned.
        changed = _assigned_names([*node.body, *node.orelse])
        if isinstance(node, ast.While):
            self._forget(changed)
            self.visit(node.test)
        else:
            self.visit(node.iter)
            changed |= _assigned_names([node.target])
            self._forget(changed)
        for statement in [*node.body, *node.orelse]:
            self.visit(statement)
        self._forget(changed)

    visit_For = visit_AsyncFor = visit_While = _visit_loop

    def _visit_try(self, node: ast.Try | ast.TryStar) -> None:
        changed = _assigned_names([node])
        for statement in node.body:
            self.visit(statement)
        self._forget(changed)
        for other in [*node.handlers, *node.orelse, *node.finalbody]:
            self.visit(other)
        self._forget(changed)

    visit_Try = visit_TryStar = _visit_try

    def visit_Match(self, node: ast.Match) -> None:
        changed = _assigned_names([node])
        self._forget(changed)
        self.generic_visit(node)
        self._forget(changed)

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                self._forget(_assigned_names([item.optional_vars]))
        for statement in node.body:
            self.visit(statement)

    visit_AsyncWith = visit_With

    def visit_Global(self, node: ast.Global) -> None:
        self.check_for_dc501(node)
        self._forget(node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self._forget(node.names)

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
            call = _scaled_call(one)
            if call is None:
                continue
            fact = self.shape_of(other)
            if (fact is not None and fact.rank == 1) or _is_vector_call(other):
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

    # ----------------------------------------------------------------- rules

    def check_for_dc101_random(self, node: ast.Call, function: str) -> None:
        if function not in RANDOM_RANK1 or node.keywords or len(node.args) != 1:
            return
        target = self._created_for.get(id(node), "")
        if self._reshaped_in_scope(target):
            return  # `a = np.random.randn(5)` then `a = a.reshape(5, 1)`, as the notes allow
        if id(node) in self._vector_partners or target in self._vectors_in_scope():
            return
        if self._rows_bias(target):
            return
        (arg,) = node.args
        # randn(n) must get an int: a name or call may be one, a literal list never is.
        maybe_int = isinstance(arg, ast.Name | ast.Attribute | ast.Subscript | ast.Call)
        if not (maybe_int or self._is_scalar_like(arg)):
            return
        dim = text_of(arg)
        fix = f"{text_of(node.func)}({dim}, 1)"
        self.add_error("DC101", node, expr=text_of(node), dim=dim, fix=fix)

    def check_for_dc101_filled(self, target_name: str, value: ast.expr) -> None:
        if not (isinstance(value, ast.Call) and _PARAMETER_NAMES.fullmatch(target_name)):
            return
        function = self.numpy.resolve(value.func)
        if function not in FILLED or self._reshaped_in_scope(self._created_for.get(id(value), "")):
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
        fix = f"{text_of(value.func)}(({dim}, 1))"
        self.add_error("DC101", value, expr=text_of(value), dim=dim, fix=fix)

    def check_for_dc102(self, node: ast.Attribute) -> None:
        fact = self.shape_of(node.value)
        if fact is None or fact.rank != 1:
            return
        self.add_error(
            "DC102",
            node,
            expr=text_of(node),
            name=text_of(node.value),
            dim=_vector_dim(fact),
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
        name, dim = text_of(vector), _vector_dim(fact)
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
                if isinstance(target, ast.Name) and self._reshaped_in_scope(target.id):
                    return False
                if isinstance(axis, ast.Tuple | ast.List) and len(axis.elts) > 1:
                    return False  # several axes: not the (n[l], m) -> (n[l], 1) reduction
                if self._beyond_two_axes_in_scope():
                    return False
                if self.orientation.examples_as_rows and int_constant(axis) == 0:
                    return False  # examples as rows: b is (n[l],) and axis 0 is right
                fix = _with_keywords(reduction, keepdims=True)
                self.add_error(
                    "DC201", reduction, expr=text_of(reduction), target=text_of(target), fix=fix
                )
                return True
            if (
                axis is None
                and not keeps
                and (naming.is_layer_bias_gradient(target_name) or self.layer_context)
            ):
                fix = _with_keywords(reduction, axis=1, keepdims=True)
                self.add_error(
                    "DC203", reduction, expr=text_of(reduction), target=text_of(target), fix=fix
                )
                return True
        return False

    def check_for_dc202(self, node: ast.expr, fact: Fact, matrix: ast.expr, other: Fact) -> None:
        self.add_error(
            "DC202",
            node,
            expr=fact.source,
            fix=fact.source[:-1] + ", keepdims=True)",
            dim=_vector_dim(fact),
            other=self._describe(matrix, other),
        )

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
        if self.orientation.examples_as_rows or self._beyond_two_axes_in_scope():
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
                formula = "dA[l-1] = W[l].T dZ[l]"
                fix = f"np.dot({w_text if weight_t else w_text + '.T'}, {o_text})"
            else:
                formula = "Z[l] = W[l] A[l-1] + b[l]"
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
            formula, fix = "dA[l-1] = W[l].T dZ[l]", f"np.dot({w_text}.T, {o_text})"
        else:
            formula, fix = "Z[l] = W[l] A[l-1] + b[l]", f"np.dot({w_text}, {o_text})"
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

    def check_for_dc501(self, node: ast.Global) -> None:
        if not self.functions or not _FORWARD_BACKWARD.search(self.functions[-1]):
            return
        self.add_error("DC501", node, names=", ".join(node.names), func=self.functions[-1])

    def check_for_dc502(self, node: ast.Call, function: str) -> None:
        if function in ("matrix", "asmatrix", "mat"):
            self.add_error("DC502", node, expr=text_of(node))

    # ------------------------------------------------------------ assignment

    def _check_assignment(self, target: ast.expr, value: ast.expr) -> None:
        name = naming.course_name(target)
        if name is None:
            return
        self.check_for_dc101_filled(name, value)
        if self.check_for_dc201_dc203(name, target, value) and isinstance(target, ast.Name):
            # The finding is made; do not report the same bug again where db is used.
            self._untracked.add(id(target))
        self.check_for_dc301(target, value)

    def _reductions_in(self, value: ast.expr) -> list[tuple[ast.Call, bool]]:
        """Sums/means at the top of `value` (under `*`, `/` and `-`): `np.sum(dZ) / m`."""
        found: list[tuple[ast.Call, bool]] = []
        stack = [value]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult | ast.Div):
                stack += [node.left, node.right]
            elif isinstance(node, ast.UnaryOp):
                stack.append(node.operand)
            elif isinstance(node, ast.Call):
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

    # ------------------------------------------------------------ shape facts

    def _plain_course_name(self, node: ast.expr) -> tuple[str | None, bool]:
        """The course name of `W1`, `W1.T`, `parameters["W1"]`, and whether it is transposed."""
        transposed = False
        if isinstance(node, ast.Attribute) and node.attr == "T":
            node, transposed = node.value, True
        return naming.course_name(node), transposed

    def _reshaped_in_scope(self, name: str) -> bool:
        """Whether the current function gives `name` a new shape from itself somewhere
        (`db = db.reshape(-1, 1)`, `db = db[:, None]`, `db.shape = (n, 1)`)."""
        scope = self.scopes[-1] if self.scopes else None
        if scope is None:
            return False
        if id(scope) not in self._reshaped:
            self._reshaped[id(scope)] = _names_reshaped_from_themselves(scope)
        return name in self._reshaped[id(scope)]

    def _vectors_in_scope(self) -> set[str]:
        scope = self.scopes[-1] if self.scopes else None
        if scope is None:
            return set()
        if id(scope) not in self._vectors:
            self._vectors[id(scope)] = _names_used_as_vectors(scope)
        return self._vectors[id(scope)]

    def _beyond_two_axes_in_scope(self) -> bool:
        scope = self.scopes[-1] if self.scopes else None
        if scope is None:
            return False
        if id(scope) not in self._beyond_2d:
            self._beyond_2d[id(scope)] = _handles_more_than_two_axes(scope)
        return self._beyond_2d[id(scope)]

    def _rows_bias(self, name: str) -> bool:
        """A bias made rank-1 in a module with examples as rows (`b1 = np.zeros(n_h)` next
        to `X @ W1 + b1`): broadcast along the rows, it is what that convention wants."""
        return self.orientation.examples_as_rows and naming.role_of(name) == "bias"

    def _may_have_role(self, name: str, *, made_here_counts: bool = False) -> bool:
        """A course name keeps its course shape unless the code gave it another one
        (with `made_here_counts`, also unless the code made it with a shape of its own)."""
        fact = self.env.get(name)
        if fact is None:
            return True
        if made_here_counts and fact.origin == "created":
            return False
        return fact.rank == 2

    def _describe(self, node: ast.expr, fact: Fact) -> str:
        if fact.origin == "named" and fact.name:
            shape = naming.shape_label(fact.name)
            return f"{text_of(node)} ({naming.label(fact.name)} {shape})"
        if all(dim is None for dim in fact.dims):
            # `(?, ?)` tells a student nothing; a course name at least has its course shape.
            name = naming.course_name(node) if self.course else None
            if name is not None and naming.role_of(name) is not None:
                return f"{text_of(node)} ({naming.label(name)} {naming.shape_label(name)})"
            return text_of(node)
        return f"{text_of(node)} {shape_text(fact.dims)}"
