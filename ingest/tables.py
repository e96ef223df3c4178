"""Tables to rows: a header found, repeated headers dropped, and rows whose cells wrap over
several lines (or pages) put back together."""

from __future__ import annotations

import re
from dataclasses import dataclass

TERMINAL = (".", "!", "?", ")", ":")


@dataclass(frozen=True)
class TableRow:
    """One row of a table: header names paired with cell values, and the page it starts on."""

    cells: tuple[tuple[str, str], ...]
    page: int | None

    @property
    def text(self) -> str:
        """The row as cited: one "Name: value" line per non-empty cell."""
        lines = [f"{name}: {value}" if name else value for name, value in self.cells if value]
        return "\n".join(lines)

    @property
    def length(self) -> int:
        return sum(len(v) for _, v in self.cells)


def _is_header(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return len(filled) >= 2 and all(
        len(c) <= 40 and len(c.split()) <= 5 and not c.endswith(".") and not re.fullmatch(
            r"[\d.,£%()\- ]+", c) for c in filled
    )


def _norm(cells: list[str]) -> tuple[str, ...]:
    return tuple(c.lower() for c in cells if c)


def _width(rows: list[tuple[int | None, list[str]]]) -> int:
    return max(len(cells) for _, cells in rows)


def _complete(value: str) -> bool:
    return not value or value.rstrip().endswith(TERMINAL)


class RowMerger:
    """Decides, line by line, whether a table line starts a row or continues the last one."""

    def __init__(self, width: int, group_column: bool) -> None:
        self.width = width
        self.key = 1 if group_column and width > 2 else 0
        self.group = group_column and width > 2
        self.rows: list[tuple[int | None, list[str]]] = []
        self.group_value = ""

    def feed(self, page: int | None, cells: list[str]) -> None:
        cells = (cells + [""] * self.width)[: self.width]
        if self.group and cells[0]:
            if self._starts_row(cells) or not self.rows:
                self.group_value = cells[0]
            else:
                self.group_value = f"{self.group_value} {cells[0]}"
                self.rows[-1][1][0] = self.group_value
        if self._starts_row(cells) or not self.rows:
            if self.group:
                cells[0] = self.group_value
            self.rows.append((page, cells))
            return
        current = self.rows[-1][1]
        for index, value in enumerate(cells):
            if value and not (self.group and index == 0):
                current[index] = f"{current[index]} {value}".strip()

    def _starts_row(self, cells: list[str]) -> bool:
        value = cells[self.key]
        if not value:
            return False
        if not self.rows:
            return True
        current = self.rows[-1][1]
        if value[:1].islower():
            return False
        if not current[self.key] or self.width <= 2 or _complete(current[self.key]):
            return True
        others = range(self.key + 1, self.width - 1)
        return any(cells[i] and current[i] for i in others)


def _has_group_column(body: list[tuple[int | None, list[str]]]) -> bool:
    firsts = [cells[0] for _, cells in body if cells]
    return bool(firsts) and sum(1 for c in firsts if c) <= 0.5 * len(firsts)


def table_rows(rows: list[tuple[int | None, list[str]]]) -> list[TableRow]:
    """Merge a table's physical lines into logical rows named by its header."""
    if not rows:
        return []
    width = _width(rows)
    header: list[str] = []
    body = rows
    if _is_header(rows[0][1]):
        header = (rows[0][1] + [""] * width)[:width]
        body = [r for r in rows[1:] if _norm(r[1]) != _norm(header)]
        while body and not body[0][1][0] and len([c for c in body[0][1] if c]) <= 2 and \
                all(len(c) <= 20 for c in body[0][1]):
            extra = (body.pop(0)[1] + [""] * width)[:width]
            header = [f"{h} {e}".strip() for h, e in zip(header, extra, strict=True)]
    merger = RowMerger(width, _has_group_column(body))
    for page, cells in body:
        merger.feed(page, cells)
    names = header or [""] * width
    return [
        TableRow(tuple(zip(names, (collapse_cell(c) for c in cells), strict=True)), page)
        for page, cells in merger.rows
        if any(cells)
    ]


def collapse_cell(value: str) -> str:
    """One cell's text on one line."""
    return " ".join(value.split())
