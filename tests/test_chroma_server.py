"""The same library code against a real `chroma run` server on loopback, started here."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.library import Library
from assistant.settings import get_settings
from ingest import ingest
from ingest.parse import parse_file
from tests.conftest import SAMPLES

pytestmark = pytest.mark.server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _chroma() -> str:
    found = Path(sys.executable).parent / "chroma"
    return str(found) if found.exists() else (shutil.which("chroma") or "")


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    """Start `chroma run` on 127.0.0.1 and stop it afterwards; skip if it cannot start."""
    binary = _chroma()
    if not binary:
        pytest.skip("the chroma CLI is not installed")
    port = _free_port()
    log = (tmp_path / "chroma.log").open("w")
    process = subprocess.Popen(
        [binary, "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1",
         "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"chroma run exited: {(tmp_path / 'chroma.log').read_text()}")
                time.sleep(0.2)
        else:
            pytest.fail("chroma run did not start listening within 60 s")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_ingest_into_a_chroma_server_and_read_the_same_paragraphs_back(
        chroma_server: str, monkeypatch, tmp_path: Path, data_dir: Path) -> None:
    monkeypatch.setenv("SCRUTINEER_CHROMA_URL", chroma_server)
    summary = ingest([SAMPLES])
    assert summary.exit_code == 0 and summary.counts["added"] == 3
    assert not (data_dir / "chroma").exists()  # nothing was written to the embedded store
    library = Library(get_settings())
    assert library.location == chroma_server
    for path in sorted(SAMPLES.glob("*.pdf")):
        parsed = parse_file(path)
        assert library.paragraphs(parsed.document.doc_id) == list(parsed.paragraphs)
    assert library.manifest is not None and library.manifest.embedding_model == "fake:64"
    again = ingest([SAMPLES])
    assert again.counts["unchanged"] == 3
    hits = library.search("knife crime awareness in schools", k=3)
    assert len(hits) == 3 and all(h.document.file_name.endswith(".pdf") for h in hits)


def test_an_unreachable_server_is_a_clear_error(monkeypatch) -> None:
    from click.testing import CliRunner

    from ui.cli import main

    monkeypatch.setenv("SCRUTINEER_CHROMA_URL", f"http://127.0.0.1:{_free_port()}")
    result = CliRunner().invoke(main, ["library"])
    assert result.exit_code == 1
    assert "Cannot open the Chroma store at http://127.0.0.1:" in result.output
    assert "chroma run" in result.output
