"""Paragraph numbers: parsing "4.29", "1.", "(3)" and knowing which number may come next."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Label:
    """A paragraph number as printed (trailing full stop dropped) and its numeric parts."""

    printed: str
    parts: tuple[int, ...]

    def is_child_of(self, other: Label) -> bool:
        """"4.1" is a child of "4"; "1.1.1" of "1.1"."""
        n = len(other.parts)
        return len(self.parts) > n and self.parts[:n] == other.parts


def parse_label(text: str) -> Label:
    """Parse a printed number; ``parts`` is empty when it is not a paragraph number."""
    text = text.strip()
    printed = text[:-1] if text.endswith(".") and "(" not in text else text
    digits = re.findall(r"\d+", printed)
    if not digits or not re.fullmatch(r"\(?\d+(?:\.\d+)*\)?", printed):
        return Label(printed, ())
    return Label(printed, tuple(int(d) for d in digits))


def expected_next(last: str) -> set[str]:
    """Labels that may plausibly follow ``last``: its next sibling, first child, the next
    number at any shallower depth, or a restart at 1."""
    parsed = parse_label(last)
    candidates = {"1", "1.1", "(1)", "1)"}
    if not parsed.parts:
        return candidates
    parts = list(parsed.parts)
    candidates.add(".".join(map(str, [*parts, 1])))
    for depth in range(len(parts), 0, -1):
        following = [*parts[: depth - 1], parts[depth - 1] + 1]
        candidates.add(".".join(map(str, following)))
        candidates.add(".".join(map(str, [*following, 1])))
    if last.startswith("("):
        candidates.add(f"({parts[0] + 1})")
    if last.endswith(")") and not last.startswith("("):
        candidates.add(f"{parts[0] + 1})")
    return candidates
