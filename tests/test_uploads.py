"""Uploads saved by ui/uploads.py: hostile names never leave DATA_DIR/uploads, contents must
match their extension, sizes are bounded, archives are refused, a batch never overwrites
itself. Real files on disk; the whole temporary tree is listed after each batch."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from assistant.settings import Settings, get_settings
from tests.conftest import SAMPLES
from ui.uploads import safe_name, save_uploads

PDF = (SAMPLES / "northshire-csp-annual-review-2024.pdf").read_bytes()


def docx_bytes(text: str = "Minutes of the meeting") -> bytes:
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph(text)
    document.save(buffer)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def everything_under(root: Path) -> list[Path]:
    """Every file and link below ``root`` (links are not followed)."""
    return sorted(p for p in root.rglob("*") if p.is_file() or p.is_symlink())


def assert_only_uploads(tmp_path: Path, data_dir: Path) -> None:
    uploads = data_dir / "uploads"
    stray = [p for p in everything_under(tmp_path) if uploads not in p.parents]
    assert stray == []
    assert not [p for p in everything_under(uploads) if p.name.endswith(".part")]


def settings(**overrides: object) -> Settings:
    return get_settings(**overrides)


HOSTILE_NAMES = [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("/etc/cron.d/x.pdf", "x.pdf"),
    ("..\\..\\windows\\evil.pdf", "evil.pdf"),
    ("C:\\Users\\me\\report.pdf", "report.pdf"),
    ("nul\x00byte.pdf", "nulbyte.pdf"),
    ("..／..／fullwidth.pdf", "fullwidth.pdf"),  # U+FF0F becomes "/" under NFKC
    ("‥∕leader.pdf", "leader.pdf"),  # two-dot leader, division slash
    (".hidden.pdf", "hidden.pdf"),
    (".pdf", "upload.pdf"),
    ("report.PDF.", "report.pdf"),
    ("  spaced \t name .pdf", "spaced name.pdf"),
    ("Adroddiad y Cyngor – Gwynedd ŵ.pdf", "Adroddiad y Cyngor _ Gwynedd ŵ.pdf"),
    ("rtl\u202efdp.pdf", "rtlfdp.pdf"),
    ("a;b|c$(rm -rf).pdf", "a_b_c_(rm -rf).pdf"),
]


@pytest.mark.parametrize(("name", "expected"), HOSTILE_NAMES)
def test_hostile_names_are_saved_inside_the_uploads_folder(name: str, expected: str,
                                                           tmp_path: Path,
                                                           data_dir: Path) -> None:
    assert safe_name(name) == expected
    result = save_uploads([(name, PDF)], settings())
    assert result.refused == ()
    assert [p.name for p in result.saved] == [expected]
    assert result.saved[0].parent == (data_dir / "uploads").resolve()
    assert result.saved[0].read_bytes() == PDF
    assert_only_uploads(tmp_path, data_dir)


def test_a_very_long_name_is_shortened(tmp_path: Path, data_dir: Path) -> None:
    result = save_uploads([("ŵ" * 5000 + ".pdf", PDF),
                           ("x" * 300 + "/../" * 50 + "y.pdf", PDF[:-1])], settings())
    assert result.refused == ()
    first, second = result.saved
    assert first.name.endswith(".pdf") and len(first.name.encode()) <= 160
    assert second.name == "y.pdf"
    assert_only_uploads(tmp_path, data_dir)


REFUSED: list[tuple[str, bytes, str]] = [
    ("..", PDF, "unsupported file type (no extension)"),
    ("...", PDF, "unsupported file type (no extension)"),
    ("", PDF, "unsupported file type (no extension)"),
    ("report.pdf.exe", b"MZ\x90\x00", "unsupported file type .exe: upload PDF, Word (.docx), "
                                      "text (.txt) or Markdown (.md) files"),
    ("report.exe.pdf", b"MZ\x90\x00\x03\x00", "the content is not a PDF (it looks like text "
                                              "or another format): the extension is wrong"),
    ("page.pdf", b"<!DOCTYPE html><html></html>", "the content is not a PDF (it looks like an "
                                                   "HTML page)"),
    ("fake.docx", zip_bytes({"xl/workbook.xml": b"<x/>"}),
     "the content is not a Word .docx document (a ZIP without word/document.xml)"),
    ("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
     "the content is not a Word .docx document (it looks like an old Word/Excel file): save it "
     "from Word as .docx"),
    ("notes.txt", b"GIF89a\x00\x00binary", "the content is not plain text (it has binary data, "
                                           "or is UTF-16): save it as UTF-8 text"),
    ("notes.md", "UTF-16 text".encode("utf-16"), "the content is not plain text"),
    ("empty.pdf", b"", "empty file (0 bytes)"),
    ("reports.zip", zip_bytes({"a.pdf": PDF}), "an archive (.zip): unpack it and upload the "
                                               "documents inside it"),
    ("reports.tar.gz", b"\x1f\x8b\x08", "an archive (.gz): unpack it and upload the documents "
                                        "inside it"),
    ("..\\..\\evil.zip", zip_bytes({"../../evil.pdf": PDF}), "an archive (.zip)"),
]


@pytest.mark.parametrize(("name", "data", "reason"), REFUSED)
def test_unsupported_or_mismatched_files_are_refused(name: str, data: bytes, reason: str,
                                                     tmp_path: Path, data_dir: Path) -> None:
    result = save_uploads([(name, data)], settings())
    assert result.saved == ()
    assert [r.name for r in result.refused] == [name.replace("\x00", "?")]
    assert result.refused[0].reason.startswith(reason)
    assert everything_under(data_dir / "uploads") == []
    assert_only_uploads(tmp_path, data_dir)


def test_files_whose_content_matches_are_saved(data_dir: Path) -> None:
    result = save_uploads([
        ("minutes.docx", docx_bytes()),
        ("notes.txt", "Cyfarfod y Cyngor: adroddiad ŵ ŷ — Łódź".encode()),
        ("windows.md", "# Caf\xe9 report".encode("cp1252")),
        ("bom.txt", "\ufeffMinutes".encode("utf-8")),
        ("junk-before-header.pdf", b"\r\n" + PDF)], settings())
    assert result.refused == ()
    assert [p.name for p in result.saved] == ["minutes.docx", "notes.txt", "windows.md",
                                              "bom.txt", "junk-before-header.pdf"]


def test_a_docx_that_unpacks_to_too_much_is_refused(data_dir: Path) -> None:
    bomb = zip_bytes({"word/document.xml": b"<w/>" + b" " * 3_000_000})
    result = save_uploads([("bomb.docx", bomb)], settings(max_file_mb=0.1))
    assert len(bomb) < 0.1 * 1024 * 1024
    assert result.saved == ()
    assert result.refused[0].reason == ("a .docx that unpacks to 3 MB, more than 20 times the "
                                        "size limit: save it again from Word")


def test_files_over_the_size_limit_are_refused_naming_the_limit(data_dir: Path) -> None:
    result = save_uploads([("big.pdf", b"%PDF-1.4\n" + b"0" * 30_000),
                           ("small.pdf", b"%PDF-1.4\n" + b"0" * 100)],
                          settings(max_file_mb=0.02))
    assert [p.name for p in result.saved] == ["small.pdf"]
    assert [(r.name, r.reason) for r in result.refused] == [
        ("big.pdf", "0.0 MB, larger than the 0.02 MB limit: split the document")]


def test_the_default_limit_is_the_setting(data_dir: Path) -> None:
    over = b"%PDF-1.4\n" + b"0" * (50 * 1024 * 1024)
    result = save_uploads([("huge.pdf", over)], settings())
    assert result.refused[0].reason == "50.0 MB, larger than the 50 MB limit: split the document"


def test_same_name_in_one_batch_does_not_overwrite(tmp_path: Path, data_dir: Path) -> None:
    result = save_uploads([("a/report.pdf", PDF), ("b/report.pdf", PDF + b"\n%v2"),
                           ("Report.PDF", PDF + b"\n%v3"), ("c/report.pdf", PDF + b"\n%v2")],
                          settings())
    assert [p.name for p in result.saved] == ["report.pdf", "report (2).pdf", "Report (3).pdf"]
    assert [p.read_bytes()[-3:] for p in result.saved] == [PDF[-3:], b"%v2", b"%v3"]
    assert [(r.name, r.reason) for r in result.refused] == [
        ("c/report.pdf", "the same file as report (2).pdf, uploaded twice")]
    assert_only_uploads(tmp_path, data_dir)


def test_a_later_batch_replaces_a_file_of_the_same_name(data_dir: Path) -> None:
    save_uploads([("report.pdf", PDF)], settings())
    again = save_uploads([("report.pdf", PDF + b"\n%revised")], settings())
    assert [p.name for p in again.saved] == ["report.pdf"]
    assert (data_dir / "uploads" / "report.pdf").read_bytes().endswith(b"%revised")
    assert len(everything_under(data_dir / "uploads")) == 1


def test_a_link_in_the_uploads_folder_is_replaced_not_written_through(tmp_path: Path,
                                                                      data_dir: Path) -> None:
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"%PDF-1.4 keep me")
    (data_dir / "uploads").mkdir(parents=True)
    os.symlink(outside, data_dir / "uploads" / "report.pdf")
    result = save_uploads([("report.pdf", PDF)], settings())
    assert outside.read_bytes() == b"%PDF-1.4 keep me"
    assert not result.saved[0].is_symlink() and result.saved[0].read_bytes() == PDF
