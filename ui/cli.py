"""The ``scrutineer`` command line: a thin edge over the library and the ingestion job."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from assistant.citations import citation, readable_date
from assistant.errors import ScrutineerError
from assistant.library import Library
from assistant.settings import get_settings
from ui.progress import TerminalProgress, print_results, print_summary


def domain_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn domain errors into one-line messages (they already say what to do next)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ScrutineerError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log what happens, for debugging.")
def main(verbose: bool) -> None:
    """Scrutineer: answers from council and partnership reports, cited to the paragraph."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


@main.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--remove", "remove_", is_flag=True, help="Remove these files from the library.")
@click.option("--rebuild", is_flag=True,
              help="Drop the library and ingest every known document again (after a model "
                   "change), plus any PATHS given.")
@click.option("--force", is_flag=True, help="Parse and embed again even unchanged files.")
@domain_errors
def ingest_command(paths: tuple[Path, ...], remove_: bool, rebuild: bool, force: bool) -> None:
    """Ingest PDF, Word (.docx), text and Markdown files; folders are searched recursively.

    \b
    Examples:
      scrutineer ingest reports/ minutes.pdf
      scrutineer ingest --remove reports/old-report.pdf
      scrutineer ingest --rebuild
    """
    from ingest import pipeline

    settings = get_settings()
    if not paths and not rebuild:
        raise click.UsageError("Name at least one file or folder, e.g. `scrutineer ingest docs/`.")
    if remove_:
        summary = pipeline.remove(paths, Library(settings))
    elif rebuild:
        with TerminalProgress() as progress:
            summary = pipeline.rebuild(paths, settings, progress)
    else:
        with TerminalProgress() as progress:
            summary = pipeline.ingest(paths, settings, progress=progress, force=force)
    print_results(summary)
    print_summary(summary)
    sys.exit(summary.exit_code)


@main.command("library")
@domain_errors
def library_command() -> None:
    """List the documents in the library with their paragraph counts, dates and types.

    \b
    Example:
      scrutineer library
    """
    from rich.console import Console
    from rich.table import Table

    library = Library(get_settings())
    documents = library.documents()
    if not documents:
        click.echo(f"The library at {library.location} is empty: run `scrutineer ingest PATH`.")
        return
    table = Table(title=f"{len(documents)} documents, {library.paragraph_count()} paragraphs")
    for column in ("Date", "Title", "Council", "Committee", "Type", "Paras", "Exempt", "File"):
        table.add_column(column, overflow="fold")
    for doc in documents:
        table.add_row(readable_date(doc.meta.meeting_date), doc.title, doc.meta.council,
                      doc.meta.committee, doc.meta.doc_type, str(doc.paragraph_count),
                      "yes" if doc.meta.exempt else "", doc.file_name)
    Console().print(table)


@main.command("paragraphs")
@click.argument("document")
@domain_errors
def paragraphs_command(document: str) -> None:
    """Show a document's paragraphs as they were parsed: what the assistant can cite.

    \b
    Example:
      scrutineer paragraphs "JOS-20-17 review.pdf"
    """
    library = Library(get_settings())
    matches = [d for d in library.documents()
               if document in (d.doc_id, d.file_name, d.source) or document == Path(d.source).stem]
    if not matches:
        raise click.ClickException(f"No document {document!r} in the library: "
                                   f"`scrutineer library` lists them.")
    doc = matches[0]
    click.echo(f"{doc.title} ({doc.file_name}) — {doc.identity}")
    for paragraph in library.paragraphs(doc.doc_id):
        click.echo(f"\n[{citation(doc, paragraph)}]  {' > '.join(paragraph.heading_path)}")
        click.echo(paragraph.text)


@main.command("ask")
@click.argument("question", required=False)
@click.option("-k", "--top", default=5, show_default=True, help="How many paragraphs to show.")
@domain_errors
def ask_command(question: str | None, top: int) -> None:
    """Find the paragraphs that answer a question, each with its citation.

    Without a QUESTION, asks for questions one per line until an empty line or end of input.

    \b
    Example:
      scrutineer ask "What did the partnership say about county lines?"
    """
    library = Library(get_settings())
    if library.paragraph_count() == 0:
        raise click.ClickException("The library is empty: run `scrutineer ingest PATH` first.")
    questions = [question] if question else _prompted()
    for text in questions:
        for rank, passage in enumerate(library.search(text, k=top), start=1):
            click.echo(f"\n{rank}. {citation(passage.document, passage.paragraph)}")
            click.echo(f"   {passage.document.title}")
            click.echo("   " + passage.paragraph.text.replace("\n", "\n   "))


def _prompted() -> Any:
    interactive = sys.stdin.isatty()
    while True:
        try:
            text = input("\nQuestion (empty line to finish): ") if interactive else input()
        except EOFError:
            return
        if not text.strip():
            return
        yield text.strip()
