"""Where in the user's code an exception was raised, for messages about their functions."""

from __future__ import annotations

import traceback
from pathlib import Path

import numpy as np

# Frames inside gradcheck itself or inside numpy say nothing about the
# learner's code: the line to show is the last one outside both.
_SKIPPED = (Path(__file__).resolve().parent, Path(np.__file__).resolve().parent)


def _ours(filename: str) -> bool:
    try:
        path = Path(filename).resolve()
    except (OSError, ValueError):
        return False
    return any(path.is_relative_to(folder) for folder in _SKIPPED)


def origin(error: BaseException) -> str:
    """A line saying where the user's code raised, or `""`.

    For example `  raised at student.py line 75, in linear_backward: dA_prev = W @ dZ`.

    **Arguments:**

    - `error`: an exception raised by the user's code, with its traceback.

    **Returns:** the innermost frame of the user's code the traceback passes
    through, as a line to append to a message (it starts with a newline);
    empty when there is none (the error came from gradcheck or numpy alone).
    """
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if not _ours(frame.filename) and not frame.filename.startswith("<")
    ]
    if not frames:
        return ""
    frame = frames[-1]
    line = f": {frame.line.strip()}" if frame.line else ""
    return f"\n  raised at {Path(frame.filename).name} line {frame.lineno}, in {frame.name}{line}"
