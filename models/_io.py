"""Save and load parameters as `.npz` (no pickle)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, cast

import numpy as np

from ._errors import ModelInputError

if TYPE_CHECKING:
    from ._network import Sequential

_KEY = re.compile(r"^[Wb][1-9][0-9]*$")


def save_parameters(
    path: str | os.PathLike[str], parameters: Mapping[str, np.ndarray] | Sequential
) -> None:
    """Write `{"W1", "b1", ...}` (or a network's parameters) to an `.npz` file.

    **Arguments:**

    - `path`: the file to write (numpy adds `.npz` if missing).
    - `parameters`: the Course's dict `{"W1": (n[1], n[0]), "b1": (n[1], 1), ...}`
      or a network.
    """
    params: dict[str, np.ndarray] = (
        parameters.parameters() if hasattr(parameters, "parameters") else dict(parameters)
    )
    bad = sorted(k for k in params if not _KEY.match(k))
    if bad:
        raise ModelInputError(f"parameter names must be W1, b1, W2, ...: got {bad}")
    arrays = {k: np.asarray(v) for k, v in params.items()}
    for key, value in arrays.items():
        # An object array would be pickled, and loading refuses pickles.
        if not np.issubdtype(value.dtype, np.number):
            raise ModelInputError(f"{key} has dtype {value.dtype}: expected a numeric array")
    # Typed loosely: numpy's stubs map a **dict onto savez's keyword-only flags.
    savez = cast(Callable[..., None], np.savez)
    savez(path, **arrays)


def load_parameters(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Read parameters written by `save_parameters`.

    **Arguments:**

    - `path`: an `.npz` file.

    **Returns:**

    The Course's dict `{"W1": (n[1], n[0]), "b1": (n[1], 1), ...}`; give it to
    `network.set_parameters` to restore a network.
    """
    try:
        with np.load(path, allow_pickle=False) as data:
            params = {k: data[k] for k in data.files}
    except ValueError as e:
        # numpy's own message speaks of allow_pickle, which the caller never set.
        raise ModelInputError(
            f"{os.fspath(path)} holds a pickled (object) array: load_parameters reads only "
            f"numeric arrays, never pickles, since unpickling can run code; save the "
            f"parameters with save_parameters"
        ) from e
    bad = sorted(k for k in params if not _KEY.match(k))
    if bad:
        raise ModelInputError(f"{os.fspath(path)} holds {bad}: expected only W1, b1, W2, ...")
    return params
