"""Test sets: JSONL (one question per line) or CSV with the same columns, validated on load.
A bad file is rejected with every problem listed by line number."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.answers import Filters
from assistant.errors import ScrutineerError


class TestSetError(ScrutineerError):
    """A test set that cannot be used; the message lists each problem with its line."""

    __test__ = False  # not a pytest test class


@dataclass(frozen=True)
class Evidence:
    """One gold paragraph: its file, label as printed, page, and a verbatim snippet."""

    doc: str
    para: str = ""
    page: int | None = None
    quote: str = ""


@dataclass(frozen=True)
class TestItem:
    """One question with what a correct answer cites and contains."""

    __test__ = False  # not a pytest test class

    id: str
    question: str
    answerable: bool = True
    evidence: tuple[Evidence, ...] = ()
    answer_contains: tuple[str, ...] = ()
    history: tuple[dict[str, str], ...] = ()
    tags: tuple[str, ...] = ()
    filters: dict[str, Any] = field(default_factory=dict)


def given_filters(item: TestItem) -> Filters | None:
    """The filters a test item states (``"filters": {...}``), as the assistant takes them."""
    if not item.filters:
        return None
    given: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v
                             for k, v in item.filters.items()}
    return Filters(**given)


def _problems(record: Any) -> list[str]:
    if not isinstance(record, dict):
        return ["not a JSON object"]
    out = []
    for key in ("id", "question"):
        if not str(record.get(key, "")).strip():
            out.append(f"missing \"{key}\"")
    answerable = record.get("answerable", True)
    if not isinstance(answerable, bool):
        out.append("\"answerable\" must be true or false")
    evidence = record.get("evidence", [])
    if not isinstance(evidence, list):
        out.append("\"evidence\" must be a list")
        evidence = []
    for n, item in enumerate(evidence, start=1):
        if not isinstance(item, dict) or not str(item.get("doc", "")).strip():
            out.append(f"evidence {n} needs a \"doc\"")
        elif not (str(item.get("para", "")).strip() or str(item.get("quote", "")).strip()):
            out.append(f"evidence {n} needs a \"para\" or a \"quote\"")
        elif item.get("page") not in (None, "") and not str(item.get("page")).isdigit():
            out.append(f"evidence {n} has a page that is not a number")
    if answerable is True and not evidence:
        out.append("an answerable question needs evidence")
    if answerable is False and evidence:
        out.append("an unanswerable question cannot have evidence")
    for key in ("answer_contains", "tags", "history"):
        if not isinstance(record.get(key, []), list):
            out.append(f"\"{key}\" must be a list")
    return out


def _item(record: dict[str, Any]) -> TestItem:
    evidence = tuple(Evidence(str(e["doc"]).strip(), str(e.get("para") or "").strip(),
                              int(e["page"]) if str(e.get("page") or "").isdigit() else None,
                              str(e.get("quote") or "")) for e in record.get("evidence", []))
    return TestItem(
        id=str(record["id"]).strip(), question=str(record["question"]).strip(),
        answerable=record.get("answerable", True), evidence=evidence,
        answer_contains=tuple(str(s) for s in record.get("answer_contains", [])),
        history=tuple(record.get("history", [])), tags=tuple(record.get("tags", [])),
        filters=dict(record.get("filters") or {}))


def _csv_records(path: Path) -> list[tuple[int, Any]]:
    """CSV rows: evidence, answer_contains, tags and history hold JSON (or ';'-separated)."""
    out: list[tuple[int, Any]] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            record: dict[str, Any] = {k: (v or "").strip() for k, v in row.items() if k}
            try:
                for key in ("evidence", "history"):
                    record[key] = json.loads(record[key]) if record.get(key) else []
            except json.JSONDecodeError as exc:
                out.append((number, f"column {key} is not JSON ({exc.msg})"))
                continue
            for key in ("answer_contains", "tags"):
                value = record.get(key, "")
                record[key] = json.loads(value) if value.startswith("[") else \
                    [v.strip() for v in value.split(";") if v.strip()]
            answerable = str(record.get("answerable", "true")).lower()
            record["answerable"] = answerable in ("true", "1", "yes", "")
            out.append((number, record))
    return out


def _jsonl_records(path: Path) -> list[tuple[int, Any]]:
    out: list[tuple[int, Any]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            out.append((number, f"not JSON ({exc.msg})"))
    return out


def load_testset(path: Path) -> list[TestItem]:
    """Load and validate a test set, or raise TestSetError listing every bad line."""
    if not path.is_file():
        raise TestSetError(f"No test set at {path}.")
    records = _csv_records(path) if path.suffix.lower() == ".csv" else _jsonl_records(path)
    problems: list[str] = []
    items: list[TestItem] = []
    seen: set[str] = set()
    for number, record in records:
        found = [record] if isinstance(record, str) else _problems(record)
        if not found and str(record["id"]).strip() in seen:
            found = [f"duplicate id {record['id']!r}"]
        if found:
            problems.extend(f"line {number}: {p}" for p in found)
            continue
        seen.add(str(record["id"]).strip())
        items.append(_item(record))
    if problems:
        raise TestSetError(f"{path} is not a valid test set:\n  " + "\n  ".join(problems))
    if not items:
        raise TestSetError(f"{path} holds no questions.")
    return items
