"""Small measuring helpers: percentiles, memory from /proc, and the benchmark's questions."""

from __future__ import annotations

import json
import resource
import statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
KENT = CORPUS / "kent"
SEEDS = CORPUS / "seeds"
QMSUM_VAL = CORPUS / "qmsum-committee" / "val.jsonl"
EXTRA_QUESTIONS = (
    "How many young adults was the 18-25 section of the Strengthening Independence Service "
    "working with?",
    "What is the Kent County Council Integrated Care Strategy delivery plan?",
    "What is the forecast revenue overspend in the Q3 finance monitoring report?",
    "What did the Leader say about the Devolution Priority Programme?",
    "What does the Reserves Policy say about the level of general reserves?",
    "Who proposed the Liberal Democrats amendment on highway asset maintenance?",
    "What are the key risks in the budget risk register?",
    "What is the minimum revenue provision policy?",
    "Has any partnership worked with schools on knife crime?",
    "What did the partnership say about county lines?",
)


def summary(values: list[float]) -> dict[str, float]:
    """Median, p95 and p99 (nearest rank), rounded to 0.1."""
    ordered = sorted(values)

    def rank(share: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]

    return {"n": len(ordered), "p50": round(statistics.median(ordered), 1),
            "p95": round(rank(0.95), 1), "p99": round(rank(0.99), 1),
            "mean": round(statistics.fmean(ordered), 1)}


def rss_mb() -> float:
    """This process's resident memory now, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident memory of this process (or of its finished children), in MB."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


def questions(limit: int = 240) -> list[str]:
    """The evaluation sets' questions, then QMSum's committee queries, up to ``limit``."""
    found: list[str] = []
    for path in sorted((ROOT / "eval" / "data").glob("*.jsonl")):
        for line in path.read_text().splitlines():
            record = json.loads(line)
            if isinstance(record, dict) and isinstance(record.get("question"), str):
                found.append(record["question"])
    found.extend(EXTRA_QUESTIONS)
    if QMSUM_VAL.exists():
        for line in QMSUM_VAL.read_text().splitlines():
            meeting = json.loads(line)
            found.extend(q["query"] for q in meeting.get("specific_query_list", []))
    unique = list(dict.fromkeys(q.strip() for q in found if q.strip()))
    return unique[:limit]
