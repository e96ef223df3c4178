"""Fuzzing the access-level detector with exempt reports as councils write them: seeded
variants (tests/exempt_variants.py) put an exempt, confidential or (one in ten) public
statement into a real report header, laid out ten ways, as text, Markdown, PDF and Word. All
are ingested once beside the public samples. Every restricted variant must be stored above
public, every public control public, and in a public deployment no restricted variant's
secrets may appear on any path: answers, search, the library, export, the search index's
vocabulary, the CLI, evaluation outputs and served originals.

SCRUTINEER_EXEMPT_CASES sets the count (500 by default; `make stress` runs 5,000) and
SCRUTINEER_EXEMPT_SEED the seed. Outcomes go to tests/output/exempt_fuzz.json."""

from __future__ import annotations

import json
import os
import random
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.answers import Filters
from assistant.assistant import Assistant
from assistant.documents import Passage
from assistant.lexical import tokenize
from assistant.library import Library
from assistant.settings import Settings
from ingest import ingest
from tests.conftest import ROOT, SAMPLES
from tests.exempt_leaks import LeakFinder, describe, failure_message, write_report
from tests.exempt_variants import SEED, Variant, generate

CASES = int(os.environ.get("SCRUTINEER_EXEMPT_CASES", "500"))
RUN_SEED = int(os.environ.get("SCRUTINEER_EXEMPT_SEED", str(SEED)))
MAX_ASKED = 600  # questions put to Assistant.ask; a seeded sample beyond that
CLI_ASKED = 20  # questions through `scrutineer ask` and through the evaluation harness
REPORT = ROOT / "tests" / "output" / "exempt_fuzz.json"
MODEL = "fake:64"
pytestmark = pytest.mark.timeout(3600)  # `make stress` ingests 5,000 variants


@dataclass
class Fuzzed:
    """The variants, ingested once, and the public deployment over them."""

    variants: list[Variant]
    stored: dict[str, str]  # file name -> stored access level
    doc_ids: dict[str, str]  # file name -> document id
    notes: dict[str, str]  # file name -> what ingest said of it
    failed: dict[str, str]  # file name -> why ingest could not read it
    public: Assistant
    seconds: dict[str, float]

    @property
    def restricted(self) -> list[Variant]:
        """The variants a public deployment must never show."""
        return [v for v in self.variants if v.expected == "restricted"]


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Fuzzed:
    """Every variant and the public samples, ingested once into an embedded store."""
    started = time.perf_counter()
    variants = generate(CASES, RUN_SEED, kent_limit=max(20, CASES // 60))
    folder = tmp_path_factory.mktemp("exempt-variants")
    for variant in variants:
        (folder / variant.name).write_bytes(variant.data)
    generated = time.perf_counter()
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), embedding_model=MODEL,
                        chroma_url="", access="public")
    summary = ingest([folder, SAMPLES], settings)
    documents = Library(settings).unrestricted().documents()
    notes = {Path(r.path).name: "; ".join(r.notes) for r in summary.results if r.notes}
    failed = {Path(r.path).name: r.reason for r in summary.failed}
    return Fuzzed(variants, {d.file_name: d.meta.access for d in documents},
                  {d.file_name: d.doc_id for d in documents}, notes, failed, Assistant(settings),
                  {"generate": generated - started, "ingest": time.perf_counter() - generated})


def cleared(public: Assistant, level: str) -> Assistant:
    """The same library seen by a deployment cleared to ``level``."""
    settings = public.settings.model_copy(update={"access": level})
    return Assistant(settings, Library(settings, public.library.embedder))


def test_a_cleared_deployment_finds_a_restricted_variant(fuzzed: Fuzzed) -> None:
    """So a detector that simply dropped every document would fail."""
    level = "exempt" if "exempt" in fuzzed.stored.values() else "confidential"
    candidates = [v for v in fuzzed.restricted if fuzzed.stored.get(v.name) == level][:10]
    assert candidates, "no variant was stored as exempt or confidential"
    assistant = cleared(fuzzed.public, level)
    found = [v for v in candidates if fuzzed.doc_ids[v.name] in {
        p.document.doc_id for p in assistant.search(v.question, Filters(include_exempt=True))}]
    assert found, f"a {level} deployment found none of {[v.name for v in candidates]}"


