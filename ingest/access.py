"""A document's access level from what it states in its opening pages, its closing page (some
councils print the "Confidentiality" section last), running headers and footers, whatever
the layout (see ``assistant.exemption``), and the notes the ingest summary gives when the
reading is uncertain or a paragraph states more than its document."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant.documents import Document, Paragraph
from assistant.exemption import (
    AccessReading,
    carried_level,
    most_restricted,
    read_access,
    statements,
)
from assistant.settings import ACCESS_LEVELS
from ingest.pages import RawDocument
from ingest.structure import Part

OPENING_PAGES = 3  # classification statements are printed on the cover or first pages
OPENING_CHARS = 12_000  # of an unpaged file (text, Markdown, Word without page breaks)
CLOSING_CHARS = 4_000  # the end of the last page: a report's closing "Confidentiality" section
PAGE_HEAD_CHARS = 1_500  # the top of a page, where a report bound into a pack states its level
PART_START_SLACK = 1  # a bundled report's statement may be on its second page (after a cover)


@dataclass(frozen=True)
class MarkedPages:
    """Pages of a pack that belong to a bundled report stating a restricted level."""

    first: int
    last: int
    level: str
    phrase: str
    page: int  # where the statement is printed
    whole: bool  # no part of the pack could be told apart: the whole document takes the level


def stating_text(raw: RawDocument) -> tuple[str, str]:
    """The opening and the closing text as extracted, before any cleaning (a statement
    printed as a running header is still there)."""
    opening = "\n\n".join(page.text for page in raw.pages[:OPENING_PAGES])[:OPENING_CHARS]
    last = raw.pages[-1].text if len(raw.pages) > OPENING_PAGES else ""
    if not raw.paged or len(raw.pages) == 1:
        whole = "\n\n".join(page.text for page in raw.pages)
        last = whole[max(OPENING_CHARS, len(whole) - CLOSING_CHARS):]
    return opening, last[-CLOSING_CHARS:]


def document_access(raw: RawDocument, margins: Sequence[str]) -> AccessReading:
    """The access level the file states, with its classification as printed and any doubt. A
    PDF whose first page is an image without text, and which states nothing anywhere else
    read, is stored as exempt: a classification printed on a scanned cover cannot be read."""
    opening, closing = stating_text(raw)
    reading = read_access(opening, [closing, *margins, *raw.marks])
    if 1 in raw.image_only_pages and reading.level == "public" and not reading.classification:
        return AccessReading("exempt", "", "stored as exempt: page 1 is an image without text, "
                             "so a classification printed on it cannot be read. Check it, and "
                             "set `--access public` if it is public")
    return reading


def doubt_note(reading: AccessReading) -> tuple[str, ...]:
    """The summary's note for an uncertain reading (none for a plain one)."""
    return (reading.doubt,) if reading.doubt else ()


def carried_notes(document: Document, paragraphs: Sequence[Paragraph]) -> tuple[str, ...]:
    """Notes for a title or paragraphs that state a more restricted level than the document
    is stored with: they are never shown below that level, whatever the document's."""
    rank = ACCESS_LEVELS.index(document.meta.access)
    notes = []
    title_level = carried_level(document.title)
    if ACCESS_LEVELS.index(title_level) > rank:
        notes.append(f"stored as {document.meta.access} but its title states {title_level}: "
                     f"the whole document is shown only to {title_level} deployments")
    marked = [(p, level) for p in paragraphs
              if ACCESS_LEVELS.index(level := carried_level(p.text))
              > max(rank, ACCESS_LEVELS.index(p.access))]
    if marked:
        labels = ", ".join(p.label or f"#{p.ordinal + 1}" for p, _ in marked[:5])
        more = f" and {len(marked) - 5} more" if len(marked) > 5 else ""
        notes.append(f"stored as {document.meta.access} but paragraph {labels}{more} states "
                      f"{marked[0][1]}: those paragraphs are shown only to deployments "
                      f"cleared for it")
    return tuple(notes)


def marked_pages(raw: RawDocument, parts: Sequence[Part]) -> list[MarkedPages]:
    """Reports bound into a pack that state a restricted level at the head of a page past the
    opening pages: the pages of that part of the pack, or the whole document when the page is
    not at the start of a part that structure found. Only plain statements count here."""
    if not raw.paged or len(raw.pages) <= OPENING_PAGES + 1:
        return []
    starts = sorted({p.page for p in parts if p.page})
    found = []
    for page in raw.pages[OPENING_PAGES:-1]:
        plain = [s for s in statements(page.text[:PAGE_HEAD_CHARS])
                 if s.level != "public" and s.certain]
        if not plain:
            continue
        level = most_restricted([s.level for s in plain])
        start = max((p for p in starts if p <= page.number), default=0)
        if not start or page.number - start > PART_START_SLACK:
            found.append(MarkedPages(1, len(raw.pages), level, plain[0].phrase, page.number,
                                     True))
            continue
        end = min((p for p in starts if p > start), default=len(raw.pages) + 1) - 1
        found.append(MarkedPages(start, end, level, plain[0].phrase, page.number, False))
    return found


def with_marked_pages(paragraphs: Sequence[Paragraph], marked: Sequence[MarkedPages]
                      ) -> list[Paragraph]:
    """Paragraphs on marked pages carry their part's level."""
    out = []
    for paragraph in paragraphs:
        levels = [m.level for m in marked if paragraph.page and m.first <= paragraph.page
                  <= m.last]
        out.append(replace(paragraph, access=most_restricted(levels)) if levels else paragraph)
    return out


def marked_notes(marked: Sequence[MarkedPages]) -> tuple[str, ...]:
    """The summary's note for each report of a pack that states its own level."""
    return tuple(
        f"page {m.page} states {m.level} ('{m.phrase}') but is not the start of a part of "
        f"the pack: the whole document is stored as {m.level}" if m.whole else
        f"pages {m.first}-{m.last} state {m.level} ('{m.phrase}'): their paragraphs are shown "
        f"only to deployments cleared for it" for m in marked)
