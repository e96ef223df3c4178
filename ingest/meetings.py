"""The meeting a saved committee web page records: its "Source: <URL>" line, ModernGov
headings ("Meeting: 04/11/2024 - Overview and Scrutiny Committee (Item 116)", "Decided at
meeting:", "Cabinet - Tuesday, 5th September, 2023 10.00 am"), what kind of page it is, and
the page furniture that is no title ("Issue - meetings", "Decision details")."""

from __future__ import annotations

import re

from ingest.blocks import Block
from ingest.dates import DAY_MONTH_YEAR, MONTH_DAY_YEAR, NUMERIC, find_date
from ingest.fields import (
    BODY_NAME_RE,
    COUNCIL_RE,
    PLAIN_COUNCIL_RE,
    SMALL_WORDS,
    smart_title,
)

SOURCE_RE = re.compile(r"^(?:source|source url|url|saved from|retrieved from)\s*:\s*"
                       r"<?(https?://\S+?)>?$", re.IGNORECASE)
MEETING_RE = re.compile(r"^(?:meeting|decided at meeting)\s*:\s*(\d{1,2}/\d{1,2}/\d{2,4})\s*"
                        r"[-–]\s*(.+?)\s*(?:\(item\s+[\w.]+\))?\s*$", re.IGNORECASE)
BODY_DATE_RE = re.compile(r"^(.{3,150}?)\s+[-–]\s+(.+)$")  # "Cabinet - Tuesday, 5th March 2024"
BODY_DECISION_RE = re.compile(r"^([A-Za-z ,&]{3,60}?)\s+decision\s*:\s*(.+)$",
                              re.IGNORECASE | re.DOTALL)  # "Cabinet Decision: 29th Nov 2012"
DATE_FIRST_RE = re.compile(r"^(\d{1,2}/\d{1,2}/\d{4})\s+[-–]\s+\S")  # "03/03/2022 - Review…"
HELD_ON_RE = re.compile(r"^minutes of (?:a|the) meeting held (?:on )?(.+)$", re.IGNORECASE)
FURNITURE_RE = re.compile(
    r"^(?:agenda item|agenda items?|issue - (?:meetings|decisions|items at meetings\b.*)|"
    r"decision details|additional documents|supporting documents|agenda(?:,| and) "
    r"(?:decisions and )?(?:draft )?minutes|agendas, meetings and minutes\b.*|agenda item - .*|"
    r"browse|media|items|no\.? \|? ?item\b.*|in this section|share this|council and councillors|"
    r"(?:[a-z] ){10,}[a-z]|minutes|decision|purpose|reasons?|view .* decision record|resolved"
    r"(?: that)?|purpose of (?:the )?report|reasons? for (?:the )?decision|recommendations?|"
    r"[\w ]{2,40}\?\s*:.*)\s*:?$", re.IGNORECASE)
HEAD = 10  # the page's own headings come first


def source_url(blocks: list[Block]) -> tuple[str, list[Block]]:
    """The address a saved page came from ("Source: <URL>" on its first lines) and the blocks
    without that line; ("", blocks) when it names none."""
    for index, block in enumerate(blocks[:3]):
        match = SOURCE_RE.match(block.text.strip()) if block.kind == "text" else None
        if match:
            return match.group(1), blocks[:index] + blocks[index + 1:]
    return "", blocks


def furniture(text: str) -> bool:
    """Page furniture of a committee site: a heading that names no document."""
    return bool(FURNITURE_RE.match(text.strip()))


def _meeting_line(text: str) -> tuple[str, str] | None:
    """(committee, ISO date) from "Meeting: 27/07/2010 - Cabinet (Item 116)"."""
    match = MEETING_RE.match(text)
    when = find_date(match.group(1)) if match else None
    return (smart_title(match.group(2).strip(" ,.-–")), when) if match and when else None


def _heading_line(text: str) -> tuple[str, str] | None:
    """(committee, ISO date) from a page heading naming its meeting: "Communities Committee -
    Thursday, 13th October, 2016 10.00 am", "Cabinet Decision: 29th November 2012"."""
    for pattern in (BODY_DATE_RE, BODY_DECISION_RE):
        match = pattern.match(text)
        if match is None or (pattern is BODY_DATE_RE and len(text) > 200):
            continue
        body, rest = match.group(1).strip(" ,"), match.group(2)
        when = find_date(rest if pattern is BODY_DATE_RE else rest[:40])
        if when and BODY_NAME_RE.search(body) and not re.match(r"(minutes|agenda)\b", body,
                                                               re.IGNORECASE):
            return smart_title(body), when
    return None


