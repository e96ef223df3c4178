"""The typed values that cross layers: documents, their metadata and their paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

DOC_TYPES = (
    "report",
    "minutes",
    "agenda",
    "agenda pack",
    "agenda item",  # a committee site's page for one item
    "appendix",
    "decision record",
    "strategy",
    "action plan",
    "assessment",
)

PARAGRAPH_KINDS = ("paragraph", "table_row", "minutes_item", "text", "table")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


def readable_date(iso: str) -> str:
    """``2021-03-22`` -> ``22 March 2021``; ``2019-10`` -> ``October 2019``."""
    parts = iso.split("-")
    try:
        if len(parts) == 3:
            return f"{int(parts[2])} {MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
        if len(parts) == 2:
            return f"{MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        pass
    return iso


def with_aliases(council: str, aliases: str) -> str:
    """The council with the names its web address gives that it does not already say:
    "Aberdeen City (aberdeencity)", "Wiltshire Council"."""
    words = set(re.findall(r"\w+", council.lower()))
    extra = [a.strip() for a in aliases.split(";")
             if a.strip() and not set(re.findall(r"\w+", a.lower())) <= words]
    if not council:
        return "; ".join(extra)
    return f"{council} ({'; '.join(extra)})" if extra else council


def store_key(para_id: str, version: str) -> str:
    """A paragraph's id in the store: each version of a document is written under new keys,
    so readers keep seeing the published version until the new one is complete."""
    return f"{para_id}|{version}" if version else para_id


def split_key(key: str) -> tuple[str, str, str]:
    """(document id, paragraph id, version) of a store key."""
    para_id, _, version = key.rpartition("|") if "|" in key else (key, "", "")
    return para_id.split("#", 1)[0], para_id, version


@dataclass(frozen=True)
class DocumentMeta:
    """What a document says about itself. Unknown values stay empty."""

    council: str = ""
    council_alias: str = ""  # "; "-joined names its web address gives ("West Berkshire; westberks")
    committee: str = ""
    meeting_date: str = ""  # ISO: YYYY-MM-DD, or YYYY-MM when only the month is printed
    report_ref: str = ""
    author: str = ""
    doc_type: str = ""
    classification: str = ""  # as printed: "Unrestricted", "Exempt", "Part 2", ...
    access: str = "public"  # public | exempt | confidential (settings.ACCESS_LEVELS)
    access_overridden: bool = False  # set at ingest (`--access`), not read from the document
    source_url: str = ""  # the address a saved web page came from ("Source: <URL>")
    set_at_ingest: str = ""  # fields given at ingest, comma-joined: "council,meeting_date"

    @property
    def exempt(self) -> bool:
        """Whether the public may not see it (exempt or confidential)."""
        return self.access != "public"


@dataclass(frozen=True)
class Document:
    """One ingested file."""

    doc_id: str
    source: str  # absolute path of the file it came from
    file_name: str
    title: str
    content_hash: str
    meta: DocumentMeta = field(default_factory=DocumentMeta)
    pages: int = 0  # 0 for formats without pages
    image_only_pages: tuple[int, ...] = ()
    parts: tuple[str, ...] = ()  # titles of the parts of an agenda pack, in order
    paragraph_count: int = 0
    chunker_version: str = ""
    ingested_at: str = ""  # ISO timestamp
    version: str = field(default="", compare=False)  # published version: its paragraphs are read
    previous_version: str = field(default="", compare=False)  # kept for readers a version behind
    previous_count: int = field(default=0, compare=False)  # paragraphs of previous_version

    @property
    def file_words(self) -> str:
        """The file name's words, without its extension: "Barking Dagenham charging"."""
        return " ".join(re.findall(r"[^\W_]+", Path(self.file_name).stem))

    @property
    def identity(self) -> str:
        """A one-line description naming the document: title, council (and the names its web
        address gives), committee, meeting date written out ("14 March 2024")."""
        meta = self.meta
        bits = [self.title, with_aliases(meta.council, meta.council_alias), meta.committee,
                readable_date(meta.meeting_date)]
        if self.meta.report_ref:
            bits.append(f"report {self.meta.report_ref}")
        if self.meta.doc_type:
            bits.append(self.meta.doc_type)
        return "; ".join(b for b in bits if b)


@dataclass(frozen=True)
class Paragraph:
    """The citable unit: one numbered paragraph, table row or prose paragraph."""

    para_id: str
    doc_id: str
    ordinal: int  # position within the document, from 0
    text: str  # what is cited: the paragraph itself, bullets included
    label: str = ""  # the paragraph number as printed ("4.29", "11", "2.3 a)"), or empty
    part: int = 1  # long paragraphs are split into consecutive parts with one label
    parts: int = 1
    page: int | None = None  # first page where it starts; None for formats without pages
    heading_path: tuple[str, ...] = ()
    part_title: str = ""  # the agenda-pack part it belongs to, if any
    kind: str = "paragraph"
    version: str = field(default="", compare=False)  # the document version it was stored under
    access: str = field(default="public", compare=False)  # stated by its part of a pack

    @property
    def key(self) -> str:
        """Its id in the store and the search index: the id plus the version written."""
        return store_key(self.para_id, self.version)

    def context_text(self, document: Document | None = None) -> str:
        """The text that is embedded and indexed: identity and headings, then the paragraph."""
        lines = []
        if document is not None:
            lines.append(document.identity)
        if self.part_title and (document is None or self.part_title != document.title):
            lines.append(self.part_title)
        if self.heading_path:
            lines.append(" > ".join(self.heading_path))
        body = f"{self.label} {self.text}" if self.label else self.text
        lines.append(body)
        return "\n".join(lines)

    def index_text(self, document: Document | None = None) -> str:
        """The text the word index holds: the embedded text and the words of its document's
        file name, which often names what the papers themselves print only as an
        abbreviation or a web address ("barking-dagenham--charging-policy.txt")."""
        text = self.context_text(document)
        return f"{text}\n{document.file_words}" if document is not None else text


@dataclass(frozen=True)
class Passage:
    """A retrieved paragraph with the document it comes from and its scores."""

    paragraph: Paragraph
    document: Document
    score: float = 0.0  # the fused rank score that ordered the passages
    dense: float = 0.0  # cosine similarity of the question and the paragraph's embedded text
    lexical: float = 0.0  # BM25 score, 0 when the lexical index did not return it
