"""Decide: answer with the verified draft, or abstain and say why. Certain cases abstain by
rule (no document in scope, a name no paragraph in the library mentions, nothing quoted);
otherwise a logistic model fitted on the development sources (assistant/decider.json,
`scrutineer eval fit-decider`) weighs the checks of the question's constraints against the
evidence (assistant/evidence.py) with the retrieval and support scores. Without a decider the
hand rules below decide (the pipeline before the model, kept as a baseline)."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.answers import Citation
from assistant.documents import Passage, readable_date
from assistant.evidence import GENERIC_TERMS, Checks, check
from assistant.extractive import Draft
from assistant.fitted import Logistic, fingerprint
from assistant.lexical import tokenize
from assistant.query import Intent
from assistant.stages.understand import Understanding
from assistant.stages.verify import Verified

log = logging.getLogger(__name__)
ABSTAIN_TEXT = "The library does not contain an answer to this question."
# a paragraph that is a speaker's turn in a verbatim record ("Hon. A. Scheer (Leader of the
# Opposition): It was revealed…"): spoken discussion words a question differently from reports
SPEAKER_RE = re.compile(r"^[A-Z][\w.’'\-]*(?: (?:[A-Z][\w.’'\-]*|of|the|and|for)){0,5}"
                        r"(?: \((?:[^()\n]|\([^()\n]*\)){1,100}\))?: [A-Z\"“‘']")
MAX_UNCOVERED = 0.67  # abstain when more than this share of the question's subject words is absent
DECISION_FEATURES = ("support", "coverage", "top_dense", "cited_dense", "cited_rank",
                     "lexical_share", "words_quoted", "words_near", "names_met", "year_met",
                     "other_year", "kind_met", "citations", "spoken", "quoted_other_year")
DECISION_VERSION = 6
DECIDER_FILE = Path(__file__).resolve().parent.parent / "decider.json"


def load_decider(path: Path = DECIDER_FILE) -> Logistic | None:
    """The shipped decision model, or None (logged) when it is missing or out of date."""
    return Logistic.load(path, fingerprint(DECISION_FEATURES, DECISION_VERSION))


def decision_features(checks: Checks, draft: Draft, passages: Sequence[Passage]
                      ) -> list[float]:
    """One row of DECISION_FEATURES for a draft and the passages it was drawn from."""
    cited = [c.passage for c in draft.citations]
    ranks = [i for i, p in enumerate(passages) if any(p.paragraph == c.paragraph for c in cited)]
    top_lexical = max((p.lexical for p in passages), default=0.0)
    values = {
        "support": draft.support, "coverage": draft.coverage,
        "top_dense": passages[0].dense if passages else 0.0,
        "cited_dense": max((p.dense for p in cited), default=0.0),
        "cited_rank": 1 / (1 + min(ranks)) if ranks else 0.0,
        "lexical_share": max((p.lexical for p in cited), default=0.0) / top_lexical
        if top_lexical > 0 else 0.0,
        "words_quoted": checks.words_quoted, "words_near": checks.words_near,
        "names_met": checks.names_met, "year_met": checks.year_met,
        "other_year": checks.other_year, "kind_met": checks.kind_met,
        "citations": min(len(draft.citations), 4) / 4,
        "quoted_other_year": checks.quoted_other_year,
        "spoken": sum(bool(SPEAKER_RE.match(p.paragraph.text)) for p in cited) / len(cited)
        if cited else 0.0}
    return [float(values[n]) for n in DECISION_FEATURES]


@dataclass(frozen=True)
class Decision:
    """What the answer says: the draft and its citations, or an abstention citing nothing."""

    text: str
    citations: tuple[Citation, ...]
    abstained: bool


def decide(understanding: Understanding, verified: Verified, passages: Sequence[Passage],
           abstain_below: float, decider: Logistic | None = None,
           threshold: float | None = None, idf: Mapping[str, float] | None = None
           ) -> Decision:
    """Answer or abstain. An LLM's draft stands once verified unless it refused; an
    extractive one is weighed by ``decider`` (at its own threshold unless ``threshold`` is
    given; ``idf`` weighs the question's words by rarity) or, without one, must pass
    ``abstain_reason``. A citation outside the passages
    retrieved (never expected) withholds the whole answer."""
    draft = verified.draft
    if verified.mode == "llm":
        decision = Decision(ABSTAIN_TEXT if verified.refused else draft.text, draft.citations,
                            verified.refused)
    elif decider is None or understanding.precedent:
        reason = abstain_reason(understanding, draft, passages, abstain_below)
        decision = Decision(reason, (), True) if reason else \
            Decision(draft.text, draft.citations, not draft.citations)
    else:
        decision = weighed(understanding, draft, passages, decider, threshold, idf)
    if decision.citations and not verified.permitted:
        log.error("a citation outside the retrieved documents was withheld: %s",
                  understanding.question)
        return Decision(ABSTAIN_TEXT, (), True)
    return decision


def weighed(understanding: Understanding, draft: Draft, passages: Sequence[Passage],
            decider: Logistic, threshold: float | None = None,
            idf: Mapping[str, float] | None = None) -> Decision:
    """The fitted decision: abstain by rule where it is certain, else by the model's
    probability that the draft answers; an abstention says which constraint is not met."""
    certain = certain_reason(understanding, draft, passages)
    if certain:
        return Decision(certain, (), True)
    checks = check(understanding.standalone, understanding.intent, draft.citations, idf)
    probability = decider.probability(decision_features(checks, draft, passages))
    if probability < (decider.threshold if threshold is None else threshold):
        return Decision(f"{ABSTAIN_TEXT} {mismatch(checks, understanding.intent, draft)}", (),
                        True)
    return Decision(draft.text, draft.citations, False)


def certain_reason(understanding: Understanding, draft: Draft, passages: Sequence[Passage]
                   ) -> str:
    """Why no answer is possible whatever the scores; "" when one may be."""
    if not passages:
        return f"{ABSTAIN_TEXT} No document matches the filters."
    if understanding.unknown:
        return f"{ABSTAIN_TEXT} No paragraph in the library mentions " \
            f"{_joined(understanding.unknown, 'or')}."
    if not draft.citations:
        return ABSTAIN_TEXT
    return ""


def mismatch(checks: Checks, intent: Intent, draft: Draft) -> str:
    """A reason a councillor can act on: which constraint the nearest evidence misses, and
    where that evidence is."""
    thing = {"figure": "a figure", "date": "a date", "who": "a name",
             "list": "a list"}.get(intent.kind, "an answer")
    if checks.other_year:
        reason = (f"No paragraph gives {thing} for {_joined(checks.asked_periods, 'or')}; the "
                  f"nearest give {_joined(checks.found_periods)}.")
    elif checks.missing_names:
        reason = f"No paragraph gives {thing} for {_joined(checks.missing_names, 'or')}."
    elif checks.quoted_other_year:
        reason = (f"The papers give {thing} for {_joined(checks.quoted_periods)}, not "
                  f"{_joined(checks.asked_periods, 'or')}.")
    elif checks.words_near < 0.5:
        reason = "The nearest paragraphs are about something else."
    else:
        reason = "No paragraph found answers it closely enough to quote."
    nearest = draft.citations[0].passage.document if draft.citations else None
    if nearest is None:
        return reason
    when = readable_date(nearest.meta.meeting_date)
    return f"{reason} Nearest: {nearest.title}{f' ({when})' if when else ''}, not an answer."


def _joined(items: Sequence[str], word: str = "and") -> str:
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"


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
            asked = " or ".join(str(y) for y in wanted.years)
            return f"{lead} The closest paragraphs do not concern {asked}."
    return ""


def ungrounded_names(wanted: Intent, draft: Draft) -> list[str]:
    """Names the question asks about that none of the cited paragraphs (with their headings
    and document identity) mention: "Norfolk" when only Suffolk's figures were found."""
    context = set()
    for cited in draft.citations:
        paragraph, document = cited.passage.paragraph, cited.passage.document
        context.update(tokenize(paragraph.index_text(document)))
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
