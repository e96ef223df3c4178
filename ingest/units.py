"""The units the structure is built of: citable units and the parts of an agenda pack."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Unit:
    """A citable unit before ids are assigned: a paragraph, a table row, a minutes item."""

    kind: str
    label: str
    page: int | None
    heading_path: tuple[str, ...]
    part_title: str
    pieces: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(p for p in self.pieces if p)


@dataclass
class Part:
    """One bundled document inside an agenda pack."""

    kind: str
    title: str
    page: int | None
    titled: bool = True  # False until a report part has seen its "Title of Report:" line
