"""The one place where Chroma's metadata dicts become typed values, and back."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from assistant.documents import Document, DocumentMeta, Paragraph, split_key
from assistant.exemption import carried_level
from assistant.settings import ACCESS_LEVELS

HEADING_SEPARATOR = " > "


def date_number(iso: str) -> int:
    """``2021-03-22`` -> 20210322 (``2019-10`` -> 20191000), for range filters; 0 if unknown."""
    digits = iso.replace("-", "")
    if not digits.isdigit():
        return 0
    return int(digits.ljust(8, "0")[:8])


def access_rank(access: str) -> int:
    """0 public, 1 exempt, 2 confidential; an unknown level counts as the most restricted."""
    return ACCESS_LEVELS.index(access) if access in ACCESS_LEVELS else len(ACCESS_LEVELS) - 1


def carried_rank(text: str) -> int:
    """The rank of what a paragraph or title itself states ("EXEMPT INFORMATION", "Part II"):
    it is never shown below that level, whatever its document is recorded as."""
    return access_rank(carried_level(text))


def _meta_fields(meta: DocumentMeta) -> dict[str, Any]:
    fields = asdict(meta)
    fields["access_rank"] = access_rank(meta.access)
    fields["meeting_day"] = date_number(meta.meeting_date)
    names = f"{meta.council};{meta.council_alias}".split(";")  # aliases: what its address says
    councils = list(dict.fromkeys(c.strip() for c in names if c.strip()))
    if councils:
        fields["councils"] = councils
    return fields


def paragraph_metadata(paragraph: Paragraph, document: Document) -> dict[str, Any]:
    """A paragraph's own fields as Chroma metadata. The document's fields live once, on its
    record (every metadata key is a row in the store: duplicating them made writes slower);
    the access rank is kept so that reads can refuse paragraphs above the reader's level, and
    the version so that only the published version is read."""
    return {
        "doc_id": paragraph.doc_id,
        "ordinal": paragraph.ordinal,
        "label": paragraph.label,
        "part": paragraph.part,
        "parts": paragraph.parts,
        "page": paragraph.page or 0,
        "heading_path": HEADING_SEPARATOR.join(paragraph.heading_path),
        "part_title": paragraph.part_title,
        "kind": paragraph.kind,
        "access_rank": max(access_rank(document.meta.access), access_rank(paragraph.access),
                           carried_rank(paragraph.text)),
        "version": paragraph.version,
    }


def paragraph_from_chroma(key: str, text: str, meta: dict[str, Any]) -> Paragraph:
    """Rebuild a paragraph from what Chroma returns (``key`` is its id in the store)."""
    heading = str(meta.get("heading_path", ""))
    _, para_id, version = split_key(key)
    return Paragraph(
        para_id=para_id,
        version=version,
        doc_id=str(meta["doc_id"]),
        ordinal=int(meta.get("ordinal", 0)),
        text=text,
        label=str(meta.get("label", "")),
        part=int(meta.get("part", 1)),
        parts=int(meta.get("parts", 1)),
        page=int(meta.get("page", 0)) or None,
        heading_path=tuple(heading.split(HEADING_SEPARATOR)) if heading else (),
        part_title=str(meta.get("part_title", "")),
        kind=str(meta.get("kind", "paragraph")),
    )


def document_metadata(document: Document) -> dict[str, Any]:
    """Flatten a document record into Chroma metadata."""
    return {
        "doc_id": document.doc_id,
        "source": document.source,
        "file_name": document.file_name,
        "title": document.title,
        "content_hash": document.content_hash,
        "pages": document.pages,
        "image_only_pages": ",".join(str(p) for p in document.image_only_pages),
        "parts_text": "\n".join(document.parts),
        "paragraph_count": document.paragraph_count,
        "chunker_version": document.chunker_version,
        "ingested_at": document.ingested_at,
        "version": document.version,
        "previous_version": document.previous_version,
        "previous_count": document.previous_count,
        **_meta_fields(document.meta),
        "access_rank": max(access_rank(document.meta.access), carried_rank(document.title)),
    }


def document_from_chroma(meta: dict[str, Any]) -> Document:
    """Rebuild a document record from what Chroma returns."""
    defaults = asdict(DocumentMeta()).items()
    meta_fields = {name: meta.get(name, default) for name, default in defaults}
    if "access" not in meta:  # written before access levels: only an exempt flag
        meta_fields["access"] = "exempt" if meta.get("exempt") else "public"
    pages_text = str(meta.get("image_only_pages", ""))
    parts_text = str(meta.get("parts_text", ""))
    return Document(
        doc_id=str(meta["doc_id"]),
        source=str(meta.get("source", "")),
        file_name=str(meta.get("file_name", "")),
        title=str(meta.get("title", "")),
        content_hash=str(meta.get("content_hash", "")),
        meta=DocumentMeta(**meta_fields),
        pages=int(meta.get("pages", 0)),
        image_only_pages=tuple(int(p) for p in pages_text.split(",") if p),
        parts=tuple(parts_text.split("\n")) if parts_text else (),
        paragraph_count=int(meta.get("paragraph_count", 0)),
        chunker_version=str(meta.get("chunker_version", "")),
        ingested_at=str(meta.get("ingested_at", "")),
        version=str(meta.get("version", "")),
        previous_version=str(meta.get("previous_version", "")),
        previous_count=int(meta.get("previous_count", 0)),
    )
