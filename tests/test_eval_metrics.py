"""Metrics on hand-computed cases, the published worked examples, ties and empty results;
test-set validation with line numbers."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from eval.metrics import (
    Hit,
    average_precision,
    bootstrap_ci,
    citation_prf,
    contains_all,
    dcg,
    hit_at,
    matches,
    mrr_at,
    ndcg,
    ndcg_at,
    percentile,
    recall_at,
)
from eval.testset import Evidence, TestSetError, load_testset

A = Evidence("a.txt", "4.29", None, "The 19 bed spaces")
B = Evidence("b.pdf", "11", 3, "")
RIGHT_A = Hit("a.txt", "4.29", "With funding... The 19  bed spaces distributed.")
RIGHT_B = Hit("b.pdf", "11", "anything")
WRONG = Hit("a.txt", "4.30", "There was a 22% increase")


def test_matching_by_quote_or_by_document_and_label() -> None:
    assert matches(RIGHT_A, A)  # quote, whitespace collapsed
    assert matches(Hit("elsewhere.txt", "", "The 19 bed spaces"), A)  # quote anywhere counts
    assert matches(RIGHT_B, B) and not matches(Hit("b.pdf", "12", "x"), B)
    assert not matches(WRONG, A)


def test_hit_recall_mrr_on_a_hand_computed_ranking() -> None:
    ranked = [WRONG, RIGHT_B, WRONG, RIGHT_A]
    gold = [A, B]
    assert [hit_at(ranked, gold, k) for k in (1, 3, 5, 10)] == [0.0, 1.0, 1.0, 1.0]
    assert [recall_at(ranked, gold, k) for k in (1, 3, 5, 10)] == [0.0, 0.5, 1.0, 1.0]
    assert mrr_at(ranked, gold) == 0.5
    # gains 0,1,0,1: DCG = 1/log2(3) + 1/log2(5); IDCG = 1 + 1/log2(3)
    expected = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert ndcg_at(ranked, gold) == pytest.approx(expected)


def test_empty_results_and_duplicates() -> None:
    assert (hit_at([], [A], 5), recall_at([], [A], 5), mrr_at([], [A]), ndcg_at([], [A])) == (
        0.0, 0.0, 0.0, 0.0)
    # the same gold paragraph twice earns its gain once (ties do not inflate nDCG)
    assert ndcg_at([RIGHT_A, RIGHT_A], [A]) == 1.0
    assert recall_at([RIGHT_A], [], 5) == 0.0


def test_published_dcg_worked_example() -> None:
    """Wikipedia's DCG example: relevances 3,2,3,0,1,2; ideal 3,3,3,2,2,2,1,0."""
    relevance = [3, 2, 3, 0, 1, 2]
    assert dcg(relevance, 6) == pytest.approx(6.861, abs=1e-3)
    assert ndcg(relevance, [3, 3, 3, 2, 2, 2, 1, 0], 6) == pytest.approx(0.785, abs=1e-3)


def test_published_average_precision_worked_example() -> None:
    """Manning et al., Introduction to IR, 8.4: relevant at ranks 1, 3, 6, 9, 10 of 5."""
    relevance = [1, 0, 1, 0, 0, 1, 0, 0, 1, 1]
    assert average_precision(relevance, 5) == pytest.approx(0.622, abs=1e-3)
    assert average_precision([0, 0], 0) == 0.0


def test_citation_precision_recall_f1() -> None:
    assert citation_prf([RIGHT_A, WRONG], [A, B]) == (0.5, 0.5, 0.5)
    assert citation_prf([RIGHT_A, RIGHT_A], [A]) == (1.0, 1.0, 1.0)  # repeats count once
    assert citation_prf([], [A]) == (0.0, 0.0, 0.0)


def test_answer_contains_ignores_case_and_whitespace() -> None:
    assert contains_all("The 19 bed spaces ... end of\nMarch 2021", ["19", "march  2021"])
    assert not contains_all("nineteen", ["19"])


def test_percentile_and_bootstrap() -> None:
    assert percentile([10, 20, 30, 40], 0.5) == 20 and percentile([], 0.95) == 0.0
    assert percentile(list(range(1, 101)), 0.95) == 95
    low, high = bootstrap_ci([1.0] * 50 + [0.0] * 50)
    assert 0.38 < low < 0.5 < high < 0.62
    assert bootstrap_ci([]) == (0.0, 0.0)


def test_testset_rejects_bad_lines_with_reasons(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "1", "question": "Q?", "evidence": [{"doc": "a.txt", '
                    '"para": "1"}]}\n'
                    '{"id": "2", "question": ""}\n'
                    'not json\n'
                    '{"id": "1", "question": "Again?", "answerable": false}\n'
                    '{"id": "4", "question": "Q?", "answerable": false, '
                    '"evidence": [{"doc": "a.txt", "para": "1"}]}\n'
                    '{"id": "5", "question": "Q?", "evidence": [{"para": "1"}]}\n')
    with pytest.raises(TestSetError) as error:
        load_testset(path)
    message = str(error.value)
    for expected in ('line 2: missing "question"', "line 3: not JSON",
                     "line 4: duplicate id '1'",
                     "line 5: an unanswerable question cannot have evidence",
                     'line 6: evidence 1 needs a "doc"'):
        assert expected in message


def test_testset_from_csv(tmp_path: Path) -> None:
    path = tmp_path / "set.csv"
    path.write_text('id,question,answerable,evidence,answer_contains,tags\n'
                    'c1,How many beds?,true,"[{""doc"": ""a.txt"", ""para"": ""4.29""}]",'
                    '19;March 2021,numeric\n'
                    'c2,Dog fouling?,false,,,unanswerable\n')
    first, second = load_testset(path)
    assert first.evidence == (Evidence("a.txt", "4.29", None, ""),)
    assert first.answer_contains == ("19", "March 2021") and first.tags == ("numeric",)
    assert second.answerable is False and second.evidence == ()


def test_support_judge_agrees_with_the_hand_labelled_pairs() -> None:
    import json

    from assistant.embedder import SentenceTransformerEmbedder
    from assistant.settings import DEFAULT_EMBEDDING_MODEL
    from eval.judge import FITTED, SupportJudge, calibrate, cohen_kappa, load_pairs
    from tests.conftest import SAMPLES, SEEDS

    if not SEEDS.is_dir():
        pytest.skip("shared corpus seeds/ not present")
    pairs = load_pairs([SAMPLES, SEEDS])
    assert len(pairs) >= 100
    assert sum(p.supported for p in pairs) >= 40 and sum(not p.supported for p in pairs) >= 40
    result = calibrate(SupportJudge(SentenceTransformerEmbedder(DEFAULT_EMBEDDING_MODEL)), pairs)
    stored = json.loads(FITTED.read_text())
    assert result["threshold"] == pytest.approx(stored["threshold"], abs=0.01)
    assert result["accuracy"] >= 0.85 and result["kappa"] >= 0.7
    assert cohen_kappa([True, False, True, False], [True, False, False, False]) == 0.5
