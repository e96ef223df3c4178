"""Crash safety with real ingest processes (tests/crash_targets.py): SIGKILL at seeded random
points of a run that replaces documents (and adds one) leaves a library that opens, where every
document is one whole version (all its paragraphs, its record, its search-index entries) or
absent, and which one more ingest brings to exactly what a clean ingest of the final files
gives. Half the kills fall anywhere in the run (uniform over a measured run's length), half in
its writes (uniform over the measured span from its first store write to its last). Also: a
second writer is refused with a clear message, and readers in this process never see a mixture
of versions while another process replaces documents.

Figures go to tests/output/crash_safety.json. ``SCRUTINEER_KILL_RUNS`` sets the number of kills
(20; `make stress` 100), ``SCRUTINEER_KILL_SEED`` their seed."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pytest
from chromadb.errors import InternalError

from assistant.answers import Filters
from assistant.assistant import Assistant
from assistant.documents import Document, Paragraph
from assistant.errors import LibraryBusyError, LibraryDamagedError, StoreUnavailableError
from assistant.health import inspect
from assistant.library import Library
from assistant.retrieval import Retriever
from assistant.settings import Settings, get_settings
from bench.server import chroma_server
from ingest import ingest, remove, repair
from ingest.chunk import document_id
from ingest.parse import content_hash, parse_file
from tests.conftest import SAMPLES
from tests.crash_targets import VARIANT_SUFFIX, flip
from tests.ingest_process import IngestProcess, save_figures

KILL_RUNS = int(os.environ.get("SCRUTINEER_KILL_RUNS", "20"))
KILL_SEED = int(os.environ.get("SCRUTINEER_KILL_SEED", "1729"))
READ_SECONDS = float(os.environ.get("SCRUTINEER_LOAD_SECONDS", "30")) / 4
WRITE_DELAY = {"SCRUTINEER_TEST_WRITE_DELAY": "0.01"}  # widens the windows between writes
WORDS = ("knife", "crime", "patrols", "housing", "youth", "refuge", "funding", "schools",
         "drugs", "reoffending", "county", "lines", "victims", "outreach", "cameras")
QUESTION = "What did the board note about knife crime patrols in schools?"


def report(number: int, variant: str, sections: int) -> str:
    """A Markdown report whose numbered paragraphs differ between variants "a" and "b"."""
    rng = random.Random(f"{number}{variant}")
    lines = [f"# Safer Town {number} Partnership: {variant.upper()} review", "",
             f"Report to: Safer Town {number} Board", "", f"Date: {number + 3} March 2024", ""]
    for section in range(1, sections + 1):
        lines += [f"## {section}. Section {section} ({variant})", ""]
        for item in range(1, 5):
            words = " ".join(rng.choice(WORDS) for _ in range(30))
            lines += [f"{section}.{item} In version {variant} the board noted {words}.", ""]
    return "\n".join(lines)


@dataclass
class Corpus:
    """A folder of sample PDFs and Markdown reports in two variants (copied in by ``use``),
    plus ``fresh.md``, a document new to the library in every kill run."""

    folder: Path
    texts: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    hashes: dict[str, dict[str, str]] = field(default_factory=dict)
    variant: str = "a"

    @classmethod
    def make(cls, root: Path, reports: int = 5) -> Corpus:
        corpus = cls(root / "library")
        corpus.folder.mkdir(parents=True)
        for variant in "ab":
            folder = corpus.variants / variant
            folder.mkdir(parents=True)
            for number in range(reports):
                (folder / f"report-{number}.md").write_text(
                    report(number, variant, 2 + number % 3 * 2 + (variant == "b")))
        for pdf in SAMPLES.glob("*.pdf"):
            shutil.copy(pdf, corpus.folder)
        corpus.fresh.write_text(report(99, "a", 3))
        for variant in "ab":
            corpus.use(variant)
            for path in corpus.files():
                corpus.texts.setdefault(path.name, {})[variant] = tuple(
                    p.text for p in parse_file(path).paragraphs)
                corpus.hashes.setdefault(path.name, {})[variant] = content_hash(path)
        corpus.use("a")
        return corpus

    @property
    def variants(self) -> Path:
        return self.folder.with_name(self.folder.name + VARIANT_SUFFIX)

    @property
    def fresh(self) -> Path:
        return self.folder / "fresh.md"

    def use(self, variant: str) -> None:
        for path in (self.variants / variant).iterdir():
            shutil.copyfile(path, self.folder / path.name)
        self.variant = variant

    def files(self) -> list[Path]:
        return sorted(self.folder.iterdir())

    def names(self) -> dict[str, str]:
        """Document id -> file name, for every file that may be in the library."""
        return {document_id(p): p.name for p in [*self.files(), self.fresh]}


def reopened(settings: Settings) -> Library:
    """The library as a new process opens it: Chroma's in-process cache of open stores is
    dropped first (an embedded store opened before another process wrote is stale)."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    return Library(settings)


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


