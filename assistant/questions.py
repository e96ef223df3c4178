"""Questions as typed, made safe to search with: invisible characters removed, whitespace
collapsed, and empty, wordless or overlong questions refused with a message saying what to do."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from assistant.conversation import Turn, as_turns
from assistant.errors import QuestionError

EXAMPLE = "“What did the partnership say about county lines?”"
HISTORY_TURNS = 6  # the most recent turns a follow-up question may draw words from


def clean(text: str) -> str:
    """``text`` in NFKC form on one line: control characters become spaces; zero-width,
    direction and other invisible format characters (and lone surrogates) are dropped."""
    kept = []
    for char in unicodedata.normalize("NFKC", text):
        kind = unicodedata.category(char)
        if char.isspace() or kind == "Cc":
            kept.append(" ")
        elif not kind.startswith("C"):
            kept.append(char)
    return " ".join("".join(kept).split())


def checked_question(question: str, max_chars: int) -> str:
    """The cleaned question, or a QuestionError when it is empty, has no letters or digits,
    or is longer than ``max_chars`` (counted once runs of whitespace are collapsed)."""
    if not isinstance(question, str):
        raise QuestionError(f"The question must be text, not {type(question).__name__}.")
    collapsed = " ".join(question.split())
    if len(collapsed) > max_chars:
        raise QuestionError(f"The question is {len(collapsed):,} characters long; the limit is "
                            f"{max_chars:,}. Ask a shorter question: a sentence naming what "
                            f"you want to know is enough.")
    text = clean(collapsed)
    if not text:
        raise QuestionError(f"The question is empty. Type a question about the documents, "
                            f"for example {EXAMPLE}")
    if not any(char.isalnum() for char in text):
        raise QuestionError(f"The question has no letters or digits ({text[:40]!r}). Ask in "
                            f"words, for example {EXAMPLE}")
    return text


def recent_turns(history: Sequence[Turn | dict], max_chars: int) -> list[Turn]:
    """The last few turns of a conversation, each cleaned and cut to ``max_chars``: history
    only lends words to a follow-up question, so long answers or pasted text add nothing."""
    usable = [h for h in history or () if isinstance(h, Turn | dict)][-HISTORY_TURNS:]
    return [Turn(t.role, clean(t.content[: max_chars * 2])[:max_chars])
            for t in as_turns(usable)]
