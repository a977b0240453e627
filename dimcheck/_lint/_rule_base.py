"""What every rule family shares: the findings, `add_error`, and what a rule may ask.

`RuleBase` extends the abstract interpreter (`_interpreter.ShapeInterpreter`) with
the list of findings, `add_error(code, node, **fields)` (which fills the rule's row
of the message table, `_messages.MESSAGES`), and the questions rules ask beyond the
current expression: what the whole module says about `X` and `Y`
(`orientation`), what the current function says about its names (`facts()`),
whether a course name still has its course shape, and how to describe a value in
course notation.
"""

import ast
from collections.abc import Iterable

from .._vocabulary import shape_text
from . import _naming as naming
from ._evidence import Orientation, orientation
from ._infer import text_of
from ._interpreter import ShapeInterpreter
from ._messages import MESSAGES
from ._scopes import ScopeFacts, any_layer_context
from ._shapes import Fact

RawFinding = tuple[int, int, str, str, int | None]
"""`(line, col_offset, code, message, cell)`; the column is 0-based as in `ast`."""


def vector_dim(fact: Fact) -> str:
    """The length of a rank-1 array for a message; `k` when the source does not say."""
    dim = fact.dims[0]
    return "k" if dim is None else str(dim)


class RuleBase(ShapeInterpreter):
    """The abstract interpreter, with findings and the questions rules ask.

    **Arguments:**

    - `course`: the module reads as course code, so course names (`W1`, `A_prev`,
      `dZ`) may be trusted to have their course shapes.
    """

    def __init__(self, *, course: bool) -> None:
        super().__init__(course=course)
        self.findings: list[RawFinding] = []
        self._orientation: Orientation | None = None
        self._module_trees: list[ast.AST] = []
        self._module_layer_context: bool | None = None
        self._facts: dict[int, ScopeFacts] = {}
        # randn(n) calls combined element-wise with another vector (`np.linspace(0, 1, N)
        # + np.random.randn(N) * 0.2`): a vector on purpose, not a parameter.
        self._vector_partners: set[int] = set()

    def prepare(self, trees: Iterable[ast.AST]) -> None:
        """Keep the whole module (every cell of a notebook): what it says about `X` and
        `Y` is read from all of it, when a rule first asks."""
        if self.course:
            self._module_trees = list(trees)

    @property
    def orientation(self) -> Orientation:
        """Which way round the module holds `X` and `Y` (read from every cell once, on
        first use: most modules never need it)."""
        if self._orientation is None:
            self._orientation = orientation(self._module_trees)
        return self._orientation

    def add_error(self, code: str, node: ast.AST, **fields: object) -> None:
        message = MESSAGES[code].format(**fields)
        line = getattr(node, "lineno", 1)
        col = getattr(node, "col_offset", 0)
        self.findings.append((line, col, code, message, self.cell))

    # ------------------------------------------------------------------ scopes

    def facts(self, scope: ast.AST | None = None) -> ScopeFacts:
        """What `scope` (by default the current function, module or cell) says about
        its names."""
        scope = self.scopes[-1] if scope is None else scope
        found = self._facts.get(id(scope))
        if found is None:
            found = self._facts[id(scope)] = ScopeFacts(scope)
        return found

    @property
    def layer_context(self) -> bool:
        """The innermost function (classes do not count) reads like course layer code;
        at module level, any cell does."""
        if not self.course:
            return False
        for scope in reversed(self.scopes):
            if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
                return self.facts(scope).layer_context
            if isinstance(scope, ast.Module):
                break
        if self._module_layer_context is None:
            self._module_layer_context = any_layer_context(self._module_trees)
        return self._module_layer_context

    def _plain_course_name(self, node: ast.expr) -> tuple[str | None, bool]:
        """The course name of `W1`, `W1.T`, `parameters["W1"]`, and whether it is transposed."""
        transposed = False
        if isinstance(node, ast.Attribute) and node.attr == "T":
            node, transposed = node.value, True
        return naming.course_name(node), transposed

    @staticmethod
    def _var(target: ast.expr | None, name: str = "") -> str:
        """How a message names the value a rule speaks of: the user's own variable (`db1`),
        a dict entry in course notation (`grads["db" + str(l)]` -> `db[l]`), else `name`."""
        if target is None:
            return name
        if isinstance(target, ast.Name):
            return target.id
        course = naming.course_name(target)
        labelled = naming.label(course) if course is not None else course
        return labelled if labelled and labelled != course else text_of(target)

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
