"""Document metadata read from the document itself: council, committee, meeting date,
report reference, author, document type and title. Unknown stays empty (the access level
is read by ``assistant.exemption`` from the opening pages)."""

from __future__ import annotations

import re
from collections import Counter

from assistant.documents import DocumentMeta
from ingest.blocks import Block
from ingest.dates import DAY_MONTH_YEAR, find_date
from ingest.fields import (
    BODY_NAME_RE,
    BODY_RE,
    CAPS_COUNCIL_RE,
    COUNCIL_RE,
    FIELDS,
    PLAIN_COUNCIL_RE,
    REF_SEARCH_RE,
    REF_VALUE_RE,
    TOP,
    Field,
    fields,
    first_field,
    only_councils,
    smart_title,
    statements,
)
from ingest.structure import Part
from ingest.titles import appendix_title, better_title, body_title, kind_of_document


def _councils(blocks: list[Block]) -> str:
    top = [b.text for b in blocks[:12] if b.kind != "table"]
    for text in top:
        caps = CAPS_COUNCIL_RE.findall(text)
        names = caps or (COUNCIL_RE.findall(text) or PLAIN_COUNCIL_RE.findall(text)
                         if len(text) < 120 else [])
        if names:
            return "; ".join(dict.fromkeys(smart_title(n.strip()) for n in names))
    counts = Counter(
        m.strip() for _, text in statements(blocks) for m in COUNCIL_RE.findall(text)
        if not m.lower().startswith(("the ", "each ", "all ", "every ", "local ", "other "))
    )
    return counts.most_common(1)[0][0] if counts else ""


def _committee(found: list[Field], blocks: list[Block]) -> tuple[str, str]:
    """The committee and, when printed beside it, the meeting date."""
    item = first_field(found, "committee", TOP) or first_field(found, "committee")
    if item is not None:
        value = re.sub(r"^all members of (?:the )?", "", item.value, flags=re.IGNORECASE)
        value = REF_SEARCH_RE.split(value)[0].strip() or value
        when = find_date(value)
        dated = DAY_MONTH_YEAR.search(value)
        name = value[: dated.start()] if dated else value
        name = re.sub(r"[\s,–\-]*(?:\w+day)?[\s,–\-]*$", "", name).strip() or value
        if BODY_RE.search(name) or item.key != "to":
            return smart_title(name.rstrip(" ,.-–")), when or ""
    for block in blocks[:TOP]:
        match = re.search(r"minutes of (?:a|the) meeting of (?:the )?(.+?) held\b", block.text,
                          re.IGNORECASE)
        if match:
            return smart_title(match.group(1)), find_date(block.text) or ""
    for index, block in enumerate(blocks[:TOP]):
        text = block.text
        nxt = blocks[index + 1].text if index + 1 < len(blocks) else ""
        if block.kind == "text" and len(text) < 90 and BODY_NAME_RE.search(text) and \
                not only_councils(text) and \
                (index < 3 or _date_only(nxt)):
            return smart_title(text), find_date(nxt) if _date_only(nxt) else ""
    return "", ""


def _date_only(text: str) -> bool:
    return bool(find_date(text)) and len(text) < 40


def _ref(found: list[Field]) -> str:
    for key in FIELDS["ref"]:
        for item in found:
            if item.key == key:
                match = REF_VALUE_RE.match(item.value.strip()) or REF_SEARCH_RE.search(item.value)
                if match and any(ch.isdigit() for ch in match.group(1)):
                    return match.group(1).strip()
    return ""


def _author(found: list[Field]) -> str:
    item = first_field(found, "author")
    if item is None:
        return ""
    value = re.split(r"\s+(?:Tel|Telephone|Email|E-mail|Ext)\b", item.value)[0]
    return value.strip(" ,;")[:120]


def _from_margins(margins: list[str], committee: str, meeting_date: str) -> tuple[str, str]:
    """Committee and date from a running header such as "Council – Cabinet – 14 March 2024"."""
    for text in margins:
        for piece in re.split(r"\s+[–\-|]\s+", text):
            if not committee and BODY_NAME_RE.search(piece) and not only_councils(piece):
                committee = piece.strip()
            if not meeting_date and _date_only(piece):
                meeting_date = find_date(piece) or ""
    return committee, meeting_date


def read_metadata(blocks: list[Block], parts: list[Part],
                  margins: list[str] | None = None) -> tuple[str, DocumentMeta]:
    """The document's title and metadata, as far as it states them. ``margins`` are running
    header and footer texts, used only when the body does not say."""
    found = fields(blocks)
    margins = margins or []
    committee, committee_date = _committee(found, blocks)
    date_field = first_field(found, "date", TOP) or first_field(found, "date")
    meeting_date = committee_date or (
        find_date(date_field.value, allow_month_only=True) or "" if date_field else "")
    council = _councils(blocks)
    if margins and not (committee and meeting_date):
        committee, meeting_date = _from_margins(margins, committee, meeting_date)
    title = body_title(found, blocks, {committee, council})
    title = appendix_title(title, margins, first_field(found, "title", TOP) is not None)
    if not title and parts and parts[0].kind == "minutes":
        title = parts[0].title
    doc_type = kind_of_document(blocks, parts, title, margins)
    title = better_title(title, doc_type, committee, meeting_date, parts)
    meta = DocumentMeta(
        council=council,
        committee=committee,
        meeting_date=meeting_date,
        report_ref=_ref(found),
        author=_author(found),
        doc_type=doc_type,
    )
    return title, meta
