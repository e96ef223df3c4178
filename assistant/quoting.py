"""The extractive answer as text: each quoted unit on its line with its paragraph's marker,
list items and sub-headings as bullets, a line naming the document when several are quoted,
and one citation per paragraph whatever the number of its units quoted."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.answers import Citation
from assistant.arrange import Scored
from assistant.citations import readable_date
from assistant.documents import Document, Passage
from assistant.sentences import unmarked


def shown_council(document: Document) -> str:
    """The council a document is from, as a line naming it shows it: not when its title
    names it already."""
    council = document.meta.council
    return "" if not council or council.lower() in document.title.lower() else council


def document_line(passage: Passage) -> str:
    """"From “title” (council, committee, date, report ref):" before a document's quotes;
    the council is left out when the title names it."""
    document = passage.document
    bits = [b for b in (shown_council(document), document.meta.committee,
                        readable_date(document.meta.meeting_date)) if b]
    ref = f", report {document.meta.report_ref}" if document.meta.report_ref else ""
    when = f" ({', '.join(bits)}{ref})" if bits or ref else ""
    return f"From “{unmarked(document.title)}”{when}:"


def _line(item: Scored, n: int) -> str:
    unit = item.unit
    marker = "- " if unit.kind in ("item", "subheading") else ""
    shown = unit.text.rstrip(":") if unit.kind == "subheading" else unit.text
    return f"{marker}{shown} [{n}]"


def render(ordered: Sequence[Scored], passages: Sequence[Passage]
           ) -> tuple[str, tuple[Citation, ...]]:
    """The answer's text and its citations: a paragraph is cited once, numbered where it is
    first quoted, its quote running from the first unit used to the last (verbatim)."""
    lines: list[str] = []
    numbers: dict[str, int] = {}
    used: dict[str, list[Scored]] = {}
    current = ""
    several = len({passages[s.passage].document.doc_id for s in ordered}) > 1
    for item in ordered:
        passage = passages[item.passage]
        if several and passage.document.doc_id != current:
            current = passage.document.doc_id
            lines.append(("\n" if lines else "") + document_line(passage))
        key = passage.paragraph.key
        n = numbers.setdefault(key, len(numbers) + 1)
        used.setdefault(key, []).append(item)
        lines.append(_line(item, n))
    citations = []
    for key, n in numbers.items():
        items = used[key]
        passage = passages[items[0].passage]
        start = min(s.unit.start for s in items)
        end = max(s.unit.end for s in items)
        citations.append(Citation(n, passage, passage.paragraph.text[start:end]))
    return "\n".join(lines), tuple(citations)
