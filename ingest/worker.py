"""Parsing in worker processes, so the next files are parsed while this one is embedded, and so
a file that hangs or balloons costs its own worker, not the ingest: each worker limits its
address space, and one that overruns the time limit is killed and replaced."""

from __future__ import annotations

import logging
import multiprocessing
import pickle
import resource
import signal
import sys
import time
import types
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import ExtractionError
from ingest.formats import MB, FileLimits
from ingest.parse import ParsedDocument, parse_file

if TYPE_CHECKING:
    from assistant.settings import Settings

log = logging.getLogger(__name__)
LOOKAHEAD = 3  # parsed documents waiting to be embedded, at most (bounds memory)
START_GRACE = 30.0  # seconds a new worker may take to start before its first file's clock runs


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


@dataclass(frozen=True)
class ParseLimits:
    """Per-file limits: size and pages (checked by the parser), and time and memory (enforced
    on the worker process; ``None`` turns one off)."""

    files: FileLimits = field(default_factory=FileLimits)
    timeout: float | None = 120.0
    memory_mb: int | None = 3072

    @classmethod
    def from_settings(cls, settings: Settings) -> ParseLimits:
        """The limits configured by ``SCRUTINEER_MAX_FILE_MB`` and its neighbours."""
        return cls(FileLimits(settings.max_file_mb, settings.max_pages), settings.parse_timeout,
                   settings.parse_memory_mb)


def timeout_reason(seconds: float) -> str:
    return (f"took longer than {seconds:g} s to parse (SCRUTINEER_PARSE_TIMEOUT); the file may "
            "be damaged: re-save or re-export it, or raise the limit")


def memory_reason(megabytes: int | None) -> str:
    if not megabytes:  # parsed inline, where no limit applies
        return "ran out of memory while parsing; the file may be damaged: re-save or re-export it"
    return (f"needed more than {megabytes:,} MB of memory to parse (SCRUTINEER_PARSE_MEMORY_MB); "
            "the file may be damaged: re-save or re-export it, or raise the limit")


def crash_reason(exitcode: int | None) -> str:
    how = f"exit code {exitcode}"
    if exitcode is not None and exitcode < 0:
        how = signal.Signals(-exitcode).name if -exitcode in signal.valid_signals() else how
    return f"the parser process crashed on this file ({how}); re-save or re-export it"


def parse_timed(path: Path, max_chars: int, digest: str, limits: FileLimits
                ) -> tuple[ParsedDocument, float]:
    """Parse one file and say how long it took (runs in the worker)."""
    started = time.perf_counter()
    parsed = parse_file(path, max_chars, digest, limits)
    return parsed, time.perf_counter() - started


ParseTarget = Callable[[Path, int, str, FileLimits], tuple[ParsedDocument, float]]


def _run(target: ParseTarget, job: ParseJob, max_chars: int, limits: ParseLimits
         ) -> tuple[ParsedDocument | None, BaseException | None, float]:
    started = time.perf_counter()
    try:
        parsed, seconds = target(job.path, max_chars, job.digest, limits.files)
    except MemoryError:
        error = ExtractionError(str(job.path), memory_reason(limits.memory_mb))
        return None, error, time.perf_counter() - started
    except Exception as exc:
        return None, exc, time.perf_counter() - started
    return parsed, None, seconds


