"""Bad input gets one clear line naming the file and the reason; the job goes on; exit 2."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.library import Library
from assistant.settings import get_settings
from tests.conftest import SAMPLES
from ui.cli import main

GOOD = SAMPLES / "northshire-csp-annual-review-2024.pdf"


def corrupt(path: Path) -> None:
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\n"
                     b"this is not a pdf body at all\n%%EOF\n")


def truncated(path: Path) -> None:
    data = GOOD.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def encrypted(path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(str(GOOD)).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    with path.open("wb") as handle:
        writer.write(handle)


def empty(path: Path) -> None:
    path.write_bytes(b"")


def image_only(path: Path) -> None:
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("RGB", (200, 100), "white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    pdf = canvas.Canvas(str(path))
    for _ in range(2):
        pdf.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 100, 500, 300, 150)
        pdf.showPage()
    pdf.save()


def renamed_html(path: Path) -> None:
    path.write_text("<!DOCTYPE html><html><body>Minutes</body></html>")


def unsupported(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04 spreadsheet")


def broken_link(path: Path) -> None:
    path.symlink_to(path.parent / "does-not-exist.pdf")


CASES: list[tuple[str, Callable[[Path], None], str]] = [
    ("corrupt.pdf", corrupt, "not a readable PDF (damaged: "),
    ("truncated.pdf", truncated, "truncated or damaged PDF"),
    ("encrypted.pdf", encrypted, "encrypted PDF: it needs a password"),
    ("empty.pdf", empty, "empty file"),
    ("scanned.pdf", image_only, "image-only PDF (scanned pages, no text); OCR is not done"),
    ("renamed.pdf", renamed_html, "not a PDF (the file looks like an HTML page"),
    ("budget.xlsx", unsupported, "unsupported file type .xlsx"),
    ("broken.pdf", broken_link, "cannot read the file: it is a broken link"),
    ("empty.txt", empty, "empty file"),
    ("notes.docx", renamed_html, "not a readable Word document"),
]


@pytest.mark.parametrize(("name", "make", "reason"), CASES, ids=[c[0] for c in CASES])
def test_bad_file_fails_alone_with_one_clear_line(tmp_path: Path, name: str, make, reason: str
                                                  ) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(GOOD, folder / GOOD.name)
    bad = folder / name
    make(bad)
    target = [str(folder)] if bad.suffix != ".xlsx" else [str(folder), str(bad)]
    result = CliRunner().invoke(main, ["ingest", *target])
    assert result.exit_code == 2, result.output
    failed = [line for line in result.output.splitlines() if line.startswith("FAILED")]
    assert failed == [f"FAILED  {bad}: {failed[0].split(': ', 1)[1]}"]
    assert reason in failed[0]
    assert "1 added" in result.output and "1 failed" in result.output
    library = Library(get_settings())
    assert [d.file_name for d in library.documents()] == [GOOD.name]


def test_all_good_files_exit_zero(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["ingest", str(SAMPLES)])
    assert result.exit_code == 0, result.output
    assert "Documents: 3 added, 0 updated, 0 unchanged, 0 failed" in result.output


def test_missing_path_is_reported(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert f"FAILED  {tmp_path / 'nowhere'}: no such file or folder" in result.output


def test_a_failure_mid_write_leaves_the_previous_version(tmp_path: Path, monkeypatch) -> None:
    from ingest import ingest

    source = tmp_path / "report.md"
    source.write_text("# Report\n\n1. The first version says 10 officers.\n")
    ingest([source])
    library = Library(get_settings())
    [before] = library.documents()
    source.write_text("# Report\n\n1. The second version says 12 officers.\n")

    def broken_embed(self, texts):
        raise RuntimeError("embedding backend crashed")

    monkeypatch.setattr("tests.conftest.FakeEmbedder.embed", broken_embed)
    summary = ingest([source])
    assert summary.exit_code == 2
    assert "embedding backend crashed" in summary.failed[0].reason
    [after] = Library(get_settings()).documents()
    assert after.content_hash == before.content_hash
    texts = [p.text for p in Library(get_settings()).paragraphs(after.doc_id)]
    assert texts == ["The first version says 10 officers."]
