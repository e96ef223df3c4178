"""Hostile questions through every entry point, with the real model over the sample library:
each gets an answer, an abstention or a message saying what to do; never a traceback."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from assistant.assistant import Assistant
from assistant.errors import QuestionError
from assistant.settings import DEFAULT_EMBEDDING_MODEL, Settings
from ingest import ingest
from tests.conftest import SAMPLES
from tests.helpers import shown
from ui.cli import main

CHAT = str(Path(__file__).resolve().parent.parent / "ui" / "views" / "chat.py")
ABSTAIN = "The library does not contain an answer to this question."
EMPTY = "The question is empty. Type a question about the documents, for example “What did " \
        "the partnership say about county lines?”"
WORDLESS = "The question has no letters or digits"
LONG = "The question is 100,000 characters long; the limit is 2,000. Ask a shorter question"

REFUSED = [  # (question, the start of the message)
    ("", EMPTY),
    ("   \t\n  ", EMPTY),
    ("\u200b\u200c\u200d\ufeff\u2060", EMPTY),  # zero-width only
    ("\x07\x1b\x7f\x9b", EMPTY),  # control characters only
    ("\x00\x00", EMPTY),
    ("?!.,;", "The question has no letters or digits ('?!.,;'). Ask in words, for example"),
    ("… — – ¿¡ ★", WORDLESS),
    ("x" * 100_000, LONG),
    ("How many reviews? " * 6000, "The question is 107,999 characters long; the limit is 2,000"),
]
ABSTAINED = [
    "'; DROP TABLE documents; --",
    "$(rm -rf /)",
    "`cat /etc/passwd`",
    "| ls",
    "Faint o adolygiadau achos a gynhaliwyd gan y bartneriaeth?",  # Welsh
    "Ile przeglądów spraw odbyło się w zeszłym roku?",  # Polish
    "كم عدد مراجعات الحالات التي عقدت؟",  # Arabic
    "举行了多少次案件审查？",  # Chinese
]
ANSWERED = "How many ASB case reviews were held in Riverton?"
ANSWER = "Update: Eleven ASB case reviews were held in 2023-24. [1]"


@pytest.fixture(scope="module")
def library_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-library")
    ingest([SAMPLES], Settings(data_dir=folder, embedding_model=DEFAULT_EMBEDDING_MODEL))
    return folder


@pytest.fixture
def real_library(library_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample library with the real model, for the CLI and the page (read at call time)."""
    monkeypatch.setenv("SCRUTINEER_DATA_DIR", str(library_dir))
    monkeypatch.setenv("SCRUTINEER_EMBEDDING_MODEL", DEFAULT_EMBEDDING_MODEL)
    return library_dir


@pytest.fixture(scope="module")
def assistant(library_dir: Path) -> Assistant:
    return Assistant(Settings(data_dir=library_dir, embedding_model=DEFAULT_EMBEDDING_MODEL))


# -- the Assistant ------------------------------------------------------------------------------

@pytest.mark.parametrize(("question", "message"), REFUSED)
def test_the_assistant_refuses_with_a_message(assistant: Assistant, question: str,
                                              message: str) -> None:
    for call in (assistant.ask, assistant.search):
        with pytest.raises(QuestionError) as raised:
            call(question)
        assert str(raised.value).startswith(message)


@pytest.mark.parametrize("question", ABSTAINED)
def test_injection_looking_and_foreign_questions_abstain(assistant: Assistant,
                                                         question: str) -> None:
    paragraphs = assistant.library.paragraph_count()
    answer = assistant.ask(question)
    assert answer.abstained and answer.text.startswith(ABSTAIN)
    assert answer.citations == () and answer.question == unicodedata.normalize("NFKC", question)
    assert isinstance(assistant.search(question), list)
    assert assistant.library.paragraph_count() == paragraphs


def test_invisible_characters_are_removed_and_the_question_answered(assistant: Assistant
                                                                    ) -> None:
    answer = assistant.ask("  How\x00 many ASB\u200b case\u202e reviews\twere\n held in "
                           "Riverton?\x07 ")
    assert answer.question == ANSWERED
    assert answer.text == ANSWER and not answer.abstained


