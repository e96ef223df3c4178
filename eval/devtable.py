"""The development table: one block per source, one row per pipeline."""

from __future__ import annotations

from typing import Any

from eval.scoring import OUTCOMES

TABLE_METRICS = (("hit@1", "hit@1"), ("hit@5", "hit@5"), ("recall@10", "R@10"),
                 ("mrr@10", "MRR"), ("citation_precision", "cite P"),
                 ("citation_recall", "cite R"), ("answer_correct", "contains"),
                 ("abstention_correct", "abstain ok"), ("false_abstention", "false abst."),
                 ("filter_removed_gold", "filter lost gold"))


def _cell(summary: dict[str, Any], metric: str) -> str:
    entry = summary.get(metric)
    return f"{entry['mean']:.3f}" if isinstance(entry, dict) and "mean" in entry else "–"


def dev_table(source: str, summaries: dict[str, Any]) -> list[str]:
    """Markdown lines of one source's table."""
    first: dict[str, Any] = next(iter(summaries.values()), {})
    lines = [f"## {source} ({first.get('questions', 0)} questions, "
             f"{first.get('answerable', 0)} answerable)", "",
             "| pipeline | " + " | ".join(label for _, label in TABLE_METRICS)
             + " | p50 ms | p95 ms |", "|---" * (len(TABLE_METRICS) + 3) + "|"]
    for name, summary in summaries.items():
        latency = summary.get("latency_ms", {})
        lines.append(f"| {name} | " + " | ".join(_cell(summary, m) for m, _ in TABLE_METRICS)
                     + f" | {latency.get('median', 0):.0f} | {latency.get('p95', 0):.0f} |")
    lines += ["", "| pipeline | " + " | ".join(OUTCOMES) + " | quotes verbatim |",
              "|---" * (len(OUTCOMES) + 2) + "|"]
    for name, summary in summaries.items():
        counts = summary.get("outcomes", {})
        lines.append(f"| {name} | " + " | ".join(str(counts.get(o, 0)) for o in OUTCOMES)
                     + f" | {_cell(summary, 'quotes_verbatim')} |")
    return [*lines, ""]


def dev_markdown(results: dict[str, Any]) -> str:
    """Every source's table, with how long the run took."""
    meta = results.get("_meta", {})
    lines = ["# Development sources", ""]
    for source, summaries in results.items():
        if not source.startswith("_"):
            lines += dev_table(source, summaries)
    lines.append("Retrieval and citation metrics over answerable questions; 'abstain ok' over "
                 "unanswerable ones; 'filter lost gold' is the share of answerable questions "
                 "whose gold document the filters guessed from the question left out.")
    if meta:
        lines.append(f"\nRun took {meta.get('seconds', 0):.0f} s.")
    return "\n".join(lines) + "\n"
