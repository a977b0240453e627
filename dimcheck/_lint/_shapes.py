"""Shape facts the linter is sure of: what a name holds inside one function.

A dimension is an `int` when the source gives a number, a `str` naming the
symbol it came from (`"n_h"`), or `None` when unknown. Two dimensions are only
ever called different when both are numbers: `n_h` and `n_x` may well be equal.
Messages print a fact's dimensions with the vocabulary's `shape_text`: `(n_h, ?)`.
"""

from dataclasses import dataclass
from typing import Literal

Dim = int | str | None

# How a fact arose; it decides which rule speaks when a rank-1 array meets a matrix.
Origin = Literal["created", "flattened", "reduced-last", "reduced-first", "derived", "named"]


@dataclass(frozen=True, slots=True)
class Fact:
    """What is known of a value's shape.

    **Arguments:**

    - `dims`: one entry per axis (`()` for a scalar).
    - `origin`: how the value was made.
    - `source`: the expression that made it, for messages (`"np.random.randn(5)"`).
    - `line`: where it was made.
    - `name`: the course name it was recognised by, when `origin == "named"`.
    """

    dims: tuple[Dim, ...]
    origin: Origin
    source: str
    line: int
    name: str = ""

    @property
    def rank(self) -> int:
        return len(self.dims)

    def transposed(self) -> "Fact":
        return Fact(self.dims[::-1], self.origin, self.source, self.line, self.name)

    def with_dims(self, dims: tuple[Dim, ...], origin: Origin = "derived") -> "Fact":
        return Fact(dims, origin, self.source, self.line)


def surely_different(a: Dim, b: Dim) -> bool:
    """Both known numbers, and not equal."""
    return isinstance(a, int) and isinstance(b, int) and a != b


def surely_equal(a: Dim, b: Dim) -> bool:
    """The same number or the same symbol."""
    return a is not None and a == b


def broadcast(left: tuple[Dim, ...], right: tuple[Dim, ...]) -> tuple[Dim, ...] | int:
    """The broadcast shape, or the axis (counted from the left of the longer shape)
    where two known sizes clash."""
    width = max(len(left), len(right))
    padded_left = (1,) * (width - len(left)) + left
    padded_right = (1,) * (width - len(right)) + right
    out: list[Dim] = []
    for axis, (a, b) in enumerate(zip(padded_left, padded_right, strict=True)):
        if a == 1:
            out.append(b)
        elif b == 1 or surely_equal(a, b):
            out.append(a)
        elif surely_different(a, b):
            return axis
        else:
            out.append(None)
    return tuple(out)
