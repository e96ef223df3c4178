"""The library page through AppTest: upload a good and a corrupt file, list, read, remove."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import SAMPLES

LIBRARY = str(Path(__file__).resolve().parent.parent / "ui" / "views" / "library.py")


@pytest.fixture
def app(data_dir: Path) -> AppTest:
    test = AppTest.from_file(LIBRARY, default_timeout=120)
    test.run()
    assert not test.exception, test.exception
    return test


def test_upload_a_good_and_a_corrupt_file(app: AppTest, data_dir: Path) -> None:
    good = (SAMPLES / "northshire-csp-annual-review-2024.pdf").read_bytes()
    app.get("file_uploader")[0].set_value([
        ("northshire report.pdf", good, "application/pdf"),
        ("../../broken.pdf", b"%PDF-1.4 garbage without an end", "application/pdf")]).run()
    app.button[0].click().run()
    assert not app.exception, app.exception
    rows = app.session_state["last_ingest"]
    results = {r["file"]: (r["result"], r["reason"]) for r in rows}
    assert results["northshire report.pdf"] == ("added", "")
    assert results["broken.pdf"][0] == "failed"
    assert "truncated or damaged PDF" in results["broken.pdf"][1]
    assert (data_dir / "uploads" / "northshire report.pdf").is_file()
    assert not (data_dir.parent / "broken.pdf").exists()  # the name could not climb out
    assert app.subheader[-1].value == "1 documents"


def test_read_and_remove_a_document(app: AppTest) -> None:
    from ingest import ingest

    ingest([SAMPLES])
    app.run()
    assert app.subheader[0].value == "3 documents"
    app.selectbox(key="reader").set_value(
        "Northshire Community Safety Partnership Annual Review 2023-24 "
        "(northshire-csp-annual-review-2024.pdf)").run()
    shown = "\n".join(m.value for m in app.markdown)
    assert "**para 4.5 (p. 2)** — *4. Progress against the priorities › Serious youth violence " \
           "and knife crime*" in shown
    app.multiselect(key="doomed").set_value(
        ["Riverton Safer Streets Partnership Strategy 2022-2025 Progress Update "
         "(riverton-safer-streets-progress-2023-24.pdf)"]).run()
    app.button(key="remove").click().run()
    assert not app.exception, app.exception
    assert app.subheader[0].value == "2 documents"


def test_search_filters_the_list(app: AppTest) -> None:
    from ingest import ingest

    ingest([SAMPLES])
    app.run()
    app.text_input(key="search").set_value("Eastvale").run()
    table = app.dataframe[-1].value
    assert list(table["file"]) == ["eastvale-oscom-minutes-2024-02-05.pdf"]


def test_hostile_uploads_are_refused_or_kept_inside_the_uploads_folder(app: AppTest,
                                                                       data_dir: Path) -> None:
    good = (SAMPLES / "northshire-csp-annual-review-2024.pdf").read_bytes()
    app.get("file_uploader")[0].set_value([
        ("../../../etc/report.pdf", good, "application/pdf"),
        ("..\\report.pdf", good, "application/pdf"),
        ("report.exe.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
        ("notes\x00.txt", b"\x00\x01binary", "text/plain"),
        ("..", b"%PDF-1.4", "application/pdf"),
        ("reports.zip", b"PK\x03\x04", "application/zip")]).run()
    app.button[0].click().run()
    assert not app.exception, app.exception
    rows = [(r["file"], r["result"], r["reason"]) for r in app.session_state["last_ingest"]]
    assert rows == [
        ("..\\report.pdf", "refused", "the same file as report.pdf, uploaded twice"),
        ("report.exe.pdf", "refused", "the content is not a PDF (it looks like text or another "
                                      "format): the extension is wrong"),
        ("notes?.txt", "refused", "the content is not plain text (it has binary data, or is "
                                  "UTF-16): save it as UTF-8 text"),
        ("..", "refused", "unsupported file type (no extension): upload PDF, Word (.docx), "
                          "text (.txt) or Markdown (.md) files"),
        ("reports.zip", "refused", "an archive (.zip): unpack it and upload the documents "
                                   "inside it"),
        ("report.pdf", "added", "")]
    files = sorted(str(p.relative_to(data_dir.parent)) for p in data_dir.parent.rglob("*")
                   if p.is_file() and "uploads" in p.parts)
    assert files == ["data/uploads/report.pdf"]
    assert not [p for p in data_dir.parent.rglob("*") if p.name in ("etc", "report.exe.pdf")]
    table = app.dataframe[-1].value
    assert list(table["access"]) == ["public"] and "exempt" not in table.columns
    assert "up to 50 MB each" in app.get("file_uploader")[0].label
