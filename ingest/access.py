"""A document's access level from what it states in its opening pages, its closing page (some
councils print the "Confidentiality" section last), running headers and footers, whatever
the layout (see ``assistant.exemption``), and the notes the ingest summary gives when the
reading is uncertain or a paragraph states more than its document."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.documents import Document, Paragraph
from assistant.exemption import AccessReading, carried_level, read_access
from assistant.settings import ACCESS_LEVELS
from ingest.pages import RawDocument

OPENING_PAGES = 3  # classification statements are printed on the cover or first pages
OPENING_CHARS = 12_000  # of an unpaged file (text, Markdown, Word without page breaks)
CLOSING_CHARS = 4_000  # the end of the last page: a report's closing "Confidentiality" section


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
    """The access level the file states, with its classification as printed and any doubt."""
    opening, closing = stating_text(raw)
    return read_access(opening, [closing, *margins, *raw.marks])


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
              if ACCESS_LEVELS.index(level := carried_level(p.text)) > rank]
    if marked:
        labels = ", ".join(p.label or f"#{p.ordinal + 1}" for p, _ in marked[:5])
        more = f" and {len(marked) - 5} more" if len(marked) > 5 else ""
        notes.append(f"stored as {document.meta.access} but paragraph {labels}{more} states "
                      f"{marked[0][1]}: those paragraphs are shown only to deployments "
                      f"cleared for it")
    return tuple(notes)
