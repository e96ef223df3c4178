"""The chat page through Streamlit's AppTest, over a real library built from the samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant.settings import DEFAULT_EMBEDDING_MODEL, Settings
from ingest import ingest
from tests.conftest import SAMPLES
from tests.helpers import shown

CHAT = str(Path(__file__).resolve().parent.parent / "ui" / "views" / "chat.py")


@pytest.fixture(scope="module")
def library_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ui-library")
    ingest([SAMPLES], Settings(data_dir=folder, embedding_model=DEFAULT_EMBEDDING_MODEL))
    return folder


@pytest.fixture
def app(library_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("SCRUTINEER_DATA_DIR", str(library_dir))
    monkeypatch.setenv("SCRUTINEER_EMBEDDING_MODEL", DEFAULT_EMBEDDING_MODEL)
    test = AppTest.from_file(CHAT, default_timeout=120)
    test.run()
    assert not test.exception, test.exception
    return test


def ask(app: AppTest, question: str) -> AppTest:
    app.chat_input[0].set_value(question).run()
    assert not app.exception, app.exception
    return app


def texts(app: AppTest) -> str:
    return shown("\n".join(m.value for m in app.markdown))


def test_a_question_is_answered_with_source_cards(app: AppTest) -> None:
    ask(app, "How many ASB case reviews were held in Riverton?")
    assert "Eleven ASB case reviews were held in 2023-24. [1]" in texts(app)
    labels = [shown(e.label) for e in app.expander]
    assert any(label.startswith("[1] Riverton Safer Streets Partnership Strategy") and
               "p. 1" in label for label in labels)
    assert "<mark>Update: Eleven ASB case reviews were held in 2023-24.</mark>" in texts(app)


def test_an_abstention_has_no_source_cards(app: AppTest) -> None:
    ask(app, "What is Riverton's policy on dog fouling?")
    assert app.warning and "does not contain an answer" in app.warning[0].value
    labels = [shown(e.label) for e in app.expander]
    assert labels and all(label.startswith("Possibly related") for label in labels)


def test_follow_up_shows_the_rewritten_question(app: AppTest) -> None:
    ask(app, "What is the Safe at Home scheme?")
    ask(app, "Who leads that?")
    captions = shown("\n".join(c.value for c in app.caption))
    assert "Understood as: Who leads the Safe at Home scheme?" in captions
    assert "Lead Agency: Riverton City Council" in texts(app)


def test_filters_in_the_sidebar_restrict_the_search(app: AppTest) -> None:
    app.sidebar.multiselect(key="councils").set_value(["Eastvale Borough Council"]).run()
    ask(app, "What did the partnership do on knife crime?")
    captions = shown("\n".join(c.value for c in app.caption))
    assert "1 of 3 documents (council: Eastvale Borough Council)" in captions


def test_feedback_is_saved_with_the_question_and_citations(app: AppTest,
                                                           library_dir: Path) -> None:
    ask(app, "How many ASB case reviews were held in Riverton?")
    app.feedback(key="rating-0").set_value(1)
    app.text_input(key="comment-0").set_value("Exactly what I needed")
    app.button(key="save-0").click().run()
    saved = [json.loads(line) for line in (library_dir / "feedback.jsonl").read_text()
             .splitlines()]
    assert saved[-1]["rating"] == "up" and saved[-1]["comment"] == "Exactly what I needed"
    assert saved[-1]["question"] == "How many ASB case reviews were held in Riverton?"
    assert saved[-1]["citations"][0]["quote"] == "Update: Eleven ASB case reviews were held in " \
                                                 "2023-24."
    assert "feedback was saved" in "\n".join(c.value for c in app.caption)


def test_briefing_note_export(app: AppTest) -> None:
    from ui.answer_view import briefing_note

    ask(app, "How many ASB case reviews were held in Riverton?")
    assert app.get("download_button")
    note = briefing_note(app.session_state["turns"])
    assert note.startswith("# Briefing note\n\n## How many ASB case reviews were held in Riverton?")
    assert "1. Safer Riverton Board, 21 November 2023" in note
    assert "“Update: Eleven ASB case reviews were held in 2023-24.”" in note


def test_a_pdf_source_offers_its_original_and_shows_its_page(app: AppTest) -> None:
    ask(app, "How many ASB case reviews were held in Riverton?")
    assert not any("app/static" in m.value for m in app.markdown)  # no served folder
    [original] = [b for b in app.get("download_button") if b.proto.label.startswith(
        "Download the original")]
    assert original.proto.label == ("Download the original "
                                    "(riverton-safer-streets-progress-2023-24.pdf)")
    assert original.proto.url.endswith(".pdf")  # the app's own per-session media, in memory
    assert not app.get("image")
    app.toggle(key="page-0-1").set_value(True).run()
    assert not app.exception, app.exception
    [image] = app.get("image")
    assert shown(image.proto.imgs[0].caption) == \
        "riverton-safer-streets-progress-2023-24.pdf, page 1"


def test_markdown_in_document_text_is_shown_literally() -> None:
    from ui.answer_view import plain

    hostile = "See ![x](https://evil.example/t.png) and [click](javascript:alert(1)) **now**"
    escaped = plain(hostile)
    assert "![" not in escaped and "](" not in escaped and "**" not in escaped
    assert shown(escaped) == hostile


def test_markdown_in_a_question_is_shown_literally(app: AppTest) -> None:
    question = "How many ASB case reviews were held in **Riverton** ![x](https://evil.example/t.png)?"
    ask(app, question)
    echoed = [m.value for m in app.markdown if shown(m.value) == question]
    assert echoed and "![x](" not in echoed[0] and "**" not in echoed[0]
