"""Exemption and classification statements: what a document, a paragraph or a title says about
who may read it, found whatever the layout (alone on a line, after a label, inside a title, in
a table cell, split over lines, in capitals) and whatever the format it was extracted from.

A statement is restrictive ("EXEMPT INFORMATION - NOT FOR PUBLICATION", "by virtue of
paragraph 3 of Part 1 of Schedule 12A", "Part II", "Confidential", "Restricted", "commercially
sensitive", "legal professional privilege") or public ("Unrestricted", "this report does not
contain exempt information", "Exempt: No", "For publication: Yes"). Mentions that are about
other items ("the press and public be excluded for the following item"), about a category in
general ("do not include information which is exempt") or negated are not statements. Weak
wording is read as restrictive but marked uncertain, so the ingest summary can say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.exemption_words import (
    ABOUT_IT,
    CAPS_ALWAYS,
    GENERIC,
    LABEL,
    MARK_AFTER,
    MARKINGS,
    NEGATED,
    NEGATED_NOUN,
    NEGATED_WORD,
    PREFILTER,
    PROCEDURAL,
    PUBLIC_VALUE,
    RESTRICTIVE_WORDS,
    SELF,
    STATEMENTS,
    YES_VALUE,
    alone_on_line,
    blank_out,
    phrase,
    prepared,
    sentence_around,
)
from assistant.settings import ACCESS_LEVELS


@dataclass(frozen=True)
class Statement:
    """One statement of access: the words as printed, the level they give, and whether the
    wording is plain (``certain``) or weak (read as restrictive all the same)."""

    phrase: str
    level: str  # public | exempt | confidential
    certain: bool = True
    recorded: str = ""  # the classification to record when it is not the phrase itself

    @property
    def classification(self) -> str:
        """What the document's record shows as its classification."""
        return (self.recorded or self.phrase)[:60]


@dataclass(frozen=True)
class AccessReading:
    """The access level a document's statements give, the classification to record, and why
    the reading is uncertain ("" when it is not)."""

    level: str
    classification: str = ""
    doubt: str = ""


def statements(text: str) -> list[Statement]:
    """Every statement of access in ``text``, in the order found."""
    if not PREFILTER.search(text):
        return []
    folded = prepared(text)
    found: list[tuple[int, Statement]] = []
    blanked = folded
    for start, end, statement in _labelled(folded):
        found.append((start, statement))
        blanked = blank_out(blanked, start, end)
    for match in NEGATED.finditer(blanked):
        words = _negation_words(match.group(0))
        if not NEGATED_WORD.search(words):
            continue
        found.append((match.start(), Statement(phrase(words), "public", recorded="Not exempt")))
        blanked = blank_out(blanked, match.start(), match.start() + len(words))
    for pattern, level, certain in STATEMENTS:
        for match in re.finditer(pattern, blanked, re.IGNORECASE):
            if _incidental(blanked, match.start(), match.end()):
                continue
            sure = certain or _self_referring(blanked, match.start(), match.end())
            found.append((match.start(), Statement(_context(blanked, match), level, sure)))
    for start, statement in _markings(blanked):
        found.append((start, statement))
    return [s for _, s in sorted(found, key=lambda item: item[0])]


def _negation_words(words: str) -> str:
    """A negation's words, up to a blank line unless they go on to say what is not there ("…
    contains no / exempt / information" split over Word paragraphs): "…had not" ending a
    paragraph does not negate a "CONFIDENTIAL" below it."""
    if "\n\n" not in words or NEGATED_NOUN.search(words):
        return words
    return words.split("\n\n")[0]


def carried_level(text: str) -> str:
    """The level a paragraph or a title itself states plainly ("public" when none): the
    second line of defence, applied to what would be shown."""
    levels = [s.level for s in statements(text) if s.level != "public" and s.certain]
    return most_restricted(levels)


def read_access(text: str, margins: list[str] | tuple[str, ...] = ()) -> AccessReading:
    """The access level of a document from its opening pages (``text``) and its running
    headers and footers (``margins``): the most restricted level stated; uncertain when the
    wording is weak or other statements read as public."""
    found = statements(text) + [s for m in margins for s in statements(m)]
    restrictive = [s for s in found if s.level != "public"]
    public = [s for s in found if s.level == "public"]
    if not restrictive:
        return AccessReading("public", public[0].classification if public else "")
    level = most_restricted([s.level for s in restrictive])
    named = next(s for s in restrictive if s.level == level)
    if all(s.certain for s in restrictive) and not public:
        return AccessReading(level, named.classification)
    doubts = [] if named.certain else ["the wording may not be a classification"]
    doubts += [f"'{s.phrase}' is weak wording" for s in restrictive
               if not s.certain and s is not named][:1]
    doubts += [f"'{public[0].phrase}' reads as public"] if public else []
    doubt = f"stored as {level} on '{named.phrase}': " + "; ".join(doubts)
    return AccessReading(level, named.classification, doubt + ". Check it, and set "
                         "`--access public` if it is public")


