"""The fitted choice of the sentences an answer quotes: the shipped model matches today's
features, what counts as an answer unit when fitting, the fitting itself on questions whose
answer a feature gives away, and the model at work on the sample reports."""

from __future__ import annotations

import json
import random

import pytest

from assistant.documents import Document, Paragraph, Passage
from assistant.fitted import fingerprint
from assistant.selection import (
    SELECTION_FEATURES,
    SELECTION_VERSION,
    SELECTOR_FILE,
    load_selector,
    relative,
)
from assistant.sentences import trusted, units
from eval.fit_selector import fit, quality
from eval.selection_data import Question, is_answer
from eval.testset import Evidence


def test_the_shipped_selector_was_fitted_on_todays_features() -> None:
    shipped = json.loads(SELECTOR_FILE.read_text())
    assert shipped["fingerprint"] == fingerprint(SELECTION_FEATURES, SELECTION_VERSION), \
        "the selection features changed: run `scrutineer eval fit-selector` and ship the result"
    assert shipped["names"] == list(SELECTION_FEATURES)
    assert shipped["command"] == "scrutineer eval fit-selector"
    model = load_selector()
    assert model is not None and 0 < model.threshold <= 1


def _passage(text: str, name: str = "report.pdf", label: str = "4.2") -> Passage:
    document = Document("d", f"/x/{name}", name, "Report", "h")
    return Passage(Paragraph("d#1", "d", 0, text, label=label), document)


PARAGRAPH = ("The partnership met in March. It funded 19 bed spaces across the county until "
             "March 2021. Referrals to the outreach service rose by 12%.")


def test_an_answer_unit_holds_the_gold_quote_or_lies_inside_it() -> None:
    passage = _passage(PARAGRAPH)
    found = trusted(units(PARAGRAPH))
    gold = (Evidence("report.pdf", "", None, "19 bed spaces across the county"),)
    assert [is_answer(passage, u, gold, whole=False) for u in found] == [False, True, False]
    across = (Evidence("report.pdf", "", None, "It funded 19 bed spaces across the county "
                       "until March 2021. Referrals to the outreach service rose by 12%."),)
    assert [is_answer(passage, u, across, whole=False) for u in found] == [False, True, True]
    elsewhere = (Evidence("other.pdf", "", None, "19 bed spaces across the county"),)
    assert not any(is_answer(passage, u, elsewhere, whole=False) for u in found)


def test_where_the_gold_names_paragraphs_every_unit_of_one_is_an_answer() -> None:
    passage = _passage(PARAGRAPH)
    gold = (Evidence("report.pdf", "", None, "The partnership met in March."),)
    assert all(is_answer(passage, u, gold, whole=True) for u in trusted(units(PARAGRAPH)))


def _questions(seed: int, count: int, source: str) -> list[Question]:
    """Questions whose answer unit has the highest "unit_coverage" and the kind asked for;
    the other features are noise."""
    generator = random.Random(seed)
    out = []
    for n in range(count):
        size = generator.randint(5, 12)
        answer = generator.randrange(size)
        rows = []
        for i in range(size):
            row = [generator.random() for _ in SELECTION_FEATURES]
            row[SELECTION_FEATURES.index("unit_coverage")] = 0.9 if i == answer else \
                generator.random() * 0.6
            row[SELECTION_FEATURES.index("kind_met")] = float(i == answer or
                                                              generator.random() < 0.2)
            rows.append(tuple(row))
        out.append(Question(source, f"g{n % 7}", f"{source}-{n}", tuple(rows),
                            tuple(i == answer for i in range(size)),
                            tuple(generator.random() for _ in range(size))))
    return out


def test_the_fitted_model_puts_the_answer_first_on_questions_it_was_not_fitted_on() -> None:
    model = fit(_questions(1, 60, "a") + _questions(2, 60, "b"))
    held_out = _questions(3, 40, "c")
    assert model.weights[SELECTION_FEATURES.index("unit_coverage")] > 0
    fitted = quality(held_out, lambda q: (relative(model.score(r) for r in q.features),
                                          model.threshold))
    assert fitted["top1"] == 1.0 and fitted["quoted"] == 1.0
    hand = quality(held_out, lambda q: (list(q.support), 0.8))
    assert hand["top1"] < 0.5  # the hand scores of these made-up questions are noise


