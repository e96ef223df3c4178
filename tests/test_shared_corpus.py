"""The whole shared corpus: every Kent PDF ingests cleanly, nothing left is a page number or
running header, unchanged re-ingestion embeds nothing, and a changed file is replaced alone."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from assistant.library import Library
from assistant.settings import Settings
from ingest import ingest
from ingest.clean import BLANK_PAGE_RE, PAGE_NUMBER_RE, running_headers
from ingest.formats import extract
from ingest.pipeline import IngestSummary
from tests.conftest import KENT, SEEDS, FakeEmbedder

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (KENT.is_dir() and SEEDS.is_dir()),
                                 reason="shared corpus not present")]
MARGIN_RE = re.compile(r"^(page \d+( of \d+)?|agenda item \d+|\d+)$", re.IGNORECASE)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Settings, IngestSummary]:
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(SEEDS, root / "seeds")
    shutil.copytree(KENT, root / "kent")
    settings = Settings(data_dir=root / "data", embedding_model="fake:64")
    summary = ingest([root / "seeds", root / "kent"], settings)
    return root, settings, summary


def test_every_kent_pdf_ingests_without_an_exception(corpus) -> None:
    _, _, summary = corpus
    pdfs = [r for r in summary.results if r.path.endswith(".pdf")]
    assert len(pdfs) == 85
    assert summary.failed == ()
    assert all(r.status == "added" for r in pdfs)
    assert summary.counts["skipped"] == 1  # MANIFEST.tsv is not a document


def test_image_only_pages_are_reported(corpus) -> None:
    _, _, summary = corpus
    flagged = {Path(r.path).name: r.image_only_pages for r in summary.results
               if r.image_only_pages}
    assert flagged == {"Appendix K - Economic and Fiscal Context.pdf": (12,),
                       "Appendix L - Economic and Fiscal Context.pdf": (12,)}


def test_no_paragraph_is_only_a_page_number_header_or_footer(corpus) -> None:
    _, settings, _ = corpus
    library = Library(settings)
    for document in library.documents():
        margins = set(running_headers(extract(Path(document.source)))) \
            if document.file_name.endswith(".pdf") else set()
        repeats = 0
        for paragraph in library.paragraphs(document.doc_id):
            text = paragraph.text.strip()
            assert not PAGE_NUMBER_RE.match(text), (document.file_name, text)
            assert not MARGIN_RE.match(text), (document.file_name, text)
            assert not BLANK_PAGE_RE.search(text), (document.file_name, text)
            assert re.search(r"\w\w", text), (document.file_name, text)
            assert text not in margins, (document.file_name, text)
            repeats += sum(1 for line in text.splitlines() if line.strip() in margins)
        assert repeats <= 1, document.file_name  # at most a table header printed once


def test_reingesting_the_unchanged_corpus_embeds_nothing(corpus) -> None:
    root, settings, first = corpus
    before = FakeEmbedder.texts_embedded
    again = ingest([root / "seeds", root / "kent"], settings)
    assert FakeEmbedder.texts_embedded == before
    assert again.counts["unchanged"] == first.counts["added"] == 90
    assert again.paragraphs_written == 0


def test_changing_one_file_replaces_exactly_its_paragraphs(corpus) -> None:
    root, settings, _ = corpus
    library = Library(settings)
    target = root / "seeds" / "004_290da240f6015a2f.txt"
    documents = {d.file_name: d for d in library.documents()}
    others = {d.doc_id: [p.para_id for p in library.paragraphs(d.doc_id)]
              for d in documents.values() if d.file_name != target.name}
    text = target.read_text()
    target.write_text(text.replace("The 19 bed spaces", "The 23 bed spaces"))
    before = FakeEmbedder.texts_embedded
    summary = ingest([root / "seeds", root / "kent"], settings)
    assert [Path(r.path).name for r in summary.results if r.status == "updated"] == [target.name]
    assert summary.counts["unchanged"] == 89
    changed = documents[target.name]
    paragraphs = library.paragraphs(changed.doc_id)
    assert FakeEmbedder.texts_embedded - before == len(paragraphs) + 1  # + the document record
    [para] = [p for p in paragraphs if p.label == "4.29"]
    assert "The 23 bed spaces distributed across the County" in para.text
    assert not any("The 19 bed spaces" in p.text for p in paragraphs)
    assert {d: [p.para_id for p in library.paragraphs(d)] for d in others} == others
    stored = sum(d.paragraph_count for d in library.documents())  # + the replaced version,
    assert library.paragraph_count() == stored + changed.paragraph_count  # kept, never read
