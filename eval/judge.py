"""The support judge behind the grounding metrics: a sentence is supported by a paragraph when
every figure, date and name in it occurs in the paragraph and it is close to the paragraph by
embedding similarity. Its threshold is fitted on hand-labelled pairs (eval/data/support_pairs
.jsonl) and its agreement with the labels is reported as accuracy and Cohen's kappa."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.embedder import Embedder
from assistant.llm import facts
from eval.metrics import collapse

PAIRS = Path(__file__).parent / "data" / "support_pairs.jsonl"
FITTED = Path(__file__).parent / "data" / "judge.json"  # written from calibrate() on PAIRS


def fitted_threshold() -> float:
    """The similarity threshold fitted on the hand-labelled pairs."""
    try:
        return float(json.loads(FITTED.read_text())["threshold"])
    except (OSError, ValueError, KeyError):
        return 0.4


DEFAULT_THRESHOLD = fitted_threshold()


@dataclass(frozen=True)
class Pair:
    """A hand-labelled sentence/paragraph pair."""

    sentence: str
    paragraph: str
    supported: bool


def load_pairs(folders: Sequence[Path], path: Path = PAIRS) -> list[Pair]:
    """The labelled pairs kept in the repository. They name their paragraph (file and label, or
    a snippet it contains) rather than copy it; the text is parsed from ``folders``."""
    from ingest.parse import parse_file

    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    parsed = {}
    for name in {r["doc"] for r in rows}:
        found = next((f / name for f in folders if (f / name).is_file()), None)
        if found is None:
            raise FileNotFoundError(f"{name} is not in {', '.join(map(str, folders))}")
        parsed[name] = parse_file(found).paragraphs
    pairs = []
    for row in rows:
        text = next(p.text for p in parsed[row["doc"]]
                    if (not row["para"] or p.label == row["para"])
                    and (not row["contains"] or row["contains"] in p.text))
        pairs.append(Pair(row["sentence"], text, bool(row["supported"])))
    return pairs


def missing_facts(sentence: str, text: str) -> list[str]:
    """Figures, dates, names and addresses of the sentence that the text does not contain."""
    lowered = collapse(text).lower()
    return [f for f in facts(sentence) if f.lower() not in lowered]


class SupportJudge:
    """Decides whether cited text supports a sentence."""

    def __init__(self, embedder: Embedder, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.embedder = embedder
        self.threshold = threshold

    def similarities(self, sentences: Sequence[str], texts: Sequence[str]) -> list[float]:
        """Cosine similarity of each sentence with its text."""
        vectors = self.embedder.embed([*sentences, *texts])
        half = len(sentences)
        return [sum(a * b for a, b in zip(vectors[i], vectors[half + i], strict=True))
                for i in range(half)]

    def supports(self, sentence: str, text: str, similarity: float | None = None) -> bool:
        """Facts present and similarity at or above the threshold."""
        plain = re.sub(r"\s*\[\d+\]", "", sentence).strip()
        if not plain or missing_facts(plain, text):
            return False
        if collapse(plain) in collapse(text):
            return True  # a verbatim quote is support by definition
        score = similarity if similarity is not None else self.similarities([plain], [text])[0]
        return score >= self.threshold


def cohen_kappa(truth: Sequence[bool], predicted: Sequence[bool]) -> float:
    """κ = (p_o - p_e) / (1 - p_e) for two binary raters."""
    n = len(truth)
    if not n:
        return 0.0
    observed = sum(t == p for t, p in zip(truth, predicted, strict=True)) / n
    yes = (sum(truth) / n) * (sum(predicted) / n)
    no = (1 - sum(truth) / n) * (1 - sum(predicted) / n)
    expected = yes + no
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def calibrate(judge: SupportJudge, pairs: Sequence[Pair]) -> dict[str, float]:
    """Fit the similarity threshold on the pairs; report accuracy and kappa at that threshold."""
    scores = judge.similarities([p.sentence for p in pairs], [p.paragraph for p in pairs])
    factual = [not missing_facts(p.sentence, p.paragraph) for p in pairs]
    candidates = sorted({round(s, 3) for s in scores})
    best = (-1.0, DEFAULT_THRESHOLD)
    for cut in candidates:
        predicted = [f and (s >= cut or collapse(p.sentence) in collapse(p.paragraph))
                     for f, s, p in zip(factual, scores, pairs, strict=True)]
        right = sum(x == p.supported for x, p in zip(predicted, pairs, strict=True))
        best = max(best, (right / len(pairs), -cut))
    judge.threshold = -best[1]
    predicted = [judge.supports(p.sentence, p.paragraph, s) for p, s in zip(pairs, scores,
                                                                             strict=True)]
    truth = [p.supported for p in pairs]
    return {"threshold": judge.threshold, "pairs": len(pairs),
            "accuracy": sum(t == x for t, x in zip(truth, predicted, strict=True)) / len(pairs),
            "kappa": cohen_kappa(truth, predicted)}
