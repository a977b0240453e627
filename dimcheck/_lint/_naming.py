"""Course naming: what a name like `W1`, `A_prev` or `grads["db2"]` stands for.

The linter only trusts names in a module that reads as course code (see
`looks_like_course_code`), because outside the course `X` or `W` may be anything.
"""

import ast
import re
from typing import Final, Literal

Role = Literal["weight", "bias", "activation", "dZ", "Z", "dA", "labels"]

# The names that mark course code. A leading `\b` would make the regular expression
# try every position of the file (most of the linter's time on a large tree that is
# not course code); without it, the engine skips ahead to the letters that can start
# a marker, and `looks_like_course_code` checks the word boundary of each candidate.
_COURSE_MARKERS: Final = re.compile(
    r"(?:A_prev|dA_prev|dZ\d*|dW\d*|db\d+|W\d+|AL|dAL|layer_dims|"
    r"initialize_parameters\w*|linear_forward|linear_backward|linear_activation_\w+|"
    r"L_model_\w+|compute_cost|update_parameters|forward_propagation|backward_propagation|"
    # logistic regression, the course's first network: `np.dot(w.T, X)`
    r"initialize_with_zeros|w\.T)\b"
)

_ROLES: Final[tuple[tuple[re.Pattern[str], Role], ...]] = (
    (re.compile(r"W(\d+|_?l)?"), "weight"),
    (re.compile(r"b(\d+|_?l)?"), "bias"),
    (re.compile(r"X|A|A_prev|A(\d+)|AL|A_?l"), "activation"),
    (re.compile(r"dZ(\d+|_?l)?"), "dZ"),
    (re.compile(r"Z(\d+|_?l)?"), "Z"),
    (re.compile(r"dA|dA_prev|dA(\d+)|dAL"), "dA"),
    (re.compile(r"Y"), "labels"),
)

_BIAS_GRADIENT: Final = re.compile(r"db(\d+|_?l|_prev)?")
_LAYER_BIAS_GRADIENT: Final = re.compile(r"db(\d+|_?l)")


def looks_like_course_code(source: str) -> bool:
    """Whether `source` uses the course's names (`A_prev`, `dZ`, `W1`, `layer_dims`, ...)."""
    for match in _COURSE_MARKERS.finditer(source):
        start = match.start()
        if start == 0 or not (source[start - 1].isalnum() or source[start - 1] == "_"):
            return True
    return False


def key_name(node: ast.expr) -> str | None:
    """The course name a dict entry stands for: `grads["db1"]` -> `db1`, `"W" + str(l)` -> `Wl`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Add)
        and isinstance(node.left, ast.Constant)
        and isinstance(node.left.value, str)
    ):
        return node.left.value + "l"
    if isinstance(node, ast.JoinedStr) and node.values:
        first = node.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value + "l"
    return None


def course_name(node: ast.expr) -> str | None:
    """The course name of a plain name or of a parameter/gradient/cache dict entry."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Subscript):
        return key_name(node.slice)
    return None


def role_of(name: str) -> Role | None:
    """The course role of `name` (`"W1"` -> `"weight"`), or `None` for any other name."""
    for pattern, role in _ROLES:
        if pattern.fullmatch(name):
            return role
    return None


def is_bias_gradient(name: str) -> bool:
    """`db`, `db1`, `db_l`, `dbl`: names that must have the shape of `b[l]`."""
    return _BIAS_GRADIENT.fullmatch(name) is not None


def is_layer_bias_gradient(name: str) -> bool:
    """A bias gradient that names its layer (`db1`, `grads["db" + str(l)]`): never a scalar."""
    return _LAYER_BIAS_GRADIENT.fullmatch(name) is not None


def label(name: str) -> str:
    """The course notation for a name: `W1` -> `W[1]`, `A_prev` -> `A[l-1]`, `X` -> `A[0]`."""
    if name == "X":
        return "A[0]"
    if name == "AL":
        return "A[L]"
    if name.endswith("_prev"):
        return name[: -len("_prev")] + "[l-1]"
    match = re.fullmatch(r"(d?[A-Za-z])_?(\d+|l)", name)
    if match:
        return f"{match.group(1)}[{match.group(2)}]"
    if name in ("W", "b", "A", "Z", "dZ", "dA", "dW", "db"):
        return f"{name}[l]"
    return name


def _layer(name: str) -> tuple[str, str]:
    """The layer a name belongs to and the one before it: `W2` -> `("2", "1")`."""
    if name == "X":
        return "0", "-1"
    if name in ("AL", "dAL", "Y"):
        return "L", "L-1"
    if name.endswith("_prev"):
        return "l-1", "l-2"
    digits = re.search(r"(\d+)$", name)
    if digits:
        layer = int(digits.group(1))
        return str(layer), str(layer - 1)
    return "l", "l-1"


def rows_label(name: str) -> str:
    """The number of rows of a course name: `W2` -> `n[2]`, `W` -> `n[l]`."""
    return f"n[{_layer(name)[0]}]"


def shape_label(name: str) -> str:
    """The course shape of a course name: `W2` -> `(n[2], n[1])`, `A_prev` -> `(n[l-1], m)`."""
    role = role_of(name)
    layer, previous = _layer(name)
    if role == "weight":
        return f"(n[{layer}], n[{previous}])"
    if role == "bias":
        return f"(n[{layer}], 1)"
    return f"(n[{layer}], m)"
