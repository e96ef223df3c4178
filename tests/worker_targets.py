"""Parse targets for the worker-process tests (module level, so a spawned worker can import
them by name)."""

from __future__ import annotations

import os
from pathlib import Path

from ingest.parse import ParsedDocument
from ingest.worker import parse_timed


def crash_on_marked(path: Path, max_chars: int, digest: str) -> tuple[ParsedDocument, float]:
    """Parse normally, except that a file whose name contains "crash" kills the process."""
    if "crash" in path.name:
        os._exit(3)
    return parse_timed(path, max_chars, digest)