def test_the_public_paths_show_the_public_controls(fuzzed: Fuzzed) -> None:
    """The leak checks can see: a public control's names are in the search index's vocabulary
    (every one) and a search for its unique name finds it (most: among thousands of
    look-alike variants hybrid ranking may put it below the top ten), as a restricted
    variant's would if let through."""
    controls = [v for v in fuzzed.variants if v.expected == "public"
                and fuzzed.stored.get(v.name) == "public"]
    assert controls, "no public control was stored public"
    fuzzed.public.retriever.refresh(force=True)
    lexical = fuzzed.public.retriever.lexical
    unknown = [n for v in controls for n in v.secrets[:2]
               if not all(lexical.knows(t) for t in tokenize(n))]
    assert not unknown, f"public controls' names missing from the search index: {unknown}"
    unseen = [v.name for v in controls if fuzzed.doc_ids[v.name] not in {
        p.document.doc_id for p in fuzzed.public.search(v.secrets[0])}]
    assert len(unseen) <= len(controls) / 2, f"controls not found by their names: {unseen}"


def misses_of(fuzzed: Fuzzed) -> list[dict[str, str]]:
    """Restricted variants stored public, and public controls stored restricted."""
    missed = []
    for variant in fuzzed.variants:
        stored = fuzzed.stored.get(variant.name, "absent")
        if (stored == "public") != (variant.expected == "public"):
            missed.append({**describe(variant), "stored": stored,
                           "notes": fuzzed.notes.get(variant.name, "")})
    return missed


def check_answers(fuzzed: Fuzzed, finder: LeakFinder, asked: list[Variant]) -> None:
    """Assistant.ask and Assistant.search for each question naming a restricted secret."""
    for variant in asked:
        finder.check_answer(fuzzed.public.ask(variant.question), variant)
        finder.check_passages("search", fuzzed.public.search(variant.question))


def check_library(fuzzed: Fuzzed, finder: LeakFinder) -> None:
    """documents(), paragraphs() of each visible and each hidden document, export()."""
    library = fuzzed.public.library
    visible = library.documents()
    finder.check_ids("library.documents", (d.doc_id for d in visible))
    finder.scan("library.documents", "\n".join(repr(d) for d in visible))
    for document in visible:
        finder.check_passages("library.paragraphs", (
            Passage(p, document, 0.0) for p in library.paragraphs(document.doc_id)))
    for doc_id in finder.hidden:
        if library.paragraphs(doc_id) or library.document(doc_id) is not None:
            finder.record("library.paragraphs/document by id", doc_id)
    exported = list(library.export())
    finder.check_ids("library.export", (p.doc_id for p, _ in exported))
    finder.scan("library.export", "\n".join(p.text for p, _ in exported))


def check_vocabulary(fuzzed: Fuzzed, finder: LeakFinder) -> None:
    """The search index knows no word of a restricted variant's names."""
    fuzzed.public.retriever.refresh(force=True)
    lexical = fuzzed.public.retriever.lexical
    for variant in fuzzed.restricted:
        for name in variant.secrets[:2]:
            if any(lexical.knows(term) for term in tokenize(name)):
                finder.record("search index vocabulary", name)


def check_originals(fuzzed: Fuzzed, finder: LeakFinder) -> None:
    """Served originals (when the Assistant serves them): none for a restricted variant."""
    original = getattr(fuzzed.public, "original", None)
    page_image = getattr(fuzzed.public, "page_image", None)
    for doc_id, variant in finder.hidden.items():
        if original is not None and original(doc_id) is not None:
            finder.record("original", doc_id)
        if page_image is not None and variant.format == ".pdf" and page_image(doc_id, 1):
            finder.record("page image", doc_id)


