"""Progress bars over files and paragraphs on a terminal, and the end-of-job summary."""

from __future__ import annotations

import sys
from pathlib import Path
from types import TracebackType
from typing import Any

import click

from ingest.pipeline import FileResult, IngestSummary


class TerminalProgress:
    """Rich progress bars when stderr is a terminal; silent otherwise."""

    def __init__(self) -> None:
        self._bar: Any = None  # a rich Progress on a terminal
        self._files: Any = None
        self._paragraphs: Any = None

    def __enter__(self) -> TerminalProgress:
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), console=Console(stderr=True),
                                 transient=True)
            self._bar.start()
            self._files = self._bar.add_task("files", total=0)
            self._paragraphs = self._bar.add_task("paragraphs", total=0)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()

    def files(self, total: int) -> None:
        if self._bar is not None:
            self._bar.update(self._files, total=total)

    def file_started(self, path: Path, paragraphs: int) -> None:
        if self._bar is not None:
            self._bar.update(self._files, description=f"files ({path.name[:40]})")
            task = self._bar.tasks[self._paragraphs]
            self._bar.update(self._paragraphs, total=(task.total or 0) + paragraphs)

    def embedded(self, count: int) -> None:
        if self._bar is not None:
            self._bar.advance(self._paragraphs, count)

    def file_done(self, result: FileResult) -> None:
        if self._bar is not None and result.status not in ("skipped",):
            self._bar.advance(self._files)


def print_results(summary: IngestSummary) -> None:
    """One line per failed file (with its reason), per note on a document's access level,
    and per document with image-only pages."""
    for result in summary.results:
        if result.status == "failed":
            click.echo(f"FAILED  {result.path}: {result.reason}", err=True)
            continue
        for note in result.notes:
            click.echo(f"ACCESS  {result.path}: {note}", err=True)
        if result.image_only_pages:
            pages = ", ".join(str(p) for p in result.image_only_pages)
            click.echo(f"WARNING {result.path}: page(s) {pages} are images without text; "
                       f"OCR is not done, so they are not searchable", err=True)


def print_summary(summary: IngestSummary) -> None:
    """The closing line: documents by outcome, paragraphs written, seconds."""
    counts = summary.counts
    parts = [f"{counts.get(k, 0)} {k}" for k in ("added", "updated", "unchanged", "failed")]
    if counts.get("removed"):
        parts.append(f"{counts['removed']} removed")
    if counts.get("skipped"):
        parts.append(f"{counts['skipped']} skipped (unsupported type)")
    if summary.cleared:
        parts.append(f"{summary.cleared} paragraphs of an unfinished earlier write cleared")
    click.echo(f"Documents: {', '.join(parts)}; paragraphs written: "
               f"{summary.paragraphs_written}; {summary.seconds:.1f} s")


def summary_json(summary: IngestSummary) -> dict[str, object]:
    """The outcome as JSON: each file's outcome, the counts, paragraphs written and time."""
    return {"files": [{"path": r.path, "status": r.status, "doc_id": r.doc_id,
                       "paragraphs": r.paragraphs, "reason": r.reason,
                       "image_only_pages": list(r.image_only_pages), "notes": list(r.notes)}
                      for r in summary.results],
            "counts": dict(summary.counts), "paragraphs_written": summary.paragraphs_written,
            "cleared": summary.cleared, "seconds": round(summary.seconds, 2),
            "exit_code": summary.exit_code}
