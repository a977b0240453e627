"""The worked example runs end to end, and its notebook holds the same code."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs import _notebook

pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("seed_exercise")
    result = subprocess.run(
        [sys.executable, str(_notebook.SCRIPT)],
        cwd=out,
        env={**os.environ, "MPLBACKEND": "Agg"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result, out


def test_the_seed_exercise_script_runs_to_the_end(
    run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, _ = run
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "training accuracy 100%" in result.stdout


def test_it_finds_each_planted_bug_with_the_right_tool(
    run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    stdout = run[0].stdout
    assert re.search(r"student_seed\.py:32:\d+: DC201 np\.sum\(dZ2, axis=1\)", stdout)
    assert re.search(r"ShapeError: L_model_backward: .*db\[2\] must be \(n\[2\], 1\)", stdout)
    assert "gradcheck: FAILED, 2 of 6 gradients not ok" in stdout
    assert re.search(r"^dW\[1\] .* WRONG$", stdout, re.M)
    assert re.search(r"^dW\[2\] .* ok$", stdout, re.M)
    assert stdout.count("gradcheck: PASSED") == 2  # the reference, then the fixed version


def test_it_trains_until_the_cost_falls_below_five_hundredths(
    run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    costs = [float(c) for c in re.findall(r"^iteration \d+: cost ([0-9.]+)$", run[0].stdout, re.M)]
    assert costs[0] > 0.5
    assert costs[-1] < 0.05
    assert costs == sorted(costs, reverse=True)


def test_it_writes_its_three_plots(run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    out = run[1] / "seed_exercise_output"
    assert (out / "student_seed.py").exists()
    for name in ("gradcheck", "cost", "boundary"):
        data = (out / f"seed_exercise_{name}.png").read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000


def test_the_notebook_holds_the_code_of_the_script() -> None:
    script = _notebook.SCRIPT.read_text(encoding="utf-8")
    stored = json.loads(_notebook.NOTEBOOK.read_text(encoding="utf-8"))
    assert stored == _notebook.notebook(script), "run: python -m tests.docs._notebook"
    code = [c for c in stored["cells"] if c["cell_type"] == "code"]
    assert len(code) == script.count("# %%\n")
    for cell in code:
        compile("".join(cell["source"]), "seed_exercise.ipynb", "exec")


def test_the_percent_format_reader_separates_markdown_from_code() -> None:
    script = "# %% [markdown]\n# # Title\n#\n# text\n\n# %%\nx = 1\n\n\n# %%\ny = x\n"
    assert _notebook.cells(script) == [
        ("markdown", "# Title\n\ntext"),
        ("code", "x = 1"),
        ("code", "y = x"),
    ]


def test_dimcheck_lint_reads_the_notebook_and_finds_nothing_to_report() -> None:
    import dimcheck

    report = dimcheck.lint_paths([_notebook.NOTEBOOK])
    assert report.files == 1 and report.errors == []
    assert report.findings == []
