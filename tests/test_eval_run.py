"""A small end-to-end evaluation of the sample test set, with floors on its metrics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.settings import DEFAULT_EMBEDDING_MODEL
from tests.conftest import SAMPLES
from ui.cli import main

TESTSET = Path(__file__).resolve().parent.parent / "eval" / "data" / "samples.jsonl"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("evalrun")
    env = {"SCRUTINEER_EMBEDDING_MODEL": DEFAULT_EMBEDDING_MODEL,
           "SCRUTINEER_DATA_DIR": str(out / "unused")}
    result = CliRunner().invoke(main, ["eval", "run", str(TESTSET), "--library", str(SAMPLES),
                                       "--pipeline", "scrutineer", "--pipeline",
                                       "naive-langchain", "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    return out


def test_shipped_pipeline_clears_its_floors(run_dir: Path) -> None:
    summary = json.loads((run_dir / "summary.json").read_text())
    ours = summary["scrutineer"]
    assert ours["questions"] == 16 and ours["answerable"] == 12
    assert ours["hit@5"]["mean"] >= 0.8 and ours["recall@10"]["mean"] >= 0.8
    assert ours["citation_f1"]["mean"] >= 0.7 and ours["answer_correct"]["mean"] >= 0.75
    assert ours["alce_recall"]["mean"] >= 0.7 and ours["abstention_correct"]["mean"] >= 0.75
    low, high = ours["citation_f1"]["ci95"]
    assert low <= ours["citation_f1"]["mean"] <= high
    naive = summary["naive-langchain"]
    assert naive["abstention_correct"]["mean"] == 0.0  # it never abstains
    assert naive["citation_f1"]["mean"] < ours["citation_f1"]["mean"]


def test_reports_are_written(run_dir: Path) -> None:
    rows = (run_dir / "results.jsonl").read_text().splitlines()
    assert len(rows) == 32
    first = json.loads(rows[0])
    assert {"pipeline", "item", "answer", "metrics"} <= set(first)
    assert "| hit@5 |" in (run_dir / "report.md").read_text()
    page = (run_dir / "report.html").read_text()
    assert page.count("<svg") == 2 and "Failures: gold next to what was cited" in page
    assert "<script" not in page and "http" not in page.split("<body>")[1]


def test_score_grades_answers_from_any_system(run_dir: Path, tmp_path: Path) -> None:
    answers = tmp_path / "answers.jsonl"
    rows = [json.loads(line) for line in (run_dir / "results.jsonl").read_text().splitlines()]
    answers.write_text("\n".join(json.dumps(r["answer"]) for r in rows
                                 if r["pipeline"] == "scrutineer"))
    result = CliRunner().invoke(main, ["eval", "score", str(TESTSET), str(answers)],
                                env={"SCRUTINEER_EMBEDDING_MODEL": DEFAULT_EMBEDDING_MODEL})
    assert result.exit_code == 0, result.output
    scored = json.loads(result.output)
    ours = json.loads((run_dir / "summary.json").read_text())["scrutineer"]
    assert scored["citation_f1"]["mean"] == ours["citation_f1"]["mean"]
    assert scored["hit@5"]["mean"] == ours["hit@5"]["mean"]


def test_compare_a_run_with_itself_changes_nothing(run_dir: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "compare", str(run_dir), str(run_dir)])
    assert result.exit_code == 0, result.output
    assert "citation_f1: 0 better, 0 worse" in result.output
    assert "p=1.0" in result.output
    as_json = CliRunner().invoke(main, ["eval", "compare", "--json", str(run_dir),
                                        str(run_dir)])
    assert as_json.exit_code == 0, as_json.output
    citation = json.loads(as_json.output)["scrutineer"]["citation_f1"]
    assert (citation["better"], citation["worse"], citation["p_value"]) == ([], [], 1.0)


def test_a_bad_testset_is_refused_with_line_numbers(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n')
    result = CliRunner().invoke(main, ["eval", "run", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert 'line 1: missing "question"' in result.output


def test_import_qmsum_turns_become_labelled_paragraphs(tmp_path: Path) -> None:
    from ingest.parse import parse_file
    from tests.conftest import CORPUS

    source = CORPUS / "qmsum-committee" / "val.jsonl"
    if not source.is_file():
        pytest.skip("QMSum data not present")
    result = CliRunner().invoke(main, ["eval", "import-qmsum", str(source), "--out",
                                       str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Wrote 6 meetings" in result.output and "67 questions" in result.output
    from eval.testset import load_testset

    items = load_testset(tmp_path / "testset.jsonl")
    first = items[0]
    document = parse_file(tmp_path / "documents" / first.evidence[0].doc)
    labels = {p.label for p in document.paragraphs}
    assert {e.para for e in first.evidence} <= labels
    turn = next(p for p in document.paragraphs if p.label == "1")
    assert turn.text.startswith("Mr. Paul Manly (NanaimoLadysmith, GP): Thank you, Mr. Chair.")


def test_a_refused_question_in_a_test_set_is_an_abstention_not_a_crash(tmp_path: Path) -> None:
    from assistant.settings import get_settings
    from eval.pipelines import AssistantPipeline
    from eval.testset import TestItem
    from ingest import ingest

    (tmp_path / "r.md").write_text("# Report\n\n1. The partnership met four times.\n")
    ingest([tmp_path])
    pipeline = AssistantPipeline("scrutineer", get_settings())
    answer = pipeline.answer(TestItem(id="q", question=" ?! ", answerable=False))
    assert answer["abstained"] and "no letters or digits" in answer["answer"]
