"""`scrutineer eval fit-ranker`: fit the ranker on the development sources and report it out
of sample: for each source, a ranker fitted on the other sources only (leave one source out),
and within each source by cross-validation grouped by council, meeting or document. Writes
the ranker fitted on every source to assistant/ranker.json."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant.ranking import FEATURES, RANKER_FILE, LinearRanker
from assistant.tuning import STRENGTH, STRENGTHS
from eval.ranking_data import Pool, pool_for, summary
from eval.testset import load_testset


def collect(sources: Sequence[Any], work: Path) -> list[Pool]:
    """Candidate pools of every answerable question of the sources (their libraries already
    ingested under WORK, as `eval dev` keeps them)."""
    from assistant.assistant import Assistant
    from eval.dev import source_settings

    pools = []
    for source in sources:
        assistant = Assistant(source_settings(source, work))
        for item in load_testset(source.testset):
            if item.answerable:
                pools.append(pool_for(assistant, item, source.name, source.group(item)))
    return pools


def folds(groups: Sequence[str], count: int = 5) -> dict[str, int]:
    """Each group's fold: groups in sorted order dealt round the folds."""
    return {g: i % count for i, g in enumerate(sorted(set(groups)))}


def fit(pools: Sequence[Pool], strength: float = STRENGTH) -> LinearRanker:
    """A listwise model: the softmax of the scores over each question's candidates should put
    its mass on the gold paragraphs (conditional logit), with an L2 penalty ``strength``; each
    source weighs the same whatever its number of questions. Questions whose pool holds no
    gold paragraph teach nothing and are left out."""
    from scipy.optimize import minimize

    matrix = np.vstack([p.features for p in pools])
    means, scales = matrix.mean(axis=0), matrix.std(axis=0)
    scales[scales == 0] = 1.0
    data = [((p.features - means) / scales, p.labels) for p in pools if p.labels.any()]
    shares = Counter(p.source for p in pools if p.labels.any())
    weights = [len(data) / (len(shares) * shares[p.source]) for p in pools if p.labels.any()]

    def loss(coefficients: np.ndarray) -> tuple[float, np.ndarray]:
        total, gradient = 0.0, np.zeros_like(coefficients)
        for (rows, gold), weight in zip(data, weights, strict=True):
            scores = rows @ coefficients
            exp = np.exp(scores - scores.max())
            on_gold = exp * gold
            total -= weight * (np.log(on_gold.sum()) - np.log(exp.sum()))
            gradient -= weight * (on_gold / on_gold.sum() - exp / exp.sum()) @ rows
        count = max(len(data), 1)
        return (total / count + strength * coefficients @ coefficients / 2,
                gradient / count + strength * coefficients)

    found = minimize(loss, np.zeros(matrix.shape[1]), jac=True, method="L-BFGS-B")
    return LinearRanker(tuple(map(float, found.x)), tuple(map(float, means)),
                        tuple(map(float, scales)))


def chosen_strength(pools: Sequence[Pool], count: int = 5) -> float:
    """The penalty of STRENGTHS with the best MRR@10 by cross-validation over ``pools``
    grouped by source and group (ties: the stronger penalty); STRENGTH when there is a single
    group."""
    keyed = [replace(p, group=f"{p.source}:{p.group}") for p in pools]
    if len({p.group for p in keyed}) < 2:  # nothing to hold out
        return STRENGTH
    best, chosen = -1.0, STRENGTH
    for strength in sorted(STRENGTHS, reverse=True):
        found = grouped_cv(keyed, count, strength)
        value = found["mrr@10"]
        if value > best + 1e-9:
            best, chosen = value, strength
    return chosen


def fit_chosen(pools: Sequence[Pool]) -> LinearRanker:
    """``fit`` with the penalty chosen by grouped cross-validation on the same pools."""
    return fit(pools, chosen_strength(pools))


def column(name: str) -> Callable[[Pool], np.ndarray]:
    index = FEATURES.index(name)
    return lambda pool: pool.features[:, index]


def scorer(ranker: LinearRanker) -> Callable[[Pool], np.ndarray]:
    return lambda pool: ranker.scores(pool.features)


def grouped_cv(pools: Sequence[Pool], count: int = 5, strength: float | None = None
               ) -> dict[str, float]:
    """Each question ranked by a model fitted without its group's fold (with the penalty
    ``strength``, or one chosen by cross-validation inside the other folds)."""
    fold_of = folds([p.group for p in pools], count)
    scores: dict[str, np.ndarray] = {}
    for fold in set(fold_of.values()):
        train = [p for p in pools if fold_of[p.group] != fold]
        ranker = fit(train, strength) if strength else fit_chosen(train)
        for pool in pools:
            if fold_of[pool.group] == fold:
                scores[pool.item_id] = ranker.scores(pool.features)
    return summary(list(pools), lambda pool: scores[pool.item_id])


def report(pools: Sequence[Pool]) -> dict[str, dict[str, Any]]:
    """Per source: RRF (today's fusion), dense and BM25 alone, the ranker fitted on the other
    sources, and grouped cross-validation within the source."""
    out: dict[str, dict[str, Any]] = {}
    for source in dict.fromkeys(p.source for p in pools):
        mine = [p for p in pools if p.source == source]
        others = [p for p in pools if p.source != source]
        row = {"rrf": summary(mine, column("fused")), "dense": summary(mine, column("dense")),
               "bm25": summary(mine, column("lexical"))}
        if others:
            row["fitted on other sources"] = summary(mine, scorer(fit_chosen(others)))
        row["grouped cv"] = grouped_cv(mine)
        out[source] = row
    return out


def write(pools: Sequence[Pool], path: Path = RANKER_FILE) -> LinearRanker:
    """Fit on every pool and save the ranker."""
    strength = chosen_strength(pools)
    ranker = fit(pools, strength)
    sources = sorted({p.source for p in pools})
    path.write_text(ranker.to_json(sources=sources, questions=len(pools),
                                   command="scrutineer eval fit-ranker", strength=strength))
    return ranker
