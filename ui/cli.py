"""The ``scrutineer`` command line: a thin edge over the library and the ingestion job."""

from __future__ import annotations

import json
import logging
import math
import os
import re
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import click

from assistant.errors import QuestionError
from assistant.library import Library
from assistant.settings import get_settings
from ui.errors import domain_errors
from ui.library_cli import library_command, paragraphs_command, repair_command
from ui.progress import TerminalProgress, print_results, print_summary, summary_json

DISTRIBUTION = "scrutineer-council-papers"  # the package's name on PyPI; the command's is ours


def installed_version() -> str:
    """The installed package's version; from a source checkout, its pyproject's."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        import tomllib

        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        try:
            return f"{tomllib.loads(pyproject.read_text())['project']['version']} (source)"
        except (OSError, KeyError, ValueError):
            return "unknown"


@click.group()
@click.version_option(version=installed_version(), prog_name="scrutineer")
@click.option("-v", "--verbose", is_flag=True, help="Log what happens, for debugging.")
def main(verbose: bool) -> None:
    """Scrutineer: answers from council and partnership reports, cited to the paragraph."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


for _command in (library_command, paragraphs_command, repair_command):
    main.add_command(_command)


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
@click.option("--json", "as_json", is_flag=True,
              help="Print the outcome as one JSON object.")
@domain_errors
def ingest_command(paths: tuple[Path, ...], remove_: bool, rebuild: bool, force: bool,
                   access: str | None, council: str | None, committee: str | None,
                   meeting_date: str | None, as_json: bool) -> None:
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
    if as_json:
        click.echo(json.dumps(summary_json(summary), ensure_ascii=False))
    else:
        print_results(summary)
        print_summary(summary)
    sys.exit(summary.exit_code)


@main.command("ui")
@click.option("--port", type=int, default=None,
              help="Port to serve on [default: STREAMLIT_SERVER_PORT, else 8501].")
@click.option("--host", default=None,
              help="Address to listen on [default: STREAMLIT_SERVER_ADDRESS, else 127.0.0.1].")
@domain_errors
def ui_command(port: int | None, host: str | None) -> None:
    """Start the chat app in the browser (Streamlit). Streamlit's own STREAMLIT_* variables
    are honoured where no option is given; the server replaces this process, so a signal
    sent to it (Ctrl+C, SIGTERM) stops the app.

    \b
    Example:
      scrutineer ui --port 8501
    """
    app = Path(__file__).with_name("app.py")
    limit = math.ceil(get_settings().max_file_mb)  # larger uploads are stopped in the browser
    chosen = {"server.port": port, "server.address": host, "server.headless": "true",
              "browser.gatherUsageStats": "false", "client.toolbarMode": "minimal",
              "server.maxUploadSize": limit}
    given = {name for name in ("server.port", "server.address") if chosen[name] is not None}
    flags = streamlit_flags(chosen, given, os.environ)
    # originals are handed out only by the app, after its access check: no folder of files
    # is served to whoever has the URL, whatever the environment says
    flags += ["--server.enableStaticServing", "false"]
    shown_port = port or os.environ.get("STREAMLIT_SERVER_PORT") or 8501
    shown_host = host or os.environ.get("STREAMLIT_SERVER_ADDRESS") or "127.0.0.1"
    click.echo(f"Scrutineer is starting at http://{shown_host}:{shown_port} (Ctrl+C to stop)")
    sys.stdout.flush()
    os.execv(sys.executable, [sys.executable, "-m", "streamlit", "run", str(app), *flags])


def streamlit_flags(chosen: dict[str, Any], given: set[str], environ: Any) -> list[str]:
    """Command-line flags for Streamlit's options: each one given on our command line, and
    each default of ours whose STREAMLIT_* variable is not set (a flag would override it)."""
    flags = []
    for option, value in chosen.items():
        variable = "STREAMLIT_" + re.sub(r"(?<=[a-z])(?=[A-Z])", "_",
                                         option.replace(".", "_")).upper()
        if value is None or (option not in given and variable in environ):
            continue
        flags += [f"--{option}", str(value)]
    if "server.address" not in given and "STREAMLIT_SERVER_ADDRESS" not in environ \
            and chosen.get("server.address") is None:
        flags += ["--server.address", "127.0.0.1"]  # never every interface by default
    return flags


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
@click.option("--batch", type=click.Path(exists=True, dir_okay=False, allow_dash=True,
                                         path_type=Path),
              help="A JSONL file of {id, question, history?, filters?} lines (- reads them "
                   "from standard input).")
@filter_options
@domain_errors
def ask_command(question: str | None, as_json: bool, batch: Path | None, **filters: Any) -> None:
    """Answer a question from the library, citing the paragraph behind every sentence.

    \b
    Examples:
      scrutineer ask "What did the partnership say about county lines?"
      scrutineer ask --council Suffolk "How many refuge bed spaces are there?"
      scrutineer ask --batch questions.jsonl --json > answers.jsonl
      cat questions.jsonl | scrutineer ask --batch - > answers.jsonl

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
            question_id = str(record.get("id") or getattr(exc, "question_id", ""))
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
