"""Rank: the candidates in order, best first, read into passages. The shipped ranker fuses
the two searches by reciprocal rank (RRF); a fitted ranker implements the same ``Ranker``
protocol and takes its place. ``search`` runs gather then rank."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from assistant.documents import Passage
from assistant.lexical import tokenize
from assistant.library import Library
from assistant.ranking import FEATURES, LinearRanker, Pooled, RankQuery, features
from assistant.stages.gather import Candidates, Gatherer
from assistant.stages.understand import Understanding
from assistant.tuning import RRF_K

if TYPE_CHECKING:
    from assistant.retrieval import Retriever

SEARCH_TRIES = 4  # searches of one question while documents are being replaced under it


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


class FittedRanker:
    """Orders candidates by a linear model fitted on labelled questions (assistant/ranker.json,
    from `scrutineer eval fit-ranker`) over features of each (question, paragraph) pair:
    both searches' scores for every candidate, words covered, the names, years and document
    the question speaks of, neighbours and the document's other candidates."""

    def __init__(self, index: Retriever, model: LinearRanker) -> None:
        self.index = index
        self.model = model

    def rank(self, understanding: Understanding, candidates: Candidates, k: int
             ) -> list[Ranked]:
        """The best ``k`` candidates by the model's score."""
        pool, matrix = candidate_pool(self.index, understanding, candidates)
        if not pool:
            return []
        scores = self.model.scores(matrix)
        order = np.argsort(-scores, kind="stable")[:k]
        return [Ranked(pool[i].paragraph.key, float(scores[i]), pool[i].dense, pool[i].lexical)
                for i in order]


def candidate_pool(index: Retriever, understanding: Understanding, candidates: Candidates
                   ) -> tuple[list[Pooled], np.ndarray]:
    """Every candidate that can still be read, with both searches' scores, and its row of
    features."""
    found = [c for c in candidates.each() if c.key in candidates.scored]
    paragraphs = {p.key: p for p in index.library.get_paragraphs([c.key for c in found])}
    pool = [Pooled(paragraphs[c.key], candidates.documents[paragraphs[c.key].doc_id],
                   *candidates.scored[c.key], c.dense_rank, c.lexical_rank)
            for c in found if c.key in paragraphs
            and paragraphs[c.key].doc_id in candidates.documents]
    if not pool:
        return [], np.zeros((0, len(FEATURES)), dtype=np.float32)
    terms = tokenize(" ".join((understanding.standalone, *candidates.extra)))
    return pool, features(rank_query(understanding, terms), pool, index.lexical.idf(terms))


def rank_query(understanding: Understanding, terms: list[str]) -> RankQuery:
    """What the features need of the question: its words, and the names and years it states
    (those of its soft preferences too)."""
    wanted = understanding.intent
    preferred = understanding.preferences
    names = tuple(dict.fromkeys((*wanted.names, *preferred.councils,
                                 *preferred.committees)))
    return RankQuery(understanding.standalone, tuple(terms), names, wanted.years,
                     wanted.kind in ("figure", "date"))


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
    index is refreshed and both run again (up to SEARCH_TRIES times in all: an ingest that
    publishes document after document can replace another one during the second search)."""
    found, current = _search_once(gatherer, ranker, understanding, vector, k)
    for _ in range(SEARCH_TRIES - 1):
        if current:
            break
        gatherer.index.refresh(force=True)
        found, current = _search_once(gatherer, ranker, understanding, vector, k)
    return found


def _search_once(gatherer: Gatherer, ranker: Ranker, understanding: Understanding,
                 vector: list[float], k: int) -> tuple[list[Passage], bool]:
    index = gatherer.index
    candidates = gatherer.gather(understanding, vector, index.allowed(understanding.filters))
    ranking = ranker.rank(understanding, candidates, k)
    found, complete = passages(index.library, ranking, candidates)
    return found, complete and not candidates.stale
