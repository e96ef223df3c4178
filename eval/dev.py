"""`scrutineer eval dev` / `make eval-dev`: the shipped pipeline (and baselines on request) on
every development source at once, each in a library of its own, one table per source.

Sources (under the shared corpus): seeds + Kent with `eval/data/seeds_kent.jsonl`; the
councils' committee pages with their own questions; QMSum committee val (one document per
meeting). Libraries are kept under WORK and re-used (unchanged files are not ingested again);
results go to OUT: per source results.jsonl and summary.json, and dev.md with every table."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.settings import Settings, get_settings
from eval.devtable import TABLE_METRICS, dev_markdown
from eval.judge import SupportJudge
from eval.pipelines import make_pipeline
from eval.scoring import grade, summarise
from eval.testset import TestItem, given_filters, load_testset

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus"
SOURCE_NAMES = ("seeds-kent", "councils", "qmsum-val")
TRAINING_ONLY = ("qmsum-train",)  # fitted on, never measured (QMSum: tune on train)
Progress = Callable[[str, str, int, int], None]


@dataclass(frozen=True)
class Source:
    """A development source: the folders its library is ingested from and its questions."""

    name: str
    folders: tuple[Path, ...]
    testset: Path

    def group(self, item: TestItem) -> str:
        """What questions are grouped by for cross-validation: the council (councils set),
        the meeting (QMSum) or the document (seeds + Kent); an unanswerable question with no
        gold document is a group of its own."""
        if not item.evidence:
            return f"none:{item.id}"
        doc = item.evidence[0].doc
        return doc.split("--", 1)[0] if self.name == "councils" else doc


def find_sources(corpus: Path, work: Path, names: Sequence[str] = SOURCE_NAMES
                 ) -> list[Source]:
    """The named sources whose files are present under ``corpus`` (QMSum val is converted
    into WORK/qmsum-val first)."""
    found = []
    for name in names:
        if name == "seeds-kent" and (corpus / "seeds").is_dir() and (corpus / "kent").is_dir():
            found.append(Source(name, (corpus / "seeds", corpus / "kent"),
                                HERE / "data" / "seeds_kent.jsonl"))
        elif name == "councils" and (corpus / "councils" / "questions.jsonl").is_file():
            found.append(Source(name, (corpus / "councils" / "docs",),
                                corpus / "councils" / "questions.jsonl"))
        elif name.startswith("qmsum-"):
            split = corpus / "qmsum-committee" / f"{name.removeprefix('qmsum-')}.jsonl"
            if split.is_file():
                found.append(_qmsum(name, split, work / name))
    return found


def _qmsum(name: str, source: Path, folder: Path) -> Source:
    from eval.qmsum import convert, write_testset

    testset = folder / "testset.jsonl"
    if not testset.is_file() or testset.stat().st_mtime < source.stat().st_mtime:
        _, items = convert(source, folder)
        write_testset(items, testset)
    return Source(name, (folder / "documents",), testset)


def source_settings(source: Source, work: Path, base: Settings | None = None) -> Settings:
    """The settings of a source's own library under WORK."""
    base = base or get_settings()
    return base.model_copy(update={"data_dir": work / "libraries" / source.name})


def run_dev(corpus: Path, work: Path, out: Path, pipelines: Sequence[str] = ("scrutineer",),
            names: Sequence[str] = SOURCE_NAMES, progress: Progress | None = None,
            held_out: bool = True) -> dict[str, dict[str, Any]]:
    """Every pipeline on every source; returns {source: {pipeline: summary}} and writes
    OUT/<source>/results.jsonl, OUT/<source>/summary.json, OUT/dev.json and OUT/dev.md.
    ``held_out``: each question is ranked by a ranker fitted without its source (without its
    council, meeting or document's fold when only one source is measured), drafted by a
    selection model and decided by a decision model fitted without its fold, so no figure
    comes from the data the models were fitted on; otherwise by the shipped models."""
    from eval.fit_selector import held_out_selectors
    from ingest import ingest

    sources = find_sources(corpus, work, names)
    if not sources:
        raise FileNotFoundError(f"No development source found under {corpus}: it needs "
                                f"seeds/ and kent/, councils/ or qmsum-committee/.")
    out.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, Any]] = {}
    started = time.perf_counter()
    training = find_sources(corpus, work, TRAINING_ONLY) if held_out else []
    for source in [*sources, *training]:
        ingest(list(source.folders), source_settings(source, work))
    rankers = held_out_rankers(sources, training, work) if held_out else {}
    deciders = held_out_deciders(sources, training, work) if held_out else {}
    selectors = held_out_selectors([*sources, *training], work) if held_out else {}
    for source in sources:
        models = {"rankers": rankers, "deciders": deciders, "selectors": selectors}
        results[source.name] = _run_source(source, source_settings(source, work), pipelines,
                                           out / source.name, progress, models)
    results["_meta"] = {"seconds": round(time.perf_counter() - started, 1),
                        "corpus": str(corpus), "pipelines": list(pipelines),
                        "models": "ranker, selector and decider fitted without the question's "
                        "source or fold"
                        if held_out else "as shipped (assistant/ranker.json, decider.json)"}
    (out / "dev.json").write_text(json.dumps(results, indent=2) + "\n")
    (out / "dev.md").write_text(dev_markdown(results))
    return results


