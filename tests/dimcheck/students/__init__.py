"""Course-style student modules, correct and with planted shape bugs, loaded fresh per test."""

import importlib.util
import itertools
from pathlib import Path
from types import ModuleType

_HERE = Path(__file__).parent
_COUNT = itertools.count()


def load(name: str) -> ModuleType:
    """A fresh, unmodified copy of `students/<name>.py` (instrumenting it touches no other)."""
    spec = importlib.util.spec_from_file_location(
        f"student_{name}_{next(_COUNT)}", _HERE / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None  # the file is ours and exists
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
