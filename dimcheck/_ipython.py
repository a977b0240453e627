"""`%load_ext dimcheck`: shape-check the Course-named functions a notebook defines.

After `%load_ext dimcheck`, every Course-named function (`linear_forward`,
`L_model_backward`, `propagate`, `update_parameters_with_adam`, ... the names
`dimcheck.instrument` knows, from `_course_functions`) that a later
cell defines is wrapped with the same rules as `dimcheck.instrument`, so the
notebook stops at the first wrong shape with a message in course notation.
Redefining a function in a later cell checks the new definition. Functions
defined before the extension was loaded are left alone until `%dimcheck on`.

The line magic `%dimcheck` switches it: `%dimcheck off` restores the original
functions and stops checking new ones, `%dimcheck on` checks every
Course-named function defined so far and the ones to come, and `%dimcheck`
alone says which functions are checked. `%dimcheck on` takes the options of
`instrument`: `%dimcheck on transposed` for weights stored `(n[l-1], n[l])`,
`%dimcheck on 2,3,4,1` to fix `layer_dims` (`auto`, the default, learns them
from the first call). `%unload_ext dimcheck` is
`%dimcheck off` for good.

IPython is imported by IPython itself: this module never imports it, so
importing `dimcheck` does not either.
"""

from __future__ import annotations

import types
from typing import Any, Literal

from ._course_functions import CHECKED
from ._instrument import instrument, uninstrument


class _NotebookChecks:
    """The extension's state for one IPython shell."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.active = True
        # Function objects the user defined before loading: not ours to wrap. Held by
        # id -> object so that an id cannot be reused by a later function.
        self.ignored: dict[int, Any] = self._by_id()
        # name -> (the user's function, the checked function now in the namespace).
        self.wrapped: dict[str, tuple[Any, Any]] = {}
        self.module: types.ModuleType | None = None
        # Passed on to `instrument`; set by `%dimcheck on transposed` / `on 2,3,4,1`.
        self.layer_dims: list[int] | None = None
        self.convention: Literal["standard", "transposed"] = "standard"

    def _course_functions(self) -> dict[str, Any]:
        namespace = self.shell.user_ns
        return {
            name: namespace[name]
            for name in CHECKED
            if isinstance(namespace.get(name), types.FunctionType)
        }

    def _by_id(self) -> dict[int, Any]:
        return {id(f): f for f in self._course_functions().values()}

    def _originals(self) -> dict[str, Any]:
        """The user's own version of every Course function to check now."""
        originals = {}
        for name, function in self._course_functions().items():
            known = self.wrapped.get(name)
            if known is not None and function is known[1]:
                originals[name] = known[0]
            elif id(function) not in self.ignored:
                originals[name] = function
        return originals

    def after_cell(self, result: Any = None) -> None:
        """Wrap the Course-named functions the cell defined or redefined."""
        if not self.active:
            return
        originals = self._originals()
        # A redefinition, a new function, or a checked one deleted or rebound by the cell.
        changed = set(originals) != set(self.wrapped) or any(
            self.wrapped[name][0] is not function for name, function in originals.items()
        )
        if changed:
            self._wrap(originals)

    def _wrap(self, originals: dict[str, Any]) -> None:
        """Instrument all the notebook's Course functions together, as one module.

        One `instrument` call over all of them, rather than one per cell, lets
        the rules link consecutive calls (`W[l]` against the `A[l-1]` the
        previous layer returned) across functions defined in different cells.
        """
        self._release()
        if not originals:
            return
        module = types.ModuleType("__main__", "the Course functions of a notebook")
        for name, function in originals.items():
            setattr(module, name, function)
        instrument(module, self.layer_dims, convention=self.convention)
        namespace = self.shell.user_ns
        for name, function in originals.items():
            checked = getattr(module, name)
            namespace[name] = checked
            self.wrapped[name] = (function, checked)
        self.module = module

    def _release(self) -> None:
        """Put the user's own functions back wherever the checked ones still stand."""
        namespace = self.shell.user_ns
        for name, (original, checked) in self.wrapped.items():
            if namespace.get(name) is checked:
                namespace[name] = original
        if self.module is not None:
            uninstrument(self.module)
        self.wrapped = {}
        self.module = None

    def on(self, options: list[str]) -> None:
        for option in options:
            if option == "standard":
                self.convention = "standard"
            elif option == "transposed":
                self.convention = "transposed"
            elif option == "auto":
                self.layer_dims = None
            else:
                try:
                    self.layer_dims = [int(n) for n in option.split(",")]
                except ValueError:
                    raise ValueError(
                        f"%dimcheck on {option}: expected layer_dims such as 2,3,4,1, "
                        "'auto' (learn them from the first call), 'standard' or 'transposed'"
                    ) from None
        self.active = True
        self.ignored = {}
        # Re-wrap everything, so that new options apply to functions checked already.
        self._wrap(self._originals())

    def off(self) -> None:
        self.active = False
        self._release()
        self.ignored = self._by_id()

    def status(self) -> str:
        if not self.active:
            return "dimcheck: off (%dimcheck on checks the Course-named functions again)"
        setting = f" ({self.convention} weights"
        setting += f", layer_dims {self.layer_dims})" if self.layer_dims else ")"
        if not self.wrapped:
            return (
                "dimcheck: on" + setting + "; no Course-named function defined since "
                "%load_ext dimcheck yet "
                "(%dimcheck on checks the earlier ones too)"
            )
        return "dimcheck: on" + setting + "; checking " + ", ".join(sorted(self.wrapped))

    def magic(self, line: str) -> None:
        """`%dimcheck on [options]`, `%dimcheck off`, `%dimcheck` (status)."""
        command, *options = line.split() or [""]
        command = command.lower()
        if command == "on":
            self.on(options)
        elif command == "off":
            self.off()
        elif command not in ("", "status"):
            raise ValueError(
                f"%dimcheck {line.strip()}: unknown command; use %dimcheck on, "
                "%dimcheck off or %dimcheck (status)"
            )
        print(self.status())


_STATE: dict[int, _NotebookChecks] = {}


def load_ipython_extension(ipython: Any) -> None:
    """Called by `%load_ext dimcheck`: check the Course functions of the cells to come.

    **Arguments:**

    - `ipython`: the running `IPython.InteractiveShell`.
    """
    if id(ipython) in _STATE:
        return
    state = _NotebookChecks(ipython)
    _STATE[id(ipython)] = state
    ipython.events.register("post_run_cell", state.after_cell)
    ipython.register_magic_function(state.magic, magic_kind="line", magic_name="dimcheck")


def unload_ipython_extension(ipython: Any) -> None:
    """Called by `%unload_ext dimcheck`: restore the user's functions and stop checking.

    **Arguments:**

    - `ipython`: the running `IPython.InteractiveShell`.
    """
    state = _STATE.pop(id(ipython), None)
    if state is None:
        return
    state.off()
    ipython.events.unregister("post_run_cell", state.after_cell)
    ipython.magics_manager.magics["line"].pop("dimcheck", None)
