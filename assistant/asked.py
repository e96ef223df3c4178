"""What a piece of report text holds that a question asks for: a figure ("how many"), a date
("when"), a person or body ("who"); how many items a lead-in announces ("the following five
themes:"); and the cells of a table row ("Lead Agency: …", "Update: …") that answer."""

from __future__ import annotations

import re

NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
                "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
                "nineteen": 19, "twenty": 20}
WORD_RE = re.compile(r"[\w’'\-]+|[^\w\s]")
LAST_SENTENCE_RE = re.compile(r"^.*[.!?][\"”’)]?\s+(?=[A-Z“\"(‘'])", re.DOTALL)
BEFORE_DIGITS = {"the", "following", "these", "those", "our", "its", "their", "has", "have",
                 "had", "are", "were", "with", "into"}
COMPOUNDS = {"part", "point", "pronged", "stage", "step", "strand", "tier"}
NOT_PLURAL = {"this", "its", "his", "hers", "ours", "was", "has", "does", "is", "thus", "plus",
              "less", "unless", "across", "process", "business", "access", "address",
              "progress", "status", "focus", "basis", "analysis", "crisis", "various",
              "previous", "serious", "numerous", "gas", "bus", "us", "yes", "pass"}
FUNCTION_WORDS = {"of", "the", "a", "an", "in", "to", "for", "and", "or", "with", "on", "at",
                  "by", "from", "that", "which", "who", "are", "were", "be", "been", "will",
                  "would", "more", "than", "per", "each", "every", "other", "same"}
ANNOUNCES_RE = re.compile(r"(?::|\b(?:below|as follows|the following))\W*$", re.IGNORECASE)
PARTIAL_RE = re.compile(r"\b(?:including|include|includes|such as|for example|e\.g\.|"
                        r"among them|examples?)\W*$", re.IGNORECASE)

YEAR_RE = re.compile(r"\b(?:19|20)\d\d(?:\s?[-–/]\s?(?:19|20)?\d\d)?\b")
# numbers that name rather than count: "agenda item 9", "section 59", "Report No 217-2021",
# "appendix two", and the day of a date ("5 February")
REFERENCE_RE = re.compile(
    r"\b(?:items?|para(?:graph)?s?|minutes?|sections?|appendix|appendices|annex|pages?|rules?|"
    r"articles?|no|number|report|ref|chapter|table|figure|option|phase|stage|"
    r"recommendations?|priority|level|tier|part|schedule|regulation|clause)\.?\s+"
    r"(?:(?-i:[\dA-Z])[\w./\-]*|one|two|three|four|five|six|seven|eight|nine|ten)\b|"
    r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?=(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December)\b)", re.IGNORECASE)
FIGURE_RE = re.compile(r"£|%|\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                       r"twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
                       r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
                       r"thousand|million|billion|half|third|dozen|twice|double)\b",
                       re.IGNORECASE)
DATE_RE = re.compile(r"\b(?:19|20)\d\d\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b(?:january|february|"
                     r"march|april|may|june|july|august|september|october|november|december|"
                     r"spring|summer|autumn|winter|quarter)\b", re.IGNORECASE)
WHO_RE = re.compile(r"^(?:lead agency|lead officer|lead|owner|responsible|chair)\b|\b(?:led|"
                    r"chaired|run|delivered|coordinated|commissioned) by\b|\bleads\b",
                    re.IGNORECASE)
PERSON_RE = re.compile(
    r"\b(?:Cllr|Councillor|Mr|Mrs|Ms|Miss|Dr|Professor|Sir|Dame|Lord|Baroness)\.?\s+[A-Z]|"
    r"\b(?:Director|Head of|Chief Executive|Chief Constable|Manager|Officer|Commissioner|"
    r"Leader|Cabinet Member|Chair(?:man|person|woman)?|Portfolio Holder|Superintendent|"
    r"Inspector|Co-?ordinator|Mayor)\b")
BODY_RE = re.compile(
    r"\b(?:[A-Z][\w'’&\-]*\s+){1,6}(?:Council|Police|Constabulary|Service|Services|Board|"
    r"Partnership|Committee|Panel|Group|Team|Trust|Authority|Unit|Network|Forum|Office|"
    r"Commission|Agency|Department|Directorate|Hub|Executive|Cabinet|Assembly|Society|"
    r"Association|Charity|Foundation|Government)\b")

CELL_RE = re.compile(r"^([A-Z][^:\n]{0,40}): ", re.MULTILINE)
STATUS_HEAD_RE = re.compile(r"\b(?:update|updates|progress|status|outcomes?|comments?|"
                            r"commentary|position|achieve\w*|results?|performance|actual|rag|"
                            r"mitigation|response|delivered|actions? taken)\b", re.IGNORECASE)
