"""The shipped test sets load, and every gold quote is really in its gold paragraph."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from eval.metrics import collapse
from eval.testset import load_testset
from ingest.parse import parse_file
from tests.conftest import KENT, SAMPLES, SEEDS

DATA = Path(__file__).resolve().parent.parent / "eval" / "data"


@cache
def _paragraphs(name: str) -> tuple:
    for folder in (SAMPLES, SEEDS):
        if (folder / name).is_file():
            return parse_file(folder / name).paragraphs
    found = list(KENT.rglob(name)) if KENT.is_dir() else []
    if not found:
        pytest.skip(f"{name} is not available here")
    return parse_file(found[0]).paragraphs


@pytest.mark.parametrize("name", ["samples.jsonl", "seeds_kent.jsonl"])
def test_every_gold_quote_is_in_its_gold_paragraph(name: str) -> None:
    items = load_testset(DATA / name)
    for item in items:
        for evidence in item.evidence:
            paragraphs = _paragraphs(evidence.doc)
            found = [p for p in paragraphs
                     if (not evidence.para or p.label == evidence.para)
                     and collapse(evidence.quote) in collapse(p.text)]
            assert found, (item.id, evidence)


def test_seeds_kent_set_covers_the_kinds_of_question() -> None:
    items = load_testset(DATA / "seeds_kent.jsonl")
    tags = [t for item in items for t in item.tags]
    assert len(items) >= 80
    assert sum(not item.answerable for item in items) >= 15
    for kind in ("numeric", "list", "table", "paraphrase", "multi", "precedent", "follow-up",
                 "kent", "minutes", "near-miss"):
        assert kind in tags, kind
    assert all(item.history for item in items if "follow-up" in item.tags)
