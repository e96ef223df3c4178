"""Fuzzing extraction and parsing: seeded hostile files (tests/fuzz_cases.py) go through the
real parse path (worker processes with the time, memory, size and page limits). Each parses to
paragraphs or fails with one clear line; none hangs, kills the test process or exhausts memory.
SCRUTINEER_FUZZ_CASES sets the count (500 by default; `make stress` runs 5,000). The outcomes
by mutation kind are printed and written to tests/output/fuzz.json."""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.errors import ExtractionError
from assistant.library import Library
from assistant.settings import DEFAULT_EMBEDDING_MODEL, get_settings
from ingest import ingest
from ingest.formats import FileLimits
from ingest.worker import Parsed, ParseJob, ParseLimits, ParsePool
from tests.conftest import KENT, ROOT, SAMPLES
from tests.fuzz_cases import Seeds, load_seeds, write_cases
from ui.cli import main

CASES = int(os.environ.get("SCRUTINEER_FUZZ_CASES", "500"))
LIMITS = ParseLimits(FileLimits(), timeout=20, memory_mb=1024)
REPORT = ROOT / "tests" / "output" / "fuzz.json"
MAX_REASON = 300
OUTCOMES = [  # (how a reason starts or what it holds, outcome)
    ("not a readable PDF", "damaged PDF"), ("truncated or damaged PDF", "truncated PDF"),
    ("not a PDF", "not a PDF"), ("encrypted PDF", "encrypted PDF"),
    ("image-only PDF", "image-only PDF"), ("no text found", "no text"),
    ("empty file", "empty file"), ("SCRUTINEER_MAX_PAGES", "page limit"),
    ("SCRUTINEER_MAX_FILE_MB", "size limit"), ("SCRUTINEER_PARSE_TIMEOUT", "time limit"),
    ("SCRUTINEER_PARSE_MEMORY_MB", "memory limit"), ("the parser process crashed", "crashed"),
    ("not a text file", "not text"), ("not a readable Word document", "damaged Word"),
]
PIPELINE_KINDS = ("text_zero_width", "text_control", "text_rtl", "text_encoding",
                  "pdf_zero_width", "pdf_control", "pdf_rtl", "pdf_font_encoding")
QUESTIONS = ("What did the partnership report about crime?", "מה התקציב של המועצה?",
             "bud\u200bget\u202e for\x07 officers")


@pytest.fixture(scope="module")
def seeds() -> Seeds:
    """The smallest Kent PDFs when the shared corpus is present; the samples always."""
    return load_seeds(KENT, SAMPLES, SAMPLES.parent / "sources")


def outcome(parsed: Parsed) -> str:
    """The outcome's name: "parsed", or what kind of failure."""
    if parsed.document is not None:
        return "parsed"
    if not isinstance(parsed.error, ExtractionError):
        return f"unexpected {type(parsed.error).__name__}"
    for marker, name in OUTCOMES:
        if parsed.error.reason.startswith(marker) or (marker.isupper() and
                                                      marker in parsed.error.reason):
            return name
    return "other"


def problem(parsed: Parsed) -> str:
    """What is wrong with an outcome, or "" when it is one of the acceptable ones."""
    if parsed.document is not None:
        texts = [p.text for p in parsed.document.paragraphs]
        return "" if texts and all(t.strip() for t in texts) else "empty paragraphs"
    name, error = outcome(parsed), parsed.error
    if name in ("other", "crashed") or name.startswith("unexpected"):
        return f"{name}: {error!r}"[:500]
    reason = error.reason
    if "\n" in reason or "\r" in reason or "Traceback" in reason or len(reason) > MAX_REASON:
        return f"not one short line: {reason!r}"[:500]
    return ""


def _report(table: Counter[tuple[str, str]], seconds: float, every: list[Parsed]) -> dict:
    kinds = sorted({kind for kind, _ in table})
    by_kind = {k: {name: n for (kind, name), n in sorted(table.items()) if kind == k}
               for k in kinds}
    by_outcome: Counter[str] = Counter()
    for (_, name), n in table.items():
        by_outcome[name] += n
    examples: dict[str, str] = {}
    for parsed in every:
        if parsed.error is not None:
            examples.setdefault(outcome(parsed), getattr(parsed.error, "reason", ""))
    slowest = sorted(every, key=lambda p: -p.seconds)[:10]
    return {"cases": sum(table.values()), "seconds": round(seconds, 1), "workers": 2,
            "limits": {"timeout_s": LIMITS.timeout, "memory_mb": LIMITS.memory_mb,
                       "max_file_mb": LIMITS.files.max_file_mb,
                       "max_pages": LIMITS.files.max_pages},
            "kent_seeds": KENT.is_dir(), "by_outcome": dict(by_outcome.most_common()),
            "by_kind": by_kind, "example_reasons": examples,
            "slowest": [[p.job.path.name, round(p.seconds, 2)] for p in slowest]}


def _print(report: dict) -> None:
    print(f"\nfuzz: {report['cases']} cases in {report['seconds']} s; "
          f"outcomes {report['by_outcome']}")
    for kind, outcomes in report["by_kind"].items():
        print(f"  {kind:18} {outcomes}")


@pytest.mark.timeout(max(1800, CASES * 3))
def test_every_hostile_file_parses_or_fails_with_one_clear_line(
        tmp_path: Path, seeds: Seeds, capsys: pytest.CaptureFixture[str]) -> None:
    started = time.perf_counter()
    cases = write_cases(tmp_path, CASES, seeds)
    table: Counter[tuple[str, str]] = Counter()
    problems, every = [], []
    pool = ParsePool(1500, workers=2, limits=LIMITS)
    for parsed in pool.parse([ParseJob(path, "fuzz") for path in cases]):
        table[cases[parsed.job.path], outcome(parsed)] += 1
        every.append(parsed)
        if found := problem(parsed):
            problems.append(f"{parsed.job.path.name}: {found}")
    report = _report(table, time.perf_counter() - started, every)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    with capsys.disabled():  # the figures belong in the test run's output
        _print(report)
    assert not problems, "\n".join(problems[:20])
    assert report["cases"] == CASES
    assert {"parsed", "damaged PDF", "not text"} <= set(report["by_outcome"])


def test_odd_characters_ingest_into_a_library_that_lists_shows_and_answers(
        tmp_path: Path, seeds: Seeds, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRUTINEER_EMBEDDING_MODEL", DEFAULT_EMBEDDING_MODEL)  # the real one
    folder = tmp_path / "odd"
    folder.mkdir()
    write_cases(folder, 16, seeds, PIPELINE_KINDS)
    summary = ingest([folder])
    added = sorted(Path(r.path).name for r in summary.results if r.status == "added")
    reasons = {r.reason.split(" (")[0] for r in summary.failed}
    assert len(added) >= 12 and reasons <= {"not a text file"}, summary.results
    library = Library(get_settings())
    assert sorted(d.file_name for d in library.documents()) == added
    runner = CliRunner()
    shown = [runner.invoke(main, ["library"])]
    shown += [runner.invoke(main, ["paragraphs", d.doc_id]) for d in library.documents()]
    shown += [runner.invoke(main, ["ask", question]) for question in QUESTIONS]
    assert [r.exit_code for r in shown] == [0] * len(shown), [r.output for r in shown]
    assert f"{len(added)} documents, " in shown[0].output
