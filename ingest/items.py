"""Minute item numbers as committee web pages print them: "941." on a line of its own above
the item's title, "12 Community Safety Plan pdf icon PDF 100 KB", "116 Wiltshire Strategy"
under "Meeting: 27/07/2010 - Cabinet (Item 116)", "233 DECLARATIONS OF INTEREST – None" and
"III DUNDEE POLICING REPORT". Each becomes an ``item`` block: the structure gives its number
to every paragraph of the item, up to the next item."""

from __future__ import annotations

import re

from ingest.blocks import Block, heading_like

LONE_RE = re.compile(r"^(?:(\d{1,4})\.|\((\d{1,3})\))$")  # "941." "(7)"
BARE_RE = re.compile(r"^(\d{1,4})\.?\s+(\S.*)$", re.DOTALL)  # "116 Wiltshire Strategy"
LINK_RE = re.compile(r"\s*(?:pdf icon\s*)?\bPDF\s+[\d.,]+\s*[KM]B\s*$", re.IGNORECASE)
MEETING_ITEM_RE = re.compile(r"^(?:meeting|decided at meeting)\s*:.*\(item\s+(\d{1,4})\)\s*$",
                             re.IGNORECASE)
CAPS_ITEM_RE = re.compile(r"^(\d{1,4})\s+(?:\(\d{1,3}\)\s+)?([A-Z][A-Z0-9 ,‘’'&()/\-]{3,}?)"
                          r"\s+[–—-]\s+(\S.*)$", re.DOTALL)  # "233 MINUTES – Resolved – That…"
ROMANS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII",
          "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX")
ROMAN_ITEM_RE = re.compile(r"^([IVX]{1,5})\s+([A-Z][A-Z0-9 ,’'&()/\-–.]{5,})$")


def link_free(text: str) -> str:
    """A title without the link text that follows it on a saved page ("pdf icon PDF 75 KB")."""
    return LINK_RE.sub("", text).strip()


def _item(label: str, heading: str, block: Block) -> Block:
    """An item block: its number, and its heading as printed ("941. Apologies")."""
    return Block("item", block.page, link_free(heading) or heading, label=label)


def _number_line(block: Block, expected: str) -> tuple[str, str] | None:
    """(number, title) when the block starts a minute item with its number."""
    text = f"{block.label} {block.text}" if block.kind == "numbered" else block.text
    if block.kind not in ("numbered", "text") or "\n" in text:
        return None
    match = BARE_RE.match(text)
    if match is None or int(match.group(1)) >= 1900:
        return None
    number, title = match.group(1), match.group(2)
    named = number == expected or bool(LINK_RE.search(title))
    return (number, text) if named and len(title) < 250 else None


def _title(block: Block) -> bool:
    """Whether the block under a lone item number is the item's title."""
    text = link_free(block.text)
    return block.kind in ("text", "heading") and len(text) < 250 and \
        not LONE_RE.match(text) and (heading_like(text) or text.isupper())


class ItemMarker:
    """Walks the blocks once, replacing the blocks that start minute items."""

    def __init__(self, blocks: list[Block], paged: bool) -> None:
        self.blocks = blocks
        self.paged = paged  # PDFs: only numbers a "Meeting:" line or link text vouches for
        self.out: list[Block] = []
        self.expected = ""  # the item number the last "Meeting: … (Item N)" line named
        self.romans = 0  # roman-numbered items seen, in order

    def run(self) -> list[Block]:
        index = 0
        while index < len(self.blocks):
            index += self._take(index)
        return self.out

    def _take(self, index: int) -> int:
        """Handle the block at ``index``; returns how many blocks it used."""
        block = self.blocks[index]
        following = self.blocks[index + 1] if index + 1 < len(self.blocks) else None
        meeting = MEETING_ITEM_RE.match(block.text) if block.kind == "text" else None
        if meeting:
            self.expected = meeting.group(1)
            numbered = _number_line(following, self.expected) if following else None
            if numbered is None or following is None:  # the meeting line opens the item
                self.out.append(_item(self.expected, block.text, block))
                return 1
            self.out += [_item(*numbered, following), block]  # the meeting line is in it
            return 2
        if self.paged:
            numbered = _number_line(block, self.expected)
            self.out.append(_item(*numbered, block) if numbered else block)
            return 1
        lone = LONE_RE.match(block.text) if block.kind == "text" else None
        if lone and following is not None and _title(following):
            self.out.append(_item(lone.group(1) or lone.group(2),
                                  f"{block.text} {following.text}", following))
            return 2
        numbered = _number_line(block, self.expected)
        if numbered:
            self.out.append(_item(*numbered, block))
            return 1
        return self._caps_item(block)

    def _caps_item(self, block: Block) -> int:
        text = block.text
        caps = CAPS_ITEM_RE.match(text) if block.kind == "text" else None
        if caps and int(caps.group(1)) < 1900:
            self.out.append(_item(caps.group(1), text[: caps.start(3)].rstrip(" –—-"), block))
            self.out.append(Block("text", block.page, caps.group(3), last=block.last))
            return 1
        roman = ROMAN_ITEM_RE.match(text) if block.kind == "text" else None
        if roman and self.romans < len(ROMANS) and roman.group(1) == ROMANS[self.romans] \
                and heading_like(roman.group(2)):
            self.romans += 1
            self.out.append(_item(roman.group(1), text, block))
            return 1
        self.out.append(block)
        return 1


def mark_items(blocks: list[Block], paged: bool = False) -> list[Block]:
    """The blocks with those that start minute items replaced by ``item`` blocks."""
    return ItemMarker(blocks, paged).run()
