"""The tests' side of tests/crash_targets.py: start an ingest process, read its trace, stop or
kill it (and anything it left behind), and save the figures a test measured."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tests.conftest import ROOT

OUTPUT = ROOT / "tests" / "output"


class IngestProcess:
    """One ``python -m tests.crash_targets`` process in its own process group, with its trace
    file and its output (stdout and stderr together) in files beside it."""

    def __init__(self, args: Sequence[str], trace: Path, env: Mapping[str, str] | None = None
                 ) -> None:
        self.trace = trace
        self.log = trace.with_suffix(".log")
        self.started = time.monotonic()
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.crash_targets", *args,
                 *(["--trace", str(trace)] if args[0] != "cli" else [])],
                cwd=ROOT, env={**os.environ, **(env or {})}, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.process.pid

    def lines(self) -> list[str]:
        """The trace so far, without timestamps."""
        if not self.trace.exists():
            return []
        return [line.split(" ", 1)[1] for line in self.trace.read_text().splitlines()
                if " " in line]

    def wait_for(self, prefix: str, timeout: float = 120) -> None:
        """Block until a trace line starts with ``prefix`` (or the process ends: an error)."""
        deadline = time.monotonic() + timeout
        while not any(line.startswith(prefix) for line in self.lines()):
            if self.process.poll() is not None:
                raise AssertionError(f"the ingest process ended ({self.process.returncode}) "
                                     f"before {prefix!r}:\n{self.output()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {prefix!r} in the trace after {timeout:.0f} s")
            time.sleep(0.01)

    def wait(self, timeout: float = 300) -> int:
        """Wait for the process to end; its exit status."""
        try:
            return self.process.wait(timeout)
        finally:
            self.reap()

    def kill(self, grace: float = 3.0) -> int:
        """SIGKILL the ingest process alone, as a crash would; its parse worker should notice
        and exit. Whatever of its group is still alive ``grace`` seconds later is killed and
        counted."""
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        deadline = time.monotonic() + grace
        while group_members(self.process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.reap()

    def reap(self) -> int:
        """SIGKILL whatever is left in the process group; how many were left."""
        left = group_members(self.process.pid)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        return len(left)

    def output(self) -> str:
        return self.log.read_text() if self.log.exists() else ""


def group_members(pgid: int) -> list[int]:
    """Live processes in process group ``pgid`` (zombies excluded)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                members.append(int(entry.name))
    return members


def save_figures(name: str, figures: dict[str, Any]) -> Path:
    """Merge ``figures`` into tests/output/<name>.json under their keys; the file's path."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / f"{name}.json"
    saved: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        saved = json.loads(path.read_text())
    saved.update(figures)
    path.write_text(json.dumps(saved, indent=2) + "\n")
    return path
