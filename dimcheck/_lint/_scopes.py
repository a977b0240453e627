"""Scope heuristics: what one whole function (or module) says about its names.

The rules look at one expression at a time; some decisions need the rest of the
function: whether `db` is reshaped further down, whether two rank-1 vectors are
made to meet in a dot product, whether the code handles images rather than the
course's `(n[l], m)` matrices, whether the function is parameter and gradient
code at all. `ScopeFacts` answers those questions for one scope, each computed on
first use and kept, so a function is read again only if a rule needs it.
"""

import ast
import re
from collections.abc import Iterable, Iterator
from typing import Final

from . import _naming as naming
from ._infer import int_constant

_VECTOR_CALLS: Final = frozenset(
    {"randn", "rand", "zeros", "ones", "empty", "standard_normal", "random", "normal", "uniform"}
)
_VECTOR_PRODUCTS: Final = frozenset({"dot", "inner", "outer", "vdot", "multiply", "add"})
_NEW_AXES: Final = frozenset({"reshape", "expand_dims", "atleast_2d"})

# Functions whose job is the network's parameters or their gradients: the Course's
# initialisers, forward and backward passes, update steps and optimisers.
_PARAMETER_FUNCTIONS: Final = re.compile(
    r"init|param|forward|backward|propagat|update|grad|optimi[sz]|adam|momentum|velocity|"
    r"rmsprop|dropout|regulari[sz]|layer|linear|cost|loss|model|train|fit|predict|step",
    re.IGNORECASE,
)
_PARAMETER_KEYS: Final = re.compile(r"[vs]?d?[WwBb](\d+|_?l)?|[vs]?d[WwBb]\w*")


def walk_scope(scope: ast.AST) -> Iterator[ast.AST]:
    """Every node of one scope, without the bodies of the functions and classes in it
    (their names are their own)."""
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            stack.extend(ast.iter_child_nodes(node))


def gives_new_axes(value: ast.expr) -> bool:
    """`x.reshape(...)`, `np.expand_dims(x, 1)`, `x[:, None]`, `x[:, np.newaxis]`."""
    for node in ast.walk(value):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            if name in _NEW_AXES:
                return True
        elif isinstance(node, ast.Subscript):
            parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            for part in parts:
                if isinstance(part, ast.Constant) and part.value is None:
                    return True
                if isinstance(part, ast.Attribute) and part.attr == "newaxis":
                    return True
    return False


def scaled_call(node: ast.expr) -> ast.Call | None:
    """`np.random.randn(N)`, `np.random.randn(N) * 0.2` or `np.random.randn(N) *
    randomness`: the call, else `None`. A scale is a number or a plain name."""
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult | ast.Div):
        if isinstance(node.right, ast.Constant | ast.Name):
            node = node.left
        elif isinstance(node.left, ast.Constant | ast.Name):
            node = node.right
        else:
            break
    return node if isinstance(node, ast.Call) else None


def is_vector_call(node: ast.expr) -> bool:
    """`np.linspace(0, 1, N)`, `np.arange(N)`, another `np.random.randn(N)`: a vector
    that a rank-1 random vector is added to on purpose."""
    call = scaled_call(node)
    if call is None or not isinstance(call.func, ast.Attribute):
        return False
    if call.func.attr in ("linspace", "arange"):
        return True
    return call.func.attr in _VECTOR_CALLS and len(call.args) == 1


def _names_used_as_vectors(scope: ast.AST) -> set[str]:
    """Names made with one length (`a = np.random.rand(1000000)`) that meet each other
    in `np.dot(a, b)`, `np.outer(a, b)` or `a * b`: vectors on purpose, as in the
    vectorisation demo, where making them columns would break the dot product."""
    made: set[str] = set()
    for node in walk_scope(scope):
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
    for node in walk_scope(scope):
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


def _names_reshaped_from_themselves(scope: ast.AST) -> set[str]:
    """`db = db.reshape(-1, 1)`, `db = db[:, None]`, `db.shape = (n, 1)`."""
    names: set[str] = set()
    for node in walk_scope(scope):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target = node.targets[0]
        if isinstance(target, ast.Attribute) and target.attr == "shape":
            if isinstance(target.value, ast.Name):
                names.add(target.value.id)
        elif isinstance(target, ast.Name) and gives_new_axes(node.value):
            used = {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)}
            if target.id in used:
                names.add(target.id)
    return names


