"""Dispatch a file to the extractor for its format; plain text and Markdown live here."""

from __future__ import annotations

import os
from pathlib import Path

from assistant.errors import ExtractionError
from ingest.pages import PageText, RawDocument

SUPPORTED_SUFFIXES = (".pdf", ".txt", ".md", ".docx")


def sniff(head: bytes) -> str:
    """What a file's first bytes suggest it really is, for "renamed?" messages."""
    if head.startswith(b"PK"):
        return "a ZIP or Office file"
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html")):
        return "an HTML page"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old Word/Excel file"
    if head[:1] in (b"\xff", b"\x89") or head.startswith(b"GIF"):
        return "an image"
    return "text or another format"



def read_bytes(path: Path) -> bytes:
    """The file's bytes, with unreadable files turned into one clear reason."""
    try:
        return path.read_bytes()
    except PermissionError as exc:
        raise ExtractionError(str(path), "cannot read the file: permission denied") from exc
    except FileNotFoundError as exc:
        why = "it is a broken link" if path.is_symlink() else "it no longer exists"
        raise ExtractionError(str(path), f"cannot read the file: {why}") from exc
    except IsADirectoryError as exc:
        raise ExtractionError(str(path), "is a directory, not a file") from exc
    except OSError as exc:
        raise ExtractionError(str(path), f"cannot read the file: {exc.strerror or exc}") from exc


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), falling back to Windows-1252."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def extract_text_file(path: Path) -> RawDocument:
    """Plain text or Markdown; form feeds, when present, separate pages."""
    data = read_bytes(path)
    if not data.strip():
        raise ExtractionError(str(path), "empty file (no text)")
    if b"\x00" in data[:4096]:
        raise ExtractionError(str(path), "binary file, not text (wrong extension?)")
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
    chunks = text.split("\f")
    pages = tuple(PageText(number=i, text=chunk) for i, chunk in enumerate(chunks, start=1))
    return RawDocument(pages=pages, paged=len(chunks) > 1)


def extract(path: Path) -> RawDocument:
    """Extract any supported file, or raise ExtractionError with a one-line reason."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        raise ExtractionError(str(path), f"unsupported file type {suffix or '(none)'} "
                                         f"(supported: {supported})")
    if path.is_symlink() and not path.exists():
        raise ExtractionError(str(path), "cannot read the file: it is a broken link")
    if path.is_dir():
        raise ExtractionError(str(path), "is a folder with a file extension, not a file")
    if not os.access(path, os.R_OK):
        raise ExtractionError(str(path), "cannot read the file: permission denied")
    if suffix == ".pdf":
        from ingest.pdf import extract_pdf

        return extract_pdf(path)
    if suffix == ".docx":
        from ingest.docx import extract_docx

        return extract_docx(path)
    return extract_text_file(path)