def most_restricted(levels: list[str]) -> str:
    """The most restricted of ``levels`` ("public" for none)."""
    return max(levels, key=ACCESS_LEVELS.index, default="public")


def _labelled(text: str) -> list[tuple[int, int, Statement]]:
    """"Label: value" statements ("Classification: Unrestricted", "Exempt: Yes",
    "For publication: No"), with the span they cover."""
    out = []
    for match in LABEL.finditer(text):
        label = " ".join(match.group("label").lower().split())
        first, following = match.group("value"), match.group("next") or ""
        on_next_line = not first.strip()  # "Classification:" with its value on the next line
        value = " ".join((following if on_next_line else first).split()).strip(" .;,")
        level = _label_level(label, value)
        tabbed = match.group("sep") == "\t"
        if level is None or (tabbed and not (PUBLIC_VALUE.match(value) or YES_VALUE.match(value)
                                             or RESTRICTIVE_WORDS.match(value))):
            continue
        end = match.end() + (len(following) if on_next_line else 0)
        shown = value[:1].upper() + value[1:]
        out.append((match.start("label"), end, Statement(
            phrase(f"{label}: {value}"), level, recorded=_recorded(label, shown, level))))
    return out


def _recorded(label: str, value: str, level: str) -> str:
    """A label's statement as recorded: the value of a classification ("Unrestricted"),
    "Public" or "Not exempt" for a question answered public ("Exempt: No", "For publication:
    Yes"), the whole statement otherwise ("Exempt: Yes - paragraph 3")."""
    classifying = label.startswith(("security", "protective", "government", "classification",
                                    "marking", "confidentiality", "access", "status", "report "))
    if classifying:
        return phrase(value)
    if level == "public":
        return "Public" if "publication" in label and "exempt" not in label else "Not exempt"
    return phrase(f"{label.capitalize()}: {value}")


def _label_level(label: str, value: str) -> str | None:
    """The level a label and its value give, or None when the label says nothing of access
    ("Status: For decision")."""
    head = value.split(" ")[0].lower().strip(" :.") if value else ""
    if label in ("for publication", "publication", "publication status"):
        if YES_VALUE.match(value) or head in ("open", "public"):
            return "public"
        return "exempt" if head in ("no", "n") or RESTRICTIVE_WORDS.match(value) else None
    if label == "not for publication":
        return "public" if head in ("no", "n", "none", "n/a") else "exempt"
    if label in ("status", "report status", "access", "access level"):
        if PUBLIC_VALUE.match(value) and head not in ("no", "n", "none", "n/a"):
            return "public"
        return _restrictive_value(value)
    if not value:
        return None
    if PUBLIC_VALUE.match(value):
        return "public"
    if YES_VALUE.match(value):
        return "confidential" if "confidential" in label else "exempt"
    asked = label.startswith(("exempt", "confidential", "restricted", "part", "is ", "does "))
    if asked:
        return _restrictive_value(value) or ("confidential" if "confidential" in label
                                             else "exempt")
    return _restrictive_value(value) or "exempt"  # a classification of unknown wording


def _restrictive_value(value: str) -> str | None:
    if re.match(r"(?:strictly\s+|private\s+(?:and|&)\s+)?confidential\b", value, re.I):
        return "confidential"
    return "exempt" if RESTRICTIVE_WORDS.search(value[:40]) else None


def _markings(text: str) -> list[tuple[int, Statement]]:
    """Words that mark the document where they stand: alone in a line or cell, at the start
    of a line or cell (a title prefix), in capitals, or in a sentence about this document."""
    out = []
    for word, level in MARKINGS:
        for match in re.finditer(rf"\b{word}\b", text, re.IGNORECASE):
            start, end = match.span()
            if word == "exempt" and re.match(r"[ ]+(?:from|items)\b", text[end:end + 7], re.I):
                continue
            strength = _part_marking(text, match) if word.startswith("part") else \
                int(_marking(text, match, word)) * 2
            if strength and not _incidental(text, start, end):
                out.append((start, Statement(_context(text, match), level, strength == 2)))
    return out


