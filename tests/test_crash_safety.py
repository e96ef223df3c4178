"""Crash safety with real ingest processes (tests/crash_targets.py): SIGKILL at seeded random
points of a run that replaces documents (and adds one) leaves a library that opens, where every
document is one whole version (all its paragraphs, its record, its search-index entries) or
absent, and which one more ingest brings to exactly what a clean ingest of the final files
gives. Half the kills fall anywhere in the run (uniform over a measured run's length), half in
its writes (uniform over the measured span from its first store write to its last). A kill
just after a document is published leaves it searchable. (Concurrent writers and readers:
tests/test_concurrent_access.py.)

Figures go to tests/output/crash_safety.json. ``SCRUTINEER_KILL_RUNS`` sets the number of kills
(20; `make stress` 100), ``SCRUTINEER_KILL_SEED`` their seed."""

from __future__ import annotations

import json
import os
import random
import time
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pytest

from assistant.answers import Filters
from assistant.assistant import Assistant
from assistant.documents import Document, Paragraph
from assistant.errors import LibraryDamagedError
from assistant.health import inspect
from assistant.library import Library
from assistant.retrieval import Retriever
from assistant.settings import Settings, get_settings
from ingest import ingest, remove, repair
from ingest.chunk import document_id
from tests.crash_corpus import QUESTION, Corpus, reopened, report
from tests.ingest_process import IngestProcess, save_figures

KILL_RUNS = int(os.environ.get("SCRUTINEER_KILL_RUNS", "20"))
KILL_SEED = int(os.environ.get("SCRUTINEER_KILL_SEED", "1729"))
WRITE_DELAY = {"SCRUTINEER_TEST_WRITE_DELAY": "0.01"}  # widens the windows between writes


def index_keys(retriever: Retriever) -> list[str]:
    """The paragraph keys in the search index as saved (what the next process loads)."""
    return json.loads((retriever.lexical.directory / "scrutineer.json").read_text())["ids"]


def check_whole(settings: Settings, corpus: Corpus, before: dict[str, str], old: str
                ) -> tuple[Counter[str], bool]:
    """Every document is one whole version, the old (``before``'s version, variant ``old``) or
    the new one (corpus.variant), or absent when it was new; a question is answered. Counts
    old/new/absent documents, and says whether the search index is current."""
    library = reopened(settings)
    names = corpus.names()
    documents = {d.doc_id: d for d in library.documents()}
    assert set(documents) <= set(names), "a document the corpus does not hold"
    outcome: Counter[str] = Counter()
    for doc_id, name in names.items():
        document = documents.get(doc_id)
        if document is None:
            assert doc_id not in before, f"{name} vanished"
            outcome["absent"] += 1
            continue
        paragraphs = library.paragraphs(doc_id)
        assert len(paragraphs) == document.paragraph_count > 0, name
        assert {p.version for p in paragraphs} == {document.version}, name
        texts = tuple(p.text for p in paragraphs)
        age = "old" if document.version == before.get(doc_id) else "new"
        variant = old if age == "old" else corpus.variant
        if variant not in corpus.texts[name]:
            variant = "a"  # the PDFs and fresh.md have one variant
        assert texts == corpus.texts[name][variant], f"{name}: not the {age} version's text"
        assert document.content_hash == corpus.hashes[name][variant], name
        outcome[age] += 1
    assert library.manifest is not None and library.manifest.embedding_model == "fake:64"
    answer = Assistant(settings, library).ask(QUESTION)
    assert all(c.passage.paragraph.version == documents[c.passage.document.doc_id].version
               for c in answer.citations)
    return outcome, index_is_current(library)


def repaired_if_unreadable(settings: Settings) -> bool:
    """Whether the kill left the store failing every read (a kill while Chroma's embedded
    store flushed its vector index); if so, opening it must say so naming `scrutineer repair`,
    and the repair must ingest every document again (checked by the caller's checks)."""
    library = reopened(settings)
    if not library.unreadable():
        return False
    with pytest.raises(LibraryDamagedError, match=r"store cannot be read.*`scrutineer repair`"):
        Assistant(settings, library)
    assert repair(settings).rebuilt
    return True


def orphans(library: Library) -> int:
    """Paragraphs stored that no published (or just replaced) document version holds."""
    return len(inspect(library).orphans)


def index_is_current(library: Library) -> bool:
    """Whether the search index a process gets (loaded as saved, or built) holds exactly the
    published paragraphs."""
    published = sorted(p.key for p, _ in library.export())
    assert len(published) == sum(d.paragraph_count for d in library.documents())
    retriever = Retriever(library)
    retriever.refresh(force=True)
    return sorted(index_keys(retriever)) == published


