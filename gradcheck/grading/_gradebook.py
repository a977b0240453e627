"""The class's gradebook (CSV) and the instructor's summary, from each student's results.

As `otter grade`'s `final_grades.csv`: a row per student, a column per test with its
points, the total and the possible points; and, as nbgrader's, the submission time when
the submission carries one (`timestamp.txt`).
"""

from __future__ import annotations

import csv
import io
import re
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

# Digits and addresses vary between students for the same mistake: "got (3,)" and "got
# (4,)" are one failure.
_NUMBER = re.compile(r"\d+(\.\d+)?(e[-+]?\d+)?")


def gradebook_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    """The gradebook: `student, score, max_score, <test>..., status, submitted_at`.

    **Arguments:**

    - `rows`: one per student: `student`, `status` (`graded` or what went wrong),
      `submitted_at`, and `results` (the student's results.json as a dict, or None).
    """
    tests: list[str] = []
    for row in rows:
        for test in (row.get("results") or {}).get("tests", ()):
            if test["name"] not in tests:
                tests.append(test["name"])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "score", "max_score", *tests, "status", "submitted_at"])
    for row in rows:
        results = row.get("results") or {}
        scores = {test["name"]: test["score"] for test in results.get("tests", ())}
        possible = sum(test["max_score"] for test in results.get("tests", ()))
        writer.writerow(
            [
                row["student"],
                f"{results.get('score', 0):g}",
                f"{possible:g}",
                *(f"{scores[name]:g}" if name in scores else "" for name in tests),
                row.get("status", ""),
                row.get("submitted_at", ""),
            ]
        )
    return out.getvalue()


def _failure_line(output: str) -> str:
    first = next((line.strip() for line in output.splitlines() if line.strip()), "")
    return _NUMBER.sub("#", first)[:160]


def summary_text(rows: Sequence[Mapping[str, Any]]) -> str:
    """The instructor's summary: the score distribution, and per test how many passed and
    the most common failure (its first line, numbers as `#`)."""
    graded = [row for row in rows if row.get("results")]
    scores = [float(row["results"]["score"]) for row in graded]
    lines = [f"# Grades: {len(graded)} of {len(rows)} submissions graded", ""]
    problems = [row for row in rows if row.get("status") != "graded"]
    if scores:
        possible = sum(t["max_score"] for t in graded[0]["results"]["tests"])
        lines += [
            f"- points possible: {possible:g}",
            f"- mean {statistics.fmean(scores):.2f}, median {statistics.median(scores):g}, "
            f"min {min(scores):g}, max {max(scores):g}",
            "",
            "| score | students |",
            "| --- | --- |",
        ]
        for score, count in sorted(Counter(scores).items(), reverse=True):
            lines.append(f"| {score:g} | {count} {'#' * min(count, 60)} |")
        lines += [
            "",
            "| test | points | passed | most common failure |",
            "| --- | --- | --- | --- |",
        ]
        names: list[str] = []
        for row in graded:
            for test in row["results"]["tests"]:
                if test["name"] not in names:
                    names.append(test["name"])
        for name in names:
            runs = [t for row in graded for t in row["results"]["tests"] if t["name"] == name]
            passed = sum(1 for t in runs if t["status"] == "passed")
            failures = Counter(_failure_line(t["output"]) for t in runs if t["status"] != "passed")
            common = ""
            if failures:
                text, count = failures.most_common(1)[0]
                common = f"{count}x: {text}".replace("|", "\\|")
            lines.append(f"| {name} | {runs[0]['max_score']:g} | {passed}/{len(runs)} | {common} |")
    if problems:
        lines += ["", "Not graded normally:"]
        lines += [f"- {row['student']}: {row.get('status')}" for row in problems]
    return "\n".join(lines) + "\n"
