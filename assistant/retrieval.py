"""Hybrid retrieval: dense search in Chroma and BM25, fused by reciprocal rank, restricted to
the documents the filters allow, with neighbouring paragraphs available as context."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence

from assistant.answers import Filters
from assistant.documents import Document, Paragraph, Passage
from assistant.lexical import LexicalIndex
from assistant.library import Library
from assistant.query import documents_named

log = logging.getLogger(__name__)
RRF_K = 60


def _contains(value: str, wanted: Sequence[str]) -> bool:
    return any(re.search(rf"\b{re.escape(w)}\b", value, re.IGNORECASE) for w in wanted)


class Retriever:
    """Finds the paragraphs that may answer a question."""

    def __init__(self, library: Library, candidates: int = 50) -> None:
        self.library = library
        self.candidates = candidates
        self.lexical = LexicalIndex(library.settings.data_dir / "lexical" /
                                    library.settings.collection)
        self._documents: dict[str, Document] = {}
        self._lock = threading.Lock()

    # -- the library as it is now -----------------------------------------------------------

    def refresh(self, force: bool = False) -> None:
        """Reload documents and rebuild the lexical index if the library changed."""
        with self._lock:
            if not force and not self.lexical.due_for_check() and self._documents:
                return
            signature = self.library.signature()
            self.lexical.mark_checked()
            if self.lexical.is_current(signature) and self._documents:
                return
            self._documents = {d.doc_id: d for d in self.library.documents()}
            if not self.lexical.load(signature):
                self._rebuild(signature)

    def _rebuild(self, signature: str) -> None:
        log.info("building the lexical index for %d documents", len(self._documents))
        paragraphs = self.library.all_paragraphs()
        texts = [p.context_text(self._documents.get(p.doc_id)) for p in paragraphs]
        self.lexical.build([p.para_id for p in paragraphs], texts, signature)

    @property
    def documents(self) -> dict[str, Document]:
        self.refresh()
        return self._documents

    def allowed(self, filters: Filters) -> list[Document]:
        """The documents a question may be answered from."""
        docs = [d for d in self.documents.values() if filters.include_exempt or not d.meta.exempt]
        if filters.councils:
            docs = [d for d in docs if _contains(d.meta.council, filters.councils)]
        if filters.committees:
            docs = [d for d in docs if _contains(d.meta.committee, filters.committees)]
        if filters.doc_types:
            docs = [d for d in docs if d.meta.doc_type in filters.doc_types]
        if filters.date_from:
            docs = [d for d in docs if d.meta.meeting_date and d.meta.meeting_date >=
                    filters.date_from[: len(d.meta.meeting_date)]]
        if filters.date_to:
            docs = [d for d in docs if d.meta.meeting_date and d.meta.meeting_date <=
                    filters.date_to[: len(d.meta.meeting_date)]]
        if filters.documents:
            named = {d.doc_id for name in filters.documents for d in documents_named(name, docs)}
            docs = [d for d in docs if d.doc_id in named]
        return docs

    # -- searching ------------------------------------------------------------------------------

    def retrieve(self, question: str, vector: list[float], filters: Filters, k: int = 10
                 ) -> list[Passage]:
        """The best ``k`` paragraphs for the question among the allowed documents."""
        allowed = self.allowed(filters)
        if not allowed:
            return []
        everything = len(allowed) == len(self.documents)
        doc_ids = None if everything else [d.doc_id for d in allowed]
        mode = self.library.settings.retrieval
        dense = self.library.nearest(vector, self.candidates, doc_ids) if mode != "lexical" else []
        lexical = self.lexical.search(question, self.candidates, doc_ids
                                      ) if mode != "dense" else []
        return self._fuse(dense, lexical, k)

    def _fuse(self, dense: list[tuple[Paragraph, float]], lexical: list, k: int
              ) -> list[Passage]:
        scores: dict[str, float] = {}
        dense_score = {p.para_id: s for p, s in dense}
        lexical_score = {h.para_id: h.score for h in lexical}
        for rank, (paragraph, _) in enumerate(dense):
            scores[paragraph.para_id] = scores.get(paragraph.para_id, 0) + 1 / (RRF_K + rank)
        for rank, hit in enumerate(lexical):
            scores[hit.para_id] = scores.get(hit.para_id, 0) + 1 / (RRF_K + rank)
        best = sorted(scores, key=scores.__getitem__, reverse=True)[:k]
        known = {p.para_id: p for p, _ in dense}
        missing = [pid for pid in best if pid not in known]
        known.update({p.para_id: p for p in self.library.get_paragraphs(missing)})
        passages = []
        for pid in best:
            paragraph = known.get(pid)
            document = self._documents.get(paragraph.doc_id) if paragraph else None
            if paragraph is None or document is None:
                continue
            passages.append(Passage(paragraph, document, scores[pid],
                                    dense_score.get(pid, 0.0), lexical_score.get(pid, 0.0)))
        return passages

    def neighbours(self, paragraph: Paragraph, span: int = 1) -> list[Paragraph]:
        """The paragraphs just before and after one, in order (not including it)."""
        return self.library.around(paragraph, span)
