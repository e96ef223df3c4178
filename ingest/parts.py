"""Agenda packs bundle several documents; these patterns say where a part starts."""

from __future__ import annotations

import re

APPENDIX_RE = re.compile(r"^(?:appendix|annex|annexe)\s+([0-9]{1,2}|[A-Z])\b[\s:.\-–—]*(.{0,60})$",
                         re.IGNORECASE)
MINUTES_RE = re.compile(
    r"^(?:minutes of (?:the|a)\b.*(?:meeting|held)|minutes of .*held on|"
    r"meeting held on\b|minutes\s*$|printed minutes\b)", re.IGNORECASE)
AGENDA_RE = re.compile(r"^(?:agenda|a g e n d a|notice of meeting|summons to and agenda"
                       r"|agenda and notice of meeting)\s*$", re.IGNORECASE)
REPORT_RE = re.compile(r"^(?:committee name|title of report|report title|report to)\s*:",
                       re.IGNORECASE)
DECISION_RE = re.compile(r"^.{0,60}\brecord of (?:the )?decision\s*$", re.IGNORECASE)


def part_kind(text: str, following: str = "") -> str | None:
    """The kind of part a standalone line opens ("appendix", "minutes", ...), or None.

    ``following`` is the next line: a list of appendices ("Appendix 1 – Chairs report"
    followed by "Appendix 2 – ...") is a table of contents, not the start of a part.
    """
    text = text.strip()
    match = APPENDIX_RE.match(text)
    listed = re.match(r"^(?:appendix|annex|annexe)\s+\w{1,2}\b", following.strip(), re.IGNORECASE)
    if match and len(match.group(2).split()) <= 3 and not listed:
        return "appendix"
    if MINUTES_RE.match(text) and len(text) < 200:
        return "minutes"
    if AGENDA_RE.match(text):
        return "agenda"
    if REPORT_RE.match(text):
        return "report"
    if DECISION_RE.search(text) and len(text) < 120:
        return "decision record"
    return None


def part_title(kind: str, text: str, following: str = "") -> str:
    """A readable title for a part from its opening line and the line after it."""
    text = " ".join(text.split()).rstrip(":")
    if kind == "appendix":
        match = APPENDIX_RE.match(text)
        bare = match is not None and not match.group(2).strip()
        if bare and following and len(following) < 120:
            return f"{text.title() if text.isupper() else text} – {following.strip()}"
        return text.title() if text.isupper() else text
    if kind == "report":
        key, _, value = text.partition(":")
        titled = "title" in key.lower() or "subject" in key.lower()
        return f"Report: {value.strip()}" if titled and value.strip() else "Report"
    if kind == "agenda":
        return "Agenda"
    if kind == "minutes":
        return text[:1].upper() + text[1:] if len(text) < 160 else "Minutes"
    return text[:1].upper() + text[1:]
