"""Session-wide test settings."""

from __future__ import annotations

import os
import tempfile

# The result cache (~/.cache/phiguard) must never mix test runs with the user's own
# results, nor carry one test's results into another run: every run gets a fresh one,
# and the CLI subprocesses inherit it.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="phiguard-test-cache-")
