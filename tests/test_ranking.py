"""The fitted ranker and what it rests on: abbreviations both ways, features, the listwise
fit, out-of-sample folds, and `scrutineer eval dev` end to end on a small corpus of real
council pages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from assistant.abbreviations import expansions
from assistant.documents import Document, DocumentMeta, Paragraph
from assistant.ranking import FEATURES, LinearRanker, Pooled, RankQuery, features
from eval.fit_ranker import fit, folds
from eval.ranking_data import Pool, summary
from tests.conftest import CORPUS
from ui.cli import main

COUNCILS = CORPUS / "councils"


def test_a_question_is_searched_with_both_forms_of_an_abbreviation() -> None:
    assert expansions("What did the CSP say about ASB?") == [
        "anti-social behaviour", "community safety partnership"]
    assert expansions("How many domestic homicide reviews were there?") == ["dhrs"]
    assert expansions("What was said about buses?") == []


def _pooled(text: str, ordinal: int, dense: float, lexical: float, doc: str = "d1",
            council: str = "Wiltshire Council", date: str = "2024-03-12") -> Pooled:
    document = Document(doc, f"/x/{doc}.txt", f"{doc}.txt", "Minutes", "h",
                        DocumentMeta(council=council, meeting_date=date))
    paragraph = Paragraph(f"{doc}#{ordinal}", doc, ordinal, text)
    return Pooled(paragraph, document, dense, lexical, ordinal, ordinal)


def test_features_see_words_names_years_and_neighbours() -> None:
    pool = [_pooled("The partnership funded 12 street pastors in 2024.", 0, 0.6, 8.0),
            _pooled("Minutes of the previous meeting were agreed.", 1, 0.2, 0.0),
            _pooled("Street pastors were discussed.", 5, 0.5, 3.0, "d2", "Dorset Council",
                    "2019-06-01")]
    query = RankQuery("How many street pastors did Wiltshire fund in 2024?",
                      ("street", "pastor", "wiltshir", "fund", "2024"), ("Wiltshire",),
                      (2024,), True)
    matrix = features(query, pool, {})
    column = {name: matrix[:, i].tolist() for i, name in enumerate(FEATURES)}
    assert matrix.shape == (3, len(FEATURES))
    assert column["lexical"] == [1.0, 0.0, 0.375]
    assert column["names"] == [1.0, 1.0, 0.0]  # the council is the document's
    assert column["year"] == [1.0, 1.0, -1.0]  # the meeting's year, or the paragraph's
    assert column["figure"] == [1.0, 0.0, 0.0]
    assert column["neighbour"][1] == 0.0 and column["neighbour"][2] == -2.0
    assert column["coverage"][0] > column["coverage"][2] > column["coverage"][1] == 0.0


def _synthetic_pool(rng: np.random.Generator, name: str, group: str) -> Pool:
    matrix = rng.normal(size=(20, len(FEATURES))).astype(np.float32)
    gold = int(np.argmax(matrix[:, FEATURES.index("coverage")]))
    labels = np.zeros(20, dtype=np.float32)
    labels[gold] = 1.0
    matched = tuple(frozenset({0}) if i == gold else frozenset() for i in range(20))
    return Pool(name, "synthetic", group, matrix, labels, 1, matched)


def test_the_listwise_fit_learns_which_feature_finds_the_gold() -> None:
    rng = np.random.default_rng(5)
    pools = [_synthetic_pool(rng, f"q{i}", f"g{i % 7}") for i in range(60)]
    ranker = fit(pools, 0.1)
    weights = dict(zip(FEATURES, ranker.weights, strict=True))
    assert max(weights, key=lambda n: abs(weights[n])) == "coverage"
    assert summary(pools, lambda p: ranker.scores(p.features))["hit@1"] >= 0.9
    assert summary(pools, lambda p: -p.features[:, FEATURES.index("coverage")])["hit@1"] == 0.0


def test_a_ranker_survives_its_file(tmp_path: Path) -> None:
    ranker = LinearRanker(tuple(float(i) for i in range(len(FEATURES))),
                          (0.0,) * len(FEATURES), (1.0,) * len(FEATURES))
    path = tmp_path / "ranker.json"
    path.write_text(ranker.to_json(sources=["a"]))
    assert LinearRanker.load(path) == ranker
    assert LinearRanker.load(tmp_path / "missing.json") is None


def test_folds_keep_each_group_whole() -> None:
    fold_of = folds(["wiltshire", "dorset", "wiltshire", "york", "leeds", "bury", "hull"], 5)
    assert len(fold_of) == 6 and set(fold_of.values()) == {0, 1, 2, 3, 4}


@pytest.mark.skipif(not COUNCILS.is_dir(), reason="shared corpus councils/ not present")
def test_eval_dev_measures_every_source_with_a_ranker_fitted_without_it(tmp_path: Path
                                                                          ) -> None:
    """Two councils' pages and their questions: every table row is written, each question
    ranked by a ranker fitted on the other council's questions only."""
    corpus = tmp_path / "corpus" / "councils"
    (corpus / "docs").mkdir(parents=True)
    wanted = ("wiltshire", "harlow")
    questions = [json.loads(line) for line in (COUNCILS / "questions.jsonl").open()]
    chosen = [q for q in questions if q["evidence"] and all(
        e["doc"].split("--")[0] in wanted for e in q["evidence"])]
    docs = {e["doc"] for q in chosen for e in q["evidence"]}
    for name in docs:
        shutil.copy(COUNCILS / "docs" / name, corpus / "docs" / name)
    (corpus / "questions.jsonl").write_text("".join(json.dumps(q) + "\n" for q in chosen))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["eval", "dev", "--corpus", str(tmp_path / "corpus"),
                                       "--work", str(tmp_path / "work"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary_ = json.loads((out / "dev.json").read_text())
    assert summary_["councils"]["scrutineer"]["questions"] == len(chosen) >= 4
    assert summary_["_meta"]["models"] == \
        "ranker, selector and decider fitted without the question's source or fold"
    assert summary_["councils"]["scrutineer"]["filter_removed_gold"]["mean"] == 0.0
    rows = [json.loads(line) for line in (out / "councils" / "results.jsonl").open()]
    assert {r["metrics"]["group"] for r in rows} == set(wanted)
    assert "| scrutineer |" in (out / "dev.md").read_text()
