"""Tables in layout-mode PDF text: columns aligned under a header row become tab-separated."""

from __future__ import annotations

from ingest.clean import Line


def tabulate(lines: list[Line]) -> list[Line]:
    """Lines with aligned table regions rewritten as tab-separated cells (identity for now)."""
    return lines
