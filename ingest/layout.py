"""Tables in layout-mode PDF text: columns aligned under a header row become tab-separated
cells, so tables from PDFs and from text files go through the same row logic."""

from __future__ import annotations

import re
from dataclasses import replace

from ingest.clean import Line

SEGMENT_RE = re.compile(r"\S+(?: \S+)*")
SLACK = 2  # characters a cell may start left of its column


def segments(line: Line) -> list[tuple[int, str]]:
    """Runs of text separated by two or more spaces, with their column positions."""
    return [(line.indent + m.start(), m.group()) for m in SEGMENT_RE.finditer(line.text)]


def _header_columns(line: Line) -> list[int] | None:
    parts = segments(line)
    if len(parts) < 3 or "\t" in line.text:
        return None
    for _, text in parts:
        if len(text) > 32 or len(text.split()) > 4 or text.endswith(".") or \
                not re.search(r"[A-Za-z]{2}", text):
            return None
    return [start for start, _ in parts]


def _column(columns: list[int], start: int) -> int:
    index = 0
    for i, column in enumerate(columns):
        if start >= column - SLACK:
            index = i
    return index


def _fits(line: Line, columns: list[int]) -> bool:
    """Every segment sits inside one column without running into the next."""
    for start, text in segments(line):
        if start < columns[0] - SLACK:
            return False
        index = _column(columns, start)
        end = start + len(text)
        if index + 1 < len(columns) and end > columns[index + 1] + SLACK:
            return False
    return True


def _cells(line: Line, columns: list[int]) -> str:
    cells = [""] * len(columns)
    for start, text in segments(line):
        index = _column(columns, start)
        cells[index] = f"{cells[index]} {text}".strip()
    return "\t".join(cells)


def _table_end(lines: list[Line], start: int, columns: list[int]) -> int:
    """Index after the last line of the table that starts at ``start``."""
    end = start + 1
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if line.blank:
            continue
        if not _fits(line, columns):
            break
        end = index + 1
    return end


def _rows_with_cells(lines: list[Line], columns: list[int]) -> int:
    return sum(1 for ln in lines if not ln.blank and len({_column(columns, s) for s, _ in
                                                          segments(ln)}) >= 2)


def tabulate(lines: list[Line]) -> list[Line]:
    """Rewrite aligned table regions as tab-separated lines; other lines pass through."""
    out: list[Line] = []
    index = 0
    while index < len(lines):
        columns = _header_columns(lines[index])
        if columns is not None:
            end = _table_end(lines, index, columns)
            if _rows_with_cells(lines[index + 1:end], columns) >= 2:
                for line in lines[index:end]:
                    text = "" if line.blank else _cells(line, columns)
                    out.append(replace(line, text=text, indent=0))
                index = end
                continue
        out.append(lines[index])
        index += 1
    return out
