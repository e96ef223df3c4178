"""Word documents to text: headings as Markdown, Word's automatic numbering printed as labels,
tables as tab-separated rows, and pages where Word last broke them."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from assistant.errors import ExtractionError
from ingest.formats import short_cause, sniff
from ingest.pages import PageText, RawDocument

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WORD_HINT = "re-save it in Word"
ROMAN = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90),
         ("l", 50), ("xl", 40), ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))


def _roman(n: int) -> str:
    out = ""
    for numeral, value in ROMAN:
        while n >= value:
            out, n = out + numeral, n - value
    return out


def _format(n: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    return str(n)


class Numbering:
    """Replays Word's list numbering so "4.29" is printed as Word would print it."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {a.get(f"{W}abstractNumId"): a for a in root.iter(f"{W}abstractNum")}
        for num in root.iter(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            if ref is not None and ref.get(f"{W}val") in abstract:
                self.levels[num.get(f"{W}numId")] = self._levels(abstract[ref.get(f"{W}val")])

    @staticmethod
    def _levels(abstract: Any) -> dict[int, tuple[str, str, int]]:
        levels = {}
        for lvl in abstract.iter(f"{W}lvl"):
            fmt = lvl.find(f"{W}numFmt")
            text = lvl.find(f"{W}lvlText")
            start = lvl.find(f"{W}start")
            levels[int(lvl.get(f"{W}ilvl"))] = (
                fmt.get(f"{W}val") if fmt is not None else "decimal",
                text.get(f"{W}val") if text is not None else "",
                int(start.get(f"{W}val")) if start is not None else 1,
            )
        return levels

    def label(self, paragraph: Any) -> str | None:
        """The printed label of a list paragraph ("4.29", "a)", "•"), or None."""
        num_pr = paragraph._p.find(f"{W}pPr/{W}numPr")
        if num_pr is None and paragraph.style is not None:
            num_pr = paragraph.style.element.find(f"{W}pPr/{W}numPr")
        if num_pr is None:
            return None
        num_id = num_pr.find(f"{W}numId")
        ilvl = num_pr.find(f"{W}ilvl")
        key = num_id.get(f"{W}val") if num_id is not None else None
        level = int(ilvl.get(f"{W}val")) if ilvl is not None else 0
        levels = self.levels.get(key or "")
        if not levels or level not in levels:
            return None
        fmt, text, _ = levels[level]
        if fmt == "bullet" or fmt == "none":
            return "•" if fmt == "bullet" else ""
        counters = self.counters.setdefault(key or "", [0] * 9)
        counters[level] += 1
        for deeper in range(level + 1, 9):
            counters[deeper] = 0
        label = text
        for index in range(level + 1):
            lvl_fmt, _, start = levels.get(index, ("decimal", "", 1))
            value = (counters[index] or 1) + start - 1
            label = label.replace(f"%{index + 1}", _format(value, lvl_fmt))
        return label


def _paragraph_lines(paragraph: Any, numbering: Numbering) -> str:
    text = paragraph.text.strip()
    if not text:
        return ""
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    label = numbering.label(paragraph)
    if style.lower().startswith("heading") and not label:
        digits = "".join(ch for ch in style if ch.isdigit()) or "1"
        return "#" * min(int(digits), 6) + " " + text
    if style.lower() == "title":
        return "# " + text
    if label:
        return f"{label} {text}" if label != "•" else f"• {text}"
    return text


def _table_lines(table: Any) -> list[str]:
    lines = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(cell.text.split()))
        if any(cells):
            lines.append("\t".join(cells))
    return lines


def _breaks_page(block: Any) -> bool:
    xml = block._element if hasattr(block, "_element") else block._p
    for br in xml.iter(f"{W}br"):
        if br.get(f"{W}type") == "page":
            return True
    return any(True for _ in xml.iter(f"{W}lastRenderedPageBreak"))


def _damaged(path: Path, cause: str) -> ExtractionError:
    return ExtractionError(str(path), f"not a readable Word document (damaged: {cause}); "
                                      f"{WORD_HINT}")


def _open(path: Path) -> Any:
    if not zipfile.is_zipfile(path):
        with path.open("rb") as handle:
            head = handle.read(1024)
        if head.startswith(b"PK"):
            raise _damaged(path, "truncated or broken ZIP archive")
        raise ExtractionError(str(path), f"not a readable Word document (the file looks like "
                                         f"{sniff(head)}; renamed?)")
    try:
        import docx

        return docx.Document(str(path))
    except MemoryError:
        raise
    except Exception as exc:
        raise _damaged(path, short_cause(exc)) from exc


def _page_texts(document: Any) -> list[str]:
    numbering = Numbering(document)
    pages: list[list[str]] = [[]]
    for block in document.iter_inner_content():
        if _breaks_page(block) and pages[-1]:
            pages.append([])
        if hasattr(block, "rows"):
            pages[-1].extend(["", *_table_lines(block), ""])
        else:
            pages[-1].extend([_paragraph_lines(block, numbering), ""])
    return ["\n".join(lines) for lines in pages]


def _marks(document: Any) -> tuple[str, ...]:
    """Text outside the body flow: every section's headers and footers (first page, odd and
    even) and text boxes, where a classification is often printed."""
    parts = []
    for section in document.sections:
        for area in (section.header, section.first_page_header, section.even_page_header,
                     section.footer, section.first_page_footer, section.even_page_footer):
            if area.is_linked_to_previous:  # no header of its own (or the one before's)
                continue
            parts.append(_area_text(area._element))
    parts.append("\n".join(_area_text(box) for box in
                           document.element.body.iter(f"{W}txbxContent")))
    return tuple(dict.fromkeys(p for p in parts if p.strip()))


def _area_text(element: Any) -> str:
    """The text of a header, footer or text box: paragraphs as lines, table cells by tabs."""
    lines = []
    for paragraph in element.iter(f"{W}p"):
        lines.append("".join(t.text or "" for t in paragraph.iter(f"{W}t")))
    return "\n".join(line for line in lines if line.strip())


def extract_docx(path: Path) -> RawDocument:
    """Headings, numbered paragraphs, bullets and tables of a .docx, page by page."""
    document = _open(path)
    try:
        texts = _page_texts(document)
        marks = _marks(document)
    except MemoryError:
        raise
    except Exception as exc:
        raise _damaged(path, short_cause(exc)) from exc
    if not any(t.strip() for t in texts):
        raise ExtractionError(str(path), "no text found in the Word document")
    result = tuple(PageText(number=i, text=t) for i, t in enumerate(texts, start=1))
    return RawDocument(pages=result, paged=len(result) > 1, marks=marks)
