"""Seeded exempt-report variants for tests/test_exempt_fuzz.py: a real report header
(tests/exempt_headers.py) with an access statement (tests/exempt_wording.py) laid out one of
ten ways, and a short numbered body holding secrets unique to the variant, written as text,
Markdown, PDF or Word (tests/exempt_render.py). About one in ten is a public control whose
statement says the report may be published. Variant ``i`` depends only on the seed and ``i``,
so any miss can be replayed."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from tests.exempt_headers import HeaderSource, pick_header, sources
from tests.exempt_render import RENDERERS, Item, Layout
from tests.exempt_wording import LABELS, PUBLIC, RESTRICTED, Wording, sections, wording

SEED = 20250612
FAMILIES = ("standalone", "labelled", "title", "block", "spaced", "table", "split", "capitals",
            "running", "before_body")
PUBLIC_FAMILIES = tuple(f for f in FAMILIES if f != "title")
FORMATS = (".txt", ".md", ".pdf", ".docx")
PUBLIC_SHARE = 0.1
OWN_LABEL = re.compile(r"^([A-Za-z/ ']{2,40}[:?])\s+(\S.*)$")
SENTENCE = ("It is", "This report", "Exclusion")


@dataclass(frozen=True)
class Variant:
    """One generated report and what it must do."""

    name: str
    data: bytes = field(repr=False)
    format: str
    family: str
    statement: str  # as printed (cased, numbered)
    expected: str  # restricted | public
    level: str  # the level the statement states: exempt | confidential | public
    secrets: tuple[str, ...]  # place, person, figure: printed nowhere else
    question: str  # names the place
    source: str  # the real document whose header it carries

    @property
    def unasked(self) -> tuple[str, ...]:
        """The secrets the question does not name: an abstention may echo the question."""
        return tuple(s for s in self.secrets if s not in self.question)


def fits(statement: str, family: str) -> bool:
    """Whether a statement can be laid out that way: short ones in a title, several words to
    split, no label of its own (nor a sentence) after another label."""
    if family == "title":
        return len(statement) <= 45 and not OWN_LABEL.match(statement)
    if family == "split":
        return len(statement.split()) >= 4
    if family == "labelled":
        return not OWN_LABEL.match(statement) and not statement.startswith(SENTENCE)
    return True


def cased(statement: str, family: str, rng: random.Random) -> str:
    """As written, in capitals or in title case ("capitals" always in capitals)."""
    roll = rng.random()
    if family == "capitals" or roll < 0.25:
        return statement.upper()
    return statement.title() if roll < 0.4 else statement


def split_statement(statement: str, rng: random.Random) -> list[str]:
    """The statement broken over two or three lines mid-phrase (never between a label and
    its value)."""
    words = statement.split()
    gaps = [i for i in range(1, len(words)) if not words[i - 1].endswith((":", "?"))]
    cuts = sorted(rng.sample(gaps, min(len(gaps), rng.choice((1, 2)))))
    return [" ".join(words[a:b]) for a, b in zip([0, *cuts], [*cuts, len(words)], strict=True)]


def table_row(statement: str, rng: random.Random) -> Item:
    """The statement as a table row: its own label and value, a label beside it, or alone."""
    own = OWN_LABEL.match(statement)
    if own:
        return Item("row", own.groups())
    if statement.startswith(SENTENCE) or rng.random() < 0.3:
        return Item("row", (statement, ""))
    return Item("row", (rng.choice(LABELS).rstrip(":"), statement))


def statement_items(family: str, statement: str, rng: random.Random) -> list[Item]:
    """The header lines that carry the statement, for the families placed among the fields."""
    blank = Item("blank", ())
    if family in ("standalone", "capitals"):
        return [blank, Item("line", (statement,)), blank]
    if family == "labelled":
        return [Item("line", (f"{rng.choice(LABELS)} {statement}",))]
    if family == "split":
        return [Item("split", tuple(split_statement(statement, rng)))]
    if family == "table":
        return [table_row(statement, rng)]
    if family == "before_body":
        return [blank, Item("line", (statement,))]
    return [Item("line", (statement,))]  # block, spaced


def title_with(title: str, statement: str, rng: random.Random) -> str:
    """The title line with the statement before or after it."""
    forms = ("{s} – {t}", "{s}: {t}", "{t} – {s}", "{t} ({s})", "{s} - {t}")
    return rng.choice(forms).format(s=statement, t=title)


def header(lines: list[str], words: Wording, family: str, statement: str,
           rng: random.Random) -> tuple[list[Item], str]:
    """The header items with the statement placed, and the running header (if any)."""
    table = family == "table"
    items = [Item("row", _cells(line)) if table else Item("line", (line,)) for line in lines]
    title = title_with(words.title, statement, rng) if family == "title" else words.title
    items.insert(rng.randint(0, min(2, len(items))), Item("title", (title,)))
    if family in ("title", "running"):
        return _spaced(items, rng.random() < 0.3), statement if family == "running" else ""
    at = len(items) if family == "before_body" else rng.randint(1, len(items))
    items[at:at] = statement_items(family, statement, rng)
    return _spaced(items, family == "spaced"), ""


def _cells(line: str) -> tuple[str, ...]:
    """A header line as table cells: "Label: value" in two, anything else in the first."""
    label, colon, value = line.partition(":")
    if colon and len(label) <= 40 and value.strip():
        return (label.strip(), value.strip())
    return (line, "")


def _spaced(items: list[Item], spaced: bool) -> list[Item]:
    """The header with a blank line after every field (when ``spaced``)."""
    if not spaced:
        return items
    out: list[Item] = []
    for item in items:
        out += [item, Item("blank", ())] if item.kind != "blank" else []
    return out


def variant(index: int, seed: int, found: dict[str, list[HeaderSource]]) -> Variant:
    """Variant ``index`` of the run seeded ``seed``."""
    rng = random.Random(f"{seed}-{index}")
    public = rng.random() < PUBLIC_SHARE
    family = rng.choice(PUBLIC_FAMILIES if public else FAMILIES)
    fmt = rng.choice(FORMATS)
    statements = tuple(s for s in (PUBLIC if public else RESTRICTED) if fits(s[0], family))
    words = wording(index, rng, statements)
    statement = cased(words.statement, family, rng)
    source, lines = pick_header(rng, found)
    items, running = header(lines, words, family, statement, rng)
    layout = Layout(items, sections(words.paragraphs, rng), running,
                    table_style=rng.choice(("space", "tab")), soft_breaks=rng.random() < 0.5)
    return Variant(f"{index:05d}-{words.slug}{fmt}", RENDERERS[fmt](layout), fmt, family,
                   statement, "public" if public else "restricted", words.level, words.secrets,
                   words.question, source.name)


def generate(count: int, seed: int = SEED, kent_limit: int = 20) -> list[Variant]:
    """``count`` variants: headers from the shared corpus when present (else the samples)."""
    found = sources(kent_limit)
    return [variant(index, seed, found) for index in range(count)]
