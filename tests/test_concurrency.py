"""Eight askers and one ingest at once against a real `chroma run` server on loopback, with the
real embedding model: no errors, every answer the same as the single-threaded answer to its
question (the ingest writes new versions of the same documents, with the same content), and
the latency figures reported in tests/output/concurrency.json.

The ingest process writes the samples again and again (a round is short, so documents are
replaced all through the load; 7 of the 16 questions are answered from them).
``SCRUTINEER_LOAD_SECONDS`` bounds the load (30 s: half with one Assistant shared by every
asker, as the UI shares one per process; half with an Assistant each, its own library, store
client and search index, sharing only the warm cache of sentence vectors; `make stress` 120).
"""

from __future__ import annotations

import json
import os
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from assistant.answers import Answer
from assistant.assistant import Assistant
from assistant.settings import DEFAULT_EMBEDDING_MODEL, Settings
from bench.measure import summary
from bench.server import chroma_server
from ingest import ingest
from tests.conftest import ROOT, SAMPLES, SEEDS
from tests.ingest_process import IngestProcess, save_figures

pytestmark = pytest.mark.server
LOAD_SECONDS = float(os.environ.get("SCRUTINEER_LOAD_SECONDS", "30"))
ASKERS = 8
SEED_QUESTIONS = ("k001", "k005", "k007", "k026", "k033", "k041", "k046", "k049", "k053")
SAMPLE_QUESTIONS = ("s01", "s03", "s07", "s10", "s12", "u01", "u03")


@dataclass(frozen=True)
class Question:
    text: str
    history: tuple[tuple[str, str], ...] = ()  # earlier turns: (role, content)

    def ask(self, assistant: Assistant) -> Answer:
        return assistant.ask(self.text, [{"role": r, "content": c} for r, c in self.history])


def questions() -> list[Question]:
    """16 evaluation questions (answerable, abstaining, lists, tables, precedent, a follow-up)
    over the documents ingested: seeds and samples, or the samples alone."""
    rows, samples = {}, []
    for name in ("samples.jsonl", "seeds_kent.jsonl"):
        for line in (ROOT / "eval" / "data" / name).read_text().splitlines():
            row = json.loads(line)
            rows[row["id"]] = row
            samples += [row["id"]] if name == "samples.jsonl" else []
    ids = SAMPLE_QUESTIONS + SEED_QUESTIONS if SEEDS.is_dir() else tuple(samples)
    return [Question(rows[i]["question"], tuple((t["role"], t["content"]) for t in
                                                rows[i].get("history") or ())) for i in ids]


def fingerprint(answer: Answer) -> tuple:
    """What must not change while the documents are re-ingested: the text, whether it
    abstained, and each citation's document, paragraph and quote (not the stored version)."""
    return (answer.text, answer.abstained, tuple(
        (c.n, c.passage.document.doc_id, c.passage.paragraph.para_id, c.quote)
        for c in answer.citations))


@dataclass
class Load:
    """What the askers saw: latencies in ms, errors with tracebacks, answers that differed."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    differed: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def figures(self, seconds: float) -> dict[str, object]:
        return {"seconds": round(seconds, 1), "answers": len(self.latencies),
                "answers_per_second": round(len(self.latencies) / seconds, 2),
                "latency_ms": summary(self.latencies) if self.latencies else {},
                "errors": len(self.errors), "answers_that_differed": len(self.differed),
                "first_error": self.errors[0] if self.errors else "",
                "differed_for_example": self.differed[:2]}


def ask_for(assistants: list[Assistant], asked: list[Question], reference: dict[Question, tuple],
            seconds: float) -> tuple[Load, float]:
    """ASKERS threads asking in turn (each from its own place in the list) until ``seconds``
    have passed, thread i with ``assistants[i % len(assistants)]``."""
    load = Load()
    deadline = time.monotonic() + seconds

    def asker(number: int) -> None:
        assistant = assistants[number % len(assistants)]
        turn = number * 2
        while time.monotonic() < deadline:
            question = asked[turn % len(asked)]
            turn += 1
            started = time.perf_counter()
            try:
                answer = question.ask(assistant)
            except Exception:
                with load.lock:
                    load.errors.append(traceback.format_exc())
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with load.lock:
                load.latencies.append(elapsed)
                if fingerprint(answer) != reference[question]:
                    load.differed.append(f"{question.text!r}: {answer.text!r} instead of "
                                         f"{reference[question][0]!r}")

    threads = [threading.Thread(target=asker, args=(n,), name=f"asker-{n}")
               for n in range(ASKERS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return load, time.monotonic() - started


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A `chroma run` server holding the seeds and samples (or the samples), ingested with
    the real model; the settings that reach it."""
    root = tmp_path_factory.mktemp("concurrency")
    paths = [SEEDS, SAMPLES] if SEEDS.is_dir() else [SAMPLES]
    with chroma_server(root / "server", root / "chroma.log") as url:
        settings = Settings(data_dir=root / "data", embedding_model=DEFAULT_EMBEDDING_MODEL,
                            chroma_url=url)
        assert ingest(paths, settings).exit_code == 0
        yield settings


