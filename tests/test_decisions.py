"""The fitted decision to answer or abstain: the shipped model matches today's features, the
checks of years, councils and named things, the near-miss variants it is fitted on, and the
answers and abstentions it gives on real documents."""

from __future__ import annotations

import json

import pytest

from assistant.evidence import meets, periods, subject_words
from assistant.fitted import Logistic, fingerprint
from assistant.query import intent
from assistant.stages.decide import (
    DECIDER_FILE,
    DECISION_FEATURES,
    DECISION_VERSION,
    SPEAKER_RE,
    load_decider,
)
from eval.near_miss import shifted_year, swapped_council, swapped_topic


def test_the_shipped_decider_was_fitted_on_todays_features() -> None:
    shipped = json.loads(DECIDER_FILE.read_text())
    assert shipped["fingerprint"] == fingerprint(DECISION_FEATURES, DECISION_VERSION), \
        "the decision features changed: run `scrutineer eval fit-decider` and ship the result"
    assert shipped["names"] == list(DECISION_FEATURES)
    assert shipped["command"] == "scrutineer eval fit-decider"
    model = load_decider()
    assert model is not None and 0 < model.threshold < 1


def test_a_model_fitted_on_other_features_is_not_used(tmp_path) -> None:
    model = Logistic(("a", "b"), (1.0, -1.0), (0.0, 0.0), (1.0, 1.0), 0.0, 0.5,
                     fingerprint(("a", "b"), 1))
    path = tmp_path / "model.json"
    path.write_text(model.to_json())
    assert Logistic.load(path, fingerprint(("a", "b"), 1)) == model
    assert Logistic.load(path, fingerprint(("a", "b", "c"), 1)) is None
    assert Logistic.load(path, fingerprint(("a", "b"), 2)) is None
    assert Logistic.load(tmp_path / "missing.json", "x") is None


def test_probabilities_follow_the_weights() -> None:
    model = Logistic(("a", "b"), (2.0, -1.0), (0.5, 0.0), (0.5, 1.0), 0.0, 0.5)
    assert model.probability([0.5, 0.0]) == pytest.approx(0.5)
    assert model.probability([1.0, 0.0]) == pytest.approx(1 / (1 + 2.718281828 ** -2))
    assert model.probability([0.5, 3.0]) < 0.05


@pytest.mark.parametrize(("text", "found"), [
    ("in 2023-24", {(2023, 2024)}),
    ("2023/2024 and 2019", {(2023, 2024), (2019, None)}),
    ("from 2021 to 2023", {(2021, None), (2023, None)}),
    ("2020-2025 strategy", {(2020, None)}),  # a span of years is not a financial year
    ("reference 12/34567", set()),
])
def test_periods_read_years_and_financial_years(text: str, found: set) -> None:
    assert periods(text) == found


def test_an_asked_financial_year_is_met_only_by_itself() -> None:
    assert meets((2024, 2025), {(2024, 2025)})
    assert not meets((2024, 2025), {(2024, None)})  # a meeting in 2024 may be 2023-24's
    assert not meets((2024, 2025), {(2023, 2024)})  # last year's figure is not this year's
    assert meets((2024, None), {(2023, 2024)})
    assert not meets((2019, None), {(2020, 2021)})


def test_subject_words_leave_out_names_years_and_question_words() -> None:
    question = "What was the Western Suffolk CSP's budget in 2019?"
    assert subject_words(question, intent(question)) == ["budget"]
    question = "How many refuge beds does Hampshire fund?"
    assert subject_words(question, intent(question)) == ["refuge", "beds", "fund"]


def test_near_misses_move_the_year_past_what_the_papers_state() -> None:
    gold = "Eleven ASB case reviews were held in 2023-24. Figures for 2020-21 and 2026."
    assert shifted_year("How many ASB case reviews were held in 2023-24?", gold) == \
        "How many ASB case reviews were held in 2028-29?"  # +3 and -3 are stated
    assert shifted_year("Who chairs the board?", gold) == ""


def test_near_misses_swap_the_council_for_one_the_papers_never_mention() -> None:
    councils = ["Hampshire County Council", "Kent County Council", "Northshire"]
    gold = "Hampshire funds 40 refuge beds across the county."
    assert swapped_council("How many refuge beds does Hampshire fund?", councils, gold, "a") in {
        "How many refuge beds does Kent County Council fund?",
        "How many refuge beds does Northshire fund?"}
    assert swapped_council("How many refuge beds are funded?", councils, gold, "a") == ""


