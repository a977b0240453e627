"""A Griffe extension for the API reference: the packages' re-exports are their public API.

Each package's `__init__.py` only re-exports names from its private modules
(`from ._check import check as check`). Griffe counts imported names as private
unless `__all__` lists them, so the reference would be empty; this marks every
name a package re-exports from one of its own private modules as public.
"""

from __future__ import annotations

from typing import Any

import griffe


class ReExports(griffe.Extension):
    """Make `pkg.name` public when it is an alias of `pkg._module.name`."""

    def on_package(self, *, pkg: griffe.Module, loader: Any, **kwargs: Any) -> None:
        for name, member in pkg.members.items():
            if member.is_alias and not name.startswith("_"):
                target = member.target_path
                if target.startswith(pkg.path + "._"):
                    member.public = True
