"""The words of the exempt-report fuzz variants: access statements as English, Welsh and
Scottish local-government reports print them (ModernGov, CMIS, Kent, Hampshire styles), and
report bodies about the matters such reports cover, each naming secrets made for one variant.

Written from the genre, not from the detector: the level is what a reader would take the
statement to mean ("confidential" for wordings of confidentiality, "exempt" for the rest,
"public" for statements that the report may be published)."""

from __future__ import annotations

import random
from dataclasses import dataclass

# (template, level): {n} is a paragraph of Part 1 of Schedule 12A (1-7), {w} one of Part 4
# (Wales, 12-18), {s} one of Part I of Schedule 7A (Scotland, 1-15).
RESTRICTED = (
    ("EXEMPT INFORMATION - NOT FOR PUBLICATION", "exempt"),
    ("EXEMPT INFORMATION - NOT FOR PUBLICATION. By virtue of paragraph {n} of Part 1 of "
     "Schedule 12A of the Local Government Act 1972.", "exempt"),
    ("Not for publication by virtue of paragraph {n} of Part 1 of Schedule 12A of the Local "
     "Government Act 1972", "exempt"),
    ("This report contains exempt information within the meaning of paragraph {n} of "
     "Schedule 12A", "exempt"),
    ("This report contains exempt information within the meaning of paragraph {n} of Part 1 "
     "of Schedule 12A to the Local Government Act 1972 (as amended)", "exempt"),
    ("Exempt", "exempt"),
    ("Exempt report", "exempt"),
    ("Part 2", "exempt"),
    ("Part II", "exempt"),
    ("Part B", "exempt"),
    ("PART II - EXEMPT", "exempt"),
    ("Part 2 (Exempt) report", "exempt"),
    ("Part B – Exempt information", "exempt"),
    ("Not for publication", "exempt"),
    ("Not for publication – Schedule 12A, paragraph {n}", "exempt"),
    ("Restricted", "exempt"),
    ("Status: Restricted", "exempt"),
    ("Exempt: Yes", "exempt"),
    ("Exempt information: Yes (paragraph {n})", "exempt"),
    ("For publication: No", "exempt"),
    ("Open/Exempt: Exempt", "exempt"),
    ("Is this report exempt? Yes – paragraph {n}", "exempt"),
    ("Report status: Part II (not for publication)", "exempt"),
    ("Classification: Exempt – Not for publication by virtue of paragraph {n} of Part 1 of "
     "Schedule 12A", "exempt"),
    ("Exempt under paragraph {n} of Schedule 12A to the Local Government Act 1972", "exempt"),
    ("Information exempt from publication under paragraph {n} of Schedule 12A", "exempt"),
    ("Commercially sensitive", "exempt"),
    ("This report is subject to legal professional privilege", "exempt"),
    ("OFFICIAL-SENSITIVE", "exempt"),
    ("Not for publication by virtue of paragraph {w} of Part 4 of Schedule 12A to the Local "
     "Government Act 1972", "exempt"),
    ("NID I'W GYHOEDDI / NOT FOR PUBLICATION", "exempt"),
    ("This report contains exempt information as defined in paragraph {s} of Part I of "
     "Schedule 7A of the Local Government (Scotland) Act 1973", "exempt"),
    ("Confidential", "confidential"),
    ("CONFIDENTIAL", "confidential"),
    ("Private and Confidential", "confidential"),
    ("Strictly confidential", "confidential"),
    ("Confidential – not for publication", "confidential"),
    ("Protective marking: Confidential", "confidential"),
    ("This report contains confidential information within the meaning of section 100A(3) of "
     "the Local Government Act 1972", "confidential"),
)
PUBLIC = (
    ("Classification: Unrestricted", "public"),
    ("Unrestricted", "public"),
    ("It is considered that this report does not contain exempt information within the "
     "meaning of Schedule 12A of the Local Government Act 1972", "public"),
    ("This report contains no exempt information", "public"),
    ("Exempt: No", "public"),
    ("For publication: Yes", "public"),
    ("Non-Exempt", "public"),
    ("Open", "public"),
    ("Open/Exempt: Open", "public"),
    ("Exclusion of the press and public: there are no exempt items", "public"),
    ("Is this report exempt? No", "public"),
    ("Classification: Public", "public"),
    ("Status: Open", "public"),
)
LABELS = ("Classification:", "Status:", "Exemption:", "Access:", "Protective marking:")
PLACE_STEMS = ("Qorvath", "Zelkirk", "Ostrumel", "Brannoch", "Velloran", "Thraxby", "Yardune")
PERSON_STEMS = ("Brindlewick", "Pellagrine", "Kestovar", "Dunmoriel", "Wyvernot", "Illsgarth")
# (slug, title, question, the paragraph that answers it, a purpose paragraph): {p} place,
# {q} person, {f} figure.
TOPICS = (
    ("closure-order", "Closure order, {p} Lane",
     "Who received a closure order for the house on {p} Lane?",
     "A closure order under section 80 of the Anti-social Behaviour, Crime and Policing Act "
     "2014 was obtained against Mr {q} of 14 {p} Lane on 3 May 2024, and the court awarded "
     "the council costs of {f}.",
     "This report asks the Committee to note the enforcement action taken at {p} Lane."),
    ("land-disposal", "Disposal of land at {p} Farm",
     "What price was agreed for the land at {p} Farm?",
     "Heads of terms have been agreed to sell the freehold of the land at {p} Farm to {q} "
     "Homes Ltd for {f}, subject to planning permission being granted by March 2026.",
     "This report seeks approval to dispose of surplus land at {p} Farm."),
    ("legal-advice", "Claim arising from the {p} Road works",
     "What did counsel advise about the {p} Road claim?",
     "Counsel advises that the claim brought by {q} Civils over the {p} Road works has a "
     "60 per cent prospect of success, and recommends settlement at no more than {f}.",
     "This report sets out counsel's advice on the claim arising from the {p} Road works."),
    ("settlement", "Staffing matter, {p} depot",
     "What payment was agreed with the former manager of the {p} depot?",
     "A settlement agreement with Ms {q}, the former manager of the {p} depot, provides for a "
     "payment of {f} in full and final settlement of her employment tribunal claim.",
     "This report informs Members of the outcome of a staffing matter at the {p} depot."),
    ("contract-award", "Award of the {p} Bridge contract",
     "Which bidder should win the {p} Bridge contract?",
     "The evaluation panel recommends that the {p} Bridge refurbishment contract is awarded to "
     "{q} Engineering at a tendered price of {f}, the most economically advantageous tender.",
     "This report seeks approval to award the contract for the {p} Bridge refurbishment."),
    ("write-off", "Business rates write-off, {p} House",
     "Whose business rates arrears at {p} House are to be written off?",
     "Business rates arrears of {f} owed by {q} Trading Ltd for {p} House are recommended "
     "for write-off, the company having been dissolved in January 2024.",
     "This report seeks approval to write off irrecoverable business rates at {p} House."),
    ("injunction", "Injunction, {p} Court",
     "What injunction is sought against the tenant at {p} Court?",
     "An injunction with a power of arrest is sought against {q}, tenant of 7 {p} Court, "
     "after 31 reported incidents; the council's costs to date are {f}.",
     "This report seeks authority to apply for an injunction in respect of {p} Court."),
)
FILLER = (
    "Officers have considered the options available and the recommended option offers the "
    "best value for the council.",
    "The Monitoring Officer has been consulted on this report and her comments are "
    "incorporated in it.",
    "There are no equality implications arising directly from the recommendations.",
    "The costs will be met from the existing revenue budget of the service.",
    "Ward members have been briefed and support the recommended course of action.",
)
HEADINGS = ("Background", "Financial implications", "Legal implications", "Options considered")


