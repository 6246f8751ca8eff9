"""Every test run keeps dynlint's parse cache in its own temporary directory."""

from __future__ import annotations

import os
import tempfile

os.environ["DYNLINT_CACHE_DIR"] = tempfile.mkdtemp(prefix="dynlint-test-cache-")