def test_a_second_ingest_and_other_processes_questions_are_refused_while_one_runs(
        tmp_path: Path) -> None:
    folder = tmp_path / "samples"
    shutil.copytree(SAMPLES, folder)
    first = IngestProcess(["ingest", str(folder)], tmp_path / "first.trace",
                          {"SCRUTINEER_TEST_WRITE_DELAY": "600"})  # it holds the lock, waiting
    first.wait_for("files")
    second = subprocess.run([str(Path(sys.executable).parent / "scrutineer"), "ingest",
                             str(folder)], capture_output=True, text=True, timeout=120)
    assert second.returncode == 1, second.stdout + second.stderr
    assert f"is being written by ingest (pid {first.pid}, started " in second.stderr
    assert "Wait for it to finish, then run the ingest again." in second.stderr
    asker = IngestProcess(["cli", "ask", QUESTION], tmp_path / "asker.trace")
    assert asker.wait() == 1, asker.output()  # the embedded store is the writer's meanwhile
    assert f"is being written by ingest (pid {first.pid}, started " in asker.output()
    assert "Ask again when it has finished; to answer during ingests, serve the store with " \
           "`chroma run` and set SCRUTINEER_CHROMA_URL." in asker.output()
    assert first.process.poll() is None
    first.kill()
    third = IngestProcess(["cli", "ingest", str(folder)], tmp_path / "third.trace")
    assert third.wait() == 0, third.output()
    assert "3 added" in third.output()
    assert len(reopened(get_settings()).documents()) == 3
    save_figures("crash_safety", {"lock": {"refused_with": second.stderr.strip()}})


class ThreadWriter:
    """The loop of ``crash_targets loop --flip`` in a thread of this process, as the app's
    Library page ingests uploads while its chat answers."""

    def __init__(self, corpus: Corpus, settings: Settings) -> None:
        self.rounds, self.error = 0, ""
        self._stop, self._started = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._loop, args=(corpus, settings))
        self._thread.start()

    def _loop(self, corpus: Corpus, settings: Settings) -> None:
        try:
            while not self._stop.is_set():
                self.rounds += 1
                flip(corpus.folder, self.rounds)
                self._started.set()
                assert ingest([corpus.folder], settings, force=True).exit_code == 0
        except Exception as exc:  # reported by stop()
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self._started.set()

    def wait_for_writes(self) -> None:
        assert self._started.wait(60)

    def stop(self) -> str:
        self._stop.set()
        self._thread.join(300)
        return self.error


class ProcessWriter:
    """``crash_targets loop --flip``: another process replacing every document, round after
    round (``pause`` seconds between rounds)."""

    def __init__(self, corpus: Corpus, tmp_path: Path, pause: float) -> None:
        self._stop = tmp_path / "stop"
        self.process = IngestProcess(
            ["loop", "--stop", str(self._stop), "--flip", str(corpus.folder), "--pause",
             str(pause), str(corpus.folder)], tmp_path / "writer.trace",
            {"SCRUTINEER_TEST_WRITE_DELAY": "0.005"})

    @property
    def rounds(self) -> int:
        return sum(line.startswith("round") for line in self.process.lines())

    def wait_for_writes(self) -> None:
        self.process.wait_for("> upsert")

    def stop(self) -> str:
        self._stop.touch()
        status = self.process.wait()
        return "" if status == 0 else self.process.output()


@dataclass
class Reads:
    """What the readers did and saw."""

    paragraph_reads: int = 0
    searches: int = 0
    passages_checked: int = 0
    refused: int = 0  # calls refused while another process wrote the embedded store
    refusal: str = ""
    failed: list[str] = field(default_factory=list)  # search-index rebuilds that failed


