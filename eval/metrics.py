"""The metrics, each a small pure function with its formula in the docstring.

Matching: a retrieved or cited paragraph matches a gold item when its text contains the gold
quote (whitespace collapsed, case kept) or when its document and paragraph label both match.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from eval.testset import Evidence


@dataclass(frozen=True)
class Hit:
    """A retrieved or cited paragraph, as the metrics see it."""

    doc: str
    para: str
    text: str


def collapse(text: str) -> str:
    """Whitespace collapsed to single spaces."""
    return " ".join(text.split())


def matches(hit: Hit, gold: Evidence) -> bool:
    """Quote contained, or same document and same (non-empty) label."""
    if gold.quote and collapse(gold.quote) in collapse(hit.text):
        return True
    return bool(gold.para) and hit.doc == gold.doc and hit.para == gold.para


def _matched_gold(hits: Sequence[Hit], gold: Sequence[Evidence]) -> set[int]:
    return {g for g, item in enumerate(gold) if any(matches(h, item) for h in hits)}


def hit_at(hits: Sequence[Hit], gold: Sequence[Evidence], k: int) -> float:
    """hit@k = 1 if any of the top k matches any gold item, else 0."""
    return 1.0 if _matched_gold(hits[:k], gold) else 0.0


def recall_at(hits: Sequence[Hit], gold: Sequence[Evidence], k: int) -> float:
    """recall@k = |gold items matched in the top k| / |gold items| (0 when no gold)."""
    return len(_matched_gold(hits[:k], gold)) / len(gold) if gold else 0.0


def gains(hits: Sequence[Hit], gold: Sequence[Evidence]) -> list[float]:
    """Binary gain per rank: 1 when the hit matches a gold item no earlier hit matched."""
    used: set[int] = set()
    out = []
    for hit in hits:
        new = [g for g, item in enumerate(gold) if g not in used and matches(hit, item)]
        if new:
            used.add(new[0])
        out.append(1.0 if new else 0.0)
    return out


def mrr_at(hits: Sequence[Hit], gold: Sequence[Evidence], k: int = 10) -> float:
    """MRR@k = 1 / rank of the first matching hit within the top k, else 0."""
    for rank, gain in enumerate(gains(hits[:k], gold), start=1):
        if gain:
            return 1.0 / rank
    return 0.0


def dcg(relevance: Sequence[float], k: int) -> float:
    """DCG@k = Σ_{i=1..k} rel_i / log2(i + 1) (the trec_eval / Järvelin–Kekäläinen form)."""
    return sum(rel / math.log2(i + 1) for i, rel in enumerate(relevance[:k], start=1))


def ndcg(relevance: Sequence[float], ideal: Sequence[float], k: int) -> float:
    """nDCG@k = DCG@k / IDCG@k, with IDCG from the ideal relevance sorted descending; 0 when
    the ideal is all zero."""
    best = dcg(sorted(ideal, reverse=True), k)
    return dcg(relevance, k) / best if best else 0.0


def ndcg_at(hits: Sequence[Hit], gold: Sequence[Evidence], k: int = 10) -> float:
    """nDCG@k with binary gains; the ideal puts one hit per gold item first."""
    return ndcg(gains(hits, gold), [1.0] * len(gold), k)


def average_precision(relevance: Sequence[float], relevant: int) -> float:
    """AP = Σ_{ranks r with a relevant hit} precision@r / number of relevant items."""
    found, total = 0, 0.0
    for rank, rel in enumerate(relevance, start=1):
        if rel:
            found += 1
            total += found / rank
    return total / relevant if relevant else 0.0


def citation_prf(cited: Sequence[Hit], gold: Sequence[Evidence]) -> tuple[float, float, float]:
    """QASPER-style set overlap: precision = cited paragraphs matching some gold item / cited;
    recall = gold items matched by some citation / gold; F1 their harmonic mean. No citations
    (or no gold) gives 0 for the undefined parts."""
    unique = list({(h.doc, h.para, h.text): h for h in cited}.values())
    precision = sum(1 for h in unique if any(matches(h, g) for g in gold)) / len(unique) \
        if unique else 0.0
    recall = len(_matched_gold(unique, gold)) / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def contains_all(answer: str, expected: Sequence[str]) -> bool:
    """Every expected string occurs in the answer, ignoring case and whitespace."""
    text = collapse(answer).lower()
    return all(collapse(e).lower() in text for e in expected)


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (share in 0..1); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def bootstrap_ci(values: Sequence[float],
                 statistic: Callable[[Sequence[float]], float] | None = None,
                 rounds: int = 1000, seed: int = 7) -> tuple[float, float]:
    """95% percentile-bootstrap interval of the mean (or ``statistic``), resampling questions
    with replacement ``rounds`` times with a fixed seed."""
    if not values:
        return (0.0, 0.0)
    statistic = statistic or (lambda v: sum(v) / len(v))
    generator = random.Random(seed)
    estimates = sorted(statistic([generator.choice(values) for _ in values])
                       for _ in range(rounds))
    return estimates[int(0.025 * rounds)], estimates[int(0.975 * rounds) - 1]


def sentences(answer: str) -> list[str]:
    """Answer lines and sentences, each with its own markers (for the grounding metrics)."""
    out: list[str] = []
    for line in answer.splitlines():
        line = line.strip().removeprefix("- ")
        if not line or line.startswith("From “") or not re.search(r"\w", line):
            continue
        out.extend(p for p in re.split(r"(?<=\])\s+(?=[A-Z])", line) if p.strip())
    return out
