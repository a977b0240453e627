"""An import hook that shape-checks named student modules as they are imported.

`--dimcheck-modules=assignment` installs it for the whole session, like jaxtyping's
`--jaxtyping-packages`: when `assignment` (or a submodule of it) is imported, its code runs
unchanged and then `dimcheck.instrument` wraps its Course-named functions with the layer
rules. A module imported before the hook was installed cannot be instrumented this way,
which is an error rather than a silent no-op.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any


class AlreadyImportedError(RuntimeError):
    """A module to instrument was imported before the import hook was installed."""


def _matches(fullname: str, names: Sequence[str]) -> bool:
    return any(fullname == name or fullname.startswith(name + ".") for name in names)


class _InstrumentingLoader(importlib.abc.Loader):
    def __init__(self, loader: Any, instrument: Callable[[ModuleType], object]) -> None:
        self._loader = loader
        self._instrument = instrument

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        self._instrument(module)

    def __getattr__(self, name: str) -> Any:
        # get_source, get_filename, is_package ...: tracebacks and inspect need them.
        return getattr(self._loader, name)


class InstrumentingFinder(importlib.abc.MetaPathFinder):
    """Finds the named modules with the other finders and instruments them once executed.

    **Arguments:**

    - `names`: module names; their submodules are instrumented too.
    - `instrument`: called with each module after its code ran (`dimcheck.instrument`).
    """

    def __init__(self, names: Sequence[str], instrument: Callable[[ModuleType], object]) -> None:
        self.names = tuple(names)
        self.instrument = instrument

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if not _matches(fullname, self.names):
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _InstrumentingLoader(spec.loader, self.instrument)
        return spec


def install(
    names: Sequence[str], instrument: Callable[[ModuleType], object]
) -> InstrumentingFinder:
    """Installs the hook first on `sys.meta_path`.

    **Raises:** `AlreadyImportedError` naming every module that is already imported.
    """
    early = sorted(m for m in sys.modules if _matches(m, names))
    if early:
        raise AlreadyImportedError(
            f"--dimcheck-modules: {', '.join(early)} was imported before dimgrad could "
            "instrument it, so its shapes would not be checked. Do not import it from a "
            "conftest.py or a plugin at start-up; import it in the test files (or through "
            "the `student` fixture)."
        )
    finder = InstrumentingFinder(names, instrument)
    sys.meta_path.insert(0, finder)
    return finder


def uninstall(finder: InstrumentingFinder) -> None:
    """Removes the hook; modules already instrumented stay so."""
    if finder in sys.meta_path:
        sys.meta_path.remove(finder)
