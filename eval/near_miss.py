"""Near-miss questions made mechanically from answerable ones, as negatives for the decision
model: the same question for another year, for another council or body in the library, or
about another subject. Each variant is kept only when the gold documents do not state what
was swapped in, so the papers that answered the original do not answer the variant."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from assistant.evidence import PERIOD_RE, subject_words
from assistant.query import intent

T = TypeVar("T")
YEAR_SHIFTS = (3, -3, 5, -5, 7)
PLAIN = frozenset(("council", "county", "city", "borough", "district", "metropolitan", "royal",
                   "of", "the", "and", "for", "partnership", "community", "safety"))


@dataclass(frozen=True)
class NearMiss:
    """An unanswerable variant of an answerable question."""

    kind: str  # year | council | topic
    question: str


def _pick(options: Sequence[T], seed: str) -> T:
    """A deterministic choice (the same variants on every run)."""
    return options[int(hashlib.sha1(seed.encode()).hexdigest(), 16) % len(options)]


def _absent(text: str, phrase: str) -> bool:
    return not re.search(rf"\b{re.escape(phrase)}\b", text, re.IGNORECASE)


def shifted_year(question: str, gold_text: str) -> str:
    """The question with its years (and financial years) moved by the first shift whose
    years the gold documents never mention; "" when it states no year."""
    matches = list(PERIOD_RE.finditer(question))
    if not matches:
        return ""
    for shift in YEAR_SHIFTS:
        years = {int(m.group(1)) + shift for m in matches}
        if all(_absent(gold_text, str(y)) for y in years):
            return PERIOD_RE.sub(partial(_moved, shift=shift), question)
    return ""


def _moved(match: re.Match[str], shift: int) -> str:
    start = int(match.group(1)) + shift
    end = match.group(2)
    if end is None:
        return str(start)
    separator = match.group(0)[len(match.group(1)):-len(end)]
    tail = str(start + 1) if len(end) == 4 else f"{(start + 1) % 100:02d}"
    return f"{start}{separator}{tail}"


def swapped_council(question: str, councils: Sequence[str], gold_text: str, seed: str) -> str:
    """The question with a name it states replaced by a council of the library the gold
    documents never mention; "" when it names none or no other council is there."""
    names = [n for n in intent(question).names if not _absent(gold_text, n)]
    others = [c for c in councils if _absent(gold_text, c) and all(
        _absent(gold_text, w) for w in c.split() if w.lower() not in PLAIN)]
    if not names or not others:
        return ""
    return question.replace(names[0], _pick(others, seed), 1)


def swapped_topic(question: str, others: Sequence[str], gold_text: str, seed: str) -> str:
    """The question with every subject word replaced by the subject words of another
    question none of which the gold documents mention; "" when none fits."""
    own = subject_words(question, intent(question))
    if not own:
        return ""
    fitting = []
    for other in others:
        words = subject_words(other, intent(other))
        if words and all(_absent(gold_text, w) for w in words):
            fitting.append(words)
    if not fitting:
        return ""
    new = _pick(fitting, seed)
    replaced = question
    for index, word in enumerate(own):
        replacement = new[index] if index < len(new) else word
        replaced = re.sub(rf"\b{re.escape(word)}\b", replacement, replaced, count=1)
    return " ".join(replaced.split())


def near_misses(question: str, gold_text: str, councils: Sequence[str],
                other_questions: Sequence[str], seed: str) -> list[NearMiss]:
    """Every near-miss variant of one answerable question."""
    found = [NearMiss("year", shifted_year(question, gold_text)),
             NearMiss("council", swapped_council(question, councils, gold_text, seed)),
             NearMiss("topic", swapped_topic(question, other_questions, gold_text, seed))]
    return [n for n in found if n.question and n.question != question]
