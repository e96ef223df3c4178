"""Rows the selection model is fitted and measured on: for each answerable question of a
development source, every quotable unit of the passages its answer is drawn from, with its
SELECTION_FEATURES, whether it is an answer, and its hand-set score (the baseline).
Collected once (minutes per source) and cached as JSONL.

A unit is an answer when it holds a gold quote or lies inside one. Where the gold quotes are
only the openings of the paragraphs that answer (QMSum's speaker turns), every unit of a
gold paragraph is one."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from assistant.documents import Passage
from assistant.fitted import fingerprint
from assistant.selection import SELECTION_FEATURES, SELECTION_VERSION, unit_features
from assistant.sentences import Unit
from eval.metrics import Hit, collapse, matches
from eval.testset import Evidence, TestItem, given_filters, load_testset

WHOLE_PARAGRAPHS = ("qmsum-",)  # sources whose gold quotes only open the answering paragraph
RANK = SELECTION_FEATURES.index("passage_rank")  # log(1 + the unit's passage's rank)
MIN_INSIDE = 25  # a unit shorter than this lying inside a quote is too slight to count


@dataclass(frozen=True)
class Question:
    """One question's units: features, labels and the hand-set scores."""

    source: str
    group: str
    item_id: str
    features: tuple[tuple[float, ...], ...]
    labels: tuple[bool, ...]
    support: tuple[float, ...]

    @property
    def has_answer(self) -> bool:
        return any(self.labels)

    def passage(self, unit: int) -> int:
        """The passage (by rank) a unit belongs to, read back from its passage_rank."""
        return round(math.expm1(self.features[unit][RANK]))


def is_answer(passage: Passage, unit: Unit, gold: Sequence[Evidence], whole: bool) -> bool:
    """Whether a unit of a passage is what the gold evidence quotes."""
    hit = Hit(passage.document.file_name, passage.paragraph.label, passage.paragraph.text)
    if whole:
        return any(matches(hit, g) for g in gold)
    text = collapse(unit.text)
    for item in gold:
        if item.doc != passage.document.file_name:
            continue
        quote = collapse(item.quote)
        if quote and (quote in text or (len(text) >= MIN_INSIDE and text in quote)):
            return True
        if not quote and matches(hit, item):
            return True
    return False


def question_for(assistant: Any, item: TestItem, source: str, group: str) -> Question:
    """The units of the passages one question's extractive answer is drawn from."""
    understood, passages, _ = assistant.deliberate(item.question, item.history,
                                                   given_filters(item))
    shown = assistant.composer.with_neighbours(passages[: assistant.settings.answer_passages])
    vector = assistant.library.embedder.embed_one(understood.standalone)
    found = unit_features(understood.standalone, vector, understood.intent, shown,
                          assistant.answerer.vectors)
    whole = source.startswith(WHOLE_PARAGRAPHS)
    labels = tuple(is_answer(shown[i], unit, item.evidence, whole)
                   for i, unit in found.candidates)
    return Question(source, group, item.id,
                    tuple(tuple(round(v, 5) for v in row) for row in found.rows.tolist()),
                    labels, tuple(round(v, 5) for v in found.support))


def collect_questions(sources: Sequence[Any], work: Path, cache: Path | None = None
                      ) -> list[Question]:
    """Every answerable question of the sources (libraries already ingested under WORK),
    read from ``cache`` when it holds every source, else collected and written there."""
    names = [s.name for s in sources]
    if cache and cache.is_file():
        found = read_questions(cache)
        if {q.source for q in found} >= set(names):
            return [q for q in found if q.source in names]
    from assistant.assistant import Assistant
    from eval.dev import source_settings

    found = []
    for source in sources:
        assistant = Assistant(source_settings(source, work))
        found.extend(question_for(assistant, item, source.name, source.group(item))
                     for item in load_testset(source.testset) if item.answerable)
    if cache:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text("".join(json.dumps(asdict(q)) + "\n" for q in found))
    return found


def default_cache(work: Path) -> Path:
    """The cache under WORK, named by the feature set (stale caches are not read)."""
    return work / f"selection-rows-{fingerprint(SELECTION_FEATURES, SELECTION_VERSION)}.jsonl"


def read_questions(path: Path) -> list[Question]:
    out = []
    for line in path.read_text().splitlines():
        data = json.loads(line)
        out.append(Question(data["source"], data["group"], data["item_id"],
                            tuple(tuple(r) for r in data["features"]),
                            tuple(data["labels"]), tuple(data["support"])))
    return out
