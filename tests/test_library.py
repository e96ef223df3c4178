"""The library in the embedded Chroma store: what goes in comes back, unchanged files cost
nothing, changed files are replaced whole, and a library refuses another embedding model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.errors import LibraryMismatchError
from assistant.library import Library
from assistant.settings import get_settings
from ingest import ingest, remove
from ingest.parse import parse_file
from tests.conftest import SAMPLES
from ui.cli import main


@pytest.fixture
def samples(tmp_path: Path) -> Path:
    folder = tmp_path / "samples"
    shutil.copytree(SAMPLES, folder)
    return folder


def test_paragraphs_read_back_exactly_as_parsed(samples: Path) -> None:
    summary = ingest([samples])
    assert summary.counts["added"] == 3 and summary.exit_code == 0
    library = Library(get_settings())
    for path in sorted(samples.glob("*.pdf")):
        parsed = parse_file(path)
        stored = library.paragraphs(parsed.document.doc_id)
        assert stored == list(parsed.paragraphs)
        document = library.document(parsed.document.doc_id)
        assert document is not None
        assert document.meta == parsed.document.meta
        assert document.title == parsed.document.title
        assert document.paragraph_count == len(stored)
    assert library.paragraph_count() == summary.paragraphs_written


def test_unchanged_files_are_not_embedded_again(samples: Path, embedded_texts) -> None:
    ingest([samples])
    first = embedded_texts.count
    assert first > 0
    again = ingest([samples])
    assert again.counts["unchanged"] == 3 and again.paragraphs_written == 0
    assert embedded_texts.count == first


def test_a_changed_file_replaces_exactly_its_paragraphs(tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    other = tmp_path / "other.md"
    report.write_text("# Safer Streets report\n\n## 1. Purpose\n\n1.1 To review patrols.\n\n"
                      "1.2 To note 12 arrests.\n\n1.3 To agree the plan.\n")
    other.write_text("# Other report\n\n1. Unrelated paragraph about parks.\n")
    ingest([report, other])
    library = Library(get_settings())
    doc_id = next(d.doc_id for d in library.documents() if d.file_name == "report.md")
    before_other = [(p.para_id, p.text) for p in library.paragraphs(
        next(d.doc_id for d in library.documents() if d.file_name == "other.md"))]
    assert [p.label for p in library.paragraphs(doc_id)] == ["1.1", "1.2", "1.3"]
    report.write_text("# Safer Streets report\n\n## 1. Purpose\n\n1.1 To review patrols.\n\n"
                      "1.2 To note 15 arrests.\n")
    summary = ingest([report, other])
    assert (summary.counts["updated"], summary.counts["unchanged"]) == (1, 1)
    after = library.paragraphs(doc_id)
    assert [(p.label, p.text) for p in after] == [("1.1", "To review patrols."),
                                                  ("1.2", "To note 15 arrests.")]
    assert not any("1.3" in p.para_id for p in after)
    other_id = next(d.doc_id for d in library.documents() if d.file_name == "other.md")
    assert [(p.para_id, p.text) for p in library.paragraphs(other_id)] == before_other
    # the replaced version stays stored, unread, for readers a version behind ...
    assert library.paragraph_count() == 3 + 3
    assert library.document(doc_id).previous_version
    report.write_text(report.read_text().replace("15 arrests", "16 arrests"))
    ingest([report, other])  # ... until the next version: then the first one goes
    assert [p.text for p in library.paragraphs(doc_id)][1] == "To note 16 arrests."
    assert library.paragraph_count() == 3 + 2
    assert ingest([report], access="exempt").counts["updated"] == 1
    assert library.document(doc_id) is None  # exempt now, and nothing of the public version
    assert library.paragraph_count() == 1 + 2  # is kept: only the new version is stored


def test_remove_takes_a_document_and_all_its_paragraphs(samples: Path) -> None:
    ingest([samples])
    target = samples / "riverton-safer-streets-progress-2023-24.pdf"
    result = CliRunner().invoke(main, ["ingest", "--remove", str(target)])
    assert result.exit_code == 0, result.output
    assert "1 removed" in result.output
    library = Library(get_settings())
    assert sorted(d.file_name for d in library.documents()) == [
        "eastvale-oscom-minutes-2024-02-05.pdf", "northshire-csp-annual-review-2024.pdf"]
    assert library.paragraph_count() == sum(d.paragraph_count for d in library.documents())
    assert remove([target], library).failed[0].reason == "not in the library"


def test_manifest_records_model_dimension_and_chunker(samples: Path, data_dir: Path) -> None:
    from ingest.chunk import CHUNKER_VERSION

    ingest([samples])
    manifest = json.loads((data_dir / "manifest.json").read_text())
    assert manifest["embedding_model"] == "fake:64"
    assert manifest["dimension"] == 64
    assert manifest["chunker_version"] == CHUNKER_VERSION


def test_another_model_is_refused_with_the_rebuild_command(samples: Path, monkeypatch) -> None:
    ingest([samples])
    monkeypatch.setenv("SCRUTINEER_EMBEDDING_MODEL", "fake:32")
    with pytest.raises(LibraryMismatchError) as error:
        Library(get_settings())
    assert "built with embedding model 'fake:64' (64 dimensions)" in str(error.value)
    assert "scrutineer ingest --rebuild" in str(error.value)
    result = CliRunner().invoke(main, ["library"])
    assert result.exit_code == 1
    assert "Error: The library at" in result.output and "--rebuild" in result.output
    assert "Traceback" not in result.output


def test_rebuild_re_embeds_every_document_with_the_new_model(samples: Path, monkeypatch,
                                                             data_dir: Path) -> None:
    first = ingest([samples])
    monkeypatch.setenv("SCRUTINEER_EMBEDDING_MODEL", "fake:32")
    result = CliRunner().invoke(main, ["ingest", "--rebuild"])
    assert result.exit_code == 0, result.output
    assert "3 added" in result.output
    library = Library(get_settings())
    assert library.manifest is not None and library.manifest.dimension == 32
    assert library.paragraph_count() == first.paragraphs_written
    assert json.loads((data_dir / "manifest.json").read_text())["embedding_model"] == "fake:32"


def test_a_new_chunker_version_parses_again(samples: Path, monkeypatch) -> None:
    ingest([samples])
    monkeypatch.setattr("ingest.pipeline.CHUNKER_VERSION", "test-next")
    monkeypatch.setattr("ingest.parse.CHUNKER_VERSION", "test-next")
    summary = ingest([samples])
    assert summary.counts["updated"] == 3


def test_embedded_text_carries_identity_and_headings_but_cited_text_does_not(
        samples: Path) -> None:
    parsed = parse_file(samples / "northshire-csp-annual-review-2024.pdf")
    [para] = [p for p in parsed.paragraphs if p.label == "4.5"]
    context = para.context_text(parsed.document)
    assert context.splitlines()[0] == (
        "Northshire Community Safety Partnership Annual Review 2023-24; Northshire County "
        "Council; Cabinet; 14 March 2024; report NCC/24/031; report")
    assert "4. Progress against the priorities > Serious youth violence and knife crime" in context
    assert context.endswith("4.5 " + para.text)
    assert para.text.startswith("The Safer Schools programme placed police school liaison")
    assert "Northshire County Council" not in para.text


def test_library_and_paragraphs_commands(samples: Path) -> None:
    ingest([samples])
    listing = CliRunner().invoke(main, ["library"])
    assert listing.exit_code == 0 and "3 documents" in listing.output
    shown = CliRunner().invoke(main, ["paragraphs", "northshire-csp-annual-review-2024.pdf"])
    assert shown.exit_code == 0
    assert "[Cabinet, 14 March 2024, report NCC/24/031, para 4.1 (p. 1)]" in shown.output
    missing = CliRunner().invoke(main, ["paragraphs", "nope.pdf"])
    assert missing.exit_code == 1 and "scrutineer library" in missing.output


def test_ask_lists_matching_paragraphs_with_citations(samples: Path) -> None:
    ingest([samples])
    result = CliRunner().invoke(main, ["ask", "How did the partnership work with schools to "
                                              "deliver knife crime awareness assemblies?"])
    assert result.exit_code == 0, result.output
    assert "9,400 pupils. [1]" in result.output
    assert "[1] Cabinet, 14 March 2024, report NCC/24/031, para 4.5 (p. 2)" in result.output
    empty = CliRunner().invoke(main, ["ask", "anything"], env={"SCRUTINEER_DATA_DIR": str(
        samples.parent / "empty")})
    assert empty.exit_code == 1 and "scrutineer ingest PATH" in empty.output


def test_ingestion_leaves_a_current_lexical_index(samples: Path, data_dir: Path,
                                                  monkeypatch) -> None:
    from assistant.retrieval import Retriever

    ingest([samples])
    library = Library(get_settings())
    retriever = Retriever(library)
    assert retriever.lexical.load(retriever.signature())  # built by the ingestion, not on demand
    rebuilt = []
    monkeypatch.setattr(Retriever, "_rebuild", lambda self, sig: rebuilt.append(sig))
    retriever.refresh(force=True)
    assert rebuilt == []
    monkeypatch.undo()
    remove([samples / "riverton-safer-streets-progress-2023-24.pdf"], library)
    assert not retriever.lexical.load("stale") and retriever.lexical.load(retriever.signature())


def test_an_empty_library_searches_and_answers_without_error() -> None:
    from assistant.assistant import Assistant

    assistant = Assistant(get_settings())
    answer = assistant.ask("What did the partnership say about county lines?")
    assert answer.abstained and not answer.passages
    assert assistant.search("county lines") == []
