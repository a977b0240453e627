"""Which names in a module stand for numpy, `numpy.random`, or a numpy function.

Tracked from the module's imports, so `import numpy as np`, `import numpy.random
as npr` and `from numpy.random import randn` are all understood, and `np` bound
to something else (`import jax.numpy as np`) is not taken for numpy. A random
generator (`rng = np.random.default_rng(1)`, `np.random.RandomState(1)`, a
parameter `rng: np.random.Generator`) stands for `numpy.random` too: its methods
`rng.standard_normal(n)`, `rng.random(n)` make arrays the way the module's do.
"""

import ast
from typing import Final

GENERATOR_FACTORIES: Final = frozenset(
    {"random.default_rng", "random.Generator", "random.RandomState"}
)


class NumpyNames:
    """The local names bound to numpy things, updated as imports are visited."""

    def __init__(self) -> None:
        # A snippet or notebook cell often uses `np` without importing it.
        self.modules: set[str] = {"np", "numpy"}
        self.random_modules: set[str] = set()
        self.functions: dict[str, str] = {}
        # Names bound to a numpy random generator: `rng = np.random.default_rng(0)`.
        self.generators: set[str] = set()

    def forget(self, name: str) -> None:
        """`name` was rebound to something that is not known to be numpy."""
        self.modules.discard(name)
        self.random_modules.discard(name)
        self.functions.pop(name, None)
        self.generators.discard(name)

    def makes_generator(self, value: ast.expr) -> bool:
        """`np.random.default_rng(0)`, `np.random.RandomState(1)`, `Generator(PCG64(2))`."""
        return isinstance(value, ast.Call) and self.resolve(value.func) in GENERATOR_FACTORIES

    def see_import(self, node: ast.Import) -> None:
        for alias in node.names:
            local = alias.asname or alias.name.partition(".")[0]
            self.forget(local)
            if alias.name == "numpy" or (alias.asname is None and alias.name.startswith("numpy.")):
                self.modules.add(local)
            elif alias.name == "numpy.random":
                self.random_modules.add(local)

    def see_import_from(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            local = alias.asname or alias.name
            self.forget(local)
            if node.level or alias.name == "*":
                continue
            if node.module == "numpy":
                if alias.name == "random":
                    self.random_modules.add(local)
                else:
                    self.functions[local] = alias.name
            elif node.module == "numpy.random":
                self.functions[local] = "random." + alias.name

    def resolve(self, node: ast.expr) -> str | None:
        """The numpy name an expression refers to: `np.random.randn` -> `"random.randn"`."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        parts.reverse()
        if type(node) is ast.Call and parts and self.makes_generator(node):
            return "random." + ".".join(parts)  # `np.random.default_rng(0).random(n)`
        if not isinstance(node, ast.Name):
            return None
        if node.id in self.generators and parts:
            return "random." + ".".join(parts)
        if node.id in self.modules and parts:
            return ".".join(parts)
        if node.id in self.random_modules and parts:
            return "random." + ".".join(parts)
        if node.id in self.functions:
            return ".".join([self.functions[node.id], *parts])
        return None
