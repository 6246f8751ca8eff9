"""The ``dynlint`` executable: answers ``--version``, and a check that nothing it looked at has
changed since (:mod:`dynlint.replay`), before importing anything heavy."""

from __future__ import annotations

import gc
import os
import sys


def main() -> None:
    # pydantic looks for plugins in every installed package's metadata on first use (about
    # 15 ms); the dynlint command uses none. A user's explicit setting still wins.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    # A scan builds hundreds of thousands of small objects that live to the end of the run; at
    # Python's default thresholds the collector walks them again and again (about a fifth of a
    # cold run on the benchmark corpus). Rarer collections keep memory bounded all the same.
    gc.set_threshold(50_000, 20, 20)
    if sys.argv[1:] == ["--version"]:
        from dynlint import __version__

        print(f"dynlint {__version__}")
        return
    from dynlint import replay

    memo = replay.report_memo(sys.argv[1:])
    if memo is not None:
        exit_code = replay.replayed(memo)
        if exit_code is not None:
            sys.exit(exit_code)
        replay.keep_next(memo)
    from dynlint.cli import main as cli_main

    cli_main()