def test_a_question_at_the_limit_is_answered(assistant: Assistant) -> None:
    question = ANSWERED + " " * 3 + "x" * (2000 - len(ANSWERED) - 1)
    assert len(" ".join(question.split())) == 2000
    assert assistant.ask(question).question.startswith(ANSWERED)


def test_long_and_odd_history_only_lends_words(assistant: Assistant) -> None:
    history = [{"role": "user", "content": "x " * 500_000}, None, 42, "text",
               {"role": "assistant", "content": "\x00" * 100_000},
               {"role": "user", "content": "What is the Safe at\u200b Home scheme?\x00"},
               {"role": "assistant", "content": "y" * 1_000_000}]
    answer = assistant.ask("Who leads that?", history)  # type: ignore[arg-type]
    assert answer.rewritten_question == "Who leads the Safe at Home scheme?"
    assert "Lead Agency: Riverton City Council" in answer.text


# -- the CLI ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("question", "message"), REFUSED)
def test_cli_ask_refuses_with_the_message_and_exit_2(real_library: Path, question: str,
                                                     message: str) -> None:
    result = CliRunner().invoke(main, ["ask", question])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: {message}")
    assert result.stdout == "" and "Traceback" not in result.output


def test_cli_ask_json_gives_an_error_field_per_refused_question(real_library: Path) -> None:
    one = CliRunner().invoke(main, ["ask", "--json", "?!.,;"])
    assert one.exit_code == 2 and one.stderr == ""
    assert json.loads(one.stdout) == {"id": "", "question": "?!.,;", "error": (
        "The question has no letters or digits ('?!.,;'). Ask in words, for example “What did "
        "the partnership say about county lines?”")}
    typed = [(q, m) for q, m in REFUSED if q.strip() and "\n" not in q]  # one per stdin line
    lines = [q for q, _ in typed] + [ANSWERED]
    result = CliRunner().invoke(main, ["ask", "--json"], input="\n".join(lines) + "\n")
    assert result.exit_code == 2 and "Traceback" not in result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(lines)
    for record, (_, message) in zip(records, typed, strict=False):
        assert record["error"].startswith(message) and "answer" not in record
        assert len(record["question"]) <= 201
    assert records[-1]["answer"] == ANSWER


def test_cli_ask_abstains_on_injection_looking_and_foreign_questions(real_library: Path
                                                                     ) -> None:
    one = CliRunner().invoke(main, ["ask", "'; DROP TABLE documents; --"])
    assert one.exit_code == 0 and one.stdout.startswith(ABSTAIN)
    text = CliRunner().invoke(main, ["ask"], input="\n".join(ABSTAINED) + "\n")
    assert text.exit_code == 0 and "Traceback" not in text.output
    assert text.stdout.count(ABSTAIN) == len(ABSTAINED)
    as_json = CliRunner().invoke(main, ["ask", "--json"], input="\n".join(ABSTAINED) + "\n")
    records = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert as_json.exit_code == 0 and [r["abstained"] for r in records] == [True] * len(ABSTAINED)
    assert [r["question"] for r in records] == [unicodedata.normalize("NFKC", q)
                                                for q in ABSTAINED]


