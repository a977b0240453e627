"""The tests of a test file found by reading its source, without importing it.

For a file whose import failed (or a run that died before collecting): its tests must
still be listed in the grade with their points.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def tests_in_source(
    path: Path, relative: str, default_points: float, default_visibility: str = "visible"
) -> list[dict[str, Any]]:
    """The tests of a test file found by reading its source, without importing it.

    For a file whose import failed: its tests must still be listed with their points.
    Finds `test*` functions and `test*` methods of `Test*` classes, `@pytest.mark.points(n)`
    and `@pytest.mark.visibility(name)` with literal arguments, and counts the cases of a
    `@pytest.mark.parametrize` with a literal list (one test when it cannot tell).

    **Arguments:**

    - `path`: the test file.
    - `relative`: its nodeid (the path as pytest names it).
    - `default_points`, `default_visibility`: for tests without markers.

    **Returns:** dicts with `nodeid`, `points` and `visibility`, in source order.
    """
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return []
    module_marks = _module_marks(tree)
    found: list[dict[str, Any]] = []

    def add(prefix: str, node: ast.FunctionDef | ast.AsyncFunctionDef, marks: dict) -> None:
        mine = _marks(node.decorator_list)
        own = {**marks, **mine}
        points = own.get("points", default_points)
        visibility = own.get("visibility", default_visibility)
        cases = marks.get("cases", 1) * mine.get("cases", 1)
        base = f"{relative}::{prefix}{node.name}"
        ids = (
            own.get("ids")
            if marks.get("parametrized", 0) + mine.get("parametrized", 0) == 1
            else None
        )
        if ids:
            # The ids pytest gives: the same names as in a run where the file imports.
            names = [f"{base}[{case}]" for case in ids]
        else:
            names = [base] if cases == 1 else [f"{base}[case {i}]" for i in range(cases)]
        found.extend({"nodeid": n, "points": points, "visibility": visibility} for n in names)

    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test"
        ):
            add("", node, module_marks)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            class_marks = {**module_marks, **_marks(node.decorator_list)}
            for item in node.body:
                if isinstance(
                    item, ast.FunctionDef | ast.AsyncFunctionDef
                ) and item.name.startswith("test"):
                    add(f"{node.name}::", item, class_marks)
    return found


def _module_marks(tree: ast.Module) -> dict[str, Any]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets
        ):
            value = node.value
            marks = value.elts if isinstance(value, ast.List | ast.Tuple) else [value]
            return _marks(marks)
    return {}


def _literal_ids(values: list[ast.expr], keywords: list[ast.keyword]) -> list[str] | None:
    """pytest's ids of a parametrize of literal values (`ids=[...]`, or numbers, plain
    strings, booleans, None, and tuples of them joined by `-`); None when unsure."""
    try:
        for keyword in keywords:
            if keyword.arg == "ids":
                given = ast.literal_eval(keyword.value)
                ids = [str(i) for i in given] if isinstance(given, list | tuple) else None
                return (
                    ids if ids and len(ids) == len(values) and len(set(ids)) == len(ids) else None
                )
        ids = []
        for value in values:
            literal = ast.literal_eval(value)
            parts = literal if isinstance(literal, tuple) else (literal,)
            if not parts or not all(_plain(part) for part in parts):
                return None
            ids.append("-".join(str(part) for part in parts))
    except (ValueError, TypeError, SyntaxError):
        return None
    return ids if len(set(ids)) == len(ids) else None  # pytest renames duplicates


def _plain(value: object) -> bool:
    if isinstance(value, str):
        # pytest escapes other characters; an empty string gets a generated id.
        return value != "" and value.isascii() and value.isprintable()
    return value is None or isinstance(value, bool | int | float)


def _marks(decorators: Iterable[ast.expr]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for decorator in decorators:
        if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Attribute):
            continue
        name = decorator.func.attr
        args = decorator.args
        try:
            if name == "points" and args:
                found["points"] = float(ast.literal_eval(args[0]))
            elif name == "visibility" and args:
                found["visibility"] = str(ast.literal_eval(args[0]))
            elif name == "parametrize" and len(args) >= 2:
                values = args[1]
                found["parametrized"] = found.get("parametrized", 0) + 1
                if isinstance(values, ast.List | ast.Tuple):
                    found["cases"] = found.get("cases", 1) * max(len(values.elts), 1)
                    found["ids"] = _literal_ids(values.elts, decorator.keywords)
        except (ValueError, TypeError, SyntaxError):
            continue
    return found
