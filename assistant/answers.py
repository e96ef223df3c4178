"""The typed values an answer is made of: filters, citations and the answer itself."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.citations import citation, readable_date
from assistant.documents import Passage


@dataclass(frozen=True)
class Filters:
    """Which documents a question may be answered from. Empty fields do not filter."""

    councils: tuple[str, ...] = ()
    committees: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    date_from: str = ""  # ISO date, inclusive
    date_to: str = ""
    documents: tuple[str, ...] = ()  # document ids, file names or report references
    include_exempt: bool = False
    undated_too: bool = False  # a date range keeps documents that print no date

    def merged(self, other: Filters) -> Filters:
        """These filters, with ``other`` filling the fields these leave empty."""
        dated = self.date_from or self.date_to
        return Filters(
            self.councils or other.councils, self.committees or other.committees,
            self.doc_types or other.doc_types, self.date_from or other.date_from,
            self.date_to or other.date_to, self.documents or other.documents,
            self.include_exempt or other.include_exempt,
            self.undated_too if dated else other.undated_too)

    def describe(self) -> str:
        """The filters in words, for "what was searched"."""
        parts = []
        if self.councils:
            parts.append("council: " + " or ".join(self.councils))
        if self.committees:
            parts.append("committee: " + " or ".join(self.committees))
        if self.doc_types:
            parts.append("type: " + " or ".join(self.doc_types))
        if self.date_from:
            parts.append(f"from {readable_date(self.date_from)}")
        if self.date_to:
            parts.append(f"until {readable_date(self.date_to)}")
        if self.documents:
            parts.append("documents: " + ", ".join(self.documents))
        return "; ".join(parts)


@dataclass(frozen=True)
class Citation:
    """One cited paragraph: its number in the answer and the sentence(s) quoted from it."""

    n: int
    passage: Passage
    quote: str

    @property
    def text(self) -> str:
        """The citation as people in the field write it."""
        return citation(self.passage.document, self.passage.paragraph)


@dataclass(frozen=True)
class Answer:
    """An answer with its citations, or an abstention that says what was searched."""

    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    passages: tuple[Passage, ...] = ()
    abstained: bool = False
    rewritten_question: str = ""
    related: tuple[Passage, ...] = ()  # "possibly related" paragraphs shown with an abstention
    searched: str = ""
    mode: str = "extractive"
    support: float = 0.0  # how well the best quoted sentence answers (the abstention score)
    dropped: tuple[str, ...] = ()  # sentences removed because their citation did not support them
    timings_ms: dict[str, float] = field(default_factory=dict)
