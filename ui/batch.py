"""`scrutineer ask --batch` lines read defensively: each bad line becomes its own error."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from assistant.answers import Filters
from assistant.questions import clean


class BadLine(ValueError):
    """A batch line that is not a usable question record; the message says how to fix it."""

    def __init__(self, message: str, question_id: str = "") -> None:
        super().__init__(message)
        self.question_id = question_id


def error_json(exc: Exception, question: str, question_id: str = "") -> dict[str, Any]:
    """The JSON line for a question that could not be asked: its id, the question (cleaned and
    shortened) and the error saying what to fix."""
    shown = clean(question)
    return {"id": question_id, "question": shown[:200] + ("…" if len(shown) > 200 else ""),
            "error": str(exc)}


def batch_lines(path: Path) -> Any:
    """The non-blank lines of a batch file (standard input for ``-``), numbered from 1, as
    bytes."""
    raw = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    for number, line in enumerate(raw.splitlines(), start=1):
        if line.strip():
            yield number, line


def batch_record(raw: bytes) -> dict[str, Any]:
    """A batch line checked for shape: {id, question, history, filters}."""
    try:
        record = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise BadLine("Not UTF-8 text: save the file as UTF-8.") from exc
    except (json.JSONDecodeError, RecursionError) as exc:
        why = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
        raise BadLine(f"Not JSON ({why}): each line is an object such as "
                      f'{{"id": "q1", "question": "..."}}.') from exc
    if not isinstance(record, dict):
        raise BadLine('Not a JSON object: each line is like {"id": "q1", "question": "..."}.')
    question_id = str(record.get("id", ""))
    if not isinstance(record.get("question"), str):
        raise BadLine('The line needs a "question" (text), e.g. '
                      '{"id": "q1", "question": "..."}.', question_id)
    history, filters = record.get("history") or [], record.get("filters") or {}
    if not isinstance(history, list) or not all(isinstance(h, dict) for h in history):
        raise BadLine('"history" must be a list of {"role": ..., "content": ...} objects.',
                      question_id)
    if not isinstance(filters, dict):
        raise BadLine('"filters" must be an object, e.g. {"council": "Suffolk"}.', question_id)
    return {"id": question_id, "question": record["question"], "history": history,
            "filters": filters}


def filters_from(raw: dict[str, Any]) -> Filters:
    """The filters a batch line states (singular or plural keys, text or lists of text)."""

    def many(key: str) -> tuple[str, ...]:
        value = raw.get(key)
        if not value:
            return ()
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise BadLine(f'"filters.{key}" must be text or a list of text.')
        return tuple(value)

    return Filters(councils=many("councils") or many("council"),
                   committees=many("committees") or many("committee"),
                   doc_types=many("doc_types") or many("doc_type"),
                   date_from=str(raw.get("date_from", "")), date_to=str(raw.get("date_to", "")),
                   documents=many("documents"), include_exempt=bool(raw.get("include_exempt")))
