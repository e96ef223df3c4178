"""Follow-up questions rewritten into standalone ones from the conversation so far. The
history only ever supplies words for the question; it is never a source for the answer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.query import REF_RE, names_in

FOLLOW_UP_RE = re.compile(r"^(?:and what about|and how about|what about|how about|same for|"
                          r"what else|anything else|and|but|also)\b", re.IGNORECASE)
PRONOUN_RE = re.compile(r"\b(they|them|their|theirs|it|its|this|that|these|those|he|she|his|"
                        r"her|there)\b", re.IGNORECASE)
PLACE_RE = re.compile(r"\b(?:in|for|from|at|by) ((?:[A-Z][\w'’\-]+ ?){1,4})")
CONTENT_RE = re.compile(r"[A-Za-z0-9][\w/'’\-]{2,}")
FILLER = {"and", "what", "about", "how", "the", "they", "them", "their", "that", "this", "those",
          "these", "does", "did", "say", "said", "who", "leads", "lead", "tell", "more", "with",
          "for", "there", "its", "also", "else", "same", "any", "anything", "was", "were", "are"}


@dataclass(frozen=True)
class Turn:
    """One message of a conversation."""

    role: str  # "user" or "assistant"
    content: str


def as_turns(history: Sequence[Turn | dict]) -> list[Turn]:
    """Accept turns or ``{"role", "content"}`` dicts (the JSON form)."""
    return [h if isinstance(h, Turn) else Turn(str(h.get("role", "")), str(h.get("content", "")))
            for h in history]


def _content_words(text: str) -> list[str]:
    return [w for w in CONTENT_RE.findall(text) if w.lower() not in FILLER]


def _without_places(question: str) -> str:
    return PLACE_RE.sub("", question).strip()


def is_follow_up(question: str) -> bool:
    """Questions that lean on the conversation: "And in Hampshire?", "Who leads that?". One
    that names its own subject (a report reference, a name) with no pronoun and no opening
    "and" or "what about" stands alone, however short: "What does JOS/20/17 recommend?"."""
    if FOLLOW_UP_RE.match(question.strip()):
        return True
    words = _content_words(question)
    pronoun = bool(PRONOUN_RE.search(question))
    if not pronoun and (REF_RE.search(question) or names_in(question)):
        return False
    return len(words) <= 2 or (pronoun and len(words) <= 4)


LEAD_RE = re.compile(r"^(?:what|who|how|when|where|which|why)(?: \w+)?? (?:is|are|was|were|"
                     r"does|do|did|has|have) |^(?:tell me about|describe|explain) ", re.IGNORECASE)
OBJECT_PRONOUN_RE = re.compile(r"\b(it|this|that|these|those)\b", re.IGNORECASE)
SUBJECT_PRONOUN_RE = re.compile(r"\b(they|them|their|he|she|his|her)\b", re.IGNORECASE)


VERB_RE = re.compile(r"\s+(?:say|said|says|do|does|did|decide|decided|report|reported|"
                     r"recommend|recommended|agree|agreed|propose|proposed|plan|planned|fund|"
                     r"funded|spend|spent|think|thought|want|wanted|need|needed)\b.*$",
                     re.IGNORECASE)


def _topic(previous: str) -> str:
    """The thing a question was about: "the Safe at Home scheme" from "What is the Safe at
    Home scheme?", "the partnership" from "What did the partnership say about knife crime?"."""
    topic = LEAD_RE.sub("", previous.strip().rstrip("?")).strip()
    return VERB_RE.sub("", topic).strip() or topic


def rewrite(question: str, history: Sequence[Turn | dict]) -> str:
    """A standalone version of ``question``; unchanged when it already stands alone."""
    turns = [t for t in as_turns(history) if t.role == "user" and t.content.strip()]
    if not turns or not is_follow_up(question):
        return question.strip()
    previous = turns[-1].content.strip().rstrip("?")
    current = question.strip().rstrip("?")
    new_names = names_in(f"x {current}")
    old_names = names_in(previous)
    if FOLLOW_UP_RE.match(current) and new_names and len(_content_words(current)) <= 3:
        if old_names:
            return previous.replace(old_names[-1], new_names[0]) + "?"
        return f"{previous} in {new_names[0]}?"
    if SUBJECT_PRONOUN_RE.search(current):
        subject = " and ".join(old_names) if old_names else _topic(previous)
        return SUBJECT_PRONOUN_RE.sub(subject, current, count=1) + "?"
    if OBJECT_PRONOUN_RE.search(current):
        return OBJECT_PRONOUN_RE.sub(_topic(previous), current, count=1) + "?"
    rest = FOLLOW_UP_RE.sub("", current).strip(" ,")
    about = re.search(r"\b(about|on|regarding) ", previous)
    if rest and about:
        return f"{previous[: about.end()]}{rest}?"
    if rest:
        return f"{rest[:1].upper()}{rest[1:]} ({_topic(previous)})?"
    return f"{previous}?"