@pytest.fixture(params=["embedded-thread", "embedded-process",
                        pytest.param("server", marks=pytest.mark.server)])
def backend(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
            ) -> Iterator[str]:
    """Where the writer runs and the store it shares with the readers: a thread of this
    process or another process on the embedded store, or another process on a server."""
    if request.param.startswith("embedded"):
        yield request.param
        return
    with chroma_server(tmp_path / "server", tmp_path / "chroma.log") as url:
        monkeypatch.setenv("SCRUTINEER_CHROMA_URL", url)
        yield "server"


def read_once(library: Library, retriever: Retriever, vector: list[float],
              wholes: dict[str, set[tuple[str, ...]]], seen: dict[str, set[str]],
              reads: Reads) -> None:
    """Read every document and search once, checking that each is one whole version."""
    for doc_id, texts in wholes.items():
        paragraphs = library.paragraphs(doc_id)
        versions_read = {p.version for p in paragraphs}
        assert len(versions_read) == 1, f"{doc_id}: versions {versions_read}"
        assert tuple(p.text for p in paragraphs) in texts, doc_id
        seen[doc_id] |= versions_read
        reads.paragraph_reads += 1
    try:
        retriever.refresh(force=True)
    except (InternalError, StoreUnavailableError) as exc:
        reads.failed.append(f"{type(exc).__name__}: {exc}")
    found = retriever.retrieve(QUESTION, vector, Filters(), k=20)
    reads.searches += 1
    reads.passages_checked += len(found)
    for doc_id in {p.document.doc_id for p in found}:
        mine = [p for p in found if p.document.doc_id == doc_id]
        assert {p.paragraph.version for p in mine} == {mine[0].document.version}
        assert any(all(w[p.paragraph.ordinal] == p.paragraph.text for p in mine)
                   for w in wholes[doc_id]), doc_id


def test_readers_during_replacements_see_one_whole_version(
        backend: str, corpus: Corpus, tmp_path: Path) -> None:
    corpus.fresh.unlink()
    settings = get_settings(parse_workers=0)
    assert ingest([corpus.folder], settings).exit_code == 0
    wholes = {document_id(p): set(corpus.texts[p.name].values()) for p in corpus.files()}
    library = Library(settings)
    retriever = Retriever(library)
    vector = library.embedder.embed_one(QUESTION)
    seen: dict[str, set[str]] = {d: set() for d in wholes}
    reads = Reads()
    writer = ThreadWriter(corpus, settings) if backend == "embedded-thread" else \
        ProcessWriter(corpus, tmp_path, 0.3 if backend == "embedded-process" else 0.0)
    try:
        writer.wait_for_writes()
        deadline = time.monotonic() + READ_SECONDS
        while time.monotonic() < deadline:
            try:
                read_once(library, retriever, vector, wholes, seen, reads)
            except LibraryBusyError as exc:  # only another process on the embedded store
                reads.refused += 1
                reads.refusal = str(exc)
                time.sleep(0.01)
    finally:
        error = writer.stop()
    assert not error, error
    assert min(len(v) for v in seen.values()) > 1  # every document was replaced under reads
    figures = {"seconds": READ_SECONDS, "writer_rounds": writer.rounds, **asdict(reads),
               "versions_read_per_document": sorted(len(v) for v in seen.values())}
    save_figures("crash_safety", {f"readers_{backend}": figures})
    print(f"\nreaders ({backend}): {reads.paragraph_reads} paragraph reads and "
          f"{reads.searches} searches during {writer.rounds} forced re-ingests, every one a "
          f"whole version; {reads.refused} calls refused while the writer wrote; "
          f"{len(reads.failed)} of {reads.searches} search index rebuilds failed")
    assert not reads.failed, f"{len(reads.failed)} rebuilds failed: {reads.failed[0]}"
    if backend == "embedded-process":
        assert reads.refused and reads.refusal.startswith(
            f"The library at {settings.data_dir} is being written by ingest (pid ")
        assert "serve the store with `chroma run` and set SCRUTINEER_CHROMA_URL" in reads.refusal
    else:
        assert not reads.refused, reads.refusal
