"""Looking after the library: removing documents, rebuilding after a model change, and
`scrutineer repair` (clear unfinished writes, re-ingest incomplete documents, rebuild what is
derived from the store: the manifest file and the search indexes)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.health import Inspection, inspect, store_problems
from assistant.library import Library
from assistant.retrieval import Retriever
from assistant.settings import ACCESS_LEVELS, Settings, get_settings
from assistant.store import write_lock
from ingest.chunk import document_id
from ingest.overrides import Overrides
from ingest.pipeline import (
    FileResult,
    IngestSummary,
    Progress,
    ingest_holding_lock,
    refresh_search_index,
    summarise,
)


def remove(paths: Sequence[Path | str], library: Library) -> IngestSummary:
    """Remove documents by their file path (the file itself may already be gone)."""
    with write_lock(library.settings, "removal"):
        summary = _remove(paths, library.unrestricted())
    refresh_search_index(library, summary)
    return summary


def _remove(paths: Sequence[Path | str], library: Library) -> IngestSummary:
    started = time.perf_counter()
    results: list[FileResult] = []
    known = {d.source: d for d in library.documents()}
    for path in (Path(p) for p in paths):
        doc_id = document_id(path)
        if library.document(doc_id) is None:
            matches = [d for s, d in known.items() if Path(s).name == path.name]
            if len(matches) != 1:
                results.append(FileResult(str(path), "failed", reason="not in the library"))
                continue
            doc_id = matches[0].doc_id
        count = library.remove_document(doc_id)
        results.append(FileResult(str(path), "removed", doc_id, count))
    return summarise(results, started)


def rebuild(
    paths: Sequence[Path | str],
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> IngestSummary:
    """Drop the library and ingest again every document it held, plus ``paths`` (what an
    override set at ingest is set again)."""
    settings = settings or get_settings()
    with write_lock(settings, "rebuild"):
        return _rebuild(paths, settings, progress)


def _rebuild(paths: Sequence[Path | str], settings: Settings, progress: Progress | None
             ) -> IngestSummary:
    """``rebuild`` for a caller holding the write lock. A documents collection that cannot be
    read lists nothing: then only ``paths`` are ingested."""
    started = time.perf_counter()
    old = Library(settings, check_model=False).unrestricted()
    try:
        held = old.documents()
    except Exception:  # a damaged store: name the folders to ingest them again
        held = []
    old.clear()
    library = Library(settings)
    groups: dict[Overrides, list[Path]] = {}
    for document in held:
        groups.setdefault(Overrides.of(document), []).append(Path(document.source))
    ordinary = groups.pop(Overrides(), [])
    every = list(dict.fromkeys([*ordinary, *(Path(p).resolve() for p in paths)]))
    results = list(ingest_holding_lock(every, settings, library, progress).results)
    for overrides, again in groups.items():  # documents given overrides, with them again
        results += ingest_holding_lock(again, settings, library, progress,
                                       overrides=overrides).results
    return summarise(results, started)


@dataclass(frozen=True)
class RepairReport:
    """What a repair found and did."""

    found: Inspection
    reingested: tuple[IngestSummary, ...]
    dropped: tuple[str, ...]  # incomplete documents whose file is gone: removed
    rebuilt: bool = False  # the store could not be read: every document ingested again

    def lines(self) -> list[str]:
        """The report in words, for the command line."""
        found = self.found
        if self.rebuilt:
            summary = self.reingested[0]
            lines = [*(f"Found: {p}." for p in found.problems),
                     f"Ingested {summary.counts['added']} documents again from their files "
                     f"({len(summary.failed)} failed).",
                     "Rebuilt the store, the manifest file and the search index."]
            if not summary.results:  # not even the list of documents could be read
                lines.append("No documents could be listed: run `scrutineer ingest --rebuild "
                             "FOLDER…` naming the folders of the reports.")
            return lines
        done = [f"Checked {found.documents} documents.",
                *(f"Found: {p}." for p in found.problems),
                f"Cleared {len(found.orphans)} paragraphs left by unfinished writes.",
                f"Re-ingested {sum(len(s.results) for s in self.reingested)} incomplete "
                f"documents; removed {len(self.dropped)} whose files are gone.",
                "Rebuilt the manifest file and the search index."]
        return done


def repair(settings: Settings | None = None) -> RepairReport:
    """Repair the library in ``settings`` (holding its write lock)."""
    settings = settings or get_settings()
    with write_lock(settings, "repair"):
        library = Library(settings)
        if unreadable := store_problems(library):
            _forget_search_indexes(settings)
            summary = _rebuild([], settings, None)
            return RepairReport(Inspection(0, (), (), tuple(unreadable)), (summary,), (), True)
        found = inspect(library)
        writer = library.unrestricted()
        writer.delete_keys(found.orphans)
        again: dict[Overrides, list[Path]] = {}
        dropped = []
        for doc_id in found.incomplete:
            document = writer.document(doc_id)
            writer.remove_document(doc_id)
            if document is not None and Path(document.source).is_file():
                again.setdefault(Overrides.of(document), []).append(Path(document.source))
            elif document is not None:
                dropped.append(document.source)
        writer.write_manifest_file()
        _forget_search_indexes(settings)
        summaries = [ingest_holding_lock(paths, settings, library, None, force=True,
                                         overrides=overrides)
                     for overrides, paths in again.items()]
        Retriever(library).refresh(force=True)
        return RepairReport(found, tuple(summaries), tuple(dropped))


def _forget_search_indexes(settings: Settings) -> None:
    """Delete every access level's search index (derived: the next reader builds it)."""
    for level in ACCESS_LEVELS:
        shutil.rmtree(settings.data_dir / "lexical" / f"{settings.collection}.{level}",
                      ignore_errors=True)
    (settings.data_dir / "indexes.json").unlink(missing_ok=True)
