"""Shaping the units an extractive answer quotes so it contains the thing asked: a lead-in
that announces a count brings exactly that many items (from its own paragraph or the ones
after it), a table row's quoted cell brings the row's cells that answer, and the answer leads
with the unit that holds the figure, date, person or body asked for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import takewhile

from assistant.asked import announced, answers_cell, cells, holds
from assistant.documents import Passage
from assistant.sentences import Unit, trusted, units

LISTED = ("item", "subheading")
UNITS_PER_ITEM = 3  # a list item that is a paragraph of its own is quoted up to this many units
UNITS_PER_CELL = 3


@dataclass(frozen=True)
class Scored:
    """A candidate unit with where it came from and how well it answers."""

    passage: int
    unit: Unit
    score: float  # how likely it answers: what orders and selects the units
    coverage: float
    dense: float
    support: float = 0.0  # the hand-set measure of support the decision weighs


def _in_order(scored: Sequence[Scored], passage: int) -> list[Scored]:
    return sorted((s for s in scored if s.passage == passage), key=lambda s: s.unit.position)


def _following(passages: Sequence[Passage], index: int) -> list[int]:
    """The passages holding the paragraphs right after passage ``index``'s, in order, up to
    the first one missing."""
    here = passages[index].paragraph
    by_place = {(p.paragraph.doc_id, p.paragraph.ordinal): i for i, p in enumerate(passages)}
    out, ordinal = [], here.ordinal + 1
    while (here.doc_id, ordinal) in by_place:
        out.append(by_place[(here.doc_id, ordinal)])
        ordinal += 1
    return out


def _items_after(scored: Sequence[Scored], passages: Sequence[Passage], lead: Scored,
                 wanted: int, listing: bool) -> list[Scored]:
    """Up to ``wanted`` items from the paragraphs after the lead-in's: a paragraph that is a
    list gives its items; when the lead-in ends its paragraph (not ``listing`` items
    already), any other paragraph is one item (its first units, the first shown as an
    item). A list that runs on from the lead-in's paragraph stops where its items stop."""
    items: list[Scored] = []
    count = 0
    for index in _following(passages, lead.passage):
        found = _in_order(scored, index)
        listed = list(takewhile(lambda s: s.unit.kind == "item", found))
        if listed:
            items += listed[: wanted - count]
            count += len(listed[: wanted - count])
        elif found and not listing:
            items += [replace(found[0], unit=replace(found[0].unit, kind="item")),
                      *found[1:UNITS_PER_ITEM]]
            count += 1
        if not found or count >= wanted or (listing and len(listed) < len(found)):
            break
    return items


def counted_items(scored: Sequence[Scored], passages: Sequence[Passage], lead: Scored,
                  limit: int) -> list[Scored] | None:
    """The items a counted lead-in announces, exactly as many as it says (at most
    ``limit``): its sub-headings when it has that many, else the items right after it, then
    those of the paragraphs after its own; None when the list is interrupted before the
    count is reached, or runs short (its shape is then not certain)."""
    wanted = min(announced(lead.unit.text), limit)
    after = [s for s in _in_order(scored, lead.passage) if s.unit.position > lead.unit.position]
    heads = [s for s in after if s.unit.kind == "subheading"]
    if wanted and len(heads) == wanted:
        return heads
    run = list(takewhile(lambda s: s.unit.kind == "item", after))
    if not wanted or len(run) >= wanted:
        return run[:wanted] if wanted else None
    if len(run) < len(after):
        return None
    found = run + _items_after(scored, passages, lead, wanted - len(run), bool(run))
    return found if sum(s.unit.kind == "item" for s in found) >= wanted else None


def items_wanted(text: str) -> int:
    """How many items a paragraph still owes when it ends with a counted lead-in and fewer
    items than announced ("… the following five themes:" and two bullets): the paragraphs
    after it hold the rest."""
    found = trusted(units(text))
    for index in range(len(found) - 1, -1, -1):
        wanted = announced(found[index].text)
        if wanted:
            return max(0, wanted - (len(found) - index - 1))
        if found[index].kind != "item":
            return 0
    return 0


