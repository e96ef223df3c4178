"""The words of access statements: the patterns that find labels, negations, statements and
markings, what counts as procedure or a category in general, how text is folded before
matching, and the spans around a match (see ``assistant.exemption``)."""

from __future__ import annotations

import re
import unicodedata

PREFILTER = re.compile(r"exempt|\b(?:12|7)\s*a\b|publication|confiden|restrict|sensitive|"
                       r"privilege|private|\bclosed\b|\bpart\s*(?:2|ii|b|two)\b", re.IGNORECASE)
ABOUT_IT = re.compile(  # a document as the subject of a sentence that states its level
    r"\b(?:(?:this|these|the attached|the enclosed|the accompanying|the)\s+)?(?:report|paper|"
    r"document|appendix|appendices|annex|annexe|item|briefing|information|minutes?|"
    r"submission)(?:\s+[A-Z0-9]{1,3}\b)?(?:\s+and\s+its\s+\w+)?\s+(?:is|are|contains?|"
    r"includes?|has\s+been|was|remains?|will\s+be|should\s+be|must\s+be)\b[^.;\n]{0,50}$",
    re.IGNORECASE)
SELF = re.compile(r"\b(?:this|these|the attached|the enclosed|the accompanying)\s+(?:report|"
                  r"paper|document|appendix|appendices|annex|annexe|item|briefing|note|"
                  r"information|minutes?|submission|decision|record|letter|schedule|plan)\b",
                  re.IGNORECASE)
PROCEDURAL = re.compile(
    r"\bexclu(?:de|ded|des|ding|sion)\b[^.]{0,80}\b(?:press|public)\b|\bin the absence of the "
    r"(?:press|public)\b|\b(?:the |any )?(?:following|next|remaining|subsequent|any such)"
    r"\s+(?:exempt\s+|confidential\s+|part\s*(?:2|ii|b)\s+)?(?:items?|business|reports?)\b"
    r"|\bitems?\s+of\s+business\b|\bexempt[ ]+items\b|\bpart\s*(?:2|ii|b|two)[ ]+"
    r"items\b|\bat the time of (?:preparing|publishing|printing)\b"
    r"|\bthere (?:are|were|is) no (?:exempt |confidential |part\s*(?:2|ii|b) )?(?:items?|"
    r"business|reports?)\b", re.IGNORECASE)
GENERIC = re.compile(
    r"\b(?:do|does|must|should|will)\s*(?:not|n't)\s+(?:include|disclose|publish|contain)\b|"
    r"\bnever\s+(?:include|disclose|publish)\b|\bexclud(?:e|es|ing)\b[^.]{0,60}\b(?:documents?|"
    r"information|papers?|works?)\b|\b(?:information|documents?|material|papers?|works?|"
    r"matters?|items?)\s+(?:which|that|where)\s+(?:is|are|would|might|may|could|discloses?|"
    r"contains?|includes?)\b|\bdefinition of\b",
    re.IGNORECASE)
NEGATED = re.compile(
    r"\b(?:does|do|will|did|shall)\s*(?:not|n't)\s+(?:contain|include|involve|disclose|"
    r"constitute)\s+(?:any\s+)?(?:exempt|confidential|restricted|commercially|legally|part\s*"
    r"(?:2|ii|b))[^;]*?(?=\bbut\b|\bhowever\b|\bexcept\b|\bsave\b|\bother than\b|\balthough\b"
    r"|;|\.\s|$)"
    r"|\b(?:contains?|includes?|there is|there are)\s+no\s+(?:exempt|confidential|restricted|"
    r"commercially)(?:[\w\s]{0,40}?\b(?:information|material|items?|appendix|appendices|"
    r"matters?)\b(?:[^;.]*?schedule\s*12\s*a[^;.]*)?|\b)"
    r"|\bno\s+(?:part|element)\s+of\s+(?:this|the)\s+\w+\s+is\s+(?:exempt|confidential)\b"
    r"|\bnone\s+of\s+(?:this|the)\s+\w+\s+is\s+(?:exempt|confidential|restricted)\b"
    r"|\b(?:is|are)\s+not\s+(?:considered\s+(?:to\s+be\s+)?)?(?:exempt|confidential|"
    r"restricted)\b|\bnot\s+(?:exempt|confidential|restricted|for\s+publication:\s*no)\b"
    r"|\bnon[\s\-]*(?:exempt|confidential|restricted)\b|\bunrestricted\b",
    re.IGNORECASE)
NEGATED_WORD = re.compile(r"exempt|confidential|restricted|commercially|legally|part",
                          re.IGNORECASE)  # what a negation is about: it must come before a break
NEGATED_NOUN = re.compile(r"(?:exempt|confidential|restricted)\W+(?:information|material|items?|"
                          r"appendix|appendices)", re.IGNORECASE)
LABEL = re.compile(
    r"(?:^|\n|\t|  )\s*(?:(?:report|item|paper|document|decision)\s+)?"
    r"(?P<label>(?:security\s+|protective\s+|government\s+security\s+)?"
    r"(?:classification|marking)|confidentiality(?:\s+status)?|access(?:\s+level)?|"
    r"(?:reasons?\s+for\s+|grounds\s+for\s+)?exemptions?|"
    r"exempt(?:\s+information|\s+report|\s+item)?|exempt\s+from\s+publication|"
    r"confidential(?:\s+information|\s+report|\s+item)?|restricted|"
    r"(?:is|does)\s+(?:this|the)\s+(?:report|item|paper|decision)\s+(?:(?:exempt|confidential)"
    r"(?:\s+from\s+publication)?|contain\s+(?:any\s+)?(?:exempt|confidential)\s+information)|"
    r"open\s*(?:or|/)\s*(?:exempt|closed|confidential|private)|"
    r"public\s*(?:or|/)\s*(?:private|exempt|confidential)|(?:not\s+)?for\s+publication|"
    r"publication(?:\s+status)?|status|report\s+status|(?:(?:does\s+)?(?:the|this)\s+)?"
    r"(?:report\s+)?contains?\s+(?:exempt|confidential)\s+information)"
    r"\s*(?:\(y/n\)|\?)?\s*(?P<sep>[:?]|\t)\s*"
    r"(?P<value>[^\n\t]{0,80})(?=(?P<next>\n\s*[^\n\t]{0,80})?)", re.IGNORECASE)