@dataclass(frozen=True)
class Wording:
    """What one variant says: its statement, title, question and body paragraphs."""

    statement: str
    level: str  # the level the statement states: exempt | confidential | public
    title: str
    question: str
    paragraphs: tuple[str, ...]  # unnumbered; the first two hold the secrets
    secrets: tuple[str, ...]  # place, person, figure: unique to this variant
    slug: str


def fill(template: str, rng: random.Random) -> str:
    """A statement template with its paragraph numbers chosen."""
    return template.format(n=rng.randint(1, 7), w=rng.randint(12, 18), s=rng.randint(1, 15))


def secrets(index: int, rng: random.Random) -> tuple[str, str, str]:
    """A made-up place and surname and a figure that no other variant (nor any real report)
    prints: the variant's index makes them unique."""
    lead = rng.randint(1, 9)
    return (f"{rng.choice(PLACE_STEMS)}{index:05d}", f"{rng.choice(PERSON_STEMS)}{index:05d}",
            f"£{lead},{index // 1000:03d},{index % 1000:03d}")


def wording(index: int, rng: random.Random, statements: tuple[tuple[str, str], ...]
            ) -> Wording:
    """One variant's words: a statement drawn from ``statements``, a topic and its secrets."""
    template, level = rng.choice(statements)
    place, person, figure = secrets(index, rng)
    slug, title, question, answer, purpose = rng.choice(TOPICS)
    names = {"p": place, "q": person, "f": figure}
    body = [purpose.format(**names), answer.format(**names),
            *rng.sample(FILLER, rng.randint(0, 2))]
    return Wording(fill(template, rng), level, title.format(**names).replace(place, "Quarry"),
                   question.format(**names), tuple(body), (place, person, figure), slug)


def sections(paragraphs: tuple[str, ...], rng: random.Random
             ) -> list[tuple[str, list[tuple[str, str]]]]:
    """The body as numbered sections: (heading, [(label, paragraph)]), numbered "1.1" style
    or "1." style, always opening with the purpose of the report."""
    decimal = rng.random() < 0.6
    headings = ["Purpose of Report", *rng.sample(HEADINGS, len(HEADINGS))]
    groups = [list(paragraphs[:1]), list(paragraphs[1:2]), *[[p] for p in paragraphs[2:]]]
    out, number = [], 0
    for section, (heading, group) in enumerate(zip(headings, groups, strict=False), start=1):
        labelled = []
        for item, text in enumerate(group, start=1):
            number += 1
            labelled.append((f"{section}.{item}" if decimal else f"{number}.", text))
        out.append((f"{section}. {heading}" if decimal else heading, labelled))
    return out
