"""The search index kept in step with the library (reloaded or rebuilt when it changes), the
documents the filters allow, and the paragraphs beside one. The search itself is the gather
and rank stages (assistant.stages)."""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from assistant.answers import Filters
from assistant.documents import Document, Paragraph, Passage
from assistant.errors import AccessDeniedError
from assistant.health import index_dir, record_index
from assistant.lexical import LexicalIndex
from assistant.library import Library
from assistant.query import documents_named, intent
from assistant.stages.gather import Gatherer
from assistant.stages.rank import FusionRanker, search
from assistant.stages.understand import Understanding
from assistant.tuning import CANDIDATES

log = logging.getLogger(__name__)
INDEX_RULES = "withheld-1;file-words-1"  # what the index holds; a change rebuilds saved indexes


def _contains(value: str, wanted: Sequence[str]) -> bool:
    return any(re.search(rf"\b{re.escape(w)}\b", value, re.IGNORECASE) for w in wanted)


def _keep(docs: list[Document], field: Callable[[Document], str], wanted: Sequence[str]
          ) -> list[Document]:
    """The documents whose ``field`` names one of ``wanted`` (each distinct value tried once)."""
    matching = {v for v in {field(d) for d in docs} if _contains(v, wanted)}
    return [d for d in docs if field(d) in matching]


def _dated_within(date: str, filters: Filters) -> bool:
    """Whether a meeting date (ISO, possibly only a year and month) lies in the filters' range,
    compared at its own precision; an undated document only when ``undated_too``."""
    if not date:
        return filters.undated_too
    return (not filters.date_from or date >= filters.date_from[: len(date)]) and \
        (not filters.date_to or date <= filters.date_to[: len(date)])


class Retriever:
    """Finds the paragraphs that may answer a question."""

    def __init__(self, library: Library, candidates: int = CANDIDATES) -> None:
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

    def _rebuild(self, signature: str, documents: dict[str, Document], tries: int = 5) -> None:
        """Index the visible paragraphs of the published versions (nothing the deployment may
        not show is ever in the index, not even its words). A version replaced while it is
        read comes back short: that document is read again at its new version (one short of
        paragraphs that state a level above this one, at the same version, is kept as read),
        so the index and the documents it is recorded with always agree."""
        rows, whole = self._read_whole(documents, tries)
        if not whole:  # a document still being replaced is left out: rebuild at next check
            signature += ":partial"
        rows.sort(key=lambda row: (row[0].doc_id, row[0].ordinal))  # ties rank the same in
        ids = [p.key for p, _ in rows]  # every build, whatever order the store returns rows
        texts = [p.index_text(documents.get(p.doc_id)) for p, _ in rows]
        matrix = np.asarray([v for _, v in rows], dtype=np.float32) if rows else None
        self.lexical.build(ids, texts, signature, matrix)
        self._documents = documents
        record_index(self.library.settings, self.library.access)

    def _read_whole(self, documents: dict[str, Document], tries: int
                    ) -> tuple[list[tuple[Paragraph, np.ndarray]], bool]:
        """The paragraphs and vectors of ``documents``' versions, and whether every document
        was read whole; ``documents`` is updated in place to the versions read (a document
        replaced meanwhile is read again, one removed or replaced every try is dropped)."""
        log.info("building the search index for %d documents", len(documents))
        rows: list[tuple[Paragraph, np.ndarray]] = []
        pending = dict(documents)
        for _ in range(tries):
            read = list(self.library.export({d: doc.version for d, doc in pending.items()}))
            counts = Counter(p.doc_id for p, _ in read)
            short = {d for d, doc in pending.items() if counts[d] != doc.paragraph_count}
            fresh = {d.doc_id: d for d in self.library.documents()} if short else {}
            replaced = {d for d in short if d not in fresh or
                        fresh[d].version != pending[d].version}
            rows += [row for row in read if row[0].doc_id not in replaced]
            for doc_id in replaced:
                documents.pop(doc_id)
                if doc_id in fresh:
                    documents[doc_id] = fresh[doc_id]
            pending = {d: fresh[d] for d in replaced if d in fresh}
            if not pending:
                break
        for doc_id in pending:
            documents.pop(doc_id, None)
        return rows, not pending

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
        if filters.date_from or filters.date_to:
            docs = [d for d in docs if _dated_within(d.meta.meeting_date, filters)]
        if filters.documents:
            named = {d.doc_id for name in filters.documents for d in documents_named(name, docs)}
            docs = [d for d in docs if d.doc_id in named]
        return docs

    @property
    def stored(self) -> int:
        """Paragraphs in the store at the last refresh, of every access level and version."""
        return self._stored

    def retrieve(self, question: str, vector: list[float], filters: Filters, k: int = 10
                 ) -> list[Passage]:
        """The best ``k`` paragraphs for the question among the allowed documents: the
        gather and rank stages (assistant.stages) with the shipped ranker, for a question
        already standalone."""
        understood = Understanding(question, question, intent(question), filters)
        return search(Gatherer(self), FusionRanker(), understood, vector, k)

    def neighbours(self, paragraph: Paragraph, span: int = 1) -> list[Paragraph]:
        """The paragraphs just before and after one, in order (not including it)."""
        return self.library.around(paragraph, span)

