"""The question's constraints checked against the evidence a draft quotes: what is asked for
(a figure, a date, a person or body, a list), for whom (the names it states), for when (its
years and financial years), about what (its subject words). Each is met by the quoted
sentence, its paragraph, its heading path or its document's identity. The checks are the
features of the fitted decision (assistant/stages/decide.py) and the words of its reasons."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assistant.answers import Citation
from assistant.asked import measured
from assistant.documents import Passage
from assistant.lexical import tokenize
from assistant.query import QUESTION_WORDS, Intent

GENERIC_TERMS = frozenset(tokenize(
    "many much number numbers say said says report reports partnership partnerships council "
    "councils committee committees document documents paper papers tell show give list name "
    "describe explain happen happened main key current latest new doing done year years "
    "plan plans people work worked working use used take taken make made also about "
    "according update total figure figures date dates time times went go goes get got"))
MONTHS = frozenset(("january", "february", "march", "april", "may", "june", "july", "august",
                    "september", "october", "november", "december"))
PERIOD_RE = re.compile(r"\b((?:19|20)\d\d)(?:\s*[-/–]\s*((?:19|20)?\d\d)\b)?")
NUMBER_RE = re.compile(r"£?\d[\d,.]*%?|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|"
                       r"eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|"
                       r"half|dozen)\b", re.IGNORECASE)
DATE_WORDS_RE = re.compile(r"\b(?:January|February|March|April|May|June|July|August|"
                           r"September|October|November|December|(?:19|20)\d\d|quarter|"
                           r"week|month|annual|annually|daily|weekly|monthly|yearly)\b",
                           re.IGNORECASE)
WHO_WORDS_RE = re.compile(r"\b(?:[A-Z][a-z]+ [A-Z][a-z]+|Cllr|Councillor|chair\w*|officer|"
                          r"manager|director|head|lead|board|team|service|police|partnership|"
                          r"council|group|panel|committee|agency|commissioner)\b")
Period = tuple[int, int | None]  # (2023, 2024) for "2023-24"; (2019, None) for "2019"


@dataclass(frozen=True)
class Checks:
    """How the draft's evidence meets each constraint (1 met, 0 not; shares in between)."""

    names_asked: float  # 1 when the question names a council, body or scheme
    names_met: float  # share of those named in each cited paragraph or its document, averaged
    years_asked: float
    year_met: float  # an asked year or financial year is what the evidence is about
    other_year: float  # the evidence states another year, none that was asked
    kind_met: float  # a number for "how many", a date for "when", a name for "who"
    words_quoted: float  # share of the subject words in the quoted sentences
    words_near: float  # ... in the quote, its paragraph, headings and document identity
    missing_names: tuple[str, ...] = ()  # not met by every citation
    missing_words: tuple[str, ...] = ()
    asked_periods: tuple[str, ...] = ()
    found_periods: tuple[str, ...] = ()
    quoted_other_year: float = 0.0  # the quoted sentences state a period, none that was asked
    quoted_periods: tuple[str, ...] = ()


def periods(text: str) -> set[Period]:
    """The years and financial years a text states: "2023-24", "2023/2024", "2019"."""
    found: set[Period] = set()
    for match in PERIOD_RE.finditer(text):
        start, end = int(match.group(1)), match.group(2)
        if end is None:
            found.add((start, None))
            continue
        tail = int(end) if len(end) == 4 else start // 100 * 100 + int(end)
        found.add((start, tail) if tail == start + 1 else (start, None))
    return found


def meets(asked: Period, stated: set[Period]) -> bool:
    """Whether an asked year or period is among those stated: a year by itself or by a period
    it begins or ends; a financial year only by itself."""
    year, end = asked
    if end is None:
        return any(year in (s, e) for s, e in stated)
    return asked in stated


def written(period: Period) -> str:
    return f"{period[0]}-{str(period[1])[2:]}" if period[1] else str(period[0])


def subject_words(question: str, intent: Intent) -> list[str]:
    """The question's own content words: not question words, names, months, years or
    generic terms (words in scripts the index does not read count, and are never found)."""
    named = {t for n in intent.names for t in tokenize(n)}
    words = []
    for word in re.findall(r"[^\W\d_][\w'’\-]+", question):
        terms = tokenize(word) or ([word.lower()] if not word.isascii() else [])
        if terms and word.lower() not in QUESTION_WORDS | MONTHS and \
                terms[0] not in GENERIC_TERMS and not set(terms) & named and word not in words:
            words.append(word)
    return words


