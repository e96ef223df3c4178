"""The pipelines an evaluation compares, all answering in the `ask --json` layout:
the assistant as shipped, dense-only and BM25-only retrieval (same answerer), and the naive
LangChain tutorial pipeline (1000/200 character chunks, top-4 similarity, chunks cited whole)."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any

from assistant.answers import Answer
from assistant.assistant import Assistant
from assistant.errors import MissingPackagesError, QuestionError
from assistant.settings import Settings
from eval.testset import TestItem, given_filters
from ui.render import answer_json

PIPELINES = ("scrutineer", "dense", "bm25", "naive-langchain")


class AssistantPipeline:
    """The shipped assistant, optionally with one retrieval mode only."""

    def __init__(self, name: str, settings: Settings) -> None:
        mode = {"scrutineer": "hybrid", "dense": "dense", "bm25": "lexical"}[name]
        self.name = name
        self.assistant = Assistant(settings.model_copy(update={"retrieval": mode}))
        if name != "scrutineer":  # one search alone, in its own order
            self.assistant.use_ranker(None)

    def answer(self, item: TestItem) -> dict[str, Any]:
        try:
            answer = self.assistant.ask(item.question, item.history, given_filters(item))
        except QuestionError as exc:  # an empty or overlong question in a test set: refused
            answer = Answer(question=item.question, text=str(exc), abstained=True)
        return answer_json(answer, item.id)


class LangChainEmbeddings:
    """Our embedder behind LangChain's Embeddings interface (same model for a fair test)."""

    def __init__(self, embedder: Any) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_one(text)


class NaiveLangChainPipeline:
    """What a LangChain tutorial builds: character chunks in Chroma, top-4, cited whole."""

    name = "naive-langchain"

    def __init__(self, settings: Settings, sources: list[Path]) -> None:
        try:
            from langchain_chroma import Chroma
        except ImportError as exc:
            raise MissingPackagesError(
                "The naive LangChain baseline needs its packages: `pip install "
                "'scrutineer-council-papers[baselines]'`.") from exc

        self.assistant = Assistant(settings)
        assistant = self.assistant
        files = sorted({Path(d.source) for d in assistant.documents() if not d.meta.exempt and
                        len(assistant.paragraphs(d.doc_id)) == d.paragraph_count})
        # what the deployment shows, whole: never raw folders, nor the file of a document
        # with paragraphs withheld at this level (a restricted report bound into a pack)
        key = hashlib.sha1("\n".join(map(str, files)).encode()).hexdigest()[:12]
        folder = settings.data_dir / "naive-langchain" / key
        ready = (folder / "done").exists()
        embeddings: Any = LangChainEmbeddings(self.assistant.embedder)  # LangChain's interface
        self.store = Chroma(collection_name="naive", persist_directory=str(folder),
                            embedding_function=embeddings,
                            collection_metadata={"hnsw:space": "cosine"})
        if not ready:
            self._index(files)
            (folder / "done").write_text("ok")

    def _index(self, files: list[Path]) -> None:
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from ingest.formats import extract

        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        for path in files:
            try:
                raw = extract(path)
            except Exception:  # the naive pipeline skips what it cannot read, as tutorials do
                continue
            texts, metadatas = [], []
            for page in raw.pages:
                for chunk in splitter.split_text(page.text):
                    texts.append(chunk)
                    metadatas.append({"doc": path.name, "page": page.number if raw.paged else 0})
            if texts:
                self.store.add_texts(texts, metadatas=metadatas)

    def answer(self, item: TestItem) -> dict[str, Any]:
        started = time.perf_counter()
        named = item.filters.get("documents") if item.filters else None
        where: Any = {"doc": {"$in": list(named)}} if named else None
        found = self.store.similarity_search_with_score(item.question, k=4, filter=where)
        elapsed = (time.perf_counter() - started) * 1000
        citations = [{"n": n, "doc": d.metadata["doc"], "title": d.metadata["doc"], "para": "",
                      "page": d.metadata.get("page") or None, "quote": d.page_content,
                      "text": d.page_content, "score": float(score), "id": f"chunk-{n}"}
                     for n, (d, score) in enumerate(found, start=1)]
        text = "\n".join(f"{c['text']} [{c['n']}]" for c in citations)
        passages = [{k: c[k] for k in ("doc", "title", "para", "page", "text", "score", "id")}
                    for c in citations]
        return {"id": item.id, "question": item.question, "rewritten_question": item.question,
                "answer": text, "abstained": False, "citations": citations,
                "passages": passages,
                "timings_ms": {"retrieve": elapsed, "answer": 0.0, "total": elapsed}}


def make_pipeline(name: str, settings: Settings, sources: list[Path]) -> Any:
    """A pipeline by name."""
    if name == "naive-langchain":
        return NaiveLangChainPipeline(settings, sources)
    if name in ("scrutineer", "dense", "bm25"):
        return AssistantPipeline(name, settings)
    raise ValueError(f"Unknown pipeline {name!r}: choose from {', '.join(PIPELINES)}.")
