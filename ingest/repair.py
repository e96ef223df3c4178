"""`scrutineer repair`: clear unfinished writes, re-ingest incomplete documents, and rebuild
what is derived from the store (the manifest file and the search indexes)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from assistant.health import Inspection, inspect
from assistant.library import Library
from assistant.retrieval import Retriever
from assistant.settings import ACCESS_LEVELS, Settings, get_settings
from assistant.store import write_lock
from ingest.pipeline import IngestSummary, _ingest


@dataclass(frozen=True)
class RepairReport:
    """What a repair found and did."""

    found: Inspection
    reingested: tuple[IngestSummary, ...]
    dropped: tuple[str, ...]  # incomplete documents whose file is gone: removed

    def lines(self) -> list[str]:
        """The report in words, for the command line."""
        found = self.found
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
        found = inspect(library)
        writer = library.unrestricted()
        writer.delete_keys(found.orphans)
        again: dict[str | None, list[Path]] = {}
        dropped = []
        for doc_id in found.incomplete:
            document = writer.document(doc_id)
            writer.remove_document(doc_id)
            if document is not None and Path(document.source).is_file():
                level = document.meta.access if document.meta.access_overridden else None
                again.setdefault(level, []).append(Path(document.source))
            elif document is not None:
                dropped.append(document.source)
        writer.write_manifest_file()
        for level in ACCESS_LEVELS:
            shutil.rmtree(settings.data_dir / "lexical" / f"{settings.collection}.{level}",
                          ignore_errors=True)
        (settings.data_dir / "indexes.json").unlink(missing_ok=True)
        summaries = [_ingest(paths, settings, library, None, force=True, access=level)
                     for level, paths in again.items()]
        Retriever(library).refresh(force=True)
        return RepairReport(found, tuple(summaries), tuple(dropped))