@pytest.fixture
def samples():
    from assistant.assistant import Assistant
    from ingest import ingest
    from tests.conftest import SAMPLES

    assert ingest([SAMPLES]).exit_code == 0
    return Assistant()


ARRESTS = "How many arrests did Operation Sceptre lead to in Northshire?"


def _scored(assistant, question: str):
    understood, passages, verified = assistant.deliberate(question)
    vector = assistant.library.embedder.embed_one(understood.standalone)
    shown = assistant.composer.with_neighbours(passages[: assistant.settings.answer_passages])
    return assistant.answerer.score(understood.standalone, vector, understood.intent,
                                    shown), verified.draft


def test_the_fitted_model_orders_the_units_and_support_stays_the_hand_score(samples) -> None:
    assert samples.answerer.selector is not None
    scored, draft = _scored(samples, ARRESTS)
    assert [s.score for s in scored] == sorted((s.score for s in scored), reverse=True)
    assert scored[0].score == 1.0 and all(0 < s.score <= 1 for s in scored)  # shares of best
    assert draft.support == scored[0].support
    assert "46 arrests" in draft.citations[0].quote  # the sentence that holds the figure


def test_without_a_selector_the_hand_score_orders_the_units(samples) -> None:
    samples.use_selector(None)
    scored, draft = _scored(samples, ARRESTS)
    assert [s.score for s in scored] == [s.support for s in scored]
    assert [s.score for s in scored] == sorted((s.score for s in scored), reverse=True)
    assert draft.support == scored[0].support


def _row(question: str, passages: list[Passage]) -> dict[tuple[str, int], dict[str, float]]:
    """Each unit's features by (text, passage), with a vector cache over the fake embedder."""
    from assistant.query import intent
    from assistant.selection import unit_features
    from assistant.vector_cache import VectorCache
    from tests.conftest import FakeEmbedder

    embedder = FakeEmbedder("fake")
    found = unit_features(question, embedder.embed_one(question), intent(question), passages,
                          VectorCache(embedder))
    return {(unit.text, index): dict(zip(SELECTION_FEATURES, row, strict=True))
            for (index, unit), row in zip(found.candidates, found.rows.tolist(), strict=True)}


def test_units_carry_what_sets_an_answer_apart_from_the_questions_restatement() -> None:
    minutes = _passage("Inspector O’Shea attended to update the Committee and advised that "
                       "13 new officers had been recruited. In the past year the force "
                       "had 1,873 reported crimes, below the target of 2,388. The Report set "
                       "out the Council’s role in community safety. The function was led "
                       "through the Directorate of Public Health.")
    crimes = _row("How many crimes did the force report over the past year?", [minutes])
    recruited, counted = (crimes[(t, 0)] for t in (
        "Inspector O’Shea attended to update the Committee and advised that 13 new officers "
        "had been recruited.",
        "In the past year the force had 1,873 reported crimes, below the target of 2,388."))
    assert recruited["kind_met"] == counted["kind_met"] == 1.0  # both hold a number
    assert (recruited["counted"], counted["counted"]) == (0.0, 1.0)  # one counts crimes
    role = _row("What is the Council's role in community safety?", [minutes])
    echo = role[("The Report set out the Council’s role in community safety.", 0)]
    answer = role[("The function was led through the Directorate of Public Health.", 0)]
    assert (echo["after_echo"], answer["after_echo"]) == (0.0, 1.0)
    assert answer["novelty"] > echo["novelty"]  # it says what the question does not


def test_a_money_or_share_question_is_met_only_by_money_or_a_share() -> None:
    from assistant.query import intent

    assert intent("How much did the roll-out cost?").measure == "money"
    assert intent("What share of the approved spending did the Board pay for?").measure == \
        "share"
    assert intent("How many referrals were made?").measure == "count"
    assert intent("Who chairs the board?").measure == ""
    paper = _passage("The roll-out uses 140 litre bins. It cost £1.2m. Take-up reached 64%.")
    cost = _row("How much did the roll-out cost?", [paper])
    assert [cost[(t, 0)]["kind_met"] for t in ("The roll-out uses 140 litre bins.",
                                               "It cost £1.2m.", "Take-up reached 64%.")] == \
        [0.0, 1.0, 0.0]
    share = _row("What percentage took it up?", [paper])
    assert share[("Take-up reached 64%.", 0)]["kind_met"] == 1.0
    assert share[("It cost £1.2m.", 0)]["kind_met"] == 0.0