def _marking(text: str, match: re.Match[str], word: str) -> bool:
    start, end = match.span()
    before, after = text[max(0, start - 12):start], text[end:end + 30]
    followed = re.match(MARK_AFTER, after, re.IGNORECASE) is not None
    noun = r"(?:[ ]+(?:report|appendix|annex|item|information|paper|document|minutes?))?"
    bracketed = re.search(r"\(\s*$", before) is not None and \
        re.match(rf"{noun}\s*\)", after, re.IGNORECASE) is not None  # "(Exempt report)"
    suffix = re.search(r"\s[\-|/]\s*$", before) is not None and re.match(
        rf"{noun}[ )\].]*(?:$|\n|\t)", after, re.IGNORECASE) is not None  # "Sale - Restricted"
    return (_at_line_start(text, start) and followed) or bracketed or suffix \
        or _capitals(match, word, text, followed) or _self_referring(text, start, end)


def _part_marking(text: str, match: re.Match[str]) -> int:
    """2 for "Part II" standing alone or beside exemption words ("PART B - EXEMPT"), 1 for a
    title that starts or ends with it ("Part 2 - Land at Mill Road": a section of a public
    report reads the same, so it is stored restricted with a note), unless the text numbers
    other parts too (then the parts are its sections); 0 otherwise."""
    start, end = match.span()
    after = text[end:end + 30]
    if re.match(r"[ ]*(?:of|to|in|and|one|1)\b", after, re.IGNORECASE):
        return 0
    line_end = re.match(r"\s*[)\].]*\s*(?:$|\n|\t)", after) is not None
    if _at_line_start(text, start) and line_end:
        return 2
    if RESTRICTIVE_WORDS.search(text[max(0, start - 40):end + 40]):
        return 2
    siblings = re.search(r"(?:^|\n|\t)\W*part\s*(?:1|i|a|one|3|iii|c|three)\b(?!\s+of\b)",
                         text, re.IGNORECASE)
    if siblings or not (_at_line_start(text, start) or line_end):
        return 0
    return 1


def _at_line_start(text: str, start: int) -> bool:
    """At the start of a line or cell, or just after a label there ("Access: Confidential")."""
    before = text[max(0, start - 45):start]
    return start == 0 or re.search(r"(?:^|\n|\t)(?:[A-Za-z][A-Za-z /()]{0,40}:)?[\s\-(\[:]*$",
                                   before) is not None


def _capitals(match: re.Match[str], word: str, text: str, followed: bool) -> bool:
    """A word in capitals is a marking ("CONFIDENTIAL", "Closure order RESTRICTED"), except
    inside a heading all in capitals ("RESTRICTED BYWAY", "PRIVATE SECTOR HOUSING")."""
    if not (match.group(0).isupper() and len(match.group(0)) > 4):
        return False
    if word in CAPS_ALWAYS or followed:
        return True
    next_word = re.match(r"\s+(\S+)", text[match.end():match.end() + 40])
    return next_word is None or not next_word.group(1).isupper()


def _self_referring(text: str, start: int, end: int) -> bool:
    """Whether the words before a match make it a statement about the document: "this report
    contains ...", "Appendix 2 is ...", "the information in this report is ..."."""
    before = text[max(0, start - 90):start]
    return ABOUT_IT.search(before) is not None


def _incidental(text: str, start: int, end: int) -> bool:
    """A mention about other items (procedure) or about a category in general, not about
    this document. A statement standing alone on its line ("Commercially sensitive") is a
    marking whatever the lines around it say; "Part 2" has its own rules."""
    if alone_on_line(text, start, end) and not re.match(r"part\b", text[start:end], re.I):
        return False
    sentence = sentence_around(text, start, end)
    if SELF.search(sentence) and not re.search(r"\bfollowing\s+items\b", sentence, re.I):
        return False
    return PROCEDURAL.search(sentence) is not None or GENERIC.search(sentence) is not None


def _context(text: str, match: re.Match[str]) -> str:
    """The phrase to name in messages: the match with the words beside it in its line."""
    start, end = match.span()
    left = text[max(0, start - 30):start].split("\n")[-1].split("\t")[-1]
    right = text[end:end + 40].split("\n")[0].split("\t")[0]
    if start > 30 and len(left) == 30:  # no word cut in half in a message
        left = left.partition(" ")[2]
    if len(right) == 40:
        right = right.rpartition(" ")[0]
    return phrase(f"{left}{match.group(0)}{right}")