def asked_names(intent: Intent) -> list[str]:
    """The names a question states, without possessive endings and without months (those
    are dates, checked as such): "Watford" from "Watford's"."""
    names = []
    for name in intent.names:
        plain = re.sub(r"['’]s?$", "", name.strip())
        if plain and plain.lower() not in MONTHS and plain not in names:
            names.append(plain)
    return names


def _identity(passage: Passage) -> str:
    document = passage.document
    return " ".join((document.identity, " ".join(document.parts), document.file_name,
                     passage.paragraph.part_title))


def _near(passage: Passage) -> str:
    """What stands around a quote: its paragraph, headings and document identity."""
    paragraph = passage.paragraph
    return " ".join((paragraph.text, " ".join(paragraph.heading_path), _identity(passage)))


def _share(words: Sequence[str], text_terms: set[str], idf: Mapping[str, float]
           ) -> tuple[float, tuple[str, ...]]:
    """The share of the words found, each weighed by its rarity in the library, and those
    missing."""
    weight = {w: max((idf.get(t, 1.0) for t in tokenize(w)), default=1.0) for w in words}
    missing = tuple(w for w in words if not set(tokenize(w) or [w.lower()]) & text_terms)
    total = sum(weight.values())
    return (1 - sum(weight[w] for w in missing) / total if total else 1.0), missing


def _name_met(name: str, terms: set[str], idf: Mapping[str, float]) -> bool:
    """Whether most of a name, its words weighed by rarity, is among ``terms``: "Operation
    Nightjar" is not met by a paragraph on Operation Sceptre."""
    wanted = [t for t in tokenize(name) if len(t) > 1]
    weights = [idf.get(t, 1.0) for t in wanted]
    found = sum(w for t, w in zip(wanted, weights, strict=True) if t in terms)
    return not wanted or found >= 0.6 * sum(weights)


def _kind_met(intent: Intent, quoted: str, cited: int) -> float:
    kind = intent.kind
    if kind == "figure":
        return float(bool(NUMBER_RE.search(quoted)) and measured(intent.measure, quoted))
    if kind == "date":
        return float(bool(DATE_WORDS_RE.search(quoted)))
    if kind == "who":
        return float(bool(WHO_WORDS_RE.search(quoted)))
    if kind == "list":
        return min(cited, 3) / 3
    return 1.0


def check(question: str, intent: Intent, citations: Sequence[Citation],
          idf: Mapping[str, float] | None = None) -> Checks:
    """Each constraint of the question checked against the cited evidence; ``idf`` weighs
    the subject words by their rarity in the library (all alike without it)."""
    idf = idf or {}
    names = asked_names(intent)
    quoted = " ".join(c.quote for c in citations)
    each = [set(tokenize(f"{c.quote} {_near(c.passage)}")) for c in citations]
    near_terms = set().union(*each)
    met = [[_name_met(n, terms, idf) for n in names] for terms in each]
    missing_names = tuple(n for i, n in enumerate(names) if not all(m[i] for m in met))
    asked = periods(question)
    stated = periods(" ".join(f"{c.quote} {_near(c.passage)} {c.passage.document.meta.meeting_date}"
                              for c in citations))
    year_met = not asked or any(meets(p, stated) for p in asked)
    in_quote = periods(quoted)
    words = subject_words(question, intent)
    quoted_share, _ = _share(words, set(tokenize(quoted)), idf)
    near_share, missing_words = _share(words, near_terms, idf)
    return Checks(
        names_asked=float(bool(names)),
        names_met=sum(sum(m) / len(names) for m in met) / len(met) if names and met else 1.0,
        years_asked=float(bool(asked)), year_met=float(year_met),
        other_year=float(bool(asked) and not year_met and bool(stated)),
        kind_met=_kind_met(intent, quoted, len(citations)),
        words_quoted=quoted_share, words_near=near_share,
        missing_names=missing_names, missing_words=missing_words,
        asked_periods=tuple(sorted(written(p) for p in asked)),
        found_periods=tuple(sorted(written(p) for p in stated))[-3:],
        quoted_other_year=float(bool(asked and in_quote) and
                                not any(meets(p, in_quote) for p in asked)),
        quoted_periods=tuple(sorted(written(p) for p in in_quote))[-3:])
