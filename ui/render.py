"""Answers as people read them in a terminal, and as the JSON lines tools and evaluators read."""

from __future__ import annotations

from typing import Any

from assistant.answers import Answer
from assistant.citations import citation


def answer_text(answer: Answer) -> str:
    """The answer, then its sources: what a councillor can quote."""
    lines = []
    if answer.rewritten_question:
        lines.append(f"(Understood as: {answer.rewritten_question})\n")
    lines.append(answer.text)
    if answer.citations:
        lines.append("\nSources:")
        lines.extend(f"[{c.n}] {c.text} — {c.passage.document.file_name}"
                     for c in answer.citations)
    elif answer.abstained:
        lines.append(f"\nSearched: {answer.searched}.")
        if answer.related:
            lines.append("Possibly related (not an answer):")
            lines.extend(f"  - {citation(p.document, p.paragraph)}: "
                         f"{p.paragraph.text[:160].replace(chr(10), ' ')}…"
                         for p in answer.related)
    return "\n".join(lines)


def answer_json(answer: Answer, question_id: str = "") -> dict[str, Any]:
    """One JSON object per answer, in the documented field layout."""
    return {
        "id": question_id,
        "question": answer.question,
        "rewritten_question": answer.rewritten_question or answer.question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "searched": answer.searched,
        "citations": [
            {"n": c.n, "doc": c.passage.document.file_name, "title": c.passage.document.title,
             "para": c.passage.paragraph.label, "page": c.passage.paragraph.page,
             "quote": c.quote, "text": c.passage.paragraph.text,
             "score": round(c.passage.score, 6), "id": c.passage.paragraph.para_id,
             "citation": c.text}
            for c in answer.citations],
        "passages": [
            {"doc": p.document.file_name, "title": p.document.title,
             "para": p.paragraph.label, "page": p.paragraph.page, "text": p.paragraph.text,
             "score": round(p.score, 6), "id": p.paragraph.para_id}
            for p in answer.passages],
        "timings_ms": {k: round(v, 1) for k, v in answer.timings_ms.items()},
    }
