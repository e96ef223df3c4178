"""One file to a document and its paragraphs: extract, clean, find structure, chunk."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from assistant.documents import Document, Paragraph
from assistant.errors import ExtractionError
from assistant.exemption import most_restricted
from ingest.access import (
    document_access,
    doubt_note,
    marked_notes,
    marked_pages,
    with_marked_pages,
)
from ingest.blocks import build_blocks
from ingest.chunk import CHUNKER_VERSION, document_id, to_paragraphs
from ingest.clean import clean, running_headers
from ingest.formats import FileLimits, extract, file_sha256
from ingest.items import mark_items
from ingest.layout import tabulate
from ingest.meetings import source_url
from ingest.metadata import read_metadata
from ingest.structure import Unit, structure


@dataclass(frozen=True)
class ParsedDocument:
    """A parsed file, ready to embed and store."""

    document: Document
    paragraphs: tuple[Paragraph, ...]
    notes: tuple[str, ...] = ()  # for the ingest summary: doubtful access, withheld pages


def content_hash(path: Path) -> str:
    """What decides whether a file changed: the SHA-256 of its bytes."""
    return file_sha256(path)


def parse_file(path: Path, max_chars: int = 1500, digest: str | None = None,
               limits: FileLimits | None = None) -> ParsedDocument:
    """Parse one file; raises ExtractionError with a one-line reason when it cannot (also when
    it is larger or longer than ``limits``)."""
    path = path.resolve()
    raw = extract(path, limits)
    lines = tabulate(clean(raw)) if raw.paged else clean(raw)
    source, blocks = source_url(build_blocks(lines, raw.paged))
    blocks = mark_items(blocks, raw.paged)
    units, parts = structure(blocks)
    margins = running_headers(raw)
    title, meta = read_metadata(blocks, parts, margins, source, path.stem)
    reading = document_access(raw, margins)
    marked = marked_pages(raw, parts)
    level = most_restricted([reading.level, *(m.level for m in marked if m.whole)])
    meta = replace(meta, classification=reading.classification, access=level)
    if len(parts) == 1:  # one part is the document itself, not a pack
        parts = []
        for unit in units:
            unit.part_title = ""
    doc_id = document_id(path)
    units = drop_title_headings(units, title)
    paragraphs = with_marked_pages(to_paragraphs(doc_id, units, max_chars), marked)
    if not paragraphs:
        raise ExtractionError(str(path), "no text found (only headers, footers or page numbers)")
    document = Document(
        doc_id=doc_id,
        source=str(path),
        file_name=path.name,
        title=title or path.stem,
        content_hash=digest or content_hash(path),
        meta=meta,
        pages=len(raw.pages) if raw.paged else 0,
        image_only_pages=raw.image_only_pages,
        parts=tuple(p.title for p in parts if p.kind != "stamp" or p.titled),
        paragraph_count=len(paragraphs),
        chunker_version=CHUNKER_VERSION,
        ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    return ParsedDocument(document, tuple(paragraphs), doubt_note(reading) + marked_notes(marked))


def drop_title_headings(units: list[Unit], title: str) -> list[Unit]:
    """The document's own title is its identity, not a heading of its paragraphs."""
    key = title.strip().lower()
    for unit in units:
        if unit.heading_path and unit.heading_path[0].strip().lower() == key:
            unit.heading_path = unit.heading_path[1:]
    return units


def with_source(parsed: ParsedDocument, source: str) -> ParsedDocument:
    """The same parse recorded under another source path."""
    return replace(parsed, document=replace(parsed.document, source=source))
