"""Questions in two or more parts ("What is X and who funds it?") split into questions of
their own, answered one by one, and the answers joined into one with every part cited.

The split is conservative: only at " and ", ", and " or "; ", and only when the text on each
side asks something of its own (an interrogative, an auxiliary or an imperative opening it)
and has at least three words, so names ("Devon and Somerset", "Safer Communities and
Policing Panel") and pairs ("parking and traffic") stay whole."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answers import Answer, Citation
from assistant.conversation import Turn, rewrite
from assistant.documents import Passage
from assistant.query import names_in
from assistant.stages.decide import ABSTAIN_TEXT

INTERROGATIVES = {"what", "who", "whom", "whose", "when", "where", "which", "why", "how"}
AUXILIARIES = {"is", "are", "was", "were", "did", "does", "do", "has", "have", "had", "will",
               "would", "can", "could", "should"}
IMPERATIVES = {"list", "name", "describe", "explain", "summarise", "summarize", "give", "tell",
               "show"}
PERSONAL = {"they", "them", "their", "he", "she", "him", "his", "her"}
IRREGULAR_PAST = {"went", "came", "got", "took", "made", "saw", "gave", "held", "met", "left",
                  "began", "became", "ran", "won", "paid", "spent", "said", "told", "sent"}
FUNCTION_WORDS = {"to", "for", "at", "in", "on", "by", "from", "with", "into", "the", "a", "an",
                  "this", "that", "these", "those", "it", "them", "their", "its", "of", "as"}
JOIN_RE = re.compile(r"\s*;\s+(?:and\s+)?|,?\s+and\s+(?:also\s+|then\s+)?", re.IGNORECASE)
WORD_RE = re.compile(r"[A-Za-z0-9][\w'’\-]*")
DEFINITION_RE = re.compile(r"^(?:what|who)\s+(?:is|are|was|were)\s+(.+?)[?.!\s]*$", re.IGNORECASE)
PRONOUN_RE = re.compile(r"\b(it|its|they|them|their)\b(?!\s+(?:is|was)\s+(?:true|false|possible|"
                        r"likely|clear)\b)", re.IGNORECASE)
MARKER_RE = re.compile(r"\[(\d+)\]")
MIN_WORDS = 3
MAX_PARTS = 4


def _words(text: str) -> list[str]:
    return [w.lower() for w in WORD_RE.findall(text)]


def _balanced(text: str) -> bool:
    """No bracket or quotation left open (a split inside one would cut a name in two)."""
    return text.count("(") == text.count(")") and text.count('"') % 2 == 0 and \
        text.count("“") == text.count("”")


def _opens_question(text: str, first_only: bool) -> bool:
    """Whether ``text`` asks something itself: it opens with an interrogative or auxiliary
    (or, for the first part, an imperative such as "List"), and has three words or more."""
    words = _words(text)
    if len(words) < MIN_WORDS:
        return False
    openers = INTERROGATIVES | AUXILIARIES | (IMPERATIVES if first_only else set())
    return words[0] in openers


def _direct(text: str) -> bool:
    """Whether a later part is a direct question that stands alone: "where did X come from",
    not the indirect "where X came from" that continues the first part; "how many
    notices were issued", not the elliptical "how many went to a hearing"."""
    words = _words(text)
    if words[0] in {"where", "when", "why"} or (words[0] == "how" and words[1] not in
                                                  {"many", "much"}):
        return words[1] in AUXILIARIES or (words[0] == "how" and words[2] in AUXILIARIES)
    if words[0] == "how":
        return not _verb_follows(words[2:])
    return True


def _verb_follows(words: Sequence[str]) -> bool:
    """Whether "how many" is followed by a verb, not the noun it counts ("how many went to a
    hearing", "how many attended the event"; not "how many licensed premises signed")."""
    after = words[1] if len(words) > 1 else ""
    return words[0] in AUXILIARIES | IRREGULAR_PAST or (
        words[0].endswith("ed") and (not after or after in FUNCTION_WORDS))


def _answer_referenced(left: str, right: str) -> bool:
    """Whether a later part points at the answer to a "who" part ("Who spoke, and what did
    they say?"): the pronoun stands for someone only the answer names."""
    return _words(left)[0] == "who" and bool(set(_words(right)) & PERSONAL)


def _as_question(text: str) -> str:
    text = text.strip().rstrip("?!.,;: ")
    return text[:1].upper() + text[1:] + "?"


def split_parts(question: str) -> list[str]:
    """The questions a question asks, each as a question of its own; a one-part question (or
    one this cannot split with confidence) comes back alone and unchanged."""
    body = question.strip()
    if not _opens_question(body, first_only=True):
        return [question]
    for match in JOIN_RE.finditer(body):
        left, right = body[: match.start()], body[match.end():]
        if len(_words(left)) >= MIN_WORDS and _opens_question(right, first_only=False) and \
                _direct(right) and not _answer_referenced(left, right) and \
                _balanced(left) and _balanced(right):
            rest = split_parts(_as_question(right))
            return [_as_question(left), *rest][:MAX_PARTS]
    return [question]


