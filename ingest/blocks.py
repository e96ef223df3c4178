"""Cleaned lines to blocks: hard wraps repaired, numbered paragraphs, sub-items, bullets,
tables and headings told apart."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.clean import Line
from ingest.dates import DAY_MONTH_YEAR
from ingest.labels import expected_next, parse_label

NUMBERED_RE = re.compile(r"^(?:[•\-*–]\s+)?(\(?\d{1,3}(?:\.\d{1,3}){0,3}[.)]?)\s+(\S.*)$")
SUBITEM_RE = re.compile(r"^(?:[•\-*–]\s+)?(\([a-zA-Z]{1,5}\)|[a-z]{1,5}[.)]|[A-Z][.)])\s+(\S.*)$")
BULLET_RE = re.compile(r"^(?:[•\-*–—▪o]|\d+\s*[•])\s+(\S.*)$")
ROMAN_RE = re.compile(r"^\(?[ivxlc]+[.)]?\)?$")
TERMINAL = (".", "!", "?", ":", ";", ".)", '."', ".”", "?”", ".'", ".’")
SEPARATOR_RE = re.compile(r"^[\s|:+\-=_]+$")
FIELD_LINE_RE = re.compile(r"^[A-Za-z][A-Za-z/()]*(?: [A-Za-z/()]+){0,3}\s*:\s+\S")
KEYED_RE = re.compile(r"^[A-Z][A-Za-z/()?]*(?: [A-Za-z/()?]+){0,3}\s*:\s*\S")
ITEM_END_RE = re.compile(r"^(?:decided at )?meeting\s*:.*\(item \d{1,4}\)$",
                         re.IGNORECASE)  # "Meeting: 06/07/2021 - Cabinet (Item 8)"
STOPWORDS = {"and", "of", "the", "for", "in", "on", "to", "a", "an", "with", "by", "at", "or",
             "from", "into", "its", "their", "our", "as", "vs", "per", "&", "–", "-"}


@dataclass
class Block:
    """A logical unit of text before sections are worked out."""

    kind: str  # numbered | subitem | bullet | text | heading | table
    page: int | None
    text: str = ""
    label: str = ""
    level: int = 0  # Markdown/Word heading level, when known
    stamp: str = ""  # an "Agenda Item N" stamp on the page where this block starts
    rows: list[tuple[int | None, list[str]]] = field(default_factory=list)
    lines: int = 1
    last: str = ""  # the last physical line, to judge whether a wrap continues

    def append(self, text: str, vocabulary: set[str]) -> None:
        self.text = join_wrapped(self.text, text, vocabulary)
        self.last = text
        self.lines += 1


def collapse(text: str) -> str:
    """Collapse runs of spaces (justified layout) to one."""
    return " ".join(text.split())


def join_wrapped(left: str, right: str, vocabulary: set[str]) -> str:
    """Join a wrapped line, repairing hyphenation when the unhyphenated word is known."""
    match = re.search(r"(\w+)-$", left)
    if match and right[:1].islower():
        word = match.group(1) + re.match(r"\w*", right).group(0)  # type: ignore[union-attr]
        if word.lower() in vocabulary:
            return left[:-1] + right
        return left + right
    return f"{left} {right}"


def heading_like(text: str) -> bool:
    """Short, title-like text that does not read as a sentence."""
    words = text.split()
    if FIELD_LINE_RE.match(text) or "@" in text or "http" in text or \
            not re.search(r"[A-Za-z]{3}", text):
        return False
    if not words or len(text) > 120 or len(words) > 16 or text.endswith((",", ";")):
        return False
    if not (text[0].isupper() or text[0].isdigit()) or re.search(r"[a-z]\. [A-Z]", text):
        return False
    if text.endswith(":") or text.isupper() or (len(words) <= 6 and not text.endswith(".")):
        return True
    significant = [w for w in words if w.lower().strip("(),") not in STOPWORDS and len(w) > 2]
    capitals = sum(1 for w in significant if w.strip("(")[:1].isupper())
    needed = 0.75 if text.endswith(".") else 0.5
    return bool(significant) and capitals / len(significant) >= needed


def is_table_line(text: str) -> bool:
    """Tab-separated (or Markdown pipe) rows of a table."""
    return "\t" in text.strip("\t ") or ("\t" in text and text.startswith("\t")) or \
        (text.startswith("|") and text.count("|") >= 2)


def table_cells(text: str) -> list[str]:
    """Cells of a table line, empty cells kept so columns stay in place."""
    if text.startswith("|"):
        return [collapse(c) for c in text.strip().strip("|").split("|")]
    return [collapse(c) for c in text.split("\t")]


class BlockBuilder:
    """Walks cleaned lines once, deciding for each whether it starts a block or continues one."""

    def __init__(self, lines: list[Line], paged: bool) -> None:
        self.lines = lines
        self.paged = paged
        self.blocks: list[Block] = []
        self.current: Block | None = None
        self.gap = True
        self.last_label = ""
        self.vocabulary = {w.lower() for ln in lines for w in re.findall(r"\w{3,}", ln.text)}
        lengths = sorted(len(collapse(ln.text)) for ln in lines if not ln.blank)
        self.width = lengths[int(0.85 * (len(lengths) - 1))] if lengths else 80

    def build(self) -> list[Block]:
        """The blocks of the whole document, in reading order."""
        for line in self.lines:
            self._feed(line)
        self._flush()
        return self.blocks

    def _feed(self, line: Line) -> None:
        if line.blank:
            self.gap = self.gap or not line.page_break
            return
        raw = line.text
        if line.stamp:
            self._flush()
            self.blocks.append(Block("stamp", line.page, text=line.stamp))
        if is_table_line(raw):
            self._table_line(line)
        elif SEPARATOR_RE.match(raw) and ("|" in raw or raw.count("-") > 3):
            pass
        elif line.heading_level:
            self._start(Block("heading", line.page, collapse(raw), level=line.heading_level))
        else:
            self._text_line(line, collapse(raw))
        self.gap = False

    def _table_line(self, line: Line) -> None:
        cells = table_cells(line.text)
        if all(SEPARATOR_RE.match(c) or not c for c in cells):
            return
        if self.current is None or self.current.kind != "table":
            self._start(Block("table", line.page))
        assert self.current is not None
        self.current.rows.append((line.page, cells))

    def _text_line(self, line: Line, text: str) -> None:
        start = self._classify(text)
        if start is None and self.current is not None and self._continues(text):
            self.current.append(text, self.vocabulary)
            return
        block = start or Block("text", line.page, text)
        block.page = line.page
        block.last = text
        if block.kind == "numbered":
            self.last_label = block.label
        self._start(block)

    def _classify(self, text: str) -> Block | None:
        match = NUMBERED_RE.match(text)
        if match and self._plausible_label(match.group(1), match.group(2)):
            label = match.group(1)
            return Block("numbered", None, match.group(2), label=parse_label(label).printed)
        match = SUBITEM_RE.match(text)
        if match and (len(match.group(1).strip("().")) == 1 or ROMAN_RE.match(match.group(1))):
            return Block("subitem", None, text.lstrip("•-*– "), label=match.group(1))
        match = BULLET_RE.match(text)
        if match:
            return Block("bullet", None, match.group(1))
        return None

    def _plausible_label(self, label: str, rest: str) -> bool:
        parsed = parse_label(label)
        if not parsed.parts or DAY_MONTH_YEAR.match(f"{label} {rest}"):
            return False
        bare = not label.endswith((".", ")")) and "." not in label and "(" not in label
        if bare and not (heading_like(rest) and parsed.parts[0] <= 60):
            return False
        if self.gap or self.current is None or self._terminated(self.current):
            return True
        return parsed.printed in expected_next(self.last_label)

    def _terminated(self, block: Block) -> bool:
        return block.kind in ("heading", "table") or block.last.rstrip().endswith(TERMINAL)

    def _continues(self, text: str) -> bool:
        current = self.current
        assert current is not None
        if current.kind in ("heading", "table", "stamp") or ITEM_END_RE.search(current.last):
            return False
        if not self.paged and KEYED_RE.match(text) and KEYED_RE.match(current.last):
            return False  # "Decision Maker: Cabinet" above "Decision status: Approved"
        long_last = len(current.last) >= (0.6 * self.width if self.paged else 60)
        lower = text[:1].islower() or text[:1] in ",;)]%&" or \
            (text[:1].isdigit() and long_last)
        if self.gap:
            return lower and not self._terminated(current)
        if lower:
            return True
        last = current.last
        if last.split()[-1].lower() in STOPWORDS:
            return True
        if not last.rstrip().endswith(TERMINAL):
            short = len(last) < 0.6 * self.width if self.paged else True
            titled = heading_like(current.text if current.kind == "numbered" else last)
            return not (current.lines == 1 and current.kind in ("text", "numbered") and titled
                        and short)
        return self.paged and len(last) >= 0.8 * self.width

    def _start(self, block: Block) -> None:
        self._flush()
        self.current = block

    def _flush(self) -> None:
        if self.current is not None:
            self.blocks.append(self.current)
        self.current = None


def build_blocks(lines: list[Line], paged: bool) -> list[Block]:
    """Blocks of a document from its cleaned lines."""
    return BlockBuilder(lines, paged).build()
