"""Strict broadcasting: numpy arithmetic that silently grows `(n, 1) - (n,)` into `(n, n)`.

numpy has no hook on the operators of plain `ndarray`s, so the check is put into the
code itself. The source of a function decorated with `@dimcheck.shapes(strict_broadcasting=
True)`, or instrumented by `dimcheck.instrument`, is re-compiled with every binary
`+ - * / // % **` turned into a call that, when checking is on, compares the operands'
shapes first. Checking is on always for the decorator option, and for instrumented
functions and every `@dimcheck.shapes` function called inside
`with dimcheck.strict_broadcasting():` (or with `instrument(..., strict_broadcasting=True)`).

Covered: those operators written in the body of a rewritten function (and of functions
and lambdas nested in it). Not covered: code that was not rewritten (the body of the
`with` block itself, helpers the function calls, library code), augmented assignments
(`a += b`: numpy already refuses to grow `a`), `@`, and numpy functions such as
`np.add`, `np.subtract`, `np.dot`, `np.sum`.
"""

import ast
import functools
import inspect
import operator
import re
import textwrap
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ._errors import ShapeError
from ._match import broadcast
from ._switch import _ON, STRICT, SUSPENDED, mode, with_mode
from ._vocabulary import rank1_hint

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
    "**": operator.pow,
}
_SYMBOLS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
}
_HELPER = "__dimcheck_binop__"


@contextmanager
def strict_broadcasting() -> Iterator[None]:
    """Within this block, rewritten functions raise on broadcasting that grows both operands.

    ```python
    dimcheck.instrument(student_module)
    with dimcheck.strict_broadcasting():
        student_module.compute_cost(AL, Y)  # (1, m) - (m,) raises instead of giving (m, m)
    ```

    Raises `ShapeError` when two non-scalar operands broadcast to a shape larger than both
    (`(n, 1) - (n,)` giving `(n, n)`, `(n, 1) * (1, m)`); the intended bias broadcast
    `(n[l], m) + (n[l], 1)` and anything with a scalar pass. The arithmetic checked is
    that of the functions called in the block that dimcheck wraps: instrumented ones and
    `@dimcheck.shapes` ones (not the block's own lines, nor plain helpers; see this
    module's docstring for what is and is not covered); nesting is fine.
    """
    with with_mode(STRICT):
        yield


def check_operands(a: Any, b: Any, info: tuple[str, str, str, str, str, int]) -> None:
    """Raise `ShapeError` when `a <op> b` broadcasts to a shape larger than both operands.

    **Arguments:**

    - `a`, `b`: the operands (anything without a non-empty `.shape` counts as a scalar).
    - `info`: `(symbol, expression, left text, right text, function, line)` for the message.
    """
    sa = getattr(a, "shape", None)
    sb = getattr(b, "shape", None)
    if not sa or not sb or sa == sb or not isinstance(sa, tuple) or not isinstance(sb, tuple):
        return
    joint = broadcast(sa, sb)
    if joint is None or joint in (sa, sb):
        return
    symbol, text, left, right, function, line = info
    message = (
        f"{function} (line {line}): `{text}` broadcasts {sa} {symbol} {sb} to {joint},"
        " larger than both operands: numpy pairs every row of one with every column of"
        " the other."
    )
    for name, shape, other in ((left, sa, sb), (right, sb, sa)):
        if len(shape) == 1 and len(other) == 2:
            n = shape[0]
            name = name if re.fullmatch(r"[\w.]+", name) else f"({name})"
            message += rank1_hint(name, n, column=other[1] == 1)
            break
    else:
        message += " If an outer product is intended, write it explicitly (np.outer or @)."
    raise ShapeError(message)


def _helper(always: bool) -> Callable[[Any, Any, tuple[str, str, str, str, str, int]], Any]:
    ops = _OPS

    def binop(a: Any, b: Any, info: tuple[str, str, str, str, str, int]) -> Any:
        if _ON[0]:
            current = mode()
            if (always or current & STRICT) and not current & SUSPENDED:
                check_operands(a, b, info)
        return ops[info[0]](a, b)

    return binop


