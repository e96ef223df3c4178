"""Per-file limits and odd encodings: a file over the size or page limit fails before the work
the limit guards, with one line naming the setting; text in the common encodings reads exactly,
and binary data named .txt is refused clearly."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from assistant.errors import ExtractionError
from ingest import ingest
from ingest.formats import MB, extract, short_cause
from ingest.pdf import extract_pdf
from tests.conftest import SAMPLES
from tests.pdf_builder import PdfSpec, ascii_pdf, text_content, write_pdf

TEXT = "Budget: £5m – a “modest” café rise (€6m).\nSecond line, ‘quoted’ too."
LATIN = "Café costs £5 ± ½; a naïve façade, ©2024 Señor Müller."
TWO_PAGES = SAMPLES / "northshire-csp-annual-review-2024.pdf"


def _sparse(path: Path, megabytes: float) -> Path:
    with path.open("wb") as handle:
        handle.truncate(int(megabytes * MB))  # no disk used; all zeros, so not a real PDF
    return path


def test_a_file_over_the_size_limit_fails_before_parsing(tmp_path: Path, monkeypatch) -> None:
    big = _sparse(tmp_path / "budget-book.pdf", 61.2)
    [result] = ingest([big]).failed
    assert result.reason == ("is 61.2 MB; the limit is 50 MB (SCRUTINEER_MAX_FILE_MB); "
                             "split the file or raise the limit")
    monkeypatch.setenv("SCRUTINEER_MAX_FILE_MB", "60")
    [result] = ingest([big]).failed
    assert result.reason.startswith("is 61.2 MB; the limit is 60 MB (SCRUTINEER_MAX_FILE_MB)")
    monkeypatch.setenv("SCRUTINEER_MAX_FILE_MB", "62")  # then it is parsed, and is no PDF
    [result] = ingest([big]).failed
    assert result.reason.startswith("not a PDF")


def test_a_pdf_over_the_page_limit_fails_naming_the_setting(tmp_path: Path,
                                                             monkeypatch) -> None:
    pack = tmp_path / "agenda-pack.pdf"
    pack.write_bytes(ascii_pdf(2400))
    [result] = ingest([pack]).failed
    assert result.reason == ("has 2,400 pages; the limit is 2,000 (SCRUTINEER_MAX_PAGES); "
                             "split the file or raise the limit")
    monkeypatch.setenv("SCRUTINEER_MAX_PAGES", "1")
    [result] = ingest([TWO_PAGES]).failed
    assert result.reason.startswith("has 2 pages; the limit is 1 (SCRUTINEER_MAX_PAGES)")


def _distinct_pages(pages: int, count: int | None = None) -> bytes:
    contents = [text_content([b"%d.1 Paragraph %d on the budget." % (n, n)])
                for n in range(1, pages + 1)]
    return write_pdf(PdfSpec(contents, list(range(pages)), count=count))


def test_no_page_is_read_from_a_pdf_over_the_page_limit(tmp_path: Path, monkeypatch) -> None:
    import ingest.pdf

    read: list[object] = []
    page_text = ingest.pdf._page_text
    monkeypatch.setattr(ingest.pdf, "_page_text", lambda page: read.append(page) or
                        page_text(page))
    path = tmp_path / "three.pdf"
    path.write_bytes(_distinct_pages(3))
    with pytest.raises(ExtractionError, match=r"has 3 pages; the limit is 2 "):
        extract_pdf(path, max_pages=2)
    assert read == []
    assert len(extract_pdf(path, max_pages=3).pages) == len(read) == 3


def test_a_page_count_the_pdf_cannot_hold_is_not_believed(tmp_path: Path) -> None:
    path = tmp_path / "lying.pdf"
    path.write_bytes(_distinct_pages(2, count=10**9))
    assert [p.text.strip() for p in extract(path).pages] == ["1.1 Paragraph 1 on the budget.",
                                                             "2.1 Paragraph 2 on the budget."]


ENCODED = [
    ("utf-8.txt", TEXT.encode(), TEXT),
    ("utf-8-bom.md", codecs.BOM_UTF8 + TEXT.encode(), TEXT),
    ("utf-16-le-bom.txt", codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), TEXT),
    ("utf-16-be-bom.txt", codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), TEXT),
    ("utf-16-le-no-bom.txt", TEXT.encode("utf-16-le"), TEXT),
    ("utf-32-bom.txt", TEXT.encode("utf-32"), TEXT),
    ("windows-1252.txt", TEXT.encode("cp1252"), TEXT),
    ("windows-1252-crlf.md", TEXT.replace("\n", "\r\n").encode("cp1252"), TEXT),
    ("latin-1.txt", LATIN.encode("latin-1"), LATIN),
]


@pytest.mark.parametrize(("name", "data", "text"), ENCODED, ids=[c[0] for c in ENCODED])
def test_text_in_common_encodings_reads_exactly(tmp_path: Path, name: str, data: bytes,
                                                text: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert [page.text for page in extract(path).pages] == [text]


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256))
NOT_TEXT = [
    ("photo.txt", PNG, "not a text file (it looks like an image); wrong extension?"),
    ("report.txt", TWO_PAGES.read_bytes(), "not a text file (it looks like a PDF); "
                                           "wrong extension?"),
    ("minutes.md", b"PK\x03\x04\x14\x00\x06\x00" + bytes(64), "not a text file (it looks like "
                                                              "a ZIP or Office file); wrong "
                                                              "extension?"),
    ("random.txt", random.Random(7).randbytes(5000), "not a text file (binary data); "
                                                     "wrong extension?"),
    ("controls.txt", b"ab\x01\x02\x03\x04\x05\x06\x07\x08" * 50, "not a text file (binary "
                                                                  "data); wrong extension?"),
    ("blank.txt", "\n \t\n".encode("utf-16"), "empty file (no text)"),
]


@pytest.mark.parametrize(("name", "data", "reason"), NOT_TEXT, ids=[c[0] for c in NOT_TEXT])
def test_binary_data_named_as_text_is_refused(tmp_path: Path, name: str, data: bytes,
                                              reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ExtractionError) as raised:
        extract(path)
    assert raised.value.reason == reason


def test_damaged_files_get_a_short_cause_and_what_to_do(tmp_path: Path) -> None:
    pdf = tmp_path / "corrupt.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nnot a body\n%%EOF\n")
    docx = tmp_path / "cut.docx"
    docx.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + bytes(30))
    reasons = []
    for path in (pdf, docx):
        with pytest.raises(ExtractionError) as raised:
            extract(path)
        reasons.append(raised.value.reason)
    assert reasons == [
        "not a readable PDF (damaged: startxref not found); re-save or re-export it",
        "not a readable Word document (damaged: truncated or broken ZIP archive); "
        "re-save it in Word"]


@pytest.mark.parametrize(("error", "cause"), [
    (KeyError("/Root"), "missing /Root"),
    (KeyError("There is no item named 'word/styles.xml' in the archive"),
     "There is no item named 'word/styles.xml' in the archive"),
    (AttributeError("'NullObject' object has no attribute 'get'"),
     "unexpected structure (AttributeError)"),
    (RecursionError("maximum recursion depth exceeded"), "objects nested too deeply"),
    (ValueError("Invalid Elementary Object starting with b'>' @44595: b'>>]] >>]]'"),
     "Invalid Elementary Object starting with"),
    (ValueError("x" * 200), "x" * 77 + "..."),
    (ValueError(""), "ValueError"),
])
def test_library_errors_become_short_causes(error: BaseException, cause: str) -> None:
    assert short_cause(error) == cause
