"""Compose: a draft answer from the ranked passages: the extractive answerer's quoted
sentences (with the paragraphs beside the best hits), every occasion as a timeline for a
precedent question, or an LLM's reply, which the verify stage then checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assistant.answers import Citation
from assistant.arrange import items_wanted
from assistant.citations import readable_date
from assistant.documents import Paragraph, Passage
from assistant.errors import ModelUnavailableError
from assistant.extractive import Draft, ExtractiveAnswerer, Scored
from assistant.llm import prompt
from assistant.quoting import shown_council
from assistant.sentences import unmarked
from assistant.settings import Settings
from assistant.stages.understand import Understanding

NO_DRAFT = Draft("", (), 0.0, 0.0)


@dataclass(frozen=True)
class Composed:
    """A draft before it is verified."""

    draft: Draft  # extractive: the quoted sentences and their citations; LLM: empty
    mode: str = "extractive"
    reply: str = ""  # the LLM's reply, unchecked
    shown: tuple[Passage, ...] = ()  # the passages the LLM was shown, numbered from 1


class Composer:
    """Drafts answers; ``neighbours(paragraph, span)`` gives the paragraphs within ``span``
    places of one, ``llm`` the chat model (None when not configured)."""

    def __init__(self, answerer: ExtractiveAnswerer, settings: Settings,
                 neighbours: Callable[[Paragraph, int], list[Paragraph]],
                 llm: Callable[[], Any]) -> None:
        self.answerer = answerer
        self.settings = settings
        self.neighbours = neighbours
        self.llm = llm

    def compose(self, understanding: Understanding, vector: list[float],
                passages: list[Passage], mode: str | None = None,
                max_sources: int | None = None) -> Composed:
        """The draft in ``mode`` (the settings' by default) from at most ``max_sources`` of
        the passages (all of them for a precedent timeline). A question naming what no
        paragraph mentions, or a precedent question, is answered extractively."""
        shown = passages[: max_sources or self.settings.answer_passages]
        if (mode or self.settings.answer_mode) == "llm" and not understanding.precedent \
                and passages and not understanding.unknown:
            return self.reply(understanding, shown)
        if understanding.precedent:
            return Composed(self.precedent(understanding, vector, passages))
        return Composed(self.answerer.compose(understanding.standalone, vector,
                                              understanding.intent, self.with_neighbours(shown)))

    def reply(self, understanding: Understanding, shown: list[Passage]) -> Composed:
        """The LLM's reply to the question over the numbered passages."""
        model = self.llm()
        if model is None:
            raise ModelUnavailableError("LLM answers need SCRUTINEER_LLM_MODEL (for example "
                                        "ollama:llama3.1); the extractive mode needs nothing.")
        reply = model.invoke(prompt(understanding.standalone, shown))
        return Composed(NO_DRAFT, "llm", str(getattr(reply, "content", reply)), tuple(shown))

    def with_neighbours(self, passages: list[Passage], top: int = 2) -> list[Passage]:
        """The best hits bring the paragraphs beside them (a lead-in before a list, the rest
        of a split paragraph) into what the answer may quote; citations still name the
        paragraph that says the thing."""
        seen = {p.paragraph.para_id for p in passages}
        extra = []
        for passage in passages[:top]:
            for near in self.neighbours(passage.paragraph, 1):
                if near.para_id not in seen:
                    seen.add(near.para_id)
                    extra.append(Passage(near, passage.document, passage.score * 0.9))
        return self.with_following([*passages, *extra], [*passages[:top], *extra])

    def with_following(self, passages: list[Passage], leading: list[Passage]
                       ) -> list[Passage]:
        """A paragraph of ``leading`` that ends by announcing more items than it holds ("…
        the following five themes:") brings the paragraphs after it that hold the rest, so
        the list is quoted whole."""
        seen = {p.paragraph.para_id for p in passages}
        extra = []
        for passage in leading:
            wanted = min(items_wanted(passage.paragraph.text), self.answerer.max_items)
            if not wanted:
                continue
            for near in self.neighbours(passage.paragraph, wanted):
                if near.ordinal > passage.paragraph.ordinal and near.para_id not in seen:
                    seen.add(near.para_id)
                    extra.append(Passage(near, passage.document, passage.score * 0.9))
        return [*passages, *extra]

    def precedent(self, understanding: Understanding, vector: list[float],
                  passages: list[Passage]) -> Draft:
        """Every paragraph that speaks to the question, as a timeline by document."""
        scored = self.answerer.score(understanding.standalone, vector, understanding.intent,
                                     passages)
        best: dict[int, Scored] = {}
        for item in scored:
            if item.support >= self.settings.abstain_below and item.passage not in best:
                best[item.passage] = item
        if not best:
            return Draft("", (), max((s.support for s in scored), default=0.0), 0.0)
        order = sorted(best, key=lambda i: (passages[i].document.meta.meeting_date or "9999",
                                            passages[i].document.title,
                                            passages[i].paragraph.ordinal))
        text, citations = _timeline([(passages[i], best[i]) for i in order])
        return Draft(text, citations, scored[0].support, scored[0].coverage)


def _timeline(occasions: list[tuple[Passage, Scored]]) -> tuple[str, tuple[Citation, ...]]:
    """The occasions under a line per document, each cited, after a count."""
    lines: list[str] = []
    citations: list[Citation] = []
    current = ""
    for passage, item in occasions:
        document, unit = passage.document, item.unit
        if document.doc_id != current:
            current = document.doc_id
            when = readable_date(document.meta.meeting_date) or "undated"
            who = ", ".join(b for b in (shown_council(document), document.meta.committee) if b)
            lines.append(f"{when} — {unmarked(document.title)}" + (f" ({who})" if who else ""))
        citations.append(Citation(len(citations) + 1, passage,
                                  passage.paragraph.text[unit.start:unit.end]))
        lines.append(f"- {unit.text} [{len(citations)}]")
    documents = len({passage.document.doc_id for passage, _ in occasions})
    head = f"{len(citations)} occasions in {documents} documents, by meeting date:"
    return "\n".join([head, *lines]), tuple(citations)

