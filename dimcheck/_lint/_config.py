"""`[tool.dimcheck.lint]` in the nearest `pyproject.toml`."""

from pathlib import Path

from ._select import Selection, SelectionError

KEYS = ("select", "ignore")


class ConfigError(ValueError):
    """A `pyproject.toml` that cannot be read or whose `[tool.dimcheck.lint]` is malformed."""


def find_pyproject(start: Path) -> Path | None:
    """The nearest `pyproject.toml` at or above `start` (a file or directory)."""
    directory = start.resolve()
    if not directory.is_dir():
        directory = directory.parent
    for candidate in (directory, *directory.parents):
        path = candidate / "pyproject.toml"
        if path.is_file():
            return path
    return None


def load_selection(pyproject: Path | None) -> Selection:
    """The selection configured in `pyproject` (every rule when there is none).

    **Arguments:**

    - `pyproject`: the file to read, or `None`.

    **Returns:** a `Selection`. Raises `ConfigError` naming the file and the key.
    """
    if pyproject is None:
        return Selection()
    import tomllib  # only when there is a file to read: `dimcheck lint` starts faster

    try:
        with pyproject.open("rb") as file:
            data = tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{pyproject}: cannot read it: {error}") from error
    section = data.get("tool", {}).get("dimcheck", {}).get("lint", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{pyproject}: [tool.dimcheck.lint] must be a table.")
    unknown = sorted(set(section) - set(KEYS))
    if unknown:
        raise ConfigError(
            f"{pyproject}: [tool.dimcheck.lint] has unknown key(s) {', '.join(unknown)}; "
            f"the keys are {', '.join(KEYS)}."
        )
    values: dict[str, tuple[str, ...]] = {}
    for key in KEYS:
        if key not in section:
            continue
        value = section[key]
        if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise ConfigError(
                f'{pyproject}: [tool.dimcheck.lint] {key} must be a list of codes, e.g. ["DC1"].'
            )
        values[key] = tuple(value)
    try:
        return Selection(**values)
    except SelectionError as error:
        raise ConfigError(f"{pyproject}: [tool.dimcheck.lint] {error}") from error
