"""Reading the `# DC101` expectation comments of the annotated example files."""

import re
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "lint_examples"
_EXPECTATION = re.compile(r"#\s*(DC\d{3})\b")


def expected(path: Path) -> set[tuple[int, str]]:
    """`(line, code)` for every `# DCnnn` comment in the file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {
        (number, code)
        for number, line in enumerate(lines, start=1)
        for code in _EXPECTATION.findall(line)
    }
