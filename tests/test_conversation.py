"""Follow-ups resolved against the previous turn; a question that stands alone is never
rewritten, even when short or when it says "it", "that", "this", "they" or "and"."""

from __future__ import annotations

import pytest

from assistant.conversation import Turn, is_follow_up, rewrite


def user(*questions: str) -> list[dict]:
    """A history of user turns only."""
    return [{"role": "user", "content": q} for q in questions]


PARTNERSHIP = [{"role": "user", "content": "What did the partnership say about domestic abuse?"},
               {"role": "assistant", "content": "It funded 19 bed spaces. [1]"}]
SCHEME = [{"role": "user", "content": "What is the Safe at Home scheme?"}]
KNIFE = user("What did the partnership say about knife crime?")
BEDS = user("How many refuge beds does Hampshire fund?")
GROUP = user("What is the Hampshire Community Safety Strategy Group?")
JOSC = user("What did the Joint Overview and Scrutiny Committee discuss in June 2020?")
INCIDENTS = user("How many knife crime incidents were recorded in Kent in 2023?")
ARRESTS = user("How many arrests did Operation Sceptre lead to in Northshire?")
CHAIN = user("What is the Hampshire Community Safety Strategy Group?", "Who chairs it?",
             "And in Norfolk?")

STANDALONE = [
    "What does JOS/20/17 recommend?",
    "What is Op Sceptre?",
    "Is it true that Kent funded 19 bed spaces in the county?",
    "What did the partnership and the police agree about knife crime in Hampshire in 2023?",
    "How many calls had the Suffolk helpline received by December 2020?",
    "Is it true that the Community Safety Partnership met in March 2023?",
    "What did the council decide about parking and traffic enforcement?",
    "How many knife crime incidents were recorded in Kent in 2023 and how does that compare "
    "with 2022?",
    "What is the Safe at Home scheme and who funds it?",
    "Which partnership said that county lines were a priority?",
    "What does this year's strategic assessment say about domestic abuse?",
    "What does the Safe at Home scheme do and how is it funded?",
    "Which councils said they would fund refuges?",
    "How does Kent fund its refuges?",
    "What is the role of the Police and Crime Commissioner and how is he elected?",
    "Does the strategy say how it will be funded?",
    "Why is it important that councils fund refuges?",
    "How long does it take to get a refuge place in Kent?",
    "Are there any refuges in Kent?",
    "How many refuges are there in Kent?",
    "What did councils say about those who were affected?",
    "What were this month's figures for Kent?",
    "What is the scheme that funds refuges?",
    "Which council funds the most refuges and how many does it fund?",
    "What is domestic abuse?",
    "How much did the council spend on refuges?",
    "How did the council decide it would spend the grant?",
    "Which agencies attended and what did they agree?",
    "What did the Kent partnership say about its budget?",
    "Did the council say that this was a priority?",
    "How many outreach workers does Kent employ?",
]


@pytest.mark.parametrize("history", [PARTNERSHIP, KNIFE, GROUP, CHAIN, []])
@pytest.mark.parametrize("question", STANDALONE)
def test_a_question_that_stands_alone_is_never_rewritten(question: str,
                                                         history: list[dict]) -> None:
    assert not is_follow_up(question)
    assert rewrite(question, history) == question


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


@pytest.mark.parametrize(("question", "standalone"), [
    ("And what about county lines?", "What did the partnership say about county lines?"),
    ("What about county lines?", "What did the partnership say about county lines?"),
    ("How about county lines?", "What did the partnership say about county lines?"),
    ("And county lines?", "What did the partnership say about county lines?"),
    ("About county lines?", "What did the partnership say about county lines?"),
    ("What about their budget?", "What did the partnership say about the partnership's budget?"),
    ("And what did Kent decide about parking?", "What did Kent decide about parking?"),
])
def test_what_about_x_asks_the_previous_question_about_x(question: str, standalone: str) -> None:
    assert rewrite(question, KNIFE) == standalone


