"""The result of a layer-rule check: every violation found, readable as text and in notebooks."""

import html
from dataclasses import dataclass

from ._errors import ShapeError


@dataclass(frozen=True)
class Violation:
    """One entry that breaks a rule.

    - `key`: the entry as the code names it (`"db2"`, `"caches[1]"`).
    - `name`: the same in course notation (`"db[2]"`).
    - `expected`: the expected shape with its symbols bound (`"(n[2], 1) = (3, 1)"`).
    - `got`: the actual shape, or `None` when the entry is missing or not an array.
    - `message`: the full sentence, with where the symbols got their values and a fix.
    """

    key: str
    name: str
    expected: str
    got: tuple[int, ...] | None
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class ShapeReport:
    """What a layer-rule check found.

    `bool(report)` is `True` when nothing is wrong, so `assert check_parameters(...)`
    works as a test assertion; `raise_on_violation()` turns the first violation into a
    `ShapeError`. `checked` counts the entries looked at (every one, not a sample).
    """

    what: str
    checked: int
    violations: tuple[Violation, ...]
    convention: str

    @property
    def ok(self) -> bool:
        """Whether every entry follows the rules."""
        return not self.violations

    def __bool__(self) -> bool:
        return self.ok

    def raise_on_violation(self) -> None:
        """Raise `ShapeError` naming the first violation (and how many more there are)."""
        if self.violations:
            more = len(self.violations) - 1
            tail = (
                f" ({more} more: {', '.join(v.name for v in self.violations[1:])})" if more else ""
            )
            raise ShapeError(self.violations[0].message + tail)

    def __str__(self) -> str:
        head = f"{self.what}: {self.checked} entries checked ({self.convention} convention)"
        if self.ok:
            return head + ", all shapes follow the rules."
        lines = [head + f", {len(self.violations)} wrong:"]
        lines += [f"  - {v.message}" for v in self.violations]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"ShapeReport({self.what!r}, checked={self.checked}, "
            f"violations={[v.name for v in self.violations]})"
        )

    def _repr_html_(self) -> str:
        colour = "#2e7d32" if self.ok else "#c62828"
        verdict = "all shapes follow the rules" if self.ok else f"{len(self.violations)} wrong"
        rows = "".join(
            f"<tr><td><code>{html.escape(v.name)}</code></td><td>{html.escape(v.expected)}</td>"
            f"<td>{html.escape(str(v.got) if v.got is not None else '-')}</td>"
            f"<td>{html.escape(v.message)}</td></tr>"
            for v in self.violations
        )
        table = (
            f"<table><tr><th>entry</th><th>expected</th><th>got</th><th>why</th></tr>{rows}</table>"
            if rows
            else ""
        )
        return (
            f"<div><b>{html.escape(self.what)}</b>: {self.checked} entries checked "
            f"({html.escape(self.convention)} convention), "
            f'<span style="color:{colour}">{verdict}</span>{table}</div>'
        )
