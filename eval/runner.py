"""`scrutineer eval run` / `score` / `compare`: run test sets through pipelines, grade, and
write results.jsonl, summary.json, report.md and report.html."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.embedder import get_embedder
from assistant.settings import Settings, get_settings
from eval.judge import SupportJudge
from eval.pipelines import make_pipeline
from eval.report import write_reports
from eval.scoring import HEADLINE, grade, summarise
from eval.testset import TestItem, load_testset

Progress = Callable[[str, int, int], None]


def library_settings(library: Path | None, out: Path) -> tuple[Settings, list[Path]]:
    """A data directory is used as it is; a folder of documents is ingested into OUT/data."""
    base = get_settings()
    if library is None:
        return base, []
    if (library / "manifest.json").exists() or (library / "chroma").is_dir():
        return base.model_copy(update={"data_dir": library}), []
    return base.model_copy(update={"data_dir": out / "data"}), [library]


def run(testset: Path, library: Path | None, pipelines: Sequence[str], out: Path,
        progress: Progress | None = None) -> dict[str, Any]:
    """Run every question through every pipeline; returns the summary by pipeline."""
    from ingest import ingest

    items = load_testset(testset)
    out.mkdir(parents=True, exist_ok=True)
    settings, sources = library_settings(library, out)
    if sources:
        ingest(sources, settings)
    judge = SupportJudge(get_embedder(settings))
    summary: dict[str, Any] = {}
    rows: list[dict[str, Any]] = []
    for name in pipelines:
        pipeline = make_pipeline(name, settings, sources)
        graded = []
        for index, item in enumerate(items, start=1):
            answer = pipeline.answer(item)
            scores = grade(item, answer, judge)
            graded.append(scores)
            rows.append({"pipeline": name, "item": _item_json(item), "answer": answer,
                         "metrics": scores})
            if progress:
                progress(name, index, len(items))
        summary[name] = summarise(graded)
    with (out / "results.jsonl").open("w") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    write_reports(out, summary, rows, testset.name)
    return summary


def score(testset: Path, answers: Path, settings: Settings | None = None) -> dict[str, Any]:
    """Grade answers from any system (the `ask --json` layout, one per line, matched by id)."""
    items = {item.id: item for item in load_testset(testset)}
    judge = SupportJudge(get_embedder(settings or get_settings()))
    graded = []
    for number, line in enumerate(answers.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        answer = json.loads(line)
        item = items.get(str(answer.get("id", "")))
        if item is None:
            raise ValueError(f"{answers}, line {number}: id {answer.get('id')!r} is not in "
                             f"{testset.name}")
        graded.append(grade(item, answer, judge))
    return summarise(graded)


def _item_json(item: TestItem) -> dict[str, Any]:
    return {"id": item.id, "question": item.question, "answerable": item.answerable,
            "evidence": [e.__dict__ for e in item.evidence], "tags": list(item.tags)}


def _sign_test(better: int, worse: int) -> float:
    """Two-sided exact sign-test p-value for paired changes (ties dropped)."""
    n = better + worse
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, k) for k in range(min(better, worse) + 1)) / 2 ** n
    return min(1.0, 2 * tail)


def compare(run_a: Path, run_b: Path) -> dict[str, Any]:
    """Question by question, what got better and worse from run A to run B, per pipeline and
    headline metric, with a sign-test p-value."""
    def load(folder: Path) -> dict[tuple[str, str], dict[str, Any]]:
        rows = [json.loads(line) for line in (folder / "results.jsonl").read_text().splitlines()]
        return {(r["pipeline"], r["metrics"]["id"]): r["metrics"] for r in rows}

    before, after = load(run_a), load(run_b)
    report: dict[str, Any] = {}
    for key in sorted(set(before) & set(after)):
        pipeline, question = key
        for metric in HEADLINE:
            if metric not in before[key] or metric not in after[key]:
                continue
            entry = report.setdefault(pipeline, {}).setdefault(
                metric, {"better": [], "worse": [], "same": 0})
            change = after[key][metric] - before[key][metric]
            if change > 1e-9:
                entry["better"].append(question)
            elif change < -1e-9:
                entry["worse"].append(question)
            else:
                entry["same"] += 1
    for metrics in report.values():
        for entry in metrics.values():
            entry["p_value"] = round(_sign_test(len(entry["better"]), len(entry["worse"])), 4)
    return report
