"""What the user says about documents at ingest (`--access`, `--council`, `--committee`,
`--date`), instead of what the documents state. Overrides stick to a document: a later ingest
without them keeps them, one with them replaces them."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import date

from assistant.documents import Document
from assistant.settings import ACCESS_LEVELS

IDENTITY = ("council", "committee", "meeting_date")  # DocumentMeta fields set by name


def check_date(value: str) -> str:
    """An ISO meeting date (YYYY-MM-DD, or YYYY-MM for a month), else ValueError."""
    text = value.strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", text):
            raise ValueError
        date.fromisoformat(text if len(text) == 10 else f"{text}-01")
    except ValueError:
        raise ValueError(f"'{value}' is not a date: give it as YYYY-MM-DD, e.g. 2024-03-12") \
            from None
    return text


@dataclass(frozen=True)
class Overrides:
    """Values that replace what documents state; None keeps what they state (or what an earlier
    ingest set)."""

    access: str | None = None
    council: str | None = None
    committee: str | None = None
    meeting_date: str | None = None

    def __post_init__(self) -> None:
        if self.access is not None and self.access not in ACCESS_LEVELS:
            raise ValueError(f"access must be one of {', '.join(ACCESS_LEVELS)}")
        for name in IDENTITY:
            value = getattr(self, name)
            if value is not None and not value.strip():
                raise ValueError(f"{name.replace('_', ' ')} must not be empty")
        if self.meeting_date is not None:
            object.__setattr__(self, "meeting_date", check_date(self.meeting_date))

    @classmethod
    def of(cls, document: Document) -> Overrides:
        """The overrides a stored document was given at ingest."""
        meta = document.meta
        named = set(filter(None, meta.set_at_ingest.split(",")))
        return cls(meta.access if meta.access_overridden else None,
                   **{n: getattr(meta, n) for n in IDENTITY if n in named})

    def over(self, earlier: Overrides) -> Overrides:
        """These overrides, keeping ``earlier`` ones where these say nothing."""
        return Overrides(**{f.name: getattr(self, f.name) if getattr(self, f.name) is not None
                            else getattr(earlier, f.name) for f in fields(self)})

    def applied(self, document: Document) -> Document:
        """The document as it will be stored under these overrides."""
        meta = document.meta
        if self.access is not None:
            meta = replace(meta, access=self.access, access_overridden=True)
        named = {n: getattr(self, n) for n in IDENTITY if getattr(self, n) is not None}
        if named:
            kept = set(filter(None, meta.set_at_ingest.split(","))) | set(named)
            meta = replace(meta, **named, set_at_ingest=",".join(n for n in IDENTITY if n in kept))
        return replace(document, meta=meta)

    def held_by(self, document: Document) -> bool:
        """Whether the stored document already holds these overrides (nothing to redo)."""
        stored = Overrides.of(document)
        return self.access in (None, document.meta.access) and all(
            getattr(self, n) in (None, getattr(stored, n)) for n in IDENTITY)
