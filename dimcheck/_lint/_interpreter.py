"""The abstract interpreter: walks a module once and keeps what is known of each name.

`ShapeInterpreter` is an `ast.NodeVisitor` that follows the statements of one
module (or of a notebook's cells, in order) the way Python would run them, but
with shapes instead of values: assignments bind names to `Fact`s (see
`_infer.ShapeInference`), `if`/`else` keep only what both branches agree on,
loops, `try`, `match` and `del` forget what they may change, functions and
comprehensions get scopes of their own. It reports nothing itself: the rules
(`_checker.LintChecker`) extend it with `visit_<Node>` methods for expressions and
the `check_assignment` hook, and read `env` as they go.
"""

import ast
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, Final

from ._infer import ShapeInference, int_constant
from ._shapes import Fact

# Fields that never hold a node worth visiting: names and numbers, and `ctx`, whose
# `Load()`/`Store()` would cost a call on every name (a third of all nodes).
_NOT_CHILDREN: Final = frozenset(
    {"ctx", "id", "attr", "arg", "name", "module", "level", "kind", "conversion", "is_async"}
)
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
# The fields that hold statements: `for`, `while`, `if`, `with`, `try`, `match`, `def`.
_STATEMENT_LISTS: Final = frozenset({"body", "orelse", "finalbody", "handlers", "cases"})
# The name the toolkit's own style gives a generator passed in (`rng`).
_GENERATOR_PARAMETER_NAMES: Final = frozenset({"rng", "generator"})


def _child_fields(node_type: type[ast.AST]) -> tuple[str, ...]:
    fields = _CHILD_FIELDS.get(node_type)
    if fields is None:
        fields = tuple(f for f in node_type._fields if f not in _NOT_CHILDREN)
        _CHILD_FIELDS[node_type] = fields
    return fields


def assigned_names(nodes: Iterable[ast.AST]) -> set[str]:
    """Every name bound anywhere under `nodes` (assignments, loop targets, `global`)."""
    # `ast.walk` would do, at three times the cost: this runs for every loop.
    names: set[str] = set()
    stack = list(nodes)
    while stack:
        node = stack.pop()
        node_type = type(node)
        if node_type is ast.Name:
            if type(node.ctx) is not ast.Load:  # type: ignore[attr-defined]
                names.add(node.id)  # type: ignore[attr-defined]
            continue
        if node_type is ast.Global or node_type is ast.Nonlocal:
            names.update(node.names)  # type: ignore[attr-defined]
            continue
        for field in _child_fields(node_type):
            value = getattr(node, field, None)
            if type(value) is list:
                stack.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                stack.append(value)
    return names


def _generator_parameters(arguments: ast.arguments) -> set[str]:
    """Parameters that hold a numpy random generator: annotated `np.random.Generator`
    (or `RandomState`), or named `rng` without another annotation."""
    found: set[str] = set()
    for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
        annotation = arg.annotation
        if annotation is None:
            if arg.arg in _GENERATOR_PARAMETER_NAMES:
                found.add(arg.arg)
            continue
        while isinstance(annotation, ast.BinOp):  # `np.random.Generator | None`
            annotation = annotation.left
        end = annotation.attr if isinstance(annotation, ast.Attribute) else None
        if isinstance(annotation, ast.Name):
            end = annotation.id
        if end in ("Generator", "RandomState"):
            found.add(arg.arg)
    return found


