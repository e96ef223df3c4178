"""The ingestion job: find files, skip the unchanged, parse, embed and store whole documents."""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from assistant.documents import Document
from assistant.errors import ExtractionError, ScrutineerError
from assistant.health import clear_unfinished_writes, refuse_unreadable
from assistant.library import Library
from assistant.library_writes import Vectors
from assistant.settings import Settings, get_settings
from assistant.store import write_lock
from ingest.access import carried_notes
from ingest.chunk import CHUNKER_VERSION, document_id
from ingest.formats import SUPPORTED_SUFFIXES
from ingest.overrides import Overrides
from ingest.parse import content_hash
from ingest.worker import Parsed, ParseJob, ParsePool

log = logging.getLogger(__name__)
EMBED_TOGETHER = 256  # parsed paragraphs embedded in one go (small files share full batches)


@dataclass(frozen=True)
class FileResult:
    """What happened to one file."""

    path: str
    status: str  # added | updated | unchanged | failed | removed | skipped
    doc_id: str = ""
    paragraphs: int = 0
    reason: str = ""
    image_only_pages: tuple[int, ...] = ()
    notes: tuple[str, ...] = ()  # what the summary should say of it: doubtful access levels


@dataclass(frozen=True)
class IngestSummary:
    """The outcome of one ingestion run."""

    results: tuple[FileResult, ...] = ()
    seconds: float = 0.0
    counts: Counter[str] = field(default_factory=Counter)
    timings: dict[str, float] = field(default_factory=dict)  # seconds: parse, embed, store
    cleared: int = 0  # paragraphs left by an earlier, unfinished write, deleted at the end

    @property
    def paragraphs_written(self) -> int:
        return sum(r.paragraphs for r in self.results if r.status in ("added", "updated"))

    @property
    def failed(self) -> tuple[FileResult, ...]:
        return tuple(r for r in self.results if r.status == "failed")

    @property
    def exit_code(self) -> int:
        """0 when every file was ingested or unchanged, 2 when some failed."""
        return 2 if self.failed else 0


class Progress(Protocol):
    """Receives progress as the job runs (the CLI draws bars from it)."""

    def files(self, total: int) -> None: ...

    def file_started(self, path: Path, paragraphs: int) -> None: ...

    def embedded(self, count: int) -> None: ...

    def file_done(self, result: FileResult) -> None: ...


class NoProgress:
    """Progress that goes nowhere."""

    def files(self, total: int) -> None:
        pass

    def file_started(self, path: Path, paragraphs: int) -> None:
        pass

    def embedded(self, count: int) -> None:
        pass

    def file_done(self, result: FileResult) -> None:
        pass


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[FileResult]]:
    """Files to ingest (folders searched recursively) and the results for what was skipped."""
    files: list[Path] = []
    skipped: list[FileResult] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() or p.is_symlink()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                if child.suffix.lower() in SUPPORTED_SUFFIXES:
                    files.append(child)
                else:
                    skipped.append(FileResult(str(child), "skipped",
                                              reason=f"not a supported type ({child.suffix})"))
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            skipped.append(FileResult(str(path), "failed", reason="no such file or folder"))
    return list(dict.fromkeys(files)), skipped


