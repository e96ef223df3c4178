"""Follow-ups resolved against the previous turn; a question that stands alone is never
rewritten, even when short or when it says "it", "that" or "and"."""

from __future__ import annotations

import pytest

from assistant.conversation import rewrite

PARTNERSHIP = [{"role": "user", "content": "What did the partnership say about domestic abuse?"},
               {"role": "assistant", "content": "It funded 19 bed spaces. [1]"}]
SCHEME = [{"role": "user", "content": "What is the Safe at Home scheme?"}]


@pytest.mark.parametrize("question", [
    "What does JOS/20/17 recommend?",
    "What is Op Sceptre?",
    "Is it true that Kent funded 19 bed spaces in the county?",
    "What did the partnership and the police agree about knife crime in Hampshire in 2023?",
    "How many calls had the Suffolk helpline received by December 2020?",
])
def test_a_question_that_stands_alone_is_never_rewritten(question: str) -> None:
    assert rewrite(question, PARTNERSHIP) == question


@pytest.mark.parametrize(("question", "standalone"), [
    ("And what about county lines?", "What did the partnership say about county lines?"),
    ("What about county lines?", "What did the partnership say about county lines?"),
    ("Who chairs it?", "Who chairs the partnership?"),
    ("What did they decide?", "What did the partnership decide?"),
    ("And in Hampshire?", "What did the partnership say about domestic abuse in Hampshire?"),
])
def test_a_follow_up_is_resolved_against_the_previous_question(question: str,
                                                               standalone: str) -> None:
    assert rewrite(question, PARTNERSHIP) == standalone


def test_the_answer_in_the_history_is_never_a_source_of_words() -> None:
    assert "bed spaces" not in rewrite("And in Hampshire?", PARTNERSHIP)
    assert rewrite("Who leads it?", SCHEME) == "Who leads the Safe at Home scheme?"
    assert rewrite("Who leads it?", []) == "Who leads it?"