def test_near_misses_swap_the_subject_for_another_questions() -> None:
    gold = "Hampshire funds 40 refuge beds."
    swapped = swapped_topic("How many refuge beds does Hampshire fund?",
                            ["What did the partnership say about county lines?"], gold, "s")
    assert swapped == "How many county lines does Hampshire fund?"


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory):
    from assistant.assistant import Assistant
    from assistant.settings import DEFAULT_EMBEDDING_MODEL, Settings
    from ingest import ingest
    from tests.conftest import SAMPLES

    settings = Settings(data_dir=tmp_path_factory.mktemp("decisions"),
                        embedding_model=DEFAULT_EMBEDDING_MODEL)
    assert ingest([SAMPLES], settings).exit_code == 0
    return Assistant(settings)


def test_the_year_asked_is_answered(samples) -> None:
    answer = samples.ask("What was the Northshire partnership's budget for 2023-24?")
    assert not answer.abstained and "£486,000" in answer.text


def test_another_financial_year_is_refused_saying_which_years_the_papers_give(samples) -> None:
    answer = samples.ask("What was the Northshire partnership's budget for 2025-26?")
    assert answer.abstained and not answer.citations and "£486,000" not in answer.text
    assert "No paragraph gives" in answer.text and "for 2025-26; the nearest give" in answer.text
    assert "2023-24" in answer.text and "Nearest: Northshire Community Safety Partnership" \
        in answer.text and answer.related


def test_another_councils_figure_is_not_given_for_the_council_asked(samples) -> None:
    answer = samples.ask("What was the Riverton partnership's budget for 2023-24?")
    assert answer.abstained and not answer.citations and "£486,000" not in answer.text
    assert "for Riverton" in answer.text


def test_a_scheme_no_paper_mentions_is_named_in_the_refusal(samples) -> None:
    answer = samples.ask("How many arrests did Operation Nightjar lead to in Northshire?")
    assert answer.abstained and not answer.citations and "46" not in answer.text
    assert "No paragraph in the library mentions Operation Nightjar." in answer.text


def test_the_scheme_asked_is_answered(samples) -> None:
    answer = samples.ask("How many arrests did Operation Sceptre lead to in Northshire?")
    assert not answer.abstained and "46 arrests" in answer.text


def test_without_a_decider_the_hand_rules_decide(samples) -> None:
    shipped = samples.decider
    try:
        samples.use_decider(None)
        answer = samples.ask("How many arrests did Operation Sceptre lead to in Northshire?")
        assert not answer.abstained and "46 arrests" in answer.text
    finally:
        samples.use_decider(shipped)


@pytest.mark.parametrize(("text", "spoken"), [
    ("Hon. Andrew Scheer (Leader of the Opposition): It was revealed yesterday…", True),
    ("The Chair (Hon. Anthony Rota (Nipissing, Lib.)): I call the meeting to order.", True),
    ("Lynne Neagle AM: Good morning, everyone.", True),
    ("The Committee noted: the report and its appendices.", False),
    ("Cllr Smith: asked about the budget.", False),
    ("4.29 The partnership funded 19 bed spaces.", False)])
def test_a_speakers_turn_in_a_verbatim_record_is_told_from_report_text(text: str,
                                                                       spoken: bool) -> None:
    assert bool(SPEAKER_RE.match(text)) is spoken


def test_a_quote_stating_another_year_than_the_one_asked_is_told_apart() -> None:
    """The paragraph mentions the year asked, but the sentence quoted gives another year's
    figure: the year is met nearby, not by the quote, and the refusal says so."""
    from assistant.answers import Citation
    from assistant.documents import Document, Paragraph, Passage
    from assistant.evidence import check
    from assistant.extractive import Draft
    from assistant.stages.decide import mismatch

    text = ("Across the district 24,752 crimes were recorded in 2023-24. Figures were "
            "compared with 2019-20, before the pandemic.")
    document = Document("d", "/x/csp.pdf", "csp.pdf", "Partnership review", "h")
    cited = Citation(1, Passage(Paragraph("d#1", "d", 0, text, label="3.1"), document),
                     text.split(". ")[0] + ".")
    question = "How many crimes were recorded across the district in 2019-20?"
    checks = check(question, intent(question), [cited])
    assert (checks.year_met, checks.quoted_other_year) == (1.0, 1.0)
    assert checks.quoted_periods == ("2023-24",)
    draft = Draft(cited.quote, (cited,), 0.6, 0.6)
    assert mismatch(checks, intent(question), draft).startswith(
        "The papers give a figure for 2023-24, not 2019-20.")
    asked_right = check("How many crimes were recorded in 2023-24?",
                        intent("How many crimes were recorded in 2023-24?"), [cited])
    assert asked_right.quoted_other_year == 0.0