def snapshot(library: Library) -> dict[str, tuple[Document, list[Paragraph]]]:
    """The library's documents and paragraphs, without what differs between two ingests of
    the same files (versions and timestamps)."""
    return {d.file_name: (replace(d, ingested_at=""), library.paragraphs(d.doc_id))
            for d in library.documents()}


def kill_point(lines: list[str]) -> str:
    """Where in the run the trace says the kill landed."""
    if not lines:
        return "starting"
    last = lines[-1].split()
    if last[0] in (">", "<"):
        kind = last[2].rsplit("-", 1)[1]
        return f"{'in' if last[0] == '>' else 'after'} {last[1]} {kind}"
    return {"files": "parsing", "started": "embedding", "done": "indexing",
            "finished": "exiting"}.get(last[0], last[0])


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    return Corpus.make(tmp_path)


@dataclass
class Kill:
    """One run: when it was killed, where that landed, what it left, what re-ingest did."""

    run: int
    anchor: str  # the delay counts from: "start" of the process, its first store "writes"
    delay: float
    seconds: float = 0.0
    finished_first: bool = False
    point: str = "none"
    outcome: Counter[str] = field(default_factory=Counter)  # documents old, new, absent
    store_damaged: bool = False  # the kill left the embedded store unreadable: repaired
    orphans: int = 0  # paragraphs stored but not published that the kill left (new ones)
    stale_index: bool = False  # the saved search index did not hold the published paragraphs
    re_ingested: int = 0
    stale_index_after: bool = False
    cleared: int = 0  # unpublished paragraphs the re-ingest deleted at its end
    orphans_after: int = 0  # every unpublished paragraph stored after the re-ingest
    processes_left: int = 0  # of the killed ingest's process group, alive 3 s after


def versions(settings: Settings) -> dict[str, str]:
    return {d.doc_id: d.version for d in reopened(settings).documents()}


def write_window(lines: list[str]) -> float:
    """Seconds from a run's first store write to its last, from its trace."""
    stamps = [float(line.split()[0]) for line in lines if line.split()[1] in (">", "<")]
    return stamps[-1] - stamps[0]




@dataclass(frozen=True)
class Rig:
    """Where the SIGKILL runs happen: the corpus, the library's settings, the snapshots of
    clean ingests of each variant (with fresh.md), and a folder for the traces."""

    corpus: Corpus
    settings: Settings
    references: dict[str, dict[str, tuple[Document, list[Paragraph]]]]
    traces: Path


def run(rig: Rig, kill: Kill) -> Kill:
    """One forced ingest of the other variant plus fresh.md, killed as ``kill`` says; then
    the checks, the re-ingest, the comparison with a clean ingest, and fresh.md removed."""
    corpus, settings = rig.corpus, rig.settings
    before, old, orphaned = versions(settings), corpus.variant, orphans(reopened(settings))
    corpus.use("ab"[kill.run % 2])
    corpus.fresh.write_text(report(99, "a", 3))
    process = IngestProcess(["ingest", "--force", str(corpus.folder)],
                            rig.traces / f"run-{kill.run}.trace", WRITE_DELAY)
    if kill.anchor == "none":
        assert process.wait() == 0, process.output()
    else:
        if kill.anchor == "writes":
            process.wait_for("> ")
        time.sleep(kill.delay)
        kill.finished_first = process.process.poll() is not None
        kill.processes_left = process.kill()
        kill.point = kill_point(process.lines())
    kill.seconds = round(time.monotonic() - process.started, 3)
    kill.store_damaged = repaired_if_unreadable(settings)
    kill.outcome, current = check_whole(settings, corpus, before, old)
    kill.orphans = orphans(reopened(settings)) - orphaned
    kill.stale_index = not current
    assert current, f"a stale search index after a kill {kill.point}"
    recovery = ingest([corpus.folder], settings)
    assert recovery.exit_code == 0
    kill.re_ingested = recovery.counts["updated"] + recovery.counts["added"]
    final = reopened(settings)
    assert snapshot(final) == rig.references[corpus.variant]
    kill.stale_index_after = not index_is_current(final)
    assert not kill.stale_index_after, f"a stale search index after re-ingest ({kill.point})"
    kill.orphans_after = orphans(final)
    assert kill.orphans_after == 0, f"the re-ingest left unfinished writes ({kill.point})"
    kill.cleared = recovery.cleared
    assert remove([corpus.fresh], final).counts["removed"] == 1
    corpus.fresh.unlink()
    return kill


