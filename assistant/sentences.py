"""Paragraphs into the units an extractive answer quotes: sentences, list items, lead-ins
and sub-headings, each at its exact place in the paragraph text."""

from __future__ import annotations

import re
from dataclasses import dataclass

ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "Mr.", "Mrs.", "Ms.", "Dr.", "St.", "No.", "Cllr.",
                 "approx.", "para.", "vs.", "Co.", "Ltd.", "Nos.", "cf.")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9“\"(‘'£])")
ITEM_RE = re.compile(r"^(?:•\s*|[a-z]{1,4}[.)]\s+|\([a-z0-9]{1,4}\)\s+|[A-Z][.)]\s+)")


@dataclass(frozen=True)
class Unit:
    """A quotable piece of a paragraph: ``start``/``end`` index its text exactly."""

    text: str
    kind: str  # sentence | item | lead | subheading
    start: int
    end: int
    position: int  # order within the paragraph


def _sentences(line: str, offset: int) -> list[tuple[str, int, int]]:
    pieces: list[tuple[str, int, int]] = []
    start = 0
    for match in SENTENCE_END.finditer(line):
        candidate = line[start: match.start() + 1].rstrip()
        if candidate.endswith(ABBREVIATIONS) or len(candidate) < 12:
            continue
        pieces.append((candidate, offset + start, offset + start + len(candidate)))
        start = match.end()
    rest = line[start:].rstrip()
    if rest:
        pieces.append((rest, offset + start, offset + start + len(rest)))
    return pieces


def units(text: str) -> list[Unit]:
    """The quotable units of a paragraph, in order."""
    out: list[Unit] = []
    offset = 0
    lines = text.split("\n")
    for index, line in enumerate(lines):
        stripped = line.strip()
        begin = offset + (len(line) - len(line.lstrip()))
        if stripped:
            marker = ITEM_RE.match(stripped)
            following = lines[index + 1].strip() if index + 1 < len(lines) else ""
            next_is_item = bool(ITEM_RE.match(following))
            if marker:
                body = stripped[marker.end():]
                out.append(Unit(body, "item", begin + marker.end(), begin + len(stripped),
                                len(out)))
            elif next_is_item and (stripped.endswith(":") or len(stripped.split()) <= 8):
                opening = stripped.endswith(":") and (not out or len(stripped.split()) > 8)
                kind = "lead" if opening else "subheading"
                out.append(Unit(stripped, kind, begin, begin + len(stripped), len(out)))
            else:
                for sentence, start, end in _sentences(stripped, begin):
                    kind = "lead" if sentence.endswith(":") and next_is_item else "sentence"
                    out.append(Unit(sentence, kind, start, end, len(out)))
        offset += len(line) + 1
    return out
