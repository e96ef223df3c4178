"""PDF pages to text with pypdf, keeping layout (columns of tables stay aligned)."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from assistant.errors import ExtractionError
from ingest.formats import sniff
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
        raise ExtractionError(str(path), "truncated or damaged PDF (no end-of-file marker)")


def _open(path: Path) -> Any:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionError(str(path), "encrypted PDF: it needs a password to open")
        _ = len(reader.pages)
    except ExtractionError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ExtractionError(str(path), f"damaged PDF that pypdf cannot read ({exc})") from exc
    except Exception as exc:
        if "password" in str(exc).lower() or "decrypt" in str(exc).lower():
            raise ExtractionError(str(path), "encrypted PDF: it needs a password to open") from exc
        raise ExtractionError(str(path), f"damaged PDF ({type(exc).__name__}: {exc})") from exc
    return reader


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


def extract_pdf(path: Path) -> RawDocument:
    """Text of every page; pages without text but with images are reported, not failed."""
    _check_bytes(path)
    reader = _open(path)
    pages: list[PageText] = []
    image_only: list[int] = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            text, stamps = _page_text(without_hidden_text(page))
        except Exception as exc:
            raise ExtractionError(str(path), f"page {number} cannot be read ({exc})") from exc
        if len(_letters(text)) < IMAGE_PAGE_LETTERS and _has_images(page.get("/Resources")):
            image_only.append(number)
        pages.append(PageText(number=number, text=text, stamps=tuple(stamps)))
    if len(image_only) == len(pages) or not any(_letters(p.text) for p in pages):
        if image_only:
            raise ExtractionError(str(path), f"image-only PDF (scanned pages, no text); {OCR_HINT}")
        raise ExtractionError(str(path), "no text found in the PDF")
    return RawDocument(pages=tuple(pages), paged=True, image_only_pages=tuple(image_only))
