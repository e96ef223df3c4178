"""The edges as their ecosystems expect: settings refuse values they do not take (naming the
variable) and keep the API key out of their repr; `--version`; `--json` where another tool
would read the output; `ask --batch -`; `scrutineer ui` honouring Streamlit's own variables
and stopping on SIGTERM."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.errors import SettingsError
from assistant.settings import get_settings
from tests.app_server import free_port, wait_healthy
from tests.conftest import ROOT, SAMPLES
from ui.cli import main, streamlit_flags

NORTHSHIRE = "northshire-csp-annual-review-2024.pdf"


# -- settings ---------------------------------------------------------------------------------

def test_a_choice_is_read_whatever_its_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRUTINEER_ANSWER_MODE", "LLM")
    monkeypatch.setenv("SCRUTINEER_RETRIEVAL", " Lexical ")
    settings = get_settings()
    assert (settings.answer_mode, settings.retrieval) == ("llm", "lexical")


def test_a_value_a_setting_does_not_take_is_refused_naming_the_variable(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRUTINEER_RETRIEVAL", "hybird")
    with pytest.raises(SettingsError) as refused:
        get_settings()
    assert str(refused.value) == (
        "SCRUTINEER_RETRIEVAL='hybird' is not a value Scrutineer takes; it takes 'hybrid', "
        "'dense' or 'lexical'. Set it to one of those, or unset it for the default.")
    result = CliRunner().invoke(main, ["ask", "What did the partnership say?"])
    assert result.exit_code == 1
    assert "Error: SCRUTINEER_RETRIEVAL='hybird' is not a value" in result.output
    assert "Traceback" not in result.output


def test_a_number_out_of_range_is_refused_naming_the_variable(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRUTINEER_PASSAGES", "0")
    with pytest.raises(SettingsError, match=r"^SCRUTINEER_PASSAGES='0' is not a value"):
        get_settings()


def test_the_api_key_is_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRUTINEER_LLM_API_KEY", "sk-very-secret")
    settings = get_settings()
    assert "sk-very-secret" not in repr(settings) and "sk-very-secret" not in str(settings)
    assert settings.llm_api_key.get_secret_value() == "sk-very-secret"


# -- the command line -------------------------------------------------------------------------

def test_version_names_the_installed_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert re.fullmatch(r"scrutineer, version \d+\.\d+\.\d+( \(source\))?\n", result.output)


@pytest.fixture
def library() -> None:
    result = CliRunner().invoke(main, ["ingest", "--json", str(SAMPLES)])
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.output)
    assert outcome["counts"] == {"added": 3}
    assert {Path(f["path"]).name for f in outcome["files"]} == {
        p.name for p in SAMPLES.iterdir() if p.suffix in (".pdf", ".docx", ".md", ".txt")}
    assert outcome["paragraphs_written"] == sum(f["paragraphs"] for f in outcome["files"])
    assert outcome["exit_code"] == 0


def test_library_and_paragraphs_as_json(library: None) -> None:
    listed = json.loads(CliRunner().invoke(main, ["library", "--json"]).output)
    assert len(listed) == 3
    northshire = next(d for d in listed if d["file"] == NORTHSHIRE)
    assert northshire["council"] == "Northshire County Council"
    assert northshire["access"] == "public"
    shown = json.loads(CliRunner().invoke(main, ["paragraphs", "--json", NORTHSHIRE]).output)
    assert shown["document"] == northshire
    assert len(shown["paragraphs"]) == northshire["paragraphs"]
    assert all(p["citation"] and p["text"] for p in shown["paragraphs"])


def test_library_as_json_when_empty_is_an_empty_array() -> None:
    result = CliRunner().invoke(main, ["library", "--json"])
    assert result.exit_code == 0 and json.loads(result.output) == []


def test_a_batch_is_read_from_standard_input(library: None) -> None:
    lines = "\n".join(json.dumps({"id": f"q{n}", "question": q}) for n, q in enumerate((
        "How many arrests did Operation Sceptre lead to in Northshire?", "   ")))
    result = CliRunner().invoke(main, ["ask", "--batch", "-"], input=lines + "\n")
    answers = [json.loads(line) for line in result.output.splitlines()]
    assert [a.get("id") for a in answers] == ["q0", "q1"]
    assert "error" not in answers[0] and "error" in answers[1]  # the blank one is refused
    assert result.exit_code == 2


# -- `scrutineer ui` --------------------------------------------------------------------------

def test_streamlits_own_variables_are_not_overridden_by_our_defaults() -> None:
    chosen = {"server.port": None, "server.address": None, "server.maxUploadSize": 50,
              "browser.gatherUsageStats": "false"}
    assert streamlit_flags(chosen, set(), {"STREAMLIT_SERVER_PORT": "9000",
                                           "STREAMLIT_SERVER_MAX_UPLOAD_SIZE": "10"}) == \
        ["--browser.gatherUsageStats", "false", "--server.address", "127.0.0.1"]
    given = {**chosen, "server.port": 8600}
    assert streamlit_flags(given, {"server.port"}, {"STREAMLIT_SERVER_PORT": "9000"}) == \
        ["--server.port", "8600", "--server.maxUploadSize", "50",
         "--browser.gatherUsageStats", "false", "--server.address", "127.0.0.1"]


def test_the_app_serves_on_streamlits_port_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "ui.log"
    env = {**os.environ, "STREAMLIT_SERVER_PORT": str(port)}
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "ui.cli", "ui"], env=env, cwd=ROOT,
                                   stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", time.monotonic() + 90, process, log)
        assert f"http://127.0.0.1:{port}" in log.read_text()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) is not None  # the server is this process: it stops
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    with pytest.raises(OSError):  # nothing is left listening
        import urllib.request

        urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
