"""The corpus the crash and concurrent-access tests ingest: sample PDFs and Markdown reports in
two variants whose paragraph counts differ, and a question about them."""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from assistant.library import Library
from assistant.settings import Settings
from ingest.chunk import document_id
from ingest.parse import content_hash, parse_file
from tests.conftest import SAMPLES
from tests.crash_targets import VARIANT_SUFFIX

WORDS = ("knife", "crime", "patrols", "housing", "youth", "refuge", "funding", "schools",
         "drugs", "reoffending", "county", "lines", "victims", "outreach", "cameras")
QUESTION = "What did the board note about knife crime patrols in schools?"


def report(number: int, variant: str, sections: int) -> str:
    """A Markdown report whose numbered paragraphs differ between variants "a" and "b"."""
    rng = random.Random(f"{number}{variant}")
    lines = [f"# Safer Town {number} Partnership: {variant.upper()} review", "",
             f"Report to: Safer Town {number} Board", "", f"Date: {number + 3} March 2024", ""]
    for section in range(1, sections + 1):
        lines += [f"## {section}. Section {section} ({variant})", ""]
        for item in range(1, 5):
            words = " ".join(rng.choice(WORDS) for _ in range(30))
            lines += [f"{section}.{item} In version {variant} the board noted {words}.", ""]
    return "\n".join(lines)


@dataclass
class Corpus:
    """A folder of sample PDFs and Markdown reports in two variants (copied in by ``use``),
    plus ``fresh.md``, a document new to the library in every kill run."""

    folder: Path
    texts: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    hashes: dict[str, dict[str, str]] = field(default_factory=dict)
    variant: str = "a"

    @classmethod
    def make(cls, root: Path, reports: int = 5) -> Corpus:
        corpus = cls(root / "library")
        corpus.folder.mkdir(parents=True)
        for variant in "ab":
            folder = corpus.variants / variant
            folder.mkdir(parents=True)
            for number in range(reports):
                (folder / f"report-{number}.md").write_text(
                    report(number, variant, 2 + number % 3 * 2 + (variant == "b")))
        for pdf in SAMPLES.glob("*.pdf"):
            shutil.copy(pdf, corpus.folder)
        corpus.fresh.write_text(report(99, "a", 3))
        for variant in "ab":
            corpus.use(variant)
            for path in corpus.files():
                corpus.texts.setdefault(path.name, {})[variant] = tuple(
                    p.text for p in parse_file(path).paragraphs)
                corpus.hashes.setdefault(path.name, {})[variant] = content_hash(path)
        corpus.use("a")
        return corpus

    @property
    def variants(self) -> Path:
        return self.folder.with_name(self.folder.name + VARIANT_SUFFIX)

    @property
    def fresh(self) -> Path:
        return self.folder / "fresh.md"

    def use(self, variant: str) -> None:
        for path in (self.variants / variant).iterdir():
            shutil.copyfile(path, self.folder / path.name)
        self.variant = variant

    def files(self) -> list[Path]:
        return sorted(self.folder.iterdir())

    def names(self) -> dict[str, str]:
        """Document id -> file name, for every file that may be in the library."""
        return {document_id(p): p.name for p in [*self.files(), self.fresh]}


def reopened(settings: Settings) -> Library:
    """The library as a new process opens it: Chroma's in-process cache of open stores is
    dropped first (an embedded store opened before another process wrote is stale)."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    return Library(settings)