WHO_HEAD_RE = re.compile(r"\b(?:lead|leads|owner|responsib\w*|officer|agency|agencies|"
                         r"accountable|by whom|contact|partners?)\b", re.IGNORECASE)
DATE_HEAD_RE = re.compile(r"\b(?:date|deadline|timescales?|timeline|by when|when|completion|"
                          r"due)\b", re.IGNORECASE)
FIGURE_HEAD_RE = re.compile(r"\b(?:target|actual|budget|cost|number|total|figure|amount|"
                            r"value|spend|forecast|variance)\b|£|%", re.IGNORECASE)


def _plural(word: str) -> bool:
    return len(word) > 3 and word.endswith("s") and not word.endswith("ss") and \
        word not in NOT_PLURAL


def _count(words: list[str], index: int) -> int:
    """The count word ``index`` states with its plural noun up to three words on ("five key
    themes", "the following 4 actions") or as a compound ("a three part presentation", "a
    five-point plan"), or 0."""
    word = words[index].lower()
    head, _, tail = word.partition("-")
    if tail in COMPOUNDS and NUMBER_WORDS.get(head, 0):
        return NUMBER_WORDS[head]
    if NUMBER_WORDS.get(word) and index + 1 < len(words) and words[index + 1] in COMPOUNDS:
        return NUMBER_WORDS[word]
    if word.isdigit() and len(word) <= 2:
        count = int(word) if index and words[index - 1].lower() in BEFORE_DIGITS else 0
    else:
        count = NUMBER_WORDS.get(word, 0)
    if count < 2:
        return 0
    for after in words[index + 1: index + 5]:
        if not re.fullmatch(r"[a-z][a-z’'\-]*", after) or after in FUNCTION_WORDS:
            return 0
        if _plural(after):
            return count
    return 0


def announced(text: str) -> int:
    """How many items a lead-in says follow it ("focusses on the following five key
    themes:", "covering the three pillars below"), read from its last sentence; 0 when it
    announces no count, or only some of a larger number ("12 projects, including:")."""
    last = LAST_SENTENCE_RE.sub("", text.strip())
    if not ANNOUNCES_RE.search(last) or PARTIAL_RE.search(last):
        return 0
    words = WORD_RE.findall(last)
    return next((n for i in range(len(words)) if (n := _count(words, i))), 0)


SHARE_FIGURE_RE = re.compile(r"%|\bper ?cent\b|\bpercentage\b|\b(?:half|quarter|third|"
                             r"two[- ]thirds|three[- ]quarters)\b|\b(?:one|\d+) (?:in|out of) "
                             r"(?:\d+|two|three|four|five|six|ten)\b", re.IGNORECASE)
MONEY_FIGURE_RE = re.compile(r"[£$€]|\b(?:pounds?|pence)\b", re.IGNORECASE)


def measured(measure: str, text: str) -> bool:
    """Whether ``text`` states a figure of the measure a question asks: a share (a percentage,
    "half", "one in five") or money (an amount in pounds); any figure does for a count."""
    if measure == "share":
        return bool(SHARE_FIGURE_RE.search(text))
    if measure == "money":
        return bool(MONEY_FIGURE_RE.search(text))
    return True


def holds(kind: str, text: str) -> int:
    """How plainly ``text`` holds what a ``kind`` of question asks for: 2 stated as such
    ("Lead Agency: …", "led by …"), 1 present (a figure, a date, a person or body), 0 not."""
    if kind == "figure":
        return int(bool(FIGURE_RE.search(YEAR_RE.sub(" ", REFERENCE_RE.sub(" ", text)))))
    if kind == "date":
        return int(bool(DATE_RE.search(text)))
    if kind == "who":
        return 2 if WHO_RE.search(text) or PERSON_RE.search(text) else \
            int(bool(BODY_RE.search(text)))
    return 0


def cells(text: str) -> list[tuple[str, int, int]]:
    """A table row's cells as (header, start, end) in its text ("Header: value" lines; a line
    without a header continues the cell above)."""
    found = list(CELL_RE.finditer(text))
    return [(m.group(1), m.start(), (found[i + 1].start() if i + 1 < len(found) else
                                     len(text.rstrip())))
            for i, m in enumerate(found)]


def answers_cell(kind: str, header: str, value: str) -> bool:
    """Whether a row's cell answers a ``kind`` of question: the lead for "who", a date for
    "when", a figure in a status or measure column for "how many", else the update or status
    column (not the action or priority it reports on)."""
    status = bool(STATUS_HEAD_RE.search(header))
    if kind == "who":
        return bool(WHO_HEAD_RE.search(header))
    if kind == "date":
        return bool(DATE_HEAD_RE.search(header)) or (status and holds("date", value) > 0)
    if kind == "figure":
        return (status or bool(FIGURE_HEAD_RE.search(header))) and holds("figure", value) > 0
    return status
