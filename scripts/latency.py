"""Retrieval and answer latency over labelled questions, with the model already loaded.

Usage: python scripts/latency.py DATA_DIR SOURCE...   (ingests SOURCES into DATA_DIR first)
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

from assistant.assistant import Assistant
from assistant.settings import DEFAULT_EMBEDDING_MODEL, Settings
from ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
KENT_QUESTIONS = [
    "How many young adults was the 18-25 section of the Strengthening Independence Service "
    "working with?",
    "What is the Kent County Council Integrated Care Strategy delivery plan?",
    "What is the forecast revenue overspend in the Q3 finance monitoring report?",
    "What did the Leader say about the Devolution Priority Programme?",
    "What does the Reserves Policy say about the level of general reserves?",
    "What is the Commissioning Plan for Education Provision in Kent 2025-29?",
    "Who proposed the Liberal Democrats amendment on highway asset maintenance?",
    "What are the key risks in the budget risk register?",
    "What is the minimum revenue provision policy?",
    "What did Cabinet decide about the Integrated Care Strategy Delivery Plan?",
    "What was agreed about the English Devolution White Paper?",
    "How much is the Council's savings target for 2024-25?",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(data_dir: str, *sources: str) -> None:
    settings = Settings(data_dir=Path(data_dir), embedding_model=DEFAULT_EMBEDDING_MODEL)
    ingest([Path(s) for s in sources], settings)
    assistant = Assistant(settings)
    questions = [json.loads(line)["question"] for line in
                 (ROOT / "eval" / "data" / "calibration.jsonl").read_text().splitlines()]
    questions += KENT_QUESTIONS
    assistant.ask("warm-up: what is county lines?")
    retrieve, answer, total = [], [], []
    for question in questions:
        result = assistant.ask(question)
        retrieve.append(result.timings_ms["retrieve"])
        answer.append(result.timings_ms["answer"])
        total.append(result.timings_ms["total"])
    report = {"questions": len(questions), "documents": assistant.library.document_count(),
              "paragraphs": assistant.library.paragraph_count()}
    for name, values in (("retrieve", retrieve), ("answer", answer), ("total", total)):
        report[name] = {"median_ms": round(statistics.median(values), 1),
                        "p95_ms": round(percentile(values, 0.95), 1)}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main(*sys.argv[1:])
