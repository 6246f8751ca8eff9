"""Every test run keeps dynlint's parse cache in its own temporary directory."""

from __future__ import annotations

import os
import tempfile

os.environ["DYNLINT_CACHE_DIR"] = tempfile.mkdtemp(prefix="dynlint-test-cache-")


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    from harness import COUNTS

    if any(COUNTS.values()):
        ran = ", ".join(f"{count} {name}" for name, count in COUNTS.items())
        terminalreporter.write_line(f"fuzz inputs run: {ran}")
