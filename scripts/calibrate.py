"""Calibrate the abstention threshold on labelled questions (eval/data/calibration.jsonl).

The assistant abstains when the best-supported sentence scores below ``abstain_below`` (or
when another rule fires: an unknown name, a name the quotes do not concern, a missing subject
word). This script answers every labelled question with the threshold switched off, records
each one's support score and whether another rule already abstained, and picks the threshold
that makes the most right decisions (ties: the midpoint of the widest gap). It writes
assistant/calibration.json, which the settings read as their default.

Usage: python scripts/calibrate.py [SOURCES...]   (default: ../shared/corpus/seeds samples/library)
"""

from __future__ import annotations

import json
import sys
import tempfile
from itertools import pairwise
from pathlib import Path

from assistant.assistant import Assistant
from assistant.settings import DEFAULT_EMBEDDING_MODEL, Settings
from ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "eval" / "data" / "calibration.jsonl"
OUTPUT = ROOT / "assistant" / "calibration.json"


def observations(sources: list[Path]) -> list[tuple[bool, float, bool]]:
    """(answerable, support, abstained by another rule) for every labelled question."""
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder), embedding_model=DEFAULT_EMBEDDING_MODEL,
                            abstain_below=-10.0)
        ingest(sources, settings)
        assistant = Assistant(settings)
        rows = []
        for line in QUESTIONS.read_text().splitlines():
            item = json.loads(line)
            answer = assistant.ask(item["question"])
            rows.append((bool(item["answerable"]), answer.support, answer.abstained))
        return rows


def best_threshold(rows: list[tuple[bool, float, bool]]) -> tuple[float, float]:
    """The threshold with the most right decisions, and that accuracy."""
    scores = sorted({round(s, 4) for _, s, _ in rows})
    cuts = [scores[0] - 0.01] + [(a + b) / 2 for a, b in pairwise(scores)]
    best = (-1.0, 0.0, 0.0)
    for cut in cuts:
        right = sum((not abstained and support >= cut) == answerable
                    for answerable, support, abstained in rows)
        gap = min((abs(s - cut) for _, s, _ in rows), default=0.0)
        best = max(best, (right / len(rows), gap, cut))
    return round(best[2], 4), best[0]


def main(argv: list[str]) -> None:
    sources = [Path(a) for a in argv] or [ROOT.parent / "shared" / "corpus" / "seeds",
                                          ROOT / "samples" / "library"]
    rows = observations(sources)
    threshold, accuracy = best_threshold(rows)
    answerable = sorted(s for a, s, _ in rows if a)
    unanswerable = sorted(s for a, s, _ in rows if not a)
    result = {"abstain_below": threshold, "accuracy": round(accuracy, 4),
              "questions": len(rows), "answerable": len(answerable),
              "unanswerable": len(unanswerable),
              "answerable_support_median": answerable[len(answerable) // 2],
              "unanswerable_support_median": unanswerable[len(unanswerable) // 2],
              "sources": [str(s.name) for s in sources], "model": DEFAULT_EMBEDDING_MODEL}
    OUTPUT.write_text(json.dumps(result, indent=2) + "\n")
    for answerable_, support, abstained in sorted(rows, key=lambda r: r[1]):
        print(f"{support:.3f} {'answerable' if answerable_ else 'unanswerable':12} "
              f"{'(other rule abstains)' if abstained else ''}")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