def _resolved(part: str, previous: str) -> str:
    """``part`` with its pronouns standing for what ``previous`` asks about: the whole of X
    in "What is X?" ("Who funds it?" → "Who funds the council's policy on dog fouling?"),
    else as a follow-up question in a conversation would be resolved."""
    defined = DEFINITION_RE.match(previous.strip())
    if not defined or not PRONOUN_RE.search(part):
        return rewrite(part, [Turn("user", previous)])
    subject = defined.group(1)
    owner = subject + ("’" if subject.endswith("s") else "'s")
    return PRONOUN_RE.sub(lambda m: owner if m.group(1).lower() in {"its", "their"} else
                          subject, part)


def standalone_parts(parts: Sequence[str], names: Sequence[str] = ()) -> list[str]:
    """Each part after the first with its pronouns resolved against the one before it ("Who
    funds it?" after "What is the Safe at Home scheme?" asks who funds the scheme), and the
    places and bodies the whole question names (``names``) when it names none itself ("Why
    did the task group object?" after a question about York asks about York's)."""
    resolved: list[str] = []
    for part in parts:
        if resolved:
            part = _resolved(part, resolved[-1])
            missing = [n for n in names if n.lower() not in part.lower()]
            if missing and not names_in(part):
                part = f"{part.rstrip('?!. ')} in {' and '.join(missing)}?"
        resolved.append(part)
    return resolved


def _said(part: str) -> str:
    """A part as the user put it, for "No paragraph answers '…'"."""
    text = part.strip().rstrip("?!. ")
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _merged(first: Citation, second: Citation, n: int) -> Citation:
    """One citation of a paragraph quoted by two parts: the span covering both quotes."""
    text = first.passage.paragraph.text
    spans = [(text.find(c.quote), len(c.quote)) for c in (first, second)]
    if any(start < 0 for start, _ in spans):
        return Citation(n, first.passage, first.quote)
    start = min(s for s, _ in spans)
    end = max(s + length for s, length in spans)
    return Citation(n, first.passage, text[start:end])


def _renumber(text: str, numbers: dict[int, int]) -> str:
    return MARKER_RE.sub(lambda m: f"[{numbers.get(int(m.group(1)), 0)}]", text)


def _renumbered(answers: Sequence[Answer]) -> tuple[list[str], list[Citation]]:
    """Each answered part's text with its markers renumbered over the whole answer; a
    paragraph cited by two parts keeps one number."""
    texts: list[str] = []
    by_key: dict[str, Citation] = {}
    for answer in answers:
        if answer.abstained:
            texts.append("")
            continue
        numbers: dict[int, int] = {}
        for cited in answer.citations:
            key = cited.passage.paragraph.key
            known = by_key.get(key)
            n = known.n if known else len(by_key) + 1
            by_key[key] = _merged(known, cited, n) if known else Citation(n, cited.passage,
                                                                           cited.quote)
            numbers[cited.n] = n
        texts.append(_renumber(answer.text, numbers))
    return texts, sorted(by_key.values(), key=lambda c: c.n)


def _fresh(block: str, seen: set[str]) -> str:
    """A part's lines less those an earlier part already shows (one sentence can answer two
    parts), and less a document's heading line left with nothing under it."""
    groups: list[list[str]] = [[]]
    for line in block.strip().splitlines():
        if line.startswith("From “"):
            groups.append([line])
        elif line.strip() and line not in seen:
            seen.add(line)
            groups[-1].append(line)
    kept = [g for g in groups if any(MARKER_RE.search(line) for line in g)]
    return "\n\n".join("\n".join(g) for g in kept)


def _union(groups: Sequence[Sequence[Passage]]) -> tuple[Passage, ...]:
    seen: dict[str, Passage] = {}
    for group in groups:
        for passage in group:
            seen.setdefault(passage.paragraph.key, passage)
    return tuple(seen.values())


def joined(question: str, rewritten: str, parts: Sequence[str], answers: Sequence[Answer]
           ) -> Answer:
    """One Answer from the answers to a question's parts: each part's sentences in turn with
    their citations renumbered, a sentence saying which parts no paragraph answers, and an
    abstention only when no part is answered."""
    texts, citations = _renumbered(answers)
    unanswered = [f"No paragraph answers '{_said(p)}'." for p, a in zip(parts, answers,
                                                                      strict=True)
                  if a.abstained]
    abstained = all(a.abstained for a in answers)
    if abstained:
        text = " ".join([ABSTAIN_TEXT, *unanswered])
    else:
        seen: set[str] = set()
        blocks = [_fresh(t, seen) if t else f"No paragraph answers '{_said(p)}'."
                  for p, t in zip(parts, texts, strict=True)]
        text = "\n\n".join(b for b in blocks if b)
    passages = _union([a.passages for a in answers])
    timings: dict[str, float] = {}
    for answer in answers:
        for name, ms in answer.timings_ms.items():
            timings[name] = timings.get(name, 0.0) + ms
    return Answer(question=question, text=text, citations=() if abstained else tuple(citations),
                  passages=passages, abstained=abstained,
                  rewritten_question=rewritten if rewritten != question.strip() else "",
                  related=passages[:3] if abstained else (),
                  searched="; ".join(dict.fromkeys(a.searched for a in answers if a.searched)),
                  mode=answers[0].mode, support=max(a.support for a in answers),
                  dropped=tuple(d for a in answers for d in a.dropped), timings_ms=timings)
