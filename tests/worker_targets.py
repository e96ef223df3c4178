"""Parse targets for the worker-process tests (module level, so a spawned worker can import
them by name). ``misbehave`` parses normally unless the file's name asks otherwise, and notes
beside each file which process parsed it (``<name>.pid``)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from ingest.formats import FileLimits
from ingest.parse import ParsedDocument
from ingest.worker import parse_timed

CHUNK = 64 * 1024 * 1024
BALLOON = 128 * CHUNK  # 8 GB


def note(path: Path, suffix: str, value: object) -> None:
    path.with_name(f"{path.name}.{suffix}").write_text(str(value))


def noted(path: Path, suffix: str) -> int:
    return int(path.with_name(f"{path.name}.{suffix}").read_text())


def _balloon(path: Path) -> None:
    """Allocate up to 8 GB, 64 MB at a time (calloc: address space, pages never touched, so
    the machine is safe even without a memory limit), noting how much it got; when no
    allocation fails the file is then parsed as usual."""
    held = []
    try:
        while len(held) < BALLOON // CHUNK:
            held.append(bytes(CHUNK))
    finally:
        size = len(held) * CHUNK
        held.clear()
        note(path, "allocated", size)


def misbehave(path: Path, max_chars: int, digest: str, limits: FileLimits
              ) -> tuple[ParsedDocument, float]:
    """"crash" in the name kills the process, "hang" never returns, "bomb" allocates 8 GB;
    anything else is parsed."""
    note(path, "pid", os.getpid())
    if "crash" in path.name:
        os._exit(3)
    while "hang" in path.name:
        time.sleep(3600)
    if "bomb" in path.name:
        _balloon(path)
    return parse_timed(path, max_chars, digest, limits)
