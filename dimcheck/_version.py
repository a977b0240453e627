"""`--version` for the commands of the distribution (`dimcheck`, `gradcheck`)."""

import argparse
from collections.abc import Sequence
from typing import Any


class VersionAction(argparse.Action):
    """`--version`: the installed distribution's version, read only when asked.

    Reading package metadata costs an import of `importlib.metadata`; doing it inside the
    action keeps `dimcheck lint` starting fast.
    """

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("dimgrad")
        except PackageNotFoundError:
            number = "unknown (not installed)"
        print(f"{parser.prog} (dimgrad {number})")
        parser.exit()
