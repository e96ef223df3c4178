"""The benchmark's stages. Each runs in its own process (``python -m bench.stages NAME JSON``)
so that its memory is its own, and prints one JSON object as its last line."""

from __future__ import annotations

import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from bench.measure import KENT, peak_rss_mb, questions, rss_mb, summary


def _settings(data_dir: str, backend: str = "", chroma_url: str = "") -> Settings:
    overrides: dict[str, Any] = {"data_dir": Path(data_dir), "chroma_url": chroma_url}
    if backend:
        overrides["embedding_backend"] = backend
    return Settings(**overrides)


def ingest_kent(data_dir: str, backend: str = "", corpus: str = str(KENT)) -> dict[str, Any]:
    """Ingest the Kent PDFs into an empty library: wall time, its split, and peak memory."""
    from assistant.library import Library
    from ingest.pipeline import Ingestor, NoProgress, refresh_search_index

    settings = _settings(data_dir, backend)
    library = Library(settings)
    started = time.perf_counter()
    result = Ingestor(library, settings, NoProgress()).run([Path(corpus)])
    ingested = time.perf_counter()
    refresh_search_index(library, result)
    wall = time.perf_counter() - started
    pages = sum(d.pages for d in library.documents())
    paragraphs = library.paragraph_count()
    return {"files": len(result.results), "failed": len(result.failed), "pages": pages,
            "paragraphs": paragraphs, "wall_s": round(wall, 1),
            "pages_per_s": round(pages / wall, 2), "paragraphs_per_s": round(paragraphs / wall, 1),
            "parse_s_in_worker": round(result.timings.get("parse", 0), 1),
            "embed_s": round(result.timings.get("embed", 0), 1),
            "store_s": round(result.timings.get("store", 0), 1),
            "lexical_index_s": round(wall - (ingested - started), 1),
            "peak_rss_mb": peak_rss_mb(), "parse_worker_peak_rss_mb": peak_rss_mb(children=True)}


def reingest_kent(data_dir: str, backend: str = "", corpus: str = str(KENT)) -> dict[str, Any]:
    """Ingest the unchanged Kent PDFs again: should find nothing to do."""
    from ingest import ingest

    started = time.perf_counter()
    result = ingest([Path(corpus)], _settings(data_dir, backend))
    return {"wall_s": round(time.perf_counter() - started, 2),
            "unchanged": result.counts.get("unchanged", 0),
            "paragraphs_embedded": result.paragraphs_written, "peak_rss_mb": peak_rss_mb()}


