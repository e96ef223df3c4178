"""Render the sample reports to PDF (and their Markdown sources). Doubles as a fixture factory:
tests call ``render_pdf`` with their own blocks to make layouts with running headers and
footers, blank pages and tables that run across pages.

Run: python -m samples.generate   (writes samples/library/*.pdf and samples/sources/*.md)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from samples.content import SAMPLES

HERE = Path(__file__).parent
LIBRARY = HERE / "library"
SOURCES = HERE / "sources"
BLANK_TEXT = "This page is intentionally left blank"


def _styles() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName="Helvetica", fontSize=10.5,
                          leading=14, spaceAfter=8)
    return {
        "title": ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=15,
                                leading=19, spaceAfter=12),
        "heading": ParagraphStyle("heading", parent=body, fontName="Helvetica-Bold",
                                  fontSize=11.5, spaceBefore=6),
        "body": body,
        "para": ParagraphStyle("para", parent=body, leftIndent=36, firstLineIndent=-36),
        "bullet": ParagraphStyle("bullet", parent=body, leftIndent=54, firstLineIndent=-14,
                                 spaceAfter=3),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=11.5, spaceAfter=0),
        "head_cell": ParagraphStyle("head_cell", parent=body, fontName="Helvetica-Bold",
                                    fontSize=9, leading=11.5, spaceAfter=0),
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(block: tuple, styles: dict[str, Any], width: float) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import LongTable, Paragraph

    _, header, rows = block
    data = [[Paragraph(_escape(h), styles["head_cell"]) for h in header]]
    for row in rows:
        data.append([Paragraph(_escape(c), styles["cell"]) for c in row])
    fractions = (0.16, 0.27, 0.14, 0.43)[: len(header)]
    table = LongTable(data, colWidths=[width * f for f in fractions], repeatRows=1)
    table.setStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey)])
    return table


def _flowables(blocks: list[tuple], styles: dict[str, Any], width: float) -> list[Any]:
    from reportlab.platypus import PageBreak, Paragraph, Spacer

    out: list[Any] = []
    for block in blocks:
        kind = block[0]
        if kind == "title":
            out.append(Paragraph(_escape(block[1]), styles["title"]))
        elif kind == "meta":
            for key, value in block[1]:
                out.append(Paragraph(f"<b>{_escape(key)}:</b> {_escape(value)}", styles["body"]))
            out.append(Spacer(1, 8))
        elif kind == "heading":
            out.append(Paragraph(_escape(block[1]), styles["heading"]))
        elif kind == "para":
            out.append(Paragraph(f"{block[1]}&nbsp;&nbsp;&nbsp;&nbsp;{_escape(block[2])}",
                                 styles["para"]))
        elif kind == "bullets":
            out.extend(Paragraph(f"•&nbsp;&nbsp;{_escape(item)}", styles["bullet"])
                       for item in block[1])
        elif kind == "items":
            out.extend(Paragraph(f"{marker}&nbsp;&nbsp;{_escape(text)}", styles["bullet"])
                       for marker, text in block[1])
        elif kind == "table":
            out.append(_table(block, styles, width))
        elif kind == "minute":
            _, number, title, paragraphs = block
            out.append(Paragraph(f"{number}.&nbsp;&nbsp;&nbsp;{_escape(title)}",
                                 styles["heading"]))
            out.extend(Paragraph(_escape(p), styles["body"]) for p in paragraphs)
        elif kind == "text":
            out.append(Paragraph(_escape(block[1]), styles["body"]))
        elif kind == "blank":
            out.extend([PageBreak(), Paragraph(BLANK_TEXT, styles["body"]), PageBreak()])
    return out


def render_pdf(sample: dict[str, Any], path: Path) -> Path:
    """Write one sample as a PDF with its running header and "Page N of M" footer."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import SimpleDocTemplate

    size = landscape(A4) if sample.get("landscape") else A4
    styles = _styles()
    margin = 56

    def template() -> Any:
        return SimpleDocTemplate(str(path), pagesize=size, leftMargin=margin,
                                 rightMargin=margin, topMargin=margin + 10,
                                 bottomMargin=margin + 10, title=sample["file"], invariant=1)

    counting = template()
    counting.build(_flowables(sample["blocks"], styles, size[0] - 2 * margin))
    pages = counting.page
    header, footer = sample.get("header", ""), sample.get("footer", "")

    def decorate(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8.5)
        if header:
            canvas.drawString(margin, size[1] - margin + 16, header)
        if footer:
            canvas.drawString(margin, margin - 26, footer)
        canvas.drawRightString(size[0] - margin, margin - 26,
                               f"Page {document.page} of {pages}")
        canvas.restoreState()

    template().build(_flowables(sample["blocks"], styles, size[0] - 2 * margin),
                     onFirstPage=decorate, onLaterPages=decorate)
    return path


def render_markdown(sample: dict[str, Any]) -> str:
    """The sample as Markdown: the source text the PDF was made from."""
    lines: list[str] = []
    for block in sample["blocks"]:
        kind = block[0]
        if kind == "title":
            lines += [f"# {block[1]}", ""]
        elif kind == "meta":
            lines += [f"{key}: {value}" for key, value in block[1]] + [""]
        elif kind == "heading":
            lines += [f"## {block[1]}", ""]
        elif kind == "para":
            lines += [f"{block[1]} {block[2]}", ""]
        elif kind == "bullets":
            lines += [f"- {item}" for item in block[1]] + [""]
        elif kind == "items":
            lines += [f"{marker} {text}" for marker, text in block[1]] + [""]
        elif kind == "table":
            lines += ["| " + " | ".join(block[1]) + " |",
                      "|" + "---|" * len(block[1])]
            lines += ["| " + " | ".join(row) + " |" for row in block[2]] + [""]
        elif kind == "minute":
            lines += [f"## {block[1]}. {block[2]}", ""]
            for paragraph in block[3]:
                lines += [paragraph, ""]
        elif kind == "text":
            lines += [block[1], ""]
    return "\n".join(lines)


def main(out: Path = LIBRARY, sources: Path = SOURCES) -> list[Path]:
    """Write every sample's PDF and Markdown source."""
    out.mkdir(parents=True, exist_ok=True)
    sources.mkdir(parents=True, exist_ok=True)
    written = []
    for sample in SAMPLES:
        written.append(render_pdf(sample, out / f"{sample['file']}.pdf"))
        (sources / f"{sample['file']}.md").write_text(render_markdown(sample))
    return written


if __name__ == "__main__":
    for written_path in main(*(Path(a) for a in sys.argv[1:3])):
        print(written_path)
