"""Uploaded files saved into ``DATA_DIR/uploads`` safely: names that cannot leave the folder,
supported types whose bytes match their extension, a size limit, and no file of a batch
overwriting another. Archives are refused: people upload the documents inside them."""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import Settings
from ingest.formats import SUPPORTED_SUFFIXES, sniff

MAX_NAME_BYTES = 150  # well under the 255 bytes most file systems allow
DOCX_EXPANSION = 20  # a .docx may unpack to at most this many times the file size limit
ARCHIVES = (".zip", ".7z", ".rar", ".tar", ".gz", ".tgz", ".bz2", ".xz")
KINDS = "PDF, Word (.docx), text (.txt) or Markdown (.md)"


@dataclass(frozen=True)
class Refused:
    """An upload that was not saved: its name as uploaded (printable) and why."""

    name: str
    reason: str


@dataclass(frozen=True)
class Uploads:
    """What became of a batch of uploads."""

    saved: tuple[Path, ...]
    refused: tuple[Refused, ...]


def safe_name(name: str) -> str:
    """The last component of ``name`` with only letters, digits, spaces and ``._()-`` left,
    a lower-case extension, and no leading dots: it cannot climb out of a folder."""
    text = unicodedata.normalize("NFKC", name)  # full-width ／ and ． become / and .
    base = re.split(r"[\\/]", "".join(c for c in text if c.isprintable()))[-1]
    base = " ".join(base.split()).rstrip(" .")  # a leading dot may start the extension
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    clean = re.sub(r"[^\w .()-]+", "_", stem).strip(" ._") or "upload"
    clean = clean.encode()[:MAX_NAME_BYTES].decode(errors="ignore").rstrip(" .")
    suffix = re.sub(r"[^\w]+", "", suffix).lower()
    return f"{clean}.{suffix}" if suffix else clean


def printable(name: str, limit: int = 80) -> str:
    """An uploaded name as it can be shown: no control characters, not too long."""
    shown = "".join(c if c.isprintable() else "?" for c in name)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _pdf(data: bytes, max_bytes: int) -> str:
    if b"%PDF-" in data[:1024]:  # readers accept a little junk before the header
        return ""
    return f"the content is not a PDF (it looks like {sniff(data[:64])}): the extension is wrong"


def _docx(data: bytes, max_bytes: int) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return (f"the content is not a Word .docx document (it looks like {sniff(data[:64])}): "
                f"save it from Word as .docx")
    if not any(m.filename == "word/document.xml" for m in members):
        return "the content is not a Word .docx document (a ZIP without word/document.xml)"
    unpacked = sum(m.file_size for m in members)
    if unpacked > DOCX_EXPANSION * max_bytes:
        return (f"a .docx that unpacks to {unpacked / 2**20:.0f} MB, more than "
                f"{DOCX_EXPANSION} times the size limit: save it again from Word")
    return ""


def _text(data: bytes, max_bytes: int) -> str:
    readable = b"\x00" not in data and any(_decodes(data, e) for e in ("utf-8-sig", "cp1252"))
    return "" if readable else ("the content is not plain text (it has binary data, or is "
                                "UTF-16): save it as UTF-8 text")


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


CHECKS: dict[str, Callable[[bytes, int], str]] = {
    ".pdf": _pdf, ".docx": _docx, ".txt": _text, ".md": _text}


def problem(name: str, data: bytes, max_mb: float) -> str:
    """Why the file ``name`` (already made safe) with these bytes cannot be ingested, or ""."""
    suffix = Path(name).suffix
    size_mb = len(data) / 2**20
    if suffix in ARCHIVES:
        return f"an archive ({suffix}): unpack it and upload the documents inside it"
    if suffix not in SUPPORTED_SUFFIXES:
        return f"unsupported file type {suffix or '(no extension)'}: upload {KINDS} files"
    if size_mb > max_mb:
        return f"{size_mb:.1f} MB, larger than the {max_mb:g} MB limit: split the document"
    if not data:
        return "empty file (0 bytes)"
    check = CHECKS.get(suffix)
    return check(data, int(max_mb * 2**20)) if check else ""


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``stem (2).pdf``, ``stem (3).pdf``… when another file of the batch has it
    (compared without case, as some file systems do)."""
    path, candidate, number = Path(name), name, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{path.stem} ({number}){path.suffix}"
    taken.add(candidate.casefold())
    return candidate


def _write(folder: Path, name: str, data: bytes) -> Path:
    """Write ``folder/name`` atomically: a temporary file, then a rename (which replaces a link
    rather than writing through it). ``folder`` is resolved; the path must stay inside it."""
    path = folder / name
    if path.name != name or name in (".", "..") or path.parent.resolve() != folder:
        raise ValueError(name)  # never for a safe_name
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def save_uploads(files: Iterable[tuple[str, bytes]], settings: Settings) -> Uploads:
    """Save each (name, bytes) upload that can be ingested into ``data_dir/uploads``. A file of
    an earlier batch with the same name is replaced (a revised report updates its document);
    two of one batch with the same name are both kept, unless their bytes are identical."""
    folder = settings.data_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    folder = folder.resolve()
    saved: list[Path] = []
    refused: list[Refused] = []
    taken: set[str] = set()
    seen: dict[str, str] = {}  # content hash -> saved name
    for name, data in files:
        clean = safe_name(name)
        digest = hashlib.sha256(data).hexdigest()
        reason = problem(clean, data, settings.max_file_mb)
        if not reason and digest in seen:
            reason = f"the same file as {seen[digest]}, uploaded twice"
        if not reason:
            try:
                path = _write(folder, _unique(clean, taken), data)
            except ValueError:
                reason = "this file name cannot be used: rename the file and upload it again"
            except OSError as exc:
                reason = f"could not be saved ({exc.strerror or exc}): try again"
            else:
                seen[digest] = path.name
                saved.append(path)
                continue
        refused.append(Refused(printable(name), reason))
    return Uploads(tuple(saved), tuple(refused))