def meeting_line(blocks: list[Block]) -> tuple[str, str]:
    """(committee, ISO date) from the first "Meeting: <date> - <committee> (Item N)" or
    "Decided at meeting:" line, which names the meeting whatever else the page says."""
    for block in blocks:
        found = _meeting_line(block.text) if block.kind in ("text", "item") else None
        if found:
            return found
    return "", ""


def meeting_heading(blocks: list[Block]) -> tuple[str, str]:
    """(committee, ISO date) from a page heading naming its meeting ("Cabinet - Tuesday, 5th
    March 2024", "Minutes of a meeting held on 22nd May, 2013"); ("", "") when none does."""
    for block in blocks[:HEAD]:
        found = _heading_line(block.text) if block.kind == "text" else None
        if found:
            return found
    for block in blocks[:HEAD]:
        held = HELD_ON_RE.match(block.text) or DATE_FIRST_RE.match(block.text)
        when = find_date(block.text) if held and block.kind == "text" else None
        if when:
            return "", when
    return "", ""


def item_title(blocks: list[Block]) -> str:
    """The title of a page holding one numbered minute item: the item's own heading."""
    items = [b for b in blocks if b.kind == "item"]
    if len(items) != 1 or MEETING_RE.match(items[0].text):
        return ""
    return re.sub(r"^\(?[\dIVX]{1,4}[.)]?\s+", "", items[0].text).strip()


def page_kind(blocks: list[Block]) -> str:
    """What a committee site's page records, where its headings say: "minutes", "decision
    record" or "agenda item"; "" when they do not."""
    head = " ".join(b.text for b in blocks[:4]).lower()
    texts = {b.text.strip().lower() for b in blocks}
    if re.search(r"decision details|issue - decisions|decision record", head) or \
            (any(t.startswith("decision maker:") for t in texts) and "minutes:" not in texts):
        return "decision record"
    if "minutes:" in texts or re.search(r"\bminutes\b|issue - (?:items at )?meetings", head):
        return "minutes"
    if "agenda item" in texts:
        return "agenda item"  # a committee site's page for one item, its minutes not marked
    return ""


MEETING_WORD_RE = re.compile(r"\b(?:minutes|agenda|meeting|decisions)\b", re.IGNORECASE)
DASHED_RE = re.compile(r"(?<!\d)(\d{1,2})-(\d{1,2})-(\d{4})(?!\d)")  # "12-03-2024" in a name
ISO_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)([-_.]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])"
                    r"(?!\d)")  # "2024-03-12", "20240312"
NAME_NOISE_RE = re.compile(r"\b(?:printed|draft|final|signed|public|minutes?|agenda|pack|"
                           r"reports?|decisions?|notice|papers?|item|v\d+|front ?sheet|"
                           r"supplementary|summons|\d{1,2}[.:]\d\d|am|pm|"
                           r"(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b", re.IGNORECASE)


def file_name_meeting(stem: str) -> tuple[str, str, str]:
    """(council, committee, ISO date) a file's name states ("2024-03-12 Cabinet minutes",
    "Printed minutes 30th-Jan-2025 10.00 Cabinet"): only a date beside a body or the word
    minutes, agenda or meeting (a date alone may be a letter's); "" where it does not."""
    text = re.sub(r"[_+]+", " ", stem)
    iso = ISO_RE.search(text)
    when = "-".join(iso.group(1, 3, 4)) if iso else \
        find_date(DASHED_RE.sub(r"\1/\2/\3", text)) or ""
    rest = ISO_RE.sub(" ", text) if iso else _without_date(DASHED_RE.sub(" ", text))
    rest = " ".join(NAME_NOISE_RE.sub(" ", rest.replace("-", " ")).split()).strip(" ,.")
    if rest.islower():
        rest = " ".join(w if w in SMALL_WORDS else w.capitalize() for w in rest.split())
    named = bool(BODY_NAME_RE.search(rest)) and len(rest.split()) <= 6 and \
        not re.search(r"\d", rest)
    if not when or not (named or MEETING_WORD_RE.search(text)):
        return "", "", ""
    council = (COUNCIL_RE.findall(rest) or PLAIN_COUNCIL_RE.findall(rest) or [""])[0]
    body = rest.replace(council, " ").strip(" ,.-") if council else rest
    return council, smart_title(body) if named and BODY_NAME_RE.search(body) else "", when


def _without_date(text: str) -> str:
    for pattern in (DAY_MONTH_YEAR, MONTH_DAY_YEAR, NUMERIC):
        text = pattern.sub(" ", text)
    return text
