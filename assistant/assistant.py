"""The Assistant: one question (and its history) in, a cited answer or an abstention out, by
the stages in ``assistant.stages``; and the one entry point the CLI, the app and the
benchmark use to read the library and change it."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant import originals
from assistant.answers import Answer, Filters
from assistant.conversation import Turn
from assistant.documents import Document, Paragraph, Passage
from assistant.embedder import Embedder
from assistant.extractive import ExtractiveAnswerer
from assistant.fitted import Logistic
from assistant.health import check_on_open
from assistant.lexical import tokenize
from assistant.library import Library
from assistant.llm import Validator, chat_model
from assistant.parts import joined, split_parts, standalone_parts
from assistant.questions import checked_question, recent_turns
from assistant.ranking import LinearRanker, Pooled
from assistant.retrieval import Retriever
from assistant.selection import load_selector
from assistant.settings import Settings, get_settings
from assistant.stages import rank, understand
from assistant.stages.compose import Composer
from assistant.stages.decide import Decision, decide, load_decider
from assistant.stages.gather import Gatherer
from assistant.stages.understand import Understanding
from assistant.stages.verify import Verified, Verifier
from assistant.tuning import PRECEDENT_PASSAGES

if TYPE_CHECKING:
    from ingest.pipeline import IngestSummary, Progress



class Assistant:
    """Answers questions from the library, citing the paragraph behind every sentence."""

    def __init__(self, settings: Settings | None = None, library: Library | None = None,
                 llm: Any = None) -> None:
        self.settings = settings or get_settings()
        self.library = library or Library(self.settings)
        check_on_open(self.library)
        self.retriever = Retriever(self.library)
        self.answerer = ExtractiveAnswerer(self.library.embedder, selector=load_selector())
        self._llm = llm
        self.validator = Validator(self.library.embedder, self.settings.support_similarity)
        self.gatherer = Gatherer(self.retriever)
        self.ranker: rank.Ranker = rank.FusionRanker()
        self.use_ranker(LinearRanker.load())
        self.composer = Composer(self.answerer, self.settings, self.retriever.neighbours,
                                 lambda: self.llm)
        self.verifier = Verifier(self.validator)
        self.decider: Logistic | None = load_decider()

    @property
    def llm(self) -> Any:
        """The chat model, built on first use from the settings (None when not configured)."""
        if self._llm is None and self.settings.llm_model:
            self._llm = chat_model(self.settings)
        return self._llm

    # -- answering --------------------------------------------------------------------------

    def ask(self, question: str, history: Sequence[Turn | dict] = (),
            filters: Filters | None = None, mode: str | None = None,
            precedent: bool = False, max_sources: int | None = None) -> Answer:
        """Answer ``question``; ``history`` holds earlier turns, ``filters`` narrow the search,
        ``precedent`` lists every occasion, ``max_sources`` caps the passages quoted from.
        Raises QuestionError for an empty, wordless or overlong question."""
        started = time.perf_counter()
        understood = self.understand(question, history, filters, precedent)
        asked = split_parts(understood.standalone)
        if len(asked) > 1 and (mode or self.settings.answer_mode) == "extractive" and \
                not understood.precedent:  # each part answered and cited on its own
            names = (*understood.preferences.councils, *understood.preferences.committees)
            answers = [self.ask(part, (), filters, mode, False, max_sources)
                       for part in standalone_parts(asked, names)]
            return joined(understood.question, understood.standalone, asked, answers)
        vector, passages = self._retrieve(understood)
        retrieved = time.perf_counter()
        composed = self.composer.compose(understood, vector, passages, mode, max_sources)
        verified = self.verifier.verify(composed, passages)
        decision = decide(understood, verified, passages, self.settings.abstain_below,
                          self.decider, self.settings.decision_threshold,
                          self.retriever.lexical.idf(tokenize(understood.standalone)))
        return self._answer(understood, passages, verified, decision, (started, retrieved))

    def deliberate(self, question: str, history: Sequence[Turn | dict] = (),
                   filters: Filters | None = None
                   ) -> tuple[Understanding, list[Passage], Verified]:
        """What the decision weighs for a question: its understanding, the passages found and
        the verified extractive draft (what the decision model is fitted on)."""
        understood = self.understand(question, history, filters)
        vector, passages = self._retrieve(understood)
        composed = self.composer.compose(understood, vector, passages, "extractive")
        return understood, passages, self.verifier.verify(composed, passages)

    def _retrieve(self, understood: Understanding) -> tuple[list[float], list[Passage]]:
        """The question's embedding and its ranked passages (every occasion's for a
        precedent question)."""
        vector = self.library.embedder.embed_one(understood.standalone)
        k = PRECEDENT_PASSAGES if understood.precedent else self.settings.passages
        return vector, rank.search(self.gatherer, self.ranker, understood, vector, max(k, 10))

    def understand(self, question: str, history: Sequence[Turn | dict] = (),
                   filters: Filters | None = None, precedent: bool = False) -> Understanding:
        """What the question asks once the conversation is taken into account, and the
        filters it would be searched under (``filters`` first, then those it states).
        Raises QuestionError for an empty, wordless or overlong question."""
        question = checked_question(question, self.settings.max_question_chars)
        turns = recent_turns(history, self.settings.max_question_chars)
        self.retriever.refresh()
        return understand.understand(question, turns, filters,
                                     list(self.retriever.documents.values()),
                                     self.retriever.lexical.knows, precedent)

    def search(self, question: str, filters: Filters | None = None, k: int = 10
               ) -> list[Passage]:
        """The ranked passages for a question (filters stated in it apply too), no answer."""
        understood = self.understand(question, filters=filters)
        vector = self.library.embedder.embed_one(understood.standalone)
        return rank.search(self.gatherer, self.ranker, understood, vector, k)

    def use_ranker(self, model: LinearRanker | None) -> None:
        """Rank by this fitted model (None: by reciprocal rank fusion of the two searches)."""
        self.ranker = rank.FittedRanker(self.retriever, model) if model else rank.FusionRanker()

    def use_decider(self, model: Logistic | None) -> None:
        """Decide whether to answer by this fitted model (None: by the hand rules)."""
        self.decider = model

    def use_selector(self, model: Logistic | None) -> None:
        """Choose the units to quote by this fitted model (None: by the hand-set score)."""
        self.answerer.selector = model

    def candidate_pool(self, question: str, history: Sequence[Turn | dict] = (),
                       filters: Filters | None = None) -> tuple[list[Pooled], np.ndarray]:
        """Every candidate both searches gather for a question, with its ranking features
        (what the ranker is fitted on)."""
        understood = self.understand(question, history, filters)
        vector = self.library.embedder.embed_one(understood.standalone)
        candidates = self.gatherer.gather(understood, vector, self.scope(understood.filters))
        return rank.candidate_pool(self.retriever, understood, candidates)

    def scope(self, filters: Filters) -> list[Document]:
        """The documents a question under ``filters`` is searched in. Raises
        AccessDeniedError when the filters include exempt documents this deployment hides."""
        return self.retriever.allowed(filters)

    def _answer(self, understood: Understanding, passages: list[Passage], verified: Verified,
                decision: Decision, times: tuple[float, float]) -> Answer:
        """The Answer with its timings; an abstention shows related paragraphs."""
        started, retrieved = times
        timings = {"retrieve": (retrieved - started) * 1000,
                   "answer": (time.perf_counter() - retrieved) * 1000}
        timings["total"] = timings["retrieve"] + timings["answer"]
        rewritten = understood.standalone != understood.question.strip()
        return Answer(question=understood.question, text=decision.text,
                      citations=decision.citations, passages=tuple(passages),
                      abstained=decision.abstained,
                      rewritten_question=understood.standalone if rewritten else "",
                      related=tuple(passages[:3]) if decision.abstained else (),
                      searched=self._searched(understood), mode=verified.mode,
                      support=verified.draft.support, dropped=verified.dropped,
                      timings_ms=timings)

    def _searched(self, understood: Understanding) -> str:
        """What was searched: the documents in scope, and what was only preferred."""
        scope = understood.filters.describe()
        preferred = understood.preferences.describe()
        return (f"{len(self.scope(understood.filters))} of {len(self.retriever.documents)} "
                f"documents" + (f" ({scope})" if scope else "")
                + (f", preferring {preferred}" if preferred else ""))

    # -- the library ----------------------------------------------------------------------------

    def documents(self) -> list[Document]:
        """The documents this deployment may show, by meeting date then title."""
        return self.library.documents()

    def document_count(self) -> int:
        """How many documents this deployment may show."""
        return self.library.document_count()

    def paragraph_count(self) -> int:
        """How many paragraphs are stored (of every access level and version): 0 when empty."""
        return self.library.paragraph_count()

    def paragraphs(self, doc_id: str) -> list[Paragraph]:
        """A document's paragraphs in reading order, as the assistant cites them."""
        return self.library.paragraphs(doc_id)

    def neighbours(self, paragraph: Paragraph, span: int = 1) -> list[Paragraph]:
        """The paragraphs within ``span`` places before and after one, in order."""
        return self.retriever.neighbours(paragraph, span)

    @property
    def embedder(self) -> Embedder:
        """The embedding model the library was built with (for judges and baselines)."""
        return self.library.embedder

    def warm_up(self) -> None:
        """Load the embedding model and the search index now, not on the first question."""
        self.library.embedder.embed_one("warm up")
        self.refresh()

    def refresh(self) -> None:
        """Read the documents and the search index again (after the library changed)."""
        self.retriever.refresh(force=True)

    def clear_caches(self) -> None:
        """Forget the sentence vectors kept for reuse (to time questions asked again)."""
        self.answerer.vectors.clear()

    def ingest(self, paths: Sequence[Path | str], progress: Progress | None = None
               ) -> IngestSummary:
        """Ingest files and folders into the library, then refresh the search index."""
        from ingest.pipeline import ingest

        summary = ingest(paths, self.settings, self.library, progress)
        self.refresh()
        return summary

    def remove(self, sources: Sequence[Path | str]) -> IngestSummary:
        """Remove documents by their source path, then refresh the search index."""
        from ingest.maintenance import remove

        summary = remove(sources, self.library)
        self.refresh()
        return summary

    # -- originals: the files behind citations, after the same access check as answers ---------

    def original(self, doc_id: str) -> originals.Original | None:
        """The document's original file (bytes, name, type, pages), or None when this
        deployment may not show it, it is no longer in the library, or its file is gone or
        has changed since it was ingested."""
        return originals.original(self.library, doc_id)

    def fetch_original(self, doc_id: str) -> originals.Original:
        """``original``, raising OriginalUnavailableError that says why it cannot be given."""
        return originals.fetch(self.library, doc_id)

    def page_image(self, doc_id: str, page: int) -> bytes | None:
        """Page ``page`` (from 1) of a PDF original as PNG bytes, under the same check as
        ``original``; None when it cannot be given or has no such page."""
        return originals.page_image(self.library, doc_id, page)
