"""Writing an exempt-report variant (tests/exempt_variants.py) as a file: plain text (tables
as tab- or space-aligned columns, pages separated by form feeds), Markdown (pipe tables),
PDF (reportlab canvas, tables as aligned columns, running headers drawn on every page) and
Word (python-docx, real tables, running headers in the section header)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass

Section = tuple[str, list[tuple[str, str]]]  # heading, [(label, paragraph)]


@dataclass(frozen=True)
class Item:
    """One header element: "title", "line", "blank", "split" (a statement broken over lines,
    one cell per line) or "row" (table cells)."""

    kind: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Layout:
    """A variant before it is written: header, numbered body, running header (if any)."""

    header: list[Item]
    sections: list[Section]
    running: str = ""  # repeated at the top of every page
    table_style: str = "space"  # how text and PDF tables align: "space" or "tab"
    soft_breaks: bool = False  # Word: a split statement as one paragraph with line breaks


def _groups(items: list[Item]) -> Iterator[list[Item]]:
    """The header with consecutive table rows grouped into one table."""
    group: list[Item] = []
    for item in items:
        if item.kind == "row":
            group.append(item)
            continue
        if group:
            yield group
            group = []
        yield [item]
    if group:
        yield group


def _pages(layout: Layout) -> list[list[Section]]:
    """Sections by page: one page, or (with a running header) one section per page."""
    if layout.running:
        return [[section] for section in layout.sections]
    return [layout.sections]


# -- text and Markdown ---------------------------------------------------------------------------

def _text_rows(rows: list[Item], style: str) -> list[str]:
    """Table rows as text: cells separated by a tab, or the second column aligned."""
    width = max(len(r.cells[0]) for r in rows) + 4
    if style == "tab":
        return ["\t".join(c for c in r.cells if c) for r in rows]
    return [(r.cells[0].ljust(width) + " ".join(r.cells[1:])).rstrip() for r in rows]


def _markdown_rows(rows: list[Item]) -> list[str]:
    """Table rows as a Markdown pipe table (the first row is its header)."""
    cells = [[c.replace("|", "/") for c in (*r.cells, "")[:2]] for r in rows]
    lines = [f"| {a} | {b} |" for a, b in cells]
    return [lines[0], "| --- | --- |", *lines[1:], ""]


def _text_header(layout: Layout, markdown: bool) -> list[str]:
    """The header's lines (the title as a Markdown heading in Markdown)."""
    lines: list[str] = []
    for group in _groups(layout.header):
        item = group[0]
        if item.kind == "row":
            lines += _markdown_rows(group) if markdown else _text_rows(group, layout.table_style)
        elif item.kind == "title":
            lines += [f"# {item.cells[0]}", ""] if markdown else [item.cells[0]]
        else:
            lines += list(item.cells) if item.kind != "blank" else [""]
    return lines


def _text_body(sections: list[Section], markdown: bool) -> list[str]:
    """Numbered sections: heading, then "1.1 text" paragraphs."""
    lines: list[str] = []
    for heading, paragraphs in sections:
        lines += [f"## {heading}" if markdown else heading, ""]
        for label, text in paragraphs:
            lines += [f"{label} {text}", ""]
    return lines


def render_text(layout: Layout, markdown: bool = False) -> bytes:
    """Text or Markdown; with a running header, pages separated by form feeds."""
    pages = []
    for number, sections in enumerate(_pages(layout)):
        lines = [layout.running, ""] if layout.running else []
        if number == 0:
            lines += [*_text_header(layout, markdown), ""]
        pages.append("\n".join(lines + _text_body(sections, markdown)))
    return "\f".join(pages).encode()


# -- PDF -------------------------------------------------------------------------------------------

