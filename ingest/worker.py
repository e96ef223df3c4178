"""Parsing in a worker process, so the next files are parsed while this one is embedded."""

from __future__ import annotations

import logging
import multiprocessing
import sys
import time
import types
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ingest.parse import ParsedDocument, parse_file

log = logging.getLogger(__name__)
LOOKAHEAD = 3  # parsed documents waiting to be embedded, at most (bounds memory)


@dataclass(frozen=True)
class ParseJob:
    """A file to parse, with the hash already computed and whether an older version of its
    document is in the library."""

    path: Path
    digest: str
    replaces: bool = False


@dataclass(frozen=True)
class Parsed:
    """What came back for one job: the parsed document or the error, and the parse time."""

    job: ParseJob
    document: ParsedDocument | None
    error: BaseException | None
    seconds: float


def parse_timed(path: Path, max_chars: int, digest: str) -> tuple[ParsedDocument, float]:
    """Parse one file and say how long it took (runs in the worker)."""
    started = time.perf_counter()
    parsed = parse_file(path, max_chars, digest)
    return parsed, time.perf_counter() - started


ParseTarget = Callable[[Path, int, str], tuple[ParsedDocument, float]]


@contextmanager
def _empty_main() -> Iterator[None]:
    """A spawned worker re-imports its parent's ``__main__`` (under Streamlit, a page script
    that would run again). The worker needs nothing from it (its target is imported by name),
    so it is started from an empty one."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


class ParsePool:
    """Parses jobs in order, ``workers`` processes ahead of the caller; 0 workers (or a single
    job) parses in this process. A worker that dies fails only the file it was parsing."""

    def __init__(self, max_chars: int, workers: int = 1, target: ParseTarget = parse_timed
                 ) -> None:
        self.max_chars = max_chars
        self.workers = workers
        self.target = target  # a module-level function (it is sent to the worker by name)
        self._pool: ProcessPoolExecutor | None = None
        self._running: deque[tuple[ParseJob, Future]] = deque()


    def parse(self, jobs: Sequence[ParseJob]) -> Iterator[Parsed]:
        """Each job's outcome, in the order given."""
        if self.workers < 1 or len(jobs) < 2:
            for job in jobs:
                yield self._inline(job)
            return
        try:
            yield from self._pooled(jobs)
        finally:
            self._shutdown()

    def _inline(self, job: ParseJob) -> Parsed:
        try:
            parsed, seconds = self.target(job.path, self.max_chars, job.digest)
        except Exception as exc:
            return Parsed(job, None, exc, 0.0)
        return Parsed(job, parsed, None, seconds)

    def _pooled(self, jobs: Sequence[ParseJob]) -> Iterator[Parsed]:
        waiting = deque(jobs)
        running = self._running
        while waiting or running:
            while waiting and len(running) < LOOKAHEAD + self.workers:
                job = waiting.popleft()
                running.append((job, self._submit(job)))
            job, future = running.popleft()
            try:
                parsed, seconds = future.result()
                yield Parsed(job, parsed, None, seconds)
            except BrokenProcessPool:
                log.warning("the parser process died on %s", job.path)
                yield Parsed(job, None, RuntimeError("the parser process crashed on this file"),
                             0.0)
                waiting.extendleft(reversed([j for j, _ in running]))  # resubmit the rest
                running.clear()
                self._shutdown()
            except Exception as exc:
                yield Parsed(job, None, exc, 0.0)

    def _submit(self, job: ParseJob) -> Future:
        if self._pool is None:
            context = multiprocessing.get_context("spawn")  # no fork of a process holding torch
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context)
        with _empty_main():  # workers start in submit()
            return self._pool.submit(self.target, job.path, self.max_chars, job.digest)

    def _shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
