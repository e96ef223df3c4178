"""Hybrid retrieval: dense search in Chroma and BM25, fused by reciprocal rank, restricted to
the documents the filters allow, with neighbouring paragraphs available as context."""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from assistant.answers import Filters
from assistant.documents import Document, Paragraph, Passage, split_key
from assistant.errors import AccessDeniedError
from assistant.health import index_dir, record_index
from assistant.lexical import LexicalIndex
from assistant.library import Library
from assistant.query import documents_named

log = logging.getLogger(__name__)
INDEX_RULES = "withheld-1"  # what the index leaves out; a change rebuilds saved indexes
RRF_K = 60
EXACT_ROWS = 50_000  # a filter allowing at most this many paragraphs is searched exactly
MAX_FETCH = 2_000  # most ids asked of the approximate index when over-fetching for a filter


def _contains(value: str, wanted: Sequence[str]) -> bool:
    return any(re.search(rf"\b{re.escape(w)}\b", value, re.IGNORECASE) for w in wanted)


def _keep(docs: list[Document], field: Callable[[Document], str], wanted: Sequence[str]
          ) -> list[Document]:
    """The documents whose ``field`` names one of ``wanted`` (each distinct value tried once)."""
    matching = {v for v in {field(d) for d in docs} if _contains(v, wanted)}
    return [d for d in docs if field(d) in matching]


