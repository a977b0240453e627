"""A small progress bar on stderr, drawn only in a terminal.

Used by `fit` and by gradcheck's long runs:

    with progress(total=1000, description="training") as bar:
        for _ in range(1000):
            ...
            bar.update()          # or bar.update(n), bar.set_postfix("J = 0.12"),
                                  # bar.clear() before printing other lines
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

_WIDTH = 30
# Redraw at most this often: a tight loop must not spend its time on the terminal.
_MIN_INTERVAL = 0.1


class progress:  # lower case: used like a function, `with progress(...) as bar`
    """A progress bar for `total` steps.

    **Arguments:**

    - `total`: the number of steps expected (`update` calls beyond it are counted).
    - `description`: a short label drawn before the bar.
    - `enabled`: `True` always draws, `False` never draws, `None` (default)
      draws only when `stream` is a terminal (so logs and pipes stay clean).
    - `stream`: where to draw; `sys.stderr` by default.

    Usable as a context manager (the bar is finished and its line ended on
    exit) or directly with `update` and `close`.
    """

    def __init__(
        self,
        total: int,
        *,
        description: str = "",
        enabled: bool | None = None,
        stream: TextIO | None = None,
    ) -> None:
        self.total = max(int(total), 0)
        self.description = description
        self.stream = sys.stderr if stream is None else stream
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self.n = 0
        self.postfix = ""
        self._start = time.perf_counter()
        self._last_draw = 0.0
        self._closed = False

    def update(self, n: int = 1) -> None:
        """Count `n` more steps done and redraw if enough time has passed."""
        self.n += n
        if self.enabled:
            now = time.perf_counter()
            if now - self._last_draw >= _MIN_INTERVAL or self.n >= self.total:
                self._draw(now)

    def set_postfix(self, text: str) -> None:
        """Text drawn after the bar (e.g. the current cost); shown at the next redraw."""
        self.postfix = text

    def render(self) -> str:
        """The bar as one line of text (what is drawn), e.g. `training |####  | 40/100`."""
        fraction = min(self.n / self.total, 1.0) if self.total else 1.0
        filled = round(fraction * _WIDTH)
        bar = "#" * filled + " " * (_WIDTH - filled)
        elapsed = time.perf_counter() - self._start
        label = f"{self.description} " if self.description else ""
        tail = f" {self.postfix}" if self.postfix else ""
        return f"{label}|{bar}| {self.n}/{self.total} [{elapsed:.1f}s]{tail}"

    def _draw(self, now: float) -> None:
        self._last_draw = now
        self.stream.write("\r" + self.render())
        self.stream.flush()

    def clear(self) -> None:
        """Blank the bar's line so that other output can be printed cleanly; the next
        `update` draws it again."""
        if self.enabled and not self._closed:
            self.stream.write("\r" + " " * len(self.render()) + "\r")
            self.stream.flush()
            self._last_draw = 0.0

    def close(self) -> None:
        """Draw the final state and end the line (once)."""
        if self._closed:
            return
        self._closed = True
        if self.enabled:
            self._draw(time.perf_counter())
            self.stream.write("\n")
            self.stream.flush()

    def __enter__(self) -> progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
