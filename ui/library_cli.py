"""`scrutineer library`, `paragraphs` and `repair`: what the library holds, as a table or as
JSON for other tools, and mending it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from assistant.citations import citation, readable_date
from assistant.documents import Document, Paragraph
from assistant.health import check_on_open
from assistant.library import Library
from assistant.settings import get_settings
from ui.errors import domain_errors


def document_json(document: Document) -> dict[str, Any]:
    """A document as the library lists it."""
    meta = document.meta
    return {"doc_id": document.doc_id, "title": document.title, "file": document.file_name,
            "source": document.source, "council": meta.council, "committee": meta.committee,
            "meeting_date": meta.meeting_date, "type": meta.doc_type, "access": meta.access,
            "reference": meta.report_ref, "paragraphs": document.paragraph_count}


def paragraph_json(document: Document, paragraph: Paragraph) -> dict[str, Any]:
    """A paragraph as the assistant cites it."""
    return {"id": paragraph.para_id, "label": paragraph.label, "page": paragraph.page,
            "kind": paragraph.kind, "heading_path": list(paragraph.heading_path),
            "citation": citation(document, paragraph), "text": paragraph.text}


@click.command("library")
@click.option("--json", "as_json", is_flag=True, help="Print the documents as a JSON array.")
@domain_errors
def library_command(as_json: bool) -> None:
    """List the documents in the library with their paragraph counts, dates and types.

    \b
    Examples:
      scrutineer library
      scrutineer library --json | jq '.[].title'
    """
    from rich.console import Console
    from rich.table import Table

    library = Library(get_settings())
    check_on_open(library)
    documents = library.documents()
    if as_json:
        click.echo(json.dumps([document_json(d) for d in documents], ensure_ascii=False))
        return
    if not documents:
        click.echo(f"The library at {library.location} is empty: run `scrutineer ingest PATH`.")
        return
    paragraphs = sum(d.paragraph_count for d in documents)
    table = Table(title=f"{len(documents)} documents, {paragraphs} paragraphs")
    for column in ("Date", "Title", "Council", "Committee", "Type", "Paras", "Access", "File"):
        table.add_column(column, overflow="fold")
    for doc in documents:
        table.add_row(readable_date(doc.meta.meeting_date), doc.title, doc.meta.council,
                      doc.meta.committee, doc.meta.doc_type, str(doc.paragraph_count),
                      doc.meta.access, doc.file_name)
    Console().print(table)


@click.command("paragraphs")
@click.argument("document")
@click.option("--json", "as_json", is_flag=True,
              help="Print the document and its paragraphs as one JSON object.")
@domain_errors
def paragraphs_command(document: str, as_json: bool) -> None:
    """Show a document's paragraphs as they were parsed: what the assistant can cite.

    \b
    Examples:
      scrutineer paragraphs "JOS-20-17 review.pdf"
      scrutineer paragraphs --json "JOS-20-17 review.pdf"
    """
    library = Library(get_settings())
    matches = [d for d in library.documents()
               if document in (d.doc_id, d.file_name, d.source) or document == Path(d.source).stem]
    if not matches:
        raise click.ClickException(f"No document {document!r} in the library: "
                                   f"`scrutineer library` lists them.")
    doc = matches[0]
    paragraphs = library.paragraphs(doc.doc_id)
    if as_json:
        click.echo(json.dumps({"document": document_json(doc), "identity": doc.identity,
                               "paragraphs": [paragraph_json(doc, p) for p in paragraphs]},
                              ensure_ascii=False))
        return
    click.echo(f"{doc.title} ({doc.file_name}) — {doc.identity}")
    for paragraph in paragraphs:
        click.echo(f"\n[{citation(doc, paragraph)}]  {' > '.join(paragraph.heading_path)}")
        click.echo(paragraph.text)


@click.command("repair")
@domain_errors
def repair_command() -> None:
    """Repair a damaged library: clear unfinished writes (from an ingest that was killed),
    re-ingest incomplete documents, rebuild the manifest file and the search index."""
    from ingest.maintenance import repair

    for line in repair(get_settings()).lines():
        click.echo(line)
