"""Course naming: what a name like `W1`, `A_prev` or `grads["db2"]` stands for.

The linter only trusts names in a module that reads as course code (see
`looks_like_course_code`), because outside the course `X` or `W` may be anything.
"""

import ast
import functools
import re
from collections.abc import Iterable
from typing import Final, Literal

from .._course_functions import MARKERS
from .._vocabulary import course_label, make_key, n, parse_name, symbols_of, symbols_text

Role = Literal["weight", "bias", "activation", "dZ", "Z", "dA", "labels"]


def _by_first_letter(words: Iterable[str]) -> str:
    """`initialize_adam`, `initialize_velocity` -> `i(?:nitialize_velocity|nitialize_adam)`:
    an alternation grouped by first letter, so that at each candidate position the engine
    tries only the words that start there (a flat alternation of the Course's 37 function
    names made the scan of a file twice as slow)."""
    groups: dict[str, list[str]] = {}
    for word in sorted(words):
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(
        re.escape(first) + "(?:" + "|".join(sorted(rests, key=len, reverse=True)) + ")"
        for first, rests in groups.items()
    )


# The names that mark course code: the Course's own variable names, and the Course
# functions that only the Course's code defines or calls (`_course_functions.MARKERS`). A
# leading `\b` would make the regular expression try every position of the file (most of
# the linter's time on a large tree that is not course code); without it, the engine skips
# ahead to the letters that can start a marker, and `looks_like_course_code` checks the
# word boundary of each candidate.
_COURSE_MARKERS: Final = re.compile(
    r"(?:A_prev|dA_prev|dZ\d*|dW\d*|db\d+|W\d+|AL|dAL|layer_dims|"
    + _by_first_letter(MARKERS)
    # logistic regression, the course's first network: `np.dot(w.T, X)`
    + r"|w\.T)\b"
)

# The role of each of the Course's letters (`parse_name`); the gradients of the
# parameters have none: the rules that need them ask `is_bias_gradient`.
_ROLES: Final[dict[str, Role]] = {
    "W": "weight",
    "b": "bias",
    "A": "activation",
    "dZ": "dZ",
    "Z": "Z",
    "dA": "dA",
}


def looks_like_course_code(source: str) -> bool:
    """Whether `source` uses the course's names (`A_prev`, `dZ`, `W1`, `layer_dims`, ...)."""
    for match in _COURSE_MARKERS.finditer(source):
        start = match.start()
        if start == 0 or not (source[start - 1].isalnum() or source[start - 1] == "_"):
            return True
    return False


def key_name(node: ast.expr) -> str | None:
    """The course name a dict entry stands for: `grads["db1"]` -> `db1`, `"W" + str(l)` and
    `f"W{l}"` -> `Wl` (the key of layer `l`, `make_key("W", "l")`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Add)
        and isinstance(node.left, ast.Constant)
        and isinstance(node.left.value, str)
    ):
        return make_key(node.left.value, "l")
    if isinstance(node, ast.JoinedStr) and node.values:
        first = node.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return make_key(first.value, "l")
    return None


def course_name(node: ast.expr) -> str | None:
    """The course name of a plain name or of a parameter/gradient/cache dict entry."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Subscript):
        return key_name(node.slice)
    return None


# The vocabulary's reading of a name, kept: rules ask about the same few names at every
# use, and the reading is the linter's most frequent question in course code.
_parsed = functools.lru_cache(maxsize=1024)(parse_name)


def role_of(name: str) -> Role | None:
    """The course role of `name` (`"W1"` -> `"weight"`), or `None` for any other name."""
    if name == "Y":
        return "labels"
    parsed = _parsed(name)
    return None if parsed is None else _ROLES.get(parsed[0])


def is_bias_gradient(name: str) -> bool:
    """`db`, `db1`, `db_l`, `dbl`, `db_prev`: names that must have the shape of `b[l]`."""
    if not name.startswith("db"):
        return False
    parsed = _parsed(name)
    return parsed is not None and parsed[0] == "db"


def is_layer_bias_gradient(name: str) -> bool:
    """A bias gradient that names its layer (`db1`, `db_l`, `grads["db" + str(l)]`): never a
    scalar. A bare `db` may be logistic regression's, which is one."""
    parsed = _parsed(name)
    return parsed is not None and parsed[0] == "db" and name != "db" and parsed[1] != "l-1"


def label(name: str) -> str:
    """The course notation for a name: `W1` -> `W[1]`, `A_prev` -> `A[l-1]`, `X` -> `A[0]`."""
    return course_label(name)


def _layer(name: str) -> int | str:
    """The layer a name belongs to: `W2` -> `2`, `X` -> `0`, `AL` and `Y` -> `"L"`."""
    parsed = _parsed(name)
    if parsed is None:
        return "L" if name == "Y" else "l"
    return parsed[1]


def rows_label(name: str) -> str:
    """The number of rows of a course name: `W2` -> `n[2]`, `W` -> `n[l]`."""
    return n(_layer(name))


def shape_label(name: str) -> str:
    """The course shape of a course name: `W2` -> `(n[2], n[1])`, `A_prev` -> `(n[l-1], m)`."""
    role = role_of(name)
    letter = "W" if role == "weight" else "b" if role == "bias" else "A"
    return symbols_text(symbols_of(letter, _layer(name)))
