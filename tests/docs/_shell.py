"""A fresh IPython shell for a test, and everything it changed put back afterwards."""

from __future__ import annotations

import builtins
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def ipython_shell() -> Iterator[Any]:
    """An `InteractiveShell` with its history in memory, not on disk.

    IPython replaces `sys.modules["__main__"]` and adds `__IPYTHON__` and `display` to
    the builtins; other tests (and libraries that look for `__IPYTHON__`) must not see
    that, so both are restored on exit, and the dimcheck extension is unloaded.
    """
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    from dimcheck import _ipython

    main = sys.modules.get("__main__")
    names = set(vars(builtins))
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    InteractiveShell.clear_instance()
    shell = InteractiveShell.instance(config=config)
    try:
        yield shell
    finally:
        _ipython.unload_ipython_extension(shell)
        InteractiveShell.clear_instance()
        if main is not None:
            sys.modules["__main__"] = main
        for name in set(vars(builtins)) - names:
            delattr(builtins, name)
