"""Real report headers for the exempt-report fuzz test: the first lines of real documents (the
shared corpus's seeds, Kent PDFs and council web pages; the project's own samples when the
corpus is absent), with every line that already states an access level removed, so the
statement a variant adds is the only thing that says whether it may be published.

Headers are read lazily and cached for the session: a Kent PDF is extracted only when a
variant first picks it."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tests.conftest import CORPUS, KENT, ROOT, SEEDS

COUNCILS = CORPUS / "councils" / "docs"
SAMPLE_SOURCES = ROOT / "samples" / "sources"
SAMPLE_LIBRARY = ROOT / "samples" / "library"
MIN_LINES, MAX_LINES = 8, 20
MAX_CHARS = 150
# Lines that already say something about access: dropped, so only the added statement counts.
STATED = re.compile(
    r"unrestricted|classif|exempt|confiden|restrict|publica|publish|private|privilege|"
    r"sensitiv|protective|schedule\s*12|\bpart\s*(?:1|2|i|ii|b)\b|\bopen\b|\bpublic\b|"
    r"\bnot\s+for\b|official", re.IGNORECASE)
BODY_START = re.compile(r"^\W{0,3}(?:\d+(?:\.\d+)*\.?\s+\S|purpose of (?:this|the) report)",
                        re.IGNORECASE)


@dataclass(frozen=True)
class HeaderSource:
    """Where a header comes from: its kind (seeds, kent, councils, samples) and file."""

    kind: str
    path: Path

    @property
    def name(self) -> str:
        return f"{self.kind}/{self.path.name}"


def sources(kent_limit: int = 20) -> dict[str, list[HeaderSource]]:
    """The header sources by kind: the shared corpus's when present (the ``kent_limit``
    smallest Kent PDFs, since each is extracted), else the project's samples."""
    found: dict[str, list[HeaderSource]] = {}
    if SEEDS.is_dir():
        found["seeds"] = [HeaderSource("seeds", p) for p in sorted(SEEDS.glob("*.txt"))]
    if KENT.is_dir():
        pdfs = sorted(KENT.rglob("*.pdf"), key=lambda p: (p.stat().st_size, p.name))
        found["kent"] = [HeaderSource("kent", p) for p in pdfs[:kent_limit]]
    if COUNCILS.is_dir():
        found["councils"] = [HeaderSource("councils", p) for p in sorted(COUNCILS.glob("*.txt"))]
    found = {kind: listed for kind, listed in found.items() if listed}
    if not found:
        samples = [*sorted(SAMPLE_SOURCES.glob("*.md")), *sorted(SAMPLE_LIBRARY.glob("*.pdf"))]
        found["samples"] = [HeaderSource("samples", p) for p in samples]
    return found


def _first_page_text(path: Path) -> str:
    """A document's first page as the project extracts it (plain text for text files)."""
    if path.suffix.lower() == ".pdf":
        from ingest.formats import extract

        return extract(path).pages[0].text
    text = path.read_text(errors="replace")
    if path.parent == COUNCILS:  # the first line is the page's address, not its text
        text = text.partition("\n")[2]
    return text


def _clean(line: str) -> str:
    """One header line: trimmed, tabs and runs of layout spaces kept short, not too long."""
    line = re.sub(r" {4,}", "   ", line.replace("\t", "   ").strip())
    line = line.lstrip("#>*- ").strip()
    if len(line) > MAX_CHARS:
        line = line[:MAX_CHARS].rsplit(" ", 1)[0]
    return line


@cache
def header_lines(source: HeaderSource) -> tuple[str, ...]:
    """Up to MAX_LINES non-empty lines from the top of the document, stopping where its
    numbered body begins, with every line that states an access level removed."""
    lines = [_clean(line) for line in _first_page_text(source.path).splitlines()]
    lines = [line for line in lines if len(line) > 1][: MAX_LINES * 2]
    start = next((i for i, line in enumerate(lines) if BODY_START.match(line)), len(lines))
    top = lines[:start] if start >= MIN_LINES // 2 else lines[:MIN_LINES]
    return tuple(line for line in top if not STATED.search(line))[:MAX_LINES]


def pick_header(rng: random.Random, found: dict[str, list[HeaderSource]], tries: int = 20
                ) -> tuple[HeaderSource, list[str]]:
    """A random source (kinds equally likely) with a header of at least three lines, cut to
    8 to 20 lines."""
    for _ in range(tries):
        source = rng.choice(found[rng.choice(sorted(found))])
        lines = list(header_lines(source))
        if len(lines) >= 3:
            return source, lines[: rng.randint(MIN_LINES, MAX_LINES)]
    return source, [*lines, "Report of the Director of Place", "Cabinet"]
