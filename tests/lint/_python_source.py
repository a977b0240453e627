"""A hypothesis strategy for valid Python that looks like course code.

Hypothesis has no strategy for Python source, so this is a small grammar:
expressions over course names and numpy calls, statements and nested blocks
(functions, classes, loops, branches, try, with, comprehensions, lambdas).
"""

from hypothesis import strategies as st

NAMES = (
    "W", "W1", "W2", "b", "b1", "A", "A_prev", "A1", "AL", "X", "Y", "Z", "dZ", "dZ1",
    "dW", "db", "db1", "m", "n", "n_h", "a", "x", "k", "np", "parameters", "grads", "cache",
)  # fmt: skip
FUNCTIONS = (
    "np.random.randn", "np.random.rand", "np.zeros", "np.ones", "np.empty", "np.full",
    "np.dot", "np.matmul", "np.sum", "np.mean", "np.max", "np.matrix", "np.array",
    "np.exp", "np.tanh", "np.maximum", "np.multiply", "np.transpose", "np.reshape",
    "np.ravel", "len", "int", "randn", "zeros", "np.asmatrix",
)  # fmt: skip
METHODS = ("reshape", "ravel", "flatten", "sum", "mean", "max", "copy", "transpose", "T")
KEYWORDS = (
    "", "axis=0", "axis=1", "axis=-1", "axis=2", "keepdims=True", "axis=1, keepdims=True",
    "keepdims=False", "axis=(0, 1)", "keepdims=k", "shape=(n, 1)", "axis=None",
)  # fmt: skip
KEYS = ('"W1"', '"b1"', '"db1"', '"dW" + str(l)', '"db" + str(l)', 'f"W{l}"', "0", "-1", ":")
OPERATORS = ("+", "-", "*", "/", "@", "**", "//", "%")
FUNCTION_NAMES = ("linear_forward", "linear_backward", "L_model_forward", "helper", "forward")
IMPORTS = (
    "import numpy as np", "import numpy", "import jax.numpy as np", "from numpy import zeros",
    "from numpy.random import randn", "import numpy.random as npr", "from numpy import *",
)  # fmt: skip


def _call(parts: tuple[str, list[str], str]) -> str:
    function, args, keywords = parts
    return f"{function}({', '.join([*args, keywords] if keywords else args)})"


def _method(parts: tuple[str, str, list[str], str]) -> str:
    receiver, method, args, keywords = parts
    if method == "T":
        return f"({receiver}).T"
    return f"({receiver}).{method}({', '.join([*args, keywords] if keywords else args)})"


