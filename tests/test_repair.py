"""Damaged libraries: detected when opened, with a message naming `scrutineer repair`, and
the repair command puts them right (deleted search index, corrupt or missing manifest,
unfinished writes left by a killed ingest, a document missing paragraphs). Also the write
lock: a second writer is refused with a message saying what to do."""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.assistant import Assistant
from assistant.documents import Paragraph
from assistant.errors import LibraryBusyError, LibraryDamagedError
from assistant.health import inspect
from assistant.library import Library
from assistant.settings import get_settings
from assistant.store import write_lock
from ingest import ingest
from ui.cli import main


@pytest.fixture
def library(tmp_path: Path) -> Library:
    for n in range(3):
        (tmp_path / f"report-{n}.md").write_text(
            f"# Report {n}\n\n1. The partnership met {n + 2} times about county lines.\n\n"
            f"2. It funded {n + 10} youth workers.\n")
    assert ingest([tmp_path]).counts["added"] == 3
    return Library(get_settings())


def answers(data_dir: Path) -> str:
    result = CliRunner().invoke(main, ["ask", "How many youth workers were funded?"])
    return result.output + (f" exit {result.exit_code}" if result.exit_code else "")


def repaired(data_dir: Path) -> str:
    result = CliRunner().invoke(main, ["repair"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_deleted_search_index_is_detected_and_repaired(library: Library, data_dir: Path
                                                         ) -> None:
    shutil.rmtree(data_dir / "lexical")
    with pytest.raises(LibraryDamagedError, match="scrutineer repair"):
        Assistant(get_settings(), library)
    assert "search index" in answers(data_dir) and "scrutineer repair" in answers(data_dir)
    assert "Rebuilt the manifest file and the search index" in repaired(data_dir)
    assert "youth workers" in answers(data_dir)


@pytest.mark.parametrize("damage", ["{not json", "", None])
def test_a_corrupt_or_missing_manifest_is_detected_and_repaired(
        library: Library, data_dir: Path, damage: str | None) -> None:
    manifest = data_dir / "manifest.json"
    if damage is None:
        manifest.unlink()
    else:
        manifest.write_text(damage)
    with pytest.raises(LibraryDamagedError, match=r"manifest .* (unreadable|missing).*"
                                                  r"scrutineer repair"):
        Assistant(get_settings(), library)
    repaired(data_dir)
    assert json.loads(manifest.read_text())["embedding_model"] == "fake:64"
    assert "youth workers" in answers(data_dir)


def unfinished_write(library: Library) -> list[Paragraph]:
    """What a kill between writing a new version and publishing it leaves: the published
    version's paragraphs again, under a version no record names."""
    document = library.documents()[0]
    paragraphs = library.paragraphs(document.doc_id)
    writer = library.unrestricted()
    stray = [replace(p, version="deadbeef0000", text="Half written.") for p in paragraphs]
    vectors = writer.embed_documents([(document, stray)])[0]
    writer._upsert_paragraphs(document, stray, list(vectors.paragraphs))
    assert library.paragraphs(document.doc_id) == paragraphs  # readers see the published one
    return stray


def test_unfinished_writes_are_invisible_and_cleared(library: Library) -> None:
    stray = unfinished_write(library)
    found = inspect(library)
    assert len(found.orphans) == len(stray) and not found.incomplete
    Assistant(get_settings(), library)  # not damage: the library opens
    repaired(Path(get_settings().data_dir))
    assert inspect(library).healthy


def test_the_next_ingest_clears_unfinished_writes_even_with_nothing_to_do(
        library: Library, tmp_path: Path) -> None:
    stray = unfinished_write(library)
    summary = ingest([tmp_path])
    assert (summary.counts["unchanged"], summary.cleared) == (3, len(stray))
    assert inspect(library).healthy
    assert library.paragraph_count() == sum(d.paragraph_count for d in library.documents())
    assert ingest([tmp_path]).cleared == 0


def damage_vector_index(data_dir: Path) -> None:
    """Garble the paragraphs' vector index on disk, as a kill during the embedded store's
    flush can, so that every read of the store fails; this process then opens it afresh."""
    from chromadb.api.shared_system_client import SharedSystemClient

    store = data_dir / "chroma"
    with sqlite3.connect(store / "chroma.sqlite3") as db:
        [(segment,)] = db.execute(
            "select s.id from segments s join collections c on s.collection = c.id "
            "where c.name = 'scrutineer-paragraphs' and s.scope = 'VECTOR'").fetchall()
    (store / segment).mkdir(exist_ok=True)
    (store / segment / "index_metadata.pickle").write_bytes(b"\x80\x04garbled" * 40)
    SharedSystemClient.clear_system_cache()


def test_an_unreadable_store_is_detected_and_repair_ingests_every_document_again(
        library: Library, data_dir: Path, tmp_path: Path) -> None:
    before = answers(data_dir)
    damage_vector_index(data_dir)
    advice = "Run `scrutineer repair`: it ingests every document again from its file."
    with pytest.raises(LibraryDamagedError, match="its store cannot be read") as error:
        Assistant(get_settings())
    assert str(error.value).endswith(advice)
    refused = CliRunner().invoke(main, ["ingest", str(tmp_path)])
    assert refused.exit_code == 1 and advice in refused.output
    assert answers(data_dir).count(advice) == 1
    report = repaired(data_dir)
    assert "Found: its store cannot be read (" in report
    assert "Ingested 3 documents again from their files (0 failed)." in report
    assert answers(data_dir) == before
    assert inspect(Library(get_settings())).healthy


def test_a_document_missing_paragraphs_is_re_ingested(library: Library, data_dir: Path
                                                     ) -> None:
    document = library.documents()[0]
    first = library.paragraphs(document.doc_id)[0]
    library.delete_keys([first.key])
    assert inspect(library).incomplete == (document.doc_id,)
    assert "Re-ingested 1 incomplete documents" in repaired(data_dir)
    assert inspect(library).healthy
    assert len(library.paragraphs(document.doc_id)) == document.paragraph_count


def test_a_second_writer_is_refused_while_the_lock_is_held(library: Library, tmp_path: Path
                                                           ) -> None:
    settings = get_settings()
    with write_lock(settings, "ingest"):
        with pytest.raises(LibraryBusyError, match=r"being written by ingest \(pid \d+"):
            ingest([tmp_path], force=True)
        result = CliRunner().invoke(main, ["ingest", str(tmp_path)])
        assert result.exit_code != 0 and "Wait for it to finish" in result.output
    assert ingest([tmp_path]).counts["unchanged"] == 3  # released: the next writer goes on