def test_eight_askers_and_an_ingest_get_the_single_threaded_answers(
        served: Settings, tmp_path: Path) -> None:
    settings = served
    stop, go = tmp_path / "stop", tmp_path / "go"
    writer = IngestProcess(["loop", "--stop", str(stop), "--go", str(go),
                            str(SAMPLES)], tmp_path / "writer.trace",
                           {"SCRUTINEER_EMBEDDING_MODEL": DEFAULT_EMBEDDING_MODEL,
                            "SCRUTINEER_CHROMA_URL": settings.chroma_url,
                            "SCRUTINEER_DATA_DIR": str(settings.data_dir)})
    asked = questions()
    timings: dict[str, float] = {}
    try:  # the writer loads its model meanwhile, and writes nothing before `go`
        clock = time.monotonic()
        shared = Assistant(settings)
        reference = {q: fingerprint(q.ask(shared)) for q in asked}
        assert sum(not a for _, a, _ in reference.values()) >= len(asked) // 2  # mostly answered
        timings["reference_seconds"] = time.monotonic() - clock
        assert {q: fingerprint(q.ask(shared)) for q in asked} == reference  # from warm caches
        writer.wait_for("ready", timeout=300)
        go.touch()
        began = time.monotonic()
        loads = {"shared": ask_for([shared], asked, reference, LOAD_SECONDS / 2)}
        own = [Assistant(settings) for _ in range(ASKERS)]
        for assistant in own:  # warm sentence vectors, as in a process that has been answering
            assistant.answerer.vectors = shared.answerer.vectors
        loads["own"] = ask_for(own, asked, reference, LOAD_SECONDS / 2)
        ended = time.monotonic()
    finally:
        stop.touch()
        go.touch()
        clock = time.monotonic()
        status = writer.wait(timeout=600)
        timings["writer_stop_seconds"] = time.monotonic() - clock
    assert status == 0, writer.output()
    stamps = [(float(line.split()[0]), line.split(" ", 1)[1]) for line in
              writer.trace.read_text().splitlines()]
    published = sum(began <= t <= ended and text == "< upsert scrutineer-documents"
                    for t, text in stamps)
    figures = {"askers": ASKERS, "questions": len(asked),
               "writer_rounds": sum(text.startswith("round") for _, text in stamps),
               "documents_published_during_load": published,
               **{mode: load.figures(seconds) for mode, (load, seconds) in loads.items()},
               **{name: round(value, 1) for name, value in timings.items()}}
    save_figures("concurrency", {"load": figures})
    for mode, (load, _) in loads.items():
        latency = figures[mode]["latency_ms"]  # type: ignore[index]
        print(f"\n{ASKERS} askers ({mode} Assistant) while an ingest published "
              f"{published} documents: {figures[mode]['answers_per_second']} answers/s, "  # type: ignore[index]
              f"p50 {latency.get('p50')} ms, p95 {latency.get('p95')} ms, "
              f"{len(load.errors)} errors, {len(load.differed)} answers differed")
    assert published > 0, "no document was published while the askers ran"
    errors = [e for load, _ in loads.values() for e in load.errors]
    assert not errors, errors[0]
    differed = [d for load, _ in loads.values() for d in load.differed]
    assert not differed, differed[:2]
