"""The same library code against a real `chroma run` server on loopback, started here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.library import Library
from assistant.settings import get_settings
from bench.server import chroma_binary, free_port
from bench.server import chroma_server as server
from ingest import ingest
from ingest.parse import parse_file
from tests.conftest import SAMPLES

pytestmark = pytest.mark.server


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    """Start `chroma run` on 127.0.0.1 and stop it afterwards; skip if it cannot start."""
    if not chroma_binary():
        pytest.skip("the chroma CLI is not installed")
    with server(tmp_path / "server-data", tmp_path / "chroma.log") as url:
        yield url


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

    monkeypatch.setenv("SCRUTINEER_CHROMA_URL", f"http://127.0.0.1:{free_port()}")
    result = CliRunner().invoke(main, ["library"])
    assert result.exit_code == 1
    assert "Cannot open the Chroma store at http://127.0.0.1:" in result.output
    assert "chroma run" in result.output


def test_processes_sharing_a_server_each_notice_the_others_changes(
        chroma_server: str, monkeypatch, tmp_path: Path) -> None:
    """Two app processes (own data directories, so own lexical indexes) on one server: a
    document one of them ingests is found by the other's BM25 search, and so is its removal."""
    from assistant import lexical
    from assistant.retrieval import Retriever
    from ingest import remove

    monkeypatch.setattr(lexical, "CHECK_EVERY", 0.0)
    writer = get_settings(data_dir=tmp_path / "a", chroma_url=chroma_server)
    reader = Retriever(Library(get_settings(data_dir=tmp_path / "b", chroma_url=chroma_server)))
    ingest([SAMPLES], writer)
    reader.refresh()
    assert len(reader.documents) == 3
    assert not reader.lexical.search("zanzibarian ferries")
    note = tmp_path / "ferry-note.md"
    note.write_text("# Ferry services review\n\n1. The Zanzibarian ferries contract ends in "
                    "March 2027.\n")
    before = reader.library.signature()
    ingest([note], writer)
    assert reader.library.signature() != before
    reader.refresh()
    hits = reader.lexical.search("zanzibarian ferries")
    assert hits and all("ferry-note" in reader.documents[h.para_id.split("#")[0]].file_name
               for h in hits)
    remove([note], Library(writer))
    reader.refresh()
    assert not reader.lexical.search("zanzibarian ferries")
    assert len(reader.documents) == 3
