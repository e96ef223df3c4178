"""Gather: the candidate paragraphs for a question among the documents in scope, from both
searches (dense by embedding, lexical by BM25), each ranked list with its scores. Only
paragraphs of the scope's published versions are kept, so nothing else is ever read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from assistant.abbreviations import expansions
from assistant.documents import Document, split_key
from assistant.lexical import tokenize
from assistant.tuning import EXACT_ROWS, MAX_FETCH

if TYPE_CHECKING:
    from assistant.retrieval import Retriever
    from assistant.stages.understand import Understanding



class Hit(NamedTuple):
    """One paragraph found by one search: its store key and that search's score."""

    key: str
    score: float


@dataclass(frozen=True)
class Candidate:
    """A paragraph either search found, with its rank (from 0) and score in each."""

    key: str
    dense_rank: int | None
    dense_score: float
    lexical_rank: int | None
    lexical_score: float


@dataclass(frozen=True)
class Candidates:
    """What both searches found in scope, each list best first."""

    question: str  # the standalone question searched for
    vector: Sequence[float] = ()  # its embedding
    dense: tuple[Hit, ...] = ()
    lexical: tuple[Hit, ...] = ()
    documents: dict[str, Document] = field(default_factory=dict)  # the scope, by id
    stale: bool = False  # a search saw a version newer than the scope's: gather again
    extra: tuple[str, ...] = ()  # words searched for besides the question's (abbreviations)
    scored: dict[str, tuple[float, float]] = field(default_factory=dict)  # key: (dense, BM25)

    def each(self) -> list[Candidate]:
        """Every paragraph found once, dense hits first then lexical-only ones, in rank order
        (the features a fitted ranker would read)."""
        dense, lexical = _ranks(self.dense), _ranks(self.lexical)
        return [Candidate(k, *dense.get(k, (None, 0.0)), *lexical.get(k, (None, 0.0)))
                for k in {**dense, **lexical}]


class Gatherer:
    """Runs both searches over the search index and the store."""

    def __init__(self, index: Retriever) -> None:
        self.index = index

    def gather(self, understanding: Understanding, vector: list[float],
               scope: Sequence[Document]) -> Candidates:
        """The candidates for the standalone question (and its embedding ``vector``) in the
        ``scope`` documents."""
        question = understanding.standalone
        docs = {d.doc_id: d for d in scope}
        allowed = {d: doc.version for d, doc in docs.items()}
        if not allowed:
            return Candidates(question, vector, documents=docs)
        index = self.index
        everything = len(allowed) == len(index.documents)
        built = index.lexical.signature  # the index the searches and scores below read
        mode = index.library.settings.retrieval
        found = self._dense(vector, allowed) if mode != "lexical" else []
        extra = tuple(expansions(question))
        found_lexically = [(h.para_id, h.score) for h in index.lexical.search(
            question, index.candidates, None if everything else allowed, extra)] \
            if mode != "dense" else []
        dense, lexical = _admitted(found, allowed), _admitted(found_lexically, allowed)
        scored = self._both_scores([*dense, *lexical], vector, (question, *extra))
        stale = any(_newer(docs, key) for key, _ in [*found, *found_lexically]) or \
            _behind(allowed, index.lexical.versions()) or \
            len(scored) < len({k for k, _ in [*dense, *lexical]}) or \
            index.lexical.signature != built  # the index was replaced meanwhile: again
        return Candidates(question, vector, dense, lexical, docs, stale, extra, scored)

    def _both_scores(self, hits: Sequence[Hit], vector: Sequence[float],
                     texts: Sequence[str]) -> dict[str, tuple[float, float]]:
        """Each candidate's dense similarity and BM25 score, whichever search found it
        (candidates the index does not hold are left out)."""
        lexical = self.index.lexical
        keys = list(dict.fromkeys(k for k, _ in hits))
        rows = lexical.rows_of(keys)
        held = rows >= 0
        keys, rows = [k for k, h in zip(keys, held, strict=True) if h], rows[held]
        dense = lexical.similarities(vector, rows)
        if dense is None:  # an index without vectors: the dense search's own scores
            found = dict(hits)
            dense = np.array([found.get(k, 0.0) for k in keys], dtype=np.float32)
        bm25 = lexical.scores(tokenize(" ".join(texts)), rows)
        return {k: (float(d), float(b)) for k, d, b in zip(keys, dense.tolist(), bm25.tolist(),
                                                            strict=True)}

    def _dense(self, vector: list[float], allowed: dict[str, str]) -> list[tuple[str, float]]:
        """Nearest allowed paragraphs by embedding. No filter is handed to the store (its
        filtered search scans the whole collection): up to EXACT_ROWS allowed paragraphs are
        searched exactly over their vectors in the search index; more, by over-fetching from
        the store's approximate index and keeping the allowed."""
        index, wanted = self.index, self.index.candidates
        rows = index.lexical.rows(allowed)
        if len(rows) <= EXACT_ROWS:
            return index.lexical.exact(vector, rows, wanted) or []
        fetch = min(MAX_FETCH, int(wanted * 2 * max(index.stored, 1) / len(rows)))
        hits = [(key, s) for key, s in index.library.nearest_ids(vector, fetch)
                if _admits(allowed, key)]
        if len(hits) < wanted:
            return index.lexical.exact(vector, rows, wanted) or hits
        return hits[:wanted]


def _ranks(hits: Sequence[Hit]) -> dict[str, tuple[int | None, float]]:
    """Each key's first rank and score in one search's hits."""
    ranks: dict[str, tuple[int | None, float]] = {}
    for rank, hit in enumerate(hits):
        ranks.setdefault(hit.key, (rank, hit.score))
    return ranks


def _admitted(hits: list[tuple[str, float]], allowed: dict[str, str]) -> tuple[Hit, ...]:
    return tuple(Hit(key, score) for key, score in hits if _admits(allowed, key))


def _admits(allowed: dict[str, str], key: str) -> bool:
    """Whether a store key is a paragraph of an allowed document's published version."""
    doc_id, _, version = split_key(key)
    return allowed.get(doc_id) == version


def _behind(allowed: dict[str, str], indexed: dict[str, str]) -> bool:
    """Whether the search index holds another version of a document in scope than the
    scope's (the index was rebuilt after the scope was read): its paragraphs went unfound."""
    return any(indexed.get(doc_id, version) != version for doc_id, version in allowed.items())


def _newer(docs: dict[str, Document], key: str) -> bool:
    """Whether a store key is of an allowed document but neither its published version nor
    the one it replaced (kept for readers a version behind): a version published, or being
    written, since this snapshot of the documents was read."""
    doc_id, _, version = split_key(key)
    document = docs.get(doc_id)
    return document is not None and version not in (document.version,
                                                     document.previous_version)