def held_out_rankers(sources: Sequence[Source], training: Sequence[Source], work: Path
                     ) -> dict[tuple[str, str], Any]:
    """For each question (by source and id), a ranker fitted on pools it is not part of: the
    other sources' questions and the training-only ones, or with one source and no other,
    the other folds of its groups."""
    from eval.fit_ranker import collect, fit_chosen, folds

    pools = collect([*sources, *training], work)
    out: dict[tuple[str, str], Any] = {}
    for source in sources:
        items = load_testset(source.testset)
        if len(sources) + len(training) > 1:
            model = fit_chosen([p for p in pools if p.source != source.name])
            out.update({(source.name, item.id): model for item in items})
            continue
        fold_of = folds([source.group(item) for item in items])
        models = {f: fit_chosen([p for p in pools if fold_of[p.group] != f])
                  for f in set(fold_of.values())}
        out.update({(source.name, item.id): models[fold_of[source.group(item)]]
                    for item in items})
    return out


def held_out_deciders(sources: Sequence[Source], training: Sequence[Source], work: Path
                      ) -> dict[tuple[str, str], Any]:
    """For each question (by source and id), the decision model fitted on every source's
    rows outside the fold of its council, meeting or document (eval/fit_decider.py)."""
    from eval.decision_data import collect_rows, default_cache
    from eval.fit_decider import fold_key, held_out_models

    rows = collect_rows([*sources, *training], work, default_cache(work))
    models = held_out_models(rows)
    return {(s.name, item.id): models[fold_key(s.name, s.group(item))]
            for s in sources for item in load_testset(s.testset)}


def _run_source(source: Source, settings: Settings, pipelines: Sequence[str], out: Path,
                progress: Progress | None, models: dict[str, Any]) -> dict[str, Any]:
    items = load_testset(source.testset)
    out.mkdir(parents=True, exist_ok=True)
    summary: dict[str, Any] = {}
    rows: list[dict[str, Any]] = []
    judge = None
    for name in pipelines:
        pipeline = make_pipeline(name, settings, list(source.folders))
        judge = judge or SupportJudge(pipeline.assistant.embedder)
        graded = []
        for index, item in enumerate(items, start=1):
            if name == "scrutineer" and models["rankers"]:
                pipeline.assistant.use_ranker(models["rankers"][(source.name, item.id)])
                pipeline.assistant.use_decider(models["deciders"].get((source.name, item.id)))
                pipeline.assistant.use_selector(models["selectors"].get((source.name, item.id)))
            answer = pipeline.answer(item)
            scores = grade(item, answer, judge)
            scores["group"] = source.group(item)
            if item.answerable and name != "naive-langchain":
                scores["filter_removed_gold"] = float(_gold_removed(pipeline.assistant, item))
            graded.append(scores)
            rows.append({"pipeline": name, "id": item.id, "question": item.question,
                         "answer": answer, "metrics": scores})
            if progress:
                progress(source.name, name, index, len(items))
        summary[name] = summarise(graded)
    with (out / "results.jsonl").open("w") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def _gold_removed(assistant: Any, item: TestItem) -> bool:
    """Whether the documents the question is searched in (its own filters, plus those guessed
    from its words) leave out every gold document."""
    scope = {d.file_name for d in assistant.scope(
        assistant.understand(item.question, item.history, given_filters(item)).filters)}
    return not any(e.doc in scope for e in item.evidence)


__all__ = ["SOURCE_NAMES", "TABLE_METRICS", "TRAINING_ONLY", "Source", "find_sources", "run_dev"]
