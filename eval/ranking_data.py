"""Candidate pools with features and gold labels, for fitting and checking the ranker:
for every answerable question of a development source, the candidates both searches find
(as the shipped pipeline gathers them), each candidate's FEATURES row, and whether it matches
a gold paragraph."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from eval.metrics import Hit, matches
from eval.testset import TestItem, given_filters


@dataclass(frozen=True)
class Pool:
    """One question's candidates: features (rows), labels, and its source and group."""

    item_id: str
    source: str
    group: str
    features: np.ndarray
    labels: np.ndarray  # 1 where the candidate matches a gold paragraph
    gold: int  # gold items of the question (for recall)
    matched: tuple[frozenset[int], ...]  # per candidate, which gold items it matches


def pool_for(assistant: Any, item: TestItem, source: str, group: str) -> Pool:
    """The candidate pool of one question, as the shipped pipeline gathers it."""
    candidates, matrix = assistant.candidate_pool(item.question, item.history,
                                                  given_filters(item))
    matched = tuple(frozenset(g for g, gold in enumerate(item.evidence) if matches(
        Hit(c.document.file_name, c.paragraph.label, c.paragraph.text), gold))
        for c in candidates)
    labels = np.array([1.0 if m else 0.0 for m in matched], dtype=np.float32)
    return Pool(item.id, source, group, matrix, labels, len(item.evidence), matched)


def hit_recall(pool: Pool, scores: np.ndarray, k: int) -> tuple[float, float]:
    """hit@k and recall@k of the pool ordered by ``scores``."""
    order = np.argsort(-scores, kind="stable")[:k]
    found = set().union(*(pool.matched[i] for i in order)) if len(order) else set()
    return float(bool(found)), len(found) / pool.gold if pool.gold else 0.0


def reciprocal_rank(pool: Pool, scores: np.ndarray, k: int) -> float:
    """1 / the rank of the first gold candidate within the top ``k``, else 0."""
    for rank, index in enumerate(np.argsort(-scores, kind="stable")[:k], start=1):
        if pool.labels[index]:
            return 1.0 / rank
    return 0.0


def summary(pools: list[Pool], scorer: Any) -> dict[str, float]:
    """Mean hit@1, hit@5, recall@10, MRR@10 and the share of questions with gold in the
    pool."""
    rows: dict[str, list[float]] = {"hit@1": [], "hit@5": [], "recall@10": [], "mrr@10": [],
                                    "in_pool": []}
    for pool in pools:
        scores = scorer(pool)
        rows["mrr@10"].append(reciprocal_rank(pool, scores, 10))
        rows["hit@1"].append(hit_recall(pool, scores, 1)[0])
        rows["hit@5"].append(hit_recall(pool, scores, 5)[0])
        rows["recall@10"].append(hit_recall(pool, scores, 10)[1])
        rows["in_pool"].append(float(pool.labels.any()))
    return {k: round(float(np.mean(v)), 4) if v else 0.0 for k, v in rows.items()} | {
        "n": len(pools)}

