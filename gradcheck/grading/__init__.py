"""dimgrad's grading: the pytest plugin, the sandbox for student code, and class grading.

The plugin module is `gradcheck.grading._plugin` (the `pytest11` entry point `dimgrad`);
`dimgrad-grade` grades a folder of submissions (`gradcheck.grading._batch`). The public
names are imported on first use: the plugin loads this package in every pytest run.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._batch import grade_class as grade_class
    from ._sandbox import Limits as Limits
    from ._sandbox import Sandbox as Sandbox
    from ._sandbox import StudentCodeError as StudentCodeError

_EXPORTS = {
    "grade_class": "._batch",
    "Limits": "._sandbox",
    "Sandbox": "._sandbox",
    "StudentCodeError": "._sandbox",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'gradcheck.grading' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