def limit_memory(megabytes: int | None) -> None:
    """Cap this process's address space, so a runaway parse raises MemoryError."""
    if not megabytes:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = megabytes * MB if hard == resource.RLIM_INFINITY else min(megabytes * MB, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (ValueError, OSError) as exc:  # not every platform enforces RLIMIT_AS
        log.warning("cannot limit the parser's memory: %s", exc)


def _serve(conn: Connection, target: ParseTarget, max_chars: int, limits: ParseLimits) -> None:
    """A worker's life: limit memory, then parse jobs until told to stop (or orphaned)."""
    limit_memory(limits.memory_mb)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it kills workers
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # what it repaired; failures have reasons
    with suppress(EOFError, OSError):  # the parent has gone: so does the worker
        while (request := conn.recv()) is not None:
            index, job = request
            conn.send(("start", index, time.monotonic()))
            parsed, error, seconds = _run(target, job, max_chars, limits)
            try:
                conn.send(("done", index, parsed, _portable(error), seconds))
            except (OSError, EOFError):
                raise
            except Exception as exc:  # no memory left to pickle the document
                conn.send(("done", index, None, _portable(exc), seconds))


def _portable(error: BaseException | None) -> BaseException | None:
    """The error, or a RuntimeError saying the same when it cannot cross to the parent."""
    if isinstance(error, MemoryError):
        return RuntimeError("MemoryError while sending the parsed document")
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


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


class _Worker:
    """One parser process, the jobs sent to it (in order) and when it last reported."""

    def __init__(self, target: ParseTarget, max_chars: int, limits: ParseLimits) -> None:
        context = multiprocessing.get_context("spawn")  # no fork of a process holding torch
        self.conn, child = context.Pipe()
        self.process: Any = context.Process(target=_serve, daemon=True, name="scrutineer-parse",
                                            args=(child, target, max_chars, limits))
        with _empty_main():
            self.process.start()
        child.close()
        self.jobs: deque[tuple[int, ParseJob]] = deque()
        self.clock = time.monotonic() + START_GRACE  # when the current job started
        self.started = False  # whether the current job has started

    def send(self, index: int, job: ParseJob) -> None:
        self.jobs.append((index, job))
        with suppress(OSError):  # it died: reading from it reports the crash
            self.conn.send((index, job))

    def kill(self) -> None:
        """Stop it now (an idle worker holds nothing worth a graceful exit)."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


class ParsePool:
    """Parses jobs in order, ``workers`` processes ahead of the caller, each file within the
    time and memory limits. With 0 workers (or one job and no time or memory limit) files are
    parsed in this process, where only the size and page limits apply. A worker that dies or
    overruns fails only the file it was parsing."""

    def __init__(self, max_chars: int, workers: int = 1, target: ParseTarget = parse_timed,
                 limits: ParseLimits | None = None) -> None:
        self.max_chars = max_chars
        self.workers = workers
        self.target = target  # a module-level function (it is sent to the worker by name)
        self.limits = limits or ParseLimits()
        self._procs: list[_Worker] = []

    @classmethod
    def from_settings(cls, settings: Settings) -> ParsePool:
        """The pool an ingest with these settings uses."""
        return cls(settings.max_paragraph_chars, settings.parse_workers,
                   limits=ParseLimits.from_settings(settings))

    def parse(self, jobs: Sequence[ParseJob]) -> Iterator[Parsed]:
        """Each job's outcome, in the order given."""
        guarded = self.limits.timeout is not None or self.limits.memory_mb is not None
        if self.workers < 1 or (len(jobs) < 2 and not guarded):
            unguarded = replace(self.limits, memory_mb=None)
            for job in jobs:
                yield Parsed(job, *_run(self.target, job, self.max_chars, unguarded))
            return
        try:
            yield from self._pooled(jobs)
        finally:
            self._shutdown()

    def _pooled(self, jobs: Sequence[ParseJob]) -> Iterator[Parsed]:
        waiting = deque(enumerate(jobs))
        done: dict[int, Parsed] = {}
        for index in range(len(jobs)):
            while index not in done:
                self._assign(waiting, index + LOOKAHEAD + self.workers)
                self._collect(done, waiting)
            yield done.pop(index)

    def _assign(self, waiting: deque[tuple[int, ParseJob]], horizon: int) -> None:
        """Send waiting jobs (up to ``horizon``) to the least busy workers."""
        for idle in [w for w in self._procs if not w.jobs and not w.process.is_alive()]:
            idle.kill()  # died between files (killed from outside): start another
            self._procs.remove(idle)
        while waiting and waiting[0][0] < horizon:
            if len(self._procs) < self.workers:
                self._procs.append(_Worker(self.target, self.max_chars, self.limits))
            worker = min(self._procs, key=lambda w: len(w.jobs))
            worker.send(*waiting.popleft())

    def _collect(self, done: dict[int, Parsed], waiting: deque[tuple[int, ParseJob]]) -> None:
        """Wait for the next report (or deadline) and act on it."""
        busy = [w for w in self._procs if w.jobs]
        timeout = self.limits.timeout
        wait_for = None
        if timeout is not None:
            wait_for = max(0.0, min(w.clock for w in busy) + timeout - time.monotonic())
        ready = wait([w.conn for w in busy], wait_for)
        for worker in busy:
            if worker.conn in ready:
                self._read(worker, done, waiting)
            elif timeout is not None and time.monotonic() > worker.clock + timeout:
                self._retire(worker, done, waiting, timeout_reason(timeout))

    def _read(self, worker: _Worker, done: dict[int, Parsed],
              waiting: deque[tuple[int, ParseJob]]) -> None:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(5)
            log.warning("the parser process died on %s", worker.jobs[0][1].path)
            self._retire(worker, done, waiting, crash_reason(worker.process.exitcode))
            return
        kind, index, *rest = message
        if kind == "start":
            worker.clock, worker.started = rest[0], True
            return
        _, job = worker.jobs.popleft()
        done[index] = Parsed(job, *rest)
        worker.clock, worker.started = time.monotonic(), False

    def _retire(self, worker: _Worker, done: dict[int, Parsed],
                waiting: deque[tuple[int, ParseJob]], reason: str) -> None:
        """Fail the worker's current job, kill it, and give its other jobs back."""
        index, job = worker.jobs.popleft()
        seconds = time.monotonic() - worker.clock if worker.started else 0.0
        done[index] = Parsed(job, None, ExtractionError(str(job.path), reason), seconds)
        waiting.extendleft(reversed(worker.jobs))
        worker.jobs.clear()
        worker.kill()
        self._procs.remove(worker)

    def _shutdown(self) -> None:
        for worker in self._procs:
            worker.kill()
        self._procs = []
