"""Dispatch a file to the extractor for its format; plain text and Markdown live here."""

from __future__ import annotations

import codecs
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ExtractionError
from ingest.pages import PageText, RawDocument

SUPPORTED_SUFFIXES = (".pdf", ".txt", ".md", ".docx")
MB = 1024 * 1024
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"))
SAMPLE = 8192  # bytes looked at to tell text from binary
INTERNAL_ERRORS = (AttributeError, TypeError, IndexError, ZeroDivisionError, AssertionError,
                   NameError)  # a library tripping over odd input: its message means nothing
CONTROLS = frozenset(chr(c) for c in [*range(0x20), *range(0x7f, 0xa0)]) - set("\t\n\r\f")


@dataclass(frozen=True)
class FileLimits:
    """What a file may be before it is refused unparsed (SCRUTINEER_MAX_FILE_MB, _MAX_PAGES)."""

    max_file_mb: float = 50
    max_pages: int = 2000


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
    if head.startswith(b"%PDF-"):
        return "a PDF"
    return "text or another format"


def short_cause(exc: BaseException) -> str:
    """A parser library's exception as a few words for a reason ("startxref not found")."""
    if isinstance(exc, RecursionError):
        return "objects nested too deeply"
    if isinstance(exc, INTERNAL_ERRORS):
        return f"unexpected structure ({type(exc).__name__})"
    if isinstance(exc, KeyError) and exc.args:
        key = str(exc.args[0])
        return key if " " in key else f"missing {key}"
    text = " ".join(str(exc).split())
    for noise in (" @", " b'", ' b"', ": b'"):  # pypdf appends offsets and raw bytes
        text = text.split(noise)[0]
    text = text.strip(" :.") or type(exc).__name__
    return text if len(text) <= 80 else text[:77] + "..."


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Unreadable files turned into one clear reason."""
    try:
        yield
    except PermissionError as exc:
        raise ExtractionError(str(path), "cannot read the file: permission denied") from exc
    except FileNotFoundError as exc:
        why = "it is a broken link" if path.is_symlink() else "it no longer exists"
        raise ExtractionError(str(path), f"cannot read the file: {why}") from exc
    except IsADirectoryError as exc:
        raise ExtractionError(str(path), "is a directory, not a file") from exc
    except OSError as exc:
        raise ExtractionError(str(path), f"cannot read the file: {exc.strerror or exc}") from exc


def read_bytes(path: Path) -> bytes:
    """The file's bytes, with unreadable files turned into one clear reason."""
    with _reading(path):
        return path.read_bytes()


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in blocks (a huge file is not held in memory)."""
    with _reading(path), path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def check_size(path: Path, limits: FileLimits) -> None:
    """Refuse a file larger than the limit before anything reads it."""
    with _reading(path):
        size = path.stat().st_size
    if size > limits.max_file_mb * MB:
        raise ExtractionError(str(path), f"is {size / MB:,.1f} MB; the limit is "
                                         f"{limits.max_file_mb:,g} MB (SCRUTINEER_MAX_FILE_MB); "
                                         "split the file or raise the limit")


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text saved without a byte order mark: ASCII letters leave every other byte 0."""
    even, odd = head[0:SAMPLE:2], head[1:SAMPLE:2]
    if len(head) < 4 or len(head) % 2:
        return None
    if odd.count(0) > 0.4 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def text_encoding(data: bytes) -> str | None:
    """The encoding of a text file's bytes, or None when they are not text."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return encoding
    head = data[:SAMPLE]
    if b"\x00" in head:
        return _utf16_without_bom(head)
    if head.startswith(b"%PDF-"):  # binary formats other than PDF hold zero bytes
        return None
    for encoding in ("utf-8", "cp1252"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    return "latin-1"


def decode_text(data: bytes) -> str:
    """Text from UTF-8 (with or without BOM), UTF-16/32, Windows-1252 or Latin-1 bytes."""
    return data.decode(text_encoding(data) or "latin-1", errors="replace")


def _looks_binary(text: str) -> bool:
    sample = text[:SAMPLE]
    return sum(ch in CONTROLS for ch in sample) > 0.1 * len(sample)


def extract_text_file(path: Path) -> RawDocument:
    """Plain text or Markdown; form feeds, when present, separate pages."""
    data = read_bytes(path)
    if not data.strip():
        raise ExtractionError(str(path), "empty file (no text)")
    encoding = text_encoding(data)
    text = decode_text(data) if encoding else ""
    if encoding is None or _looks_binary(text):
        kind = sniff(data[:1024])
        looks = f"it looks like {kind}" if kind != "text or another format" else "binary data"
        raise ExtractionError(str(path), f"not a text file ({looks}); wrong extension?")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ExtractionError(str(path), "empty file (no text)")
    chunks = text.split("\f")
    pages = tuple(PageText(number=i, text=chunk) for i, chunk in enumerate(chunks, start=1))
    return RawDocument(pages=pages, paged=len(chunks) > 1)


def extract(path: Path, limits: FileLimits | None = None) -> RawDocument:
    """Extract any supported file, or raise ExtractionError with a one-line reason."""
    limits = limits or FileLimits()
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
    check_size(path, limits)
    if suffix == ".pdf":
        from ingest.pdf import extract_pdf

        return extract_pdf(path, limits.max_pages)
    if suffix == ".docx":
        from ingest.docx import extract_docx

        return extract_docx(path)
    return extract_text_file(path)
