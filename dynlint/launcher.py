"""The ``dynlint`` executable: answers ``--version`` before importing anything heavy."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from dynlint import __version__

        print(f"dynlint {__version__}")
        return
    from dynlint.cli import main as cli_main

    cli_main()
