"""Citations in the form people in this field use:
"Joint Overview and Scrutiny Committee, 22 March 2021, report JOS/20/17, para 4.29 (p. 4)"."""

from __future__ import annotations

from assistant.documents import Document, Paragraph
from assistant.documents import readable_date as readable_date  # re-exported: its old home


def locator(paragraph: Paragraph) -> str:
    """Where in the document: "para 4.29 (p. 4)", "table row (p. 2)", "para 7, part 2"."""
    if paragraph.label:
        place = f"para {paragraph.label}"
        if paragraph.kind == "minutes_item":
            place = f"minute {paragraph.label}"
        if paragraph.parts > 1:
            place += f", part {paragraph.part} of {paragraph.parts}"
    elif paragraph.kind == "table_row":
        place = "table row"
    elif paragraph.heading_path:
        place = f"under “{paragraph.heading_path[-1]}”"
    else:
        place = "paragraph"
    if paragraph.page:
        place += f" (p. {paragraph.page})"
    return place


def citation(document: Document, paragraph: Paragraph) -> str:
    """A full citation naming the meeting, the report and the paragraph."""
    meta = document.meta
    bits = []
    if meta.committee:
        bits.append(meta.committee)
    if meta.meeting_date:
        bits.append(readable_date(meta.meeting_date))
    if meta.report_ref:
        bits.append(f"report {meta.report_ref}")
    else:
        bits.append(document.title)
    if paragraph.part_title and paragraph.part_title != document.title:
        bits.append(paragraph.part_title)
    bits.append(locator(paragraph))
    return ", ".join(bits)