def _literal(items: list[str]) -> str:
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    functions, methods = st.sampled_from(FUNCTIONS), st.sampled_from(METHODS)
    keywords, operators = st.sampled_from(KEYWORDS), st.sampled_from(OPERATORS)
    return st.one_of(
        st.tuples(inner, operators, inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(functions, st.lists(inner, max_size=3), keywords).map(_call),
        st.tuples(inner, methods, st.lists(inner, max_size=2), keywords).map(_method),
        st.lists(inner, max_size=3).map(_literal),
        st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.tuples(inner, st.sampled_from(KEYS)).map(lambda t: f"({t[0]})[{t[1]}]"),
        st.tuples(inner, st.integers(-1, 2)).map(lambda t: f"({t[0]}).shape[{t[1]}]"),
        inner.map(lambda e: f"-({e})"),
        inner.map(lambda e: f"(lambda x, A: {e})"),
        st.tuples(inner, inner).map(lambda t: f"[{t[0]} for x in {t[1]} if x]"),
        st.tuples(inner, inner).map(lambda t: f"{{x: {t[0]} for x in {t[1]}}}"),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        st.tuples(st.sampled_from(NAMES), inner).map(lambda t: f"({t[0]} := {t[1]})"),
    )


ATOMS = st.one_of(
    st.sampled_from(NAMES),
    st.integers(-3, 7).map(str),
    st.sampled_from(("0.01", "1.0", "True", "None", "'s'", "...")),
)
EXPRESSIONS = st.recursive(ATOMS, _extend, max_leaves=10)
TARGETS = st.one_of(
    st.sampled_from(NAMES),
    st.tuples(st.sampled_from(NAMES), st.sampled_from(NAMES)).map(lambda t: f"{t[0]}, {t[1]}"),
    st.tuples(st.sampled_from(("parameters", "grads", "cache")), st.sampled_from(KEYS[:-1])).map(
        lambda t: f"{t[0]}[{t[1]}]"
    ),
)
_COURSE_NAMES = st.sampled_from(("W", "W1", "A_prev", "X", "Y", "dZ", "dZ1", "AL", "b1", "a", "v"))
_DIMS = st.sampled_from(("3", "4", "n", "n_h", "layer_dims[l]", "layer_dims[1]", "1", "-1", "m"))
_AXES = st.sampled_from(("", ", axis=0", ", axis=1", ", axis=1, keepdims=True", ", axis=-1"))
# Statements in the shape of course code, so that every rule's logic is reached.
COURSE = st.one_of(
    st.tuples(_COURSE_NAMES, _DIMS, _DIMS).map(
        lambda t: f"{t[0]} = np.random.randn({t[1]}, {t[2]})"
    ),
    st.tuples(_COURSE_NAMES, _DIMS).map(lambda t: f"{t[0]} = np.random.randn({t[1]})"),
    st.tuples(_COURSE_NAMES, _DIMS, _DIMS).map(lambda t: f"{t[0]} = np.zeros(({t[1]}, {t[2]}))"),
    st.tuples(_COURSE_NAMES, _COURSE_NAMES, _AXES).map(
        lambda t: f"{t[0]} = np.sum({t[1]}{t[2]}) / m"
    ),
    st.tuples(_COURSE_NAMES, _COURSE_NAMES, _COURSE_NAMES).map(
        lambda t: f"{t[0]} = np.dot({t[1]}, {t[2]})"
    ),
    st.tuples(_COURSE_NAMES, _COURSE_NAMES, st.sampled_from(("@", "*", "+", "-"))).map(
        lambda t: f"Z = {t[0]} {t[2]} {t[1]}"
    ),
    st.tuples(_COURSE_NAMES, st.sampled_from(("reshape(-1)", "ravel()", "T", "reshape(n, 1)"))).map(
        lambda t: f"{t[0]} = {t[0]}.{t[1]}"
    ),
    st.tuples(_COURSE_NAMES, st.integers(0, 1)).map(lambda t: f"m = {t[0]}.shape[{t[1]}]"),
    st.tuples(st.sampled_from(("db", "db1", 'grads["db1"]')), _COURSE_NAMES, _AXES).map(
        lambda t: f"{t[0]} = np.sum({t[1]}{t[2]}) / m"
    ),
).map(lambda line: [line])
SIMPLE = st.one_of(
    COURSE,
    st.tuples(TARGETS, EXPRESSIONS).map(lambda t: [f"{t[0]} = {t[1]}"]),
    st.tuples(st.sampled_from(NAMES), st.sampled_from(("+=", "-=", "*=", "@=")), EXPRESSIONS).map(
        lambda t: [f"{t[0]} {t[1]} {t[2]}"]
    ),
    st.tuples(st.sampled_from(NAMES), EXPRESSIONS).map(lambda t: [f"{t[0]}: int = {t[1]}"]),
    EXPRESSIONS.map(lambda e: [e]),
    st.sampled_from(NAMES).map(lambda n: [f"global {n}"]),
    st.sampled_from(NAMES).map(lambda n: [f"del {n}"]),
    st.sampled_from(IMPORTS).map(lambda i: [i]),
    st.tuples(TARGETS, EXPRESSIONS).map(lambda t: [f"{t[0]} = {t[1]}  # noqa: DC1"]),
    st.just(["pass"]),
)


def _indent(lines: list[str]) -> list[str]:
    return ["    " + line for line in lines] or ["    pass"]


def _blocks(inner: st.SearchStrategy[list[str]]) -> st.SearchStrategy[list[str]]:
    body = st.lists(inner, min_size=1, max_size=3).map(lambda bs: [ln for b in bs for ln in b])
    return st.one_of(
        st.tuples(EXPRESSIONS, body, body).map(
            lambda t: [f"if {t[0]}:", *_indent(t[1]), "else:", *_indent(t[2])]
        ),
        st.tuples(st.sampled_from(NAMES), EXPRESSIONS, body).map(
            lambda t: [f"for {t[0]} in {t[1]}:", *_indent(t[2])]
        ),
        st.tuples(EXPRESSIONS, body).map(lambda t: [f"while {t[0]}:", *_indent(t[1])]),
        st.tuples(body, body).map(
            lambda t: ["try:", *_indent(t[0]), "except Exception:", *_indent(t[1])]
        ),
        st.tuples(EXPRESSIONS, st.sampled_from(NAMES), body).map(
            lambda t: [f"with {t[0]} as {t[1]}:", *_indent(t[2])]
        ),
        st.tuples(st.sampled_from(FUNCTION_NAMES), body, EXPRESSIONS).map(
            lambda t: [
                f"def {t[0]}(A_prev, W, b=None, *args):",
                *_indent([*t[1], f"return {t[2]}"]),
            ]
        ),
        st.tuples(st.sampled_from(("Net", "Layer")), body).map(
            lambda t: [f"class {t[0]}:", *_indent(t[1])]
        ),
    )


STATEMENTS = st.recursive(SIMPLE, _blocks, max_leaves=8)
MODULES = st.lists(STATEMENTS, min_size=1, max_size=8).map(
    lambda blocks: "\n".join(line for block in blocks for line in block) + "\n"
)