def with_counted_lists(chosen: list[Scored], scored: Sequence[Scored],
                       passages: Sequence[Passage], limit: int) -> list[Scored]:
    """``chosen`` with each counted lead-in followed by exactly the items it announces, in
    place of any items of that list chosen before."""
    out = list(chosen)
    for lead in chosen:
        items = counted_items(scored, passages, lead, limit) if announced(lead.unit.text) \
            else None
        if items is None or lead not in out:
            continue
        taken = {(s.passage, s.unit.position) for s in items}
        out = [c for c in out if (c.passage, c.unit.position) not in taken and not (
            c.passage == lead.passage and c.unit.kind in LISTED
            and c.unit.position > lead.unit.position)]
        at = out.index(lead) + 1
        out[at:at] = items
    return out


def with_row_cells(chosen: list[Scored], scored: Sequence[Scored],
                   passages: Sequence[Passage], kind: str) -> list[Scored]:
    """``chosen`` with, for each table row quoted only in cells that do not answer (the
    action, the priority), the row's cells that do: the update or status, the lead for
    "who", the date for "when", the figure for "how many". For a broader question an
    answering cell quoted in part is quoted whole (a figure, date or person is one unit)."""
    out = list(chosen)
    for index in dict.fromkeys(c.passage for c in chosen):
        paragraph = passages[index].paragraph
        if paragraph.kind != "table_row":
            continue
        found = cells(paragraph.text)
        answering = [(start, end) for header, start, end in found
                     if answers_cell(kind, header, paragraph.text[start:end])]
        quoted = [c for c in chosen if c.passage == index]
        begun = [(start, end) for start, end in answering
                 if any(start <= c.unit.start < end for c in quoted)]
        if begun and kind in ("figure", "date", "who"):
            continue
        have = {c.unit.position for c in quoted}
        for start, end in begun or answering:
            extra = [s for s in _in_order(scored, index)
                     if start <= s.unit.start < end and s.unit.position not in have]
            out += extra[:UNITS_PER_CELL]
    return out


def leading(chosen: Sequence[Scored], kind: str) -> Scored:
    """The unit an answer opens with: for "how many", "when" and "who", the one that holds
    the figure, date, or person or body asked for most plainly ("Lead Agency: …" before a
    body merely named), the better scored first; a list's items lead only when the best
    unit is one; else the best unit."""
    if kind not in ("figure", "date", "who"):
        return chosen[0]
    candidates = [chosen[0], *(c for c in chosen[1:] if c.unit.kind in ("sentence", "lead"))]
    return max(candidates, key=lambda c: holds(kind, c.unit.text))


def reading_order(chosen: Sequence[Scored], passages: Sequence[Passage]
                  ) -> dict[int, tuple[int, int]]:
    """A sort key per passage: its rank, except that a paragraph that runs on from the one
    just before it in its document takes that one's place, so it follows it in reading
    order: when it ranks below it (the rest of a split paragraph), or when that one ends
    by announcing the items it holds ("a three part presentation:")."""
    quoted = sorted(dict.fromkeys(c.passage for c in chosen))
    place = {(passages[i].paragraph.doc_id, passages[i].paragraph.ordinal): i for i in quoted}
    keys: dict[int, tuple[int, int]] = {}
    owed: dict[int, int] = {}  # items still to come of a list announced before
    for index in sorted(quoted, key=lambda i: passages[i].paragraph.ordinal):
        paragraph = passages[index].paragraph
        before = place.get((paragraph.doc_id, paragraph.ordinal - 1))
        due = owed.get(before, 0) if before is not None else 0
        attached = before is not None and (before < index or due > 0)
        keys[index] = (keys[before][0] if before is not None and attached else index,
                       paragraph.ordinal)
        found = trusted(units(paragraph.text))
        listed = sum(1 for _ in takewhile(lambda u: u.kind == "item", found)) or 1
        owed[index] = items_wanted(paragraph.text) or max(0, due - listed)
    return keys