def kill_figures(measured: Kill, writing: float, kills: list[Kill]) -> dict[str, object]:
    """What the kills did, for tests/output/crash_safety.json."""
    left = sum((k.outcome for k in kills), Counter())
    return {
        "seed": KILL_SEED, "runs": len(kills), "full_run_seconds": measured.seconds,
        "write_window_seconds": round(writing, 3),
        "kill_points": dict(Counter(k.point for k in kills).most_common()),
        "documents_left": {k: left[k] for k in ("old", "new", "absent")},
        "runs_leaving_old_and_new": sum(bool(k.outcome["old"] and k.outcome["new"])
                                        for k in kills),
        "runs_leaving_an_unreadable_store_repaired": sum(k.store_damaged for k in kills),
        "runs_leaving_orphaned_paragraphs": sum(bool(k.orphans) for k in kills),
        "paragraphs_cleared_by_reingests": sum(k.cleared for k in kills),
        "runs_whose_orphans_reingest_left": sum(bool(k.orphans_after) for k in kills),
        "runs_with_a_stale_search_index": sum(k.stale_index for k in kills),
        "runs_with_a_stale_search_index_after_reingest": sum(k.stale_index_after
                                                             for k in kills),
        "runs_with_processes_left": sum(bool(k.processes_left) for k in kills),
        "every_run_recovered": True,
        "kills": [{**asdict(k), "outcome": dict(k.outcome)} for k in [measured, *kills]],
    }


def test_sigkill_at_random_points_leaves_whole_documents_and_reingest_finishes(
        corpus: Corpus, tmp_path: Path) -> None:
    settings = get_settings(parse_workers=0)  # the test's own ingests parse inline
    references = {}
    for variant in "ab":
        corpus.use(variant)
        clean = get_settings(data_dir=tmp_path / f"clean-{variant}", parse_workers=0)
        assert ingest([corpus.folder], clean).exit_code == 0
        references[variant] = snapshot(reopened(clean))
    corpus.fresh.unlink()
    corpus.use("a")
    assert ingest([corpus.folder], settings).exit_code == 0
    rig = Rig(corpus, settings, references, tmp_path)
    measured = run(rig, Kill(0, "none", 0.0))
    writing = write_window((tmp_path / "run-0.trace").read_text().splitlines())
    rng = random.Random(KILL_SEED)
    kills = [run(rig, Kill(n, "start", round(rng.uniform(0, measured.seconds), 3))
                 if n % 2 else Kill(n, "writes", round(rng.uniform(0, writing), 3)))
             for n in range(1, KILL_RUNS + 1)]
    figures = kill_figures(measured, writing, kills)
    save_figures("crash_safety", {"sigkill": figures})
    print(f"\n{KILL_RUNS} SIGKILLs over a {measured.seconds:.1f} s ingest: kill points "
          f"{figures['kill_points']}; documents left {figures['documents_left']}; orphaned "
          f"paragraphs left by {figures['runs_leaving_orphaned_paragraphs']} runs "
          f"({figures['paragraphs_cleared_by_reingests']} cleared by the re-ingests, "
          f"{figures['runs_whose_orphans_reingest_left']} left); stale "
          f"search index in {figures['runs_with_a_stale_search_index']} runs "
          f"({figures['runs_with_a_stale_search_index_after_reingest']} after re-ingest); "
          f"{figures['runs_leaving_an_unreadable_store_repaired']} left the store unreadable "
          f"and were repaired; every run recovered")


def test_a_kill_just_after_a_document_is_published_leaves_it_searchable(
        corpus: Corpus, tmp_path: Path) -> None:
    corpus.fresh.unlink()
    settings = get_settings(parse_workers=0)
    assert ingest([corpus.folder], settings).exit_code == 0
    corpus.use("b")
    process = IngestProcess(["ingest", str(corpus.folder)], tmp_path / "run.trace",
                            {"SCRUTINEER_TEST_WRITE_DELAY": "1"})  # each write waits 1 s
    process.wait_for("< upsert scrutineer-documents")  # published; the token is a second away
    process.kill()
    library = reopened(settings)
    doc_id = document_id(corpus.folder / "report-0.md")
    new = corpus.texts["report-0.md"]["b"]
    assert tuple(p.text for p in library.paragraphs(doc_id)) == new  # it was published
    retriever = Retriever(library)
    retriever.refresh(force=True)
    found = retriever.retrieve(new[0], library.embedder.embed_one(new[0]),
                               Filters(documents=(doc_id,)), k=5)
    assert found, "the published version of report-0.md is not found by search"
    assert index_is_current(library)
