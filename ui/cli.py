"""The ``scrutineer`` command line: a thin edge over the library and the ingestion job."""

from __future__ import annotations

import json
import logging
import math
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from assistant.citations import citation, readable_date
from assistant.errors import QuestionError, ScrutineerError
from assistant.health import check_on_open
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


def _given(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A name given on the command line: not blank."""
    if value is not None and not value.strip():
        raise click.BadParameter("must not be empty, e.g. --council \"Wiltshire Council\".")
    return value.strip() if value is not None else None


def _meeting_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A meeting date given on the command line, checked: YYYY-MM-DD (or YYYY-MM)."""
    from ingest.overrides import check_date

    try:
        return check_date(value) if value is not None else None
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@main.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--remove", "remove_", is_flag=True, help="Remove these files from the library.")
@click.option("--rebuild", is_flag=True,
              help="Drop the library and ingest every known document again (after a model "
                   "change), plus any PATHS given.")
@click.option("--force", is_flag=True, help="Parse and embed again even unchanged files.")
@click.option("--access", type=click.Choice(["public", "exempt", "confidential"]),
              help="Set the access level of these files (or of every file in these folders) "
                   "instead of the one they state; it sticks until set again.")
@click.option("--council", callback=_given, metavar="NAME",
              help="The council these files belong to, instead of the one read from them; "
                   "it sticks until set again.")
@click.option("--committee", callback=_given, metavar="NAME",
              help="The committee or meeting body, instead of the one read; sticks likewise.")
@click.option("--date", "meeting_date", callback=_meeting_date, metavar="YYYY-MM-DD",
              help="The meeting date, instead of the one read; sticks likewise.")
@domain_errors
def ingest_command(paths: tuple[Path, ...], remove_: bool, rebuild: bool, force: bool,
                   access: str | None, council: str | None, committee: str | None,
                   meeting_date: str | None) -> None:
    """Ingest PDF, Word (.docx), text and Markdown files; folders are searched recursively.

    \b
    Examples:
      scrutineer ingest reports/ minutes.pdf
      scrutineer ingest --remove reports/old-report.pdf
      scrutineer ingest --rebuild
      scrutineer ingest --access exempt reports/part2/
      scrutineer ingest --council "Wiltshire Council" --committee Cabinet \\
          --date 2024-03-12 minutes.pdf
    """
    from ingest import maintenance, pipeline

    settings = get_settings()
    if not paths and not rebuild:
        raise click.UsageError("Name at least one file or folder, e.g. `scrutineer ingest docs/`.")
    if remove_:
        summary = maintenance.remove(paths, Library(settings))
    elif rebuild:
        with TerminalProgress() as progress:
            summary = maintenance.rebuild(paths, settings, progress)
    else:
        with TerminalProgress() as progress:
            summary = pipeline.ingest(paths, settings, progress=progress, force=force,
                                      access=access, council=council, committee=committee,
                                      meeting_date=meeting_date)
    print_results(summary)
    print_summary(summary)
    sys.exit(summary.exit_code)


@main.command("repair")
@domain_errors
def repair_command() -> None:
    """Repair a damaged library: clear unfinished writes (from an ingest that was killed),
    re-ingest incomplete documents, rebuild the manifest file and the search index."""
    from ingest.maintenance import repair

    for line in repair(get_settings()).lines():
        click.echo(line)


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
    check_on_open(library)
    documents = library.documents()
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


@main.command("ui")
@click.option("--port", default=8501, show_default=True, help="Port to serve on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
def ui_command(port: int, host: str) -> None:
    """Start the chat app in the browser (Streamlit).

    \b
    Example:
      scrutineer ui --port 8501
    """
    app = Path(__file__).with_name("app.py")
    click.echo(f"Scrutineer is starting at http://{host}:{port} (Ctrl+C to stop)")
    limit = math.ceil(get_settings().max_file_mb)  # larger uploads are stopped in the browser
    command = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port),
               "--server.address", host, "--server.headless", "true",
               "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal",
               # originals are handed out only by the app, after its access check: no folder
               # of files is served to whoever has the URL
               "--server.enableStaticServing", "false", "--server.maxUploadSize", str(limit)]
    sys.stdout.flush()
    os.execv(sys.executable, command)  # the server is this process: stopping it stops the app


def _register_eval() -> None:
    from ui.eval_cli import eval_group

    main.add_command(eval_group)


_register_eval()


def _filters(council: tuple[str, ...], committee: tuple[str, ...], doc_type: tuple[str, ...],
             since: str, until: str, document: tuple[str, ...], include_exempt: bool) -> Any:
    from assistant.answers import Filters

    return Filters(councils=council, committees=committee, doc_types=doc_type,
                   date_from=since, date_to=until, documents=document,
                   include_exempt=include_exempt)


