"""report.md and a self-contained report.html (inline SVG plots, no scripts, no downloads)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

SHOWN = ("hit@5", "recall@10", "mrr@10", "ndcg@10", "citation_f1", "alce_recall",
         "alce_precision", "answer_correct", "abstention_correct", "false_abstention")
COLOURS = ("#1f6feb", "#d29922", "#2da44e", "#a371f7", "#cf222e")


def _value(summary: dict[str, Any], metric: str) -> str:
    entry = summary.get(metric)
    if not isinstance(entry, dict) or "mean" not in entry:
        return "–"
    ci = entry.get("ci95")
    return f"{entry['mean']:.3f}" + (f" [{ci[0]:.2f}–{ci[1]:.2f}]" if ci else "")


def markdown(summary: dict[str, Any], testset: str) -> str:
    """The side-by-side table, latency and per-tag results as Markdown."""
    names = list(summary)
    lines = [f"# Evaluation of {testset}", "",
             "| metric | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for metric in SHOWN:
        lines.append(f"| {metric} | " + " | ".join(_value(summary[n], metric) for n in names)
                     + " |")
    lines.append("| latency median / p95 (ms) | " + " | ".join(
        f"{summary[n]['latency_ms']['median']:.0f} / {summary[n]['latency_ms']['p95']:.0f}"
        for n in names) + " |")
    lines += ["", "95% bootstrap intervals in brackets. Retrieval, citation and grounding "
              "metrics are over answerable questions; abstention_correct over unanswerable ones.",
              ""]
    for name in names:
        tags = summary[name].get("by_tag", {})
        if tags:
            lines += [f"## {name} by tag", "", "| tag | n | hit@5 | citation_f1 | answer_correct |"
                      " abstention_correct |", "|---|---|---|---|---|---|"]
            for tag, row in tags.items():
                lines.append(f"| {tag} | {row['n']} | " + " | ".join(
                    f"{row[m]:.2f}" if m in row else "–" for m in (
                        "hit@5", "citation_f1", "answer_correct", "abstention_correct")) + " |")
            lines.append("")
    return "\n".join(lines)


def _table(summary: dict[str, Any]) -> str:
    """The side-by-side table as HTML."""
    names = list(summary)
    head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    rows = [f"<tr><th>metric</th>{head}</tr>"]
    for metric in SHOWN:
        cells = "".join(f"<td>{html.escape(_value(summary[n], metric))}</td>" for n in names)
        rows.append(f"<tr><td>{metric}</td>{cells}</tr>")
    cells = "".join(f"<td>{summary[n]['latency_ms']['median']:.0f} / "
                    f"{summary[n]['latency_ms']['p95']:.0f}</td>" for n in names)
    rows.append(f"<tr><td>latency median / p95 (ms)</td>{cells}</tr>")
    return "<table>" + "".join(rows) + "</table>"


def _tags(summary: dict[str, Any]) -> str:
    """Per-tag results for each pipeline as HTML tables."""
    out = []
    for name, entry in summary.items():
        tags = entry.get("by_tag", {})
        if not tags:
            continue
        rows = ["<tr><th>tag</th><th>n</th><th>hit@5</th><th>citation_f1</th>"
                "<th>answer_correct</th><th>abstention_correct</th></tr>"]
        for tag, row in tags.items():
            cells = "".join(f"<td>{row[m]:.2f}</td>" if m in row else "<td>–</td>" for m in (
                "hit@5", "citation_f1", "answer_correct", "abstention_correct"))
            rows.append(f"<tr><td>{html.escape(tag)}</td><td>{row['n']}</td>{cells}</tr>")
        out.append(f"<h3>{html.escape(name)}</h3><table>{''.join(rows)}</table>")
    return "".join(out)


def _bars(summary: dict[str, Any]) -> str:
    """Grouped bars of the headline metrics by pipeline, with 95% interval whiskers."""
    metrics = [m for m in SHOWN if m != "false_abstention"]
    names = list(summary)
    width, height, left, bottom = 860, 300, 40, 60
    group = (width - left) / len(metrics)
    bar = group / (len(names) + 1)
    parts = [f'<svg width="{width}" height="{height + bottom}" role="img" '
             f'aria-label="headline metrics by pipeline">']
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        y = height - tick * (height - 20)
        parts.append(f'<line x1="{left}" x2="{width}" y1="{y}" y2="{y}" stroke="#ddd"/>'
                     f'<text x="4" y="{y + 4}" font-size="10">{tick:.2f}</text>')
    for i, metric in enumerate(metrics):
        x0 = left + i * group
        parts.append(f'<text x="{x0 + group / 2}" y="{height + 14}" font-size="10" '
                     f'text-anchor="middle">{metric}</text>')
        for j, name in enumerate(names):
            entry = summary[name].get(metric)
            if not isinstance(entry, dict):
                continue
            value, x = entry["mean"], x0 + (j + 0.5) * bar
            top = height - value * (height - 20)
            parts.append(f'<rect x="{x}" y="{top}" width="{bar * 0.9}" height="{height - top}" '
                         f'fill="{COLOURS[j % len(COLOURS)]}"><title>{name} {metric} '
                         f'{value:.3f}</title></rect>')
            if "ci95" in entry:
                low, high = (height - v * (height - 20) for v in entry["ci95"])
                mid = x + bar * 0.45
                parts.append(f'<line x1="{mid}" x2="{mid}" y1="{low}" y2="{high}" '
                             f'stroke="#000"/>')
    for j, name in enumerate(names):
        parts.append(f'<rect x="{left + j * 150}" y="{height + 30}" width="10" height="10" '
                     f'fill="{COLOURS[j % len(COLOURS)]}"/><text x="{left + j * 150 + 14}" '
                     f'y="{height + 39}" font-size="11">{html.escape(name)}</text>')
    return "".join(parts) + "</svg>"


def _latency(rows: Sequence[dict[str, Any]]) -> str:
    """Latency distribution per pipeline as strips of dots (log-free, in ms)."""
    names = sorted({r["pipeline"] for r in rows})
    values = [r["metrics"]["latency_ms"] for r in rows] or [1.0]
    top = max(values) or 1.0
    parts = [f'<svg width="860" height="{40 * len(names) + 30}" role="img" '
             f'aria-label="latency by pipeline">']
    for i, name in enumerate(names):
        y = 25 + i * 40
        parts.append(f'<text x="4" y="{y + 4}" font-size="11">{html.escape(name)}</text>')
        for r in rows:
            if r["pipeline"] == name:
                x = 140 + 700 * r["metrics"]["latency_ms"] / top
                parts.append(f'<circle cx="{x:.1f}" cy="{y}" r="3" fill="#1f6feb" '
                             f'fill-opacity="0.5"/>')
    parts.append(f'<text x="840" y="{40 * len(names) + 20}" font-size="10" '
                 f'text-anchor="end">{top:.0f} ms</text>')
    return "".join(parts) + "</svg>"


def _failures(rows: Sequence[dict[str, Any]]) -> str:
    """Each failed question: the gold evidence next to what was cited."""
    out = ["<table><tr><th>pipeline</th><th>question</th><th>gold</th><th>cited</th>"
           "<th>metrics</th></tr>"]
    for row in rows:
        metrics = row["metrics"]
        failed = metrics.get("citation_f1", 1) < 1 or metrics.get("answer_correct", 1) < 1 or \
            metrics.get("abstention_correct", 1) < 1
        if not failed:
            continue
        gold = "<br>".join(html.escape(f"{e['doc']} para {e['para']}: {e['quote']}")
                           for e in row["item"]["evidence"]) or "(should abstain)"
        cited = "<br>".join(html.escape(f"{c['doc']} para {c['para']}: {c['text'][:300]}")
                            for c in row["answer"].get("citations", [])) or \
            ("(abstained)" if row["answer"].get("abstained") else "(nothing cited)")
        shown = ", ".join(f"{k}={v:.2f}" for k, v in metrics.items()
                          if isinstance(v, float) and k in SHOWN)
        out.append(f"<tr><td>{html.escape(row['pipeline'])}</td><td>"
                   f"{html.escape(row['item']['question'])}</td><td>{gold}</td><td>{cited}</td>"
                   f"<td>{shown}</td></tr>")
    return "".join(out) + "</table>"


def write_reports(out: Path, summary: dict[str, Any], rows: Sequence[dict[str, Any]],
                  testset: str) -> None:
    """Write report.md and report.html into ``out``."""
    text = markdown(summary, testset)
    (out / "report.md").write_text(text + "\n")
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>Evaluation of "
            f"{html.escape(testset)}</title><style>body{{font-family:sans-serif;margin:2em;"
            f"max-width:1100px}}table{{border-collapse:collapse;font-size:13px}}td,th{{border:"
            f"1px solid #ccc;padding:4px;vertical-align:top}}pre{{background:#f6f8fa;"
            f"padding:1em;overflow:auto}}</style></head><body>"
            f"<h1>Evaluation of {html.escape(testset)}</h1><h2>Headline metrics</h2>"
            f"{_bars(summary)}<h2>Side by side</h2>{_table(summary)}<p>95% bootstrap intervals "
            f"in brackets; retrieval, citation and grounding metrics over answerable questions, "
            f"abstention over unanswerable ones.</p><h2>Latency</h2>{_latency(rows)}"
            f"<h2>By tag</h2>{_tags(summary)}"
            f"<h2>Failures: gold next to what was cited</h2>{_failures(rows)}</body></html>")
    (out / "report.html").write_text(page)


def tables_html(summary: dict[str, Any], rows: Sequence[dict[str, Any]]) -> dict[str, str]:
    """The report's tables as HTML, by section (for a page that draws its own charts)."""
    return {"Side by side": _table(summary) + "<p>95% bootstrap intervals in brackets.</p>",
            "By tag": _tags(summary),
            "Failures: gold next to what was cited": _failures(rows)}


def headline_points(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline metrics as (pipeline, metric, value) points for a native bar chart."""
    return [{"pipeline": name, "metric": metric, "value": entry["mean"]}
            for name, pipeline in summary.items() for metric in SHOWN
            if isinstance(entry := pipeline.get(metric), dict) and "mean" in entry]


def latency_points(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each answer's latency in ms by pipeline, for a native chart."""
    return [{"pipeline": r["pipeline"], "question": r["metrics"]["id"],
             "latency_ms": r["metrics"]["latency_ms"]} for r in rows]
