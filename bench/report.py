"""The targets of issue 5/6 checked against measured results, and the readable table."""

from __future__ import annotations

from typing import Any


def _target(name: str, measured: str, passed: bool | None) -> dict[str, Any]:
    return {"target": name, "measured": measured,
            "pass": "n/a" if passed is None else ("pass" if passed else "FAIL")}


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with the measured figure and pass/fail (n/a when not measured)."""
    out = []
    ingest, backend = results["ingest"], results["backend"]
    ceiling = results["embedding"][backend]["seconds"]
    ratio = ingest["wall_s"] / ceiling
    out.append(_target("Kent ingest wall time within 1.3x embedding alone",
                       f"{ingest['wall_s']} s / {ceiling} s = {ratio:.2f}x", ratio <= 1.3))
    torch, int8 = results["embedding"].get("torch"), results["embedding"].get("onnx-int8")
    if torch and int8:
        out.append(_target("ONNX int8 embedding faster than fp32 PyTorch",
                           f"{int8['tokens_per_s']} vs {torch['tokens_per_s']} tokens/s "
                           f"({int8['tokens_per_s'] / torch['tokens_per_s']:.2f}x)",
                           int8["tokens_per_s"] > torch["tokens_per_s"]))
    reingest = results["reingest"]
    out.append(_target("Re-ingest of the unchanged corpus near zero work",
                       f"{reingest['wall_s']} s, {reingest['paragraphs_embedded']} embedded",
                       reingest["paragraphs_embedded"] == 0 and reingest["wall_s"] < 10))
    at = results["sizes"].get("100000")
    if at and "retrieve_ms" in at:
        retrieve, answer = at["retrieve_ms"], at["answer_ms"]
        out += [
            _target("Retrieval p50 < 50 ms at 100k", f"{retrieve['p50']} ms",
                    retrieve["p50"] < 50),
            _target("Retrieval p95 < 150 ms at 100k", f"{retrieve['p95']} ms",
                    retrieve["p95"] < 150),
            _target("Full extractive answer p50 < 250 ms at 100k", f"{answer['p50']} ms",
                    answer["p50"] < 250),
            _target("Query process at 100k under 1.5 GB resident",
                    f"{at['peak_rss_mb']} MB peak", at["peak_rss_mb"] < 1536),
            _target("First question after start-up pays no index build",
                    f"{at['first_question_ms']} ms first vs {answer['p99']} ms p99 "
                    f"(start-up {at['startup_ms']} ms)",
                    at["first_question_ms"] <= max(answer["p99"], 2 * answer["p50"])),
        ]
    for size in ("10000", "100000", "1000000"):
        measured = results["sizes"].get(size, {})
        out.append(_target(f"Query latency measured at {int(size):,} paragraphs",
                           "measured" if "retrieve_ms" in measured else
                           measured.get("skipped", "not run"), "retrieve_ms" in measured))
    out.append(_target("make bench under 30 minutes", f"{results['seconds'] / 60:.1f} min",
                       results["seconds"] < 1800))
    return out


def _size_rows(results: dict[str, Any]) -> list[str]:
    rows = ["| library | paragraphs | retrieve p50/p95/p99 ms | answer p50/p95/p99 ms | "
            "start-up ms | first question ms | RSS MB (peak) |", "|---|---|---|---|---|---|---|"]
    for name, at in results["sizes"].items():
        if "error" in at or "skipped" in at:
            rows.append(f"| {name} | not measured: {at.get('error') or at['skipped']} "
                        f"| | | | | |")
            continue
        r, a = at["retrieve_ms"], at["answer_ms"]
        rows.append(f"| {name} | {at['paragraphs']:,} | {r['p50']} / {r['p95']} / {r['p99']} | "
                    f"{a['p50']} / {a['p95']} / {a['p99']} | {at['startup_ms']} | "
                    f"{at['first_question_ms']} | {at['rss_mb']} ({at['peak_rss_mb']}) |")
    return rows


def _other_rows(results: dict[str, Any]) -> list[str]:
    rows = ["", "| embedding backend | texts | tokens/s | texts/s | seconds |",
            "|---|---|---|---|---|"]
    for name, e in results["embedding"].items():
        rows.append(f"| {name} | {e['texts']:,} | {e['tokens_per_s']:,} | {e['texts_per_s']} | "
                    f"{e['seconds']} |")
    rows += ["", "| growth | fill s | synthetic paragraphs/s | lexical index build s |",
             "|---|---|---|---|"]
    for at in results["sizes"].values():
        if "fill" in at:
            f = at["fill"]
            rows.append(f"| to {f['paragraphs']:,} | {f['fill_s']} | {f['paragraphs_per_s']:,} |"
                        f" {f['lexical_index_s']} |")
    rows += ["", "| concurrency (8 askers, one assistant) | questions/s | latency p50/p95 ms |",
             "|---|---|---|"]
    for name, at in results["sizes"].items():
        if "concurrent" in at:
            c = at["concurrent"]
            rows.append(f"| {name} | {c['questions_per_s']} | {c['latency_ms']['p50']} / "
                        f"{c['latency_ms']['p95']} |")
    naive, ours = results.get("naive"), results["sizes"].get("kent")
    if naive and ours:
        rows += ["", "| Kent library, same questions | answer p50/p95 ms | RSS MB |",
                 "|---|---|---|",
                 f"| scrutineer | {ours['answer_ms']['p50']} / {ours['answer_ms']['p95']} | "
                 f"{ours['rss_mb']} |",
                 f"| naive-langchain | {naive['answer_ms']['p50']} / {naive['answer_ms']['p95']}"
                 f" | {naive['rss_mb']} |",
                 f"| ratio | {ours['answer_ms']['p50'] / naive['answer_ms']['p50']:.1f}x | "
                 f"{ours['rss_mb'] / naive['rss_mb']:.2f}x |"]
    return rows


def table(results: dict[str, Any]) -> str:
    """Markdown: ingest, query by size, embedding, growth, concurrency, naive, targets."""
    i = results["ingest"]
    lines = [f"# Benchmark ({results['started']}, {results['machine']['cores']} cores, "
             f"backend {results['backend']}, {results['seconds']} s)", "",
             f"Ingest Kent: {i['files']} files, {i['pages']} pages, {i['paragraphs']:,} "
             f"paragraphs in {i['wall_s']} s ({i['pages_per_s']} pages/s, "
             f"{i['paragraphs_per_s']} paragraphs/s); parse {i['parse_s_in_worker']} s (worker), "
             f"embed {i['embed_s']} s, store {i['store_s']} s, lexical index "
             f"{i['lexical_index_s']} s; peak RSS {i['peak_rss_mb']} MB (+ parse worker "
             f"{i['parse_worker_peak_rss_mb']} MB). Re-ingest unchanged: "
             f"{results['reingest']['wall_s']} s.", "", *_size_rows(results),
             *_other_rows(results), "", "| target | measured | result |", "|---|---|---|"]
    lines += [f"| {t['target']} | {t['measured']} | {t['pass']} |" for t in results["targets"]]
    return "\n".join(lines) + "\n"