@pytest.mark.parametrize(("history", "question", "standalone"), [
    (BEDS, "And in Norfolk?", "How many refuge beds does Norfolk fund?"),
    (BEDS, "What about Norfolk?", "How many refuge beds does Norfolk fund?"),
    (BEDS, "And Norfolk?", "How many refuge beds does Norfolk fund?"),
    (BEDS, "And how many does Norfolk fund?", "How many refuge beds does Norfolk fund?"),
    (BEDS, "What about outreach workers?", "How many outreach workers does Hampshire fund?"),
    (BEDS, "What about the council?", "How many refuge beds does the council fund?"),
    (ARRESTS, "And in Riverton?", "How many arrests did Operation Sceptre lead to in Riverton?"),
    (INCIDENTS, "And in Essex?", "How many knife crime incidents were recorded in Essex in 2023?"),
    (INCIDENTS, "What about 2022?",
     "How many knife crime incidents were recorded in Kent in 2022?"),
    (JOSC, "What about Norfolk?", "What did Norfolk discuss in June 2020?"),
    (SCHEME, "And in Norfolk?", "What is the Safe at Home scheme in Norfolk?"),
    (user("What does JOS/20/17 recommend?"), "And in Kent?",
     "What does JOS/20/17 recommend in Kent?"),
    (SCHEME, "What about Op Sceptre?", "What is Op Sceptre?"),
    (user("What does JOS/20/17 say about parking?"), "And JOS/21/3?",
     "What does JOS/21/3 say about parking?"),
])
def test_a_name_or_year_in_a_follow_up_takes_the_place_of_the_previous_one(
        history: list[dict], question: str, standalone: str) -> None:
    assert rewrite(question, history) == standalone


@pytest.mark.parametrize(("history", "question", "standalone"), [
    (GROUP, "Who chairs it?", "Who chairs the Hampshire Community Safety Strategy Group?"),
    (GROUP, "Who leads it?", "Who leads the Hampshire Community Safety Strategy Group?"),
    (GROUP, "When does it meet?", "When does the Hampshire Community Safety Strategy Group meet?"),
    (GROUP, "How is it funded?", "How is the Hampshire Community Safety Strategy Group funded?"),
    (GROUP, "Who chairs that group?",
     "Who chairs the Hampshire Community Safety Strategy Group?"),
    (GROUP, "What are its priorities?",
     "What are the Hampshire Community Safety Strategy Group's priorities?"),
    (JOSC, "What did they decide?", "What did the Joint Overview and Scrutiny Committee decide?"),
    (JOSC, "Who chairs it?", "Who chairs the Joint Overview and Scrutiny Committee?"),
    (SCHEME, "Who funds this scheme?", "Who funds the Safe at Home scheme?"),
    (SCHEME, "Is it funded by the council?", "Is the Safe at Home scheme funded by the council?"),
    (SCHEME, "When was it set up and who runs it?",
     "When was the Safe at Home scheme set up and who runs it?"),
    (INCIDENTS, "How were they counted?", "How were knife crime incidents counted?"),
    (user("Describe the Safe at Home scheme"), "Who funds it?",
     "Who funds the Safe at Home scheme?"),
    (user("What did the board endorse?"), "Why did they do that?", "Why did the board do that?"),
    (user("What does JOS/20/17 say about parking?"), "What did that report recommend?",
     "What did JOS/20/17 recommend?"),
    (user("What Police Scotland report went to the Aberdeen committee in September 2023?"),
     "Who spoke to it?", "Who spoke to Police Scotland report?"),
    (user("What did Cheshire East councillors hear about Channel panel referrals?"),
     "And what was the gender split of those referrals?",
     "What was the gender split of Channel panel referrals?"),
])
def test_a_subject_pronoun_stands_for_what_the_previous_question_was_about(
        history: list[dict], question: str, standalone: str) -> None:
    assert rewrite(question, history) == standalone


@pytest.mark.parametrize(("history", "question", "standalone"), [
    (user("Who chairs the Hampshire Community Safety Strategy Group?"), "When does it meet?",
     "When does the Hampshire Community Safety Strategy Group meet?"),
    (user("Who funds the Safe at Home scheme?"), "How long has it run?",
     "How long has the Safe at Home scheme run?"),
    (KNIFE, "What did the council say about it?",
     "What did the council say about the partnership?"),
    (INCIDENTS, "How does that compare with 2022?",
     "How does the number of knife crime incidents recorded in Kent in 2023 compare with 2022?"),
])
def test_an_object_pronoun_stands_for_what_the_previous_question_asked_about(
        history: list[dict], question: str, standalone: str) -> None:
    assert rewrite(question, history) == standalone


