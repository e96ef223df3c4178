"""Ingestion: documents in, paragraphs with citations out, written through the library."""

from ingest.pipeline import FileResult, IngestSummary, ingest, rebuild, remove

__all__ = ["FileResult", "IngestSummary", "ingest", "rebuild", "remove"]