def embed_only(data_dir: str, backend: str = "", limit: int = 0) -> dict[str, Any]:
    """Embed the texts ingestion embedded (from the library), nothing else: the ceiling.
    ``limit`` takes every n-th text to measure a backend on a sample of about that many."""
    from transformers import AutoTokenizer

    from assistant.embedder import get_embedder, packaged_model_path
    from assistant.library import Library

    settings = _settings(data_dir)
    library = Library(settings)
    documents = {d.doc_id: d for d in library.documents()}
    texts = [p.context_text(documents[p.doc_id]) for p, _ in library.export()]
    texts += ["\n".join((d.identity, *d.parts)) for d in documents.values()]
    if limit and len(texts) > limit:
        texts = texts[:: len(texts) // limit]
    embedder = get_embedder(settings.model_copy(update={"embedding_backend": backend or
                                                       settings.embedding_backend}))
    loading = time.perf_counter()
    embedder.embed(["warm up"])
    loaded = time.perf_counter()
    step = settings.embed_batch_size * 4
    for start in range(0, len(texts), step):
        embedder.embed(texts[start : start + step])
    seconds = time.perf_counter() - loaded
    tokenizer = AutoTokenizer.from_pretrained(packaged_model_path())
    tokens = sum(len(ids) for ids in tokenizer(texts, truncation=True, max_length=256)
                 ["input_ids"])
    return {"backend": backend or settings.embedding_backend, "texts": len(texts),
            "tokens": tokens, "seconds": round(seconds, 1), "load_s": round(loaded - loading, 1),
            "texts_per_s": round(len(texts) / seconds, 1),
            "tokens_per_s": round(tokens / seconds), "peak_rss_mb": peak_rss_mb()}


def fill(data_dir: str, target: int) -> dict[str, Any]:
    """Grow the library with synthetic paragraphs to ``target``, then rebuild the lexical
    index as ingestion would (both timed)."""
    from assistant.library import Library
    from assistant.retrieval import Retriever
    from bench.synthetic import Source, grow

    library = Library(_settings(data_dir))
    started = time.perf_counter()
    added = grow(library, Source.from_library(library), target)
    filled = time.perf_counter()
    Retriever(library).refresh(force=True)
    indexed = time.perf_counter()
    recall = ann_recall(library) if library.paragraph_count() <= 200_000 else None
    return {"paragraphs": library.paragraph_count(), "documents": library.document_count(),
            "ann_recall_at_50": recall, "lexical_index_s": round(indexed - filled, 1),
            "added": added, "fill_s": round(filled - started, 1),
            "paragraphs_per_s": round(added / max(filled - started, 1e-9)),
            "peak_rss_mb": peak_rss_mb()}


def ann_recall(library: Any, count: int = 50, k: int = 50) -> float:
    """Share of the exact ``k`` nearest paragraphs (brute force over every stored vector) that
    the store's HNSW search returns, over ``count`` benchmark questions."""
    import numpy as np

    ids, rows = [], []
    for paragraph, vector in library.export():
        ids.append(paragraph.para_id)
        rows.append(vector)
    matrix = np.asarray(rows, dtype=np.float32)
    found = 0
    for question in questions(count):
        vector = library.embedder.embed_one(question)
        exact = np.argpartition(-(matrix @ np.asarray(vector, dtype=np.float32)), k)[:k]
        approximate = {p.para_id for p, _ in library.nearest(vector, k)}
        found += sum(ids[i] in approximate for i in exact)
    return round(found / (count * k), 4)


def _ask_all(assistant: Any, asked: list[str]) -> tuple[list[float], list[float], list[float]]:
    retrieve, total, wall = [], [], []
    for question in asked:
        started = time.perf_counter()
        answer = assistant.ask(question)
        wall.append((time.perf_counter() - started) * 1000)
        retrieve.append(answer.timings_ms["retrieve"])
        total.append(answer.timings_ms["total"])
    return retrieve, total, wall


def query(data_dir: str, chroma_url: str = "", count: int = 240, concurrency: int = 0,
          backend: str = "") -> dict[str, Any]:
    """Latency of retrieval and of the full extractive answer over ``count`` questions, after
    a cold start; optionally ``concurrency`` askers sharing one assistant."""
    from assistant.assistant import Assistant

    started = time.perf_counter()
    assistant = Assistant(_settings(data_dir, backend, chroma_url))
    assistant.warm_up()
    ready = time.perf_counter()
    asked = questions(count)
    first = assistant.ask(asked[0]).timings_ms["total"]
    retrieve, total, wall = _ask_all(assistant, asked)
    report = {"paragraphs": assistant.paragraph_count(),
              "documents": assistant.document_count(), "questions": len(asked),
              "startup_ms": round((ready - started) * 1000), "first_question_ms": round(first),
              "retrieve_ms": summary(retrieve), "answer_ms": summary(total),
              "wall_ms": summary(wall), "rss_mb": rss_mb()}
    if concurrency:
        report["concurrent"] = _concurrent(assistant, asked, concurrency)
    report["peak_rss_mb"] = peak_rss_mb()
    return report


def _concurrent(assistant: Any, asked: list[str], askers: int) -> dict[str, Any]:
    assistant.clear_caches()  # the same questions again: no sentence vectors reused

    def timed(question: str) -> float:
        started = time.perf_counter()
        assistant.ask(question)
        return (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    with ThreadPoolExecutor(askers) as pool:
        latencies = list(pool.map(timed, asked))
    wall = time.perf_counter() - started
    return {"askers": askers, "questions": len(asked), "wall_s": round(wall, 1),
            "questions_per_s": round(len(asked) / wall, 2), "latency_ms": summary(latencies)}


def naive(data_dir: str, count: int = 240, backend: str = "", corpus: str = str(KENT)
          ) -> dict[str, Any]:
    """The evaluation harness's naive LangChain pipeline over the same library and questions."""
    from eval.pipelines import NaiveLangChainPipeline
    from eval.testset import TestItem

    started = time.perf_counter()
    pipeline = NaiveLangChainPipeline(_settings(data_dir, backend), [Path(corpus)])
    built = time.perf_counter() - started
    pipeline.answer(TestItem(id="warm", question="warm up"))
    latencies = []
    for n, question in enumerate(questions(count)):
        begun = time.perf_counter()
        pipeline.answer(TestItem(id=f"q{n}", question=question))
        latencies.append((time.perf_counter() - begun) * 1000)
    return {"index_build_s": round(built, 1), "questions": len(latencies),
            "answer_ms": summary(latencies), "rss_mb": rss_mb(), "peak_rss_mb": peak_rss_mb()}


STAGES = {"ingest": ingest_kent, "reingest": reingest_kent, "embed": embed_only, "fill": fill,
          "query": query, "naive": naive}

if __name__ == "__main__":
    name, arguments = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps(STAGES[name](**arguments)))
