"""Dates as councils print them ("22 March 2021", "Tuesday, 13th June, 2023", "09/09/2024")."""

from __future__ import annotations

import re
from datetime import date

from assistant.citations import readable_date as readable  # noqa: F401 - re-exported

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
         r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}}) ?(?:st|nd|rd|th)?(?:\s+of)?[\s\-]+{_MONTH}\.?,?[\s\-]+"
                            r"(\d{4})\b", re.IGNORECASE)
MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b",
                            re.IGNORECASE)
NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})\b")
MONTH_YEAR = re.compile(rf"\b{_MONTH}\.?,?\s+(\d{{4}})\b", re.IGNORECASE)


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def find_date(text: str, allow_month_only: bool = False) -> str | None:
    """The first full date in ``text`` as ISO ``YYYY-MM-DD`` (or ``YYYY-MM``), else None."""
    candidates: list[tuple[int, str]] = []
    for match in DAY_MONTH_YEAR.finditer(text):
        iso = _iso(int(match.group(3)), MONTHS[match.group(2).lower()[:3]], int(match.group(1)))
        if iso:
            candidates.append((match.start(), iso))
    for match in MONTH_DAY_YEAR.finditer(text):
        iso = _iso(int(match.group(3)), MONTHS[match.group(1).lower()[:3]], int(match.group(2)))
        if iso:
            candidates.append((match.start(), iso))
    for match in NUMERIC.finditer(text):
        year = int(match.group(3))
        year = year + 2000 if year < 100 else year
        iso = _iso(year, int(match.group(2)), int(match.group(1)))
        if iso and 1990 <= year <= 2100:
            candidates.append((match.start(), iso))
    if candidates:
        return min(candidates)[1]
    if allow_month_only:
        month = MONTH_YEAR.search(text)
        if month:
            return f"{int(month.group(2)):04d}-{MONTHS[month.group(1).lower()[:3]]:02d}"
    return None
