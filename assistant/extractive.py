"""The default answerer: no LLM, only the documents' own words. It picks the sentences that
answer the question, keeps lists as lists (a lead-in that announces a count with that many
items), brings a table row's answering cells, leads with the figure, date, person or body
asked for, groups by document and paragraph, and cites every paragraph once. It never quotes
text that gives instructions, and numbers in brackets in a quote are shown in parentheses, so
the answer's own markers are the only citations in it."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answers import Citation
from assistant.arrange import Scored, leading, reading_order, with_counted_lists, with_row_cells
from assistant.documents import Passage
from assistant.embedder import Embedder
from assistant.fitted import Logistic
from assistant.lexical import tokenize
from assistant.query import Intent
from assistant.quoting import render
from assistant.selection import scores, unit_features
from assistant.sentences import introduces
from assistant.vector_cache import VectorCache

CLOSE = 0.8  # without a fitted model: the share of the best score a close second reaches

__all__ = ["Draft", "ExtractiveAnswerer", "Scored"]


@dataclass(frozen=True)
class Draft:
    """What the answerer found: the text, its citations and how well it is supported."""

    text: str
    citations: tuple[Citation, ...]
    support: float  # the best unit's score: the abstention decision compares it to a threshold
    coverage: float


class ExtractiveAnswerer:
    """Selects and arranges document sentences; every sentence carries a citation."""

    def __init__(self, embedder: Embedder, max_units: int = 4, max_items: int = 15,
                 selector: Logistic | None = None) -> None:
        self.vectors = VectorCache(embedder)
        self.selector = selector  # the fitted model ordering the units; None: the hand score
        self.max_units = max_units
        self.max_items = max_items

    @property
    def close(self) -> float:
        """The share of the best unit's score a close second must reach to be quoted too:
        the fitted model's threshold, or CLOSE."""
        return self.selector.threshold if self.selector else CLOSE

    def score(self, question: str, vector: list[float], intent: Intent,
              passages: list[Passage]) -> list[Scored]:
        """Every unit of every passage, scored against the question, best first."""
        found = unit_features(question, vector, intent, passages, self.vectors)
        ordered = scores(found, self.selector)
        scored = [Scored(index, unit, score, found.coverage(k), found.dense(k), found.support[k])
                  for k, ((index, unit), score) in enumerate(zip(found.candidates, ordered,
                                                                 strict=True))]
        return sorted(scored, key=lambda s: s.score, reverse=True)

    def select(self, scored: list[Scored], intent: Intent, passages: list[Passage]
               ) -> list[Scored]:
        """The units worth quoting: the best, then close seconds that add something new."""
        if not scored:
            return []
        best = scored[0]
        chosen = [best]
        for candidate in scored[1:]:
            if len(chosen) >= self.max_units or candidate.score < self.close * best.score:
                break
            if all(_overlap(candidate.unit.text, c.unit.text) < 0.6 for c in chosen):
                chosen.append(candidate)
        if intent.kind == "list":
            chosen = self._with_list(chosen, scored)
        if introduces(chosen[0].unit.text):
            chosen = self._with_what_follows(chosen, scored, passages)
        chosen = with_counted_lists(chosen, scored, passages, self.max_items)
        return with_row_cells(chosen, scored, passages, intent.kind)

    def _with_what_follows(self, chosen: list[Scored], scored: list[Scored],
                           passages: list[Passage]) -> list[Scored]:
        """A lead-in ("uses the following definition:") is quoted with what it introduces: its
        own items, or the next paragraph when the lead-in ends its paragraph."""
        lead = chosen[0]
        same = sorted((s for s in scored if s.passage == lead.passage),
                      key=lambda s: s.unit.position)
        after = [s for s in same if s.unit.position > lead.unit.position]
        if not after:
            here = passages[lead.passage].paragraph
            following = [i for i, p in enumerate(passages)
                         if p.paragraph.doc_id == here.doc_id
                         and p.paragraph.ordinal == here.ordinal + 1]
            if following:
                after = sorted((s for s in scored if s.passage == following[0]),
                               key=lambda s: s.unit.position)
        taken = [lead, *after[: self.max_items]]
        return taken + [c for c in chosen[1:] if c not in taken]

    def _with_list(self, chosen: list[Scored], scored: list[Scored]) -> list[Scored]:
        """A list question takes the whole list that the best list-bearing unit belongs to."""
        listed = [s for s in scored if s.unit.kind in ("lead", "item", "subheading")]
        in_best = [s for s in listed if s.passage == chosen[0].passage]
        if len(in_best) >= 2:
            anchor = chosen[0]
        elif listed and listed[0].score >= 0.75 * scored[0].score:
            anchor = listed[0]
        else:
            return chosen
        same = [s for s in scored if s.passage == anchor.passage]
        heads = [s for s in same if s.unit.kind == "subheading"]
        members = heads if len(heads) >= 2 else [s for s in same if s.unit.kind == "item"]
        if len(members) < 2:
            return chosen
        lead = [s for s in same if s.unit.kind in ("lead", "sentence")
                and s.unit.position < min(m.unit.position for m in members)]
        intro = max(lead, key=lambda s: (round(s.coverage, 2), s.unit.position)) if lead else None
        picked = ([intro] if intro else []) + members[: self.max_items]
        others = [c for c in chosen if c.passage != anchor.passage and c.score >= anchor.score]
        return picked + others

    def compose(self, question: str, vector: list[float], intent: Intent,
                passages: list[Passage]) -> Draft:
        """The answer text and citations from the passages."""
        scored = self.score(question, vector, intent, passages)
        chosen = self.select(scored, intent, passages)
        if not chosen:
            return Draft("", (), 0.0, 0.0)
        text, citations = render(_ordered(chosen, intent, passages), passages)
        return Draft(text, citations, scored[0].support, scored[0].coverage)


def _ordered(chosen: list[Scored], intent: Intent, passages: list[Passage]) -> list[Scored]:
    """The order units are shown in: for "how many", "when" and "who", the unit holding what
    was asked first, then the rest of its paragraphs, then the others (by meeting date for
    figures and dates); otherwise the best unit's paragraphs first. Paragraphs that follow
    one another in a document stay together in reading order."""
    lead = leading(chosen, intent.kind)
    keys = reading_order(chosen, passages)
    root = keys[lead.passage][0]

    def place(s: Scored) -> tuple:
        key = keys[s.passage]
        dated = passages[s.passage].document.meta.meeting_date \
            if intent.kind in ("figure", "date") else ""
        return key[0] != root, dated, key, s.unit.position

    if intent.kind in ("figure", "date", "who"):
        return [lead, *sorted((c for c in chosen if c is not lead), key=place)]
    return sorted(chosen, key=place)


def _overlap(a: str, b: str) -> float:
    left, right = set(tokenize(a)), set(tokenize(b))
    return len(left & right) / (len(left | right) or 1)
