"""Small helpers for tests: parse a file once, look paragraphs up by label or text, and read
Streamlit Markdown as the reader sees it."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from assistant.documents import Paragraph
from ingest.parse import ParsedDocument, parse_file


@cache
def parsed(path: Path) -> ParsedDocument:
    return parse_file(path)


def by_label(doc: ParsedDocument, label: str) -> list[Paragraph]:
    return [p for p in doc.paragraphs if p.label == label]


def containing(doc: ParsedDocument, text: str) -> list[Paragraph]:
    return [p for p in doc.paragraphs if text in p.text]


def shown(markdown: str) -> str:
    """Markdown as the reader sees it: the escapes that keep document text literal removed."""
    return re.sub(r"\\([\\`*_{}\[\]()#+!|~<>$])", r"\1", markdown)
