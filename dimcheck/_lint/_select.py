"""Which rules run: `select`/`ignore` by code or prefix, and `# noqa` comments."""

import re
from dataclasses import dataclass
from typing import Final

from ._messages import MESSAGES

_NOQA: Final = re.compile(
    r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]*(?:[,\s]+[A-Z]+[0-9]*)*))?", re.IGNORECASE
)
_CODE: Final = re.compile(r"[A-Z]+[0-9]*")


class SelectionError(ValueError):
    """A `select`/`ignore` entry that names no rule of the linter."""


def check_codes(codes: tuple[str, ...], option: str) -> tuple[str, ...]:
    """Normalise codes or prefixes (`"dc1"` -> `"DC1"`) and refuse ones that match no rule."""
    normal = tuple(code.strip().upper() for code in codes if code.strip())
    for code in normal:
        if not _CODE.fullmatch(code) or not any(rule.startswith(code) for rule in MESSAGES):
            known = ", ".join(sorted(MESSAGES))
            raise SelectionError(
                f"{option}: {code!r} is not a rule code or prefix of one; "
                f"the rules are {known} (prefixes such as DC1 or DC all work)."
            )
    return normal


@dataclass(frozen=True, slots=True)
class Selection:
    """The rules to report.

    **Arguments:**

    - `select`: codes or prefixes to report (default: every rule, `("DC",)`).
    - `ignore`: codes or prefixes to leave out. When both match a code, the
      longer (more specific) entry wins, so `select=["DC1"], ignore=["DC"]`
      still reports DC101.
    """

    select: tuple[str, ...] = ("DC",)
    ignore: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "select", check_codes(tuple(self.select), "select"))
        object.__setattr__(self, "ignore", check_codes(tuple(self.ignore), "ignore"))

    def enabled(self, code: str) -> bool:
        selected = max((len(p) for p in self.select if code.startswith(p)), default=-1)
        ignored = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
        return selected >= 0 and selected > ignored


def suppressed(line: str, code: str) -> bool:
    """Whether `line` carries `# noqa` (bare) or `# noqa: <code or prefix>` for `code`."""
    if "noqa" not in line.lower():
        return False
    for match in _NOQA.finditer(line):
        codes = match.group("codes")
        if codes is None:
            return True
        if any(code.startswith(c.upper()) for c in re.split(r"[,\s]+", codes) if c):
            return True
    return False
