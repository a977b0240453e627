"""The documentation builds cleanly and every code example in it runs."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.docs import _runner
from tests.docs._runner import Block, blocks, runnable, sessions
from tests.docs._shell import ipython_shell

ROOT = _runner.ROOT

PAGES = [p for p in _runner.pages() if runnable(p.read_text(encoding="utf-8"))]


def test_mkdocs_builds_the_site_with_strict_checks(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs")
    pytest.importorskip("mkdocstrings")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "index.html").exists()
    assert (tmp_path / "reference" / "gradcheck" / "index.html").exists()


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(_runner.DOCS)) for p in PAGES])
def test_every_code_example_of_the_page_runs(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(tmp_path)
    # Examples may name the repository's example files as examples/...
    (tmp_path / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    name = str(page.relative_to(ROOT))
    namespace: dict[str, object] = {"__name__": "__docs__"}
    ran = 0
    path, modules = list(sys.path), set(sys.modules)
    shells = ExitStack()
    shell = None
    try:
        for block in runnable(page.read_text(encoding="utf-8"), name):
            if block.language == "console":
                _runner.run_console(block, tmp_path)
            elif block.language == "pycon":
                _runner.run_pycon(block, namespace)
            elif block.language == "ipython":
                shell = shell or shells.enter_context(ipython_shell())
                _runner.run_ipython(block, shell)
            else:
                _runner.run_python(block, namespace)
            ran += 1
    finally:
        shells.close()
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")
        # A page may import a module it wrote (a student's file): forget it.
        sys.path[:] = path
        for name in set(sys.modules) - modules:
            if getattr(sys.modules[name], "__file__", None) and str(tmp_path) in str(
                sys.modules[name].__file__
            ):
                del sys.modules[name]
    assert ran > 0


def test_the_guides_have_examples_that_run() -> None:
    # A page whose examples all got marked no-run would silently stop being tested.
    names = {p.name for p in PAGES}
    for guide in ("shapes.md", "gradients.md", "lint.md", "models.md", "notebooks.md"):
        assert guide in names, f"docs/{guide} has no example that the docs test runs"


# The runner itself: it must find what it should, skip what it should, and fail when it should.

PAGE = """\
Text.

```python
x = 1
```

<!-- no-run -->

```python
raise RuntimeError("never run")
```

- a list item:

    ```py
    y = x + 1
    ```

```bash
pip install .
```

