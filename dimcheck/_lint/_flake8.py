"""The flake8 plugin: `flake8 --select DC` shows the same findings as `dimcheck lint`.

flake8 applies its own `--select`, `--ignore` and `# noqa`, so the plugin reports
every finding of the checker.
"""

import ast
from collections.abc import Iterator
from importlib import metadata
from typing import Any

from ._checker import LintChecker
from ._naming import looks_like_course_code
from ._runner import _worth_checking


def _version() -> str:
    try:
        return metadata.version("dimgrad")
    except metadata.PackageNotFoundError:
        return "0"


class Plugin:
    """A flake8 AST plugin (`flake8.extension` entry point `DC`).

    **Arguments:**

    - `tree`: the module flake8 parsed.
    - `lines`: its physical lines.
    """

    name = "dimcheck"
    version = _version()

    def __init__(self, tree: ast.Module, lines: list[str]) -> None:
        self.tree = tree
        self.source = "".join(lines)

    def run(self) -> Iterator[tuple[int, int, str, type[Any]]]:
        course = looks_like_course_code(self.source)
        if not _worth_checking(self.source, course):
            return
        checker = LintChecker(course=course)
        try:
            checker.prepare([self.tree])
            checker.run(self.tree)
        except RecursionError:
            return
        for line, col, code, message, _ in checker.findings:
            yield line, col, f"{code} {message}", type(self)
