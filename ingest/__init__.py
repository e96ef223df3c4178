"""Ingestion: documents in, paragraphs with citations out, written through the library."""

from ingest.maintenance import rebuild, remove, repair
from ingest.pipeline import FileResult, IngestSummary, ingest

__all__ = ["FileResult", "IngestSummary", "ingest", "rebuild", "remove", "repair"]
