"""Document metadata read from the document itself: council, committee, meeting date,
report reference, author, document type and title; for a saved committee web page also from
its address and headings, and from the file's name when nothing else says. Unknown stays
empty (the access level is read by ``assistant.exemption`` from the opening pages)."""

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
from ingest.hosts import HostName, core, council_from_url
from ingest.meetings import (
    file_name_meeting,
    item_title,
    meeting_heading,
    meeting_line,
    page_kind,
)
from ingest.structure import Part
from ingest.titles import appendix_title, better_title, body_title, kind_of_document

NAME_RES = (CAPS_COUNCIL_RE, COUNCIL_RE, PLAIN_COUNCIL_RE, re.compile(
    r"\b((?:[A-Z][\w'\-]+\s+(?:and\s+)?){1,4}Combined Authority)\b"))


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


def _named_by_host(blocks: list[Block], top: str, host: HostName) -> str:
    """The council printed in the document that the site's address names ("Wiltshire Council"
    on cms.wiltshire.gov.uk), else the name read from the address ("Derbyshire")."""
    printed = [c.strip() for c in top.split(";")] + [
        smart_title(m.strip()) for _, text in statements(blocks) for pattern in NAME_RES
        for m in pattern.findall(text)]
    for name in printed:
        agreed = _agreeing(name, host)
        if agreed:
            return agreed
    return host.name


def _agreeing(printed: str, host: HostName) -> str:
    """``printed`` from the words the host names on ("Annual Worcestershire County Council" ->
    "Worcestershire County Council"), when it names the same council; else ""."""
    words = printed.split()
    letters = [re.sub(r"[^a-z]", "", w.lower()) for w in words]
    key, name = core(host.word), host.name.lower().split()
    initials = "".join(w[:1] for w in letters if w not in ("of", "and", "the", "council"))
    if key and key == initials:
        return printed
    for start in range(len(words)):
        joined = ""
        for end in range(start, len(words)):
            joined += "" if letters[end] in ("and", "the") else letters[end]
            if (len(key) >= 3 and joined == key) or letters[start:end + 1] == name:
                keep = start if start and letters[start - 1] != "of" else 0
                return " ".join(words[keep:])
    return ""


def _councils_and_alias(blocks: list[Block], source: str) -> tuple[str, str]:
    top = _councils(blocks)
    host = council_from_url(source) if source else None
    if host is None:
        return top, ""
    return _named_by_host(blocks, top, host), host.aliases


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
            return smart_title(text), (find_date(nxt) or "") if _date_only(nxt) else ""
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


def _meeting(found: list[Field], blocks: list[Block], margins: list[str]) -> tuple[str, str]:
    """The committee and meeting date: a committee site's "Meeting:" line first, then what the
    front matter, page headings and running headers say."""
    committee, meeting_date = meeting_line(blocks)
    if committee and meeting_date:
        return committee, meeting_date
    committee, committee_date = _committee(found, blocks)
    date_field = first_field(found, "date", TOP) or first_field(found, "date")
    meeting_date = committee_date or (
        find_date(date_field.value, allow_month_only=True) or "" if date_field else "")
    if not (committee and meeting_date):
        headed, headed_date = meeting_heading(blocks)
        committee, meeting_date = committee or headed, meeting_date or headed_date
    if margins and not (committee and meeting_date):
        committee, meeting_date = _from_margins(margins, committee, meeting_date)
    return committee, meeting_date


def _title(found: list[Field], blocks: list[Block], skip: set[str], source: str) -> str:
    """A saved web page of minute items is titled by what heads the page before its first
    item, else by its only item; other documents (and pages of one item that has no title)
    by what heads them."""
    items = [i for i, b in enumerate(blocks) if b.kind == "item"]
    if not source or not items:
        return body_title(found, blocks, skip)
    head = body_title([f for f in found if f.index < items[0]], blocks[:items[0]], skip)
    whole = body_title(found, blocks, skip) if len(items) == 1 else ""
    return head or item_title(blocks) or whole


def read_metadata(blocks: list[Block], parts: list[Part], margins: list[str] | None = None,
                  source: str = "", file_stem: str = "") -> tuple[str, DocumentMeta]:
    """The document's title and metadata, as far as it states them. ``margins`` are running
    header and footer texts, used only when the body does not say; ``source`` is the address
    a saved web page came from; ``file_stem`` the file's name, the last resort."""
    found = fields(blocks)
    margins = margins or []
    committee, meeting_date = _meeting(found, blocks, margins)
    council, alias = _councils_and_alias(blocks, source)
    named_council, named_committee, named_date = file_name_meeting(file_stem)
    council, committee = council or named_council, committee or named_committee
    meeting_date = meeting_date or named_date
    title = _title(found, blocks, {committee, council}, source)
    title = appendix_title(title, margins, first_field(found, "title", TOP) is not None)
    if not title and parts and parts[0].kind == "minutes":
        title = parts[0].title
    doc_type = page_kind(blocks) if source else ""
    doc_type = doc_type or kind_of_document(blocks, parts, title, margins)
    title = better_title(title, doc_type, committee, meeting_date, parts)
    meta = DocumentMeta(
        council=council,
        council_alias=alias,
        committee=committee,
        meeting_date=meeting_date,
        report_ref=_ref(found),
        author=_author(found),
        doc_type=doc_type,
        source_url=source,
    )
    return title, meta
