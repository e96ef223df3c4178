"""Concurrent access with real processes: a second writer, and questions from another process on
an embedded store, are refused with clear messages while an ingest runs; and readers never see
a mixture of versions while documents are replaced under them, whether the writer is a thread
of the reading process or another process on the embedded store, or another process on a
`chroma run` server. Figures go to tests/output/crash_safety.json; ``SCRUTINEER_LOAD_SECONDS``
/ 4 bounds the readers (7.5 s; `make stress` 30 s)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest
from chromadb.errors import InternalError

from assistant.answers import Filters
from assistant.errors import LibraryBusyError, StoreUnavailableError
from assistant.library import Library
from assistant.retrieval import Retriever
from assistant.settings import Settings, get_settings
from bench.server import chroma_server
from ingest import ingest
from ingest.chunk import document_id
from tests.conftest import SAMPLES
from tests.crash_corpus import QUESTION, Corpus, reopened
from tests.crash_targets import flip
from tests.ingest_process import IngestProcess, save_figures

READ_SECONDS = float(os.environ.get("SCRUTINEER_LOAD_SECONDS", "30")) / 4


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    return Corpus.make(tmp_path)


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
