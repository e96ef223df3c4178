"""The Assistant: one question (and its history) in, a cited answer or an abstention out."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from typing import Any

from assistant import originals
from assistant.answers import Answer, Citation, Filters
from assistant.citations import readable_date
from assistant.conversation import Turn, rewrite
from assistant.documents import Passage
from assistant.errors import ModelUnavailableError
from assistant.extractive import Draft, ExtractiveAnswerer
from assistant.health import check_on_open
from assistant.lexical import tokenize
from assistant.library import Library
from assistant.llm import Validator, chat_model, prompt
from assistant.query import Intent, infer_filters, intent
from assistant.questions import checked_question, recent_turns
from assistant.retrieval import Retriever
from assistant.sentences import unmarked
from assistant.settings import Settings, get_settings

log = logging.getLogger(__name__)
ABSTAIN_TEXT = "The library does not contain an answer to this question."
PRECEDENT_PASSAGES = 40
MAX_UNCOVERED = 0.67  # abstain when more than this share of the question's subject words is absent
GENERIC_TERMS = frozenset(tokenize(
    "many much number numbers say said says report reports partnership partnerships council "
    "councils committee committees document documents paper papers tell show give list name "
    "describe explain happen happened main key current latest new doing done year years "
    "plan plans people work worked working use used take taken make made also about"))


class Assistant:
    """Answers questions from the library, citing the paragraph behind every sentence."""

    def __init__(self, settings: Settings | None = None, library: Library | None = None,
                 llm: Any = None) -> None:
        self.settings = settings or get_settings()
        self.library = library or Library(self.settings)
        check_on_open(self.library)
        self.retriever = Retriever(self.library)
        self.answerer = ExtractiveAnswerer(self.library.embedder)
        self._llm = llm
        self.validator = Validator(self.library.embedder, self.settings.support_similarity)

    @property
    def llm(self) -> Any:
        """The chat model, built on first use from the settings (None when not configured)."""
        if self._llm is None and self.settings.llm_model:
            self._llm = chat_model(self.settings)
        return self._llm

    def ask(self, question: str, history: Sequence[Turn | dict] = (),
            filters: Filters | None = None, mode: str | None = None,
            precedent: bool = False, max_sources: int | None = None) -> Answer:
        """Answer ``question``; ``history`` holds earlier turns, ``filters`` narrow the search,
        ``precedent`` lists every occasion, ``max_sources`` caps the passages quoted from.
        Raises QuestionError for an empty, wordless or overlong question."""
        question = checked_question(question, self.settings.max_question_chars)
        history = recent_turns(history, self.settings.max_question_chars)
        started = time.perf_counter()
        standalone = rewrite(question, history)
        self.retriever.refresh()
        stated = infer_filters(standalone, list(self.retriever.documents.values()))
        chosen = (filters or Filters()).merged(stated)
        wanted = intent(standalone)
        if precedent:
            wanted = Intent("precedent", wanted.years, wanted.names)
        vector = self.library.embedder.embed_one(standalone)
        k = PRECEDENT_PASSAGES if wanted.kind == "precedent" else self.settings.passages
        passages = self.retriever.retrieve(standalone, vector, chosen, k=max(k, 10))
        retrieved = time.perf_counter()
        searched = self._searched(chosen)
        unknown = self._unknown_names(wanted)
        mode = mode or self.settings.answer_mode
        if mode == "llm" and wanted.kind != "precedent" and passages and not unknown:
            return self._llm_answer(question, standalone, passages[: max_sources or
                                                                  self.settings.answer_passages],
                                    passages, (searched, started, retrieved))
        if wanted.kind == "precedent":
            draft = self._precedent(standalone, vector, wanted, passages)
        else:
            usable = self._with_neighbours(passages[: max_sources or self.settings.answer_passages])
            draft = self.answerer.compose(standalone, vector, wanted, usable)
        reason = self._abstain_reason(standalone, draft, passages, unknown, wanted)
        return self._finish(question, standalone, passages, (searched, started, retrieved),
                            reason or draft.text, () if reason else draft.citations,
                            support=draft.support)

    @staticmethod
    def _finish(question: str, standalone: str, passages: list[Passage],
                context: tuple[str, float, float], text: str, citations: tuple[Citation, ...],
                abstained: bool | None = None, **extra: Any) -> Answer:
        """The Answer with its timings; no citations means an abstention showing related
        paragraphs (unless ``abstained`` says otherwise)."""
        searched, started, retrieved = context
        if not _permitted(citations, passages):  # never expected: retrieval allows no others
            log.error("a citation outside the retrieved documents was withheld: %s", question)
            text, citations, abstained = ABSTAIN_TEXT, (), True
        timings = {"retrieve": (retrieved - started) * 1000,
                   "answer": (time.perf_counter() - retrieved) * 1000}
        timings["total"] = timings["retrieve"] + timings["answer"]
        abstained = not citations if abstained is None else abstained
        return Answer(question=question, text=text, citations=citations,
                      passages=tuple(passages), abstained=abstained,
                      rewritten_question=standalone if standalone != question.strip() else "",
                      related=tuple(passages[:3]) if abstained else (), searched=searched,
                      timings_ms=timings, **extra)

    def _with_neighbours(self, passages: list[Passage], top: int = 2) -> list[Passage]:
        """The best hits bring the paragraphs beside them (a lead-in before a list, the rest of
        a split paragraph) into what the answer may quote; citations still name the paragraph
        that says the thing."""
        seen = {p.paragraph.para_id for p in passages}
        extra = []
        for passage in passages[:top]:
            for near in self.retriever.neighbours(passage.paragraph):
                if near.para_id not in seen:
                    seen.add(near.para_id)
                    extra.append(Passage(near, passage.document, passage.score * 0.9))
        return [*passages, *extra]

    def search(self, question: str, filters: Filters | None = None, k: int = 10
               ) -> list[Passage]:
        """The ranked passages for a question (filters stated in it apply too), no answer."""
        question = checked_question(question, self.settings.max_question_chars)
        self.retriever.refresh()
        stated = infer_filters(question, list(self.retriever.documents.values()))
        vector = self.library.embedder.embed_one(question)
        return self.retriever.retrieve(question, vector, (filters or Filters()).merged(stated), k)

    def _llm_answer(self, question: str, standalone: str, shown: list[Passage],
                    passages: list[Passage], context: tuple[str, float, float]) -> Answer:
        if self.llm is None:
            raise ModelUnavailableError("LLM answers need SCRUTINEER_LLM_MODEL (for example "
                                        "ollama:llama3.1); the extractive mode needs nothing.")
        reply = self.llm.invoke(prompt(standalone, shown))
        checked = self.validator.check(str(getattr(reply, "content", reply)), shown)
        text = "The library does not contain an answer to this question." if checked.refused \
            else checked.text
        return self._finish(question, standalone, passages, context, text, checked.citations,
                            abstained=checked.refused, mode="llm", dropped=checked.dropped)

    # -- deciding to abstain ------------------------------------------------------------------

    def _unknown_names(self, wanted: Intent) -> list[str]:
        """Names in the question that no paragraph in the library mentions."""
        lexical = self.retriever.lexical
        return [n for n in wanted.names
                if tokenize(n) and not any(lexical.knows(t) for t in tokenize(n))]

    def _abstain_reason(self, question: str, draft: Draft, passages: list[Passage],
                        unknown: list[str], wanted: Intent) -> str:
        lead = "The library does not contain an answer to this question."
        if not passages:
            return f"{lead} No document matches the filters."
        if unknown:
            return f"{lead} No document mentions {', '.join(unknown)}."
        absent = self._ungrounded_names(wanted, draft)
        if absent:
            return f"{lead} The closest paragraphs do not concern {', '.join(absent)}."
        if not draft.citations or draft.support < self.settings.abstain_below:
            return lead
        missing = self._uncovered_words(question, wanted, draft)
        if missing:
            return f"{lead} The closest paragraphs do not mention {', '.join(missing)}."
        if wanted.years and wanted.kind != "precedent":
            quoted = " ".join(c.quote + " " + c.passage.document.meta.meeting_date
                              for c in draft.citations)
            if not any(str(year) in quoted for year in wanted.years):
                missing = " or ".join(str(y) for y in wanted.years)
                return f"{lead} The closest paragraphs do not concern {missing}."
        return ""

    @staticmethod
    def _ungrounded_names(wanted: Intent, draft: Draft) -> list[str]:
        """Names the question asks about that none of the cited paragraphs (with their headings
        and document identity) mention: "Norfolk" when only Suffolk's figures were found."""
        context = set()
        for cited in draft.citations:
            paragraph, document = cited.passage.paragraph, cited.passage.document
            context.update(tokenize(paragraph.context_text(document)))
            context.update(tokenize(" ".join(document.parts)))
        missing = []
        for name in wanted.names:
            terms = tokenize(name)
            if terms and sum(t in context for t in terms) < max(1, len(terms) / 2):
                missing.append(name)
        return missing

    @staticmethod
    def _uncovered_words(question: str, wanted: Intent, draft: Draft) -> list[str]:
        """The question's own subject words, when too few of them are in what is quoted:
        "budget" in "What was the CSP's budget in 2019?" answered from paragraphs that never
        mention a budget."""
        named = {t for n in wanted.names for t in tokenize(n)}
        words = [w for w in re.findall(r"[A-Za-z][\w'’\-]+", question)
                 if (t := tokenize(w)) and t[0] not in GENERIC_TERMS and t[0] not in named]
        if not words or wanted.kind == "precedent":
            return []
        quoted = set()
        for cited in draft.citations:
            quoted.update(tokenize(cited.quote))
            quoted.update(tokenize(" ".join(cited.passage.paragraph.heading_path)))
        missing = [w for w in words if not set(tokenize(w)) & quoted]
        return missing if len(missing) > MAX_UNCOVERED * len(words) else []

    def _searched(self, filters: Filters) -> str:
        allowed = self.retriever.allowed(filters)
        scope = filters.describe()
        return f"{len(allowed)} of {len(self.retriever.documents)} documents" + (
            f" ({scope})" if scope else "")

    # -- precedent: every occasion -------------------------------------------------------------

    def _precedent(self, question: str, vector: list[float], wanted: Intent,
                   passages: list[Passage]) -> Draft:
        """Every paragraph that speaks to the question, as a timeline by document."""
        scored = self.answerer.score(question, vector, wanted, passages)
        floor = self.settings.abstain_below
        best: dict[int, object] = {}
        for item in scored:
            if item.score >= floor and item.passage not in best:
                best[item.passage] = item
        if not best:
            return Draft("", (), scored[0].score if scored else 0.0, 0.0)
        order = sorted(best, key=lambda i: (passages[i].document.meta.meeting_date or "9999",
                                            passages[i].document.title,
                                            passages[i].paragraph.ordinal))
        lines, citations, current = [], [], ""
        for index in order:
            passage, unit = passages[index], best[index].unit  # type: ignore[attr-defined]
            document = passage.document
            if document.doc_id != current:
                current = document.doc_id
                when = readable_date(document.meta.meeting_date) or "undated"
                lines.append(f"{when} — {unmarked(document.title)}" + (
                    f" ({document.meta.committee})" if document.meta.committee else ""))
            citations.append(Citation(len(citations) + 1, passage,
                                      passage.paragraph.text[unit.start:unit.end]))
            lines.append(f"- {unit.text} [{len(citations)}]")
        documents = len({passages[i].document.doc_id for i in order})
        head = f"{len(citations)} occasions in {documents} documents, by meeting date:"
        return Draft("\n".join([head, *lines]), tuple(citations), scored[0].score,
                     scored[0].coverage)

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



def _permitted(citations: Sequence[Citation], passages: Sequence[Passage]) -> bool:
    """Whether every citation is to a paragraph of the published version of a document that
    retrieval returned (so one the user may see, under the filters asked)."""
    sources = {(p.document.doc_id, p.document.version) for p in passages}
    return all((c.passage.document.doc_id, c.passage.document.version) in sources
               and c.passage.paragraph.version == c.passage.document.version
               and c.passage.paragraph.doc_id == c.passage.document.doc_id for c in citations)
