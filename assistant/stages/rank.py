"""Rank: the candidates in order, best first, read into passages. The shipped ranker fuses
the two searches by reciprocal rank (RRF); a fitted ranker implements the same ``Ranker``
protocol and takes its place. ``search`` runs gather then rank."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from assistant.documents import Passage
from assistant.library import Library
from assistant.stages.gather import Candidates, Gatherer
from assistant.stages.understand import Understanding

RRF_K = 60


@dataclass(frozen=True)
class Ranked:
    """One candidate's place: its store key, the score that ordered it and its searches'."""

    key: str
    score: float
    dense: float = 0.0
    lexical: float = 0.0


class Ranker(Protocol):
    """Orders the candidates for a question (its preferences may boost some); returns at
    most ``k``, best first."""

    def rank(self, understanding: Understanding, candidates: Candidates, k: int
             ) -> list[Ranked]: ...


class FusionRanker:
    """Reciprocal rank fusion: each search adds 1 / (``constant`` + rank) to a paragraph."""

    def __init__(self, constant: int = RRF_K) -> None:
        self.constant = constant

    def rank(self, understanding: Understanding, candidates: Candidates, k: int
             ) -> list[Ranked]:
        """The best ``k`` by fused score (ties keep dense hits, then lexical, in rank order)."""
        scores: dict[str, float] = {}
        for ranking in (candidates.dense, candidates.lexical):
            for rank, (key, _) in enumerate(ranking):
                scores[key] = scores.get(key, 0) + 1 / (self.constant + rank)
        best = sorted(scores, key=scores.__getitem__, reverse=True)[:k]
        dense, lexical = dict(candidates.dense), dict(candidates.lexical)
        return [Ranked(key, scores[key], dense.get(key, 0.0), lexical.get(key, 0.0))
                for key in best]


def passages(library: Library, ranking: list[Ranked], candidates: Candidates
             ) -> tuple[list[Passage], bool]:
    """The ranked paragraphs as passages, and whether every one of them could still be read
    (in the version of its document in scope)."""
    if not ranking:
        return [], True
    places = {r.key: r for r in ranking}
    found = []
    for paragraph in library.get_paragraphs([r.key for r in ranking]):
        document = candidates.documents.get(paragraph.doc_id)
        if document is None or document.version != paragraph.version:
            continue
        place = places[paragraph.key]
        found.append(Passage(paragraph, document, place.score, place.dense, place.lexical))
    return found, len(found) == len(ranking)


def search(gatherer: Gatherer, ranker: Ranker, understanding: Understanding,
           vector: list[float], k: int) -> list[Passage]:
    """Gather the candidates in the scope of the question's filters, then rank them; when a
    document was replaced meanwhile (a newer version found, or a ranked paragraph gone), the
    index is refreshed and both run once more."""
    found, current = _search_once(gatherer, ranker, understanding, vector, k)
    if current:
        return found
    gatherer.index.refresh(force=True)
    return _search_once(gatherer, ranker, understanding, vector, k)[0]


def _search_once(gatherer: Gatherer, ranker: Ranker, understanding: Understanding,
                 vector: list[float], k: int) -> tuple[list[Passage], bool]:
    index = gatherer.index
    candidates = gatherer.gather(understanding, vector, index.allowed(understanding.filters))
    ranking = ranker.rank(understanding, candidates, k)
    found, complete = passages(index.library, ranking, candidates)
    return found, complete and not candidates.stale
