"""A terminal-only progress bar, borrowed from `models` when it provides one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol


class Bar(Protocol):
    def update(self, n: int = 1) -> Any: ...


class _Silent:
    def update(self, n: int = 1) -> None:
        return None


#: A bar that counts nothing, for work the visible bar has already counted.
UNCOUNTED: Bar = _Silent()


@contextmanager
def _silent() -> Iterator[Bar]:
    yield _Silent()


#: Below this many evaluations a check takes a moment at most: no bar by default.
QUICK = 2_000


def progress(
    total: int, description: str, enabled: bool | None, quick: int = QUICK
) -> AbstractContextManager[Bar]:
    """A progress bar over `total` steps; silent when `models` has none or `enabled` is False.

    **Arguments:**

    - `total`: the number of steps.
    - `description`: what is being done, shown before the bar.
    - `enabled`: `None` shows the bar only in a terminal, and only when `total`
      reaches `quick`; `True` always.
    - `quick`: the number of steps below which `None` shows no bar.
    """
    if enabled is False or (enabled is None and total < quick):
        return _silent()
    try:
        from models._progress import progress as bar
    except ImportError:
        return _silent()
    result: AbstractContextManager[Bar] = bar(total, description=description, enabled=enabled)
    return result
