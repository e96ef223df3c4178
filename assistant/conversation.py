"""Follow-up questions rewritten into standalone ones from the conversation so far. The
history only ever supplies words for the question; it is never a source for the answer: only
the user's turns are read, and a question that stands on its own is returned as it is."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.conversation_words import (
    ABOUT_RE,
    AUX,
    BE,
    CONJ_RE,
    DEMONSTRATIVE,
    DO,
    EXPLETIVE,
    FRAGMENT_RE,
    GENERIC,
    LEAD_PREP_RE,
    NOT_CONTENT,
    POSSESSIVE,
    PREPS,
    STOP,
    WH,
    YEAR_RE,
    Words,
    _is_verb,
)
from assistant.query import REF_RE


@dataclass(frozen=True)
class Turn:
    """One message of a conversation."""

    role: str  # "user" or "assistant"
    content: str


def as_turns(history: Sequence[Turn | dict]) -> list[Turn]:
    """Accept turns or ``{"role", "content"}`` dicts (the JSON form)."""
    return [h if isinstance(h, Turn) else Turn(str(h.get("role", "")), str(h.get("content", "")))
            for h in history]


def is_follow_up(question: str) -> bool:
    """Questions that lean on the conversation: "And in Hampshire?", "Who leads that?",
    "What about county lines?". One that names its subject, whose pronouns point inside it
    ("What is the Safe at Home scheme and who funds it?") or at nothing ("Is it true that
    ..."), stands alone however short: "What does JOS/20/17 recommend?"."""
    text = question.strip().rstrip("?!. ")
    if not text:
        return False
    opener = CONJ_RE.match(text) or ABOUT_RE.match(text) or FRAGMENT_RE.match(text)
    words = Words(text)
    return bool(opener or words.dangling()) or words.elliptical()


def _antecedent(previous: str) -> str:
    """What a pronoun in the next question most likely stands for."""
    words = Words(previous)
    parts = words.parts()
    # "Who chairs the panel?": the panel; "What report went to the panel?": the report
    span = (parts.object if parts.wh_subject and not parts.subject else None) or \
        parts.subject or parts.topic or next(iter(words.names()), None)
    if span:
        return previous[span[0]:span[1]]
    return " ".join(m.group() for j, m in enumerate(words.found) if words.content(j))


def _possessive(noun: str) -> str:
    return noun + ("’" if noun.endswith("s") else "'s")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _figure(previous: str) -> str:
    """"the number of crimes recorded in Kent" from "How many crimes were recorded in Kent"."""
    words = Words(previous)
    counted = words.parts().counted
    if not counted:
        return ""
    k = next((j for j, m in enumerate(words.found) if m.start() >= counted[1]), 0)
    rest = previous[words.found[k].end():].strip() if k and words.low[k] in BE else ""
    kind = "number" if words.at(1) == "many" else "amount"
    return f"the {kind} of {previous[counted[0]:counted[1]]} {rest}".strip()


def _replacement(previous: str, subject: str, words: Words, i: int) -> tuple[str, int]:
    """What to put for pronoun ``i``, and the index of the first word it does not replace."""
    word, after, following = words.low[i], words.at(i + 1), words.at(i + 2)
    if not subject or (words.at(i - 1) in DO | {"done", "doing"} and after in PREPS | {""}):
        return words.found[i].group(), i + 1  # "do that" stands for an action
    if word in POSSESSIVE:
        return _possessive(subject), i + 1
    if word == "there":
        places = Words(previous).names()
        return (f"in {previous[slice(*places[-1])]}" if places else word), i + 1
    if word in DEMONSTRATIVE and after and after not in NOT_CONTENT | EXPLETIVE and \
            (not _is_verb(after) or _is_verb(following) or following in AUX):  # "that report"
        if after.rstrip("s") == subject.lower().split()[-1].rstrip("s") or \
                REF_RE.fullmatch(subject):
            return subject, i + 2
        named = _phrase_ending(previous, after)  # "those referrals": "Channel panel referrals"
        return (named, i + 2) if named else (_possessive(subject), i + 1)
    if word in {"this", "that"} and after in EXPLETIVE:  # "Is that true?": the answer is meant
        return words.found[i].group(), i + 1
    return (word in {"this", "that"} and _figure(previous)) or subject, i + 1


def _phrase_ending(previous: str, noun: str) -> str:
    """The previous question's phrase (up to four words) that ends in ``noun``, singular or
    plural: "Channel panel referrals" for "referrals"; "" when it has none."""
    words = Words(previous)
    ends = [j for j, w in enumerate(words.low) if w.rstrip("s") == noun.rstrip("s")]
    if not ends:
        return ""
    j = k = ends[-1]
    while k > 0 and j - k < 3 and words.content(k - 1) and not _is_verb(words.low[k - 1]):
        k -= 1
    return previous[words.found[k].start():words.found[j].end()]


def _resolve_pronouns(question: str, previous: str) -> str:
    """``question`` with its dangling pronouns replaced, first to last, by what they stand
    for; a later one is left when an earlier replacement has given it an antecedent."""
    subject, text, kept = _antecedent(previous), question, 0
    for _ in range(len(Words(question).dangling())):
        words = Words(text)
        pending = words.dangling()
        if len(pending) <= kept:
            break
        new, stop = _replacement(previous, subject, words, pending[kept])
        if new == words.found[pending[kept]].group():
            kept += 1
            continue
        text = text[:words.found[pending[kept]].start()] + new + text[words.found[stop - 1].end():]
    return text


def _whole_name(text: str, span: tuple[int, int], new: str) -> tuple[int, int]:
    """A name's span widened to "the Safe at Home scheme" when a bare name replaces it."""
    start, end = span
    if not text[:start].lower().endswith("the ") or new.lower().startswith("the "):
        return span
    head = re.match(r"\s+([a-z][\w\-]*)", text[end:])
    if head and head.group(1) not in STOP and not _is_verb(head.group(1)):
        end += head.end()
    return start - 4, end


def _swap_name(previous: str, prep: str, name: str) -> str | None:
    """The previous question with ``name`` in place of one of its names of the same kind:
    the one after the same preposition ("in Norfolk"), else a one-word name ("does
    Hampshire"), or without a preposition the last; None when none fits."""
    ref = bool(REF_RE.fullmatch(name))  # a reference replaces a reference, a name a name
    alike = [s for s in Words(previous).names()
             if bool(REF_RE.fullmatch(previous[slice(*s)])) == ref]
    if prep:
        alike = [s for s in alike if previous[:s[0]].rstrip().endswith(f" {prep}")] or \
            [s for s in alike if " " not in previous[slice(*s)] and
             not previous[:s[0]].lower().endswith("the ")]
    if not alike:
        return None
    start, end = _whole_name(previous, alike[-1], name)
    return previous[:start] + name + previous[end:]


def _swap(fragment: str, previous: str) -> str:
    """The previous question re-asked for what a fragment names: "in Norfolk", "2022",
    "county lines", "the council"."""
    lead = LEAD_PREP_RE.match(fragment)
    prep, rest = (lead.group(1).lower(), fragment[lead.end():]) if lead else ("", fragment)
    if not rest:
        return previous
    years, new_names = YEAR_RE.findall(previous), Words(rest).names()
    agent = bool(new_names) or bool(re.match(r"(?:the|a|an)\s", rest, re.I))  # "the council"
    rest = _resolve_pronouns(rest, previous)  # "their budget": "the scheme's budget"
    if YEAR_RE.fullmatch(rest):
        head, _, tail = previous.rpartition(years[-1]) if years else (previous, "", "")
        return head + rest + tail if years else f"{previous} {prep or 'in'} {rest}"
    if new_names and re.sub(r"^the\s+", "", rest, flags=re.I) == rest[slice(*new_names[0])]:
        swapped = _swap_name(previous, prep, rest)
        if swapped:
            return swapped
    if prep and prep not in {"about", "on", "regarding"}:
        return f"{previous} {prep} {rest}"
    parts = Words(previous).parts()
    actor = parts.object if parts.wh_subject else parts.subject
    span = parts.topic or (actor if agent else None) or parts.counted or parts.object or actor
    return f"{previous[:span[0]]}{rest}{previous[span[1]:]}" if span else f"{previous} {rest}"


def _resolve(question: str, previous: str) -> str | None:
    """``question`` made standalone against the (already standalone) previous question;
    None when the previous question lends it nothing ("Why?", "Is that true?")."""
    if not is_follow_up(question):
        return question
    previous = previous.strip().rstrip("?!. ")
    body = CONJ_RE.sub("", question.strip().rstrip("?!. "), count=1)
    words = Words(body)
    if not body or ABOUT_RE.match(body) or words.at(0) not in WH | AUX | GENERIC:
        return _capital(_swap(ABOUT_RE.sub("", body, count=1), previous)) + "?"
    if words.dangling():
        resolved = _resolve_pronouns(body, previous)
        return None if resolved == body else _capital(resolved) + "?"
    if not words.elliptical():
        return _capital(body) + "?"
    named = words.names() or [m.span() for m in YEAR_RE.finditer(body)]
    if named:  # "How many does Norfolk fund?", "How many were there in 2022?"
        return _swap(body[slice(*named[0])], previous) + "?"
    if words.low[-1] in {"more", "else", "others", "detail", "details"}:
        return f"{_capital(body)} about {_antecedent(previous)}?"
    return None


def _fallback(question: str, previous: str) -> str:
    """A follow-up the previous question lends nothing to: as asked, with the previous
    question alongside when it names nothing itself ("Why?")."""
    body = CONJ_RE.sub("", question.rstrip("?!. "), count=1)
    if not body or not Words(body).elliptical():
        return question
    return f"{_capital(body)} ({previous.strip().rstrip('?!. ')})?"


def rewrite(question: str, history: Sequence[Turn | dict]) -> str:
    """A standalone version of ``question``; unchanged when it already stands alone. Each
    earlier user turn is first made standalone against its own predecessors, so a chain of
    follow-ups resolves; the assistant's turns are never read."""
    turns = [t.content.strip() for t in as_turns(history)
             if t.role == "user" and t.content.strip()]
    if not turns or not is_follow_up(question):
        return question.strip()
    previous = turns[0]
    for turn in turns[1:]:
        previous = _resolve(turn, previous) or previous  # "Why?" keeps the subject going
    return _resolve(question.strip(), previous) or _fallback(question.strip(), previous)
