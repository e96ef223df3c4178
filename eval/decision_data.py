"""Rows the decision model is fitted and measured on: for each question of a development
source (and each near-miss variant of its answerable ones), the decision features of the
extractive draft, whether the question is answerable, whether the draft answers it right,
and what the hand rules decided. Collected once (minutes per source) and cached as JSONL."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from assistant.evidence import check
from assistant.fitted import fingerprint
from assistant.lexical import tokenize
from assistant.selection import SELECTION_FEATURES, SELECTION_VERSION
from assistant.stages.decide import (
    DECISION_FEATURES,
    DECISION_VERSION,
    abstain_reason,
    certain_reason,
    decision_features,
)
from eval.metrics import Hit, citation_prf, contains_all
from eval.near_miss import near_misses
from eval.testset import TestItem, given_filters, load_testset


@dataclass(frozen=True)
class Row:
    """One question's decision features and outcome labels."""

    source: str
    group: str  # the council, meeting or document it is grouped by
    item_id: str
    kind: str  # answerable | unanswerable | year | council | topic (near misses)
    answerable: bool
    right: bool  # the draft contains what a right answer contains (answerable ones)
    certain: bool  # abstained by rule whatever the model says
    rules_abstain: bool  # the hand rules' decision (the baseline)
    features: tuple[float, ...]


def _right(item: TestItem, draft: Any) -> bool:
    if not item.answerable or not draft.citations:
        return False
    if item.answer_contains:
        return contains_all(draft.text, item.answer_contains)
    cited = [Hit(c.passage.document.file_name, c.passage.paragraph.label,
                 c.passage.paragraph.text) for c in draft.citations]
    return citation_prf(cited, item.evidence)[1] > 0


def row_for(assistant: Any, item: TestItem, source: str, group: str, kind: str) -> Row:
    """Deliberate over one question and record its row."""
    understood, passages, verified = assistant.deliberate(item.question, item.history,
                                                          given_filters(item))
    draft = verified.draft
    idf = assistant.retriever.lexical.idf(tokenize(understood.standalone))
    checks = check(understood.standalone, understood.intent, draft.citations, idf)
    return Row(source, group, item.id, kind, item.answerable and kind == "answerable",
               _right(item, draft) if kind == "answerable" else False,
               bool(certain_reason(understood, draft, passages)),
               bool(abstain_reason(understood, draft, passages,
                                   assistant.settings.abstain_below)) or not draft.citations,
               tuple(round(v, 5) for v in decision_features(checks, draft, passages)))


def _gold_text(assistant: Any, item: TestItem) -> str:
    names = {e.doc for e in item.evidence}
    texts = []
    for document in assistant.documents():
        if document.file_name in names:
            texts.append(document.identity)
            texts.extend(p.text for p in assistant.paragraphs(document.doc_id))
    return "\n".join(texts)


def source_rows(assistant: Any, source: Any, selectors: Mapping[tuple[str, str], Any]
                ) -> list[Row]:
    """Rows of every question of a source and of its near misses, each drafted with the
    selection model of its question in ``selectors`` (fitted without its fold)."""
    items = load_testset(source.testset)
    councils = sorted({d.meta.council for d in assistant.documents() if d.meta.council})
    questions = [i.question for i in items if i.answerable]
    rows = []
    for item in items:
        group = source.group(item)
        assistant.use_selector(selectors.get((source.name, item.id)))
        kind = "answerable" if item.answerable else "unanswerable"
        rows.append(row_for(assistant, item, source.name, group, kind))
        if not item.answerable or item.history:
            continue
        gold = _gold_text(assistant, item)
        for miss in near_misses(item.question, gold, councils, questions, item.id):
            variant = TestItem(f"{item.id}~{miss.kind}", miss.question, False,
                               filters=item.filters)
            rows.append(row_for(assistant, variant, source.name, group, miss.kind))
    return rows


def collect_rows(sources: Sequence[Any], work: Path, cache: Path | None = None
                 ) -> list[Row]:
    """Rows of every source (libraries already ingested under WORK), read from ``cache``
    when it holds every source, else collected and written there."""
    names = [s.name for s in sources]
    if cache and cache.is_file():
        rows = read_rows(cache)
        if {r.source for r in rows} >= set(names):
            return [r for r in rows if r.source in names]
    from assistant.assistant import Assistant
    from eval.dev import source_settings
    from eval.fit_selector import held_out_selectors

    selectors = held_out_selectors(sources, work)
    rows = []
    for source in sources:
        rows.extend(source_rows(Assistant(source_settings(source, work)), source, selectors))
    if cache:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text("".join(json.dumps(asdict(r)) + "\n" for r in rows))
    return rows


def default_cache(work: Path) -> Path:
    """The rows' cache under WORK, named by the decision and selection feature sets (stale
    caches are not read)."""
    decision = fingerprint(DECISION_FEATURES, DECISION_VERSION)
    selection = fingerprint(SELECTION_FEATURES, SELECTION_VERSION)
    return work / f"decision-rows-{decision}-{selection}.jsonl"


def read_rows(path: Path) -> list[Row]:
    rows = []
    for line in path.read_text().splitlines():
        data = json.loads(line)
        rows.append(Row(**{**data, "features": tuple(data["features"])}))
    return rows
