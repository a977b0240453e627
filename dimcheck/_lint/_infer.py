"""Shape inference: what the source says about the shape of an expression.

`ShapeInference` holds the facts known inside the current function (names ->
`Fact`, names -> numbers) and computes the `Fact` of an expression from the
calls whose shapes the source spells out: `np.random.randn(a, b)`,
`np.zeros((a, b))`, `np.array([[...]])`, `.reshape`, `.ravel()`, `@`,
`np.dot`, `.T`, reductions with and without `keepdims`, element-wise numpy
functions, and course names (`W1`, `A_prev`) in course code.
"""

import ast
import re
from typing import Final

from . import _naming as naming
from ._numpy_names import NumpyNames
from ._shapes import Dim, Fact, Origin, broadcast

# `np.random.randn(a, b)`: every positional argument is a dimension.
RANDOM_RANK1: Final = frozenset({"random.randn", "random.rand"})
# `rng.standard_normal(size)`, `np.random.normal(loc, scale, size)`: one `size`
# argument (a number or a tuple), at this position or as the keyword `size`. The
# same names serve the legacy `np.random` functions and a `Generator`'s methods.
RANDOM_SIZED: Final[dict[str, int]] = {
    "random.standard_normal": 0,
    "random.random": 0,
    "random.random_sample": 0,
    "random.normal": 2,
    "random.uniform": 2,
}
FILLED: Final = frozenset({"zeros", "ones", "empty", "full"})
REDUCTIONS: Final = frozenset(
    {"sum", "mean", "max", "min", "prod", "std", "var", "amax", "amin", "nansum", "nanmean"}
)
_UNARY: Final = frozenset(
    {"exp", "log", "tanh", "abs", "sqrt", "square", "negative", "sin", "cos", "log1p", "expm1"}
)
_BINARY: Final = frozenset({"maximum", "minimum", "multiply", "add", "subtract", "divide", "power"})
ELEMENTWISE_OPS: Final = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.FloorDiv, ast.Mod)
_SCALAR_NAMES: Final = re.compile(
    r"m|lambd|lambda_?|learning_rate|lr|alpha|epsilon|eps|keep_prob|beta\d?|scale"
)
_DIMENSION_NAMES: Final = re.compile(
    r"n|m|n[xyh]|n\d+|n_[a-z0-9_]+|dim|size|num_\w+|\w+_size|\w+_dim"
)
# Names that hold one number of units or examples (`n_h`, `n1`, `N`, `num_units`);
# unlike `_DIMENSION_NAMES`, never `size`, which numpy code often binds to a tuple.
_COUNT_NAMES: Final = re.compile(r"[nmN]|n[xyh]|n\d+|n_[a-z0-9_]+|num_\w+|\w+_dim|dim")
_MAX_TEXT: Final = 60


def text_of(node: ast.AST) -> str:
    """The source of `node` for a message, cut short if long."""
    text = ast.unparse(node)
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 3] + "..."


