"""The grade of a run whose root conftest.py fails to import.

pytest stops before collecting, and before any other hook of the plugin runs: the grade is
written now or never, with the tests found in the test files' source, each with 0 points
and the reason.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from ._options import Settings


def grade_a_broken_conftest(config: pytest.Config, error: BaseException) -> None:
    try:
        settings = Settings(config, early=True)
    except pytest.UsageError:
        return
    if not settings.grading:
        return
    from ._book import GradeBook
    from ._collection import tests_from_source
    from ._explain import explain_collection, module_files
    from ._formats import FORMATS

    names = ([settings.student] if settings.student else []) + settings.modules
    cause = getattr(error, "cause", None) or error
    conftest = str(getattr(error, "path", "conftest.py"))
    text = explain_collection(
        pytest.ExceptionInfo.from_exception(cause),
        conftest,
        student=module_files(names),
        names=names,
    ).text
    book = GradeBook(settings.default_points, settings.visibility)
    namespace = config.known_args_namespace
    paths = list(getattr(namespace, "file_or_dir", None) or config.getini("testpaths") or ["."])
    tests: list[dict[str, Any]]
    try:
        tests = tests_from_source(config, paths, settings.default_points)
    except (OSError, ValueError):
        tests = []
    book.collection_errors.append(f"{os.path.basename(conftest)}: {text.splitlines()[0]}")
    book.catalogue(tests)
    for entry in book.entries.values():
        entry.fail(text)
    for output in FORMATS:
        path = settings.outputs.get(output.dest)
        if path is not None:
            output.write(book, path)
