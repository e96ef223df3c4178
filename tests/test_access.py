"""Exempt and confidential documents: access levels recorded at ingest (stated or overridden),
and a public deployment that never shows them, on any path, even when an exempt paragraph is a
perfect match for the question. Real model, real store, real UI page and CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from assistant.answers import Filters
from assistant.assistant import Assistant
from assistant.errors import AccessDeniedError
from assistant.library import Library
from assistant.settings import DEFAULT_EMBEDDING_MODEL, Settings
from ingest import ingest
from tests.conftest import SAMPLES

SECRET = "£2.4m"
QUESTION = "How much will the Zanzibar regeneration scheme cost the council?"
STATED = {  # file -> (first lines, the level they state)
    "unrestricted.md": ("Classification: Unrestricted", "public"),
    "exempt.md": ("Classification: Exempt", "exempt"),
    "not-for-publication.md": ("NOT FOR PUBLICATION", "exempt"),
    "part-2.md": ("Part 2", "exempt"),
    "part-b.md": ("PART B - EXEMPT INFORMATION", "exempt"),
    "confidential.md": ("Confidential", "confidential"),
    "silent.md": ("Report of the Head of Regeneration", "public"),
}


def report(statement: str, body: str) -> str:
    return (f"# Regeneration update\n\n{statement}\n\nCabinet, 4 March 2024\n\n"
            f"## Costs\n\n1. {body}\n")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("access")
    stated = root / "stated"
    stated.mkdir()
    for name, (statement, _) in STATED.items():
        (stated / name).write_text(report(statement, f"The {name[:-3]} paragraph says the park "
                                                     "will reopen in spring."))
    secret = root / "secret"
    secret.mkdir()
    (secret / "zanzibar.md").write_text(report(
        "Classification: Exempt (paragraph 3 of Schedule 12A)",
        f"The Zanzibar regeneration scheme will cost the council {SECRET} over three years."))
    (secret / "tender.md").write_text(report(
        "Confidential", "The Zanzibar tender was won by Acme Builders at £1.9m."))
    return root


@pytest.fixture(scope="module")
def public(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"),
                        embedding_model=DEFAULT_EMBEDDING_MODEL)
    summary = ingest([SAMPLES, folder], settings)
    assert summary.exit_code == 0, summary.failed
    return Assistant(settings)


def cleared(public: Assistant, level: str) -> Assistant:
    settings = public.settings.model_copy(update={"access": level})
    return Assistant(settings, Library(settings, public.library.embedder))


def secret_ids(public: Assistant) -> set[str]:
    return {d.doc_id for d in public.library.unrestricted().documents() if d.meta.exempt}


def test_stated_access_levels_are_recorded(public: Assistant) -> None:
    levels = {d.file_name: d.meta.access for d in public.library.unrestricted().documents()}
    for name, (_, level) in STATED.items():
        assert levels[name] == level, name
    assert levels["zanzibar.md"] == "exempt" and levels["tender.md"] == "confidential"


def test_an_exempt_perfect_match_never_reaches_a_public_answer(public: Assistant) -> None:
    hidden = secret_ids(public)
    for mode_filters in (None, Filters(councils=()), Filters(documents=("zanzibar.md",))):
        answer = public.ask(QUESTION, filters=mode_filters)
        assert answer.abstained and SECRET not in answer.text
        shown = [*answer.passages, *answer.related, *(c.passage for c in answer.citations)]
        assert not {p.document.doc_id for p in shown} & hidden
    assert not {p.document.doc_id for p in public.search(QUESTION, k=50)} & hidden


def test_the_search_index_holds_nothing_exempt(public: Assistant) -> None:
    public.retriever.refresh(force=True)
    hidden = secret_ids(public)
    hits = public.retriever.lexical.search("Zanzibar regeneration scheme cost tender", 100)
    assert not {h.para_id.split("#")[0] for h in hits} & hidden
    assert not public.retriever.lexical.knows("zanzibar")  # not even its words
    everything = public.library.unrestricted()
    keys = [p.key for d in hidden for p in everything.paragraphs(d)]
    assert keys and public.library.get_paragraphs(keys) == []
    assert all(public.library.paragraphs(d) == [] and public.library.document(d) is None
               for d in hidden)
    assert not {p.doc_id for p, _ in public.library.export()} & hidden
    vector = public.library.embedder.embed_one(QUESTION)
    assert not {p.doc_id for p, _ in public.library.nearest(vector, 50)} & hidden


def test_a_public_deployment_refuses_to_include_exempt_documents(public: Assistant) -> None:
    with pytest.raises(AccessDeniedError, match="public documents only"):
        public.ask(QUESTION, filters=Filters(include_exempt=True))


def test_cleared_deployments_see_up_to_their_level_when_asked(public: Assistant) -> None:
    exempt = cleared(public, "exempt")
    assert exempt.ask(QUESTION).abstained  # exempt documents only when asked for
    answer = exempt.ask(QUESTION, filters=Filters(include_exempt=True))
    assert SECRET in answer.text and answer.citations[0].passage.document.file_name == \
        "zanzibar.md"
    tender = "Who won the Zanzibar tender?"
    assert "Acme" not in exempt.ask(tender, filters=Filters(include_exempt=True)).text
    full = cleared(public, "confidential")
    assert "Acme Builders" in full.ask(tender, filters=Filters(include_exempt=True)).text


def test_the_cli_shows_nothing_exempt(public: Assistant, monkeypatch: pytest.MonkeyPatch
                                      ) -> None:
    from ui.cli import main

    monkeypatch.setenv("SCRUTINEER_DATA_DIR", str(public.settings.data_dir))
    monkeypatch.setenv("SCRUTINEER_EMBEDDING_MODEL", DEFAULT_EMBEDDING_MODEL)
    monkeypatch.setenv("COLUMNS", "300")
    runner = CliRunner()
    listing = runner.invoke(main, ["library"])
    assert listing.exit_code == 0 and "unrestricted.md" in listing.output
    assert "5 documents" in listing.output
    assert "zanzibar" not in listing.output and "tender" not in listing.output
    assert runner.invoke(main, ["paragraphs", "zanzibar.md"]).exit_code != 0
    asked = runner.invoke(main, ["ask", QUESTION, "--json"])
    assert asked.exit_code == 0 and SECRET not in asked.output
    assert "Zanzibar regeneration scheme will cost" not in asked.output
    refused = runner.invoke(main, ["ask", QUESTION, "--include-exempt"])
    assert refused.exit_code != 0 and "public documents only" in refused.output


def test_evaluation_outputs_hold_nothing_exempt(public: Assistant, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from eval.runner import run

    monkeypatch.setenv("SCRUTINEER_EMBEDDING_MODEL", DEFAULT_EMBEDDING_MODEL)
    testset = tmp_path / "set.jsonl"
    testset.write_text(json.dumps({"id": "z1", "question": QUESTION, "answerable": False,
                                   "history": [], "evidence": []}) + "\n")
    out = tmp_path / "run"
    run(testset, public.settings.data_dir, ["scrutineer", "naive-langchain"], out)
    written = "".join(p.read_text(errors="replace") for p in out.rglob("*") if p.is_file()
                      and p.suffix in (".jsonl", ".json", ".md", ".html"))
    assert written and SECRET not in written and "Acme" not in written


def test_access_override_per_folder_sticks_until_set_again(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.md").write_text(report("Classification: Unrestricted", "Alpha text here."))
    (folder / "b.md").write_text(report("Classification: Unrestricted", "Beta text here."))
    ingest([folder], access="exempt")
    library = Library(Settings()).unrestricted()
    assert {d.meta.access for d in library.documents()} == {"exempt"}
    assert Library(Settings()).documents() == []
    (folder / "a.md").write_text(report("Classification: Unrestricted", "Alpha changed."))
    assert ingest([folder]).counts["updated"] == 1  # changed, re-read, still exempt
    assert {d.meta.access for d in library.documents()} == {"exempt"}
    assert ingest([folder / "b.md"], access="public").counts["updated"] == 1
    assert [d.file_name for d in Library(Settings()).documents()] == ["b.md"]


def test_the_library_page_lists_nothing_exempt(tmp_path: Path, data_dir: Path) -> None:
    (tmp_path / "open.md").write_text(report("Classification: Unrestricted", "Open text."))
    (tmp_path / "shut.md").write_text(report("Classification: Exempt", "Shut text."))
    assert ingest([tmp_path]).counts["added"] == 2
    page = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "ui" / "views" /
                                 "library.py"), default_timeout=120)
    page.run()
    assert not page.exception, page.exception
    shown = page.dataframe[0].value
    assert list(shown["file"]) == ["open.md"]
    assert all("shut" not in option for option in page.selectbox[0].options)
