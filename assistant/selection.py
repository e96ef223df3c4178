"""Which units of the passages answer the question: the features of every quotable unit, the
hand-set score kept as the measure of support (and the fallback), and the fitted model that
orders the units (`scrutineer eval fit-selector`, shipped as assistant/selector.json).

The model is a listwise (conditional) logit over SELECTION_FEATURES fitted on the
development sources: the softmax of its scores over one question's units should put its mass
on the answer units, those holding the gold quote (or, where the gold names only paragraphs,
those of a gold paragraph). A unit's score is its softmax share relative to the best unit's;
the model's threshold is the share a close second must reach to be quoted too."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.asked import WHO_RE as WHO_UNIT_RE
from assistant.asked import measured
from assistant.documents import Passage
from assistant.fitted import Logistic, fingerprint
from assistant.lexical import tokenize
from assistant.query import Intent
from assistant.sentences import Unit, trusted, units
from assistant.vector_cache import VectorCache

NUMBER_RE = re.compile(r"\d|£|%|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                       r"twelve|twenty|hundred|thousand|million)\b", re.IGNORECASE)
DATE_WORD_RE = re.compile(r"\b(?:19|20)\d\d\b|\b(?:january|february|march|april|may|june|july|"
                          r"august|september|october|november|december|spring|summer|autumn|"
                          r"winter|quarter)\b", re.IGNORECASE)
SELECTION_FEATURES = ("dense", "coverage", "unit_coverage", "passage_rank", "passage_dense",
                      "kind_met", "names_missing", "is_item", "is_heading", "length",
                      "first_unit", "novelty", "after_echo", "counted")
SELECTION_VERSION = 4
WORD_OR_NUMBER_RE = re.compile(r"\d[\d,.]*%?|[A-Za-z][\w’'\-]*")
COUNT_WINDOW = 4  # words after a number that may name what it counts ("1,873 reported crimes")
SELECTOR_FILE = Path(__file__).resolve().parent / "selector.json"


def load_selector(path: Path = SELECTOR_FILE) -> Logistic | None:
    """The shipped selection model, or None (logged) when it is missing or out of date."""
    return Logistic.load(path, fingerprint(SELECTION_FEATURES, SELECTION_VERSION))


@dataclass(frozen=True)
class UnitFeatures:
    """The quotable units of the passages (passage index, unit) with a row of
    SELECTION_FEATURES each, and the hand-set score of each (the support it gives)."""

    candidates: tuple[tuple[int, Unit], ...]
    rows: np.ndarray
    support: tuple[float, ...]

    def coverage(self, index: int) -> float:
        return float(self.rows[index, SELECTION_FEATURES.index("coverage")])

    def dense(self, index: int) -> float:
        return float(self.rows[index, SELECTION_FEATURES.index("dense")])


def kind_met(intent: Intent, unit: Unit) -> bool:
    """Whether a unit holds the kind of thing asked: a number (of the measure asked: a
    share, money) for a figure, a date word for
    a date, a person or body for who, a lead-in or heading for a list."""
    if intent.kind == "figure":
        return bool(NUMBER_RE.search(unit.text)) and measured(intent.measure, unit.text)
    if intent.kind == "date":
        return bool(DATE_WORD_RE.search(unit.text))
    if intent.kind == "who":
        return bool(WHO_UNIT_RE.search(unit.text))
    return intent.kind == "list" and unit.kind in ("lead", "subheading")


BONUS = {"figure": 0.08, "date": 0.08, "who": 0.12, "list": 0.05}


def unit_features(question: str, vector: Sequence[float], intent: Intent,
                  passages: Sequence[Passage], vectors: VectorCache) -> UnitFeatures:
    """Every trusted unit of every passage with its features (instructions are not
    answers)."""
    candidates = tuple((i, u) for i, p in enumerate(passages)
                       for u in trusted(units(p.paragraph.text)))
    if not candidates:
        return UnitFeatures((), np.zeros((0, len(SELECTION_FEATURES))), ())
    terms = set(tokenize(question))
    named = [set(tokenize(n)) for n in intent.names]
    unit_terms = [tokenize(u.text) for _, u in candidates]
    idf = _idf(terms, unit_terms)
    total = sum(idf.values()) or 1.0
    similarity = vectors.embed([u.text for _, u in candidates]) @ np.asarray(
        vector, dtype=np.float32)
    around = {i: set(tokenize(_context(passages[i]))) for i in {i for i, _ in candidates}}
    covered = [sum(idf[t] for t in terms if t in words) / total for words in unit_terms]
    echoes = _echoes(candidates, covered)
    rows, support = [], []
    for (index, unit), words, dense, unit_coverage in zip(
            candidates, unit_terms, similarity.tolist(), covered, strict=True):
        present = set(words) | around[index]
        coverage = sum(idf[t] for t in terms if t in present) / total
        missing = bool(named) and not all(name & present for name in named)
        met = kind_met(intent, unit)
        distinct = set(words)
        rows.append((dense, coverage, unit_coverage,
                     math.log1p(index), passages[index].dense, float(met), float(missing),
                     float(unit.kind == "item"), float(unit.kind in ("lead", "subheading")),
                     math.log1p(len(words)), float(unit.position == 0),
                     len(distinct - terms) / len(distinct) if distinct else 0.0,
                     float(echoes.get(index) == unit.position - 1),
                     float(intent.kind == "figure" and
                           _counts(unit.text, terms, intent.counted))))
        support.append(0.55 * dense + 0.45 * coverage + (BONUS.get(intent.kind, 0.0) if met
                                                         else 0.0)
                       - 0.01 * index - (0.15 if missing else 0.0))
    return UnitFeatures(candidates, np.asarray(rows, dtype=float), tuple(support))


def scores(found: UnitFeatures, model: Logistic | None) -> list[float]:
    """Each unit's score: how likely it is the answer relative to the likeliest unit (the
    fitted model's softmax share over the units, divided by the best one's: 1 for the best),
    or without a model the hand-set support."""
    if model is None:
        return list(found.support)
    return relative(model.score(row) for row in found.rows.tolist())


def relative(linear: Iterable[float]) -> list[float]:
    """exp(score - best score) of each score: the softmax shares divided by the largest."""
    values = list(linear)
    best = max(values, default=0.0)
    return [math.exp(v - best) for v in values]


def _context(passage: Passage) -> str:
    """What speaks for every unit of a passage: its document's identity and file name, its
    part and headings, and for a table row the whole row ("Lead Agency: X" answers "who
    leads the scheme" because the row's action names it)."""
    paragraph = passage.paragraph
    row = paragraph.text if paragraph.kind == "table_row" else ""
    return " ".join((passage.document.identity, passage.document.file_words,
                     paragraph.part_title, *paragraph.heading_path, row))


def _echoes(candidates: Sequence[tuple[int, Unit]], covered: Sequence[float]
            ) -> dict[int, int]:
    """For each passage, the position of the unit that repeats most of the question's words
    (its unit coverage): the restatement an answer so often follows ("The report set out the
    Council's role in … . The function was led by …")."""
    best: dict[int, tuple[float, int]] = {}
    for (index, unit), echo in zip(candidates, covered, strict=True):
        if echo > 0 and echo > best.get(index, (0.0, 0))[0]:
            best[index] = (echo, unit.position)
    return {index: position for index, (_, position) in best.items()}


def _counts(text: str, terms: set[str], counted: str) -> bool:
    """Whether a number in ``text`` counts what the question counts: the words right after it
    are the question's own ("1,873 reported crimes", "six trigger requests") and, when the
    question says what it counts, include that noun ("Eleven ASB case reviews" for "how many
    ASB case reviews", not "eight cases the review led to")."""
    wanted = set(tokenize(counted))
    words = WORD_OR_NUMBER_RE.findall(text)
    for i, word in enumerate(words):
        if not (NUMBER_RE.fullmatch(word) or word[0].isdigit()):
            continue
        run: set[str] = set()
        for following in words[i + 1 : i + 1 + COUNT_WINDOW]:
            stems = tokenize(following)
            if not stems or not terms.issuperset(stems):
                break
            run.update(stems)
        if run and (not wanted or wanted & run):
            return True
    return False


def _idf(question_terms: set[str], pool: list[list[str]]) -> dict[str, float]:
    counts = Counter(t for terms in pool for t in set(terms))
    return {t: math.log(1 + len(pool) / (1 + counts[t])) for t in question_terms}