class Retriever:
    """Finds the paragraphs that may answer a question."""

    def __init__(self, library: Library, candidates: int = 50) -> None:
        self.library = library
        self.candidates = candidates
        self.lexical = LexicalIndex(index_dir(library.settings, library.access))
        self._documents: dict[str, Document] = {}
        self._stored = 0  # paragraphs in the store, of every access level and version
        self._lock = threading.Lock()

    # -- the library as it is now -----------------------------------------------------------

    def signature(self) -> str:
        """What the saved index must have been built for: the library's content and the rules
        of what the index leaves out."""
        return f"{self.library.signature()}:{INDEX_RULES}"

    def refresh(self, force: bool = False) -> None:
        """Reload documents and rebuild the search index if the library changed. ``force``
        also compares the documents' published versions with the index's, which catches a
        writer killed between publishing a document and changing the library's token."""
        with self._lock:
            if not force and not self.lexical.due_for_check() and self._documents:
                return
            signature = self.signature()
            self.lexical.mark_checked()
            if self.lexical.is_current(signature) and self._documents and not force:
                return
            documents = {d.doc_id: d for d in self.library.documents()}
            self._stored = self.library.paragraph_count()
            if (self.lexical.is_current(signature) or self.lexical.load(signature)) and \
                    self.lexical.versions() == {d: doc.version for d, doc in documents.items()
                                                if doc.paragraph_count}:
                self._documents = documents
                return
            self._rebuild(signature, documents)

    def _rebuild(self, signature: str, documents: dict[str, Document], tries: int = 3) -> None:
        """Index the visible paragraphs of the published versions (nothing the deployment may
        not show is ever in the index, not even its words). A version replaced while it is
        read comes back short: the documents are read again and the index built again (a
        document short of paragraphs that state a level above this one is not replaced)."""
        for _ in range(tries):
            log.info("building the search index for %d documents", len(documents))
            rows = list(self.library.export({d: doc.version for d, doc in documents.items()}))
            counts = Counter(p.doc_id for p, _ in rows)
            short = [d for d, doc in documents.items() if counts[d] != doc.paragraph_count]
            if not short:
                break
            fresh = {d.doc_id: d for d in self.library.documents()}
            if all(d in fresh and fresh[d].version == documents[d].version for d in short):
                break  # the same versions: the paragraphs missing are withheld at this level
            documents = fresh
        rows.sort(key=lambda row: (row[0].doc_id, row[0].ordinal))  # ties rank the same in
        ids = [p.key for p, _ in rows]  # every build, whatever order the store returns rows
        texts = [p.context_text(documents.get(p.doc_id)) for p, _ in rows]
        matrix = np.asarray([v for _, v in rows], dtype=np.float32) if rows else None
        self.lexical.build(ids, texts, signature, matrix)
        self._documents = documents
        record_index(self.library.settings, self.library.access)

    @property
    def documents(self) -> dict[str, Document]:
        self.refresh()
        return self._documents

    def allowed(self, filters: Filters) -> list[Document]:
        """The documents a question may be answered from: those the deployment may show (the
        library reads no others), public ones only unless the filters include exempt ones."""
        if filters.include_exempt and self.library.access == "public":
            raise AccessDeniedError(
                "This deployment shows public documents only, so exempt documents cannot be "
                "searched. Ask without including exempt documents, or use a deployment set up "
                "for them (SCRUTINEER_ACCESS=exempt or confidential).")
        docs = [d for d in self.documents.values() if filters.include_exempt or not d.meta.exempt]
        if filters.councils:
            docs = _keep(docs, lambda d: d.meta.council, filters.councils)
        if filters.committees:
            docs = _keep(docs, lambda d: d.meta.committee, filters.committees)
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

    def retrieve(self, question: str, vector: list[float], filters: Filters, k: int = 10,
                 retried: bool = False) -> list[Passage]:
        """The best ``k`` paragraphs for the question among the allowed documents. Candidates
        from both searches are restricted to the allowed documents' published versions before
        they are ranked, so nothing else is ever read."""
        docs = {d.doc_id: d for d in self.allowed(filters)}
        allowed = {d: doc.version for d, doc in docs.items()}
        if not allowed:
            return []
        everything = len(allowed) == len(self.documents)
        mode = self.library.settings.retrieval
        dense = self._dense(vector, allowed) if mode != "lexical" else []
        lexical = [(h.para_id, h.score) for h in self.lexical.search(
            question, self.candidates, None if everything else allowed)] if mode != "dense" else []
        stale = any(_newer(docs, key) for key, _ in [*dense, *lexical])
        passages, complete = self._fuse([h for h in dense if _admits(allowed, h[0])],
                                        [h for h in lexical if _admits(allowed, h[0])], k, docs)
        if (stale or not complete) and not retried:  # a version replaced since this started
            self.refresh(force=True)
            return self.retrieve(question, vector, filters, k, retried=True)
        return passages

    def _dense(self, vector: list[float], allowed: dict[str, str]) -> list[tuple[str, float]]:
        """Nearest allowed paragraphs by embedding. No filter is handed to the store (its
        filtered search scans the whole collection): up to EXACT_ROWS allowed paragraphs are
        searched exactly over their vectors in the search index; more, by over-fetching from
        the store's approximate index and keeping the allowed."""
        rows = self.lexical.rows(allowed)
        if len(rows) <= EXACT_ROWS:
            return self.lexical.exact(vector, rows, self.candidates) or []
        fetch = min(MAX_FETCH, int(self.candidates * 2 * max(self._stored, 1) / len(rows)))
        hits = [(key, s) for key, s in self.library.nearest_ids(vector, fetch)
                if _admits(allowed, key)]
        if len(hits) < self.candidates:
            return self.lexical.exact(vector, rows, self.candidates) or hits
        return hits[: self.candidates]

    def _fuse(self, dense: list[tuple[str, float]], lexical: list[tuple[str, float]], k: int,
              docs: dict[str, Document]) -> tuple[list[Passage], bool]:
        """The best ``k`` passages, and whether every one of them could still be read."""
        scores: dict[str, float] = {}
        for ranking in (dense, lexical):
            for rank, (key, _) in enumerate(ranking):
                scores[key] = scores.get(key, 0) + 1 / (RRF_K + rank)
        best = sorted(scores, key=scores.__getitem__, reverse=True)[:k]
        dense_score, lexical_score = dict(dense), dict(lexical)
        passages = []
        for paragraph in self.library.get_paragraphs(best):
            document = docs.get(paragraph.doc_id)
            if document is None or document.version != paragraph.version:
                continue
            key = paragraph.key
            passages.append(Passage(paragraph, document, scores[key],
                                    dense_score.get(key, 0.0), lexical_score.get(key, 0.0)))
        return passages, len(passages) == len(best)

    def neighbours(self, paragraph: Paragraph, span: int = 1) -> list[Paragraph]:
        """The paragraphs just before and after one, in order (not including it)."""
        return self.library.around(paragraph, span)


def _admits(allowed: dict[str, str], key: str) -> bool:
    """Whether a store key is a paragraph of an allowed document's published version."""
    doc_id, _, version = split_key(key)
    return allowed.get(doc_id) == version


def _newer(docs: dict[str, Document], key: str) -> bool:
    """Whether a store key is of an allowed document but neither its published version nor
    the one it replaced (kept for readers a version behind): a version published, or being
    written, since this snapshot of the documents was read."""
    doc_id, _, version = split_key(key)
    document = docs.get(doc_id)
    return document is not None and version not in (document.version,
                                                     document.previous_version)
