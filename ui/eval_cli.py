"""`scrutineer eval ...`: run, score and compare evaluations from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from eval.pipelines import PIPELINES


@click.group("eval")
def eval_group() -> None:
    """Measure retrieval, citation accuracy, grounding and abstention on test sets."""


@eval_group.command("run")
@click.argument("testset", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--library", type=click.Path(exists=True, path_type=Path),
              help="A data directory, or a folder of documents to ingest into OUT/data.")
@click.option("--pipeline", "pipelines", multiple=True, type=click.Choice(PIPELINES),
              default=("scrutineer",), show_default=True, help="Repeat to compare several.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("eval-run"),
              show_default=True, help="Where results and reports are written.")
def run_command(testset: Path, library: Path | None, pipelines: tuple[str, ...], out: Path
                ) -> None:
    """Answer every question with each pipeline, grade, and write the reports.

    \b
    Example:
      scrutineer eval run eval/data/samples.jsonl --library samples/library \\
          --pipeline scrutineer --pipeline naive-langchain --out runs/today
    """
    from eval.report import markdown
    from eval.runner import run

    with click.progressbar(length=0, label="questions") as bar:
        def progress(name: str, done: int, total: int) -> None:
            bar.length = total
            bar.label = name
            bar.update(1)

        summary = _guard(lambda: run(testset, library, pipelines, out, progress))
    click.echo(markdown(summary, testset.name))
    click.echo(f"\nWrote {out / 'results.jsonl'}, summary.json, report.md and report.html")


@eval_group.command("dev")
@click.option("--corpus", type=click.Path(path_type=Path), default=None,
              help="The shared corpus (default: ../shared/corpus beside the project).")
@click.option("--source", "sources", multiple=True,
              type=click.Choice(["seeds-kent", "councils", "qmsum-val"]),
              help="Only these sources (repeat); default all that are present.")
@click.option("--baselines", is_flag=True,
              help="Also run dense-only, BM25-only and the naive LangChain pipeline.")
@click.option("--work", type=click.Path(path_type=Path), default=Path("eval-runs"),
              show_default=True, help="Where each source's library is kept between runs.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Where results go (default: eval-runs/dev-<date-time>).")
@click.option("--shipped-models", is_flag=True,
              help="Rank and decide with assistant/ranker.json and decider.json as shipped "
                   "(fitted on these very sources: not out-of-sample figures) instead of "
                   "models fitted without each source.")
def dev_command(corpus: Path | None, sources: tuple[str, ...], baselines: bool, work: Path,
                out: Path | None, shipped_models: bool) -> None:
    """Measure the shipped pipeline on every development source: one table per source.

    \b
    Example:
      scrutineer eval dev --baselines
    """
    import time

    from eval.dev import DEFAULT_CORPUS, SOURCE_NAMES, run_dev
    from eval.devtable import dev_markdown

    out = out or Path("eval-runs") / time.strftime("dev-%Y%m%d-%H%M%S")
    pipelines = PIPELINES if baselines else ("scrutineer",)

    def progress(source: str, pipeline: str, done: int, total: int) -> None:
        if done == total or done % 25 == 0:
            click.echo(f"  {source} / {pipeline}: {done}/{total}", err=True)

    results = _guard(lambda: run_dev(corpus or DEFAULT_CORPUS, work, out, pipelines,
                                     sources or SOURCE_NAMES, progress, not shipped_models))
    click.echo(dev_markdown(results))
    click.echo(f"Wrote {out / 'dev.md'}, dev.json and per-source results.jsonl")


def fitting_options(command):
    """The options every fitting command takes: where the corpus and the libraries are."""
    command = click.option("--work", type=click.Path(path_type=Path),
                           default=Path("eval-runs"), show_default=True,
                           help="Where each source's library is kept between runs.")(command)
    return click.option("--corpus", type=click.Path(path_type=Path), default=None,
                        help="The shared corpus (default: ../shared/corpus beside the "
                             "project).")(command)


@eval_group.command("fit-ranker")
@fitting_options
@click.option("--dry-run", is_flag=True, help="Report only; do not write assistant/ranker.json.")
def fit_ranker_command(corpus: Path | None, work: Path, dry_run: bool) -> None:
    """Fit the ranker on every development source and write assistant/ranker.json, after
    reporting it out of sample (fitted without the source measured, and by cross-validation
    grouped by council, meeting or document) beside RRF, dense and BM25 alone.

    \b
    Example:
      scrutineer eval fit-ranker
    """
    from eval.fit_ranker import collect, report, write

    sources = _ingested_sources(corpus, work)
    pools = collect(sources, work)
    _echo_report(report(pools))
    if not dry_run:
        write(pools)
        click.echo("Wrote assistant/ranker.json")


@eval_group.command("fit-decider")
@fitting_options
@click.option("--rows", type=click.Path(path_type=Path), default=None,
              help="Cache of the decision rows (default: WORK/decision-rows-<features>.jsonl).")
@click.option("--dry-run", is_flag=True, help="Report only; do not write assistant/decider.json.")
def fit_decider_command(corpus: Path | None, work: Path, rows: Path | None, dry_run: bool
                        ) -> None:
    """Fit the decision to answer or abstain on every development source (with near-miss
    questions made from the answerable ones) and write assistant/decider.json, after
    reporting it per source beside the hand rules: fitted without that source, and by
    cross-validation grouped by council, meeting or document across every source.

    \b
    Example:
      scrutineer eval fit-decider
    """
    from eval.decision_data import collect_rows, default_cache
    from eval.fit_decider import report, write

    sources = _ingested_sources(corpus, work)
    found = collect_rows(sources, work, rows or default_cache(work))
    _echo_report(report(found))
    if not dry_run:
        write(found)
        click.echo("Wrote assistant/decider.json")


@eval_group.command("fit-selector")
@fitting_options
@click.option("--dry-run", is_flag=True, help="Report only; do not write assistant/selector.json.")
def fit_selector_command(corpus: Path | None, work: Path, dry_run: bool) -> None:
    """Fit the model that picks the sentences an answer quotes on every development source
    and write assistant/selector.json, after reporting it per source beside the hand-set
    score: fitted without that source, and by cross-validation grouped by council, meeting
    or document. Run it after fit-ranker and before fit-decider.

    \b
    Example:
      scrutineer eval fit-selector
    """
    from eval.fit_selector import report, write
    from eval.selection_data import collect_questions, default_cache

    sources = _ingested_sources(corpus, work)
    found = collect_questions(sources, work, default_cache(work))
    _echo_report(report(found))
    if not dry_run:
        write(found)
        click.echo("Wrote assistant/selector.json")


def _ingested_sources(corpus: Path | None, work: Path) -> list:
    """Every development source (the training-only ones too), each ingested into its own
    library under WORK (unchanged files are not read again)."""
    from eval.dev import DEFAULT_CORPUS, SOURCE_NAMES, TRAINING_ONLY, find_sources, source_settings
    from ingest import ingest

    sources = find_sources(corpus or DEFAULT_CORPUS, work, SOURCE_NAMES + TRAINING_ONLY)
    if not sources:
        raise click.ClickException("No development source found: it needs ../shared/corpus.")
    for source in sources:
        ingest(list(source.folders), source_settings(source, work))
    return sources


def _echo_report(report: dict) -> None:
    """A fitting report: per source, one line per way of deciding or ranking."""
    for source, entry in report.items():
        click.echo(f"{source}:")
        for name, row in entry.items():
            click.echo(f"  {name:<24} " + "  ".join(f"{k} {v}" for k, v in row.items()))


@eval_group.command("score")
@click.argument("testset", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("answers", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def score_command(testset: Path, answers: Path) -> None:
    """Grade answers from any system written in the `scrutineer ask --json` layout.

    \b
    Example:
      scrutineer ask --batch questions.jsonl --json > answers.jsonl
      scrutineer eval score questions.jsonl answers.jsonl
    """
    from eval.runner import score

    click.echo(json.dumps(_guard(lambda: score(testset, answers)), indent=2))


@eval_group.command("compare")
@click.argument("run_a", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("run_b", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help="Print {pipeline: {metric: {better, worse, same, p_value}}} as JSON.")
def compare_command(run_a: Path, run_b: Path, as_json: bool) -> None:
    """What got better and worse from RUN_A to RUN_B, question by question.

    \b
    Examples:
      scrutineer eval compare runs/monday runs/tuesday
      scrutineer eval compare --json runs/monday runs/tuesday
    """
    from eval.runner import compare

    report = _guard(lambda: compare(run_a, run_b))
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    for pipeline, metrics in report.items():
        click.echo(f"{pipeline}:")
        for metric, entry in metrics.items():
            click.echo(f"  {metric}: {len(entry['better'])} better, {len(entry['worse'])} "
                       f"worse, {entry['same']} same (sign test p={entry['p_value']})")
            for question in entry["worse"]:
                click.echo(f"    worse: {question}")


@eval_group.command("import-qmsum")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Folder for documents/ and testset.jsonl.")
def import_qmsum_command(source: Path, out: Path) -> None:
    """Convert a QMSum committee split (JSONL) into documents and a test set.

    \b
    Example:
      scrutineer eval import-qmsum ../shared/corpus/qmsum-committee/val.jsonl --out qmsum-val
      scrutineer eval run qmsum-val/testset.jsonl --library qmsum-val/documents --out runs/qmsum
    """
    from eval.qmsum import convert, write_testset

    documents, items = convert(source, out)
    write_testset(items, out / "testset.jsonl")
    click.echo(f"Wrote {len(documents)} meetings to {out / 'documents'} and {len(items)} "
               f"questions to {out / 'testset.jsonl'}")


def _guard(action: Any) -> Any:
    from assistant.errors import ScrutineerError

    try:
        return action()
    except (ScrutineerError, ValueError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from exc