def test_cli_batch_answers_every_good_line_and_reports_each_bad_one(real_library: Path,
                                                                    tmp_path: Path) -> None:
    lines = [json.dumps({"id": "good", "question": ANSWERED})]
    lines += [json.dumps({"id": f"refused-{i}", "question": q}) for i, (q, _) in
              enumerate(REFUSED)]
    lines += [json.dumps({"id": f"abstains-{i}", "question": q}, ensure_ascii=i % 2 == 0)
              for i, q in enumerate(ABSTAINED)]
    lines += ["not json", "[" * 100_000, json.dumps(["a list"]), json.dumps({"id": "no-q"}),
              json.dumps({"id": "num", "question": 42}),
              json.dumps({"id": "hist", "question": ANSWERED, "history": "nope"}),
              json.dumps({"id": "filt", "question": ANSWERED, "filters": {"council": 5}}),
              json.dumps({"id": "surrogate", "question": "\ud800?!"}), "",
              json.dumps({"id": "last", "question": ANSWERED})]
    batch = tmp_path / "questions.jsonl"
    batch.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass") + b"\n\xff\xfe\n")
    result = CliRunner().invoke(main, ["ask", "--batch", str(batch), "--json"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(lines)  # the blank line is skipped, the undecodable one reported
    by_id = {r["id"]: r for r in records if r["id"]}
    assert by_id["good"]["answer"] == by_id["last"]["answer"] == ANSWER
    for i, (_, message) in enumerate(REFUSED):
        assert by_id[f"refused-{i}"]["error"].startswith(message)
    for i in range(len(ABSTAINED)):
        assert by_id[f"abstains-{i}"]["abstained"] is True
    errors = [(r.get("line"), r["id"], r["error"]) for r in records[-10:] if "error" in r]
    assert errors == [
        (19, "", 'Not JSON (Expecting value): each line is an object such as {"id": "q1", '
                 '"question": "..."}.'),
        (20, "", 'Not JSON (nested too deeply): each line is an object such as {"id": "q1", '
                 '"question": "..."}.'),
        (21, "", 'Not a JSON object: each line is like {"id": "q1", "question": "..."}.'),
        (22, "no-q", 'The line needs a "question" (text), e.g. {"id": "q1", "question": '
                     '"..."}.'),
        (23, "num", 'The line needs a "question" (text), e.g. {"id": "q1", "question": '
                    '"..."}.'),
        (24, "hist", '"history" must be a list of {"role": ..., "content": ...} objects.'),
        (25, "filt", '"filters.council" must be text or a list of text.'),
        (26, "surrogate", "The question has no letters or digits ('?!'). Ask in words, for "
                          "example “What did the partnership say about county lines?”"),
        (29, "", "Not UTF-8 text: save the file as UTF-8."),
    ]


def test_cli_chat_carries_on_after_a_refused_question(real_library: Path) -> None:
    lines = ["$(rm -rf /)", "What is the Safe at Home scheme?", "\x00\x01", "?!",
             "x" * 100_000, "Who leads that?", ""]
    result = CliRunner().invoke(main, ["chat"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert result.stderr.splitlines()[::2] == [
        EMPTY, "The question has no letters or digits ('?!'). Ask in words, for example “What "
               "did the partnership say about county lines?”",
        "The question is 100,000 characters long; the limit is 2,000. Ask a shorter question: a "
        "sentence naming what you want to know is enough."]
    assert result.stdout.count(ABSTAIN) == 1
    assert "(Understood as: Who leads the Safe at Home scheme?)" in result.stdout


def test_cli_chat_survives_undecodable_input(real_library: Path) -> None:
    result = CliRunner().invoke(main, ["chat"], input=b"\xff\xfe\xfd\n" + ANSWERED.encode() +
                                b"\n\n")
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert result.stderr.startswith("The question has no letters or digits")
    assert ANSWER in result.stdout


# -- the chat page ------------------------------------------------------------------------------

@pytest.fixture
def app(real_library: Path) -> AppTest:
    test = AppTest.from_file(CHAT, default_timeout=120)
    test.run()
    assert not test.exception, test.exception
    return test


def ask(app: AppTest, question: str) -> AppTest:
    app.chat_input[0].set_value(question).run()
    assert not app.exception, app.exception
    return app


def test_the_chat_page_warns_and_carries_on(app: AppTest) -> None:
    for question, message in REFUSED[1:]:  # a browser cannot send "" at all
        ask(app, question)
        assert [w.value[: len(message)] for w in app.warning] == [message]
        assert app.session_state["turns"] == []
    ask(app, ANSWERED)
    assert not app.warning
    assert ANSWER in shown("\n".join(m.value for m in app.markdown))
    ask(app, "?!")
    assert app.warning[-1].value.startswith(WORDLESS)
    assert len(app.session_state["turns"]) == 1
    assert ANSWER in shown("\n".join(m.value for m in app.markdown))  # the earlier answer stays


@pytest.mark.parametrize("question", ABSTAINED)
def test_the_chat_page_abstains_on_injection_looking_and_foreign_questions(
        app: AppTest, question: str) -> None:
    ask(app, question)
    assert app.warning and app.warning[0].value.startswith(ABSTAIN)
    assert app.session_state["turns"][0]["answer"].question == unicodedata.normalize("NFKC",
                                                                                     question)
