"""dimcheck: the course's dimension rules, enforced at run time and in the source.

Every public name is loaded at its first use (`dimcheck.shapes`, `from dimcheck import
instrument`), so that `import dimcheck` costs next to nothing: neither numpy nor typeguard
is loaded until a check needs it, and `dimcheck lint` does not load the run-time checks.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._broadcast import strict_broadcasting as strict_broadcasting
    from ._check_command import CheckResult as CheckResult
    from ._check_command import check_file as check_file
    from ._decorator import shapes as shapes
    from ._errors import AnnotationError as AnnotationError
    from ._errors import ShapeError as ShapeError
    from ._instrument import COURSE_FUNCTIONS as COURSE_FUNCTIONS
    from ._instrument import Network as Network
    from ._instrument import instrument as instrument
    from ._instrument import network as network
    from ._instrument import uninstrument as uninstrument
    from ._ipython import load_ipython_extension as load_ipython_extension
    from ._ipython import unload_ipython_extension as unload_ipython_extension
    from ._lint import FileError as FileError
    from ._lint import Finding as Finding
    from ._lint import LintReport as LintReport
    from ._lint import lint_file as lint_file
    from ._lint import lint_paths as lint_paths
    from ._lint import lint_source as lint_source
    from ._report import ShapeReport as ShapeReport
    from ._report import Violation as Violation
    from ._rules import check_caches as check_caches
    from ._rules import check_gradients as check_gradients
    from ._rules import check_parameters as check_parameters
    from ._switch import disable as disable
    from ._switch import disabled as disabled
    from ._switch import enable as enable
    from ._switch import is_enabled as is_enabled

# Public name -> the module that defines it (the same table as the imports above).
_DEFINED_IN = {
    "strict_broadcasting": "._broadcast",
    "CheckResult": "._check_command",
    "check_file": "._check_command",
    "shapes": "._decorator",
    "AnnotationError": "._errors",
    "ShapeError": "._errors",
    "COURSE_FUNCTIONS": "._instrument",
    "Network": "._instrument",
    "instrument": "._instrument",
    "network": "._instrument",
    "uninstrument": "._instrument",
    "load_ipython_extension": "._ipython",
    "unload_ipython_extension": "._ipython",
    "FileError": "._lint",
    "Finding": "._lint",
    "LintReport": "._lint",
    "lint_file": "._lint",
    "lint_paths": "._lint",
    "lint_source": "._lint",
    "ShapeReport": "._report",
    "Violation": "._report",
    "check_caches": "._rules",
    "check_gradients": "._rules",
    "check_parameters": "._rules",
    "disable": "._switch",
    "disabled": "._switch",
    "enable": "._switch",
    "is_enabled": "._switch",
}

__all__ = sorted(_DEFINED_IN)  # `from dimcheck import *` loads them all


def __getattr__(name: str) -> Any:
    module = _DEFINED_IN.get(name)
    if module is None:
        raise AttributeError(f"module 'dimcheck' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # the next lookup is an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_DEFINED_IN})