class Ingestor:
    """Runs ingestion against one library: unchanged files are skipped by hash, the others are
    parsed in a worker process while the main process embeds and stores the previous ones.
    ``overrides`` replace what the documents state (access level, council, committee, meeting
    date) and stick to them until overridden again; what they leave None keeps what the
    documents state or an earlier override."""

    def __init__(self, library: Library, settings: Settings, progress: Progress,
                 overrides: Overrides | None = None) -> None:
        self.library = library.unrestricted()  # it must see every stored document
        self.settings = settings
        self.progress = progress
        self.overrides = overrides or Overrides()
        self.timings: defaultdict[str, float] = defaultdict(float)
        self._earlier: dict[str, Overrides] = {}  # doc id -> overrides set by an earlier ingest

    def check(self, path: Path, force: bool = False) -> FileResult | ParseJob:
        """The result for a file that needs no work (unchanged, unreadable), else a job."""
        try:
            digest = content_hash(path)
            existing = self.library.document(document_id(path))
        except ExtractionError as exc:
            return FileResult(str(path), "failed", reason=exc.reason)
        except OSError as exc:
            return FileResult(str(path), "failed", reason=f"cannot read: {exc.strerror or exc}")
        if existing is not None and Overrides.of(existing) != Overrides():
            self._earlier[existing.doc_id] = Overrides.of(existing)
        if existing is not None and not force and existing.content_hash == digest \
                and existing.chunker_version == CHUNKER_VERSION \
                and self.overrides.held_by(existing):
            return FileResult(str(path), "unchanged", existing.doc_id, existing.paragraph_count,
                              image_only_pages=existing.image_only_pages)
        return ParseJob(path, digest, replaces=existing is not None)

    def _overridden(self, document: Document) -> Document:
        """The document as it will be stored: with these overrides, or earlier ones."""
        earlier = self._earlier.get(document.doc_id, Overrides())
        return self.overrides.over(earlier).applied(document)

    def write(self, outcomes: Sequence[Parsed]) -> list[FileResult]:
        """Embed parsed files together, then store each; failures become results."""
        for outcome in outcomes:
            self.timings["parse"] += outcome.seconds
        parsed = [(o, o.document) for o in outcomes if o.error is None and o.document]
        failed = [_failure(o.job.path, o.error) for o in outcomes
                  if o.error is not None or o.document is None]
        for outcome, document in parsed:
            self.progress.file_started(outcome.job.path, len(document.paragraphs))
        started = time.perf_counter()
        try:
            vectors = self.library.embed_documents(
                [(d.document, d.paragraphs) for _, d in parsed],
                self.progress.embedded) if parsed else []
        except ScrutineerError:
            raise
        except Exception as exc:  # the model failed on this batch: its files fail, not the job
            return failed + [_failure(o.job.path, exc) for o, _ in parsed]
        self.timings["embed"] += time.perf_counter() - started
        return failed + [self._store(o, v) for (o, _), v in zip(parsed, vectors, strict=True)]

    def _store(self, outcome: Parsed, vectors: Vectors) -> FileResult:
        path, parsed = outcome.job.path, outcome.document
        assert parsed is not None
        started = time.perf_counter()
        document = self._overridden(parsed.document)
        notes = () if document.meta.access_overridden else parsed.notes
        try:
            self.library.store_document(document, parsed.paragraphs, vectors, CHUNKER_VERSION)
        except ScrutineerError:
            raise
        except Exception as exc:
            return _failure(path, exc)
        self.timings["store"] += time.perf_counter() - started
        status = "updated" if outcome.job.replaces else "added"
        return FileResult(str(path), status, parsed.document.doc_id, len(parsed.paragraphs),
                          image_only_pages=parsed.document.image_only_pages,
                          notes=notes + carried_notes(document, parsed.paragraphs))

    def run(self, paths: Sequence[Path], force: bool = False) -> IngestSummary:
        """Ingest every file under ``paths``."""
        started = time.perf_counter()
        files, results = discover(paths)
        self.progress.files(len(files))
        for result in results:
            self.progress.file_done(result)
        jobs = []
        for path in files:
            checked = self.check(path, force)
            if isinstance(checked, ParseJob):
                jobs.append(checked)
            else:
                results.append(checked)
                self.progress.file_done(checked)
        pool = ParsePool.from_settings(self.settings)
        waiting: list[Parsed] = []
        for outcome in pool.parse(jobs):
            waiting.append(outcome)
            if sum(len(o.document.paragraphs) for o in waiting if o.document) >= EMBED_TOGETHER:
                results.extend(self._written(waiting))
                waiting = []
        results.extend(self._written(waiting))
        return summarise(results, started, self.timings)

    def _written(self, outcomes: list[Parsed]) -> list[FileResult]:
        done = self.write(outcomes) if outcomes else []
        for result in done:
            self.progress.file_done(result)
        return done


def _failure(path: Path, error: BaseException | None) -> FileResult:
    """A failed file's result; the reason is one line."""
    if isinstance(error, ExtractionError):
        return FileResult(str(path), "failed", reason=error.reason)
    log.debug("unexpected failure ingesting %s", path, exc_info=error)
    return FileResult(str(path), "failed",
                      reason=f"unexpected error: {type(error).__name__}: {error}")


def refresh_search_index(library: Library, summary: IngestSummary) -> None:
    """Rebuild the lexical index now, so the first question after ingestion does not pay."""
    if not any(summary.counts.get(k) for k in ("added", "updated", "removed")):
        return
    from assistant.retrieval import Retriever

    Retriever(library).refresh(force=True)


def summarise(results: list[FileResult], started: float,
             timings: dict[str, float] | None = None) -> IngestSummary:
    return IngestSummary(tuple(results), time.perf_counter() - started,
                         Counter(r.status for r in results), dict(timings or {}))


def ingest(
    paths: Sequence[Path | str],
    settings: Settings | None = None,
    library: Library | None = None,
    progress: Progress | None = None,
    force: bool = False,
    access: str | None = None,
    council: str | None = None,
    committee: str | None = None,
    meeting_date: str | None = None,
) -> IngestSummary:
    """Ingest files and folders into the library, holding its write lock; the package's entry
    point. ``access``, ``council``, ``committee`` and ``meeting_date`` (YYYY-MM-DD) replace
    what the documents state, and stick to them until given again."""
    settings = settings or get_settings()
    overrides = Overrides(access, council, committee, meeting_date)
    with write_lock(settings, "ingest"):
        library = library or Library(settings)
        refuse_unreadable(library)
        return ingest_holding_lock(paths, settings, library, progress, force, overrides)


def ingest_holding_lock(paths: Sequence[Path | str], settings: Settings, library: Library,
                        progress: Progress | None, force: bool = False,
                        overrides: Overrides | None = None) -> IngestSummary:
    """``ingest`` for a caller that already holds the write lock (rebuild, repair)."""
    runner = Ingestor(library, settings, progress or NoProgress(), overrides)
    summary = runner.run([Path(p) for p in paths], force)
    summary = replace(summary, cleared=clear_unfinished_writes(library))
    refresh_search_index(library, summary)
    return summary
