"""The vocabulary and the positional reading of questions that follow-up rewriting
(assistant/conversation.py) uses: general English word classes, no place or body names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.query import REF_RE

WORD_RE = re.compile(r"[A-Za-z0-9][\w/'’&\-]*")
CONJ_RE = re.compile(r"^(?:and|but|also|so)\b[\s,]*", re.I)
ABOUT_RE = re.compile(r"^(?:(?:what|how) about|same (?:question )?(?:for|with))\b\s*", re.I)
LEAD_PREP_RE = re.compile(r"^(in|for|at|from|by|about|on|regarding|during|since)\s+", re.I)
FRAGMENT_RE = re.compile(LEAD_PREP_RE.pattern + r"\S+(?:\s+\S+){0,3}$", re.I)  # "In Norfolk?"
YEAR_RE = re.compile(r"\b(?:19|20)\d\d\b")
HOW_MANY_AUX_RE = re.compile(r"^how many (?:is|are|was|were|do|does|did|has|have|had)\b", re.I)
BOUNDARY_RE = re.compile(r"[,;]|\b(?:and|or|but|how|whether|if|when|where|why|what|who|which|"
                         r"that)\b")  # a new clause: "say how it is funded"


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


WH = _set("what who whom whose how when where which why")
BE = _set("is are was were be been being")
DO = _set("do does did")
AUX = BE | DO | _set("has have had will would can could should may might must")
PREPS = _set("about on in for at from by with to into during of since between before after "
             "over against regarding concerning than across within under")
CONNECTORS = _set("of and for at on the &")  # inside names: "Safe at Home"
QUALIFIERS = _set("in during since between before after")  # "... in Kent in 2023"
DETERMINERS = _set("the a an this that these those its their his her our your my each every "
                   "which what whose")
POSSESSIVE, NOMINATIVE = _set("its their theirs his her"), _set("they he she")
DEMONSTRATIVE = _set("this that these those")
PRONOUNS = POSSESSIVE | NOMINATIVE | DEMONSTRATIVE | _set("it them him there")
TEMPORAL = _set("year years month months week quarter time morning evening spring summer "
                "autumn winter financial session who which")  # "this year", "those who"
TAKE = _set("take takes took")  # "how long does it take to"
EXPLETIVE = _set("true false possible likely unlikely clear necessary the important right "
                 "correct fair known reported expected")  # "is it true that", "it is the case"
MONTHS = _set("january february march april may june july august september october november "
              "december monday tuesday wednesday thursday friday saturday sunday i")
GENERIC = _set("more else other others much many long often exactly specifically detail "
               "details example examples anything something same now again too instead ever "
               "still me you we us any some all not and or but also so then please tell give "
               "show list explain describe summarise summarize")
STOP = WH | AUX | PREPS | DETERMINERS | GENERIC
NOT_CONTENT = STOP | PRONOUNS | MONTHS
CLAUSE_END = frozenset(["", "?", ",", ";", ".", "!"])
VERBS = _set("say said tell told decide agree recommend report propose plan fund spend spent "
             "think thought want need discuss do done consider approve publish record lead led "
             "chair meet met make made find found note show mean meant cover include launch run "
             "ran set commission review adopt deliver manage provide support monitor measure "
             "count compare identify prioritise prioritize allocate receive cost happen work "
             "oversee endorse reject ask raise highlight respond define use take took give gave "
             "hold held start introduce establish commit conclude request employ serve affect "
             "involve cause reduce increase rise rose fall fell change write wrote written sit "
             "sat attend own go went get got become became")


def _is_verb(word: str) -> bool:
    """Whether ``word`` is a form of a verb questions often use ("funds", "decided")."""
    stems = {word}
    if word.endswith("s"):
        stems |= {word[:-1], word[:-2]}
    if word.endswith("ed"):
        stems |= {word[:-1], word[:-2], word[:-3], word[:-3] + "y"}
    if word.endswith("ing"):
        stems |= {word[:-3], word[:-3] + "e", word[:-4]}
    return bool(stems & VERBS)


@dataclass(frozen=True)
class Parts:
    """Character spans in a question: who it is about, and what it asks about."""

    subject: tuple[int, int] | None = None
    object: tuple[int, int] | None = None
    topic: tuple[int, int] | None = None  # after "about" / "on" / "regarding"
    counted: tuple[int, int] | None = None  # "refuge beds" in "how many refuge beds"
    wh_subject: bool = False  # "Who chairs X?": the wh-word is the subject


class Words:
    """The words of a question, read by position."""

    def __init__(self, text: str) -> None:
        self.text, self.found = text, list(WORD_RE.finditer(text))
        self.low = [m.group().lower() for m in self.found]

    def at(self, j: int) -> str:
        """Word ``j`` in lower case; "" outside the question."""
        return self.low[j] if 0 <= j < len(self.low) else ""

    def capital(self, j: int) -> bool:
        return 0 <= j < len(self.low) and self.found[j].group()[0].isupper()

    def span(self, a: int, b: int) -> tuple[int, int] | None:
        return (self.found[a].start(), self.found[b - 1].end()) if b > a else None

    def content(self, j: int) -> bool:
        """Whether word ``j`` names something: a reference, a name or a noun-like word."""
        word = self.low[j]
        if REF_RE.fullmatch(self.found[j].group()):
            return True
        if word in NOT_CONTENT or word.isdigit():
            return False
        return self.capital(j) or self.at(j - 1) in DETERMINERS or \
            (len(word) > 2 and not _is_verb(word))

    def anaphoric(self, i: int) -> bool:
        """Whether pronoun ``i`` points outside its clause: not expletive "it" ("is it true
        that"), existential "there", temporal "this year", nor "that" opening a clause."""
        word, before, after = self.low[i], self.at(i - 1), self.at(i + 1)
        if word == "it":
            return not ((before in BE and after in EXPLETIVE) or after in TAKE or
                        (after in BE and self.at(i + 2) in EXPLETIVE))
        if word == "there":
            return before not in BE and after not in BE | {"has", "have", "had"}
        if word in DEMONSTRATIVE and re.sub(r"['’]s$", "", after) in TEMPORAL:
            return False
        if word != "that" or self.text[self.found[i].end():].lstrip()[:1] in CLAUSE_END:
            return True
        if after in {"and", "or"} or before in WH | AUX | PREPS | {"", "and", "or"}:
            return True
        rest = self.low[i + 1:[*self.low, "and"].index("and", i + 1)]  # "said that X was"
        return not self.content(i - 1) and not any(w in AUX or _is_verb(w) for w in rest)

    def bound(self, i: int) -> bool:
        """Whether pronoun ``i`` has an antecedent in the question: any earlier noun for a
        possessive or subject pronoun ("Kent and its refuges", "the council said it would"),
        else one in an earlier clause ("What is the Safe at Home scheme and who funds it?")."""
        limit, after = self.found[i].start(), self.at(i + 1)
        subject = self.low[i] == "it" and (after in AUX or _is_verb(after))  # "it would"
        if self.low[i] not in POSSESSIVE | NOMINATIVE and not subject:
            limit = max((m.start() for m in BOUNDARY_RE.finditer(self.text, 0, limit)), default=0)
        return any(self.content(j) for j in range(i) if self.found[j].end() <= limit)

    def dangling(self) -> list[int]:
        """The pronouns whose antecedent is outside the question."""
        return [i for i, word in enumerate(self.low)
                if word in PRONOUNS and self.anaphoric(i) and not self.bound(i)]

    def elliptical(self) -> bool:
        """A question naming nothing ("Why?", "Who decided?") or leaving out what it counts."""
        return not any(map(self.content, range(len(self.low)))) or \
            bool(HOW_MANY_AUX_RE.search(self.text))

    def names(self) -> list[tuple[int, int]]:
        """Spans of capitalised names, with small joining words inside ("Safe at Home")."""
        spans: list[tuple[int, int]] = []
        start: int | None = None
        end = 0
        for j, match in enumerate(self.found):
            inside = start is not None and self.low[j] in CONNECTORS and self.capital(j + 1)
            if self.capital(j) and self.low[j] not in NOT_CONTENT:
                start = match.start() if start is None else start
                end = match.end() - (2 if re.search(r"['’]s$", match.group()) else 0)
            elif not inside and start is not None:
                spans.append((start, end))
                start = None
        return spans + ([(start, end)] if start is not None else [])

    def phrase_end(self, k: int) -> int:
        """Index of the first word from ``k`` that starts a place or date qualifier."""
        while k < len(self.low) and not (self.low[k] in QUALIFIERS and (
                self.capital(k + 1) or self.at(k + 1).isdigit())):
            k += 1
        return k

    def noun_end(self, k: int, do: bool = False) -> int:
        """Index just past the noun phrase starting at ``k``: it stops at a verb or a
        preposition; after "did" or "does" the last word is the verb ("did the board endorse")."""
        start = k
        while k < len(self.low):
            named = self.capital(k - 1) and self.capital(k + 1) and self.low[k] in CONNECTORS
            verb = not self.capital(k) and self.at(k - 1) not in DETERMINERS and \
                _is_verb(self.low[k])
            if k > start and (verb or (self.low[k] in PREPS - {"of"} and not named)):
                break
            k += 1
        if do and k - start >= 2 and not _is_verb(self.at(k)) and not self.capital(k - 1):
            k -= 1
        return k

    def object(self, k: int) -> tuple[int, int] | None:
        """The noun phrase after a verb (or its preposition), unless a pronoun or clause."""
        k += int(self.at(k) in PREPS)
        return None if k >= len(self.low) or self.low[k] in PRONOUNS else \
            self.span(k, self.noun_end(k))

    def parts(self) -> Parts:
        """Subject, object, topic and counted noun of a question, found by word order."""
        low, text = self.low, self.text
        topic = re.search(r"\b(?:about|regarding|concerning)\s+", text) or \
            re.search(r"\bon\s+", text)
        k = next((j for j, m in enumerate(self.found) if m.start() >= topic.end()),
                 len(low)) if topic else len(low)
        topic_span = self.span(k, self.phrase_end(k))
        i, counted, named = int(self.at(0) in WH), None, None
        if low[:2] in (["how", "many"], ["how", "much"]):
            i = next((j for j in range(2, len(low)) if low[j] in AUX), len(low))
            counted = self.span(2, i)
        elif self.at(0) in {"which", "what", "whose"} and self.at(1) not in AUX | {""}:
            i = next((j for j in range(2, len(low)) if low[j] in AUX or (
                _is_verb(low[j]) and not (low[j] in VERBS and _is_verb(self.at(j + 1))))),
                len(low))  # "What Police report went ...": a bare "report" before a verb
            named = self.span(1, i)  # "Which councils said ...?"
        if i >= len(low) or (low[0] in WH and low[i] not in AUX):
            return Parts(named, self.object(i + 1), topic_span, counted, True)
        if low[i] not in AUX:  # "Tell me about X", "Describe X"
            return Parts(topic_span or self.span(i + 1, len(low)), None, topic_span, counted)
        k = self.noun_end(i + 1, low[i] not in BE)
        subject = counted if low[i] in BE and counted else self.span(i + 1, k)
        return Parts(subject, self.object(k + 1), topic_span, counted)