def int_constant(node: ast.expr | None) -> int | None:
    """`3` -> 3, `-1` -> -1; anything else -> None."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) is int
    ):
        return -node.operand.value
    return None


def size_argument(call: ast.Call, function: str) -> ast.expr | None:
    """The `size` of a call in `RANDOM_SIZED` (`rng.standard_normal((n, 1))` -> `(n, 1)`)."""
    position = RANDOM_SIZED[function]
    if any(isinstance(arg, ast.Starred) for arg in call.args):
        return None
    if len(call.args) > position:
        return call.args[position]
    return keyword(call, "size")


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    """The value of the keyword argument `name` of a call, if given."""
    for item in call.keywords:
        if item.arg == name:
            return item.value
    return None


class ShapeInference:
    """The facts known inside the current function, and the shapes they imply.

    **Arguments:**

    - `course`: the module reads as course code, so course names (`W1`, `A_prev`,
      `dZ`) may be trusted to have their course shapes.
    """

    def __init__(self, *, course: bool) -> None:
        self.course = course
        self.numpy = NumpyNames()
        self.env: dict[str, Fact] = {}
        self.ints: dict[str, int] = {}
        self._cache: dict[int, Fact | None] = {}

    def is_count(self, node: ast.expr) -> bool:
        """Surely one integer, not a shape tuple: `4`, `n_h`, `layer_dims[l]`,
        `X.shape[0]`, `len(x)`, or a sum or product of those. The `size` argument of a
        random generator may be either, so only this makes it a rank-1 request."""
        if int_constant(node) is not None:
            return True
        if isinstance(node, ast.Name):
            return node.id in self.ints or _COUNT_NAMES.fullmatch(node.id) is not None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult):
            return self.is_count(node.left) and self.is_count(node.right)
        return isinstance(node, ast.Subscript | ast.Call) and self._is_scalar_like(node)

    def _is_scalar_like(self, node: ast.expr) -> bool:
        if int_constant(node) is not None:
            return True
        if isinstance(node, ast.Name):
            if node.id in self.ints:
                return True
            # `n_shape` is a tuple however it starts.
            return _DIMENSION_NAMES.fullmatch(node.id) is not None and "shape" not in node.id
        if isinstance(node, ast.Subscript):
            shape = node.value
            if isinstance(shape, ast.Attribute) and shape.attr == "shape":
                return int_constant(node.slice) is not None
            return isinstance(shape, ast.Name) and shape.id in ("layer_dims", "layers_dims")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return node.func.id in ("len", "int")
        if isinstance(node, ast.BinOp) and isinstance(
            node.op, ast.Add | ast.Sub | ast.Mult | ast.FloorDiv
        ):
            return self._is_scalar_like(node.left) and self._is_scalar_like(node.right)
        return False

    def _dim(self, node: ast.expr) -> Dim:
        number = int_constant(node)
        if number is not None:
            return number
        if isinstance(node, ast.Name):
            return self.ints.get(node.id, node.id)
        if isinstance(node, ast.Starred):
            return None
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            index = int_constant(node.slice)
            known = self.ints.get(f"{node.value.id}[{index}]")
            if known is not None:
                return known
        return ast.unparse(node) if self._is_scalar_like(node) else None

    def shape_of(self, node: ast.expr) -> Fact | None:
        """What is known of the shape of `node`'s value, or `None`."""
        key = id(node)
        if key in self._cache:
            return self._cache[key]
        fact = self._shape_of(node)
        self._cache[key] = fact
        return fact

    def _scalar(self, node: ast.expr) -> Fact:
        return Fact((), "derived", "", getattr(node, "lineno", 1))

    def _shape_of(self, node: ast.expr) -> Fact | None:
        if isinstance(node, ast.Name):
            return self._name_fact(node.id, node)
        if isinstance(node, ast.Constant):
            return self._scalar(node) if isinstance(node.value, int | float) else None
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            return self.shape_of(node.operand)
        if isinstance(node, ast.Attribute):
            if node.attr == "T":
                fact = self.shape_of(node.value)
                return fact.transposed() if fact is not None else None
            return None
        if isinstance(node, ast.Subscript):
            value = node.value
            if isinstance(value, ast.Attribute) and value.attr == "shape":
                return self._scalar(node)
            name = naming.course_name(node)
            return self._role_fact(name, node) if name is not None else None
        if isinstance(node, ast.BinOp):
            return self._binop_fact(node)
        if isinstance(node, ast.Call):
            return self._call_fact(node)
        return None

    def _name_fact(self, name: str, node: ast.expr) -> Fact | None:
        if name in self.env:
            return self.env[name]
        if name in self.ints or _SCALAR_NAMES.fullmatch(name):
            return self._scalar(node)
        return self._role_fact(name, node)

    def _role_fact(self, name: str, node: ast.expr) -> Fact | None:
        if not self.course:
            return None
        role = naming.role_of(name)
        if role is None:
            return None
        dims: tuple[Dim, ...] = (None, 1) if role == "bias" else (None, None)
        return Fact(dims, "named", name, getattr(node, "lineno", 1), name)

    def _binop_fact(self, node: ast.BinOp) -> Fact | None:
        left, right = self.shape_of(node.left), self.shape_of(node.right)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.MatMult):
            return self._product_fact(left, right)
        if not isinstance(node.op, ELEMENTWISE_OPS):
            return None
        if left.rank == 0:
            return right
        if right.rank == 0:
            return left
        result = broadcast(left.dims, right.dims)
        if isinstance(result, int):
            return None
        return Fact(result, "derived", text_of(node), node.lineno)

    def _product_fact(self, left: Fact, right: Fact) -> Fact | None:
        if left.rank == 2 and right.rank == 2:
            return left.with_dims((left.dims[0], right.dims[1]))
        if left.rank == 2 and right.rank == 1:
            return left.with_dims((left.dims[0],))
        return None

    def _call_fact(self, node: ast.Call) -> Fact | None:
        function = self.numpy.resolve(node.func)
        if function is not None:
            return self._numpy_fact(node, function)
        if not isinstance(node.func, ast.Attribute):
            return None
        method, receiver = node.func.attr, node.func.value
        if method in ("ravel", "flatten") and not node.args:
            return Fact((None,), "flattened", text_of(node), node.lineno)
        if method == "reshape":
            return self._reshape_fact(node, list(node.args))
        receiver_fact = self.shape_of(receiver)
        if receiver_fact is None:
            return None
        if method == "copy":
            return receiver_fact
        if method == "transpose" and not node.args:
            return receiver_fact.transposed()
        if method in REDUCTIONS:
            axis = keyword(node, "axis") or (node.args[0] if node.args else None)
            return self._reduction_fact(node, receiver_fact, axis)
        return None

    def _numpy_fact(self, node: ast.Call, function: str) -> Fact | None:
        args = node.args
        if function in RANDOM_RANK1:
            if node.keywords or not args or any(isinstance(a, ast.Starred) for a in args):
                return None
            dims = tuple(self._dim(arg) for arg in args)
            return Fact(dims, "created", text_of(node), node.lineno)
        if function in RANDOM_SIZED:
            size = size_argument(node, function)
            if isinstance(size, ast.Tuple | ast.List) or (size is not None and self.is_count(size)):
                return self._shape_argument_fact(node, size)
            return None  # no size: one number; a name: perhaps a tuple
        if function in FILLED:
            shape = args[0] if args else keyword(node, "shape")
            return self._shape_argument_fact(node, shape)
        if function in ("array", "asarray"):
            return self._literal_fact(node, args[0] if args else None)
        if function == "linspace" and not any(isinstance(a, ast.Starred) for a in args):
            # `np.linspace(start, stop, num)`: a vector of `num` points, 50 by default.
            num = args[2] if len(args) > 2 else keyword(node, "num")
            if num is None:
                return Fact((50,), "created", text_of(node), node.lineno)
            return Fact((self._dim(num),), "created", text_of(node), node.lineno)
        if function == "arange" and len(args) == 1 and self._is_scalar_like(args[0]):
            return Fact((self._dim(args[0]),), "created", text_of(node), node.lineno)
        if not args:
            return None
        if function in ("dot", "matmul") and len(args) == 2:
            left, right = self.shape_of(args[0]), self.shape_of(args[1])
            return self._product_fact(left, right) if left and right else None
        if function in REDUCTIONS:
            fact = self.shape_of(args[0])
            axis = keyword(node, "axis") or (args[1] if len(args) > 1 else None)
            return self._reduction_fact(node, fact, axis) if fact else None
        if function in _UNARY and len(args) == 1:
            return self.shape_of(args[0])
        if function in _BINARY and len(args) == 2:
            left, right = self.shape_of(args[0]), self.shape_of(args[1])
            if left is None or right is None:
                return None
            if left.rank == 0 or right.rank == 0:
                return right if left.rank == 0 else left
            result = broadcast(left.dims, right.dims)
            return None if isinstance(result, int) else left.with_dims(result)
        if function == "transpose" and len(args) == 1 and not node.keywords:
            fact = self.shape_of(args[0])
            return fact.transposed() if fact else None
        if function == "reshape" and len(args) == 2:
            return self._reshape_fact(node, [args[1]])
        if function == "ravel" and len(args) == 1:
            return Fact((None,), "flattened", text_of(node), node.lineno)
        return None

    def _shape_argument_fact(self, node: ast.Call, shape: ast.expr | None) -> Fact | None:
        if shape is None:
            return None
        if isinstance(shape, ast.Tuple | ast.List):
            if any(isinstance(elt, ast.Starred) for elt in shape.elts):
                return None
            return Fact(
                tuple(self._dim(e) for e in shape.elts), "created", text_of(node), node.lineno
            )
        if self._is_scalar_like(shape):
            return Fact((self._dim(shape),), "created", text_of(node), node.lineno)
        return None

    def _literal_fact(self, node: ast.Call, literal: ast.expr | None) -> Fact | None:
        """`np.array([[1, 2, 3]])` is (1, 3); a literal holding names may hold arrays."""
        dims: list[Dim] = []
        level: list[ast.expr] = [literal] if literal is not None else []
        while level and all(isinstance(item, ast.List | ast.Tuple) for item in level):
            sizes = {len(item.elts) for item in level}  # type: ignore[attr-defined]
            if len(sizes) != 1 or 0 in sizes:
                return None
            dims.append(sizes.pop())
            level = [elt for item in level for elt in item.elts]  # type: ignore[attr-defined]
        numbers = all(
            int_constant(item) is not None
            or (isinstance(item, ast.Constant) and isinstance(item.value, float | complex))
            for item in level
        )
        if not dims or not numbers:
            return None
        return Fact(tuple(dims), "created", text_of(node), node.lineno)

    def _reshape_fact(self, node: ast.Call, args: list[ast.expr]) -> Fact | None:
        if node.keywords or not args:
            return None
        if len(args) == 1 and isinstance(args[0], ast.Tuple | ast.List):
            args = list(args[0].elts)
        if any(isinstance(arg, ast.Starred) for arg in args):
            return None
        if len(args) == 1:
            if int_constant(args[0]) == -1:
                return Fact((None,), "flattened", text_of(node), node.lineno)
            if not self._is_scalar_like(args[0]):
                return None
        dims = tuple(None if int_constant(arg) == -1 else self._dim(arg) for arg in args)
        return Fact(dims, "created", text_of(node), node.lineno)

    def _reduction_fact(
        self, node: ast.Call, fact: Fact, axis_node: ast.expr | None
    ) -> Fact | None:
        keepdims = keyword(node, "keepdims")
        if keepdims is not None and not isinstance(keepdims, ast.Constant):
            return None
        keeps = isinstance(keepdims, ast.Constant) and bool(keepdims.value)
        if axis_node is None:
            return fact.with_dims((1,) * fact.rank if keeps else ())
        axis = int_constant(axis_node)
        if axis is None or not -fact.rank <= axis < fact.rank:
            return None
        axis %= fact.rank
        if keeps:
            return fact.with_dims(tuple(1 if i == axis else d for i, d in enumerate(fact.dims)))
        dims = tuple(d for i, d in enumerate(fact.dims) if i != axis)
        origin: Origin = "derived"
        if fact.rank == 2:
            origin = "reduced-last" if axis == 1 else "reduced-first"
        return Fact(dims, origin, text_of(node), node.lineno)
