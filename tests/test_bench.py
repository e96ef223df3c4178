"""The benchmark's own machinery on a tiny library (the benchmark itself is `make bench`):
synthetic growth keeps the library whole and searchable, and the report reads its results."""

from __future__ import annotations

from assistant.assistant import Assistant
from assistant.library import Library
from assistant.settings import get_settings
from bench.measure import questions, summary
from bench.report import table, targets
from bench.stages import ann_recall
from bench.synthetic import PARAGRAPHS_PER_DOCUMENT, Source, grow
from ingest import ingest
from tests.conftest import SAMPLES


def test_growing_a_library_with_synthetic_paragraphs() -> None:
    ingest([SAMPLES])
    library = Library(get_settings())
    real = library.paragraph_count()
    before = library.signature()
    added = grow(library, Source.from_library(library), real + 120)
    assert added == 3 * PARAGRAPHS_PER_DOCUMENT and library.paragraph_count() == real + added
    assert library.signature() != before
    synthetic = [d for d in library.documents() if d.doc_id.startswith("synthetic-")]
    assert len(synthetic) == 3
    paragraphs = library.paragraphs(synthetic[0].doc_id)
    assert [p.ordinal for p in paragraphs] == list(range(PARAGRAPHS_PER_DOCUMENT))
    assert grow(library, Source.from_library(library), real + 120) == 0  # already that big
    assert ann_recall(library, count=5, k=10) > 0.8
    answer = Assistant(get_settings()).ask("What did the partnership say about knife crime?")
    assert answer.passages  # the index was rebuilt over real and synthetic paragraphs


def test_summary_and_targets_table() -> None:
    assert summary([10.0, 20.0, 30.0, 40.0]) == {"n": 4, "p50": 25.0, "p95": 40.0,
                                                  "p99": 40.0, "mean": 25.0}
    assert len(questions(150)) == 150  # the project's own sets hold that many
    sizes = {"n": 240, "p50": 30.0, "p95": 90.0, "p99": 120.0, "mean": 40.0}
    at = {"paragraphs": 100_000, "documents": 2000, "retrieve_ms": sizes, "answer_ms": sizes,
          "startup_ms": 900, "first_question_ms": 80, "rss_mb": 900.0, "peak_rss_mb": 950.0}
    results = {"started": "2026-11-21T10:00:00+00:00", "machine": {"cores": 2},
               "backend": "torch", "seconds": 1500,
               "ingest": {"files": 85, "pages": 924, "paragraphs": 4987, "wall_s": 180.0,
                          "pages_per_s": 5.1, "paragraphs_per_s": 27.7,
                          "parse_s_in_worker": 66.0, "embed_s": 150.0, "store_s": 8.0,
                          "lexical_index_s": 3.0, "peak_rss_mb": 1500.0,
                          "parse_worker_peak_rss_mb": 300.0},
               "reingest": {"wall_s": 0.3, "paragraphs_embedded": 0},
               "embedding": {"torch": {"texts": 5072, "tokens_per_s": 7000, "texts_per_s": 33,
                                       "seconds": 150.0}},
               "sizes": {"100000": at}}
    results["targets"] = targets(results)
    verdicts = {t["target"]: t["pass"] for t in results["targets"]}
    assert verdicts["Kent ingest wall time within 1.3x embedding alone"] == "pass"
    assert verdicts["Retrieval p50 < 50 ms at 100k"] == "pass"
    assert verdicts["Full extractive answer p50 < 250 ms at 100k"] == "pass"
    assert "| 100000 | 100,000 | 30.0 / 90.0 / 120.0 |" in table(results)
