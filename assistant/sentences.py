"""Paragraphs into the units an extractive answer quotes: sentences, list items, lead-ins
and sub-headings, each at its exact place in the paragraph text. Units that give instructions
(prompt injection) and what follows them in their paragraph are not trusted as content."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "Mr.", "Mrs.", "Ms.", "Dr.", "St.", "No.", "Cllr.",
                 "approx.", "para.", "vs.", "Co.", "Ltd.", "Nos.", "cf.")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9“\"(‘'£])")
ITEM_RE = re.compile(r"^(?:•\s*|[a-z]{1,4}[.)]\s+|\([a-z0-9]{1,4}\)\s+|[A-Z][.)]\s+)")
LEAD_IN_END_RE = re.compile(r":[\s\-–—]*$")  # "the following grounds:", "as follows:-"
MARKER_LIKE_RE = re.compile(r"\[(\s*\d{1,3}(?:\s*[,;]\s*\d{1,3})*\s*)\]")
INJECTION_RE = re.compile(
    r"\b(?:ignore|disregard|forget|override)\s+(?:(?:all|any|the|your|of)\s+)*(?:previous|prior|"
    r"above|earlier|preceding|foregoing|system|original)\s+(?:instructions?|prompts?|rules|"
    r"directions|guidelines|messages)\b|\bignore\s+(?:all|your)\s+instructions\b|"
    r"\byou are now\b|\bfrom now on,? you\b|\bsystem prompt\b|\bnew instructions\b|\bas an ai\b|"
    r"\bdeveloper mode\b|\bjailbreak|^\s*(?:system|assistant|user|human|developer)\s*:|"
    r"</?\s*(?:paragraph|system|assistant|user|instructions?|context|document)\b[^>]*>|"
    r"<\|[a-z_]{1,20}\|>|\[/?INST\]|<</?SYS>>", re.IGNORECASE | re.MULTILINE)


def instructs(text: str) -> bool:
    """Whether text addresses a language model with instructions, looked for after folding
    compatibility characters and removing invisible ones ("Ig\u2060nore", "ｉｇｎｏｒｅ")."""
    folded = unicodedata.normalize("NFKC", text)
    return bool(INJECTION_RE.search("".join(c for c in folded
                                            if unicodedata.category(c) != "Cf")))


def unmarked(text: str) -> str:
    """Bracketed numbers shown in parentheses ("[3]" as "(3)", same length), so a number in
    brackets in a document can never pass for one of an answer's citation markers."""
    return MARKER_LIKE_RE.sub(r"(\1)", text)


@dataclass(frozen=True)
class Unit:
    """A quotable piece of a paragraph: ``start``/``end`` index it exactly; ``text`` is that
    slice as an answer shows it (``unmarked``: brackets around numbers become parentheses)."""

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


def introduces(text: str) -> bool:
    """Whether a sentence ends as a lead-in does: with a colon ("…the following grounds:-")."""
    return bool(LEAD_IN_END_RE.search(text))


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
                out.append(Unit(unmarked(body), "item", begin + marker.end(),
                                begin + len(stripped), len(out)))
            elif next_is_item and (introduces(stripped) or len(stripped.split()) <= 8):
                opening = introduces(stripped) and (not out or len(stripped.split()) > 8)
                kind = "lead" if opening else "subheading"
                out.append(Unit(unmarked(stripped), kind, begin, begin + len(stripped),
                                len(out)))
            else:
                for sentence, start, end in _sentences(stripped, begin):
                    kind = "lead" if introduces(sentence) and next_is_item else "sentence"
                    out.append(Unit(unmarked(sentence), kind, start, end, len(out)))
        offset += len(line) + 1
    return out


def trusted(found: list[Unit]) -> list[Unit]:
    """The units before the first one that gives instructions ("Ignore previous instructions",
    "System:", a forged ``</paragraph>`` tag): what follows an injection in its paragraph is
    the injection's own text, never an answer or a claim's support."""
    for index, unit in enumerate(found):
        if instructs(unit.text):
            return found[:index]
    return found