class _Rewriter(ast.NodeTransformer):
    def __init__(self, function: str, line_offset: int) -> None:
        self.function = function
        self.line_offset = line_offset

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        symbol = _SYMBOLS.get(type(node.op))
        if symbol is None:
            self.generic_visit(node)
            return node
        # The texts are taken before the operands are themselves rewritten.
        info = (
            symbol,
            ast.unparse(node),
            ast.unparse(node.left),
            ast.unparse(node.right),
            self.function,
            node.lineno + self.line_offset,
        )
        self.generic_visit(node)
        call = ast.Call(
            func=ast.Name(_HELPER, ast.Load()),
            args=[node.left, node.right, ast.Constant(info)],  # type: ignore[arg-type]
            keywords=[],
        )
        return ast.copy_location(call, node)


def rewrite(fn: Callable[..., Any], *, always: bool) -> Callable[..., Any]:
    """A copy of `fn` whose binary arithmetic checks broadcasting (see the module docstring).

    **Arguments:**

    - `fn`: a plain Python function whose source `inspect` can find.
    - `always`: check on every call (the decorator option) rather than only inside
      `with strict_broadcasting():`.

    **Returns:** the new function, with `fn`'s globals and closure cells (shared, not
    copied), defaults, name, docstring and signature.

    **Raises:** `ValueError` when the source cannot be found, recompiled, or no longer
    matches `fn`'s code (the file was edited after import).
    """
    if not isinstance(fn, types.FunctionType):
        raise ValueError(f"strict broadcasting needs a plain function: got {type(fn).__name__}.")
    try:
        source = textwrap.dedent(inspect.getsource(fn))
        first_line = fn.__code__.co_firstlineno
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError) as e:
        raise ValueError(
            f"strict broadcasting needs the source of {fn.__qualname__}, which is not available."
        ) from e
    func = tree.body[0]
    if not isinstance(func, ast.FunctionDef) or func.name != fn.__name__:
        raise ValueError(f"strict broadcasting cannot find the definition of {fn.__qualname__}.")
    # The decorators already ran once; running them again would wrap twice.
    func.decorator_list = []
    rewriter = _Rewriter(fn.__qualname__, first_line - 1)
    rewriter.visit(func)
    freevars = fn.__code__.co_freevars
    factory = ast.FunctionDef(
        name="__dimcheck_factory__",
        args=ast.arguments(
            posonlyargs=[],
            args=[ast.arg(_HELPER), *(ast.arg(name) for name in freevars)],
            kwonlyargs=[],
            kw_defaults=[],
            defaults=[],
        ),
        body=[func, ast.Return(ast.Name(fn.__name__, ast.Load()))],
        decorator_list=[],
        returns=None,
    )
    module = ast.Module(body=[factory], type_ignores=[])
    ast.fix_missing_locations(module)
    ast.increment_lineno(module, first_line - 1)
    code = compile(module, fn.__code__.co_filename, "exec")
    factory_code = next(c for c in code.co_consts if isinstance(c, types.CodeType))
    inner = next(c for c in factory_code.co_consts if isinstance(c, types.CodeType))
    if inner.co_varnames != fn.__code__.co_varnames:
        # The file changed since `fn` was compiled: this source is not `fn`'s any more.
        raise ValueError(f"the source of {fn.__qualname__} no longer matches its code.")
    # The copy shares `fn`'s own closure cells (live, like `__class__` for `super()`,
    # which is still empty while a class body runs), plus one cell for the helper.
    original_cells = dict(zip(freevars, fn.__closure__ or (), strict=True))
    helper_cell = types.CellType(_helper(always))
    closure = tuple(
        helper_cell if name == _HELPER else original_cells[name] for name in inner.co_freevars
    )
    new = types.FunctionType(inner, fn.__globals__, fn.__name__, None, closure)
    new.__defaults__ = fn.__defaults__
    new.__kwdefaults__ = fn.__kwdefaults__
    functools.update_wrapper(new, fn)
    delattr(new, "__wrapped__")  # the copy is the function itself, not a wrapper of `fn`
    return new
