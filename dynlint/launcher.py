"""The ``dynlint`` executable: answers ``--version`` before importing anything heavy."""

from __future__ import annotations

import os
import sys


def main() -> None:
    # pydantic looks for plugins in every installed package's metadata on first use (about
    # 15 ms); the dynlint command uses none. A user's explicit setting still wins.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if sys.argv[1:] == ["--version"]:
        from dynlint import __version__

        print(f"dynlint {__version__}")
        return
    from dynlint.cli import main as cli_main

    cli_main()
