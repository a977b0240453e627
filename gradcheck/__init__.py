"""gradcheck: numerical gradient checks that say which gradient is wrong, where and how.

The public names below are imported on first use, not with the package: the pytest
plugin is a module of this package and is loaded in every pytest run, so importing
`gradcheck` must stay cheap (no numpy, no `models`) until a check is asked for.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._check import check as check
    from ._check import check_functions as check_functions
    from ._errors import CheckInputError as CheckInputError
    from ._errors import GradientError as GradientError
    from ._errors import GradientShapeError as GradientShapeError
    from ._errors import InputShapeError as InputShapeError
    from ._errors import NondeterministicCostError as NondeterministicCostError
    from ._errors import PrecisionWarning as PrecisionWarning
    from ._model import check_model as check_model
    from ._plot import plot_report as plot_report
    from ._report import ParameterResult as ParameterResult
    from ._report import Report as Report

# Public name -> the private module that defines it (kept equal to the imports above
# by tests/gradcheck/test_public_api.py).
_EXPORTS = {
    "check": "._check",
    "check_functions": "._check",
    "CheckInputError": "._errors",
    "GradientError": "._errors",
    "GradientShapeError": "._errors",
    "InputShapeError": "._errors",
    "NondeterministicCostError": "._errors",
    "PrecisionWarning": "._errors",
    "check_model": "._model",
    "plot_report": "._plot",
    "ParameterResult": "._report",
    "Report": "._report",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'gradcheck' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
