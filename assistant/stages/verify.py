"""Verify: every citation of a draft is permitted and supported. An LLM's reply is checked
sentence by sentence against the paragraphs it cites (assistant.llm.Validator); any draft's
citations must all be to the published version of a document that retrieval returned."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answers import Citation
from assistant.documents import Passage
from assistant.extractive import Draft
from assistant.llm import Validator
from assistant.stages.compose import Composed


@dataclass(frozen=True)
class Verified:
    """A draft whose citations were checked."""

    draft: Draft  # an LLM reply keeps only its supported, correctly cited sentences
    mode: str = "extractive"
    dropped: tuple[str, ...] = ()  # the LLM's sentences removed, each with why
    refused: bool = False  # the LLM said the passages do not answer, or nothing it said held
    permitted: bool = True  # every citation is to a paragraph the question could be answered from


class Verifier:
    """Checks drafts against the passages retrieval returned."""

    def __init__(self, validator: Validator) -> None:
        self.validator = validator

    def verify(self, composed: Composed, passages: Sequence[Passage]) -> Verified:
        """The draft (an LLM reply, once checked) and whether its citations are permitted."""
        if composed.mode != "llm":
            return Verified(composed.draft, permitted=permitted(composed.draft.citations,
                                                               passages))
        checked = self.validator.check(composed.reply, list(composed.shown))
        draft = Draft(checked.text, checked.citations, 0.0, 0.0)
        return Verified(draft, "llm", checked.dropped, checked.refused,
                        permitted(checked.citations, passages))


def permitted(citations: Sequence[Citation], passages: Sequence[Passage]) -> bool:
    """Whether every citation is to a paragraph of the published version of a document that
    retrieval returned (so one the user may see, under the filters asked)."""
    sources = {(p.document.doc_id, p.document.version) for p in passages}
    return all((c.passage.document.doc_id, c.passage.document.version) in sources
               and c.passage.paragraph.version == c.passage.document.version
               and c.passage.paragraph.doc_id == c.passage.document.doc_id for c in citations)
