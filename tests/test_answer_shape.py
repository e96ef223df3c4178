"""Answers contain the thing asked, over the real documents with the real model: a counted
list quotes exactly as many items as its lead-in announces, a table row brings the cells
that answer, "how many" / "when" / "who" answers lead with the figure, date or person, and a
question in two parts is answered part by part, each part cited. The conservative splitter
and the pieces behind these are checked on their own too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.answers import Answer
from assistant.arrange import Scored, leading
from assistant.asked import announced, answers_cell, cells
from assistant.assistant import Assistant
from assistant.library import Library
from assistant.parts import split_parts, standalone_parts
from assistant.sentences import units
from assistant.settings import DEFAULT_EMBEDDING_MODEL, Settings
from assistant.stages.decide import ABSTAIN_TEXT
from ingest import ingest
from tests.conftest import CORPUS, SAMPLES, SEEDS, needs_seeds

CHESHIRE = CORPUS / "councils" / "docs" / "cheshire-east--prevent-channel.txt"
needs_cheshire = pytest.mark.skipif(not CHESHIRE.is_file(),
                                    reason="shared corpus councils/ not present")
RIVERTON = "riverton-safer-streets-progress-2023-24.pdf"
NORTHSHIRE = "northshire-csp-annual-review-2024.pdf"
MARKER = re.compile(r" \[(\d+)\]$")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    settings = Settings(data_dir=tmp_path_factory.mktemp("shape"),
                        embedding_model=DEFAULT_EMBEDDING_MODEL)
    sources: list[Path] = [SAMPLES] + [p for p in (SEEDS, CHESHIRE) if p.exists()]
    assert ingest(sources, settings).exit_code == 0
    return Assistant(settings)


def checked(answer: Answer, library: Library) -> list[tuple[str, int]]:
    """Every quote is verbatim in its stored paragraph, each paragraph is cited once, the
    markers are exactly the citations, and every quoted line ends with one; returns the
    quoted lines as (text, marker)."""
    assert not answer.abstained and answer.citations
    keys = [c.passage.paragraph.key for c in answer.citations]
    assert len(keys) == len(set(keys)), "a paragraph cited twice"
    for cited in answer.citations:
        [stored] = library.get_paragraphs([cited.passage.paragraph.key])
        assert cited.quote and cited.quote in stored.text
    lines = [line for line in answer.text.splitlines() if line.strip()
             and not line.startswith(("From “", "No paragraph answers"))]
    quoted = []
    for line in lines:
        found = MARKER.search(line)
        assert found, line
        quoted.append((line[: found.start()], int(found.group(1))))
    assert {n for _, n in quoted} == {c.n for c in answer.citations}
    return quoted


def lists_in(quoted: list[tuple[str, int]]) -> list[tuple[int, list[str]]]:
    """Each counted lead-in in an answer with the item lines that follow it; asserts the
    item lines stop exactly at the count."""
    found = []
    for index, (text, _) in enumerate(quoted):
        count = announced(text)
        if count:
            items = [t for t, _ in quoted[index + 1: index + 1 + count] if t.startswith("- ")]
            assert len(items) == count, (text, items)
            after = quoted[index + 1 + count: index + 2 + count]
            assert not after or not after[0][0].startswith("- "), after
            found.append((count, [item[2:] for item in items]))
    return found


# -- lists keep all their items ---------------------------------------------------------------

def test_a_counted_list_in_its_paragraph_is_quoted_whole_under_one_citation(
        assistant: Assistant) -> None:
    answer = assistant.ask("What three actions did the Northshire VAWG problem profile "
                           "recommend?")
    quoted = checked(answer, assistant.library)
    assert lists_in(quoted) == [(3, [
        "a night-time economy safety charter for licensed premises;",
        "bystander training for staff in bars and on late-night transport; and",
        "a single referral pathway for stalking victims."])]
    assert {n for _, n in quoted} == {1}
    assert answer.citations[0].passage.paragraph.label == "4.3"


@needs_seeds
def test_a_lead_in_quoted_for_a_broad_question_brings_every_item_it_counts(
        assistant: Assistant) -> None:
    quoted = checked(assistant.ask("What has been done about hate crime across the "
                                   "partnerships?"), assistant.library)
    assert (5, ["Governance, Leadership and Accountability", "Preventing Hate Crime",
                "Increasing Knowledge", "Increasing reporting/improving support",
                "Improve the quality of investigations"]) in lists_in(quoted)


@needs_seeds
def test_counted_sub_headings_are_the_items_and_one_paragraph_is_one_citation(
        assistant: Assistant) -> None:
    answer = assistant.ask("What are the three pillars of the national drug strategy in "
                           "Hampshire's Combating Drugs Partnership plan?")
    quoted = checked(answer, assistant.library)
    assert lists_in(quoted) == [(3, ["Achieving a generational shift in demand for drugs",
                                     "Breaking drug supply chains",
                                     "World class treatment services"])]
    [citation] = answer.citations
    assert citation.quote.startswith("It has prepared a needs assessment")
    assert citation.quote.endswith("World class treatment services")


@needs_cheshire
def test_a_lead_in_ending_its_paragraph_brings_the_counted_paragraphs_after_it(
        assistant: Assistant) -> None:
    answer = assistant.ask("What was the three part presentation on the Prevent and Channel "
                           "agenda to Cheshire East's committee?")
    quoted = checked(answer, assistant.library)
    [(count, items)] = lists_in(quoted)
    assert count == 3 and [i.split(",")[0] for i in items] == [
        "An overview of Prevent", "Prevent and Channel at Cheshire East",
        "The Member expectation"]
    by_n = {c.n: c.passage.paragraph.label for c in answer.citations}
    start = next(i for i, (t, _) in enumerate(quoted) if announced(t))
    assert [by_n[n] for _, n in quoted[start + 1: start + 4]] == ["1)", "2)", "3)"]


def test_lead_in_counts_are_read_from_words_and_digits_on_the_real_lead_ins(
        assistant: Assistant) -> None:
    [northshire] = [d for d in assistant.documents() if d.file_name == NORTHSHIRE]
    leads = {u.text: announced(u.text) for p in assistant.paragraphs(northshire.doc_id)
             for u in units(p.text) if u.text.endswith(":")}
    assert leads["The VAWG Steering Group completed a problem profile in October 2023. It "
                 "recommended three actions:"] == 3
    assert leads["The partnership's priorities for 2023-24, agreed in its strategic "
                 "assessment, were:"] == 0  # no count stated: the list is taken as it is
    assert [announced(t) for t in ("The board agreed the following 4 actions:",
                                   "It covers twenty key areas:", "A five-point plan:",
                                   "In 2023, 12 projects were funded, including:",
                                   "Under agenda item 5 of this meeting, the following:",
                                   "The three-year plan is set out below:")] == [4, 20, 5, 0,
                                                                                 0, 0]


# -- table rows bring the cells that answer -------------------------------------------------

def test_a_row_quoted_by_its_action_brings_its_update_in_one_citation(
        assistant: Assistant) -> None:
    answer = assistant.ask("What is being done to give repeat victims of anti-social "
                           "behaviour a voice in Riverton?")
    quoted = dict(checked(answer, assistant.library))
    row = quoted["Action: Use the community trigger and ASB case reviews to give repeat "
                 "victims a voice."]
    assert quoted["Update: Eleven ASB case reviews were held in 2023-24."] == row
    assert quoted["In eight cases the review led to a new action plan agreed with the "
                  "victim."] == row
    [citation] = [c for c in answer.citations if c.n == row]
    assert citation.passage.document.file_name == RIVERTON
    assert citation.passage.paragraph.kind == "table_row"
    assert citation.quote.endswith("agreed with the victim.")


def test_a_row_quoted_by_the_cell_that_answers_is_quoted_alone(assistant: Assistant
                                                                ) -> None:
    answer = assistant.ask("How many ASB case reviews were held in Riverton?")
    assert answer.text == "Update: Eleven ASB case reviews were held in 2023-24. [1]"


def test_the_cells_that_answer_depend_on_what_is_asked(assistant: Assistant) -> None:
    [riverton] = [d for d in assistant.documents() if d.file_name == RIVERTON]
    [row] = [p.text for p in assistant.paragraphs(riverton.doc_id) if "cuckooing" in p.text]
    answering = {kind: [h for h, start, end in cells(row)
                        if answers_cell(kind, h, row[start:end])]
                 for kind in ("who", "date", "figure", "general")}
    assert answering == {"who": ["Lead Agency"], "date": ["Update"], "figure": ["Update"],
                         "general": ["Update"]}


# -- "how many", "when" and "who" lead with what they ask for -------------------------------

def test_the_unit_holding_the_thing_asked_leads(assistant: Assistant) -> None:
    [riverton] = [d for d in assistant.documents() if d.file_name == RIVERTON]
    [row] = [p.text for p in assistant.paragraphs(riverton.doc_id) if "cuckooing" in p.text]
    found = units(row)  # Priority, Action, Lead Agency, Update (two sentences)
    action = next(u for u in found if u.text.startswith("Action:"))
    ranked = [action, *(u for u in found if u is not action)]
    chosen = [Scored(0, u, 1.0 - i / 10, 0.5, 0.5) for i, u in enumerate(ranked)]
    assert leading(chosen, "who").unit.text == "Lead Agency: Riverton Police"
    assert leading(chosen, "date").unit.text.startswith("Update: A multi-agency cuckooing "
                                                        "panel was set up in June 2023")
    assert leading(chosen, "figure").unit.text.endswith("has supported 27 adults.")
    assert leading(chosen, "general").unit is action


def test_a_who_question_leads_with_the_lead_agency(assistant: Assistant) -> None:
    answer = assistant.ask("Who leads the Safe at Home scheme?")
    quoted = checked(answer, assistant.library)
    assert quoted[0][0] == "Lead Agency: Riverton City Council"
    assert any(t.startswith("Action: Extend the Safe at Home scheme") for t, _ in quoted)


@needs_seeds
def test_a_how_many_question_leads_with_the_figure(assistant: Assistant) -> None:
    answer = assistant.ask("How many bed spaces of satellite accommodation are there for "
                           "domestic abuse victims in Suffolk, and until when?")
    quoted = checked(answer, assistant.library)
    assert quoted[0][0].startswith("The 19 bed spaces distributed across the County")
    assert "end of March 2021" in quoted[0][0]


@needs_seeds
def test_a_which_agency_question_leads_with_the_agency(assistant: Assistant) -> None:
    answer = assistant.ask("Which agency leads the work to reduce children's use of weapons "
                           "in Southampton?")
    assert checked(answer, assistant.library)[0][0] == "Lead Agency: Youth Offending Service"


# -- questions in two parts ---------------------------------------------------------------------

@pytest.mark.parametrize(("question", "parts"), [
    ("What is the Safe at Home scheme and who leads it?",
     ["What is the Safe at Home scheme?", "Who leads it?"]),
    ("How many A were there in 2023, and what did the partnership decide about B?",
     ["How many A were there in 2023?", "What did the partnership decide about B?"]),
    ("Who chairs the HCSSG and how often does it meet?",
     ["Who chairs the HCSSG?", "How often does it meet?"]),
    ("What is the budget; who approved it?", ["What is the budget?", "Who approved it?"]),
    ("What are the aims of the partnership and how are they measured and who monitors them?",
     ["What are the aims of the partnership?", "How are they measured?", "Who monitors them?"]),
])
def test_a_question_with_parts_that_ask_for_themselves_is_split(question: str,
                                                               parts: list[str]) -> None:
    assert split_parts(question) == parts


@pytest.mark.parametrize("question", [
    "What did Devon and Somerset decide about parking and traffic?",
    "What is the Safer Communities and Policing Panel?",
    "Who is the lead agency for Op Fortress and safeguarding vulnerable people against drugs "
    "activity in Southampton?",
    "How many bed spaces does Suffolk have, and until when?",  # no question of its own
    "What happened and why?",
    "Which councils and which committees discussed knife crime?",
    "What was decided between 2019 and 2021?",
    "What is the role of the Police and Crime Commissioner and the Chief Constable?",
    "What did the committee hear about the threat level, and where most referrals came from?",
    "Who spoke to the item, and what scheme did they mention?",  # "they" is the answer
    "How many requests were received, and how many went to a panel hearing?",  # elliptical
    "'; DROP TABLE documents; --",
])
def test_names_pairs_and_dependent_clauses_are_never_split(question: str) -> None:
    assert split_parts(question) == [question]


def test_later_parts_stand_alone() -> None:
    assert standalone_parts(["What is the council's policy on dog fouling?",
                             "Who enforces it?"]) == [
        "What is the council's policy on dog fouling?",
        "Who enforces the council's policy on dog fouling?"]
    assert standalone_parts(["Who chairs the HCSSG?", "How often does it meet?"])[1] == \
        "How often does the HCSSG meet?"
    assert standalone_parts(["How many reviews were held in Riverton?",
                             "Why did the task group object?"], ("Riverton",))[1] == \
        "Why did the task group object in Riverton?"
    assert standalone_parts(["How many reviews were held in Riverton?",
                             "Who chairs the HCSSG?"], ("Riverton",))[1] == \
        "Who chairs the HCSSG?"  # it names what it asks about


def test_each_part_is_answered_and_cited_in_turn(assistant: Assistant) -> None:
    answer = assistant.ask("How many arrests did Operation Sceptre lead to in Northshire, and "
                           "how many licensed premises had signed the safety charter by March "
                           "2024?")
    quoted = checked(answer, assistant.library)
    first, second = answer.text.split("\n\n")
    assert "46 arrests" in first and first.endswith("[1]")
    assert "37 licensed premises had signed the safety charter" in second
    assert second.endswith("[2]")
    assert [c.passage.paragraph.label for c in answer.citations] == ["4.1", "4.4"]
    assert len(quoted) == 2 and answer.question.startswith("How many arrests")


def test_a_pronoun_in_the_second_part_is_answered_for_the_first_part_subject(
        assistant: Assistant) -> None:
    answer = assistant.ask("What is the Safe at Home scheme and who leads it?")
    quoted = checked(answer, assistant.library)
    blocks = answer.text.split("\n\n")
    assert len(blocks) == 2 and blocks[1] == "Lead Agency: Riverton City Council [1]"
    assert "Action: Extend the Safe at Home scheme for victims of domestic abuse. [1]" in \
        blocks[0]
    assert [c.n for c in answer.citations] == [1]  # one row, one citation for both parts
    assert len(quoted) == len(set(quoted))  # a line answering both parts is shown once


def test_a_part_no_paragraph_answers_is_said_so(assistant: Assistant) -> None:
    answer = assistant.ask("How many arrests did Operation Sceptre lead to in Northshire, and "
                           "what is the council's policy on dog fouling?")
    checked(answer, assistant.library)
    first, second = answer.text.split("\n\n")
    assert "46 arrests" in first
    assert second == "No paragraph answers 'what is the council's policy on dog fouling'."


def test_a_question_no_part_of_which_is_answered_abstains(assistant: Assistant) -> None:
    answer = assistant.ask("What is the council's policy on dog fouling and who enforces it?")
    assert answer.abstained and not answer.citations
    assert answer.text == (f"{ABSTAIN_TEXT} No paragraph answers 'what is the council's "
                           "policy on dog fouling'. No paragraph answers 'who enforces it'.")
    assert len(answer.related) == 3


def test_two_parts_in_llm_mode_are_not_split(assistant: Assistant) -> None:
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    scripted = Assistant(assistant.settings, assistant.library,
                         llm=FakeListChatModel(responses=["NOT IN DOCUMENTS"]))
    answer = scripted.ask("What is the Safe at Home scheme and who leads it?", mode="llm")
    assert answer.mode == "llm" and answer.abstained


def test_a_quoted_documents_line_names_its_council_unless_its_title_does() -> None:
    from assistant.documents import Document, DocumentMeta, Paragraph, Passage
    from assistant.quoting import document_line

    def line(title: str) -> str:
        meta = DocumentMeta(council="Harbourside Borough Council", committee="Cabinet",
                            meeting_date="2024-03-14")
        document = Document("d", "/x/d.pdf", "d.pdf", title, "h", meta)
        return document_line(Passage(Paragraph("d#1", "d", 0, "Text."), document))

    assert line("Town Centre PSPO") == \
        "From “Town Centre PSPO” (Harbourside Borough Council, Cabinet, 14 March 2024):"
    assert line("Harbourside Borough Council budget") == \
        "From “Harbourside Borough Council budget” (Cabinet, 14 March 2024):"