```console
$ python -c "print('W[2] is 2.00 x the numerical gradient')"
W[2] is ... x the numerical gradient
```
"""


def test_runner_finds_every_fence_and_its_line() -> None:
    found = blocks(PAGE, "p.md")
    assert [b.language for b in found] == ["python", "python", "py", "bash", "console"]
    assert found[0] == Block("p.md", "python", 4, "x = 1\n", run=True)
    assert found[2].code == "y = x + 1\n"


def test_runner_skips_a_block_marked_no_run_and_other_languages() -> None:
    assert [b.code for b in runnable(PAGE)] == ["x = 1\n", "y = x + 1\n", blocks(PAGE)[4].code]


def test_no_run_may_stand_among_other_comments_before_the_fence() -> None:
    page = '<!-- no-run -->\n<!-- fmt: off -->\n\n```python\n--8<-- "x.py"\n```\n'
    assert [b.run for b in blocks(page)] == [False]
    assert runnable(page) == []


def test_runner_runs_a_page_in_one_namespace() -> None:
    namespace: dict[str, object] = {}
    for block in runnable(PAGE)[:2]:
        _runner.run_python(block, namespace)
    assert namespace["y"] == 2


def test_a_failing_example_fails_with_the_line_of_the_page() -> None:
    block = Block("docs/p.md", "python", 7, "a = 1\nb = undefined_name\n", run=True)
    with pytest.raises(NameError) as info:
        _runner.run_python(block, {})
    assert info.traceback[-1].lineno + 1 == 8
    assert str(info.traceback[-1].path) == "docs/p.md"


def test_an_interactive_session_is_checked_by_doctest_in_the_page_namespace() -> None:
    namespace: dict[str, object] = {"x": 20}
    good = Block(
        "p.md", "pycon", 3, ">>> y = x + 1\n>>> print(f'W[2] = {y}  units')\nW[2] = 21 ...\n", True
    )
    _runner.run_pycon(good, namespace)
    assert namespace["y"] == 21
    bad = Block("p.md", "pycon", 3, ">>> print(x)\n19\n", True)
    with pytest.raises(
        AssertionError, match=r"(?s)File \"p.md\", line 3.*Expected:\s+19\s+Got:\s+20"
    ):
        _runner.run_pycon(bad, namespace)


def test_a_session_shows_blank_lines_as_a_reader_sees_them() -> None:
    shown = Block("p.md", "pycon", 3, ">>> print('a\\n\\nb')\na\n\nb\n\n", True)
    _runner.run_pycon(shown, {})


@pytest.mark.parametrize(
    ("shown", "printed", "agrees"),
    [
        ("3.3e-01", "3.312e-01", True),
        ("3.3e-01", "3.412e-01", False),
        ("0.693", "0.6931", True),
        ("0.693", "0.6941", False),
        ("12", "13", False),
    ],
)
def test_a_number_matches_at_the_precision_the_page_writes_it(
    shown: str, printed: str, agrees: bool
) -> None:
    block = Block(
        "p.md", "pycon", 3, f">>> print('dW[1]  {printed}  ok')\ndW[1] {shown} ok\n", True
    )
    if agrees:
        _runner.run_pycon(block, {})
    else:
        with pytest.raises(AssertionError, match=r"Expected:"):
            _runner.run_pycon(block, {})


def test_a_notebook_cell_must_raise_exactly_what_the_page_says() -> None:
    pytest.importorskip("IPython")
    page = (
        "```ipython\nx = 1\n```\n\n<!-- raises: ZeroDivisionError -->\n"
        "```ipython\nx / 0\n```\n\n```ipython\n%time y = x + 1\n```\n"
    )
    cells = runnable(page, "n.md")
    assert [c.raises for c in cells] == [None, "ZeroDivisionError", None]
    with ipython_shell() as shell:
        for cell in cells:
            _runner.run_ipython(cell, shell)
        assert shell.user_ns["y"] == 2
        with pytest.raises(AssertionError, match=r"n.md:2: the cell should run without an error"):
            _runner.run_ipython(Block("n.md", "ipython", 2, "1 / 0\n", True), shell)
        with pytest.raises(AssertionError, match=r"should raise KeyError, but it ran without"):
            _runner.run_ipython(Block("n.md", "ipython", 2, "1\n", True, "KeyError"), shell)


def test_console_output_matches_with_ellipsis_and_square_brackets(tmp_path: Path) -> None:
    console = runnable(PAGE)[2]
    assert sessions(console)[0].expected == ["W[2] is ... x the numerical gradient"]
    _runner.run_console(console, tmp_path)
    wrong = Block("p.md", "console", 1, "$ python -c \"print('W2 is 2 x')\"\nW[2] is ...\n", True)
    with pytest.raises(AssertionError, match=r"did not print a line matching 'W\[2\] is \.\.\.'"):
        _runner.run_console(wrong, tmp_path)


# The rules of docs/lint.md: each section's mistake gives its code, its fix nothing.

LINT_PAGE = _runner.DOCS / "lint.md"


def lint_sections() -> dict[str, tuple[str, str]]:
    text = LINT_PAGE.read_text(encoding="utf-8")
    sections: dict[str, tuple[str, str]] = {}
    for part in text.split("\n### ")[1:]:
        code = part.split(":", 1)[0]
        shown = [b.code for b in blocks(part) if b.language == "python" and not b.run]
        assert len(shown) == 2, f"docs/lint.md {code}: expected a mistake and a fix"
        sections[code] = (shown[0], shown[1])
    return sections


def test_the_lint_page_documents_every_rule() -> None:
    from dimcheck._lint import MESSAGES

    assert sorted(lint_sections()) == sorted(MESSAGES)


@pytest.mark.parametrize("code", sorted(lint_sections()))
def test_each_rule_on_the_lint_page_fires_on_its_mistake_and_not_on_its_fix(code: str) -> None:
    from dimcheck._lint import lint_source

    mistake, fix = lint_sections()[code]
    found = [f.code for f in lint_source("import numpy as np\n" + mistake)]
    assert found == [code]
    assert lint_source("import numpy as np\n" + fix) == []


def test_getting_started_shows_the_quickstart_commands_of_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quickstart = readme.split("## Quickstart", 1)[1]
    commands = next(b.code for b in blocks(quickstart))
    page = (_runner.DOCS / "getting-started.md").read_text(encoding="utf-8")
    shown = next(b.code for b in blocks(page) if b.language == "bash")
    assert shown == commands, "docs/getting-started.md must show README.md's Quickstart"


def test_the_source_of_a_function_defined_in_a_page_can_be_read() -> None:
    import inspect

    namespace: dict[str, object] = {}
    first = Block("docs/q.md", "python", 3, "def f(x):\n    return x + 1\n", run=True)
    later = Block("docs/q.md", "python", 9, "g = f\n", run=True)
    _runner.run_python(first, namespace)
    _runner.run_python(later, namespace)
    assert inspect.getsource(namespace["f"]) == "def f(x):\n    return x + 1\n"  # type: ignore[arg-type]
