"""Output format: Gradescope's `results.json` (`--grade-json PATH`).

An output format is one module like this one, with `write(book, path, final=...)`, and
its line in `_formats.FORMATS` (the option that asks for it).
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

from ._book import GradeBook
from ._formats import write_atomically


def results(book: GradeBook, final: bool = True) -> dict[str, Any]:
    """The book in Gradescope's `results.json` format.

    **Arguments:**

    - `final`: False while the run goes on: the file then stays behind if the run never
      ends normally, and says so.
    """
    entries = book.tests()
    secrets = sorted(book.secrets, key=len, reverse=True)  # longest first: whole lines
    tests = [
        {
            "name": entry.nodeid,
            "score": entry.score,
            "max_score": entry.points,
            "status": "passed" if entry.outcome == "passed" else "failed",
            "output": entry.text(final, secrets),
            "visibility": entry.visibility,
        }
        for entry in entries
    ]
    score = sum(entry.score for entry in entries)
    total = sum(entry.points for entry in entries)
    failed = sum(1 for entry in entries if entry.outcome != "passed")
    output = f"{score:g} / {total:g} points; {failed} of {len(entries)} tests not passed."
    if not final:
        output = (
            "The run did not finish: the Python process exited or was killed (os._exit() "
            "or a crash in the code under test, or the time limit of the whole run?). "
            "Tests that had not finished score 0.\n" + output
        )
    if book.crashes:
        output += (
            f"\npytest-xdist workers that crashed: {', '.join(book.crashes)}"
            + ("" if book.entries else " (while importing the test files)")
            + "."
        )
    if book.collection_errors:
        output += "\nTest files that could not be collected:\n" + "\n".join(book.collection_errors)
    for secret in secrets:
        output = output.replace(secret, "[hidden]")
    return {
        "score": score,
        "execution_time": round(time.monotonic() - book.started, 3),
        "output": output,
        "visibility": book.visibility,
        # Gradescope shows a test's output in a <pre> block with "text": the gradient
        # check's table keeps its columns.
        "test_output_format": "text",
        "tests": tests,
    }


def write(book: GradeBook, path: str | os.PathLike[str], final: bool = True) -> None:
    """Writes results.json atomically (a grader never reads half a file)."""
    write_atomically(path, json.dumps(results(book, final), indent=2) + "\n")
