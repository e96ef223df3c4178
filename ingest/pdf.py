"""PDF pages to text with pypdf, keeping layout (columns of tables stay aligned)."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from assistant.errors import ExtractionError
from ingest.formats import short_cause, sniff
from ingest.hidden import without_hidden_text
from ingest.pages import PageText, RawDocument

log = logging.getLogger(__name__)

OCR_HINT = "OCR is not done: run the file through OCR (e.g. `ocrmypdf in.pdf out.pdf`) first"
IMAGE_PAGE_LETTERS = 60  # a page with images and less text than this is a scan or a chart
STAMP_RE = re.compile(r"^\s*(Agenda Item\s+\d+[A-Za-z]?|Page\s+\d+)\s*$", re.IGNORECASE)


def _check_bytes(path: Path) -> None:
    size = path.stat().st_size
    if size == 0:
        raise ExtractionError(str(path), "empty file (0 bytes)")
    with path.open("rb") as handle:
        head = handle.read(1024)
        handle.seek(max(0, size - 2048))
        tail = handle.read()
    if b"%PDF-" not in head:
        kind = sniff(head)
        raise ExtractionError(str(path), f"not a PDF (the file looks like {kind}; renamed?)")
    if b"%%EOF" not in tail:
        raise ExtractionError(str(path), "truncated or damaged PDF (no end-of-file marker); "
                                         "download or export it again")


def _open(path: Path, max_pages: int) -> Any:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionError(str(path), "encrypted PDF: it needs a password to open")
        _check_pages(path, _declared_pages(reader), max_pages)  # before walking the page tree
        _check_pages(path, len(reader.pages), max_pages)
    except (ExtractionError, MemoryError):
        raise
    except PdfReadError as exc:
        if "password" in str(exc).lower() or "decrypt" in str(exc).lower():
            raise ExtractionError(str(path), "encrypted PDF: it needs a password to open") from exc
        raise damaged(path, exc) from exc
    except Exception as exc:
        raise damaged(path, exc) from exc
    return reader


def damaged(path: Path, exc: BaseException, page: int = 0) -> ExtractionError:
    """A pypdf error as one line: the short cause and what to do."""
    where = f"page {page} is damaged: " if page else "damaged: "
    return ExtractionError(str(path), f"not a readable PDF ({where}{short_cause(exc)}); "
                                      "re-save or re-export it")


def _declared_pages(reader: Any) -> int:
    """The page count the page tree states, or 0 when it is not believable (a PDF holds at
    least one object per page)."""
    try:
        count = int(reader.trailer["/Root"]["/Pages"]["/Count"])
    except Exception:
        return 0
    objects = sum(len(ids) for ids in reader.xref.values()) + len(reader.xref_objStm)
    return count if count <= objects else 0


def _check_pages(path: Path, count: int, max_pages: int) -> None:
    """Refuse a PDF with more pages than the limit before any page is read."""
    if count > max_pages:
        raise ExtractionError(str(path), f"has {count:,} pages; the limit is {max_pages:,} "
                                         "(SCRUTINEER_MAX_PAGES); split the file or raise "
                                         "the limit")


def _has_images(resources: Any, depth: int = 0) -> bool:
    """Whether a page's resources (or forms inside them) hold an image."""
    try:
        xobjects = (resources or {}).get("/XObject") or {}
        for ref in xobjects.values():
            xobject = ref.get_object()
            subtype = xobject.get("/Subtype")
            if subtype == "/Image":
                return True
            inner = xobject.get("/Resources")
            if subtype == "/Form" and depth < 3 and _has_images(inner, depth + 1):
                return True
    except Exception:  # a damaged resource dictionary is not worth failing the page for
        return False
    return False


def _has_forms(resources: Any) -> bool:
    try:
        xobjects = (resources or {}).get("/XObject") or {}
        return any(ref.get_object().get("/Subtype") == "/Form" for ref in xobjects.values())
    except Exception:
        return True


def _page_text(page: Any) -> tuple[str, list[str]]:
    """Layout text of a page, falling back to plain text when layout loses content.

    Returns the text and any page stamps ("Agenda Item 7") that only plain mode sees.
    """
    try:
        layout = page.extract_text(extraction_mode="layout") or ""
    except Exception:  # layout mode is stricter about odd fonts; plain mode copes
        layout = ""
    if layout.strip() and not _has_forms(page.get("/Resources")):
        return layout, []  # layout mode only misses text drawn inside form XObjects
    plain = page.extract_text() or ""
    stamps = [line.strip() for line in plain.splitlines() if STAMP_RE.match(line)]
    if len(_letters(layout)) >= 0.8 * len(_letters(plain)):
        return layout, stamps
    return plain, stamps


def _letters(text: str) -> str:
    return re.sub(r"\W", "", text)


def extract_pdf(path: Path, max_pages: int = 2000) -> RawDocument:
    """Text of every page; pages without text but with images are reported, not failed."""
    _check_bytes(path)
    reader = _open(path, max_pages)
    pages: list[PageText] = []
    image_only: list[int] = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            text, stamps = _page_text(without_hidden_text(page))
        except MemoryError:
            raise
        except Exception as exc:
            raise damaged(path, exc, number) from exc
        if len(_letters(text)) < IMAGE_PAGE_LETTERS and _has_images(page.get("/Resources")):
            image_only.append(number)
        pages.append(PageText(number=number, text=text, stamps=tuple(stamps)))
    if len(image_only) == len(pages) or not any(_letters(p.text) for p in pages):
        if image_only:
            raise ExtractionError(str(path), f"image-only PDF (scanned pages, no text); {OCR_HINT}")
        raise ExtractionError(str(path), "no text found in the PDF")
    return RawDocument(pages=tuple(pages), paged=True, image_only_pages=tuple(image_only))
