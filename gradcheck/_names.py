"""Course-notation names for parameters and their gradients: `"W1"` is `W[1]`."""

from __future__ import annotations

import re

_LAYERED = re.compile(r"^([A-Za-z_]+?)(\d+)$")


def course_name(key: str) -> str:
    """`"W1"` -> `"W[1]"`, `"b12"` -> `"b[12]"`; names without a layer number unchanged.

    **Arguments:**

    - `key`: a parameter key of the Course's dict form.

    **Returns:** the name as the course notes write it.
    """
    match = _LAYERED.match(key)
    if match is None:
        return key
    return f"{match.group(1)}[{match.group(2)}]"


def gradient_key(key: str) -> str:
    """`"W1"` -> `"dW1"`: the Course's key for the gradient of a parameter."""
    return "d" + key


def gradient_name(key: str) -> str:
    """`"W1"` -> `"dW[1]"`: the gradient's name in course notation."""
    return "d" + course_name(key)


def shape_symbols(key: str, ndim: int, transposed: bool = False) -> tuple[str, ...] | None:
    """The symbolic shape of a Course parameter: `W1` is `(n[1], n[0])`, `b1` is `(n[1], 1)`.

    **Arguments:**

    - `key`: a parameter key such as `"W2"` or `"b2"`.
    - `ndim`: the number of axes the parameter has.
    - `transposed`: the weights are stored `(n[l-1], n[l])` (the convention of
      some course material, where `Z = W.T @ A + b`).

    **Returns:** a tuple of symbols, or `None` when the key is not a Course
    weight or bias or the number of axes is not 2.
    """
    match = _LAYERED.match(key)
    if match is None or ndim != 2:
        return None
    letter, layer = match.group(1), int(match.group(2))
    if letter == "W":
        here, before = f"n[{layer}]", f"n[{layer - 1}]"
        return (before, here) if transposed else (here, before)
    if letter == "b":
        return (f"n[{layer}]", "1")
    return None


def shape_text(shape: tuple[int, ...]) -> str:
    """`(3,)`, `(3, 4)` and `()` as a reader writes them."""
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + ", ".join(str(int(s)) for s in shape) + ")"


def index_text(index: tuple[int, ...]) -> str:
    """`(0, 2)` -> `"[0, 2]"`: an entry of an array as numpy indexes it."""
    return "[" + ", ".join(str(int(i)) for i in index) + "]"
