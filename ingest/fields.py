"""The "Key: value" statements of a document's front matter, and the patterns that name
councils and committees."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.blocks import Block

TOP = 40  # front matter lives in the first blocks
COUNCIL_RE = re.compile(
    r"\b((?:London Borough of|Royal Borough of|City of)\s+[A-Z][\w'\-]+(?:\s+(?:and|upon|on)?"
    r"\s*[A-Z][\w'\-]+)*|(?:[A-Z][\w'\-]+\s+){1,4}?(?:County|District|Borough|City|Metropolitan"
    r" Borough|Town|Parish|Unitary)\s+Council)\b")
PLAIN_COUNCIL_RE = re.compile(r"\b(?!(?:County|City|Borough|District|Town|Parish|Full|The|This|"
                              r"Each|Every|Local|Cabinet)\b)([A-Z][a-z'\-]+(?: [A-Z][a-z'\-]+)?"
                              r" Council)\b")
CAPS_COUNCIL_RE = re.compile(r"\b((?:[A-Z][A-Z'\-]+\s+){1,4}?(?:COUNTY|DISTRICT|BOROUGH|CITY)"
                             r"\s+COUNCIL)\b")
BODY_RE = re.compile(r"\b(committee|cabinet|council|panel|board|executive|scrutiny|partnership|"
                     r"forum|oscom|assembly)\b", re.IGNORECASE)
BODY_NAME_RE = re.compile(r"\b(committee|cabinet|council|panel|board|executive|forum|assembly|"
                          r"oscom)\s*(\([^)]*\))?\s*$", re.IGNORECASE)
REF_VALUE_RE = re.compile(r"^([A-Z]{0,6}[ /\-]?\d[\w/\-.]*\d|[A-Z]{1,6}/\d+(?:/\d+)*)", re.I)
FIELDS = {
    "committee": ("committee name", "committee", "meeting", "decision maker",
                  "decision to be taken by", "report to", "to", "meeting of"),
    "date": ("date of meeting", "meeting date", "date and time", "date of decision", "date"),
    "ref": ("report number", "report no", "report ref", "report reference", "decision number",
            "decision no", "decision ref", "key decision no", "reference", "ref"),
    "author": ("report author", "author", "officer", "contact officer", "lead officer",
               "contact name", "contact details", "authorship", "contact", "report of"),
    "classification": ("classification", "confidentiality", "status", "for publication",
                       "exempt"),  # read for access by assistant.exemption; keys kept as keys
    "title": ("title of report", "report title", "title of decision", "subject", "title"),
}
KNOWN_KEYS = {key for keys in FIELDS.values() for key in keys}
ALL_KEYS = KNOWN_KEYS - {"to", "date", "status", "title"}
KEY_ONLY_RE = re.compile(r"(?:[A-Za-z][A-Za-z /()]{1,30}:\s*)+")
REF_SEARCH_RE = re.compile(r"\b(\d{2}/\d{3,5}|[A-Z]{2,6}/\d{1,4}/\d{1,4}|[A-Z]{2,6}/\d{2,4})\b")
GENERIC_BODIES = {"cabinet", "council", "executive", "board", "panel", "committee"}
SMALL_WORDS = {"of", "and", "the", "for", "in", "on", "to", "a", "an", "with", "by", "at", "or"}


@dataclass(frozen=True)
class Field:
    """One "Key: value" statement found in the document."""

    key: str
    value: str
    index: int  # block index, to prefer what is printed first


def smart_title(text: str) -> str:
    """Title-case ALL-CAPS text, keeping acronyms in brackets and small words lower."""
    if not text.isupper() or (len(text.split()) == 1 and text.lower() not in GENERIC_BODIES):
        return text
    words = []
    for i, word in enumerate(text.split()):
        if word.startswith("(") or any(ch.isdigit() for ch in word):
            words.append(word)
        elif i and word.lower() in SMALL_WORDS:
            words.append(word.lower())
        else:
            words.append(word.capitalize())
    return " ".join(words)


def statements(blocks: list[Block]) -> list[tuple[int, str]]:
    """Text of blocks and table cells, with "Key:" cells joined to the value beside them."""
    out: list[tuple[int, str]] = []
    for index, block in enumerate(blocks):
        if block.kind == "table":
            for _, cells in block.rows:
                filled = [c for c in cells if c]
                i = 0
                while i < len(filled):
                    cell = filled[i]
                    if cell.endswith(":") and i + 1 < len(filled):
                        out.append((index, f"{cell} {filled[i + 1]}"))
                        i += 2
                        continue
                    out.append((index, cell))
                    i += 1
        elif block.kind != "stamp":
            text = f"{block.label} {block.text}" if block.kind == "numbered" else block.text
            out.append((index, text))
    return out


def fields(blocks: list[Block]) -> list[Field]:
    """Every "Key: value" statement whose key is one we know, in document order."""
    found_statements = statements(blocks)
    found: list[Field] = []
    for position, (index, text) in enumerate(found_statements):
        following = found_statements[position + 1][1] \
            if position + 1 < len(found_statements) else ""
        bare = text.strip().rstrip(":").split("/")[-1].strip().lower()
        if bare in ALL_KEYS and following:
            found.append(Field(bare, _clean_value(following), index))
            continue
        for match in re.finditer(r"(?:^|\s{2,}|\t)([A-Za-z][A-Za-z /()]{1,30}?)\s*:\s*", text):
            key = match.group(1).strip().lower()
            if key not in KNOWN_KEYS:
                continue
            value = re.split(r"\s{2,}[A-Z][A-Za-z ]{1,30}:\s", text[match.end():])[0].strip()
            if KEY_ONLY_RE.fullmatch(value):
                value = ""  # two keys side by side ("DECISION TO BE TAKEN BY: DECISION NO:")
            value = _clean_value(value or following)
            if value:
                found.append(Field(key, value, index))
    return found


def _clean_value(value: str) -> str:
    """Drop a dangling key that a wrapped line pulled onto the end of a value."""
    return re.sub(r"\s+[A-Z][A-Za-z ()]{0,30}:$", "", value.strip()).strip()


def first_field(found: list[Field], kind: str, limit: int = 10_000) -> Field | None:
    for key in FIELDS[kind]:
        for item in found:
            if item.key == key and item.index < limit:
                return item
    return None


def only_councils(text: str) -> bool:
    rest = PLAIN_COUNCIL_RE.sub("", CAPS_COUNCIL_RE.sub("", COUNCIL_RE.sub("", text)))
    return len(re.sub(r"\b(and|the)\b|[\W_]", "", rest, flags=re.IGNORECASE)) < 3
