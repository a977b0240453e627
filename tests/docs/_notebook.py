"""The worked example's notebook is its script, cell for cell.

`examples/seed_exercise.py` is written in the "percent" format that editors and
jupytext understand: `# %%` starts a code cell, `# %% [markdown]` a Markdown
cell whose lines are comments. `notebook(script)` builds the notebook from it;
the tests check that `examples/seed_exercise.ipynb` is exactly that, and

    python -m tests.docs._notebook

rewrites the notebook after the script changed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "examples" / "seed_exercise.py"
NOTEBOOK = ROOT / "examples" / "seed_exercise.ipynb"


def cells(script: str) -> list[tuple[str, str]]:
    """`(cell_type, source)` for every cell of a percent-format script."""
    found: list[tuple[str, list[str]]] = []
    for line in script.splitlines():
        if line.startswith("# %%"):
            kind = "markdown" if line.strip() == "# %% [markdown]" else "code"
            found.append((kind, []))
        elif found:
            kind, lines = found[-1]
            if kind == "markdown":
                lines.append(line[2:] if line.startswith("# ") else line.lstrip("#"))
            else:
                lines.append(line)
    return [(kind, "\n".join(lines).strip("\n")) for kind, lines in found]


def notebook(script: str) -> dict[str, Any]:
    """The nbformat 4 notebook of a percent-format script, without outputs."""
    result = []
    for kind, source in cells(script):
        cell: dict[str, Any] = {
            "cell_type": kind,
            "metadata": {},
            "source": source.splitlines(keepends=True),
        }
        if kind == "code":
            cell["execution_count"] = None
            cell["outputs"] = []
        result.append(cell)
    return {
        "cells": result,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 4,
    }


def text(script: str) -> str:
    return json.dumps(notebook(script), indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    NOTEBOOK.write_text(text(SCRIPT.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {NOTEBOOK.relative_to(ROOT)}")
