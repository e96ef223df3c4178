"""What a question asks for (a figure, a date, a list, every occasion) and the filters it
states in words ("in Suffolk", "since 2022", "in the Hampshire report", "JOS/20/17")."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.answers import Filters
from assistant.documents import Document

FIGURE_RE = re.compile(r"\b(how many|how much|what (?:number|percentage|proportion|amount|"
                       r"share|figure|total)|what was the (?:total|number|figure|budget|cost)|"
                       r"how (?:big|large|long)|what percentage)\b", re.IGNORECASE)
# "when" asks for a date as the question's word ("When was ...", "and when did ..."), not as
# a conjunction ("What did the Cabinet decide when it considered ...").
DATE_RE = re.compile(r"^\W*(?:and |so |but )?when\b|\bwhen (?:did|does|do|was|were|is|are|will|"
                     r"would|should|could|can|had|has|have)\b|\b(what date|which year|what year|"
                     r"by when|until when|since when|how long)\b", re.IGNORECASE)
WHO_RE = re.compile(r"^\s*who\b|\bwhich (?:agency|organisation|organization|body|officer|team|"
                    r"partner)\b|\bled by\b|\bresponsible for\b", re.IGNORECASE)
LIST_RE = re.compile(r"\b(list|what are|what were|which are|which were|name the|priorities|"
                     r"pillars|themes|actions|aims|objectives|recommendations|members|steps|"
                     r"areas|key activities)\b", re.IGNORECASE)
# auxiliaries that follow a noun as the question's verb ("Which districts does …", "how many
# referrals were …"; "have" too, except after "which councils", which asks for occasions)
AUXILIARIES = "does|do|did|is|are|was|were|will|would|should|could|can"
# every occasion is wanted: "Has any partnership ...?", "Which councils have ...?" (not "Which
# other councils' guidance ...", a thing of one paper, nor "Which districts does the
# partnership cover?", where the councils are what one paper is asked about)
PRECEDENT_RE = re.compile(r"\b(has any|have any|did any|any partnership|any council|precedent|"
                          r"every (?:time|occasion)|all (?:the )?(?:occasions|times|examples)|"
                          r"ever (?:worked|done|used|run)|examples? of|which (?:\w+ )?(?:councils|"
                          r"partnerships|authorities|boroughs|districts|counties)\b(?!['’])"
                          rf"(?! (?:{AUXILIARIES})\b))", re.IGNORECASE)
REF_RE = re.compile(r"\b([A-Z]{2,6}/\d{1,4}/\d{1,4}|\d{2}/\d{5}|[A-Z]{2,6}/\d{2}/\d{2,4})\b")
TITLE_RE = re.compile(r"\bthe ((?:[A-Za-z0-9'’\-]+ ){0,6}?[A-Za-z0-9'’\-]+) (?:report|plan|"
                      r"strategy|update|minutes|review|agenda|pack|paper|appendix)\b",
                      re.IGNORECASE)
# what a figure question measures: a share ("what percentage", "what proportion") or money
# ("how much did it cost", "what budget"); anything else is a count
SHARE_RE = re.compile(r"\b(?:percentage|proportion|share|per ?cent|rate|ratio)\b", re.IGNORECASE)
MONEY_RE = re.compile(r"£|\b(?:cost|costs|costing|spend|spent|spending|budget|funding|funded|"
                      r"money|price|fee|fees|grant|grants|precept|underspend|overspend|"
                      r"savings?|income|paid|pay|invest(?:ed|ment)?)\b", re.IGNORECASE)
# "how many X …": X runs to the verb, preposition or punctuation after it
COUNTED_RE = re.compile(rf"\bhow many ((?:[\w’'\-]+|\([^)]*\))(?: (?!(?:{AUXILIARIES}|have|has|"
                        r"had|in|for|of|by|at|on|from|to|over|during|between|since|across|"
                        r"within|under)\b)(?:[\w’'\-]+|\([^)]*\)))*)", re.IGNORECASE)
QUESTION_WORDS = {"what", "how", "who", "when", "where", "which", "why", "has", "have", "did",
                  "does", "do", "is", "are", "was", "were", "can", "could", "and", "in", "the",
                  "list", "give", "tell", "show", "name", "summarise", "summarize", "any", "i",
                  "a", "an", "for", "of", "on", "since", "after", "before", "from", "by", "to"}


@dataclass(frozen=True)
class Intent:
    """The kind of answer wanted, and what the question names."""

    kind: str  # figure | who | date | list | precedent | general
    years: tuple[int, ...] = ()
    names: tuple[str, ...] = ()  # capitalised names in the question ("Norfolk", "Op Sceptre")
    measure: str = ""  # a figure's: share | money | count ("" for other kinds)
    counted: str = ""  # the noun "how many" counts: "requests" in "how many ASB case … requests"


def intent(question: str) -> Intent:
    """Classify a question by the answer it wants."""
    if PRECEDENT_RE.search(question):
        kind = "precedent"
    elif FIGURE_RE.search(question):
        kind = "figure"
    elif WHO_RE.search(question):
        kind = "who"
    elif DATE_RE.search(question):
        kind = "date"
    elif LIST_RE.search(question):
        kind = "list"
    else:
        kind = "general"
    years = tuple(int(y) for y in re.findall(r"\b(19[89]\d|20\d\d)\b", question))
    return Intent(kind, years, tuple(names_in(question)),
                  measure(question) if kind == "figure" else "",
                  counted_noun(question) if kind == "figure" else "")


def counted_noun(question: str) -> str:
    """The noun a "how many" question counts: the last word of the phrase after "how many"
    ("How many ASB case review (community trigger) requests did …" counts requests)."""
    found = COUNTED_RE.search(question)
    if not found:
        return ""
    words = re.findall(r"[A-Za-z][\w’'\-]*", re.sub(r"\([^)]*\)", " ", found.group(1)))
    return words[-1] if words else ""


def measure(question: str) -> str:
    """What a figure question measures: a share, money, or a count."""
    if SHARE_RE.search(question):
        return "share"
    return "money" if MONEY_RE.search(question) else "count"


def names_in(question: str) -> list[str]:
    """Capitalised words and phrases a question names, other than its first word. A
    possessive ends a name: "Gedling's Cabinet" names Gedling and the Cabinet."""
    names = []
    for match in re.finditer(r"(?<!^)(?<![.?!] )\b([A-Z][A-Za-z'’&\-]+(?: [A-Z][A-Za-z'’&\-]+)*)",
                             question.strip()):
        for phrase in re.split(r"(?<=['’]s) ", match.group(1)):
            words = [w for w in re.sub(r"['’]s$", "", phrase).split()
                     if w.lower() not in QUESTION_WORDS]
            if words:
                names.append(" ".join(words))
    return names


def _year_filters(question: str) -> Filters:
    between = re.search(r"\bbetween (20\d\d) and (20\d\d)\b", question, re.IGNORECASE)
    if between:
        return Filters(date_from=f"{between.group(1)}-01-01", date_to=f"{between.group(2)}-12-31")
    since = re.search(r"\b(?:since|after|from) (20\d\d)\b", question, re.IGNORECASE)
    before = re.search(r"\b(?:before|until|up to) (20\d\d)\b", question, re.IGNORECASE)
    return Filters(date_from=f"{since.group(1)}-01-01" if since else "",
                   date_to=f"{int(before.group(1)) - 1}-12-31" if before else "")


def _matching(documents: Sequence[Document], name: str, field: Callable[[Document], str]
              ) -> bool:
    pattern = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
    return any(pattern.search(value) for value in {field(d) for d in documents})


def infer_filters(question: str, documents: Sequence[Document]) -> Filters:
    """Filters the question states in words, resolved against the documents in the library."""
    found = _year_filters(question)
    refs = [r for r in REF_RE.findall(question) if any(d.meta.report_ref == r for d in documents)]
    titles = [m.group(1) for m in TITLE_RE.finditer(question)
              if documents_named(m.group(1), documents)]
    councils = [n for n in names_in(question)
                if _matching(documents, n, lambda d: d.meta.council)]
    committees = [n for n in names_in(question) if n not in councils and
                  _matching(documents, n, lambda d: d.meta.committee)]
    return Filters(councils=tuple(councils), committees=tuple(committees),
                   date_from=found.date_from, date_to=found.date_to,
                   documents=tuple(refs) or tuple(titles))


def stated_filters(question: str, documents: Sequence[Document]) -> tuple[Filters, Filters]:
    """The filters a question states, split into those certain enough to narrow the search
    and those that only prefer documents. Certain: a report reference that a document in the
    library carries, printed as it is, and a range of years ("since 2022", "between 2019 and
    2021"), which leaves out only documents dated outside it (undated ones stay). Preferred:
    councils, committees and titles, which a document may carry under another name, or not at
    all when its papers do not print them."""
    found = infer_filters(question, documents)
    refs = tuple(r for r in found.documents if REF_RE.fullmatch(r))
    dated = bool(found.date_from or found.date_to)
    return Filters(documents=refs, date_from=found.date_from, date_to=found.date_to,
                   undated_too=dated), Filters(
        councils=found.councils, committees=found.committees,
        documents=() if refs else found.documents)


def documents_named(name: str, documents: Sequence[Document]) -> list[Document]:
    """Documents a phrase names: by id, file name, report reference, or words of the title."""
    words = [w for w in re.findall(r"[a-z0-9]+", name.lower()) if w not in QUESTION_WORDS]
    out = []
    for document in documents:
        if name in (document.doc_id, document.file_name, document.meta.report_ref):
            out.append(document)
            continue
        identity = f"{document.title} {document.meta.council} {document.file_name}".lower()
        if words and all(re.search(rf"\b{re.escape(w)}", identity) for w in words):
            out.append(document)
    return out
