"""Blocks to citable units: headings become paths, bullets and sub-items join the paragraph
above them, numbered headings lend their number to the prose under them (minutes items),
tables become rows, agenda packs are split into titled parts, and a minute item's number
labels every paragraph of the item."""

from __future__ import annotations

import re

from ingest.blocks import Block, heading_like
from ingest.dates import find_date, readable
from ingest.labels import parse_label
from ingest.parts import part_kind, part_title
from ingest.tables import table_rows
from ingest.units import Part, Unit

STRONG_HEADING_RE = re.compile(r"^(?:priority|part|section|theme|objective|outcome|chapter)\s+"
                               r"(?:\d+|[A-Z]|[ivx]+)\b", re.IGNORECASE)
SMALL_ROW = 150  # rows shorter than this on average are kept together as one table chunk


class Structurer:
    """Walks the blocks once, keeping the heading path, the open unit and the current part."""

    def __init__(self, blocks: list[Block]) -> None:
        self.blocks = blocks
        self.units: list[Unit] = []
        self.parts: list[Part] = []
        self.headings: list[tuple[int, str, str]] = []  # (level, text, "numbered"|"strong"|...)
        self.open: Unit | None = None
        self.inherit = False  # prose under a numbered heading takes its number
        self.previous_kind = ""
        self.item = ""  # the number of the minute item being read (committee web pages)

    # -- driving --------------------------------------------------------------------------

    def run(self) -> tuple[list[Unit], list[Part]]:
        for index, block in enumerate(self.blocks):
            following = self.blocks[index + 1] if index + 1 < len(self.blocks) else None
            self._dispatch(block, following)
            self.previous_kind = "heading" if self._was_heading else (
                "front" if self._front else block.kind)
        self._close()
        return [u for u in self.units if re.search(r"\w\w", u.text)], self.parts

    _was_heading = False

    _front = False
    _nested = False  # the last heading was nested under the heading right before it

    def _dispatch(self, block: Block, following: Block | None) -> None:
        self._was_heading = False
        self._front = False
        if block.kind == "stamp":
            self._new_part("stamp", block.text, block.page, titled=False)
        elif block.kind == "table":
            self._table(block)
        elif block.kind == "heading":
            self._heading(block.text, block.level, "markdown")
        elif block.kind == "item":
            self._minute_item(block)
        elif block.kind == "numbered":
            self._numbered(block, following)
        elif block.kind in ("bullet", "subitem"):
            self._item(block)
        else:
            self._text(block, following)

    # -- parts ------------------------------------------------------------------------------

    def _part_start(self, block: Block, following: Block | None) -> bool:
        if block.lines > 2:
            return False
        after = following.text if following is not None else ""
        kind = part_kind(block.text, after)
        if kind is None:
            return False
        title = part_title(kind, block.text, after)
        current = self.parts[-1] if self.parts else None
        if current is not None and (current.kind, current.title) == (kind, title):
            return True
        if kind == "report" and current is not None and not current.titled:
            return False
        if kind == "minutes":
            when = find_date(block.text)
            title = f"Minutes of the meeting held on {readable(when)}" if when else title
        self._new_part(kind, title, block.page, titled=title != "Report")
        return True

    def _new_part(self, kind: str, title: str, page: int | None, titled: bool = True) -> None:
        self._close()
        self.headings = []
        self.item = ""
        last = self.parts[-1] if self.parts else None
        if last is not None and last.kind == "stamp" and not self.units_since(last):
            self.parts[-1] = Part(kind, title, last.page, titled)
            return
        self.parts.append(Part(kind, title, page, titled))

    def units_since(self, part: Part) -> bool:
        """Whether any unit was written since ``part`` started."""
        return any(u.part_title == part.title for u in self.units)

    @property
    def part(self) -> str:
        return self.parts[-1].title if self.parts else ""

    def _maybe_title_part(self, text: str) -> None:
        """A report part is titled by its "Title of Report:" or "Subject:" line."""
        if not self.parts or self.parts[-1].titled:
            return
        match = re.match(r"^(?:title of report|report title|subject|title)\s*:\s*(.+)$", text,
                         re.IGNORECASE)
        if match:
            current = self.parts[-1]
            title = f"Report: {match.group(1).strip()}"
            self.parts[-1] = Part(current.kind if current.kind != "stamp" else "report", title,
                                  current.page, True)
            for unit in self.units:
                if unit.part_title == current.title:
                    unit.part_title = title
            if self.open is not None and self.open.part_title == current.title:
                self.open.part_title = title

    # -- headings ---------------------------------------------------------------------------

    def _push_heading(self, level: int, text: str, kind: str) -> None:
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        self.headings.append((level, text, kind))
        self._was_heading = True

    def _heading(self, text: str, level: int, kind: str) -> None:
        self._close()
        self._push_heading(level, text, kind)

    def _plain_heading_level(self, text: str) -> int:
        strong = bool(STRONG_HEADING_RE.match(text)) or text.isupper()
        fixed = [h for h in self.headings if h[2] in ("numbered", "markdown", "item")]
        base = fixed[-1][0] if fixed else 0
        if self.previous_kind == "heading" and self.headings and not self._nested:
            self._nested = True
            return self.headings[-1][0] + 1
        self._nested = False
        if strong:
            return base + 1
        plain = [h for h in self.headings if h[2] == "plain" and h[0] > base]
        if plain:
            return plain[-1][0]
        strongs = [h for h in self.headings if h[2] == "strong" and h[0] > base]
        return (strongs[-1][0] if strongs else base) + 1

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(text for _, text, _ in self.headings)

    # -- units ------------------------------------------------------------------------------

    def _close(self) -> None:
        if self.open is not None:
            self.units.append(self.open)
        self.open = None
        self.inherit = False

    def _unit(self, kind: str, label: str, page: int | None, text: str) -> Unit:
        self._close()
        if not label and self.item and kind in ("text", "paragraph"):
            kind, label = "minutes_item", self.item
        self.open = Unit(kind, label, page, self.path, self.part, [text])
        return self.open

    def _minute_item(self, block: Block) -> None:
        """A numbered minute item: its number labels what it holds, up to the next item."""
        self._close()
        self._push_heading(1, block.text, "item")
        self.item = block.label
        self.open = Unit("minutes_item", block.label, block.page, self.path, self.part, [])
        self.inherit = True

    def _numbered(self, block: Block, following: Block | None) -> None:
        self._maybe_title_part(block.text)
        if self.item and "." not in block.label:  # "(1) That…" resolved under a minute item
            shown = f"{block.label}." if block.label.isdigit() else block.label
            self._item(Block("subitem", block.page, f"{shown} {block.text}"))
            return
        label = parse_label(block.label)
        text = block.text
        heading = f"{block.label}. {text}" if "." not in block.label else f"{block.label} {text}"
        level = len(label.parts) or 1
        short = len(text.split()) <= 15 and not text.endswith((".", ";", ","))
        if short and following is not None and following.kind == "numbered" and \
                parse_label(following.label).is_child_of(label):
            self._heading(heading, level, "numbered")
            return
        if heading_like(text) and not text.endswith((".", ":")) and len(text.split()) <= 14 \
                and following is not None:
            if following.kind == "numbered" and parse_label(following.label).is_child_of(label):
                self._heading(heading, level, "numbered")
                return
            if following.kind in ("text", "table", "bullet", "subitem"):
                self._heading(heading, level, "numbered")
                kind = "minutes_item" if self._in_minutes else "paragraph"
                self.open = Unit(kind, block.label, block.page, self.path, self.part, [])
                self.inherit = True
                return
        self._unit("paragraph", block.label, block.page, text)

    @property
    def _in_minutes(self) -> bool:
        return bool(self.parts) and self.parts[-1].kind == "minutes"

    def _item(self, block: Block) -> None:
        marker = "•" if block.kind == "bullet" else ""
        text = f"{marker} {block.text}".strip()
        if self.open is None:
            self._unit("paragraph", "", block.page, "")
        assert self.open is not None
        self.open.pieces.append(text)

    def _text(self, block: Block, following: Block | None) -> None:
        if self._part_start(block, following):
            return
        self._maybe_title_part(block.text)
        text = block.text
        self._current_text_is_caps = text.isupper()
        if self.open is not None and (self._inside_list(following) or (self.inherit and
                                      not self._is_heading(block, following))):
            self.open.pieces.append(text)
            return
        if self._front_matter_run(block):
            if self.open is not None and self.previous_kind == "front":
                self.open.pieces.append(text)
            else:
                self._unit("text", "", block.page, text)
            self._front = True
            return
        if self._is_heading(block, following):
            self._heading(text, self._plain_heading_level(text), self._heading_kind(text))
            return
        if self.open is not None and self._lead_in_continues():
            self.open.pieces.append(text)
            return
        self._unit("text", "", block.page, text)

    _current_text_is_caps = False

    def _inside_list(self, following: Block | None) -> bool:
        """A sub-heading inside a numbered paragraph's list ("Breaking drug supply chains")."""
        return (following is not None and following.kind in ("bullet", "subitem")
                and not self._current_text_is_caps and self.open is not None
                and self.open.label != ""
                and self.previous_kind in ("bullet", "subitem", "numbered", "text"))

    def _front_matter_run(self, block: Block) -> bool:
        """Three or more short lines in a row are a title block or cover sheet, not headings."""
        index = self.blocks.index(block)
        run = 0
        for other in self.blocks[max(0, index - 2): index + 3]:
            single = other.kind == "text" and other.lines <= 2 and len(other.text) < 100 \
                and not other.text.endswith(".") and not STRONG_HEADING_RE.match(other.text)
            run = run + 1 if single else 0
            if run >= 3:
                return not STRONG_HEADING_RE.match(block.text)
        return False

    def _is_heading(self, block: Block, following: Block | None) -> bool:
        text = block.text
        if block.lines > 2 or following is None:
            return False
        if STRONG_HEADING_RE.match(text) and len(text.split()) <= 16:
            return True
        if following.kind == "numbered" and len(text.split()) <= 14 and text[:1].isupper() \
                and not text.endswith((".", ",", ";")) and not self.inherit:
            return True
        if not heading_like(text):
            return False
        if text.endswith(":") and not text.isupper() and (
                self.inherit or following.kind in ("bullet", "subitem")):
            return False  # a lead-in to a list, or inside a minutes item
        prose_follows = following.kind == "text" and not heading_like(following.text)
        return not (text.endswith(".") and prose_follows)

    def _lead_in_continues(self) -> bool:
        """Prose right after an unnumbered lead-in ending in ':' belongs with it."""
        unit = self.open
        return unit is not None and unit.label == "" and bool(unit.pieces) and \
            unit.pieces[-1].endswith(":") and self.previous_kind == "text"

    @staticmethod
    def _heading_kind(text: str) -> str:
        return "strong" if STRONG_HEADING_RE.match(text) or text.isupper() else "plain"

    def _table(self, block: Block) -> None:
        self._close()
        rows = table_rows(block.rows)
        if not rows:
            return
        average = sum(r.length for r in rows) / len(rows)
        if average >= SMALL_ROW or (len(rows[0].cells) >= 3 and average >= SMALL_ROW / 2.5):
            for row in rows:
                self.units.append(Unit("table_row", "", row.page, self.path, self.part,
                                       [row.text]))
            return
        lines = [" | ".join(f"{n}: {v}" if n else v for n, v in row.cells if v) for row in rows]
        self.units.append(Unit("table", "", rows[0].page, self.path, self.part, lines))


def structure(blocks: list[Block]) -> tuple[list[Unit], list[Part]]:
    """Citable units and agenda-pack parts from a document's blocks."""
    return Structurer(blocks).run()
