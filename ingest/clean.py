"""Cleaning extracted pages: normalise characters and markup, drop what is not content
(running headers and footers, page numbers, blank pages) and keep page numbers on lines."""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from ingest.pages import PageText, RawDocument

ZONE = 3  # how many lines at the top and bottom of a page can be running headers or footers

CHAR_MAP = {
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200b": "", "\u00ad": "",
    "\ufeff": "", "\ufb01": "fi", "\ufb02": "fl", "\ufb00": "ff", "\ufb03": "ffi", "\ufb04": "ffl",
    "\u2010": "-", "\u2011": "-", "\u2212": "-", "\t": "\t",
}
BULLET_CHARS = ("\x7f•●▪■◦○‣⁃∙·\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0a8\uf06e\uf0e8"
                "\u2022\u25aa\u25cf\u2023")
PAGE_NUMBER_RE = re.compile(
    r"^\s*(?:-\s*\d+\s*-|page\s+\d+(?:\s*(?:of|/)\s*\d+)?|\d+\s*(?:of|/)\s*\d+|\d{1,4}"
    r"|\d+\s*\|\s*p\s*a\s*g\s*e|[ivxlc]{1,6})\s*$",
    re.IGNORECASE,
)
STAMP_RE = re.compile(r"^\s*agenda\s+item\s+(?:no\.?\s*)?\d+[a-z]?\s*$", re.IGNORECASE)
BLANK_PAGE_RE = re.compile(r"this page (?:is |has been )?(?:intentionally|deliberately) left blank",
                           re.IGNORECASE)
MD_LINK_RE = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
EMPHASIS_RE = re.compile(r"(\*\*|__)(.+?)\1")
TAG_RE = re.compile(r"</?(?:u|b|i|strong|em|span|br|sup|sub)\b[^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class Line:
    """One cleaned line of text with the page it is on (None when the format has no pages)."""

    text: str
    page: int | None
    indent: int = 0
    heading_level: int = 0  # from Markdown '#' or Word heading styles
    stamp: str = ""  # "Agenda Item 7" when a part of an agenda pack starts on this page
    page_break: bool = False  # the blank line that ends a page (not a paragraph break)

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def normalise_chars(text: str) -> str:
    """Ligatures, odd spaces and private-use bullets to plain characters."""
    text = "".join(CHAR_MAP.get(ch, ch) for ch in text)
    text = unicodedata.normalize("NFC", text)
    return re.sub(f"[{re.escape(BULLET_CHARS)}]", "•", text)


def strip_markup(text: str) -> str:
    """Remove Markdown emphasis, links, HTML tags and escapes left by text conversions."""
    text = MD_LINK_RE.sub(lambda m: m.group(1) or m.group(2), text)
    if "<p>" in text:
        text = re.sub(r"</p>\s*\t\s*<p>", "\t", text)
        text = re.sub(r"</?p>", "", text)
    text = re.sub(r"<(https?://[^>\s]+)>", r"\1", text)
    text = TAG_RE.sub("", text)
    for _ in range(2):
        text = EMPHASIS_RE.sub(r"\2", text)
    text = text.replace("**", "")
    text = re.sub(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])", r"\1", text)
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|])", r"\1", text)
    return html.unescape(text)


def _key(text: str) -> str:
    """A line's identity for repeat detection: digits and spacing do not matter."""
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", text)).strip().lower()


def _zone_keys(lines: list[str]) -> set[str]:
    content = [t for t in lines if t.strip()]
    return {_key(t) for t in content[:ZONE] + content[-ZONE:]}


def repeated_margins(pages: list[list[str]]) -> set[str]:
    """Keys of lines that recur at the top or bottom of many pages and hardly anywhere else
    (a form's field label repeated through the body is content, not a running header)."""
    with_text = [p for p in pages if any(t.strip() for t in p)]
    if len(with_text) < 2:
        return set()
    counts = Counter(key for page in with_text for key in _zone_keys(page))
    everywhere = Counter(_key(t) for page in with_text for t in page if t.strip())
    needed = 2 if len(with_text) == 2 else max(3, int(0.4 * len(with_text) + 0.5))
    return {key for key, n in counts.items()
            if n >= needed and len(key) < 160 and n >= 0.8 * everywhere[key]}


def _is_blank_page(lines: list[str]) -> bool:
    text = " ".join(t.strip() for t in lines if t.strip())
    if not BLANK_PAGE_RE.search(text):
        return False
    rest = BLANK_PAGE_RE.sub("", text)
    return len(re.sub(r"\W|\d|page|agenda item", "", rest, flags=re.IGNORECASE)) < 40


def _page_lines(page: PageText) -> list[str]:
    return [strip_markup(normalise_chars(t)).rstrip() for t in page.text.split("\n")]


def _margin_drop(lines: list[str], margins: set[str], seen: set[str]) -> set[int]:
    """Indexes of header/footer/page-number lines in a page's top and bottom zones."""
    content = [i for i, t in enumerate(lines) if t.strip()]
    zone = content[:ZONE] + content[-ZONE:]
    drop = set()
    for i in zone:
        text = lines[i].strip()
        key = _key(text)
        if PAGE_NUMBER_RE.match(text) or STAMP_RE.match(text):
            drop.add(i)
        elif key in margins:
            drop.add(i)
            seen.add(key)
    return drop


def running_headers(raw: RawDocument) -> list[str]:
    """Running header and footer texts as first printed ("Appendix G", "Cabinet – 14 March")."""
    if not raw.paged:
        return []
    pages = [_page_lines(p) for p in raw.pages]
    margins = repeated_margins(pages)
    found: dict[str, str] = {}
    for lines in pages:
        for text in lines:
            key = _key(text)
            if key in margins and "#" not in key and key not in found:
                found[key] = " ".join(text.split())
    return list(found.values())


def clean(raw: RawDocument) -> list[Line]:
    """Cleaned lines of the whole document, blank lines kept as paragraph breaks."""
    pages = [_page_lines(p) for p in raw.pages]
    margins = repeated_margins(pages) if raw.paged else set()
    out: list[Line] = []
    seen: set[str] = set()
    for page, lines in zip(raw.pages, pages, strict=True):
        number = page.number if raw.paged else None
        drop = _margin_drop(lines, margins, seen) if raw.paged else set()
        if _is_blank_page([t for i, t in enumerate(lines) if i not in drop]):
            continue
        stamp = next((s for s in page.stamps if STAMP_RE.match(s)), "")
        stamp = stamp or next((lines[i].strip() for i in drop if STAMP_RE.match(lines[i])), "")
        first = True
        for i, text in enumerate(lines):
            if i in drop or (not raw.paged and BLANK_PAGE_RE.fullmatch(text.strip())):
                continue
            out.append(_make_line(text, number, stamp if first else ""))
            first = False
        out.append(Line("", number, page_break=raw.paged))
    return out


def _make_line(text: str, page: int | None, stamp: str) -> Line:
    level = 0
    match = re.match(r"^\s{0,3}(#{1,6})\s+(.*)$", text)
    if match:
        level, text = len(match.group(1)), match.group(2)
    indent = len(text) - len(text.lstrip(" "))
    return Line(text.strip(" "), page, indent, level, stamp)
