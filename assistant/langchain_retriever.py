"""The library as a LangChain retriever, for people plugging it into their own chains. Inside
Scrutineer typed passages are passed around; LangChain documents exist only here."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LangChainDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.answers import Filters
from assistant.citations import citation
from assistant.documents import Passage


def to_langchain(passage: Passage) -> LangChainDocument:
    """A passage as a LangChain document whose metadata carries its citation."""
    paragraph, document = passage.paragraph, passage.document
    return LangChainDocument(
        id=paragraph.para_id,
        page_content=paragraph.text,
        metadata={"citation": citation(document, paragraph), "doc": document.file_name,
                  "title": document.title, "para": paragraph.label, "page": paragraph.page,
                  "heading_path": " > ".join(paragraph.heading_path),
                  "council": document.meta.council, "committee": document.meta.committee,
                  "meeting_date": document.meta.meeting_date, "score": passage.score})


class ScrutineerRetriever(BaseRetriever):
    """Hybrid (dense + BM25) retrieval over a Scrutineer library.

    Example:
        retriever = ScrutineerRetriever(assistant=Assistant(), k=5)
        docs = retriever.invoke("county lines in Suffolk")
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    assistant: Any
    k: int = 10
    filters: Filters | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                k: int | None = None, filters: Filters | None = None
                                ) -> list[LangChainDocument]:
        """The best ``k`` passages (``invoke(q, k=3)`` overrides the retriever's own ``k``, and
        ``filters`` its filters)."""
        passages = self.assistant.search(query, filters or self.filters, k or self.k)
        return [to_langchain(p) for p in passages]
