"""Parsing in worker processes: the same paragraphs as parsing inline, in order; a worker that
dies, hangs past the time limit or allocates past the memory limit fails only the file it was
parsing, and the other files go on."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from assistant.library import Library
from assistant.settings import get_settings
from ingest import ingest
from ingest.formats import FileLimits
from ingest.parse import content_hash
from ingest.worker import (
    ParseJob,
    ParseLimits,
    ParsePool,
    crash_reason,
    memory_reason,
    timeout_reason,
)
from tests.conftest import SAMPLES
from tests.worker_targets import misbehave, noted

FILES = sorted(SAMPLES.glob("*.pdf"))


def _stored(settings) -> dict[str, list[tuple[str, str, str]]]:
    library = Library(settings)
    return {d.file_name: [(p.para_id, p.label, p.text) for p in library.paragraphs(d.doc_id)]
            for d in library.documents()}


def _jobs(tmp_path: Path, *marked: str) -> list[ParseJob]:
    """Copies of the three samples, with copies named after ``marked`` put second."""
    names = [FILES[0].name, *(f"{mark}-report.pdf" for mark in marked),
             *(f.name for f in FILES[1:])]
    sources = [FILES[0], *(FILES[0] for _ in marked), *FILES[1:]]
    paths = [tmp_path / name for name in names]
    for source, path in zip(sources, paths, strict=True):
        shutil.copy(source, path)
    return [ParseJob(p, content_hash(p)) for p in paths]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_worker_and_inline_parsing_store_the_same_paragraphs(tmp_path: Path) -> None:
    pooled = get_settings(data_dir=tmp_path / "pooled", parse_workers=1)
    inline = get_settings(data_dir=tmp_path / "inline", parse_workers=0)
    first, second = ingest([SAMPLES], pooled), ingest([SAMPLES], inline)
    assert first.counts["added"] == second.counts["added"] == 3
    assert _stored(pooled) == _stored(inline)
    assert first.timings["parse"] > 0 and first.timings["embed"] > 0
    assert first.timings["store"] > 0


@pytest.mark.timeout(300)
def test_a_worker_that_dies_fails_only_its_file(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, "crash")
    outcomes = list(ParsePool(1500, workers=1, target=misbehave).parse(jobs))
    assert [o.job for o in outcomes] == jobs
    assert [o.error is None for o in outcomes] == [True, False, True, True]
    assert outcomes[1].error.reason == crash_reason(3)
    assert crash_reason(3) == "the parser process crashed on this file (exit code 3); " \
                              "re-save or re-export it"
    assert outcomes[2].document.document.file_name == FILES[1].name


@pytest.mark.timeout(300)  # without the time limit this test would hang, then fail here
def test_a_file_that_hangs_is_killed_at_the_time_limit_and_its_worker_replaced(
        tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, "hang")
    pool = ParsePool(1500, workers=1, target=misbehave, limits=ParseLimits(timeout=2))
    outcomes = list(pool.parse(jobs))
    assert [o.job for o in outcomes] == jobs
    assert [o.error is None for o in outcomes] == [True, False, True, True]
    assert outcomes[1].error.reason == timeout_reason(2) == (
        "took longer than 2 s to parse (SCRUTINEER_PARSE_TIMEOUT); the file may be damaged: "
        "re-save or re-export it, or raise the limit")
    hung = noted(jobs[1].path, "pid")
    assert not _alive(hung)
    assert noted(jobs[2].path, "pid") != hung and noted(jobs[0].path, "pid") == hung
    assert len({o.job.path for o in outcomes if o.document}) == 3


@pytest.mark.timeout(300)
def test_a_single_file_under_default_settings_is_parsed_in_a_worker_with_the_limits(
        tmp_path: Path) -> None:
    [good] = _jobs(tmp_path)[:1]
    [hang] = _jobs(tmp_path, "hang")[1:2]
    pool = ParsePool.from_settings(get_settings())
    pool.target = misbehave
    assert pool.limits == ParseLimits(FileLimits(50, 2000), 120, 3072)
    [outcome] = pool.parse([good])
    assert outcome.document is not None and noted(good.path, "pid") != os.getpid()
    pool = ParsePool.from_settings(get_settings(parse_timeout=1))
    pool.target = misbehave
    [outcome] = pool.parse([hang])
    assert outcome.error.reason == timeout_reason(1)


def test_no_workers_means_parsing_inline_without_time_or_memory_limits(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path)
    outcomes = list(ParsePool(1500, workers=0, target=misbehave).parse(jobs))
    assert all(o.document for o in outcomes)
    assert {noted(j.path, "pid") for j in jobs} == {os.getpid()}


@pytest.mark.timeout(300)
def test_a_memory_bomb_fails_its_file_at_the_memory_limit(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, "bomb")
    pool = ParsePool(1500, workers=1, target=misbehave,
                     limits=ParseLimits(timeout=120, memory_mb=512))
    outcomes = list(pool.parse(jobs))
    assert [o.error is None for o in outcomes] == [True, False, True, True]
    assert outcomes[1].error.reason == memory_reason(512) == (
        "needed more than 512 MB of memory to parse (SCRUTINEER_PARSE_MEMORY_MB); the file may "
        "be damaged: re-save or re-export it, or raise the limit")
    assert noted(jobs[1].path, "allocated") <= 512 * 1024 * 1024
