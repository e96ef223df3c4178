"""`scrutineer eval fit-selector`: fit the model that picks the units an extractive answer
quotes (assistant/selection.py) on the development sources' unit rows
(eval/selection_data.py) and report it out of sample beside the hand-set score: for each
source, the model fitted on the other sources, and cross-validation grouped by council,
meeting or document. Writes the model fitted on every source to assistant/selector.json.

The model is listwise: the softmax of its scores over one question's units should put its
mass on the answer units. Each source weighs the same and each question within it the same.
Features whose meaning says which way they must push (similarity, coverage, the kind asked
for; rank, a name missing) are held to that sign. The threshold, the share of the best unit's
softmax share a close second must reach to be quoted too, is the one whose quoted
paragraphs best match those holding an answer unit (F1, as citation precision and recall
count them; each source the same) on the questions fitted on; the penalty is the one that
puts an answer unit first most often leaving each source out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant.fitted import Logistic, fingerprint
from assistant.selection import (
    SELECTION_FEATURES,
    SELECTION_VERSION,
    SELECTOR_FILE,
    relative,
)
from eval.fit_decider import FOLDS, fold_key
from eval.logistic import fit_conditional_logit
from eval.selection_data import Question

STRENGTHS = (0.001, 0.01, 0.1)
RATIOS = tuple(round(float(np.exp(-m)), 4) for m in np.arange(0.25, 3.01, 0.25))
HAND_RATIO = 0.8  # the hand-set answerer's close-second share (assistant/extractive.CLOSE)
MAX_UNITS = 4
POSITIVE = frozenset({"dense", "coverage", "unit_coverage", "passage_dense", "kind_met",
                      "counted"})
NEGATIVE = frozenset({"passage_rank", "names_missing"})


def _groups(questions: Sequence[Question]) -> tuple[list, list[float]]:
    """Each question's (features, labels), weighed so that every source counts the same."""
    per_source = Counter(q.source for q in questions if q.has_answer)
    groups = [(np.array(q.features, dtype=float), np.array(q.labels, dtype=float))
              for q in questions]
    weights = [1 / per_source[q.source] if q.has_answer else 0.0 for q in questions]
    return groups, weights


def fit(questions: Sequence[Question], strength: float = 0.01) -> Logistic:
    """The listwise selection model on ``questions`` with an L2 penalty ``strength``, its
    close-second share chosen on the same questions."""
    signs = [1 if n in POSITIVE else -1 if n in NEGATIVE else 0 for n in SELECTION_FEATURES]
    weights, means, scales = fit_conditional_logit(*_groups(questions), strength, signs)
    model = Logistic(SELECTION_FEATURES, tuple(map(float, weights)), tuple(map(float, means)),
                     tuple(map(float, scales)), 0.0, HAND_RATIO,
                     fingerprint(SELECTION_FEATURES, SELECTION_VERSION))

    sources = [[q for q in questions if q.source == s] for s in {q.source for q in questions}]

    def f1(ratio: float) -> tuple[float, float]:  # each source the same; ties: the tighter
        found = [quality(mine, _scorer(replace(model, threshold=ratio))) for mine in sources]
        return float(np.mean([f["f1"] for f in found])), ratio

    return replace(model, threshold=max(RATIOS, key=f1))


Scorer = Callable[[Question], tuple[list[float], float]]


def _scorer(model: Logistic | None) -> Scorer:
    """A question's unit scores and close-second share: the model's probabilities and
    threshold, or the hand-set support and its share."""
    if model is None:
        return lambda q: (list(q.support), HAND_RATIO)
    return lambda q: (relative(model.score(row) for row in q.features), model.threshold)


def quality(questions: Sequence[Question], scorer: Scorer) -> dict[str, float]:
    """Over the questions that have an answer, quoting the best unit and up to three more
    within the share of its score: how often the best unit is an answer (top1), how often an
    answer unit is quoted (quoted), and the mean F1 of the paragraphs quoted against those
    holding an answer unit (f1: what citation precision and recall count)."""
    top, quoted, f1s = [], [], []
    for q in (q for q in questions if q.has_answer):
        scores, ratio = scorer(q)
        order = sorted(range(len(scores)), key=lambda i: -scores[i])
        chosen = [i for i in order[:MAX_UNITS] if scores[i] >= ratio * scores[order[0]]]
        top.append(float(q.labels[order[0]]))
        quoted.append(float(any(q.labels[i] for i in chosen)))
        cited = {q.passage(i) for i in chosen}
        gold = {q.passage(i) for i, label in enumerate(q.labels) if label}
        hits = len(cited & gold)
        precision, recall = hits / len(cited), hits / len(gold)
        f1s.append(2 * precision * recall / (precision + recall) if hits else 0.0)
    return {"top1": _mean(top), "quoted": _mean(quoted), "f1": _mean(f1s), "n": len(top)}


def _mean(values: Sequence[float]) -> float:
    return round(float(np.mean(values)), 3) if values else 0.0


def chosen_strength(questions: Sequence[Question]) -> float:
    """The penalty putting an answer unit first most often leaving each source out in turn
    (the middle one with a single source)."""
    sources = sorted({q.source for q in questions})
    if len(sources) < 2:
        return STRENGTHS[1]

    def held_out(strength: float) -> float:
        return float(np.mean([quality([q for q in questions if q.source == s], _scorer(
            fit([q for q in questions if q.source != s], strength)))["top1"] for s in sources]))

    return max(STRENGTHS, key=held_out)


def fit_chosen(questions: Sequence[Question]) -> Logistic:
    return fit(questions, chosen_strength(questions))


def held_out_models(questions: Sequence[Question]) -> dict[int, Logistic]:
    """For each fold, the model fitted on every question outside it (every source's)."""
    return {fold: fit_chosen([q for q in questions if fold_key(q.source, q.group) != fold])
            for fold in range(FOLDS)}


def report(questions: Sequence[Question]) -> dict[str, dict[str, Any]]:
    """Per source: the hand-set score, the model fitted on the other sources, and grouped
    cross-validation over every source."""
    models = held_out_models(questions)
    out: dict[str, dict[str, Any]] = {}
    for source in dict.fromkeys(q.source for q in questions):
        mine = [q for q in questions if q.source == source]
        others = [q for q in questions if q.source != source]
        entry = {"hand score": quality(mine, _scorer(None))}
        if others:
            entry["fitted on other sources"] = quality(mine, _scorer(fit_chosen(others)))
        entry["grouped cv"] = quality(mine, lambda q: _scorer(
            models[fold_key(q.source, q.group)])(q))
        out[source] = entry
    return out


def write(questions: Sequence[Question], path: Path = SELECTOR_FILE) -> Logistic:
    """Fit on every question and save the model."""
    strength = chosen_strength(questions)
    model = fit(questions, strength)
    path.write_text(model.to_json(
        sources=sorted({q.source for q in questions}), questions=len(questions),
        strength=strength, command="scrutineer eval fit-selector"))
    return model


def held_out_selectors(sources: Sequence[Any], work: Path) -> dict[tuple[str, str], Logistic]:
    """For each question of the sources (by source and id), the selection model fitted on
    every source's questions outside the fold of its council, meeting or document."""
    from eval.selection_data import collect_questions, default_cache
    from eval.testset import load_testset

    models = held_out_models(collect_questions(sources, work, default_cache(work)))
    return {(s.name, item.id): models[fold_key(s.name, s.group(item))]
            for s in sources for item in load_testset(s.testset)}