def check_cli(fuzzed: Fuzzed, finder: LeakFinder, asked: list[Variant], folder: Path,
              monkeypatch: pytest.MonkeyPatch) -> None:
    """`scrutineer library`, `paragraphs` of hidden files, `ask --json` (one and a batch)."""
    from ui.cli import main

    monkeypatch.setenv("SCRUTINEER_DATA_DIR", str(fuzzed.public.settings.data_dir))
    monkeypatch.setenv("SCRUTINEER_EMBEDDING_MODEL", MODEL)
    monkeypatch.setenv("SCRUTINEER_ACCESS", "public")
    monkeypatch.setenv("COLUMNS", "300")
    runner = CliRunner()
    listing = runner.invoke(main, ["library"])
    assert listing.exit_code == 0, listing.output
    finder.scan("cli library", listing.output)
    for variant in asked:
        shown = runner.invoke(main, ["paragraphs", variant.name])
        finder.scan("cli paragraphs", shown.output, ignore={variant.name})  # echoed back
        if shown.exit_code == 0:
            finder.record("cli paragraphs (exit 0)", variant.name)
    one = runner.invoke(main, ["ask", asked[0].question, "--json"])
    finder.scan_lines("cli ask --json", one.output, asked[:1])
    batch = folder / "questions.jsonl"
    batch.write_text("".join(json.dumps({"id": f"q{n}", "question": v.question}) + "\n"
                             for n, v in enumerate(asked)))
    answered = runner.invoke(main, ["ask", "--batch", str(batch), "--json"])
    assert answered.output.count("\n") >= len(asked), answered.output[-2000:]
    finder.scan_lines("cli ask --batch --json", answered.output, asked)


def check_evaluation(fuzzed: Fuzzed, finder: LeakFinder, asked: list[Variant],
                     folder: Path) -> None:
    """The evaluation harness's outputs for both pipelines over the variants' questions."""
    from eval.runner import run

    testset = folder / "set.jsonl"
    testset.write_text("".join(json.dumps({"id": f"x{n}", "question": v.question,
                                           "answerable": False, "history": [],
                                           "evidence": []}) + "\n"
                               for n, v in enumerate(asked)))
    out = folder / "eval"
    run(testset, fuzzed.public.settings.data_dir, ["scrutineer", "naive-langchain"], out)
    written = [p for p in out.rglob("*") if p.is_file()
               and p.suffix in (".jsonl", ".json", ".md", ".html", ".csv", ".txt")]
    assert written, "the evaluation wrote nothing"
    for path in written:
        finder.scan_lines(f"evaluation {path.name}", path.read_text(errors="replace"), asked)


def test_no_restricted_variant_reaches_a_public_path(fuzzed: Fuzzed, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Every restricted variant stored above public, every control public, and no restricted
    variant's secret, file name or document id on any path of a public deployment."""
    started = time.perf_counter()
    monkeypatch.delenv("SCRUTINEER_ACCESS", raising=False)
    misses = misses_of(fuzzed)
    finder = LeakFinder(fuzzed.restricted, fuzzed.doc_ids, fuzzed.stored)
    rng = random.Random(RUN_SEED)
    asked = fuzzed.restricted
    if len(asked) > MAX_ASKED:
        asked = rng.sample(asked, MAX_ASKED)
    check_answers(fuzzed, finder, asked)
    asking = time.perf_counter()
    check_library(fuzzed, finder)
    check_vocabulary(fuzzed, finder)
    check_originals(fuzzed, finder)
    few = rng.sample(fuzzed.restricted, min(CLI_ASKED, len(fuzzed.restricted)))
    check_cli(fuzzed, finder, few, tmp_path, monkeypatch)
    check_evaluation(fuzzed, finder, few, tmp_path)
    seconds = {**fuzzed.seconds, "ask": asking - started,
               "other paths": time.perf_counter() - asking}
    run = {"cases": CASES, "seed": RUN_SEED, "asked": len(asked),
           "seconds": {k: round(v, 1) for k, v in seconds.items()}, "failed": fuzzed.failed}
    report = write_report(REPORT, run, fuzzed.variants, misses, finder.leaks)
    print(json.dumps({k: v for k, v in report.items()
                      if k not in ("counts", "miss_list", "leak_list")}, indent=1))
    unread = f"could not ingest {fuzzed.failed}\n" if fuzzed.failed else ""
    clean = not (fuzzed.failed or misses or finder.leaks)
    assert clean, unread + failure_message(misses, finder.leaks, REPORT)
