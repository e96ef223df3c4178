"""Ranking candidates with a small fitted model: features of each (question, paragraph) pair,
each relative to the other candidates of the same question so that they carry across
libraries of any size, scored by a linear model fitted on labelled development questions
(``eval/fit_ranker.py``; the weights ship in ``assistant/ranker.json``)."""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.documents import Document, Paragraph
from assistant.lexical import tokenize
from assistant.tuning import NEARBY

FEATURES = (
    "dense", "dense_gap", "dense_top", "lexical", "lexical_top", "fused",
    "coverage", "coverage_context", "bigrams", "names", "year", "figure",
    "doc_best", "doc_share", "neighbour", "nearby", "length", "short", "table_row",
)
RANKER_FILE = Path(__file__).with_name("ranker.json")
NUMBER_RE = re.compile(r"\d|£|%")


@dataclass(frozen=True)
class RankQuery:
    """What ranking needs to know of the question."""

    text: str
    terms: tuple[str, ...]  # tokenized, stemmed
    names: tuple[str, ...] = ()  # names the question states ("Wiltshire", "Op Sceptre")
    years: tuple[int, ...] = ()
    figure: bool = False  # it asks for a number, amount or date


@dataclass(frozen=True)
class Pooled:
    """A paragraph found by either search, with both scores (each search scores every
    candidate) and its rank in each (None when that search did not return it)."""

    paragraph: Paragraph
    document: Document
    dense: float
    lexical: float
    dense_rank: int | None = None
    lexical_rank: int | None = None




def _coverage(terms: Sequence[str], present: set[str], idf: Mapping[str, float]) -> float:
    total = sum(idf.get(t, 1.0) for t in terms) or 1.0
    return sum(idf.get(t, 1.0) for t in terms if t in present) / total


def _bigrams(tokens: Sequence[str]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(tokens))


def _reciprocal(rank: int | None) -> float:
    return 0.0 if rank is None else 1.0 / (1.0 + rank)


def features(query: RankQuery, pool: Sequence[Pooled], idf: Mapping[str, float]
             ) -> np.ndarray:
    """One row of FEATURES per candidate."""
    if not pool:
        return np.zeros((0, len(FEATURES)), dtype=np.float32)
    terms = list(dict.fromkeys(query.terms))
    query_bigrams = _bigrams(list(query.terms))
    name_terms = [set(tokenize(n)) for n in query.names]
    dense = np.array([c.dense for c in pool], dtype=np.float32)
    lexical = np.array([c.lexical for c in pool], dtype=np.float32)
    top_lexical = float(lexical.max()) or 1.0
    fused = [_reciprocal(c.dense_rank) + _reciprocal(c.lexical_rank) for c in pool]
    combined = dense - dense.max() + lexical / top_lexical
    doc_best: dict[str, float] = defaultdict(lambda: -9.0)
    doc_count: dict[str, int] = defaultdict(int)
    by_place = {}
    for index, (candidate, score) in enumerate(zip(pool, combined.tolist(), strict=True)):
        doc_id = candidate.paragraph.doc_id
        doc_best[doc_id] = max(doc_best[doc_id], score)
        doc_count[doc_id] += 1
        by_place[(doc_id, candidate.paragraph.ordinal)] = index
    rows = []
    for index, candidate in enumerate(pool):
        paragraph, document = candidate.paragraph, candidate.document
        body = tokenize(f"{paragraph.label} {paragraph.text}")
        context = set(tokenize(" ".join((document.identity, paragraph.part_title,
                                         *paragraph.heading_path))))
        present = set(body)
        identity = set(tokenize(f"{document.identity} {' '.join(document.parts)}"))
        named = (sum(bool(n & (identity | present)) for n in name_terms) / len(name_terms)
                 if name_terms else 0.5)
        neighbours = [combined[by_place[(paragraph.doc_id, paragraph.ordinal + step)]]
                      for step in (-1, 1) if (paragraph.doc_id, paragraph.ordinal + step)
                      in by_place]
        nearby = sum((paragraph.doc_id, paragraph.ordinal + step) in by_place
                     for step in range(-NEARBY, NEARBY + 1) if step) / (2 * NEARBY)
        rows.append([
            candidate.dense, candidate.dense - float(dense.max()),
            _reciprocal(candidate.dense_rank),
            candidate.lexical / top_lexical,
            _reciprocal(candidate.lexical_rank), fused[index],
            _coverage(terms, present, idf), _coverage(terms, context, idf),
            (len(query_bigrams & _bigrams(body)) / len(query_bigrams)) if query_bigrams else 0.0,
            named, _year(query, paragraph, document),
            float(query.figure and bool(NUMBER_RE.search(paragraph.text))),
            doc_best[paragraph.doc_id] - float(combined.max()),
            doc_count[paragraph.doc_id] / len(pool),
            (max(neighbours) - float(combined.max())) if neighbours else -2.0, nearby,
            math.log1p(len(body)) / 6.0, float(len(body) < 8),
            float(paragraph.kind == "table_row"),
        ])
    return np.asarray(rows, dtype=np.float32)


def _year(query: RankQuery, paragraph: Paragraph, document: Document) -> float:
    """1 when a year the question names is the meeting's or in the paragraph, -1 when the
    question names years and neither has them, 0 when it names none."""
    if not query.years:
        return 0.0
    where = f"{document.meta.meeting_date} {paragraph.text} {document.title}"
    return 1.0 if any(str(y) in where for y in query.years) else -1.0


@dataclass(frozen=True)
class LinearRanker:
    """score = features · weights (standardised by the fitted means and scales)."""

    weights: tuple[float, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    names: tuple[str, ...] = FEATURES

    def scores(self, matrix: np.ndarray) -> np.ndarray:
        """One score per row of ``matrix`` (FEATURES columns), higher is better."""
        if not len(matrix):
            return np.zeros(0, dtype=np.float32)
        columns = [FEATURES.index(n) for n in self.names]
        standard = (matrix[:, columns] - np.asarray(self.means)) / np.asarray(self.scales)
        return standard @ np.asarray(self.weights, dtype=np.float32)

    def to_json(self, **about: object) -> str:
        return json.dumps({"names": list(self.names), "weights": list(self.weights),
                           "means": list(self.means), "scales": list(self.scales),
                           **about}, indent=2) + "\n"

    @classmethod
    def load(cls, path: Path = RANKER_FILE) -> LinearRanker | None:
        """The fitted ranker at ``path``, or None when there is none (RRF is used then)."""
        try:
            data = json.loads(path.read_text())
            return cls(tuple(data["weights"]), tuple(data["means"]), tuple(data["scales"]),
                       tuple(data["names"]))
        except (OSError, ValueError, KeyError):
            return None