@pytest.mark.parametrize(("history", "question", "standalone"), [
    (user("What is the Hampshire Community Safety Strategy Group?", "Who chairs it?"),
     "When does it meet?", "When does the Hampshire Community Safety Strategy Group meet?"),
    (user("How many refuge beds does Hampshire fund?", "And in Norfolk?"), "And in Suffolk?",
     "How many refuge beds does Suffolk fund?"),
    (user("What did the partnership say about knife crime?", "And what about county lines?"),
     "And in Kent?", "What did the partnership say about county lines in Kent?"),
    (user("What did the partnership say about knife crime?", "What about county lines?",
          "And in Kent?"), "What about 2022?",
     "What did the partnership say about county lines in Kent in 2022?"),
    (user("How many refuge beds does Hampshire fund?", "What about Norfolk?", "Who funds it?"),
     "What about Suffolk?", "Who funds Suffolk?"),
    (user("What is the Safe at Home scheme?", "What does JOS/20/17 recommend?"), "Who wrote it?",
     "Who wrote JOS/20/17?"),
    (user("What is the Safe at Home scheme?", "Why?", "Is that true?"), "Who funds it?",
     "Who funds the Safe at Home scheme?"),
])
def test_a_chain_of_follow_ups_resolves_each_turn_against_the_one_before(
        history: list[dict], question: str, standalone: str) -> None:
    assert rewrite(question, history) == standalone


@pytest.mark.parametrize("history", [
    [],
    [{"role": "assistant", "content": "The Safe at Home scheme is led by Riverton Council."}],
    [{"role": "system", "content": "What is the Safe at Home scheme?"}],
    [{"role": "user", "content": "   "}],
])
def test_without_a_user_turn_a_follow_up_is_left_as_asked(history: list[dict]) -> None:
    assert rewrite("Who leads it?", history) == "Who leads it?"
    assert rewrite("  And in Norfolk?  ", history) == "And in Norfolk?"


def test_the_answer_in_the_history_is_never_a_source_of_words() -> None:
    assert "bed spaces" not in rewrite("And in Hampshire?", PARTNERSHIP)
    assert rewrite("Who leads it?", SCHEME) == "Who leads the Safe at Home scheme?"
    assert rewrite("Who leads it?", []) == "Who leads it?"
    answered = [*user("What did the partnership say about knife crime?"),
                {"role": "assistant", "content": "The Safe at Home scheme leads on it."}]
    assert rewrite("Who leads it?", answered) == "Who leads the partnership?"
    assert rewrite("Tell me more", answered) == "Tell me more about the partnership?"


def test_turns_and_dicts_are_both_accepted() -> None:
    history = [Turn("user", "What is the Safe at Home scheme?"), Turn("assistant", "A scheme.")]
    assert rewrite("Who chairs it?", history) == "Who chairs the Safe at Home scheme?"


@pytest.mark.parametrize(("question", "follow_up"), [
    ("Who chairs it?", True),
    ("What did they decide?", True),
    ("And in Norfolk?", True),
    ("In Norfolk?", True),
    ("What about county lines?", True),
    ("Why?", True),
    ("Is that true?", True),
    ("What did that report recommend?", True),
    ("How many does Norfolk fund?", True),
    ("Does it include Kent?", True),
    ("What is this report about?", True),
    ("", False),
    ("What is the Safe at Home scheme and who funds it?", False),
    ("Is it true that the Community Safety Partnership met in March 2023?", False),
])
def test_is_follow_up(question: str, follow_up: bool) -> None:
    assert is_follow_up(question) is follow_up


def test_a_follow_up_with_nothing_to_borrow_keeps_its_words() -> None:
    assert rewrite("Is that true?", KNIFE) == "Is that true?"
    assert rewrite("Why?", KNIFE) == "Why (What did the partnership say about knife crime)?"
