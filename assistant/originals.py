"""The original files behind citations, given out only through the app: after the same access
check as answers (the Library returns no document above the deployment's access level), only
while the document is in the library, and only while its file on disk is still the one that
was ingested (same SHA-256). Nothing is copied anywhere: the bytes are read when asked for."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from assistant.documents import Document
from assistant.errors import OriginalUnavailableError
from assistant.library import Library

MIME_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".txt": "text/plain",
    ".md": "text/markdown",
}
PAGE_SCALE = 1.4  # 72 dpi * 1.4: a readable A4 page in the app


@dataclass(frozen=True)
class Original:
    """A document's original file, checked against what was ingested."""

    doc_id: str
    file_name: str
    mime_type: str
    data: bytes = field(repr=False)
    pages: int = 0  # 0 for formats without pages

    @property
    def is_pdf(self) -> bool:
        """Whether its pages can be rendered."""
        return self.mime_type == "application/pdf"


def fetch(library: Library, doc_id: str) -> Original:
    """The original of a document this deployment may show. Raises OriginalUnavailableError
    (saying why) when the document is not in the library for this deployment, some of its
    paragraphs are withheld at this level (a restricted report bound into a public pack: the
    file holds them), or its file is gone or has changed since it was ingested."""
    document = library.document(doc_id)
    if document is None:  # absent, removed, or above this deployment's access level
        raise OriginalUnavailableError("The original is no longer in the library.")
    if len(library.paragraphs(doc_id)) < document.paragraph_count:  # some are withheld here
        raise OriginalUnavailableError("The original cannot be shown in this deployment; its "
                                       "paragraphs can be read in the library.")
    return Original(doc_id=doc_id, file_name=document.file_name,
                    mime_type=MIME_TYPES.get(Path(document.file_name).suffix.lower(),
                                             "application/octet-stream"),
                    data=_ingested_bytes(document), pages=document.pages)


def original(library: Library, doc_id: str) -> Original | None:
    """``fetch``, or None when the original cannot be given."""
    try:
        return fetch(library, doc_id)
    except OriginalUnavailableError:
        return None


def page_image(library: Library, doc_id: str, page: int) -> bytes | None:
    """Page ``page`` (from 1) of a PDF original as PNG bytes, under the same check as
    ``fetch``; None when the original cannot be given, is not a PDF or has no such page."""
    found = original(library, doc_id)
    if found is None or not found.is_pdf:
        return None
    return render_page(found.data, page)


def render_page(pdf_bytes: bytes, page: int, scale: float = PAGE_SCALE) -> bytes | None:
    """One page (from 1) of a PDF, rendered to PNG bytes; None when it has no such page."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(pdf_bytes)
    try:
        if not 1 <= page <= len(pdf):
            return None
        image = pdf[page - 1].render(scale=scale).to_pil()
    finally:
        pdf.close()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _ingested_bytes(document: Document) -> bytes:
    """The bytes of the document's file, read once and checked against its content hash."""
    try:
        data = Path(document.source).read_bytes()
    except OSError as exc:
        raise OriginalUnavailableError(
            f"The original ({document.file_name}) is no longer where it was ingested from."
        ) from exc
    if hashlib.sha256(data).hexdigest() != document.content_hash:
        raise OriginalUnavailableError(
            f"The original ({document.file_name}) has changed since it was ingested: ingest it "
            f"again (`scrutineer ingest PATH`) to show the new version.")
    return data