def filter_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The filter options shared by `ask` and `chat`."""
    options = [
        click.option("--council", multiple=True, help="Only documents of this council."),
        click.option("--committee", multiple=True, help="Only this committee or body."),
        click.option("--type", "doc_type", multiple=True, help="Document type, e.g. minutes."),
        click.option("--since", default="", help="Meetings on or after this ISO date."),
        click.option("--until", default="", help="Meetings on or before this ISO date."),
        click.option("--document", multiple=True,
                     help="Only these documents (file name, id or report reference)."),
        click.option("--include-exempt", is_flag=True, help="Also search exempt documents."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@main.command("ask")
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per answer.")
@click.option("--batch", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A JSONL file of {id, question, history?, filters?} lines.")
@filter_options
@domain_errors
def ask_command(question: str | None, as_json: bool, batch: Path | None, **filters: Any) -> None:
    """Answer a question from the library, citing the paragraph behind every sentence.

    \b
    Examples:
      scrutineer ask "What did the partnership say about county lines?"
      scrutineer ask --council Suffolk "How many refuge bed spaces are there?"
      scrutineer ask --batch questions.jsonl --json > answers.jsonl

    A question that cannot be asked (empty, no words, too long) or a bad batch line gets an
    error (an "error" field in JSON) and the others are still answered; exit status 2.
    """
    from assistant.assistant import Assistant

    assistant = Assistant(get_settings())
    if assistant.paragraph_count() == 0:
        raise click.ClickException("The library is empty: run `scrutineer ingest PATH` first.")
    chosen = _filters(**filters)
    if batch is not None:
        refused = _answer_batch(assistant, batch, chosen)
    else:
        questions = [question] if question is not None else _prompted()
        refused = sum(not _answer_one(assistant, text, chosen, as_json) for text in questions)
    if refused:
        sys.exit(2)


@main.command("chat")
@filter_options
@domain_errors
def chat_command(**filters: Any) -> None:
    """A conversation in the terminal: follow-up questions use what was asked before.

    \b
    Example:
      scrutineer chat
      > What are the partnership's priorities?
      > And in Hampshire?
    """
    from assistant.assistant import Assistant
    from assistant.conversation import Turn
    from ui.render import answer_text

    assistant = Assistant(get_settings())
    if assistant.paragraph_count() == 0:
        raise click.ClickException("The library is empty: run `scrutineer ingest PATH` first.")
    chosen = _filters(**filters)
    history: list[Turn] = []
    click.echo("Ask about the documents in the library; an empty line ends the conversation.")
    for text in _prompted():
        try:
            answer = assistant.ask(text, history, chosen)
        except QuestionError as exc:
            click.echo(f"{exc}\n", err=True)
            continue
        click.echo(answer_text(answer) + "\n")
        history += [Turn("user", answer.rewritten_question or text),
                    Turn("assistant", answer.text)]


def _answer_one(assistant: Any, text: str, chosen: Any, as_json: bool) -> bool:
    """Print the answer to one question, or why it cannot be asked (then return False)."""
    from ui.batch import error_json
    from ui.render import answer_json, answer_text

    try:
        answer = assistant.ask(text, filters=chosen)
    except QuestionError as exc:
        if as_json:
            click.echo(json.dumps(error_json(exc, text), ensure_ascii=False))
        else:
            click.echo(f"Error: {exc}", err=True)
        return False
    click.echo(json.dumps(answer_json(answer), ensure_ascii=False) if as_json
               else answer_text(answer) + "\n")
    return True


def _answer_batch(assistant: Any, path: Path, chosen: Any) -> int:
    """One JSON line per batch line: its answer, or an "error"; returns how many erred."""
    from ui.batch import BadLine, batch_lines, batch_record, error_json, filters_from
    from ui.render import answer_json

    refused = 0
    for number, raw in batch_lines(path):
        record: dict[str, Any] = {}
        try:
            record = batch_record(raw)
            answer = assistant.ask(record["question"], record["history"],
                                   chosen.merged(filters_from(record["filters"])))
        except (BadLine, QuestionError) as exc:
            refused += 1
            question_id = record.get("id") or getattr(exc, "question_id", "")
            result = {"line": number, **error_json(exc, record.get("question", ""),
                                                    question_id)}
        else:
            result = answer_json(answer, record["id"])
        click.echo(json.dumps(result, ensure_ascii=False))
    return refused


def _prompted() -> Any:
    if hasattr(sys.stdin, "reconfigure"):  # undecodable bytes become U+FFFD, not a traceback
        sys.stdin.reconfigure(errors="replace")
    interactive = sys.stdin.isatty()
    while True:
        try:
            text = input("\n> ") if interactive else input()
        except EOFError:
            return
        if not text.strip():
            return
        yield text.strip()


if __name__ == "__main__":
    main()
