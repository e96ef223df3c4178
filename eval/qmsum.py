"""QMSum's committee meetings as documents and a test set: one paragraph per speaker turn
(numbered by its turn index, speaker kept), evidence = the human-labelled relevant turns."""

from __future__ import annotations

import json
from pathlib import Path

from eval.testset import Evidence, TestItem


def _turn(index: int, speaker: str, content: str) -> str:
    text = " ".join(content.split())
    return f"{index}. {speaker.strip()}: {text}"


def _snippet(turn: dict) -> str:
    """A verbatim opening of the turn (so chunked pipelines without labels can match too)."""
    words = " ".join(str(turn.get("content", "")).split()).split(" ")
    return " ".join(words[:12])


def _turns(spans: list[list[str]]) -> list[int]:
    out: list[int] = []
    for start, end in spans:
        out.extend(range(int(start), int(end) + 1))
    return sorted(set(out))


def convert(source: Path, out: Path) -> tuple[list[Path], list[TestItem]]:
    """Write one Markdown document per meeting under OUT/documents and return the documents
    and the test items (specific queries with their relevant turns as evidence)."""
    folder = out / "documents"
    folder.mkdir(parents=True, exist_ok=True)
    split = source.stem
    documents: list[Path] = []
    items: list[TestItem] = []
    for number, line in enumerate(source.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        meeting = json.loads(line)
        name = f"qmsum-{split}-{number:03d}.md"
        turns = meeting["meeting_transcripts"]
        lines = [f"# QMSum committee meeting {split} {number}", ""]
        for index, turn in enumerate(turns):
            lines += [_turn(index, turn.get("speaker", ""), turn.get("content", "")), ""]
        path = folder / name
        path.write_text("\n".join(lines))
        documents.append(path)
        for q, query in enumerate(meeting.get("specific_query_list", []), start=1):
            gold = [t for t in _turns(query.get("relevant_text_span", [])) if t < len(turns)]
            if not gold:
                continue
            items.append(TestItem(
                id=f"{split}-{number:03d}-{q:02d}", question=query["query"],
                evidence=tuple(Evidence(name, str(t), None, _snippet(turns[t])) for t in gold),
                tags=("qmsum", split), filters={"documents": [name]}))
    return documents, items


def write_testset(items: list[TestItem], path: Path) -> None:
    """Write test items as JSONL in the documented format."""
    with path.open("w") as handle:
        for item in items:
            handle.write(json.dumps({
                "id": item.id, "question": item.question, "history": [], "answerable": True,
                "evidence": [{"doc": e.doc, "para": e.para, "page": None, "quote": e.quote}
                             for e in item.evidence],
                "answer_contains": [], "tags": list(item.tags), "filters": item.filters}) + "\n")