PUBLIC_VALUE = re.compile(r"^(?:unrestricted|open|public|non[\s\-]*exempt|not\s+exempt|no\b|"
                          r"n\b|none|nil|not\s+confidential|not\s+restricted|n/a|part\s*(?:1|i)"
                          r"\b|official\b(?!\s*[\-–]?\s*sensitive))", re.IGNORECASE)
YES_VALUE = re.compile(r"^(?:yes|y)\b", re.IGNORECASE)
STATEMENTS = (  # (pattern, level, certain); checked after negations are blanked out
    (r"\bsch(?:ed(?:ule)?)?\.?\s*(?:12\s*a|7\s*a)\b", "exempt", True),  # 7A: Scotland
    (r"\b(?:contains?|includes?|containing|including)\s+(?:exempt|restricted)\s+"
     r"(?:information|material|appendix|appendices|annex)", "exempt", True),
    (r"\b(?:contains?|includes?|containing|including)\s+confidential\s+"
     r"(?:information|material|appendix|appendices|annex)", "confidential", True),
    (r"\bexempt\s+information\b", "exempt", True),
    (r"\bnot\s+for\s+(?:public(?:ation)?|circulation|disclosure|release)\b", "exempt", True),
    (r"\bexempt\s+(?:from\s+(?:publication|disclosure)|by\s+virtue|under\s+(?:the\s+)?"
     r"(?:paragraph|schedule|section|part|local government|freedom of information))\b",
     "exempt", True),
    (r"\bprivate\s+(?:and|&)\s+confidential\b|\bstrictly\s+confidential\b|"
     r"\b(?:commercial|commercially)\s+in\s+confidence\b|\bin\s+confidence\b", "confidential",
     True),
    (r"\bofficial[\s\-–]*sensitive\b", "exempt", True),
    (r"\bnid\s+i['’]?w\s+gyhoeddi\b|\beithriedig\b", "exempt", True),  # Welsh
    (r"\bcyfrinachol\b", "confidential", True),
    (r"\bcommercially\s+(?:sensitive|confidential)\b", "exempt", False),
    (r"\blegal(?:ly)?\s+(?:professional\s+)?privilege[ds]?\b|\blegally\s+privileged\b|"
     r"\bprivileged\s+(?:and\s+confidential|legal\s+advice|information)\b", "exempt", False),
)
MARKINGS = (  # words that are a statement when they stand as a marking (see _marking)
    (r"exempt", "exempt"),
    (r"confidential", "confidential"),
    (r"restricted", "exempt"),
    (r"part\s*(?:2|ii|b|two)", "exempt"),
    (r"private", "exempt"),
)
CAPS_ALWAYS = ("exempt", "confidential")  # in capitals these mark a document wherever they stand
MARK_AFTER = (r"(?:$|\n|\t|  |\s*[\-:(/|]|\s+(?:report|appendix|appendices|annex|annexe|item|"
              r"paper|document|briefing|information|minute|minutes|session|business|"
              r"decision|matter|exempt|confidential|not\s+for|private|restricted|closed)\b)")
RESTRICTIVE_WORDS = re.compile(r"exempt|confidential|restricted|not for publication|private|"
                               r"closed|schedule\s*12\s*a", re.IGNORECASE)


def prepared(text: str) -> str:
    """Text folded for matching: compatibility forms, one kind of dash, no Markdown or HTML
    markup, table pipes as cell breaks, spaces collapsed within lines (runs of two or more
    kept as a cell break)."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"[\u200b-\u200f\u2060\ufeff\u00ad]", "", text)
    text = re.sub(r"</?[a-zA-Z][^>]{0,40}>", " ", text)
    text = re.sub(r"[*_`#>]+", " ", text.replace("|", "\t"))
    lines = []
    for line in text.split("\n"):
        cells = [" ".join(c.split()) for c in re.split(r"\t|\s{3,}", line)]
        lines.append("\t".join(c for c in cells if c))
    return "\n".join(lines)


def alone_on_line(text: str, start: int, end: int) -> bool:
    """Whether a match is all the words of its line or cell."""
    line_start = max(text.rfind("\n", 0, start), text.rfind("\t", 0, start)) + 1
    stops = [i for i in (text.find("\n", end), text.find("\t", end)) if i >= 0]
    rest = text[line_start:start] + text[end:min(stops, default=len(text))]
    return re.search(r"[A-Za-z]", rest) is None


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence around a span, at most 200 characters either side; a blank line or a
    full stop before a capital ends it."""
    left = text[max(0, start - 200):start]
    right = text[end:end + 200]
    cut = max((m.end() for m in re.finditer(r"\n\s*\n|[.!?;]\s+(?=[A-Z(])|\]", left)),
              default=0)
    stop = re.search(r"\n\s*\n|[.!?;](?:\s+|$)|\[", right)
    return left[cut:] + text[start:end] + (right[:stop.start()] if stop else right)


def phrase(text: str) -> str:
    """Words as named in a message: spaces collapsed, at most 80 characters."""
    return " ".join(text.split()).strip(" .,;:-")[:80]


def blank_out(text: str, start: int, end: int) -> str:
    """``text`` with a span replaced by spaces (line breaks kept), so it is matched no more."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]
