"""Ingest processes for the crash-safety and concurrency tests, run as real subprocesses:

    python -m tests.crash_targets ingest [--force] [--trace FILE] PATH...
    python -m tests.crash_targets loop --stop FILE [--go FILE] [--flip DIR] [--pause S]
                                       [--trace FILE] PATH...
    python -m tests.crash_targets cli ingest PATH...     (the `scrutineer` CLI itself)

Importing tests.conftest registers the tests' fake embedder here too (same name, same
vectors), so what these processes write the tests read. ``--trace`` appends a line for each
progress event and before and after every write Chroma is asked to make (flushed, so a killed
run's trace says where it was); ``SCRUTINEER_TEST_WRITE_DELAY`` (seconds slept before each
write) widens the windows between writes without changing what is written.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

import tests.conftest  # noqa: F401  (registers the fake embedder)
from assistant.settings import Settings, get_settings

VARIANT_SUFFIX = ".variants"  # a folder beside the corpus holding the versions to flip between


def _watch_writes(delay: float, trace: TextIO) -> None:
    """Trace every write Chroma is asked to make (``> op collection`` when it starts, ``< ...``
    when it returned), sleeping ``delay`` seconds before each."""
    from chromadb.api.models.Collection import Collection

    def watched(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(self: Collection, *args: Any, **kwargs: Any) -> Any:
            time.sleep(delay)
            _line(trace, f"> {name} {self.name}")
            result = method(self, *args, **kwargs)
            _line(trace, f"< {name} {self.name}")
            return result

        return call

    for name in ("upsert", "add", "update", "delete", "modify"):
        setattr(Collection, name, watched(name, getattr(Collection, name)))


def _line(out: TextIO, text: str) -> None:
    out.write(f"{time.monotonic():.4f} {text}\n")
    out.flush()


class TraceProgress:
    """Ingest progress written as lines: ``files N``, ``started PATH``, ``done STATUS PATH``."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def files(self, total: int) -> None:
        _line(self.out, f"files {total}")

    def file_started(self, path: Path, paragraphs: int) -> None:
        _line(self.out, f"started {path}")

    def embedded(self, count: int) -> None:
        pass

    def file_done(self, result: Any) -> None:
        _line(self.out, f"done {result.status} {result.path}")


def flip(folder: Path, round_: int) -> None:
    """Copy the round's variant of every file in ``folder.variants/<a|b>/`` into ``folder``."""
    source = folder.with_name(folder.name + VARIANT_SUFFIX) / ("ab"[round_ % 2])
    for path in sorted(source.iterdir()):
        shutil.copyfile(path, folder / path.name)


def _ingest_once(paths: Sequence[str], settings: Settings, force: bool, trace: TextIO) -> int:
    from ingest import ingest

    progress = TraceProgress(trace)
    summary = ingest(paths, settings, progress=progress, force=force)
    _line(trace, f"finished {summary.exit_code}")
    return summary.exit_code


def _loop(args: argparse.Namespace, settings: Settings, trace: TextIO) -> int:
    """Ingest again and again (forced) until the stop file appears; each round flips the
    ``--flip`` folder to its other variant first, and ``--pause`` seconds pass between rounds.
    With ``--go``, the embedding model is loaded
    first and the rounds wait for that file. Exits non-zero on the first failure."""
    if args.go:
        from assistant.embedder import get_embedder

        get_embedder(settings).embed_one("warm up")
        _line(trace, "ready")
        while not Path(args.go).exists():
            time.sleep(0.02)
    round_ = 0
    while not Path(args.stop).exists():
        round_ += 1
        if args.flip:
            flip(Path(args.flip), round_)
        _line(trace, f"round {round_}")
        code = _ingest_once(args.paths, settings, True, trace)
        if code:
            return code
        time.sleep(args.pause)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command named by ``argv`` (see the module docstring)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["cli"]:
        from ui.cli import main as cli

        cli.main(argv[1:], prog_name="scrutineer")  # exits with the CLI's status
    parser = argparse.ArgumentParser(prog="python -m tests.crash_targets")
    parser.add_argument("command", choices=("ingest", "loop"))
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--trace", default=os.devnull)
    parser.add_argument("--stop", default="")
    parser.add_argument("--flip", default="")
    parser.add_argument("--go", default="")
    parser.add_argument("--pause", type=float, default=0.0)  # seconds between rounds
    args = parser.parse_args(argv)
    settings = get_settings()
    with open(args.trace, "a", encoding="utf-8") as trace:
        _watch_writes(float(os.environ.get("SCRUTINEER_TEST_WRITE_DELAY", "0") or 0), trace)
        if args.command == "ingest":
            return _ingest_once(args.paths, settings, args.force, trace)
        return _loop(args, settings, trace)


if __name__ == "__main__":
    sys.exit(main())
