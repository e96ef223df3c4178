"""Decide: answer with the verified draft, or abstain and say why: no document in scope, a
name no paragraph mentions, quotes that do not concern what the question names, support below
the calibrated threshold, most subject words absent, or the wrong years."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answers import Citation
from assistant.documents import Passage
from assistant.extractive import Draft
from assistant.lexical import tokenize
from assistant.query import Intent
from assistant.stages.understand import Understanding
from assistant.stages.verify import Verified

log = logging.getLogger(__name__)
ABSTAIN_TEXT = "The library does not contain an answer to this question."
MAX_UNCOVERED = 0.67  # abstain when more than this share of the question's subject words is absent
GENERIC_TERMS = frozenset(tokenize(
    "many much number numbers say said says report reports partnership partnerships council "
    "councils committee committees document documents paper papers tell show give list name "
    "describe explain happen happened main key current latest new doing done year years "
    "plan plans people work worked working use used take taken make made also about"))


@dataclass(frozen=True)
class Decision:
    """What the answer says: the draft and its citations, or an abstention citing nothing."""

    text: str
    citations: tuple[Citation, ...]
    abstained: bool


def decide(understanding: Understanding, verified: Verified, passages: Sequence[Passage],
           abstain_below: float) -> Decision:
    """Answer or abstain. An LLM's draft stands once verified unless it refused; an
    extractive one must pass ``abstain_reason``. A citation outside the passages retrieved
    (never expected) withholds the whole answer."""
    draft = verified.draft
    if verified.mode == "llm":
        decision = Decision(ABSTAIN_TEXT if verified.refused else draft.text, draft.citations,
                            verified.refused)
    else:
        reason = abstain_reason(understanding, draft, passages, abstain_below)
        decision = Decision(reason, (), True) if reason else \
            Decision(draft.text, draft.citations, not draft.citations)
    if decision.citations and not verified.permitted:
        log.error("a citation outside the retrieved documents was withheld: %s",
                  understanding.question)
        return Decision(ABSTAIN_TEXT, (), True)
    return decision


def abstain_reason(understanding: Understanding, draft: Draft, passages: Sequence[Passage],
                   abstain_below: float) -> str:
    """Why an extractive draft is no answer, in words for the user; "" when it is one."""
    lead, wanted = ABSTAIN_TEXT, understanding.intent
    if not passages:
        return f"{lead} No document matches the filters."
    if understanding.unknown:
        return f"{lead} No document mentions {', '.join(understanding.unknown)}."
    absent = ungrounded_names(wanted, draft)
    if absent:
        return f"{lead} The closest paragraphs do not concern {', '.join(absent)}."
    if not draft.citations or draft.support < abstain_below:
        return lead
    missing = uncovered_words(understanding.standalone, wanted, draft)
    if missing:
        return f"{lead} The closest paragraphs do not mention {', '.join(missing)}."
    if wanted.years and wanted.kind != "precedent":
        quoted = " ".join(c.quote + " " + c.passage.document.meta.meeting_date
                          for c in draft.citations)
        if not any(str(year) in quoted for year in wanted.years):
            missing = " or ".join(str(y) for y in wanted.years)
            return f"{lead} The closest paragraphs do not concern {missing}."
    return ""


def ungrounded_names(wanted: Intent, draft: Draft) -> list[str]:
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


def uncovered_words(question: str, wanted: Intent, draft: Draft) -> list[str]:
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
