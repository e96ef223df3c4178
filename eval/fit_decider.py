"""`scrutineer eval fit-decider`: fit the decision to answer or abstain on the development
sources' rows (eval/decision_data.py) and report it out of sample: for each source, the model
fitted on the other sources only. Writes the model fitted on every source to
assistant/decider.json.

The model is a logistic regression over DECISION_FEATURES: answerable questions are the
positives; unanswerable questions and the near misses made from answerable ones (another
year, council or subject) the negatives. Each source weighs the same, and within a source
answerable, unanswerable and near-miss rows weigh the same. Features whose meaning says which
way they must push (evidence for the year asked, names met, support) are held to that sign.
The threshold is the one whose worst balanced accuracy over the sources fitted on is best."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.fitted import Logistic, fingerprint
from assistant.stages.decide import DECIDER_FILE, DECISION_FEATURES, DECISION_VERSION
from eval.decision_data import Row
from eval.logistic import fit_logistic

STRENGTHS = (0.01, 0.1, 1.0)
POSITIVE = frozenset({"support", "coverage", "top_dense", "cited_dense", "words_quoted",
                      "words_near", "names_met", "year_met", "kind_met"})
NEGATIVE = frozenset({"other_year", "quoted_other_year"})


def _weights(rows: Sequence[Row]) -> np.ndarray:
    """Each source the same total weight; inside it, positives and negatives the same."""
    classes = Counter((r.source, r.answerable) for r in rows)
    sources = {r.source for r in rows}
    return np.array([1 / (len(sources) * 2 * classes[(r.source, r.answerable)])
                     for r in rows]) * len(rows)


def fit(rows: Sequence[Row], strength: float = 0.1) -> Logistic:
    """The logistic model on ``rows`` with an L2 penalty ``strength`` and sign bounds."""
    signs = [1 if n in POSITIVE else -1 if n in NEGATIVE else 0 for n in DECISION_FEATURES]
    intercept, weights, means, scales = fit_logistic(
        np.array([r.features for r in rows], dtype=float),
        np.array([r.answerable for r in rows], dtype=float), _weights(rows), strength, signs)
    model = Logistic(DECISION_FEATURES, tuple(map(float, weights)), tuple(map(float, means)),
                     tuple(map(float, scales)), intercept, 0.5,
                     fingerprint(DECISION_FEATURES, DECISION_VERSION))
    return _with_threshold(model, rows)


def _balanced(rows: Sequence[Row], probabilities: np.ndarray, threshold: float) -> float:
    weights = _weights(rows)
    labels = np.array([r.answerable for r in rows])
    answered = probabilities >= threshold
    return float(np.sum(weights * (answered == labels)) / weights.sum())


def _with_threshold(model: Logistic, rows: Sequence[Row]) -> Logistic:
    """The threshold whose worst balanced accuracy over the sources is best (the targets hold
    for every source), ties broken by the mean over the sources, then nearest 0.5."""
    probabilities = np.array([model.probability(r.features) for r in rows])
    sources = [np.array([r.source == s for r in rows]) for s in sorted({r.source for r in rows})]
    subsets = [([r for r, m in zip(rows, mine, strict=True) if m], probabilities[mine])
               for mine in sources]

    def worst_then_mean(threshold: float) -> tuple[float, float, float]:
        scores = [_balanced(mine, chances, threshold) for mine, chances in subsets]
        return min(scores), float(np.mean(scores)), -abs(threshold - 0.5)

    best = max(np.round(np.arange(0.2, 0.81, 0.01), 2), key=worst_then_mean)
    return Logistic(model.names, model.weights, model.means, model.scales, model.intercept,
                    float(best), model.fingerprint)


def chosen_strength(rows: Sequence[Row]) -> float:
    """The penalty with the best balanced accuracy leaving each source out in turn (the
    middle one with a single source)."""
    sources = sorted({r.source for r in rows})
    if len(sources) < 2:
        return STRENGTHS[1]

    def held_out(strength: float) -> float:
        scores = []
        for source in sources:
            model = fit([r for r in rows if r.source != source], strength)
            mine = [r for r in rows if r.source == source]
            probabilities = np.array([model.probability(r.features) for r in mine])
            scores.append(_balanced(mine, probabilities, model.threshold))
        return float(np.mean(scores))

    return max(STRENGTHS, key=held_out)


def fit_chosen(rows: Sequence[Row]) -> Logistic:
    return fit(rows, chosen_strength(rows))


def outcomes(rows: Sequence[Row], abstains: Sequence[bool]) -> dict[str, Any]:
    """Per kind of row: the counts of answered right / wrong and abstained right / wrong,
    false abstention on answerable rows and abstention on each kind of unanswerable."""
    out: dict[str, Any] = {}
    answerable = [(r, a) for r, a in zip(rows, abstains, strict=True) if r.answerable]
    if answerable:
        out["false_abstention"] = round(np.mean([a for _, a in answerable]), 3)
        out["answered_right"] = sum(not a and r.right for r, a in answerable)
        out["answered_wrong"] = sum(not a and not r.right for r, a in answerable)
        out["abstained_wrong"] = sum(a for _, a in answerable)
    for kind in ("unanswerable", "year", "council", "topic"):
        mine = [a for r, a in zip(rows, abstains, strict=True) if r.kind == kind]
        if mine:
            out[f"abstain_{kind}"] = f"{round(float(np.mean(mine)), 3)} ({len(mine)})"
    return out


def decisions(model: Logistic, rows: Sequence[Row]) -> list[bool]:
    """Whether the model (after the certain rules) abstains on each row."""
    return [r.certain or model.probability(r.features) < model.threshold for r in rows]


FOLDS = 5


def fold_key(source: str, group: str) -> int:
    """The fold of a group (council, meeting or document, within its source)."""
    return int(hashlib.sha1(f"{source}:{group}".encode()).hexdigest(), 16) % FOLDS


def fold_of(row: Row) -> int:
    """A row's fold: its group's (a question's near misses share its fold)."""
    return fold_key(row.source, row.group)


def held_out_models(rows: Sequence[Row]) -> dict[int, Logistic]:
    """For each fold, the model fitted on every row outside it (every source's)."""
    return {fold: fit_chosen([r for r in rows if fold_of(r) != fold]) for fold in range(FOLDS)}


def report(rows: Sequence[Row]) -> dict[str, dict[str, Any]]:
    """Per source: the hand rules, the model fitted on the other sources only, and grouped
    cross-validation over every source (each row decided by a model fitted without its
    council's, meeting's or document's fold)."""
    models = held_out_models(rows)
    out: dict[str, dict[str, Any]] = {}
    for source in dict.fromkeys(r.source for r in rows):
        mine = [r for r in rows if r.source == source]
        others = [r for r in rows if r.source != source]
        entry = {"hand rules": outcomes(mine, [r.rules_abstain for r in mine])}
        if others:
            entry["fitted on other sources"] = outcomes(mine, decisions(fit_chosen(others), mine))
        entry["grouped cv"] = outcomes(mine, [decisions(models[fold_of(r)], [r])[0]
                                              for r in mine])
        out[source] = entry
    return out


def write(rows: Sequence[Row], path: Path = DECIDER_FILE) -> Logistic:
    """Fit on every row and save the model."""
    strength = chosen_strength(rows)
    model = fit(rows, strength)
    path.write_text(model.to_json(
        sources=sorted({r.source for r in rows}), rows=len(rows), strength=strength,
        command="scrutineer eval fit-decider"))
    return model
