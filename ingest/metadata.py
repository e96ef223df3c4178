"""Document metadata read from the document itself: council, committee, meeting date,
report reference, author, document type, title and exempt status. Unknown stays empty."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from assistant.documents import DocumentMeta
from ingest.blocks import Block, heading_like
from ingest.dates import DAY_MONTH_YEAR, find_date, readable
from ingest.structure import Part

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
                       "exempt"),
    "title": ("title of report", "report title", "title of decision", "subject", "title"),
}
KNOWN_KEYS = {key for keys in FIELDS.values() for key in keys}
ALL_KEYS = KNOWN_KEYS - {"to", "date", "status", "title"}
KEY_ONLY_RE = re.compile(r"(?:[A-Za-z][A-Za-z /()]{1,30}:\s*)+")
REF_SEARCH_RE = re.compile(r"\b(\d{2}/\d{3,5}|[A-Z]{2,6}/\d{1,4}/\d{1,4}|[A-Z]{2,6}/\d{2,4})\b")
EXEMPT_RE = re.compile(r"^(?:exempt|not for publication|confidential|restricted|part (?:ii|2))\b"
                       r"|\bcontains? exempt information\b", re.IGNORECASE)
NOT_EXEMPT_RE = re.compile(r"\b(?:does not|do not|doesn't) contain (?:any )?exempt information\b"
                           r"|\bnon-exempt\b", re.IGNORECASE)
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


def _statements(blocks: list[Block]) -> list[tuple[int, str]]:
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
    statements = _statements(blocks)
    found: list[Field] = []
    for position, (index, text) in enumerate(statements):
        following = statements[position + 1][1] if position + 1 < len(statements) else ""
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


def _first(found: list[Field], kind: str, limit: int = 10_000) -> Field | None:
    for key in FIELDS[kind]:
        for item in found:
            if item.key == key and item.index < limit:
                return item
    return None


def _councils(blocks: list[Block]) -> str:
    top = [b.text for b in blocks[:12] if b.kind != "table"]
    for text in top:
        caps = CAPS_COUNCIL_RE.findall(text)
        names = caps or (COUNCIL_RE.findall(text) or PLAIN_COUNCIL_RE.findall(text)
                         if len(text) < 120 else [])
        if names:
            return "; ".join(dict.fromkeys(smart_title(n.strip()) for n in names))
    counts = Counter(
        m.strip() for _, text in _statements(blocks) for m in COUNCIL_RE.findall(text)
        if not m.lower().startswith(("the ", "each ", "all ", "every ", "local ", "other "))
    )
    return counts.most_common(1)[0][0] if counts else ""


def _committee(found: list[Field], blocks: list[Block]) -> tuple[str, str]:
    """The committee and, when printed beside it, the meeting date."""
    item = _first(found, "committee", TOP) or _first(found, "committee")
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
                not _only_councils(text) and \
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
    item = _first(found, "author")
    if item is None:
        return ""
    value = re.split(r"\s+(?:Tel|Telephone|Email|E-mail|Ext)\b", item.value)[0]
    return value.strip(" ,;")[:120]


def _classification(found: list[Field], blocks: list[Block]) -> tuple[str, bool]:
    item = _first(found, "classification", TOP)
    if item is not None:
        value = item.value.split()[0] if item.key == "for publication" else item.value
        value = value.strip(" .")
        if item.key == "for publication":
            return ("Not for publication", True) if value.lower() == "no" else ("Public", False)
        exempt = bool(re.match(r"(?:exempt|restricted|confidential|part (?:ii|2)|yes)\b",
                               value, re.IGNORECASE)) and not value.lower().startswith("non")
        return value[:60], exempt
    for block in blocks:
        if NOT_EXEMPT_RE.search(block.text):
            return "Not exempt", False
    for block in blocks[:TOP]:
        if len(block.text) < 200 and EXEMPT_RE.search(block.text):
            return block.text[:60], True
    return "", False


def _only_councils(text: str) -> bool:
    rest = PLAIN_COUNCIL_RE.sub("", CAPS_COUNCIL_RE.sub("", COUNCIL_RE.sub("", text)))
    return len(re.sub(r"\b(and|the)\b|[\W_]", "", rest, flags=re.IGNORECASE)) < 3


def _from_margins(margins: list[str], committee: str, meeting_date: str) -> tuple[str, str]:
    """Committee and date from a running header such as "Council – Cabinet – 14 March 2024"."""
    for text in margins:
        for piece in re.split(r"\s+[–\-|]\s+", text):
            if not committee and BODY_NAME_RE.search(piece) and not _only_councils(piece):
                committee = piece.strip()
            if not meeting_date and _date_only(piece):
                meeting_date = find_date(piece) or ""
    return committee, meeting_date


def _doc_type(blocks: list[Block], parts: list[Part], title: str,
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


def _title(found: list[Field], blocks: list[Block], skip: set[str]) -> str:
    item = _first(found, "title", TOP)
    if item is not None:
        return smart_title(item.value)[:200]
    for block in blocks[:15]:
        text = block.text
        if block.kind not in ("text", "heading") or text in skip or (find_date(text) and \
                len(text) < 40) or _only_councils(text) or re.match(r"^[\w /()]{2,30}:\s*\S", text):
            continue
        if re.match(r"^(decision report|report|agenda|minutes|from|to|page)\b", text, re.I):
            continue
        if heading_like(text) or (text.isupper() and len(text) < 160):
            return smart_title(text.rstrip(":"))
    return ""


def _appendix_title(title: str, margins: list[str], stated: bool) -> str:
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


def _better_title(title: str, doc_type: str, committee: str, meeting_date: str,
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


def read_metadata(blocks: list[Block], parts: list[Part],
                  margins: list[str] | None = None) -> tuple[str, DocumentMeta]:
    """The document's title and metadata, as far as it states them. ``margins`` are running
    header and footer texts, used only when the body does not say."""
    found = fields(blocks)
    margins = margins or []
    committee, committee_date = _committee(found, blocks)
    date_field = _first(found, "date", TOP) or _first(found, "date")
    meeting_date = committee_date or (
        find_date(date_field.value, allow_month_only=True) or "" if date_field else "")
    council = _councils(blocks)
    if margins and not (committee and meeting_date):
        committee, meeting_date = _from_margins(margins, committee, meeting_date)
    classification, exempt = _classification(found, blocks)
    title = _title(found, blocks, {committee, council})
    title = _appendix_title(title, margins, _first(found, "title", TOP) is not None)
    if not title and parts and parts[0].kind == "minutes":
        title = parts[0].title
    doc_type = _doc_type(blocks, parts, title, margins)
    title = _better_title(title, doc_type, committee, meeting_date, parts)
    meta = DocumentMeta(
        council=council,
        committee=committee,
        meeting_date=meeting_date,
        report_ref=_ref(found),
        author=_author(found),
        doc_type=doc_type,
        classification=classification,
        exempt=exempt,
    )
    return title, meta