def _handles_more_than_two_axes(scope: ast.AST) -> bool:
    """Convolution or image code (`(m, n_H, n_W, n_C) = A_prev.shape`, `X[i, h, w, c]`,
    `A_prev.shape[3]`): its arrays hold examples on axis 0 and are not the course's
    2-D `(n[l], m)` matrices, so the rules about `m` and `db` do not apply."""
    for node in walk_scope(scope):
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


def _is_layer_context(scope: ast.AST) -> bool:
    """Course layer code (`W`, `dW`, `A_prev`), not logistic regression (`w`, `dw`)."""
    names = {node.id for node in ast.walk(scope) if isinstance(node, ast.Name)}
    if names & {"w", "dw"}:
        return False
    return any(
        naming.role_of(name) in ("weight", "dZ") or name in ("dW", "A_prev", "dA_prev")
        for name in names
    )


def _is_parameter_key(node: ast.expr) -> bool:
    name = naming.key_name(node)
    return name is not None and _PARAMETER_KEYS.fullmatch(name) is not None


def _is_parameter_code(scope: ast.AST) -> bool:
    """A function that makes or changes parameters or gradients: a Course name
    (`initialize_parameters_deep`, `L_model_backward`, `update_parameters_with_adam`),
    or a body that binds `W1`, `b`, `db2`, `parameters["W1"]` or `grads["db" + str(l)]`.
    A data generator (`load_planar_dataset`) is neither."""
    if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef) and _PARAMETER_FUNCTIONS.search(
        scope.name
    ):
        return True
    for node in walk_scope(scope):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif isinstance(node, ast.Dict) and any(
            key is not None and _is_parameter_key(key) for key in node.keys
        ):
            return True
        for target in targets:
            if isinstance(target, ast.Name) and _PARAMETER_KEYS.fullmatch(target.id):
                return True
            if isinstance(target, ast.Subscript) and _is_parameter_key(target.slice):
                return True
    return False


class ScopeFacts:
    """What one scope (a function, or a module or notebook) says about its names.

    **Arguments:**

    - `scope`: the `ast.FunctionDef`, `ast.AsyncFunctionDef` or `ast.Module`.
    """

    def __init__(self, scope: ast.AST) -> None:
        self.scope = scope
        self._reshaped: set[str] | None = None
        self._vectors: set[str] | None = None
        self._beyond_2d: bool | None = None
        self._layer_context: bool | None = None
        self._parameter_code: bool | None = None

    def __repr__(self) -> str:
        name = getattr(self.scope, "name", type(self.scope).__name__)
        return f"ScopeFacts({name})"

    def reshaped(self, name: str) -> bool:
        """The scope gives `name` a new shape from itself somewhere."""
        if self._reshaped is None:
            self._reshaped = _names_reshaped_from_themselves(self.scope)
        return name in self._reshaped

    def vector(self, name: str) -> bool:
        """`name` is one of two rank-1 vectors that meet on purpose (`np.dot(a, b)`)."""
        if self._vectors is None:
            self._vectors = _names_used_as_vectors(self.scope)
        return name in self._vectors

    @property
    def beyond_two_axes(self) -> bool:
        """The scope indexes or unpacks arrays of three or more axes (images)."""
        if self._beyond_2d is None:
            self._beyond_2d = _handles_more_than_two_axes(self.scope)
        return self._beyond_2d

    @property
    def layer_context(self) -> bool:
        """The scope reads like the course's layer code, where `db` is `db[l]`."""
        if self._layer_context is None:
            self._layer_context = _is_layer_context(self.scope)
        return self._layer_context

    @property
    def parameter_code(self) -> bool:
        """The scope makes or changes parameters or gradients (not data)."""
        if self._parameter_code is None:
            self._parameter_code = _is_parameter_code(self.scope)
        return self._parameter_code


def any_layer_context(trees: Iterable[ast.AST]) -> bool:
    """Whether any of a module's trees (a notebook's cells) reads like layer code."""
    return any(_is_layer_context(tree) for tree in trees)
