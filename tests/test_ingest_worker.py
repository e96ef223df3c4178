"""Parsing in a worker process: the same paragraphs as parsing inline, in order, and a worker
that dies fails only the file it was parsing."""

from __future__ import annotations

import shutil
from pathlib import Path

from assistant.library import Library
from assistant.settings import get_settings
from ingest import ingest
from ingest.parse import content_hash
from ingest.worker import ParseJob, ParsePool
from tests.conftest import SAMPLES
from tests.worker_targets import crash_on_marked


def _stored(settings) -> dict[str, list[tuple[str, str, str]]]:
    library = Library(settings)
    return {d.file_name: [(p.para_id, p.label, p.text) for p in library.paragraphs(d.doc_id)]
            for d in library.documents()}


def test_worker_and_inline_parsing_store_the_same_paragraphs(tmp_path: Path) -> None:
    pooled = get_settings(data_dir=tmp_path / "pooled", parse_workers=1)
    inline = get_settings(data_dir=tmp_path / "inline", parse_workers=0)
    first, second = ingest([SAMPLES], pooled), ingest([SAMPLES], inline)
    assert first.counts["added"] == second.counts["added"] == 3
    assert _stored(pooled) == _stored(inline)
    assert first.timings["parse"] > 0 and first.timings["embed"] > 0
    assert first.timings["store"] > 0


def test_a_worker_that_dies_fails_only_its_file(tmp_path: Path) -> None:
    files = sorted(SAMPLES.glob("*.pdf"))
    crashing = tmp_path / "crash-report.pdf"
    shutil.copy(files[0], crashing)
    order = [files[0], crashing, files[1], files[2]]
    pool = ParsePool(1500, workers=1, target=crash_on_marked)
    outcomes = list(pool.parse([ParseJob(p, content_hash(p)) for p in order]))
    assert [o.job.path for o in outcomes] == order
    assert [o.error is None for o in outcomes] == [True, False, True, True]
    assert "crashed" in str(outcomes[1].error)
    assert outcomes[2].document is not None
    assert outcomes[2].document.document.file_name == files[1].name
