"""Grading one answer (in the `scrutineer ask --json` layout) against its test item, and
summarising many. Any system that writes that layout can be graded with the same ruler."""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from eval.judge import SupportJudge
from eval.metrics import (
    Hit,
    bootstrap_ci,
    citation_prf,
    contains_all,
    hit_at,
    mrr_at,
    ndcg_at,
    percentile,
    recall_at,
    sentences,
)
from eval.testset import TestItem

KS = (1, 3, 5, 10)
HEADLINE = ("hit@5", "recall@10", "mrr@10", "ndcg@10", "citation_f1", "alce_recall",
            "alce_precision", "answer_correct", "abstention_correct")
MARKER_RE = re.compile(r"\[(\d+)\]")
OUTCOMES = ("answered right", "answered wrong", "abstained right", "abstained wrong")


def _hits(records: Sequence[dict[str, Any]]) -> list[Hit]:
    return [Hit(str(r.get("doc", "")), str(r.get("para", "") or ""), str(r.get("text", "")))
            for r in records]


def retrieval_scores(item: TestItem, answer: dict[str, Any]) -> dict[str, float]:
    """hit@k, recall@k, MRR@10 and nDCG@10 over the ranked passages (answerable items)."""
    ranked = _hits(answer.get("passages", []))
    gold = list(item.evidence)
    out = {f"hit@{k}": hit_at(ranked, gold, k) for k in KS}
    out.update({f"recall@{k}": recall_at(ranked, gold, k) for k in KS})
    out["mrr@10"] = mrr_at(ranked, gold, 10)
    out["ndcg@10"] = ndcg_at(ranked, gold, 10)
    return out


def grounding_scores(answer: dict[str, Any], judge: SupportJudge) -> dict[str, float]:
    """ALCE-style citation recall (share of sentences whose citations, together, support them)
    and citation precision (share of sentence-citation links that are not irrelevant: a
    citation is irrelevant when it does not support the sentence alone and the sentence is
    still supported without it)."""
    by_n = {int(c["n"]): str(c.get("text", "")) for c in answer.get("citations", [])}
    units = sentences(str(answer.get("answer", "")))
    if not units:
        return {}
    supported, links, relevant = 0, 0, 0
    for sentence in units:
        cited = [by_n[n] for n in map(int, MARKER_RE.findall(sentence)) if n in by_n]
        if cited and judge.supports(sentence, " ".join(cited)):
            supported += 1
        for index, text in enumerate(cited):
            links += 1
            rest = cited[:index] + cited[index + 1:]
            alone = judge.supports(sentence, text)
            without = bool(rest) and judge.supports(sentence, " ".join(rest))
            relevant += 1 if alone or not without else 0
    return {"alce_recall": supported / len(units),
            "alce_precision": relevant / links if links else 0.0}


def grade(item: TestItem, answer: dict[str, Any], judge: SupportJudge) -> dict[str, Any]:
    """Every metric for one question."""
    abstained = bool(answer.get("abstained"))
    scores: dict[str, Any] = {"id": item.id, "answerable": item.answerable,
                              "abstained": abstained, "tags": list(item.tags),
                              "latency_ms": float(answer.get("timings_ms", {}).get("total", 0))}
    scores["quotes_verbatim"] = quotes_verbatim(answer)
    if not item.answerable:
        scores["abstention_correct"] = 1.0 if abstained and not answer.get("citations") else 0.0
        scores["outcome"] = "abstained right" if scores["abstention_correct"] else \
            "answered wrong"
        return scores
    scores.update(retrieval_scores(item, answer))
    precision, recall, f1 = citation_prf(_hits(answer.get("citations", [])), item.evidence)
    scores.update({"citation_precision": precision, "citation_recall": recall,
                   "citation_f1": f1, "false_abstention": 1.0 if abstained else 0.0})
    if item.answer_contains:  # only questions that say what a correct answer contains
        scores["answer_correct"] = 1.0 if not abstained and contains_all(
            str(answer.get("answer", "")), item.answer_contains) else 0.0
    if not abstained:
        scores.update(grounding_scores(answer, judge))
    right = scores.get("answer_correct", recall)  # without expected strings: cited gold
    scores["outcome"] = "abstained wrong" if abstained else \
        "answered right" if right else "answered wrong"
    return scores


def quotes_verbatim(answer: dict[str, Any]) -> float:
    """The share of citations whose quote is found, word for word, in the paragraph cited
    (whitespace collapsed); 1.0 when nothing is cited."""
    cited = answer.get("citations", [])
    if not cited:
        return 1.0
    return sum(" ".join(str(c.get("quote", "")).split()) in " ".join(
        str(c.get("text", "")).split()) for c in cited) / len(cited)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def summarise(graded: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Averages with bootstrap 95% intervals for the headline metrics, by tag, and latency."""
    names = sorted({k for g in graded for k, v in g.items() if isinstance(v, float)
                    and k != "latency_ms"})
    summary: dict[str, Any] = {"questions": len(graded),
                               "answerable": sum(1 for g in graded if g["answerable"])}
    for name in names:
        values = [g[name] for g in graded if name in g]
        entry: dict[str, Any] = {"mean": round(_mean(values), 4), "n": len(values)}
        if name in HEADLINE or name == "false_abstention":
            low, high = bootstrap_ci(values)
            entry["ci95"] = [round(low, 4), round(high, 4)]
        summary[name] = entry
    summary["outcomes"] = {name: sum(g.get("outcome") == name for g in graded) for name in
                           OUTCOMES}
    latencies = [g["latency_ms"] for g in graded]
    summary["latency_ms"] = {"median": round(statistics.median(latencies), 1) if latencies else 0,
                             "p95": round(percentile(latencies, 0.95), 1)}
    tags: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for g in graded:
        for tag in g["tags"]:
            tags[tag].append(g)
    summary["by_tag"] = {tag: {name: round(_mean([g[name] for g in rows if name in g]), 4)
                               for name in ("hit@5", "citation_f1", "answer_correct",
                                            "abstention_correct") if any(name in g for g in rows)}
                         | {"n": len(rows)} for tag, rows in sorted(tags.items())}
    return summary
