"""What extraction hands to parsing: the text of each page of one file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageText:
    """One page's text as extracted, before any cleaning."""

    number: int
    text: str
    stamps: tuple[str, ...] = ()  # page stamps such as "Agenda Item 7" seen outside the body


@dataclass(frozen=True)
class RawDocument:
    """A file's text, page by page. ``paged`` is False for formats without pages."""

    pages: tuple[PageText, ...]
    paged: bool
    image_only_pages: tuple[int, ...] = ()
    marks: tuple[str, ...] = ()  # text printed outside the body: Word headers, footers, text boxes