class _Pen:
    """Writes lines down A4 pages, starting a new page (with the running header) when full."""

    top, bottom, left, width = 790.0, 70.0, 56.0, 483.0

    def __init__(self, running: str) -> None:
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfgen.canvas import Canvas

        self.out = io.BytesIO()
        self.canvas = Canvas(self.out, pagesize=A4, invariant=1)
        self.running, self.page = running, 1
        self._start()

    def _start(self) -> None:
        self.y = self.top
        if self.running:
            self.canvas.setFont("Helvetica", 8)
            self.canvas.drawString(self.left, 815, _latin(self.running))
        self.canvas.setFont("Helvetica", 8)
        self.canvas.drawRightString(self.left + self.width, 40, f"Page {self.page}")

    def new_page(self) -> None:
        self.canvas.showPage()
        self.page += 1
        self._start()

    def text(self, text: str, bold: bool = False, size: float = 10, x: float = 0.0,
             width: float = 0.0) -> None:
        from reportlab.lib.utils import simpleSplit

        font = "Helvetica-Bold" if bold else "Helvetica"
        for line in simpleSplit(_latin(text), font, size, width or self.width - x) or [""]:
            self.canvas.setFont(font, size)
            self.canvas.drawString(self.left + x, self.y, line)
            self.down(size + 3)

    def row(self, cells: tuple[str, ...]) -> None:
        """Table cells as aligned columns: the second column starts at a fixed position."""
        y = self.y
        self.text(cells[0], width=170)
        after, self.y = self.y, y
        if len(cells) > 1 and cells[1]:
            self.text(cells[1], x=190)
        self.y = min(self.y, after)

    def down(self, step: float) -> None:
        self.y -= step
        if self.y < self.bottom:
            self.new_page()

    def save(self) -> bytes:
        self.canvas.showPage()
        self.canvas.save()
        return self.out.getvalue()


def _latin(text: str) -> str:
    """What the standard PDF fonts can show (WinAnsi)."""
    return text.replace("\t", "    ").encode("cp1252", "replace").decode("cp1252")


def render_pdf(layout: Layout) -> bytes:
    """A PDF drawn line by line; a running header is drawn at the top of every page."""
    pen = _Pen(layout.running)
    for item in layout.header:
        if item.kind == "title":
            pen.text(item.cells[0], bold=True, size=13)
        elif item.kind == "row":
            pen.row(item.cells)
        elif item.kind == "blank":
            pen.down(8)
        else:
            for line in item.cells:
                pen.text(line)
    pen.down(10)
    for number, sections in enumerate(_pages(layout)):
        if number:
            pen.new_page()
        for heading, paragraphs in sections:
            pen.text(heading, bold=True, size=11)
            pen.down(4)
            for label, text in paragraphs:
                pen.text(f"{label}  {text}")
                pen.down(6)
    return pen.save()


# -- Word ------------------------------------------------------------------------------------------

def _docx_item(document: object, group: list[Item], layout: Layout) -> None:
    """One header element in Word: a real table, a heading, or paragraphs."""
    item = group[0]
    if item.kind == "row":
        table = document.add_table(rows=0, cols=2)  # type: ignore[attr-defined]
        table.style = "Table Grid"
        for row in group:
            cells = table.add_row().cells
            for cell, text in zip(cells, (*row.cells, "")[:2], strict=True):
                cell.text = text
    elif item.kind == "title":
        document.add_heading(item.cells[0], level=1)  # type: ignore[attr-defined]
    elif item.kind == "split" and layout.soft_breaks:
        run = document.add_paragraph().add_run()  # type: ignore[attr-defined]
        for number, line in enumerate(item.cells):
            if number:
                run.add_break()
            run.add_text(line)
    else:
        for line in item.cells or ("",):
            document.add_paragraph(line)  # type: ignore[attr-defined]


def render_docx(layout: Layout) -> bytes:
    """A Word document: real tables, a running header in the section header, a page break
    before each section when there is one."""
    import docx

    document = docx.Document()
    if layout.running:
        document.sections[0].header.paragraphs[0].text = layout.running
    for group in _groups(layout.header):
        _docx_item(document, group, layout)
    for number, sections in enumerate(_pages(layout)):
        if number:
            document.add_page_break()
        for heading, paragraphs in sections:
            document.add_heading(heading, level=2)
            for label, text in paragraphs:
                document.add_paragraph(f"{label} {text}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


RENDERERS: dict[str, Callable[[Layout], bytes]] = {
    ".txt": render_text, ".md": lambda layout: render_text(layout, markdown=True),
    ".pdf": render_pdf, ".docx": render_docx,
}
