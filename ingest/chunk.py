"""Units to paragraphs: stable ids, and long paragraphs split into parts with one label."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

from assistant.documents import Paragraph
from ingest.structure import Unit

CHUNKER_VERSION = "5"  # 5: identity from web addresses, headings, file names; minute numbers
SENTENCE_END_RE = re.compile(r"(?<=[.!?;])\s+(?=[A-Z(\"'‘“•\d])")


def document_id(path: Path) -> str:
    """Stable for the same file path: a readable slug of the name plus a short path hash."""
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")[:48].strip("-") or "doc"
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:8]
    return f"{slug}-{digest}"


def _pieces(text: str, limit: int) -> list[tuple[str, bool]]:
    """Break text into pieces no longer than ``limit``: lines, then sentences, then words.
    Each piece says whether it starts a new line in the original."""
    out: list[tuple[str, bool]] = []
    for line in text.split("\n"):
        first = True
        for sentence in [line] if len(line) <= limit else SENTENCE_END_RE.split(line):
            while len(sentence) > limit:
                cut = sentence.rfind(" ", 0, limit)
                cut = cut if cut > limit // 2 else limit
                out.append((sentence[:cut], first))
                sentence, first = sentence[cut:].lstrip(), False
            out.append((sentence, first))
            first = False
    return [(p, new_line) for p, new_line in out if p.strip()]


def split_text(text: str, limit: int) -> list[str]:
    """Consecutive parts of at most about ``limit`` characters, cut at line or sentence ends;
    line breaks inside a part are kept."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for piece, new_line in _pieces(text, limit):
        if current and len(current) + len(piece) + 1 > limit:
            parts.append(current)
            current = piece
        else:
            current = f"{current}{chr(10) if new_line else ' '}{piece}" if current else piece
    if current:
        parts.append(current)
    return _balance(parts, limit)


def _balance(parts: list[str], limit: int) -> list[str]:
    """Fold a tiny last part back into the one before it."""
    if len(parts) > 1 and len(parts[-1]) < limit // 5:
        tail = parts.pop()
        parts[-1] = f"{parts[-1]}\n{tail}"
    return parts


def _split_unit(unit: Unit, limit: int) -> list[str]:
    """A long table row repeats its key cells (priority, action, lead) in every part."""
    text = unit.text
    if unit.kind != "table_row" or len(text) <= limit or "\n" not in text:
        return split_text(text, limit)
    keys, _, body = text.rpartition("\n")
    name, sep, value = body.partition(": ")
    prefix = f"{keys}\n{name}{sep}" if sep else f"{keys}\n"
    value = value if sep else body
    return [prefix + part for part in split_text(value, max(limit - len(prefix), limit // 3))]


def to_paragraphs(doc_id: str, units: list[Unit], max_chars: int) -> list[Paragraph]:
    """Paragraphs with ids that stay the same when the same file is ingested again."""
    seen: Counter[str] = Counter()
    paragraphs: list[Paragraph] = []
    for index, unit in enumerate(units, start=1):
        base = unit.label or f"u{index}"
        seen[base] += 1
        key = base if seen[base] == 1 else f"{base}@{seen[base]}"
        texts = _split_unit(unit, max_chars)
        for part, text in enumerate(texts, start=1):
            suffix = f"~{part}" if len(texts) > 1 else ""
            paragraphs.append(
                Paragraph(
                    para_id=f"{doc_id}#{key}{suffix}",
                    doc_id=doc_id,
                    ordinal=len(paragraphs),
                    text=text,
                    label=unit.label,
                    part=part,
                    parts=len(texts),
                    page=unit.page,
                    heading_path=unit.heading_path,
                    part_title=unit.part_title,
                    kind=unit.kind,
                )
            )
    return paragraphs
