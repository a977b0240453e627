"""benchmarks/bench_table.py: it runs, and its rows cover issue 14's table. No timing here.

The script is run in subprocesses: importing it sets one-thread variables for BLAS and
XLA and puts benchmarks/ on `sys.path`, which must not leak into the other tests.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"
SCRIPT = BENCHMARKS / "bench_table.py"

# The "work" column of issue 14's table, verbatim: each must be a row of the script.
ISSUE_14_ROWS = [
    "`check_model`, full, `[784, 64, 32, 1]`, m = 32",
    "`check_model`, directional, same net",
    "`check_model`, directional, `[784, 128, 64, 10]`, m = 64",
    "`check_model`, full, `[784, 128, 64, 10]`, m = 64",
    "`check_functions` (student code), full, `[784, 64, 32, 1]`",
    "`models` forward+backward, `[784, 128, 64, 10]`, m = 256",
    "one `fit` epoch, m = 10,000, batch 64",
    "`dimcheck.instrument`, one training step, `[20, 7, 5, 3, 1]`, m = 64",
    "`@dimcheck.shapes` per call",
    "`dimcheck lint`, the standard library",
    "`check()` on 10^8 parameters (1.6 GB)",
]


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def run_with_table(code: str) -> str:
    """Run `code` in a fresh interpreter where `t` is the imported script; its stdout."""
    prelude = f"import sys; sys.path.insert(0, {str(BENCHMARKS)!r}); import bench_table as t\n"
    result = subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def rows() -> list[dict[str, str]]:
    code = """
        import json
        print(json.dumps([
            {"key": r.key, "issue_work": r.issue_work, "work": r.work, "target": r.target}
            for r in t.ROWS
        ]))
    """
    table: list[dict[str, str]] = json.loads(run_with_table(code))
    return table


def test_help_runs_and_names_every_option() -> None:
    result = run_script("--help")
    assert result.returncode == 0, result.stderr
    for option in ("--quick", "--rows", "--markdown", "--skip-huge", "--peer-sample", "--list"):
        assert option in result.stdout


def test_the_rows_cover_every_row_of_the_issue_table_and_nothing_else() -> None:
    covered = {row["issue_work"] for row in rows()}
    assert covered == set(ISSUE_14_ROWS)


def test_the_rows_include_the_issue_targets_beyond_its_table() -> None:
    # "Done means" asks for every target of the issue: the `auto` check of student code,
    # batches 128 and 256, the linter's start-up and the memory at 10^7 as well.
    keys = {row["key"] for row in rows()}
    assert {"functions-auto", "fit-128", "fit-256", "lint-startup", "memory-1e7"} <= keys


def test_every_row_has_a_unique_key_and_a_target() -> None:
    table = rows()
    assert len({row["key"] for row in table}) == len(table)
    assert all(row["target"] for row in table)


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (["fit"], ["fit-64", "fit-128", "fit-256"]),
        (["memory-1e8", "decorator"], ["memory-1e8", "decorator"]),
        (["directional-small", "directional"], ["directional-small", "directional-softmax"]),
    ],
)
def test_rows_selects_by_key_or_by_the_start_of_one(
    selection: list[str], expected: list[str]
) -> None:
    result = run_script("--list", "--rows", *selection)
    assert result.returncode == 0, result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()] == expected


def test_an_unknown_row_is_refused_with_the_keys_there_are() -> None:
    result = run_script("--list", "--rows", "no-such-row")
    assert result.returncode != 0
    assert "no row 'no-such-row'; the rows are: full-small" in result.stderr


def borrowed_in_script() -> dict[str, tuple[str, ...]]:
    tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "BORROWED":
            value: dict[str, tuple[str, ...]] = ast.literal_eval(node.value)
            return value
    raise AssertionError("bench_table.py has no BORROWED table")


def test_borrowed_lists_every_name_the_script_imports_from_a_sibling() -> None:
    borrowed = borrowed_in_script()
    for node in ast.walk(ast.parse(SCRIPT.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bench_"):
            assert node.module in borrowed, node.module
            for alias in node.names:
                assert alias.name in borrowed[node.module], f"{node.module}.{alias.name}"


@pytest.mark.parametrize("module", sorted(borrowed_in_script()))
def test_each_borrowed_name_is_still_defined_by_its_sibling_script(module: str) -> None:
    tree = ast.parse((BENCHMARKS / f"{module}.py").read_text(encoding="utf-8"))
    defined = {
        node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.ClassDef)
    } | {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    missing = set(borrowed_in_script()[module]) - defined
    assert not missing, f"benchmarks/{module}.py no longer defines {sorted(missing)}"


def test_a_target_against_a_missing_peer_is_skipped_with_a_note_never_failed() -> None:
    # torch and jax made unimportable: the directional row then has no verdict.
    code = """
        sys.modules["torch"] = None
        sys.modules["jax"] = None
        p = t.problem((20, 16, 8, 1), "sigmoid", 16)
        outcome = t.check_model_directional(p, t.Settings(1, 10, 1.0, True))
        print(t.verdict(outcome))
        print("\\n".join(outcome.peers))
    """
    verdict, *notes = run_with_table(code).splitlines()
    assert verdict == "SKIP"
    assert any(note.startswith("torch gradcheck(fast_mode=True): not installed") for note in notes)
    assert any(note.startswith("jax check_grads: not installed") for note in notes)


def test_the_markdown_table_has_a_line_per_row_with_its_verdict() -> None:
    code = """
        rows = [r for r in t.ROWS if r.key in ("decorator", "memory-1e8")]
        outcomes = [t.Outcome("+0.8 µs per call", ["asserts +0.3 µs"], True), t.Outcome("x")]
        print(t.markdown(list(zip(rows, outcomes)), "a machine", t.Settings(5, 1000, 10, False)))
    """
    lines = run_with_table(code).splitlines()
    assert "a machine" in lines[0]
    assert lines[2] == "| work | ours | peers on the same work | target | |"
    assert lines[4] == (
        "| `@dimcheck.shapes` per call | +0.8 µs per call | asserts +0.3 µs | ≤ 2 µs | PASS |"
    )
    assert lines[5].endswith("| — | ≤ 2x parameters and gradients + 64 MiB | SKIP |")


@pytest.mark.parametrize(
    ("budget", "calls"),
    [
        (1e9, 4),  # within budget: one untimed warm-up, then every round
        (-1.0, 1),  # past it at once: the first run is the one figure
    ],
)
def test_side_by_side_repeats_a_contender_only_within_its_budget(budget: float, calls: int) -> None:
    code = f"""
        counts = {{"a": 0, "b": 0}}
        def work(name):
            counts[name] += 1
        figures = t.side_by_side(
            {{name: (lambda name=name: work(name)) for name in counts}},
            t.Settings(rounds=3, peer_sample=10, budget={budget!r}, skip_huge=True),
        )
        print(counts["a"], counts["b"], sorted(figures))
    """
    assert run_with_table(code).split() == [str(calls), str(calls), "['a',", "'b']"]