class ShapeInterpreter(ShapeInference, ast.NodeVisitor):
    """Follows one module's statements, keeping the shape facts of its names.

    **Arguments:**

    - `course`: the module reads as course code, so course names (`W1`, `A_prev`,
      `dZ`) may be trusted to have their course shapes.
    """

    # `ast.NodeVisitor.visit` looks its method up by name on every node; on large
    # trees that lookup is most of the time, so the method is cached per node type
    # (one cache per class, since a subclass adds methods).
    _dispatch: ClassVar[dict[type, Callable[[Any, Any], None]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._dispatch = {}

    def __init__(self, *, course: bool) -> None:
        super().__init__(course=course)
        self.functions: list[str] = []
        self.cell: int | None = None
        self.scopes: list[ast.AST] = []
        # Targets whose value a rule has already reported: not tracked further, so
        # that the same bug is not reported again where the name is used.
        self.untracked: set[int] = set()
        # `b1 = np.random.randn(n)`: the call -> the name it is assigned to.
        self.created_for: dict[int, str] = {}
        # Statements -> the names bound inside them, computed once (nested loops
        # would otherwise read their bodies again at every level).
        self._assigned: dict[int, set[str]] = {}

    def run(self, tree: ast.Module, cell: int | None = None) -> None:
        """Check one parsed module or cell; names carry over between cells."""
        self.cell = cell
        self.scopes.append(tree)
        try:
            self.visit(tree)
        finally:
            self.scopes.pop()

    # ------------------------------------------------------------- traversal

    def visit(self, node: ast.AST) -> None:
        method = self._dispatch.get(type(node))
        if method is None:
            method = self._method_for(type(node))
        method(self, node)

    @classmethod
    def _method_for(cls, node_type: type) -> Callable[[Any, Any], None]:
        method: Callable[[Any, Any], None] = getattr(
            cls, "visit_" + node_type.__name__, cls.generic_visit
        )
        cls._dispatch[node_type] = method
        return method

    def generic_visit(self, node: ast.AST) -> None:
        # `visit` and `_child_fields` inlined: this loop runs once per node of every
        # linted file.
        dispatch = self._dispatch
        fields = _CHILD_FIELDS.get(type(node))
        if fields is None:
            fields = _child_fields(type(node))
        for field in fields:
            value = getattr(node, field, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        method = dispatch.get(type(item)) or self._method_for(type(item))
                        method(self, item)
            elif isinstance(value, ast.AST):
                method = dispatch.get(type(value)) or self._method_for(type(value))
                method(self, value)

    def _leaf(self, node: ast.AST) -> None:
        """Names, constants and contexts hold nothing to check."""

    visit_Name = visit_Constant = visit_Load = visit_Store = visit_Del = _leaf

    def check_assignment(self, target: ast.expr, value: ast.expr) -> None:
        """Called for `target = value` before `target` is bound; the rules override it."""

    # ------------------------------------------------------------------ scopes

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
        saved = (self.env, self.ints, self.numpy.generators)
        self.env, self.ints = {}, {}
        if not isinstance(node, ast.ClassDef):
            self.numpy.generators = self.numpy.generators | _generator_parameters(node.args)
        self.functions.append("" if isinstance(node, ast.ClassDef) else node.name)
        self.scopes.append(node)
        try:
            for statement in node.body:
                self.visit(statement)
        finally:
            self.functions.pop()
            self.scopes.pop()
            self.env, self.ints, self.numpy.generators = saved

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

    def _assigned_in(self, node: ast.AST) -> set[str]:
        """The names bound under one statement, built from its inner statements' (each
        computed once), so that nested loops do not read their bodies at every level."""
        key = id(node)
        names = self._assigned.get(key)
        if names is not None:
            return names
        bodies = [f for f in _child_fields(type(node)) if f in _STATEMENT_LISTS]
        if not bodies:
            names = assigned_names([node])
        else:
            names = set()
            header: list[ast.AST] = []
            for field in _child_fields(type(node)):
                value = getattr(node, field, None)
                if field in _STATEMENT_LISTS:
                    for child in value or ():
                        names |= self._assigned_in(child)
                elif isinstance(value, list):
                    header += [item for item in value if isinstance(item, ast.AST)]
                elif isinstance(value, ast.AST):
                    header.append(value)
            names |= assigned_names(header)
        self._assigned[key] = names
        return names

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
        self._visit_hiding(node, assigned_names(gen.target for gen in node.generators))

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
            self.created_for[id(node.value)] = target.id
        self.visit(node.value)
        if len(node.targets) == 1:
            self.check_assignment(node.targets[0], node.value)
        for target in node.targets:
            self._bind(target, node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)
            self.check_assignment(node.target, node.value)
        self._bind(node.target, node.value)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.generic_visit(node)
        self._bind(node.target, None)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.generic_visit(node)
        self._forget([node.target.id])

    def visit_Delete(self, node: ast.Delete) -> None:
        self.generic_visit(node)
        self._forget(assigned_names(node.targets))

    def _bind(self, target: ast.expr, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            self._forget([target.id])
            if value is None:
                return
            if self.numpy.makes_generator(value):
                self.numpy.generators.add(target.id)
            fact = None if id(target) in self.untracked else self.shape_of(value)
            if fact is not None:
                self.env[target.id] = fact
            self._bind_ints(target.id, value)
        else:
            if not isinstance(target, ast.Tuple | ast.List | ast.Starred):
                self.visit(target)  # `x.shape = ...`, `grads["db1"] = ...` bind no name
            else:
                self._forget(assigned_names([target]))
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
        changed = set().union(*(self._assigned_in(s) for s in [*node.body, *node.orelse]))
        if isinstance(node, ast.While):
            self._forget(changed)
            self.visit(node.test)
        else:
            self.visit(node.iter)
            changed |= assigned_names([node.target])
            self._forget(changed)
        for statement in [*node.body, *node.orelse]:
            self.visit(statement)
        self._forget(changed)

    visit_For = visit_AsyncFor = visit_While = _visit_loop

    def _visit_try(self, node: ast.Try | ast.TryStar) -> None:
        changed = self._assigned_in(node)
        for statement in node.body:
            self.visit(statement)
        self._forget(changed)
        for other in [*node.handlers, *node.orelse, *node.finalbody]:
            self.visit(other)
        self._forget(changed)

    visit_Try = visit_TryStar = _visit_try

    def visit_Match(self, node: ast.Match) -> None:
        changed = self._assigned_in(node)
        self._forget(changed)
        self.generic_visit(node)
        self._forget(changed)

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            self.visit(item.context_expr)
            if item.optional_vars is not None:
                self._forget(assigned_names([item.optional_vars]))
        for statement in node.body:
            self.visit(statement)

    visit_AsyncWith = visit_With

    def visit_Global(self, node: ast.Global) -> None:
        self._forget(node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self._forget(node.names)
