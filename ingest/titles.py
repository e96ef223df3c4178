"""What kind of document it is and what it is called."""

from __future__ import annotations

import re

from assistant.exemption import carried_level
from ingest.blocks import Block, heading_like
from ingest.dates import find_date, readable
from ingest.fields import (
    BODY_NAME_RE,
    TOP,
    Field,
    first_field,
    only_councils,
    smart_title,
)
from ingest.meetings import furniture
from ingest.structure import Part


def kind_of_document(blocks: list[Block], parts: list[Part], title: str,
              margins: list[str] | None = None) -> str:
    head = " ".join([*(margins or [])[:1], *(b.text for b in blocks[:6])]).lower()
    top = " ".join([*(margins or [])[:1], *(b.text for b in blocks[:2])]).lower()
    kinds = {p.kind for p in parts}
    if (len(parts) >= 2 and len(kinds | {"x"}) >= 3) or any(b.kind == "stamp" for b in blocks):
        return "agenda pack"
    if "record of decision" in head or "decision notice" in head:
        return "decision record"
    if re.search(r"\bminutes\b", head) or (parts and parts[0].kind == "minutes"):
        return "minutes"
    if (parts and parts[0].kind == "agenda") or re.match(r"^(summons to and )?agenda\b", head):
        return "agenda"
    if re.match(r"^(appendix|annex)\b", top):
        return "appendix"
    if "impact assessment" in top or "eqia" in top:
        return "assessment"
    if re.search(r"decision report|purpose of (this )?report|report number|title of report|"
                 r"subject:|decision (?:number|no)|report of the|recommended:", head):
        return "report"
    lowered = title.lower()
    if "action plan" in lowered or "progress update" in lowered or "delivery plan" in lowered:
        return "action plan"
    if "strategy" in lowered:
        return "strategy"
    if re.search(r"purpose of (this )?report|report number|decision report|title of report|"
                 r"subject:|recommendation", " ".join(b.text for b in blocks[:TOP]).lower()):
        return "report"
    return ""


def body_title(found: list[Field], blocks: list[Block], skip: set[str]) -> str:
    item = first_field(found, "title", TOP)
    if item is not None:
        return smart_title(item.value)[:200]
    for block in blocks[:15]:
        text = block.text
        if block.kind not in ("text", "heading") or text in skip or (find_date(text) and \
                len(text) < 40) or only_councils(text) or re.match(r"^[\w /()]{2,30}:\s*\S", text):
            continue
        if re.match(r"^(decision report|report|agenda|minutes|from|to|page)\b", text, re.I) \
                or furniture(text):
            continue
        if carried_level(text) != "public":  # "EXEMPT INFORMATION - NOT FOR PUBLICATION"
            continue
        if heading_like(text) or (text.isupper() and len(text) < 160):
            return smart_title(text.rstrip(":"))
    return ""


def appendix_title(title: str, margins: list[str], stated: bool) -> str:
    """An appendix names itself in its running header ("Appendix G", "APPENDIX B - CAPITAL
    INVESTMENT SUMMARY"); join that with the title found in the body."""
    if not margins:
        return title
    header = margins[0]
    match = re.match(r"^((?:appendix|annex)\s+\w{1,2})\b[\s:.\-–—]*(.*)$", header, re.I)
    if match is None:
        return title or ("" if BODY_NAME_RE.search(header) else smart_title(header))
    label, rest = smart_title(match.group(1)), match.group(2).strip()
    if stated or title.lower().startswith(("appendix", "annex")):
        return title
    if rest and not title:
        return smart_title(header)
    if rest:
        return f"{label} – {smart_title(rest)}"
    return f"{label} – {title}" if title else label


def better_title(title: str, doc_type: str, committee: str, meeting_date: str,
                  parts: list[Part]) -> str:
    """Minutes titled only by their committee, and packs titled by a covering letter's
    greeting, get a title from what the document says about its meeting."""
    when = f" held on {readable(meeting_date)}" if meeting_date else ""
    if doc_type == "minutes" and committee and title.lower() in ("", committee.lower()):
        return f"Minutes of the {committee} meeting{when}"
    if doc_type == "agenda pack" and (not title or title.lower().startswith("dear ")):
        reports = [p.title.removeprefix("Report: ") for p in parts if p.title.startswith(
            "Report: ")]
        if reports:
            return reports[0]
        if committee:
            return f"{committee} agenda pack{' for ' + readable(meeting_date) if when else ''}"
    return title
